// Applications and Components end to end: the controllers in-process against the real control
// plane, whose kube-controller-manager, scheduler and kwok nodes make the pods Running.
#include <catch2/catch.hpp>

#include <regex>

#include "core/client/resource.h"
#include "core/engine/metrics.h"
#include "tests/support/cluster.h"
#include "tests/support/controller.h"
#include "tests/support/objects.h"

using namespace kapp::test;
using namespace std::chrono_literals;
using nlohmann::json;
namespace res = kapp::client::resources;

namespace {

constexpr auto kConverge = 60s;  // scheduling, kwok's stages and the Deployment controller
constexpr auto kResync = 500ms;

json component_object(const std::string& ns, const std::string& app, const std::string& name) {
  json spec = component(name);
  spec.erase("name");
  spec["application"] = app;
  return {{"apiVersion", "kubectl-app.io/v1alpha1"},
          {"kind", "Component"},
          {"metadata", {{"name", name}, {"namespace", ns}}},
          {"spec", spec}};
}

bool has_phase(const kapp::client::ResourceType& type, const std::string& ns,
               const std::string& name, const std::string& phase) {
  const auto status = status_of(type, ns, name);
  const auto object = admin().get(type, ns, name);
  return status.value("phase", "") == phase &&
         status.value("observedGeneration", 0LL) == object["metadata"].value("generation", -1LL);
}

json component_entry(const std::string& ns, const std::string& app, const std::string& name) {
  for (const auto& c : status_of(res::kApplication, ns, app).value("components", json::array()))
    if (c.value("name", "") == name) return c;
  return json::object();
}

// The name of the Application that controls an object.
std::string engine_owner(const json& object) {
  for (const auto& o : object["metadata"].value("ownerReferences", json::array()))
    if (o.value("controller", false)) return o.value("name", "");
  return "";
}

// The shop of the samples, reduced: three inline components and a separate one.
json four_components(const std::string& ns) {
  return application(
      ns, "shop",
      {component("frontend", {{"replicas", 2}}), component("api"),
       component(
           "db",
           {{"workload", "StatefulSet"},
            {"ports", {{{"name", "pg"}, {"port", 5432}}}},
            {"volumes",
             {{{"name", "data"}, {"mountPath", "/var/lib/postgresql/data"}, {"size", "1Gi"}}}}})},
      {{"componentRefs", {"worker"}},
       {"internalCommunications",
        {{{"from", "frontend"}, {"to", "api"}},
         {{"from", "api"}, {"to", "db"}, {"ports", {5432}}},
         {{"from", "worker"}, {"to", "db"}}}}});
}

void create_running_shop(const std::string& ns) {
  admin().create(res::kApplication, ns, four_components(ns));
  admin().create(res::kComponent, ns, component_object(ns, "shop", "worker"));
  REQUIRE(
      eventually([&] { return has_phase(res::kApplication, ns, "shop", "Running"); }, kConverge));
}

}  // namespace

TEST_CASE("an application with four components reaches Running") {
  TestNamespace ns;
  RunningControllers controllers(ns.name(), kResync);
  create_running_shop(ns.name());

  const auto status = status_of(res::kApplication, ns.name(), "shop");
  CHECK(status["ready"] == "4/4");
  CHECK(condition(status, "Ready")["reason"] == "AllComponentsRunning");
  CHECK(component_entry(ns.name(), "shop", "frontend")["readyReplicas"] == 2);
  CHECK(component_entry(ns.name(), "shop", "worker")["source"] == "Component");
  for (const auto* name : {"frontend", "api", "worker"})
    CHECK(exists(res::kDeployment, ns.name(), name));
  CHECK(exists(res::kStatefulSet, ns.name(), "db"));
  for (const auto* name : {"frontend", "api", "db", "worker"}) {
    CHECK(exists(res::kService, ns.name(), name));
    CHECK(exists(res::kNetworkPolicy, ns.name(), name));
  }
  REQUIRE(eventually([&] { return has_phase(res::kComponent, ns.name(), "worker", "Running"); }));
  const auto listed = kubectl_app({"get", "applications", "-n", ns.name()});
  CHECK_THAT(listed.out, Catch::Matches("(.|\n)*shop +Running +4/4(.|\n)*"));
}

