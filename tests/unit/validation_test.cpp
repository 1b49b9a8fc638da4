// The offline validator (core/validation): each check with the message the user reads.
#include <catch2/catch.hpp>

#include "core/crds/embedded.h"
#include "core/errors.h"
#include "core/util/files.h"
#include "core/validation/validator.h"
#include "core/yaml/yaml.h"

using kapp::objects::parse_manifests;
using nlohmann::json;

namespace {

// The lines `validate` prints for `text` read as t.yaml; empty when it is valid.
std::vector<std::string> problems(const std::string& text) {
  std::vector<std::string> out;
  for (const auto& m : parse_manifests(text, "t.yaml"))
    for (const auto& p : kapp::validation::validate(m.object).problems)
      out.push_back(kapp::validation::describe(m, p));
  return out;
}

std::string application(const std::string& spec) {
  return "apiVersion: kubectl-app.io/v1alpha1\nkind: Application\nmetadata:\n  name: "
         "shop\nspec:\n" +
         spec;
}

const std::string kWeb = "  components:\n    - name: web\n      image: nginx:1.27\n";

}  // namespace

TEST_CASE("a valid application has no problem") { CHECK(problems(application(kWeb)).empty()); }

TEST_CASE("the samples validate clean") {
  for (const char* sample :
       {"samples/shop.yaml", "samples/links.yaml", "samples/coinflip/coinflip.yaml"}) {
    INFO(sample);
    CHECK(problems(kapp::util::read_file(std::string(KAPP_SOURCE_DIR) + "/" + sample, "sample"))
              .empty());
  }
}

TEST_CASE("a number below the minimum names file, line, document, field and bound") {
  CHECK(problems(application(kWeb + "      replicas: -3\n")) ==
        std::vector<std::string>{"t.yaml:9: document 1, Application \"shop\": "
                                 "spec.components[0].replicas: Invalid value: -3: should be "
                                 "greater than or equal to 0"});
}

TEST_CASE("a number above the maximum is refused") {
  CHECK(problems(application(kWeb + "      ports: [{port: 70000}]\n")) ==
        std::vector<std::string>{"t.yaml:9: document 1, Application \"shop\": "
                                 "spec.components[0].ports[0].port: Invalid value: 70000: should "
                                 "be less than or equal to 65535"});
}

TEST_CASE("a value of the wrong type names the type expected") {
  CHECK(problems(application(kWeb + "      replicas: three\n")) ==
        std::vector<std::string>{"t.yaml:9: document 1, Application \"shop\": "
                                 "spec.components[0].replicas: Invalid value: \"string\": must be "
                                 "of type integer"});
}

TEST_CASE("a string where an object is expected is a type error, not an exception") {
  CHECK(problems(application("  hello\n")) ==
        std::vector<std::string>{"t.yaml:5: document 1, Application \"shop\": spec: Invalid "
                                 "value: \"string\": must be of type object"});
}

TEST_CASE("unknown fields are refused as strict field validation does") {
  CHECK(problems(application(kWeb + "  foo: bar\n")) ==
        std::vector<std::string>{"t.yaml:9: document 1, Application \"shop\": unknown field "
                                 "\"spec.foo\""});
}

TEST_CASE("fields under x-kubernetes-preserve-unknown-fields are not unknown") {
  CHECK(problems(application(kWeb + "      readinessProbe: {httpGet: {path: /, port: 80}}\n"))
            .empty());
}

TEST_CASE("int-or-string fields take both") {
  CHECK(problems(application(kWeb + "      resources: {requests: {cpu: 1, memory: 64Mi}}\n"))
            .empty());
  CHECK(problems(application(kWeb + "      resources: {requests: {cpu: true}}\n")) ==
        std::vector<std::string>{"t.yaml:9: document 1, Application \"shop\": "
                                 "spec.components[0].resources.requests.cpu: Invalid value: "
                                 "\"boolean\": must be of type integer or string"});
}

TEST_CASE("a null field is pruned, as the server does, so a required one is missing") {
  CHECK(problems(application(kWeb + "      replicas: null\n")).empty());
  CHECK(
      problems("apiVersion: kubectl-app.io/v1alpha1\nkind: Application\nmetadata: {name: "
               "shop}\nspec: null\n") ==
      std::vector<std::string>{"t.yaml:4: document 1, Application \"shop\": spec: Required value"});
}

