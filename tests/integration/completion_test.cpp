// Shell completion: completions/kubectl_complete-app as kubectl (>= 1.26) calls it for
// `kubectl app <TAB>`, the real kubectl's plugin completion on top of it, and the bash
// completion of a standalone kubectl-app, with object names from the real cluster.
#include <catch2/catch.hpp>

#include <filesystem>
#include <sstream>

#include "core/client/resource.h"
#include "plugin/commands.h"
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

// An Application whose one component `web` declares no ports.
void create_portless_application(const std::string& ns, const std::string& name) {
  admin().create(res::kApplication, ns,
                 {{"apiVersion", "kubectl-app.io/v1alpha1"},
                  {"kind", "Application"},
                  {"metadata", {{"name", name}}},
                  {"spec", {{"components", {{{"name", "web"}, {"image", "nginx:1.27"}}}}}}});
}

}  // namespace

TEST_CASE("completion offers every verb of the verb table after kubectl app, hidden ones not") {
  const auto completion = complete({""});
  for (const auto& verb : kapp::cli::verbs()) {
    INFO(verb.name);
    CHECK(offers(completion, verb.name) == !verb.hidden);
  }
  CHECK(offers(completion, "options"));
  CHECK_FALSE(offers(completion, "__complete-data"));
  CHECK(completion.directive == ":4");  // no file names instead of verbs
}

namespace {

// The values a flag's value kind lists ("one-of:a,b" -> a, b), none for the other kinds.
std::vector<std::string> listed_values(const std::string& kind) {
  std::vector<std::string> out;
  if (kind.rfind("one-of:", 0) != 0) return out;
  std::istringstream list(kind.substr(7));
  for (std::string value; std::getline(list, value, ',');) out.push_back(value);
  return out;
}

}  // namespace

// Walks the parser itself (each verb's options function), not the completion data: a flag added
// to a verb without a value kind, or that the helper does not offer, fails here.
TEST_CASE("completion offers every flag of every verb, each with a value kind it completes") {
  for (const auto& verb : kapp::cli::verbs()) {
    if (verb.hidden) continue;
    INFO("verb " << verb.name);
    REQUIRE(verb.options != nullptr);  // the table row names the verb's options function
    const auto options = verb.options();
    const auto offered = complete({verb.name, "-"});
    CHECK(offered.directive == ":4");
    for (const auto& group : options.groups()) {
      for (const auto& flag : options.group_help(group).options) {
        const auto name = flag.l.empty() ? "-" + flag.s : "--" + flag.l[0];
        INFO("flag " << name << " value kind \"" << flag.arg_help << "\"");
        if (name == "--positional") {
          CHECK((flag.arg_help.empty() || kapp::cli::value_kind::known(flag.arg_help)));
          continue;
        }
        if (!flag.is_boolean) CHECK(kapp::cli::value_kind::known(flag.arg_help));
        if (!flag.s.empty()) CHECK(offers(offered, "-" + flag.s));
        if (!flag.l.empty()) CHECK(offers(offered, "--" + flag.l[0]));
        const auto values = listed_values(flag.arg_help);
        if (values.empty()) continue;
        const auto attached = complete({verb.name, name + "="});
        for (const auto& value : values) CHECK(offers(attached, name + "=" + value));
        if (flag.has_implicit) {
          for (const auto& value : values) CHECK(offers(offered, name + "=" + value));
        } else {
          CHECK(complete({verb.name, name, ""}).candidates == values);
        }
      }
    }
  }
}

TEST_CASE("completion offers file names for the value of -f and --kubeconfig only") {
  CHECK(complete({"create", "-f", ""}).directive == ":0");
  CHECK(complete({"get", "--kubeconfig", ""}).directive == ":0");
  CHECK(complete({"get", "--request-timeout", ""}).directive == ":4");
  CHECK(complete({"create", "--image", ""}).candidates.empty());
}