TEST_CASE("scaling a component updates its workload and the ready count") {
  TestNamespace ns;
  RunningControllers controllers(ns.name(), kResync);
  create_running_shop(ns.name());

  update_latest(res::kApplication, ns.name(), "shop",
                [](json& app) { app["spec"]["components"][0]["replicas"] = 3; });
  CHECK(eventually([&] {
    return admin().get(res::kDeployment, ns.name(), "frontend")["spec"]["replicas"] == 3;
  }));
  CHECK(eventually(
      [&] {
        return component_entry(ns.name(), "shop", "frontend").value("readyReplicas", 0) == 3 &&
               has_phase(res::kApplication, ns.name(), "shop", "Running");
      },
      kConverge));
}

TEST_CASE("removing a component prunes its objects") {
  TestNamespace ns;
  RunningControllers controllers(ns.name(), kResync);
  admin().create(res::kApplication, ns.name(),
                 application(ns.name(), "pair", {component("a"), component("b")}));
  REQUIRE(eventually([&] { return exists(res::kDeployment, ns.name(), "b"); }));

  admin().merge_patch(res::kApplication, ns.name(), "pair",
                      {{"spec", {{"components", {component("a")}}}}});
  CHECK(eventually([&] {
    return !exists(res::kDeployment, ns.name(), "b") && !exists(res::kService, ns.name(), "b") &&
           !exists(res::kNetworkPolicy, ns.name(), "b");
  }));
  CHECK(exists(res::kDeployment, ns.name(), "a"));
  CHECK(
      eventually([&] { return status_of(res::kApplication, ns.name(), "pair")["ready"] == "1/1"; },
                 kConverge));
}

TEST_CASE("an unpullable image turns the application Failed with the reason") {
  TestNamespace ns;
  RunningControllers controllers(ns.name(), kResync);
  admin().create(res::kApplication, ns.name(),
                 application(ns.name(), "broken", {component("web", {{"image", "nope:missing"}})}));
  std::string pod;
  REQUIRE(eventually([&] {
    const auto pods = admin().list(res::kPod, ns.name());
    for (const auto& p : pods["items"])
      if (p["status"].contains("podIP")) pod = p["metadata"]["name"];
    return !pod.empty();
  }));
  // kwok pulls nothing, so the test reports what a kubelet reports for a missing image.
  const json waiting = {
      {"status",
       {{"containerStatuses",
         {{{"name", "web"},
           {"image", "nope:missing"},
           {"imageID", ""},
           {"ready", false},
           {"restartCount", 0},
           {"state",
            {{"waiting",
              {{"reason", "ErrImagePull"},
               {"message", "pull access denied for nope, repository does not exist"}}}}}}}}}}};
  const auto patched = kubectl({"patch", "pod", pod, "-n", ns.name(), "--subresource=status",
                                "--type=merge", "-p", waiting.dump()});
  REQUIRE(patched.exit_code == 0);

  CHECK(eventually([&] { return has_phase(res::kApplication, ns.name(), "broken", "Failed"); }));
  const auto entry = component_entry(ns.name(), "broken", "web");
  CHECK(entry["phase"] == "Failed");
  CHECK_THAT(entry.value("message", ""), Catch::Contains("ErrImagePull"));
  CHECK(condition(status_of(res::kApplication, ns.name(), "broken"), "Ready")["reason"] ==
        "ComponentFailed");
  CHECK(eventually([&] { return has_event(ns.name(), "broken", "PhaseFailed"); }));
}

TEST_CASE("a name taken by a foreign object fails the component and leaves the object untouched") {
  TestNamespace ns;
  const json foreign = {{"apiVersion", "v1"},
                        {"kind", "Service"},
                        {"metadata", {{"name", "web"}, {"labels", {{"owner", "someone-else"}}}}},
                        {"spec", {{"ports", {{{"port", 9999}}}}}}};
  const auto before = admin().create(res::kService, ns.name(), foreign);
  RunningControllers controllers(ns.name(), kResync);
  admin().create(res::kApplication, ns.name(), application(ns.name(), "clash", {component("web")}));

  CHECK(eventually([&] { return has_phase(res::kApplication, ns.name(), "clash", "Failed"); }));
  CHECK_THAT(component_entry(ns.name(), "clash", "web").value("message", ""),
             Catch::Contains("Service " + ns.name() +
                             "/web already exists and is not owned by application clash"));
  const auto after = admin().get(res::kService, ns.name(), "web");
  CHECK(after["metadata"]["resourceVersion"] == before["metadata"]["resourceVersion"]);
  CHECK_FALSE(after["metadata"].contains("ownerReferences"));
  CHECK_FALSE(exists(res::kDeployment, ns.name(), "web"));
}

