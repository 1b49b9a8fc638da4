#include <catch2/catch.hpp>

#include <algorithm>
#include <random>

#include "core/yaml/yaml.h"
#include "tests/support/cluster.h"
#include "tests/support/objects.h"

using namespace kapp::test;
using kapp::client::ResourceType;
using nlohmann::json;

namespace {

const ResourceType kDeployments{"apps", "v1", "deployments", "Deployment", true};
const ResourceType kServices{"", "v1", "services", "Service", true};
const ResourceType kServiceAccounts{"", "v1", "serviceaccounts", "ServiceAccount", true};
const ResourceType kRoles{"rbac.authorization.k8s.io", "v1", "roles", "Role", true};
const ResourceType kRoleBindings{"rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding",
                                 true};
const ResourceType kClusterRoles{"rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole",
                                 false};
const ResourceType kClusterRoleBindings{"rbac.authorization.k8s.io", "v1", "clusterrolebindings",
                                        "ClusterRoleBinding", false};
const char* kController = "kubectl-app-controller";

CommandResult deploy(const std::string& ns, std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"deploy", "--image", "test/kapp:dev", "-n", ns};
  args.insert(args.end(), extra.begin(), extra.end());
  return kubectl_app(args);
}

// The controller's ClusterRoleBinding has a fixed name, so every test undeploys what it
// deployed, pass or fail, before the next one deploys elsewhere.
class Undeploy {
 public:
  explicit Undeploy(std::string ns) : ns_(std::move(ns)) {}
  ~Undeploy() { kubectl_app({"undeploy", "-n", ns_, "--wait", "--timeout", "60s"}); }
  Undeploy(const Undeploy&) = delete;
  Undeploy& operator=(const Undeploy&) = delete;

 private:
  std::string ns_;
};

// `kubectl auth can-i`, impersonating the controller's ServiceAccount deployed in `ns`.
bool controller_can(const std::string& ns, std::vector<std::string> question) {
  question.insert(question.begin(), "auth");
  question.insert(question.begin() + 1, "can-i");
  question.push_back("--as=system:serviceaccount:" + ns + ":" + kController);
  const auto answer = kubectl(question);
  INFO(answer.out << answer.err);
  return answer.exit_code == 0 && answer.out.rfind("yes", 0) == 0;
}

// A namespace name no one has created yet.
std::string fresh_namespace_name() {
  static std::mt19937_64 rng{std::random_device{}()};
  return "kapp-deploy-" + std::to_string(rng() % 1000000);
}

}  // namespace

TEST_CASE("deploy applies the controller and waits until its Deployment is Available") {
  TestNamespace ns;
  Undeploy cleanup(ns.name());
  const auto result = deploy(ns.name(), {"--wait", "--timeout", "90s"});
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::Contains("applications.kubectl-app.io condition met"));
  CHECK_THAT(result.out, Catch::Contains("namespace/" + ns.name() +
                                         " exists and is not managed by kubectl-app"));
  for (const auto* ref :
       {"serviceaccount/kubectl-app-controller",
        "clusterrole.rbac.authorization.k8s.io/kubectl-app-controller",
        "clusterrolebinding.rbac.authorization.k8s.io/kubectl-app-controller",
        "role.rbac.authorization.k8s.io/kubectl-app-leader-election",
        "rolebinding.rbac.authorization.k8s.io/kubectl-app-leader-election",
        "deployment.apps/kubectl-app-controller", "service/kubectl-app-controller-metrics"})
    CHECK_THAT(result.out, Catch::Contains(std::string(ref) + " serverside-applied"));
  CHECK_THAT(result.out, Catch::Contains("deployment.apps/kubectl-app-controller condition met"));

  const auto deployment = admin().get(kDeployments, ns.name(), kController);
  CHECK(deployment["spec"]["template"]["spec"]["containers"][0]["image"] == "test/kapp:dev");
  CHECK(deployment["status"]["availableReplicas"] == 1);
  CHECK(exists(kServices, ns.name(), "kubectl-app-controller-metrics"));
  const auto binding = admin().get(kClusterRoleBindings, "", kController);
  CHECK(binding["subjects"][0]["namespace"] == ns.name());
}