TEST_CASE("completion offers the contexts, clusters and users of the kubeconfig") {
  TempDir dir;
  const auto kubeconfig = dir.write("config",
                                    "apiVersion: v1\nkind: Config\n"
                                    "clusters:\n- name: prod\n  cluster: {server: https://prod}\n"
                                    "users:\n- name: alice\n  user: {token: t}\n"
                                    "contexts:\n- name: prod-alice\n"
                                    "  context: {cluster: prod, user: alice}\n"
                                    "current-context: prod-alice\n");
  CHECK(complete({"get", "--kubeconfig", kubeconfig, "--context", ""}).candidates ==
        std::vector<std::string>{"prod-alice"});
  CHECK(complete({"get", "--kubeconfig", kubeconfig, "--cluster", "p"}).candidates ==
        std::vector<std::string>{"prod"});
  CHECK(complete({"get", "--kubeconfig", kubeconfig, "--user", ""}).candidates ==
        std::vector<std::string>{"alice"});
}

TEST_CASE("completion offers only the verbs that start with the typed prefix") {
  const auto completion = complete({"un"});
  CHECK(completion.candidates == std::vector<std::string>{"unlink", "uninstall", "undeploy"});
  CHECK(complete({"li"}).candidates == std::vector<std::string>{"link"});
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
  CHECK(offers(complete({"graph", "--"}), "--filename"));
  const auto link = complete({"link", "--"});
  for (const auto* flag : {"--to-namespace", "--port", "--alias", "--name", "--output",
                           "--dry-run=client", "--dry-run=server"})
    CHECK(offers(link, flag));
  CHECK_FALSE(offers(link, "--wait"));
  const auto unlink = complete({"unlink", "--"});
  for (const auto* flag : {"--wait", "--timeout", "--ignore-not-found", "--dry-run=client"})
    CHECK(offers(unlink, flag));
  CHECK_FALSE(offers(unlink, "--to-namespace"));
}

TEST_CASE("completion offers the output formats after -o") {
  const auto completion = complete({"get", "-o", ""});
  CHECK(completion.candidates == std::vector<std::string>{"wide", "yaml", "json", "name"});
  CHECK(complete({"graph", "-o", ""}).candidates ==
        std::vector<std::string>{"text", "dot", "mermaid"});
}

TEST_CASE("completion offers the Applications of the cluster after get applications") {
  install_crds();
  TestNamespace ns;
  create_portless_application(ns.name(), "shop");
  create_portless_application(ns.name(), "blog");

  const auto completion = complete({"get", "applications", "-n", ns.name(), ""});
  CHECK(offers(completion, "shop"));
  CHECK(offers(completion, "blog"));
  CHECK(completion.directive == ":4");
  CHECK(complete({"-n", ns.name(), "status", "sh"}).candidates == std::vector<std::string>{"shop"});
}

TEST_CASE("completion offers applications before the slash of link and AppLinks after unlink") {
  install_crds();
  TestNamespace ns;
  TestNamespace target;
  create_portless_application(ns.name(), "shop");
  create_portless_application(target.name(), "payments");
  admin().create(
      res::kAppLink, ns.name(),
      {{"apiVersion", "kubectl-app.io/v1alpha1"},
       {"kind", "AppLink"},
       {"metadata", {{"name", "shop-web-to-payments-web"}}},
       {"spec",
        {{"from", {{"application", "shop"}, {"component", "web"}}},
         {"to",
          {{"application", "payments"}, {"component", "web"}, {"namespace", target.name()}}}}}});

  const auto from = complete({"link", "-n", ns.name(), "sh"});
  CHECK(from.candidates == std::vector<std::string>{"shop/"});
  CHECK(from.directive == ":6");  // no space after the slash, no file names
  // The target application is read in --to-namespace.
  CHECK(complete({"link", "-n", ns.name(), "--to-namespace", target.name(), "shop/web", ""})
            .candidates == std::vector<std::string>{"payments/"});
  CHECK(complete({"-n", ns.name(), "unlink", ""}).candidates ==
        std::vector<std::string>{"shop-web-to-payments-web"});
  CHECK(offers(complete({"link", "--to-namespace", ""}), target.name()));
}

