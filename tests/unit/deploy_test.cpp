#include <catch2/catch.hpp>

#include <map>
#include <set>

#include "core/deploy/manifests.h"
#include "core/errors.h"
#include "tests/unit/golden.h"

using kapp::deploy::DeployOptions;
using kapp::deploy::render_manifests;
using nlohmann::json;

namespace {

const DeployOptions kFixed{.namespace_name = "kapp-test", .image = "example.com/kapp:golden"};

json find(const std::vector<json>& objects, const std::string& kind) {
  for (const auto& object : objects) {
    if (object["kind"] == kind) return object;
  }
  FAIL("no " << kind << " among the manifests");
  return {};
}

json container(const std::vector<json>& objects) {
  return find(objects, "Deployment")["spec"]["template"]["spec"]["containers"][0];
}

using Grants = std::map<std::string, std::set<std::string>>;  // "resource.group" -> verbs

Grants grants(const json& role) {
  Grants out;
  for (const auto& rule : role["rules"]) {
    for (const auto& group : rule["apiGroups"]) {
      for (const auto& resource : rule["resources"]) {
        const auto key = resource.get<std::string>() + "." + group.get<std::string>();
        for (const auto& verb : rule["verbs"]) out[key].insert(verb.get<std::string>());
      }
    }
  }
  return out;
}

}  // namespace

TEST_CASE("the rendered manifests match the golden file (UPDATE_GOLDEN=1 rewrites it)") {
  kapp::test::check_golden("deploy/default.yaml",
                           kapp::test::as_yaml_stream(render_manifests(kFixed)));
}

TEST_CASE("the manifests come in apply order: namespace and RBAC before the Deployment") {
  std::vector<std::string> kinds;
  for (const auto& object : render_manifests({})) kinds.push_back(object["kind"]);
  CHECK(kinds == std::vector<std::string>{"Namespace", "ServiceAccount", "ClusterRole", "Role",
                                          "RoleBinding", "ClusterRoleBinding", "Deployment",
                                          "Service"});
}

TEST_CASE("every object is labelled as managed by and part of kubectl-app") {
  for (const auto& object : render_manifests(kFixed)) {
    INFO(object["kind"]);
    CHECK(kapp::deploy::managed_by_us(object));
    CHECK(object["metadata"]["labels"]["app.kubernetes.io/part-of"] == "kubectl-app");
  }
}

TEST_CASE("namespaced objects go to the chosen namespace, which defaults to kubectl-app-system") {
  for (const auto& object : render_manifests({})) {
    const auto& kind = object["kind"];
    if (kind == "Namespace" || kind == "ClusterRole" || kind == "ClusterRoleBinding") {
      CHECK_FALSE(object["metadata"].contains("namespace"));
    } else {
      CHECK(object["metadata"]["namespace"] == "kubectl-app-system");
    }
  }
  CHECK(find(render_manifests(kFixed), "Namespace")["metadata"]["name"] == "kapp-test");
}

TEST_CASE("the controller's ClusterRole grants no wildcard") {
  const auto role = find(render_manifests({}), "ClusterRole");
  for (const auto& rule : role["rules"]) {
    for (const auto* field : {"apiGroups", "resources", "verbs"}) {
      for (const auto& value : rule[field]) CHECK(value != "*");
    }
    CHECK_FALSE(rule.contains("nonResourceURLs"));
    CHECK_FALSE(rule.contains("resourceNames"));
  }
}

TEST_CASE("the controller's ClusterRole grants exactly what the controllers use") {
  const std::set<std::string> full = {"get",    "list",  "watch", "create",
                                      "update", "patch", "delete"};
  const std::set<std::string> read = {"get", "list", "watch"};
  Grants expected;
  for (const auto* kind : {"applications", "components", "applinks", "coinflips"}) {
    const std::string k = kind;
    expected[k + ".kubectl-app.io"] = {"get", "list", "watch", "update", "patch"};
    expected[k + "/status.kubectl-app.io"] = {"get", "update", "patch"};
    expected[k + "/finalizers.kubectl-app.io"] = {"update"};
  }
  for (const auto* r :
       {"deployments.apps", "statefulsets.apps", "services.", "serviceaccounts.",
        "persistentvolumeclaims.", "networkpolicies.networking.k8s.io",
        "roles.rbac.authorization.k8s.io", "rolebindings.rbac.authorization.k8s.io",
        "servicemonitors.monitoring.coreos.com", "prometheuses.monitoring.coreos.com",
        "namespaceoffloadings.offloading.liqo.io"})
    expected[r] = full;
  for (const auto* r : {"pods.", "endpoints.", "namespaces.", "endpointslices.discovery.k8s.io",
                        "customresourcedefinitions.apiextensions.k8s.io"})
    expected[r] = read;
  expected["secrets."] = {"get"};
  expected["events."] = {"create", "patch"};
  expected["events.events.k8s.io"] = {"create", "patch"};
  CHECK(grants(find(render_manifests({}), "ClusterRole")) == expected);
}

TEST_CASE("the controller holds what the Prometheus Role it creates grants (RBAC escalation)") {
  auto granted = grants(find(render_manifests({}), "ClusterRole"));
  for (const auto* r : {"services.", "endpoints.", "pods.", "endpointslices.discovery.k8s.io"}) {
    INFO(r);
    for (const auto* verb : {"get", "list", "watch"}) CHECK(granted[r].count(verb));
  }
}

TEST_CASE("secrets can be read by name only: no list, no watch, no write") {
  auto granted = grants(find(render_manifests({}), "ClusterRole"));
  CHECK(granted["secrets."] == std::set<std::string>{"get"});
}

