// `-o yaml` read back by kubectl: every YAML 1.1 and 1.2 special scalar, held as a string in an
// Application (env values, args, annotations), comes back from
// `kubectl apply --dry-run=client -o json -f -` as the same string.
#include <catch2/catch.hpp>

#include <regex>
#include <string>
#include <vector>

#include "tests/support/cluster.h"
#include "tests/support/yaml_scalars.h"

using namespace kapp::test;
using nlohmann::json;

namespace {

std::vector<std::string> all_scalars() {
  auto all = kSpecial;
  all.insert(all.end(), kSyntax.begin(), kSyntax.end());
  all.insert(all.end(), kPlain.begin(), kPlain.end());
  return all;
}

// An Application holding every scalar as an env value and an argument, and, where it is a
// valid annotation key, as an annotation key and value. JSON, so the input is unambiguous.
json application_with_scalars(const std::string& ns) {
  static const std::regex annotation_key("[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");
  json env = json::array(), annotations = json::object();
  const auto all = all_scalars();
  for (std::size_t i = 0; i < all.size(); ++i) {
    env.push_back({{"name", "V" + std::to_string(i)}, {"value", all[i]}});
    if (std::regex_match(all[i], annotation_key)) annotations[all[i]] = all[i];
  }
  return {{"apiVersion", "kubectl-app.io/v1alpha1"},
          {"kind", "Application"},
          {"metadata", {{"name", "scalars"}, {"namespace", ns}, {"annotations", annotations}}},
          {"spec",
           {{"components",
             {{{"name", "web"}, {"image", "nginx:1.27"}, {"env", env}, {"args", all}}}}}}};
}

// Pipes `kubectl-app ARGS -o yaml` into kubectl's client-side apply and returns what kubectl
// read, as JSON.
json read_back_by_kubectl(const std::string& kapp_args) {
  const auto result =
      run({"bash", "-o", "pipefail", "-c",
           "\"$0\" " + kapp_args + " -o yaml | kubectl apply --dry-run=client -o json -f -",
           KAPP_BINARY},
          {{"KUBECONFIG", admin_kubeconfig()}});
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  return json::parse(result.out);
}

void check_same_strings(const json& sent, const json& read) {
  const auto& want = sent["spec"]["components"][0];
  const auto& got = read["spec"]["components"][0];
  REQUIRE(got["env"].size() == want["env"].size());
  for (std::size_t i = 0; i < want["env"].size(); ++i) {
    INFO("env value: [" << want["env"][i]["value"].get<std::string>() << "]");
    CHECK(got["env"][i]["value"] == want["env"][i]["value"]);
  }
  CHECK(got["args"] == want["args"]);
  const auto& annotations = sent["metadata"]["annotations"];
  CHECK(annotations.size() > 20);
  // kubectl's client-side apply adds its own record of what was applied.
  auto read_annotations = read["metadata"]["annotations"];
  read_annotations.erase("kubectl.kubernetes.io/last-applied-configuration");
  CHECK(read_annotations == annotations);
}

// The Application above in a file, with a namespace of its own.
struct ScalarsFile {
  TestNamespace ns;
  TempDir dir;
  json app = application_with_scalars(ns.name());
  std::string path = dir.write("scalars.json", app.dump());
  ScalarsFile() { install_crds(); }
};

}  // namespace

TEST_CASE("create --dry-run=client -o yaml reads back in kubectl as the same strings") {
  const ScalarsFile file;
  check_same_strings(file.app, read_back_by_kubectl("create --dry-run=client -f " + file.path));
}

TEST_CASE("get -o yaml of a stored object reads back in kubectl as the same strings") {
  const ScalarsFile file;
  const auto created = kubectl_app({"create", "-f", file.path});
  INFO(created.err);
  REQUIRE(created.exit_code == 0);
  const auto read = read_back_by_kubectl("get applications scalars -n " + file.ns.name());
  check_same_strings(file.app, read);
}