TEST_CASE("completion offers the namespaces after -n") {
  TestNamespace ns;
  CHECK(offers(complete({"get", "applications", "-n", ""}), ns.name()));
  CHECK(offers(complete({"get", "applications", "--namespace=t-"}), "--namespace=" + ns.name()));
}

TEST_CASE("completion of kubectl app goes through the real kubectl to kubectl_complete-app") {
  install_crds();
  TestNamespace ns;
  create_portless_application(ns.name(), "shop");
  // The real kubectl's hidden completion command, as its shell scripts call it.
  const auto completion = parse(run(
      {"kubectl", "__complete", "app", "get", "applications", "-n", ns.name(), ""}, plugin_env()));
  CHECK(completion.candidates == std::vector<std::string>{"shop"});
  CHECK(completion.directive == ":4");
}

TEST_CASE("completion in bash of a standalone kubectl-app offers verbs and object names") {
  install_crds();
  TestNamespace ns;
  create_portless_application(ns.name(), "shop");
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
  // kubectl-app on PATH, as it is for a user who types it; the helper is found beside the script.
  const char* path = std::getenv("PATH");
  const auto bin_dir = std::filesystem::path(KAPP_BINARY).parent_path().string();
  const auto result = run({"bash", "-c", script}, {{"KUBECONFIG", admin_kubeconfig()},
                                                   {"PATH", bin_dir + ":" + (path ? path : "")}});
  INFO(result.err);
  CHECK(result.exit_code == 0);
  CHECK(result.out == "status\nshop\n");
}

namespace {

// `kubectl app completion ARGS...` run as a user would, with no helper on PATH.
CommandResult completion_script(const std::string& shell) {
  return run({KAPP_BINARY, "completion", shell});
}

bool installed(const std::string& program) {
  return run({"sh", "-c", "command -v " + program}).exit_code == 0;
}

// A PATH with the shells and tools but neither kubectl-app nor kubectl_complete-app: the
// printed scripts must then find the helper embedded in the binary they complete.
std::map<std::string, std::string> bare_env() {
  return {{"PATH", "/usr/local/bin:/usr/bin:/bin"}, {"KUBECONFIG", admin_kubeconfig()}};
}

}  // namespace

TEST_CASE("completion bash prints the bash script, which bash accepts") {
  const auto result = completion_script("bash");
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  CHECK(result.out == file_content(KAPP_SOURCE_DIR "/completions/kubectl-app.bash"));
  TempDir dir;
  CHECK(run({"bash", "-n", dir.write("kubectl-app.bash", result.out)}).exit_code == 0);
}

TEST_CASE("completion zsh prints a script that zsh accepts") {
  const auto result = completion_script("zsh");
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::StartsWith("#compdef kubectl-app\n"));
  CHECK_THAT(result.out, Catch::Contains("compdef _kubectl_app kubectl-app"));
  if (!installed("zsh")) {
    WARN("zsh is not installed: its syntax check is skipped");
    return;
  }
  TempDir dir;
  const auto check = run({"zsh", "-n", dir.write("_kubectl-app", result.out)});
  INFO(check.err);
  CHECK(check.exit_code == 0);
}

TEST_CASE("completion fish prints a script that fish accepts") {
  const auto result = completion_script("fish");
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::Contains("complete -c kubectl-app"));
  if (!installed("fish")) {
    WARN("fish is not installed: its syntax check is skipped");
    return;
  }
  TempDir dir;
  const auto check = run({"fish", "-n", dir.write("kubectl-app.fish", result.out)});
  INFO(check.err);
  CHECK(check.exit_code == 0);
}

TEST_CASE("completion helper prints kubectl_complete-app for installing on PATH") {
  const auto result = completion_script("helper");
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  CHECK(result.out == file_content(kCompleter));
  TempDir dir;
  const auto helper = dir.write("kubectl_complete-app", result.out, /*executable=*/true);
  CHECK(run({"sh", "-n", helper}).exit_code == 0);
  const auto completion = parse(run({helper, "comp"}, {{"KUBECTL_APP", KAPP_BINARY}}));
  CHECK(completion.candidates == std::vector<std::string>{"completion"});
}