TEST_CASE("a missing required field is reported at its parent's line") {
  CHECK(problems(application("  components:\n    - name: web\n")) ==
        std::vector<std::string>{"t.yaml:7: document 1, Application \"shop\": "
                                 "spec.components[0].image: Required value"});
}

TEST_CASE("an enum lists the supported values") {
  CHECK(problems(application(kWeb + "      workload: Job\n")) ==
        std::vector<std::string>{"t.yaml:9: document 1, Application \"shop\": "
                                 "spec.components[0].workload: Unsupported value: \"Job\": "
                                 "supported values: \"Deployment\", \"StatefulSet\""});
}

TEST_CASE("a pattern names the expression") {
  CHECK(problems(application("  components:\n    - name: Web\n      image: nginx\n")) ==
        std::vector<std::string>{"t.yaml:7: document 1, Application \"shop\": "
                                 "spec.components[0].name: Invalid value: \"Web\": should match "
                                 "'^[a-z]([-a-z0-9]*[a-z0-9])?$'"});
}

TEST_CASE("maxLength and maxItems are worded as the server's Too long and Too many") {
  const auto long_name = std::string(54, 'a');
  CHECK(problems("apiVersion: kubectl-app.io/v1alpha1\nkind: Application\nmetadata: {name: " +
                 long_name + "}\nspec:\n" + kWeb) ==
        std::vector<std::string>{"t.yaml:3: document 1, Application \"" + long_name +
                                 "\": metadata.name: Too long: may not be more than 53 bytes"});
  std::string many = "  components:\n";
  for (int i = 0; i < 33; ++i) many += "    - {name: c" + std::to_string(i) + ", image: x}\n";
  CHECK(problems(application(many)) ==
        std::vector<std::string>{"t.yaml:6: document 1, Application \"shop\": spec.components: "
                                 "Too many: 33: must have at most 32 items"});
}

TEST_CASE("defaults apply before the rules: metrics.port defaults to \"metrics\"") {
  CHECK(problems(application(kWeb + "      ports: [{name: metrics, port: 9113}]\n"
                                    "      isExposingMetrics: true\n"))
            .empty());
  CHECK(problems(application(kWeb + "      ports: [{name: http, port: 80}]\n"
                                    "      isExposingMetrics: true\n")) ==
        std::vector<std::string>{
            "t.yaml:10: document 1, Application \"shop\": spec.components[0]: Invalid value: "
            "\"object\": isExposingMetrics needs metrics.port to name one of the component's "
            "ports (ServiceMonitors select ports by name)"});
}

TEST_CASE("rule: an application needs at least one component") {
  CHECK(problems(application("  components: []\n")) ==
        std::vector<std::string>{"t.yaml:5: document 1, Application \"shop\": spec: Invalid "
                                 "value: \"object\": an application needs at least one component "
                                 "in spec.components or spec.componentRefs"});
  CHECK(problems(application("  componentRefs: [worker]\n")).empty());
}

TEST_CASE("rule: component names are unique, shown at the duplicate") {
  CHECK(problems(application(kWeb + "    - {name: web, image: x}\n")) ==
        std::vector<std::string>{"t.yaml:9: document 1, Application \"shop\": spec: Invalid "
                                 "value: \"object\": component names must be unique within "
                                 "spec.components"});
}

TEST_CASE("rule: a componentRef is not also an inline component") {
  CHECK(problems(application(kWeb + "  componentRefs: [web]\n")) ==
        std::vector<std::string>{"t.yaml:9: document 1, Application \"shop\": spec: Invalid "
                                 "value: \"object\": a name in spec.componentRefs is also an "
                                 "inline component; rename one of them"});
}

TEST_CASE("rule: communications name components of the application") {
  CHECK(problems(application(kWeb +
                             "  componentRefs: [worker]\n  internalCommunications:\n"
                             "    - {from: worker, to: web}\n    - {from: web, to: cache}\n")) ==
        std::vector<std::string>{"t.yaml:12: document 1, Application \"shop\": spec: Invalid "
                                 "value: \"object\": every internalCommunications[].to must name a "
                                 "component of this application"});
}

TEST_CASE("communications dial ports the target component serves") {
  const auto spec =
      "  components:\n    - {name: web, image: x}\n"
      "    - {name: db, image: y, ports: [{port: 5432}]}\n"
      "  internalCommunications:\n    - {from: web, to: db, ports: [5432, 9090]}\n";
  CHECK(problems(application(spec)) ==
        std::vector<std::string>{"t.yaml:10: document 1, Application \"shop\": "
                                 "spec.internalCommunications[0].ports[1]: Invalid value: 9090: "
                                 "component \"db\" serves no such port (its ports: 5432)"});
}

