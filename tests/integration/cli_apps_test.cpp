// The CLI verbs for Applications and Components, one scenario each, driving the real binary.
#include <catch2/catch.hpp>

#include <algorithm>

#include "core/client/resource.h"
#include "core/yaml/yaml.h"
#include "tests/support/cluster.h"
#include "tests/support/controller.h"

using namespace kapp::test;
using namespace std::chrono_literals;
using nlohmann::json;
namespace res = kapp::client::resources;

namespace {

constexpr const char* kTwoDocuments = R"(apiVersion: kubectl-app.io/v1alpha1
kind: Application
metadata: {name: shop}
spec:
  components:
    - {name: web, image: "nginx:1.27", ports: [{name: http, port: 80}]}
  componentRefs: [worker]
---
apiVersion: kubectl-app.io/v1alpha1
kind: Component
metadata: {name: worker}
spec: {application: shop, image: "busybox:1.36"}
)";

bool exists(const kapp::client::ResourceType& type, const std::string& ns,
            const std::string& name) {
  return admin().get_if_exists(type, ns, name).has_value();
}

std::string phase(const std::string& ns, const std::string& name) {
  const auto app = admin().get_if_exists(res::kApplication, ns, name);
  return app ? app->value("status", json::object()).value("phase", "") : "";
}

}  // namespace

TEST_CASE("create NAME --component builds an application from flags") {
  TestNamespace ns;
  install_crds();
  const auto result =
      kubectl_app({"create", "shop", "-n", ns.name(), "--component",
                   "name=web,image=nginx:1.27,replicas=2,port=http:80:8080", "--component",
                   "name=db,image=postgres:16,workload=StatefulSet,port=5432,"
                   "volume=data:/data:1Gi",
                   "--communication", "web->db:5432"});
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  CHECK(result.out == "application.kubectl-app.io/shop created\n");
  const auto spec = admin().get(res::kApplication, ns.name(), "shop")["spec"];
  const auto web = spec["components"][0];
  CHECK(web["replicas"] == 2);
  CHECK(web["ports"][0] ==
        json{{"name", "http"}, {"port", 80}, {"targetPort", 8080}, {"protocol", "TCP"}});
  const auto db = spec["components"][1];
  CHECK(db["workload"] == "StatefulSet");
  CHECK(db["volumes"][0]["mountPath"] == "/data");
  CHECK(spec["internalCommunications"][0] ==
        json{{"from", "web"}, {"to", "db"}, {"ports", {5432}}});
}

TEST_CASE("create -f applies every document, then reports them unchanged") {
  TestNamespace ns;
  install_crds();
  TempDir dir;
  const auto file = dir.write("shop.yaml", kTwoDocuments);
  const auto first = kubectl_app({"create", "-f", file, "-n", ns.name()});
  INFO(first.err);
  REQUIRE(first.exit_code == 0);
  CHECK(first.out ==
        "application.kubectl-app.io/shop created\ncomponent.kubectl-app.io/worker created\n");
  const auto again = kubectl_app({"create", "-f", file, "-n", ns.name()});
  CHECK(again.out ==
        "application.kubectl-app.io/shop unchanged\ncomponent.kubectl-app.io/worker unchanged\n");
}

TEST_CASE("create -f reads standard input and JSON") {
  TestNamespace ns;
  install_crds();
  TempDir dir;
  const auto json_file =
      dir.write("app.json", kapp::yaml::parse_all(kTwoDocuments, "doc")[0].dump());
  const auto result = run(
      {"sh", "-c", std::string(KAPP_BINARY) + " create -f - -n " + ns.name() + " < " + json_file},
      {{"KUBECONFIG", admin_kubeconfig()}});
  INFO(result.err);
  CHECK(result.exit_code == 0);
  CHECK(exists(res::kApplication, ns.name(), "shop"));
}

TEST_CASE("create -f with malformed YAML names the file and line and writes nothing") {
  TestNamespace ns;
  install_crds();
  TempDir dir;
  const auto file =
      dir.write("bad.yaml", std::string(kTwoDocuments) + "---\nkind: Application\nspec: [oops\n");
  const auto result = kubectl_app({"create", "-f", file, "-n", ns.name()});
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.err, Catch::StartsWith("error: " + file + ":16:"));
  CHECK(result.out.empty());
  CHECK_FALSE(exists(res::kApplication, ns.name(), "shop"));
}