TEST_CASE("two applications created at once never take each other's objects") {
  TestNamespace ns;
  RunningControllers controllers(ns.name(), kResync);
  admin().create(res::kApplication, ns.name(), application(ns.name(), "first", {component("api")}));
  admin().create(res::kApplication, ns.name(),
                 application(ns.name(), "second", {component("api")}));

  // Whichever came first keeps the name; the other is Failed and says why.
  CHECK(eventually(
      [&] {
        const auto a = status_of(res::kApplication, ns.name(), "first").value("phase", "");
        const auto b = status_of(res::kApplication, ns.name(), "second").value("phase", "");
        return (a == "Running" && b == "Failed") || (a == "Failed" && b == "Running");
      },
      kConverge));
  const auto owner = engine_owner(admin().get(res::kDeployment, ns.name(), "api"));
  const auto loser = owner == "first" ? "second" : "first";
  CHECK_THAT(component_entry(ns.name(), loser, "api").value("message", ""),
             Catch::Contains("not owned by application " + std::string(loser)));
  CHECK(admin().get(res::kDeployment, ns.name(),
                    "api")["spec"]["selector"]["matchLabels"]["kubectl-app.io/application"] ==
        owner);
}

TEST_CASE("deleting an application garbage-collects its objects and keeps its volume claims") {
  TestNamespace ns;
  RunningControllers controllers(ns.name(), kResync);
  admin().create(
      res::kApplication, ns.name(),
      application(
          ns.name(), "gone",
          {component("web"),
           component("files",
                     {{"volumes", {{{"name", "data"}, {"mountPath", "/d"}, {"size", "1Gi"}}}}})}));
  REQUIRE(eventually([&] {
    return exists(res::kDeployment, ns.name(), "web") &&
           exists(res::kDeployment, ns.name(), "files") &&
           !admin().list(res::kPersistentVolumeClaim, ns.name())["items"].empty();
  }));

  admin().remove(res::kApplication, ns.name(), "gone");
  CHECK(eventually([&] {
    for (const auto* name : {"web", "files"}) {
      if (exists(res::kDeployment, ns.name(), name) || exists(res::kService, ns.name(), name) ||
          exists(res::kNetworkPolicy, ns.name(), name))
        return false;
    }
    return true;
  }));
  // Data outlives its application unless spec.volumeClaimRetention says Delete.
  CHECK(admin().list(res::kPersistentVolumeClaim, ns.name())["items"].size() == 1);
}

TEST_CASE("a StatefulSet component with a volume gets its claim template") {
  TestNamespace ns;
  RunningControllers controllers(ns.name(), kResync);
  create_running_shop(ns.name());

  const auto set = admin().get(res::kStatefulSet, ns.name(), "db");
  const auto templates = set["spec"]["volumeClaimTemplates"];
  REQUIRE(templates.size() == 1);
  CHECK(templates[0]["metadata"]["name"] == "data");
  CHECK(templates[0]["spec"]["resources"]["requests"]["storage"] == "1Gi");
  const auto mounts = set["spec"]["template"]["spec"]["containers"][0]["volumeMounts"];
  CHECK(mounts[0]["name"] == "data");
  CHECK(mounts[0]["mountPath"] == "/var/lib/postgresql/data");
  CHECK(set["spec"]["serviceName"] == "db");
  CHECK(exists(res::kPersistentVolumeClaim, ns.name(), "data-db-0"));
}