TEST_CASE("completion offers the shells after completion") {
  CHECK(complete({"completion", ""}).candidates ==
        std::vector<std::string>{"bash", "zsh", "fish", "helper"});
}

TEST_CASE("completion of an unknown shell exits 1 with one clear line") {
  const auto result = completion_script("tcsh");
  CHECK(result.exit_code == 1);
  CHECK(result.out.empty());
  CHECK(result.err ==
        "error: unsupported shell \"tcsh\"; use bash, zsh or fish (or helper for "
        "kubectl_complete-app)\n");
  CHECK(run({KAPP_BINARY, "completion"}).exit_code == 1);
}

TEST_CASE("the printed bash script completes with the helper embedded in the binary") {
  install_crds();
  TestNamespace ns;
  create_portless_application(ns.name(), "shop");
  const std::string binary = KAPP_BINARY;
  const auto script = "source <(" + binary +
                      " completion bash)\n"
                      "complete_line() {\n"
                      "  COMP_LINE=$1 COMP_POINT=${#1}\n"
                      "  read -ra COMP_WORDS <<<\"$1\"\n"
                      "  [[ $1 == *' ' ]] && COMP_WORDS+=('')\n"
                      "  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))\n"
                      "  _kubectl_app\n"
                      "  echo \"${COMPREPLY[*]}\"\n"
                      "}\n"
                      "complete_line '" +
                      binary + " compl'\n" + "complete_line '" + binary + " get applications -n " +
                      ns.name() + " '\n";
  const auto result = run({"bash", "-c", script}, bare_env());
  INFO(result.err);
  CHECK(result.exit_code == 0);
  CHECK(result.out == "completion\nshop\n");
}

TEST_CASE("the printed zsh script offers verbs and object names") {
  if (!installed("zsh")) {
    WARN("zsh is not installed: nothing to run the script with");
    return;
  }
  install_crds();
  TestNamespace ns;
  create_portless_application(ns.name(), "shop");
  const std::string binary = KAPP_BINARY;
  // zsh's completion system stubbed to print what it is given: _describe's array, compdef.
  const auto script =
      "compdef() { :; }\n"
      "_describe() { print -rl -- \"${(@P)4}\"; }\n"
      "_files() { print files; }\n"
      "source <(" +
      binary +
      " completion zsh)\n"
      "words=(" +
      binary + " st) CURRENT=2 _kubectl_app\n" + "words=(" + binary + " get applications -n " +
      ns.name() + " '') CURRENT=6 _kubectl_app\n";
  const auto result = run({"zsh", "-c", script}, bare_env());
  INFO(result.err);
  CHECK(result.exit_code == 0);
  CHECK(result.out ==
        "status:Show an Application as a tree with its conditions and events\nshop\n");
}

TEST_CASE("the printed fish script offers verbs and object names") {
  if (!installed("fish")) {
    WARN("fish is not installed: nothing to run the script with");
    return;
  }
  install_crds();
  TestNamespace ns;
  create_portless_application(ns.name(), "shop");
  const std::string binary = KAPP_BINARY;
  TempDir dir;
  const auto file = dir.write("kubectl-app.fish", completion_script("fish").out);
  // fish completes a command line without a terminal with `complete -C`; the completion is
  // registered for the command name, so call the binary through a link named kubectl-app.
  const auto link = dir.path() + "/kubectl-app";
  std::filesystem::create_symlink(binary, link);
  const auto script = "source " + file + "\ncomplete -C '" + link + " stat'\ncomplete -C '" + link +
                      " get applications -n " + ns.name() + " '\n";
  const auto result = run({"fish", "-c", script}, bare_env());
  INFO(result.err);
  CHECK(result.exit_code == 0);
  CHECK(result.out ==
        "status\tShow an Application as a tree with its conditions and events\nshop\n");
}