TEST_CASE("leases are granted only in the controller's namespace, for leader election") {
  const auto manifests = render_manifests(kFixed);
  CHECK_FALSE(grants(find(manifests, "ClusterRole")).count("leases.coordination.k8s.io"));
  const auto role = find(manifests, "Role");
  CHECK(role["metadata"]["namespace"] == "kapp-test");
  CHECK(grants(role) == Grants{{"leases.coordination.k8s.io", {"get", "create", "update"}}});
  const auto binding = find(manifests, "RoleBinding");
  CHECK(binding["roleRef"]["kind"] == "Role");
  CHECK(binding["roleRef"]["name"] == role["metadata"]["name"]);
}

TEST_CASE("both bindings name the controller's ServiceAccount in the deploy namespace") {
  const auto manifests = render_manifests(kFixed);
  const json subject = {
      {"kind", "ServiceAccount"}, {"name", "kubectl-app-controller"}, {"namespace", "kapp-test"}};
  for (const auto* kind : {"RoleBinding", "ClusterRoleBinding"})
    CHECK(find(manifests, kind)["subjects"] == json::array({subject}));
  const auto binding = find(manifests, "ClusterRoleBinding");
  CHECK(binding["metadata"]["name"] == "kubectl-app-controller");
  CHECK(binding["roleRef"]["name"] == find(manifests, "ClusterRole")["metadata"]["name"]);
  CHECK(find(manifests, "Deployment")["spec"]["template"]["spec"]["serviceAccountName"] ==
        "kubectl-app-controller");
}

TEST_CASE("the deployment runs as non-root with a read-only root filesystem") {
  const auto manifests = render_manifests({});
  const auto pod = find(manifests, "Deployment")["spec"]["template"]["spec"];
  CHECK(pod["securityContext"]["runAsNonRoot"] == true);
  CHECK(pod["securityContext"]["runAsUser"] == 65532);
  CHECK(pod["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault");
  const auto security = container(manifests)["securityContext"];
  CHECK(security["readOnlyRootFilesystem"] == true);
  CHECK(security["allowPrivilegeEscalation"] == false);
  CHECK(security["capabilities"]["drop"] == json::array({"ALL"}));
  CHECK(find(manifests, "Namespace")["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] ==
        "restricted");
}

TEST_CASE("the deployment runs the controller with leader election in its own namespace") {
  const auto c = container(render_manifests(kFixed));
  CHECK(c["command"] == json::array({"/kubectl-app"}));
  CHECK(c["args"] ==
        json::array({"run-controller", "--leader-elect", "--leader-election-namespace=kapp-test",
                     "--metrics-bind-address=:8080", "--health-probe-bind-address=:8081",
                     "--log-format=json"}));
  CHECK(c["env"][0]["name"] == "POD_NAMESPACE");
  CHECK(c["env"][0]["valueFrom"]["fieldRef"]["fieldPath"] == "metadata.namespace");
  CHECK(c["livenessProbe"]["httpGet"] == json{{"path", "/healthz"}, {"port", 8081}});
  CHECK(c["readinessProbe"]["httpGet"] == json{{"path", "/readyz"}, {"port", 8081}});
}

TEST_CASE("the deployment's resources are bounded") {
  const auto resources = container(render_manifests({}))["resources"];
  CHECK(resources["requests"] == json{{"cpu", "10m"}, {"memory", "32Mi"}});
  CHECK(resources["limits"] == json{{"cpu", "500m"}, {"memory", "128Mi"}});
}

TEST_CASE("the --image option is the controller's image") {
  CHECK(container(render_manifests({.image = "registry.local/kapp:dev"}))["image"] ==
        "registry.local/kapp:dev");
}

TEST_CASE("the default image is this build's release") {
  CHECK(container(render_manifests({}))["image"] ==
        std::string("ghcr.io/kubectl-app/controller:v") + KAPP_VERSION);
}

TEST_CASE("the --replicas and --log-format options reach the Deployment") {
  const auto manifests = render_manifests({.replicas = 3, .log_format = "text"});
  CHECK(find(manifests, "Deployment")["spec"]["replicas"] == 3);
  CHECK(container(manifests)["args"].back() == "--log-format=text");
}

TEST_CASE("the deployment's selector matches its pods and the metrics Service") {
  const auto manifests = render_manifests({});
  const auto deployment = find(manifests, "Deployment");
  const auto selector = deployment["spec"]["selector"]["matchLabels"];
  for (const auto& [key, value] : selector.items())
    CHECK(deployment["spec"]["template"]["metadata"]["labels"][key] == value);
  const auto service = find(manifests, "Service");
  CHECK(service["metadata"]["name"] == "kubectl-app-controller-metrics");
  CHECK(service["spec"]["selector"] == selector);
  CHECK(service["spec"]["ports"][0]["port"] == 8080);
  CHECK(service["spec"]["ports"][0]["targetPort"] == "metrics");
}

TEST_CASE("invalid deploy options are refused, naming what is wrong") {
  using kapp::UsageError;
  CHECK_THROWS_AS(render_manifests({.namespace_name = "Not_A_Label"}), UsageError);
  CHECK_THROWS_WITH(render_manifests({.namespace_name = "Not_A_Label"}),
                    Catch::Contains("invalid namespace \"Not_A_Label\""));
  CHECK_THROWS_WITH(render_manifests({.image = ""}), Catch::Contains("--image"));
  CHECK_THROWS_WITH(render_manifests({.replicas = -1}), Catch::Contains("--replicas"));
  CHECK_THROWS_WITH(render_manifests({.log_format = "xml"}), Catch::Contains("--log-format"));
}