TEST_CASE("the NetworkPolicies admit exactly the declared pairs and ports") {
  TestNamespace ns;
  RunningControllers controllers(ns.name(), kResync);
  admin().create(
      res::kApplication, ns.name(),
      application(ns.name(), "net",
                  {component("a"),
                   component("b", {{"ports",
                                    {{{"name", "http"}, {"port", 8080}, {"targetPort", 9090}},
                                     {{"name", "admin"}, {"port", 8081}}}}}),
                   component("c")},
                  {{"internalCommunications", {{{"from", "a"}, {"to", "b"}, {"ports", {8080}}}}}}));
  REQUIRE(eventually([&] {
    return exists(res::kNetworkPolicy, ns.name(), "b") &&
           exists(res::kNetworkPolicy, ns.name(), "c");
  }));

  const auto b = admin().get(res::kNetworkPolicy, ns.name(), "b")["spec"];
  CHECK(b["policyTypes"] == json{"Ingress"});
  CHECK(b["podSelector"]["matchLabels"]["kubectl-app.io/component"] == "b");
  REQUIRE(b["ingress"].size() == 1);
  const auto rule = b["ingress"][0];
  REQUIRE(rule["from"].size() == 1);
  CHECK(rule["from"][0]["podSelector"]["matchLabels"]["kubectl-app.io/component"] == "a");
  CHECK(rule["from"][0]["podSelector"]["matchLabels"]["kubectl-app.io/application"] == "net");
  // The caller dials the Service's 8080; the policy filters on the pod's 9090 behind it.
  CHECK(rule["ports"] == json{{{"protocol", "TCP"}, {"port", 9090}}});
  for (const auto* closed : {"a", "c"}) {
    const auto spec = admin().get(res::kNetworkPolicy, ns.name(), closed)["spec"];
    CHECK(spec["policyTypes"] == json{"Ingress"});
    CHECK(spec.value("ingress", json::array()).empty());
  }
}

TEST_CASE("create refuses a Component whose Application does not exist") {
  TestNamespace ns;
  install_crds();
  TempDir dir;
  const auto file = dir.write("worker.yaml", component_object(ns.name(), "shop", "worker").dump());
  const auto result = kubectl_app({"create", "-f", file});
  CHECK(result.exit_code != 0);
  CHECK_THAT(result.err, Catch::Contains("application " + ns.name() + "/shop") ||
                             Catch::Contains("Application " + ns.name() + "/shop"));
  CHECK_FALSE(exists(res::kComponent, ns.name(), "worker"));
}

TEST_CASE("a Component applied without its Application is Failed with a Warning event") {
  TestNamespace ns;
  RunningControllers controllers(ns.name(), kResync);
  admin().create(res::kComponent, ns.name(), component_object(ns.name(), "shop", "worker"));

  CHECK(eventually([&] { return has_phase(res::kComponent, ns.name(), "worker", "Failed"); }));
  const auto status = status_of(res::kComponent, ns.name(), "worker");
  CHECK(condition(status, "Ready")["reason"] == "ApplicationNotFound");
  CHECK(eventually([&] { return has_event(ns.name(), "worker", "ApplicationNotFound"); }));
  CHECK_FALSE(exists(res::kDeployment, ns.name(), "worker"));
}

TEST_CASE("an orphan Component reconciles by itself once its Application appears") {
  TestNamespace ns;
  RunningControllers controllers(ns.name(), kResync);
  admin().create(res::kComponent, ns.name(), component_object(ns.name(), "shop", "worker"));
  REQUIRE(eventually([&] { return has_phase(res::kComponent, ns.name(), "worker", "Failed"); }));

  admin().create(
      res::kApplication, ns.name(),
      application(ns.name(), "shop", {component("web")}, {{"componentRefs", {"worker"}}}));
  CHECK(eventually([&] { return has_phase(res::kComponent, ns.name(), "worker", "Running"); },
                   kConverge));
  CHECK(exists(res::kDeployment, ns.name(), "worker"));
  CHECK(has_phase(res::kApplication, ns.name(), "shop", "Running"));
}

TEST_CASE("an Application whose componentRefs are missing is Pending") {
  TestNamespace ns;
  RunningControllers controllers(ns.name(), kResync);
  admin().create(
      res::kApplication, ns.name(),
      application(ns.name(), "shop", {component("web")}, {{"componentRefs", {"worker"}}}));

  CHECK(eventually(
      [&] { return component_entry(ns.name(), "shop", "web").value("phase", "") == "Running"; },
      kConverge));
  CHECK(has_phase(res::kApplication, ns.name(), "shop", "Pending"));
  const auto worker = component_entry(ns.name(), "shop", "worker");
  CHECK(worker["phase"] == "Pending");
  CHECK(worker["message"] == "Component " + ns.name() + "/worker not found");
}