TEST_CASE("create -f with a document the server rejects writes none of them") {
  TestNamespace ns;
  install_crds();
  TempDir dir;
  const auto file = dir.write("dup.yaml", std::string(kTwoDocuments) + R"(---
apiVersion: kubectl-app.io/v1alpha1
kind: Application
metadata: {name: dup}
spec: {components: [{name: a, image: x}, {name: a, image: y}]}
)");
  const auto result = kubectl_app({"create", "-f", file, "-n", ns.name()});
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.err, Catch::Contains("Application " + ns.name() + "/dup (" + file + ":14)"));
  CHECK_THAT(result.err, Catch::Contains("component names must be unique within spec.components"));
  CHECK_FALSE(exists(res::kApplication, ns.name(), "shop"));
  CHECK_FALSE(exists(res::kComponent, ns.name(), "worker"));
}

TEST_CASE("create --dry-run=client prints the objects without a server") {
  const auto result = run({KAPP_BINARY, "create", "shop", "-n", "any", "--component",
                           "name=web,image=nginx", "--dry-run=client", "-o", "json"},
                          {{"KUBECONFIG", "/nonexistent/kubeconfig"}});
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  const auto printed = json::parse(result.out);
  CHECK(printed["kind"] == "Application");
  CHECK(printed["metadata"]["namespace"] == "any");
  CHECK(printed["spec"]["components"][0]["image"] == "nginx");
}

TEST_CASE("create --dry-run=server validates with the server and persists nothing") {
  TestNamespace ns;
  install_crds();
  const auto result = kubectl_app({"create", "shop", "-n", ns.name(), "--component",
                                   "name=web,image=nginx", "--dry-run=server"});
  INFO(result.err);
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::Contains("(server dry run)"));
  CHECK_FALSE(exists(res::kApplication, ns.name(), "shop"));
}

TEST_CASE("create component joins an existing application") {
  TestNamespace ns;
  install_crds();
  REQUIRE(kubectl_app({"create", "shop", "-n", ns.name(), "--component", "name=web,image=nginx"})
              .exit_code == 0);
  const auto result = kubectl_app({"create", "component", "worker", "-n", ns.name(), "--app",
                                   "shop", "--image", "busybox:1.36", "--replicas", "3"});
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  const auto spec = admin().get(res::kComponent, ns.name(), "worker")["spec"];
  CHECK(spec["application"] == "shop");
  CHECK(spec["replicas"] == 3);
}

TEST_CASE("get shows each kind as a table with phase and ready counts") {
  TestNamespace ns;
  RunningControllers controllers(ns.name(), 500ms);
  TempDir dir;
  REQUIRE(kubectl_app({"create", "-f", dir.write("shop.yaml", kTwoDocuments), "-n", ns.name()})
              .exit_code == 0);
  REQUIRE(eventually([&] { return phase(ns.name(), "shop") == "Running"; }, 60s));

  const auto all = kubectl_app({"get", "-n", ns.name()});
  CHECK_THAT(all.out, Catch::Contains("# applications.kubectl-app.io"));
  CHECK_THAT(all.out, Catch::Contains("# components.kubectl-app.io"));
  CHECK_THAT(all.out, Catch::Matches("(.|\n)*NAME +PHASE +READY +COMPONENTS +AGE\nshop +Running "
                                     "+2/2 +2 +[0-9]+s\n(.|\n)*"));
  CHECK_THAT(all.out, Catch::Matches("(.|\n)*worker +shop +Running(.|\n)*"));
}

TEST_CASE("get prints objects as json, yaml and names") {
  TestNamespace ns;
  install_crds();
  REQUIRE(kubectl_app({"create", "shop", "-n", ns.name(), "--component", "name=web,image=nginx"})
              .exit_code == 0);
  const auto as_json = kubectl_app({"get", "applications", "shop", "-n", ns.name(), "-o", "json"});
  CHECK(json::parse(as_json.out)["metadata"]["name"] == "shop");
  const auto as_yaml = kubectl_app({"get", "kapp", "-n", ns.name(), "-o", "yaml"});
  CHECK(kapp::yaml::parse(as_yaml.out, "out")["items"][0]["metadata"]["name"] == "shop");
  CHECK(kubectl_app({"get", "kapp", "-n", ns.name(), "-o", "name"}).out ==
        "application.kubectl-app.io/shop\n");
  const auto everywhere = kubectl_app({"get", "kapp", "-A"});
  CHECK_THAT(everywhere.out, Catch::Matches("NAMESPACE +NAME +PHASE(.|\n)*"));
  CHECK_THAT(everywhere.out, Catch::Contains(ns.name()));
}

