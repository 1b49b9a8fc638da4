// The CLI verbs for Applications and Components, one scenario each, driving the real binary.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>

#include "core/client/resource.h"
#include "core/yaml/yaml.h"
#include "tests/support/cluster.h"
#include "tests/support/controller.h"
#include "tests/support/objects.h"

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

TEST_CASE("create -f with one invalid document writes none of them") {
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
  CHECK(result.err == "error: " + file +
                          ":17: document 3, Application \"dup\": spec: Invalid value: \"object\": "
                          "component names must be unique within spec.components\n");
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

  // The phase's Event follows the status write: the recorder's thread writes it.
  kapp::test::CommandResult result;
  CHECK(eventually([&] {
    result = kubectl_app({"status", "shop", "-n", ns.name()});
    return result.out.find("PhaseRunning") != std::string::npos;
  }));
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
    // As kubectl: the server's errors without the "error: " of client-side ones.
    CHECK(result.err ==
          "Error from server (NotFound): applications.kubectl-app.io "
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
  CHECK(result.out == "application.kubectl-app.io \"shop\" deleted\n");
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

namespace {

// An Application written directly, with a status as the controller would write it: the status
// verb only reads, so its tests need no controller and no waiting.
json application_with_status(const std::string& ns, const std::string& name,
                             const json& components_status) {
  const json port = {{"name", "http"}, {"port", 80}};
  const json web = {{"name", "web"}, {"image", "nginx:1.27"}, {"ports", json::array({port})}};
  auto app = admin().create(res::kApplication, ns,
                            {{"apiVersion", "kubectl-app.io/v1alpha1"},
                             {"kind", "Application"},
                             {"metadata", {{"name", name}}},
                             {"spec", {{"components", json::array({web})}}}});
  admin().apply_status(res::kApplication,
                       {{"apiVersion", "kubectl-app.io/v1alpha1"},
                        {"kind", "Application"},
                        {"metadata", {{"name", name}, {"namespace", ns}}},
                        {"status", {{"phase", "Failed"}, {"components", components_status}}}},
                       {.field_manager = "test", .force = true});
  return app;
}

json owner(const json& app) {
  return {{"apiVersion", "kubectl-app.io/v1alpha1"},
          {"kind", "Application"},
          {"name", app["metadata"]["name"]},
          {"uid", app["metadata"]["uid"]},
          {"controller", true}};
}

json service(const std::string& name, const json& owners) {
  return {{"apiVersion", "v1"},
          {"kind", "Service"},
          {"metadata", {{"name", name}, {"ownerReferences", owners}}},
          {"spec", {{"ports", {{{"name", "http"}, {"port", 80}}}}}}};
}

json event(const json& app, const std::string& name, const std::string& message,
           const std::string& last_timestamp) {
  return {{"apiVersion", "v1"},
          {"kind", "Event"},
          {"metadata", {{"name", name}}},
          {"involvedObject",
           {{"apiVersion", "kubectl-app.io/v1alpha1"},
            {"kind", "Application"},
            {"name", app["metadata"]["name"]},
            {"namespace", app["metadata"]["namespace"]},
            {"uid", app["metadata"]["uid"]}}},
          {"reason", "Test"},
          {"message", message},
          {"type", "Normal"},
          {"firstTimestamp", last_timestamp},
          {"lastTimestamp", last_timestamp},
          {"count", 1}};
}

}  // namespace

TEST_CASE("status shows only the objects the application controls") {
  TestNamespace ns;
  install_crds();
  const auto app = application_with_status(
      ns.name(), "shop",
      {{{"name", "web"},
        {"source", "Inline"},
        {"workload", "Deployment"},
        {"phase", "Failed"},
        {"message", "Deployment web exists and is not controlled by this Application"}}});
  // A Deployment of someone else under the component's name, and the app's own Service.
  const json labels = {{"foreign", "yes"}};
  const json container = {{"name", "c"}, {"image", "busybox:1.36"}};
  const json pod = {{"metadata", {{"labels", labels}}},
                    {"spec", {{"containers", json::array({container})}}}};
  admin().create(
      res::kDeployment, ns.name(),
      {{"apiVersion", "apps/v1"},
       {"kind", "Deployment"},
       {"metadata", {{"name", "web"}}},
       {"spec", {{"replicas", 3}, {"selector", {{"matchLabels", labels}}}, {"template", pod}}}});
  admin().create(res::kService, ns.name(), service("web", json::array({owner(app)})));
  // The component is exposed, so it wants a -external Service, whose name someone else has
  // (an owner reference to an object that does not exist would have the garbage collector
  // delete it).
  const json exposed = {{"name", "web"},
                        {"image", "nginx:1.27"},
                        {"ports", {{{"name", "http"}, {"port", 80}}}},
                        {"expose", {{"type", "NodePort"}}}};
  admin().merge_patch(res::kApplication, ns.name(), "shop",
                      {{"spec", {{"components", json::array({exposed})}}}});
  admin().create(res::kService, ns.name(), service("web-external", json::array()));

  const auto result = kubectl_app({"status", "shop", "-n", ns.name()});
  INFO(text_of(result));
  REQUIRE(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::Contains("Service web (ClusterIP 80/TCP)"));
  CHECK_THAT(result.out, Catch::Contains("Deployment web (name taken"));
  CHECK_THAT(result.out, Catch::Contains("Service web-external (name taken"));
  CHECK_THAT(result.out, !Catch::Contains("ready)"));  // not the foreign Deployment's replicas
}

TEST_CASE("status lists the events oldest first, ties in the order they were written") {
  TestNamespace ns;
  install_crds();
  const auto app = application_with_status(ns.name(), "shop", json::array());
  // Names sort against time: the server lists by name, so only sorting can put them right.
  const std::string now = "2030-01-01T10:00:00Z", before = "2030-01-01T09:59:00Z";
  admin().create(res::kEvent, ns.name(), event(app, "z-first", "first at ten", now));
  admin().create(res::kEvent, ns.name(), event(app, "a-second", "second at ten", now));
  admin().create(res::kEvent, ns.name(), event(app, "m-earlier", "a minute earlier", before));

  const auto result = kubectl_app({"status", "shop", "-n", ns.name()});
  INFO(text_of(result));
  REQUIRE(result.exit_code == 0);
  const auto earlier = result.out.find("a minute earlier");
  const auto first = result.out.find("first at ten");
  const auto second = result.out.find("second at ten");
  REQUIRE(earlier != std::string::npos);
  REQUIRE(first != std::string::npos);
  REQUIRE(second != std::string::npos);
  CHECK(earlier < first);
  CHECK(first < second);
}

TEST_CASE("status shows monitors, the namespace's Prometheus, offloading and links") {
  TestNamespace ns;
  RunningControllers controllers(ns.name(), 500ms);
  admin().create(res::kApplication, ns.name(),
                 {{"apiVersion", "kubectl-app.io/v1alpha1"},
                  {"kind", "Application"},
                  {"metadata", {{"name", "shop"}}},
                  {"spec",
                   {{"components",
                     {{{"name", "web"},
                       {"image", "nginx:1.27"},
                       {"ports", {{{"name", "metrics"}, {"port", 9113}}}},
                       {"isExposingMetrics", true},
                       {"metrics", {{"port", "metrics"}}}}}},
                    {"offloading", {{"podOffloadingStrategy", "Local"}}}}}});
  admin().create(
      res::kAppLink, ns.name(),
      {{"apiVersion", "kubectl-app.io/v1alpha1"},
       {"kind", "AppLink"},
       {"metadata", {{"name", "web-to-api"}}},
       {"spec",
        {{"from", {{"application", "shop"}, {"component", "web"}}},
         {"to", {{"application", "payments"}, {"component", "api"}, {"namespace", ns.name()}}},
         {"ports", {8080}}}}});
  const auto monitors = admin().resource_for("monitoring.coreos.com/v1", "ServiceMonitor");
  const auto prometheus = admin().resource_for("monitoring.coreos.com/v1", "Prometheus");
  const auto offloading = admin().resource_for("offloading.liqo.io/v1beta1", "NamespaceOffloading");
  // The status is written after the objects exist: wait for it too, or `status` may read the
  // Application before its controller has reported a component.
  REQUIRE(eventually(
      [&] {
        const auto app = admin().get(res::kApplication, ns.name(), "shop");
        return exists(monitors, ns.name(), "web") && exists(prometheus, ns.name(), "kubectl-app") &&
               exists(offloading, ns.name(), "offloading") &&
               !app.value("status", json::object()).value("components", json::array()).empty();
      },
      60s));

  const auto result = kubectl_app({"status", "shop", "-n", ns.name()});
  INFO(text_of(result));
  REQUIRE(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::Contains("ServiceMonitor web (port metrics /metrics every 30s)"));
  CHECK_THAT(result.out, Catch::Contains("Monitoring:\n└─ Prometheus kubectl-app ("));
  CHECK_THAT(result.out, Catch::Contains("Offloading:\n└─ NamespaceOffloading offloading (Local, "
                                         "EnforceSameName; phase "));
  // Pending whether or not the AppLink controller has seen it yet (payments does not exist).
  CHECK_THAT(result.out, Catch::Contains("Links:\n└─ outgoing web -> " + ns.name() +
                                         "/payments/api, ports 8080: Pending ("));
  CHECK_THAT(result.out, Catch::Contains("[AppLink web-to-api]\n"));
}

TEST_CASE("create -f of unchanged objects reports them unchanged, the namespace too") {
  install_crds();
  // The file creates its namespace, so the test cannot use a TestNamespace; it removes it.
  const std::string name = "t-unchanged-" + std::to_string(::getpid());
  struct RemoveNamespace {
    std::string name;
    ~RemoveNamespace() { admin().remove(res::kNamespace, "", name); }
  } remove_namespace{name};
  TempDir dir;
  const auto file =
      dir.write("shop.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + name +
                                 "\n---\n" + kTwoDocuments);
  RunningControllers controllers(name, 500ms);
  const auto first = kubectl_app({"create", "-f", file, "-n", name});
  INFO(text_of(first));
  REQUIRE(first.exit_code == 0);
  CHECK_THAT(first.out, Catch::StartsWith("namespace/" + name + " created\n"));
  REQUIRE(eventually([&] { return phase(name, "shop") == "Running"; }, 60s));

  const auto again = kubectl_app({"create", "-f", file, "-n", name});
  INFO(text_of(again));
  CHECK(again.out == "namespace/" + name +
                         " unchanged\napplication.kubectl-app.io/shop unchanged\n"
                         "component.kubectl-app.io/worker unchanged\n");
}

TEST_CASE("create -f reports configured when the spec changed") {
  TestNamespace ns;
  install_crds();
  TempDir dir;
  REQUIRE(kubectl_app({"create", "-f", dir.write("a.yaml", kTwoDocuments), "-n", ns.name()})
              .exit_code == 0);
  std::string changed = kTwoDocuments;
  changed.replace(changed.find("nginx:1.27"), 10, "nginx:1.28");
  const auto again = kubectl_app({"create", "-f", dir.write("b.yaml", changed), "-n", ns.name()});
  INFO(text_of(again));
  CHECK(again.out ==
        "application.kubectl-app.io/shop configured\ncomponent.kubectl-app.io/worker unchanged\n");
}

TEST_CASE("get -o yaml and -o json leave out managedFields unless asked") {
  TestNamespace ns;
  install_crds();
  REQUIRE(kubectl_app({"create", "shop", "-n", ns.name(), "--component", "name=web,image=nginx"})
              .exit_code == 0);
  const auto as_yaml = kubectl_app({"get", "kapp", "shop", "-n", ns.name(), "-o", "yaml"});
  CHECK(kapp::yaml::parse(as_yaml.out, "out")["metadata"]["name"] == "shop");
  CHECK_THAT(as_yaml.out, !Catch::Contains("managedFields"));
  const auto as_json = kubectl_app({"get", "kapp", "-n", ns.name(), "-o", "json"});
  CHECK_FALSE(json::parse(as_json.out)["items"][0]["metadata"].contains("managedFields"));
  const auto shown =
      kubectl_app({"get", "kapp", "shop", "-n", ns.name(), "-o", "json", "--show-managed-fields"});
  CHECK(json::parse(shown.out)["metadata"].contains("managedFields"));
}

TEST_CASE("delete names what it deleted by the singular kind, as kubectl does") {
  TestNamespace ns;
  install_crds();
  REQUIRE(kubectl_app({"create", "shop", "-n", ns.name(), "--component", "name=web,image=nginx"})
              .exit_code == 0);
  REQUIRE(kubectl_app({"create", "component", "cache", "-n", ns.name(), "--app", "shop", "--image",
                       "redis:7"})
              .exit_code == 0);
  const auto result = kubectl_app({"delete", "kcomp", "cache", "-n", ns.name()});
  INFO(result.err);
  CHECK(result.out == "component.kubectl-app.io \"cache\" deleted\n");
  const auto dry = kubectl_app({"delete", "components", "cache", "-n", ns.name(), "--dry-run"});
  CHECK(dry.out == "component.kubectl-app.io \"cache\" deleted (dry run)\n");
}

TEST_CASE("errors found on the client side keep the error prefix") {
  const auto result = kubectl_app({"get", "widgets"});
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.err, Catch::StartsWith("error: unknown kind \"widgets\""));
  CHECK(std::count(result.err.begin(), result.err.end(), '\n') == 1);
}

TEST_CASE("help puts a blank line before Usage, names kubectl app and shows kubectl's defaults") {
  for (const auto* verb : {"get", "create", "status", "delete", "completion", "version"}) {
    for (const auto* flag : {"--help", "-h"}) {
      const auto result = run({KAPP_BINARY, verb, flag});
      INFO(verb << "\n" << result.out);
      CHECK(result.exit_code == 0);
      CHECK_THAT(result.out, Catch::Contains("\n\nUsage:\n  kubectl app " + std::string(verb)));
      CHECK_THAT(result.out, !Catch::Contains("\n\n\nUsage:"));
      CHECK_THAT(result.out, !Catch::Contains("(default: "));
      CHECK_THAT(result.out, !Catch::Contains("kubectl-app "));
    }
  }
  const auto get = run({KAPP_BINARY, "get", "--help"});
  CHECK_THAT(get.out,
             Catch::Contains("\n    -o, --output='':\n\tOutput format. One of: (wide, yaml, json, "
                             "name).\n"));
  const auto top = run({KAPP_BINARY, "--help"});
  CHECK(top.exit_code == 0);
  CHECK_THAT(top.out, Catch::Contains("\nAvailable Commands:\n  create "));
  const auto global = run({KAPP_BINARY, "options"});
  CHECK(global.exit_code == 0);
  CHECK_THAT(global.out,
             Catch::StartsWith("The following options can be passed to any command:\n\n") &&
                 Catch::Contains("\n    --kubeconfig='':\n\tPath to the kubeconfig file"));
  const auto bad = run({KAPP_BINARY, "get", "--nope"});
  CHECK_THAT(bad.err, Catch::StartsWith("error: Option") &&
                          Catch::EndsWith(" does not exist; see 'kubectl app get --help'\n"));
}