TEST_CASE("a name used by an inline component and a Component object is a Failed conflict") {
  TestNamespace ns;
  RunningControllers controllers(ns.name(), kResync);
  admin().create(res::kApplication, ns.name(),
                 application(ns.name(), "shop", {component("worker")}));
  admin().create(res::kComponent, ns.name(), component_object(ns.name(), "shop", "worker"));

  CHECK(eventually([&] { return has_phase(res::kApplication, ns.name(), "shop", "Failed"); }));
  CHECK_THAT(component_entry(ns.name(), "shop", "worker").value("message", ""),
             Catch::Contains("used by an inline component and a Component object"));
}

TEST_CASE("create rejects a bad spec before sending anything") {
  TestNamespace ns;
  install_crds();
  TempDir dir;
  auto good = application(ns.name(), "good", {component("web")});
  auto bad = application(ns.name(), "bad", {component("web", {{"replicas", -1}})});
  const auto file = dir.write("apps.json", good.dump() + "\n" + bad.dump());
  const auto result = kubectl_app({"create", "-f", file});
  CHECK(result.exit_code != 0);
  CHECK_THAT(result.err, Catch::Contains("replicas"));
  CHECK_THAT(result.err, Catch::Contains("bad"));
  CHECK_FALSE(exists(res::kApplication, ns.name(), "good"));
  CHECK_FALSE(exists(res::kApplication, ns.name(), "bad"));
}

TEST_CASE("a steady state makes no write requests for a minute while the timers fire") {
  TestNamespace ns;
  RunningControllers controllers(ns.name(), kResync);
  create_running_shop(ns.name());
  // Its monitors and Prometheus are read from the server, so it never settles: a whole pass
  // on every resync.
  admin().create(res::kApplication, ns.name(),
                 application(ns.name(), "metered",
                             {component("web", {{"ports", {{{"name", "metrics"}, {"port", 9113}}}},
                                                {"isExposingMetrics", true},
                                                {"metrics", {{"port", "metrics"}}}})}));
  REQUIRE(eventually([&] { return has_phase(res::kApplication, ns.name(), "metered", "Running"); },
                     kConverge));
  // Settle: the Component's status and the last events follow the application's.
  REQUIRE(eventually([&] { return has_phase(res::kComponent, ns.name(), "worker", "Running"); }));
  // Settled once two seconds (four resyncs) pass without a write.
  REQUIRE(eventually([&] {
    const auto now = writes();
    return !eventually([&] { return writes() > now; }, 2s);
  }));

  const auto before_writes = writes();
  const auto before_reconciles = reconciles("application");
  const auto before_skipped = skipped_resyncs("application");
  // A minute of resyncs every 500ms: over a hundred whole passes over the metered application,
  // and as many looks at the shop that find it settled.
  CHECK_FALSE(eventually([&] { return writes() > before_writes; }, 60s));
  INFO("reconciles: " << reconciles("application") - before_reconciles);
  CHECK(reconciles("application") - before_reconciles >= 100);
  INFO("skipped: " << skipped_resyncs("application") - before_skipped);
  CHECK(skipped_resyncs("application") - before_skipped >= 100);
  CHECK(writes() == before_writes);
}

TEST_CASE("create reports the schema's message for each invalid component field, sending nothing") {
  TestNamespace ns;
  install_crds();
  TempDir dir;
  const std::vector<std::pair<json, std::string>> cases = {
      {{{"replicas", -1}},
       "spec.components[0].replicas: Invalid value: -1: should be greater than or equal to 0"},
      {{{"workload", "Job"}}, "supported values: \"Deployment\", \"StatefulSet\""},
      {{{"ports", {{{"port", 70000}}}}},
       "ports[0].port: Invalid value: 70000: should be less than or equal to 65535"},
      {{{"name", "Web_1"}}, "spec.components[0].name: Invalid value: \"Web_1\": should match"},
  };
  for (const auto& [fields, message] : cases) {
    INFO(fields.dump());
    const auto file =
        dir.write("app.json", application(ns.name(), "v", {component("web", fields)}).dump());
    const auto result = kubectl_app({"create", "-f", file});
    CHECK(result.exit_code == 1);
    CHECK_THAT(result.err, Catch::Contains(message));
    CHECK_FALSE(exists(res::kApplication, ns.name(), "v"));
  }
}