TEST_CASE("status shows the tree, the conditions and the events") {
  TestNamespace ns;
  RunningControllers controllers(ns.name(), 500ms);
  TempDir dir;
  REQUIRE(kubectl_app({"create", "-f", dir.write("shop.yaml", kTwoDocuments), "-n", ns.name()})
              .exit_code == 0);
  REQUIRE(eventually([&] { return phase(ns.name(), "shop") == "Running"; }, 60s));

  const auto result = kubectl_app({"status", "shop", "-n", ns.name()});
  INFO(result.out << result.err);
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::StartsWith("Application " + ns.name() + "/shop: Running"));
  CHECK_THAT(result.out, Catch::Contains("web"));
  CHECK_THAT(result.out, Catch::Contains("worker"));
  CHECK_THAT(result.out, Catch::Contains("Deployment"));
  CHECK_THAT(result.out, Catch::Contains("Ready"));
  CHECK_THAT(result.out, Catch::Contains("PhaseRunning"));
}

TEST_CASE("get and status of a missing application exit 1 with NotFound") {
  TestNamespace ns;
  install_crds();
  for (const auto& verb : {"get", "status"}) {
    const auto result = kubectl_app({verb, "kapp", "nothere", "-n", ns.name()});
    CHECK(result.exit_code == 1);
    CHECK(result.err ==
          "error: Error from server (NotFound): applications.kubectl-app.io "
          "\"nothere\" not found\n");
  }
}

TEST_CASE("delete --wait returns once the application is gone") {
  TestNamespace ns;
  install_crds();
  REQUIRE(kubectl_app({"create", "shop", "-n", ns.name(), "--component", "name=web,image=nginx"})
              .exit_code == 0);
  const auto result = kubectl_app({"delete", "kapp", "shop", "-n", ns.name(), "--wait"});
  INFO(result.err);
  CHECK(result.exit_code == 0);
  CHECK(result.out == "applications.kubectl-app.io \"shop\" deleted\n");
  CHECK_FALSE(exists(res::kApplication, ns.name(), "shop"));
}

TEST_CASE("delete of a missing object fails unless told to ignore it") {
  TestNamespace ns;
  install_crds();
  CHECK(kubectl_app({"delete", "kapp", "nothere", "-n", ns.name()}).exit_code == 1);
  CHECK(
      kubectl_app({"delete", "kapp", "nothere", "-n", ns.name(), "--ignore-not-found"}).exit_code ==
      0);
}

TEST_CASE("get --watch prints a row for every change") {
  TestNamespace ns;
  install_crds();
  BackgroundProcess watching(
      {KAPP_BINARY, "get", "kapp", "-n", ns.name(), "--watch", "--kubeconfig", admin_kubeconfig()});
  REQUIRE(kubectl_app({"create", "shop", "-n", ns.name(), "--component", "name=web,image=nginx"})
              .exit_code == 0);
  CHECK(eventually([&] {
    return watching.output().find("NAME   PHASE     READY") != std::string::npos &&
           watching.output().find("\nshop ") != std::string::npos;
  }));
  admin().merge_patch(res::kApplication, ns.name(), "shop",
                      {{"metadata", {{"labels", {{"touched", "yes"}}}}}});
  CHECK(eventually([&] {
    const auto out = watching.output();
    return std::count(out.begin(), out.end(), '\n') >= 3;  // the header and two rows
  }));
  CHECK(watching.running());
}

TEST_CASE("status --watch follows the application until it is deleted") {
  TestNamespace ns;
  RunningControllers controllers(ns.name(), 500ms);
  REQUIRE(kubectl_app({"create", "shop", "-n", ns.name(), "--component", "name=web,image=nginx"})
              .exit_code == 0);
  BackgroundProcess watching({KAPP_BINARY, "status", "shop", "-n", ns.name(), "--watch",
                              "--kubeconfig", admin_kubeconfig()});
  CHECK(eventually([&] { return watching.output().find("/shop: Running") != std::string::npos; },
                   60s));
  admin().remove(res::kApplication, ns.name(), "shop");
  CHECK(watching.wait(30s) == 0);
  CHECK_THAT(watching.output(), Catch::EndsWith("Application " + ns.name() + "/shop deleted\n"));
}