TEST_CASE("rule: port numbers and names are unique within a component") {
  CHECK(problems(application(kWeb + "      ports: [{name: a, port: 80}, {name: a, port: 80}]\n")) ==
        std::vector<std::string>{
            "t.yaml:9: document 1, Application \"shop\": spec.components[0]: Invalid value: "
            "\"object\": port numbers must be unique within a component",
            "t.yaml:9: document 1, Application \"shop\": spec.components[0]: Invalid value: "
            "\"object\": port names must be unique within a component"});
}

TEST_CASE("rule: an exposed component needs a port; volume names are unique") {
  CHECK(problems(application(kWeb + "      expose: {type: NodePort}\n")) ==
        std::vector<std::string>{"t.yaml:9: document 1, Application \"shop\": "
                                 "spec.components[0]: Invalid value: \"object\": an exposed "
                                 "component needs at least one port"});
  CHECK(problems(application(kWeb + "      volumes: [{name: d, mountPath: /a, size: 1Gi}, "
                                    "{name: d, mountPath: /b, size: 1}]\n")) ==
        std::vector<std::string>{"t.yaml:9: document 1, Application \"shop\": "
                                 "spec.components[0]: Invalid value: \"object\": volume names "
                                 "must be unique within a component"});
}

TEST_CASE("a Component's spec follows the same rules") {
  CHECK(problems("apiVersion: kubectl-app.io/v1alpha1\nkind: Component\nmetadata: {name: w}\n"
                 "spec:\n  application: shop\n  image: x\n  ports: [{port: 1}, {port: 1}]\n") ==
        std::vector<std::string>{"t.yaml:7: document 1, Component \"w\": spec: Invalid value: "
                                 "\"object\": port numbers must be unique within a component"});
}

TEST_CASE("rule: an AppLink's name is at most 63 characters") {
  const auto name = std::string(64, 'a');
  CHECK(problems("apiVersion: kubectl-app.io/v1alpha1\nkind: AppLink\nmetadata: {name: " + name +
                 "}\nspec:\n  from: {application: a, component: b}\n  to: {application: c, "
                 "component: d, namespace: e}\n") ==
        std::vector<std::string>{"t.yaml:3: document 1, AppLink \"" + name +
                                 "\": metadata.name: Invalid value: \"" + name +
                                 "\": an AppLink's name is at most 63 characters (its objects "
                                 "carry it as a label value)"});
}

TEST_CASE("names are DNS-1123 subdomains; namespaces and Namespaces' names labels") {
  CHECK(problems("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: Bad_Name, namespace: a.b}\n") ==
        std::vector<std::string>{
            "t.yaml:3: document 1, ConfigMap \"Bad_Name\": metadata.name: Invalid value: "
            "\"Bad_Name\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
            "characters, '-' or '.', and must start and end with an alphanumeric character (e.g. "
            "'example.com', regex used for validation is "
            "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
            "t.yaml:3: document 1, ConfigMap \"Bad_Name\": metadata.namespace: Invalid value: "
            "\"a.b\": a lowercase RFC 1123 label must consist of lower case alphanumeric "
            "characters or '-', and must start and end with an alphanumeric character (e.g. "
            "'my-name',  or '123-abc', regex used for validation is "
            "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')"});
  CHECK(problems("apiVersion: v1\nkind: Namespace\nmetadata: {name: a.b}\n").size() == 1);
}

TEST_CASE("a missing name is refused") {
  CHECK(problems("apiVersion: v1\nkind: ConfigMap\nmetadata: {labels: {a: b}}\n") ==
        std::vector<std::string>{"t.yaml:3: document 1, ConfigMap: metadata.name: Required "
                                 "value: name or generateName is required"});
}

TEST_CASE("labels and annotations are maps of strings") {
  CHECK(
      problems("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels:\n    tier: 3\n") ==
      std::vector<std::string>{"t.yaml:6: document 1, ConfigMap \"a\": metadata.labels.tier: "
                               "Invalid value: \"integer\": must be of type string"});
  CHECK(problems("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  annotations: [x]\n") ==
        std::vector<std::string>{"t.yaml:5: document 1, ConfigMap \"a\": metadata.annotations: "
                                 "Invalid value: \"array\": must be of type object"});
}

TEST_CASE("unknown metadata fields are refused") {
  CHECK(problems("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  nmespace: b\n") ==
        std::vector<std::string>{"t.yaml:5: document 1, ConfigMap \"a\": unknown field "
                                 "\"metadata.nmespace\""});
}