TEST_CASE("deploy --wait gives up at its deadline with what the Deployment waits for") {
  TestNamespace ns;
  Undeploy cleanup(ns.name());
  // A quota of no pods keeps the Deployment from ever becoming Available.
  admin().create(kapp::client::ResourceType{"", "v1", "resourcequotas", "ResourceQuota", true},
                 ns.name(),
                 {{"apiVersion", "v1"},
                  {"kind", "ResourceQuota"},
                  {"metadata", {{"name", "no-pods"}, {"namespace", ns.name()}}},
                  {"spec", {{"hard", {{"pods", "0"}}}}}});
  const auto result = deploy(ns.name(), {"--wait", "--timeout", "3s"});
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.err, Catch::Contains("deployment.apps/kubectl-app-controller in namespace " +
                                         ns.name() + " is not Available after 3s (0 of 1") &&
                             Catch::Contains("kubectl -n " + ns.name() + " describe deployment"));
}

TEST_CASE("deploy is idempotent") {
  TestNamespace ns;
  Undeploy cleanup(ns.name());
  REQUIRE(deploy(ns.name()).exit_code == 0);
  const auto role = admin().get(kClusterRoles, "", kController);
  const auto first = admin().get(kDeployments, ns.name(), kController);

  const auto again = deploy(ns.name());
  INFO(again.err);
  CHECK(again.exit_code == 0);
  CHECK_THAT(again.out,
             Catch::Contains("deployment.apps/kubectl-app-controller serverside-applied"));
  // An apply that changes nothing is not a write: versions and generations stay.
  CHECK(admin().get(kClusterRoles, "", kController)["metadata"]["resourceVersion"] ==
        role["metadata"]["resourceVersion"]);
  CHECK(admin().get(kDeployments, ns.name(), kController)["metadata"]["generation"] ==
        first["metadata"]["generation"]);
}

TEST_CASE("the deployed controller's ServiceAccount may do what the controllers need") {
  TestNamespace ns;
  Undeploy cleanup(ns.name());
  REQUIRE(deploy(ns.name()).exit_code == 0);
  CHECK(controller_can(ns.name(), {"list", "applications.kubectl-app.io", "-A"}));
  CHECK(controller_can(ns.name(), {"update", "coinflips.kubectl-app.io", "--subresource=status"}));
  CHECK(controller_can(ns.name(), {"create", "deployments.apps", "-n", "default"}));
  CHECK(controller_can(ns.name(), {"create", "networkpolicies.networking.k8s.io"}));
  CHECK(controller_can(ns.name(), {"get", "secrets", "-n", "default"}));
  CHECK(controller_can(ns.name(), {"update", "leases.coordination.k8s.io", "-n", ns.name()}));
}

TEST_CASE("the deployed controller's ServiceAccount is denied what it does not need") {
  TestNamespace ns;
  Undeploy cleanup(ns.name());
  REQUIRE(deploy(ns.name()).exit_code == 0);
  CHECK_FALSE(controller_can(ns.name(), {"delete", "secrets"}));
  CHECK_FALSE(controller_can(ns.name(), {"list", "secrets"}));
  CHECK_FALSE(controller_can(ns.name(), {"create", "clusterroles.rbac.authorization.k8s.io"}));
  CHECK_FALSE(controller_can(ns.name(), {"update", "leases.coordination.k8s.io", "-n", "default"}));
  CHECK_FALSE(controller_can(ns.name(), {"create", "applications.kubectl-app.io"}));
  CHECK_FALSE(controller_can(ns.name(), {"delete", "customresourcedefinitions"}));
}

TEST_CASE("deploy refuses while the controller is deployed in another namespace") {
  TestNamespace first, second;
  Undeploy cleanup_first(first.name());
  Undeploy cleanup_second(second.name());
  REQUIRE(deploy(first.name()).exit_code == 0);
  const auto refused = deploy(second.name());
  CHECK(refused.exit_code == 1);
  CHECK_THAT(refused.err,
             Catch::Contains("already deployed in namespace \"" + first.name() + "\"") &&
                 Catch::Contains("kubectl app undeploy -n " + first.name()));
  CHECK_FALSE(exists(kServiceAccounts, second.name(), kController));
  CHECK(admin().get(kClusterRoleBindings, "", kController)["subjects"][0]["namespace"] ==
        first.name());
}

TEST_CASE("deploy refuses to take over an object of the same name that it does not manage") {
  TestNamespace ns;
  Undeploy cleanup(ns.name());
  admin().create(kServiceAccounts, ns.name(),
                 {{"apiVersion", "v1"},
                  {"kind", "ServiceAccount"},
                  {"metadata", {{"name", kController}, {"namespace", ns.name()}}}});
  const auto refused = deploy(ns.name());
  CHECK(refused.exit_code == 1);
  CHECK_THAT(refused.err, Catch::Contains("serviceaccount/kubectl-app-controller exists and is "
                                          "not managed by kubectl-app"));
  CHECK_FALSE(exists(kDeployments, ns.name(), kController));
  CHECK_FALSE(exists(kClusterRoleBindings, "", kController));
}

