#include <catch2/catch.hpp>

#include <algorithm>

#include "core/errors.h"
#include "tests/support/cluster.h"
#include "tests/support/objects.h"

using namespace kapp::test;
using nlohmann::json;

namespace {

const kapp::client::ResourceType kApplications{"kubectl-app.io", "v1alpha1", "applications",
                                               "Application", true};

}  // namespace

TEST_CASE("install applies every CRD and waits until it is established") {
  const auto result = kubectl_app({"install"});
  REQUIRE(result.exit_code == 0);
  for (const auto* name : {"applications", "components", "applinks", "coinflips"}) {
    CHECK_THAT(result.out, Catch::Contains(std::string(name) + ".kubectl-app.io condition met"));
    const auto crd = admin().get(kapp::client::resources::kCustomResourceDefinition, "",
                                 std::string(name) + ".kubectl-app.io");
    const auto& fields = crd["metadata"]["managedFields"];
    CHECK(std::any_of(fields.begin(), fields.end(), [](const json& f) {
      return f["manager"] == "kubectl-app" && f["operation"] == "Apply";
    }));
  }
}

TEST_CASE("install is idempotent") {
  install_crds();
  const auto again = kubectl_app({"install", "-o", "name"});
  CHECK(again.exit_code == 0);
  CHECK_THAT(
      again.out,
      Catch::Contains("customresourcedefinition.apiextensions.k8s.io/applications.kubectl-app.io"));
}

TEST_CASE("kubectl sees the installed kinds, short names, category and field docs") {
  install_crds();
  const auto explain = kubectl({"explain", "applications.spec.components.replicas"});
  CHECK(explain.exit_code == 0);
  CHECK_THAT(explain.out, Catch::Contains("Desired number of pods"));
  const auto resources = kubectl({"api-resources", "--api-group=kubectl-app.io", "-o", "wide"});
  CHECK(resources.exit_code == 0);
  CHECK_THAT(resources.out,
             Catch::Contains("kapp") && Catch::Contains("kcomp") && Catch::Contains("kubectl-app"));
  // Short names must not collide with Argo CD's and KubeVela's.
  CHECK_THAT(resources.out, !Catch::Contains(" app ") && !Catch::Contains(" apps "));
}

TEST_CASE("the API server's CEL rules reject duplicate component names with our message") {
  install_crds();
  TestNamespace ns;
  const auto bad =
      application(ns.name(), "dup",
                  {{{"name", "web"}, {"image", "nginx"}}, {{"name", "web"}, {"image", "nginx"}}});
  try {
    admin().create(kApplications, ns.name(), bad);
    FAIL("the server accepted duplicate component names");
  } catch (const kapp::ApiError& e) {
    CHECK(e.invalid());
    CHECK_THAT(e.what(), Catch::Contains("component names must be unique within spec.components"));
  }
}

TEST_CASE("the API server rejects a communication naming an unknown component") {
  install_crds();
  TestNamespace ns;
  auto bad = application(ns.name(), "comm", {{{"name", "web"}, {"image", "nginx"}}});
  bad["spec"]["internalCommunications"] = {{{"from", "web"}, {"to", "db"}}};
  CHECK_THROWS_WITH(
      admin().create(kApplications, ns.name(), bad),
      Catch::Contains(
          "every internalCommunications[].to must name a component of this application"));
}

TEST_CASE("the API server applies the schema's defaults") {
  install_crds();
  TestNamespace ns;
  const auto created =
      admin().create(kApplications, ns.name(),
                     application(ns.name(), "defaults", {{{"name", "web"}, {"image", "nginx"}}}));
  const auto& component = created["spec"]["components"][0];
  CHECK(component["replicas"] == 1);
  CHECK(component["workload"] == "Deployment");
  CHECK(created["spec"]["volumeClaimRetention"] == "Retain");
}

TEST_CASE("RBAC denies the token user what the admin may do") {
  install_crds();
  TestNamespace ns;
  const auto denied = kubectl_app({"install", "--kubeconfig", tester_kubeconfig()});
  CHECK(denied.exit_code != 0);
  CHECK_THAT(denied.err,
             Catch::Contains("Error from server (Forbidden)") && Catch::Contains("\"tester\""));
  CHECK_THAT(denied.err, !Catch::Contains(tester_token()));
}

TEST_CASE("uninstall refuses while objects exist, and --force removes the definitions with them") {
  install_crds();
  TestNamespace ns;
  admin().create(kApplications, ns.name(),
                 application(ns.name(), "keep", {{{"name", "web"}, {"image", "nginx"}}}));

  const auto refused = kubectl_app({"uninstall"});
  CHECK(refused.exit_code == 1);
  CHECK_THAT(refused.err,
             Catch::Contains(  // which example it names depends on other tests' leftovers
                 "refusing to uninstall: applications.kubectl-app.io objects still exist (e.g. ") &&
                 Catch::Contains("pass --force"));
  CHECK(admin().get_if_exists(kapp::client::resources::kCustomResourceDefinition, "",
                              "applications.kubectl-app.io"));

  const auto forced = kubectl_app({"uninstall", "--force"});
  CHECK(forced.exit_code == 0);
  CHECK_FALSE(admin().get_if_exists(kapp::client::resources::kCustomResourceDefinition, "",
                                    "applications.kubectl-app.io"));
  CHECK(kubectl({"get", "crd", "coinflips.kubectl-app.io"}).exit_code != 0);
  install_crds();  // leave the cluster as the other tests expect it
}

TEST_CASE("uninstall --force twice succeeds: there is nothing left the second time") {
  install_crds();
  REQUIRE(kubectl_app({"uninstall", "--force"}).exit_code == 0);
  const auto again = kubectl_app({"uninstall", "--force"});
  CHECK(again.exit_code == 0);
  CHECK(again.err.empty());
  install_crds();  // leave the cluster as the other tests expect it
}

TEST_CASE("install --dry-run=server validates without persisting") {
  const auto result = kubectl_app({"uninstall", "--force"});
  REQUIRE(result.exit_code == 0);
  const auto dry = kubectl_app({"install", "--dry-run=server"});
  CHECK(dry.exit_code == 0);
  CHECK_THAT(dry.out, Catch::Contains("serverside-applied (server dry run)"));
  CHECK_FALSE(admin().get_if_exists(kapp::client::resources::kCustomResourceDefinition, "",
                                    "applications.kubectl-app.io"));
  install_crds();
}