TEST_CASE("an unknown kind of a known group is refused as kubectl's mapper does") {
  CHECK(problems("apiVersion: kubectl-app.io/v1alpha1\nkind: Wizard\nmetadata: {name: m}\n") ==
        std::vector<std::string>{"t.yaml:2: document 1, Wizard \"m\": kind: Invalid value: "
                                 "\"Wizard\": no matches for kind \"Wizard\" in version "
                                 "\"kubectl-app.io/v1alpha1\""});
  CHECK(problems("apiVersion: apps/v1beta1\nkind: Deployment\nmetadata: {name: m}\n").size() == 1);
}

TEST_CASE("a kind of another group is checked by its metadata only") {
  const auto text =
      "apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: c}\n"
      "spec: {anything: 1}\n";
  const auto m = parse_manifests(text, "t.yaml");
  const auto result = kapp::validation::validate(m[0].object);
  CHECK(result.problems.empty());
  CHECK_FALSE(result.fully_checked);
}

TEST_CASE("apiVersion and kind are required strings") {
  CHECK(problems("metadata: {name: a}\n") ==
        std::vector<std::string>{"t.yaml:1: document 1: apiVersion: Required value",
                                 "t.yaml:1: document 1: kind: Required value"});
  CHECK(problems("apiVersion: v1\nkind: [ConfigMap]\nmetadata: {name: a}\n") ==
        std::vector<std::string>{"t.yaml:2: document 1: kind: Invalid value: \"array\": must be "
                                 "of type string"});
}

TEST_CASE("a document that is not a mapping is refused") {
  CHECK(problems("---\napiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\n- a\n- b\n") ==
        std::vector<std::string>{"t.yaml:6: document 2: Invalid value: \"array\": a document "
                                 "must be a mapping (an object) with apiVersion, kind and "
                                 "metadata"});
}

TEST_CASE("items of a List are named by their own line") {
  CHECK(problems("apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n"
                 "  metadata: {name: ok}\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n"
                 "    name: Bad\n")
            .at(0)
            .rfind("t.yaml:10: document 1, ConfigMap \"Bad\": metadata.name:", 0) == 0);
}

TEST_CASE("check_all refuses every document's problems at once") {
  const auto manifests = parse_manifests(
      application(kWeb + "      replicas: -1\n") + "---\n" + application("  components: []\n"),
      "t.yaml");
  try {
    kapp::validation::check_all(manifests);
    FAIL("no InvalidInput");
  } catch (const kapp::InvalidInput& e) {
    CHECK(e.problems().size() == 2);
    CHECK(e.problems()[1].rfind("t.yaml:15: document 2, Application \"shop\": spec:", 0) == 0);
  }
}

TEST_CASE("every CEL rule of the CRDs is restated or listed as server-only") {
  // Messages of rules restated in core/validation/rules.cpp; kServerOnlyRules names the others.
  const std::vector<std::string> restated = {
      "an application needs at least one component in spec.components or spec.componentRefs",
      "component names must be unique within spec.components",
      "a name in spec.componentRefs is also an inline component; rename one of them",
      "every internalCommunications[].from must name a component of this application",
      "every internalCommunications[].to must name a component of this application",
      "port numbers must be unique within a component",
      "port names must be unique within a component",
      "isExposingMetrics needs metrics.port to name one of the component's ports (ServiceMonitors "
      "select ports by name)",
      "an exposed component needs at least one port",
      "volume names must be unique within a component",
      "an AppLink's name is at most 63 characters (its objects carry it as a label value)"};
  const std::vector<std::string> server_only = {
      "spec.application is immutable; delete and recreate the component to move it",
      "from and to are immutable; create another link instead"};
  for (const auto& file : kapp::crds::embedded_files()) {
    const auto text = std::string(file.content);
    for (std::size_t at = text.find("message:"); at != std::string::npos;
         at = text.find("message:", at + 1)) {
      auto message = text.substr(at + 8, text.find('\n', at) - at - 8);
      message.erase(0, message.find_first_not_of(" \"'"));
      message.erase(message.find_last_not_of(" \"'") + 1);
      if (message.empty() || message.find("type: string") != std::string::npos) continue;
      INFO(file.name << ": " << message);
      CHECK((std::find(restated.begin(), restated.end(), message) != restated.end() ||
             std::find(server_only.begin(), server_only.end(), message) != server_only.end()));
    }
  }
}