TEST_CASE(
    "undeploy removes what deploy created but keeps the CRDs and a namespace it did not make") {
  TestNamespace ns;
  Undeploy cleanup(ns.name());
  REQUIRE(deploy(ns.name()).exit_code == 0);
  const auto result = kubectl_app({"undeploy", "-n", ns.name(), "--wait"});
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::Contains("deployment.apps \"kubectl-app-controller\" deleted"));
  CHECK_FALSE(exists(kDeployments, ns.name(), kController));
  CHECK_FALSE(exists(kServices, ns.name(), "kubectl-app-controller-metrics"));
  CHECK_FALSE(exists(kServiceAccounts, ns.name(), kController));
  CHECK_FALSE(exists(kRoles, ns.name(), "kubectl-app-leader-election"));
  CHECK_FALSE(exists(kRoleBindings, ns.name(), "kubectl-app-leader-election"));
  CHECK_FALSE(exists(kClusterRoles, "", kController));
  CHECK_FALSE(exists(kClusterRoleBindings, "", kController));
  CHECK(exists(kapp::client::resources::kNamespace, "", ns.name()));
  CHECK(exists(kapp::client::resources::kCustomResourceDefinition, "",
               "applications.kubectl-app.io"));
}

TEST_CASE("deploy creates a namespace enforcing the restricted standard and undeploy deletes it") {
  const auto ns = fresh_namespace_name();
  Undeploy cleanup(ns);
  const auto result = deploy(ns, {"--wait", "--timeout", "90s"});
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::Contains("namespace/" + ns + " serverside-applied"));
  const auto created = admin().get(kapp::client::resources::kNamespace, "", ns);
  CHECK(created["metadata"]["labels"]["app.kubernetes.io/managed-by"] == "kubectl-app");
  CHECK(created["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted");

  const auto removed = kubectl_app({"undeploy", "-n", ns, "--wait", "--timeout", "90s"});
  INFO(removed.err);
  CHECK(removed.exit_code == 0);
  CHECK_THAT(removed.out, Catch::Contains("namespace \"" + ns + "\" deleted"));
  CHECK_FALSE(exists(kapp::client::resources::kNamespace, "", ns));
}

TEST_CASE("undeploy keeps the cluster RBAC of a controller deployed in another namespace") {
  TestNamespace deployed, other;
  Undeploy cleanup(deployed.name());
  REQUIRE(deploy(deployed.name()).exit_code == 0);
  const auto result = kubectl_app({"undeploy", "-n", other.name()});
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.out,
             Catch::Contains("serves the controller deployed in namespace " + deployed.name()));
  CHECK(exists(kClusterRoleBindings, "", kController));
  CHECK(exists(kClusterRoles, "", kController));
  CHECK(exists(kDeployments, deployed.name(), kController));
}

TEST_CASE("deploy with a client dry run prints every manifest without a server") {
  const auto result = kubectl_app(
      {"deploy", "--dry-run=client", "-o", "yaml", "--kubeconfig", "/nonexistent/kubeconfig"});
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  std::vector<std::string> kinds;
  for (const auto& doc : kapp::yaml::parse_all(result.out)) kinds.push_back(doc["kind"]);
  CHECK(std::count(kinds.begin(), kinds.end(), "CustomResourceDefinition") == 4);
  CHECK(std::vector<std::string>(kinds.begin() + 4, kinds.end()) ==
        std::vector<std::string>{"Namespace", "ServiceAccount", "ClusterRole", "Role",
                                 "RoleBinding", "ClusterRoleBinding", "Deployment", "Service"});
  CHECK_THAT(result.out, Catch::Contains("namespace: kubectl-app-system"));
}

TEST_CASE("deploy with a server dry run validates everything and persists nothing") {
  TestNamespace ns;
  Undeploy cleanup(ns.name());
  const auto result = deploy(ns.name(), {"--dry-run=server"});
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  CHECK_THAT(result.out,
             Catch::Contains("deployment.apps/kubectl-app-controller serverside-applied (server "
                             "dry run)"));
  CHECK_FALSE(exists(kDeployments, ns.name(), kController));
  CHECK_FALSE(exists(kClusterRoleBindings, "", kController));
}
