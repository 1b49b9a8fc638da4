// Shell completion: completions/kubectl_complete-app as kubectl (>= 1.26) calls it for
// `kubectl app <TAB>`, the real kubectl's plugin completion on top of it, and the bash
// completion of a standalone kubectl-app, with object names from the real cluster.
#include <catch2/catch.hpp>

#include <filesystem>
#include <sstream>

#include "core/client/resource.h"
#include "tests/support/cluster.h"

using namespace kapp::test;
using nlohmann::json;
namespace res = kapp::client::resources;

namespace {

const std::string kCompleter = KAPP_SOURCE_DIR "/completions/kubectl_complete-app";

// kubectl-app and kubectl_complete-app on PATH, as after a krew install; the admin kubeconfig.
std::map<std::string, std::string> plugin_env() {
  const auto bin_dir = std::filesystem::path(KAPP_BINARY).parent_path().string();
  const char* path = std::getenv("PATH");
  return {{"PATH", bin_dir + ":" KAPP_SOURCE_DIR "/completions:" + (path ? path : "")},
          {"KUBECONFIG", admin_kubeconfig()}};
}

struct Completion {
  std::vector<std::string> candidates;  // without descriptions
  std::string directive;                // the ":N" line
};

Completion parse(const CommandResult& result) {
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  Completion completion;
  std::istringstream lines(result.out);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    if (line[0] == ':') {
      completion.directive = line;
    } else {
      completion.candidates.push_back(line.substr(0, line.find('\t')));
    }
  }
  return completion;
}

// What `kubectl app ARGS... CURRENT<TAB>` gets from the completion executable.
Completion complete(std::vector<std::string> args) {
  args.insert(args.begin(), kCompleter);
  return parse(run(args, plugin_env()));
}

bool offers(const Completion& completion, const std::string& candidate) {
  for (const auto& c : completion.candidates) {
    if (c == candidate) return true;
  }
  return false;
}

void create_application(const std::string& ns, const std::string& name) {
  admin().create(res::kApplication, ns,
                 {{"apiVersion", "kubectl-app.io/v1alpha1"},
                  {"kind", "Application"},
                  {"metadata", {{"name", name}}},
                  {"spec", {{"components", {{{"name", "web"}, {"image", "nginx:1.27"}}}}}}});
}

}  // namespace

TEST_CASE("completion offers every verb after kubectl app") {
  const auto completion = complete({""});
  for (const auto* verb : {"create", "get", "status", "delete", "install", "uninstall",
                           "run-controller", "deploy", "undeploy", "version"}) {
    CHECK(offers(completion, verb));
  }
  CHECK(completion.directive == ":4");  // no file names instead of verbs
}

TEST_CASE("completion offers only the verbs that start with the typed prefix") {
  const auto completion = complete({"un"});
  CHECK(completion.candidates == std::vector<std::string>{"uninstall", "undeploy"});
}

TEST_CASE("completion offers the kinds after get") {
  const auto completion = complete({"get", ""});
  for (const auto* kind : {"applications", "components", "applinks", "coinflips"})
    CHECK(offers(completion, kind));
}

TEST_CASE("completion offers the flags of the verb and the global flags") {
  const auto completion = complete({"get", "--"});
  CHECK(offers(completion, "--watch"));
  CHECK(offers(completion, "--all-namespaces"));
  CHECK(offers(completion, "--namespace"));
  CHECK_FALSE(offers(completion, "--dry-run=client"));  // get writes nothing
  CHECK(offers(complete({"delete", "--"}), "--dry-run=client"));
}

TEST_CASE("completion offers the output formats after -o") {
  const auto completion = complete({"get", "-o", ""});
  CHECK(completion.candidates == std::vector<std::string>{"wide", "yaml", "json", "name"});
}

TEST_CASE("completion offers the Applications of the cluster after get applications") {
  install_crds();
  TestNamespace ns;
  create_application(ns.name(), "shop");
  create_application(ns.name(), "blog");

  const auto completion = complete({"get", "applications", "-n", ns.name(), ""});
  CHECK(offers(completion, "shop"));
  CHECK(offers(completion, "blog"));
  CHECK(completion.directive == ":4");
  CHECK(complete({"-n", ns.name(), "status", "sh"}).candidates == std::vector<std::string>{"shop"});
}

TEST_CASE("completion offers the namespaces after -n") {
  TestNamespace ns;
  CHECK(offers(complete({"get", "applications", "-n", ""}), ns.name()));
  CHECK(offers(complete({"get", "applications", "--namespace=t-"}), "--namespace=" + ns.name()));
}

TEST_CASE("completion of kubectl app goes through the real kubectl to kubectl_complete-app") {
  install_crds();
  TestNamespace ns;
  create_application(ns.name(), "shop");
  // The real kubectl's hidden completion command, as its shell scripts call it.
  const auto completion = parse(run(
      {"kubectl", "__complete", "app", "get", "applications", "-n", ns.name(), ""}, plugin_env()));
  CHECK(completion.candidates == std::vector<std::string>{"shop"});
  CHECK(completion.directive == ":4");
}

TEST_CASE("completion in bash of a standalone kubectl-app offers verbs and object names") {
  install_crds();
  TestNamespace ns;
  create_application(ns.name(), "shop");
  const std::string binary = KAPP_BINARY;
  // What bash sets before calling the completion function for `kubectl-app ... <TAB>`.
  const auto script = "source " KAPP_SOURCE_DIR
                      "/completions/kubectl-app.bash\n"
                      "complete_line() {\n"
                      "  COMP_LINE=$1 COMP_POINT=${#1}\n"
                      "  read -ra COMP_WORDS <<<\"$1\"\n"
                      "  [[ $1 == *' ' ]] && COMP_WORDS+=('')\n"
                      "  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))\n"
                      "  _kubectl_app\n"
                      "  echo \"${COMPREPLY[*]}\"\n"
                      "}\n"
                      "complete_line 'kubectl-app st'\n"
                      "complete_line '" +
                      binary + " get applications -n " + ns.name() + " '\n";
  const auto result = run({"bash", "-c", script}, {{"KUBECONFIG", admin_kubeconfig()}});
  INFO(result.err);
  CHECK(result.exit_code == 0);
  CHECK(result.out == "status\nshop\n");
}
