// What an Application renders into, without a server: the objects of core/render.
#include <catch2/catch.hpp>

#include "core/render/application.h"
#include "core/util/files.h"
#include "core/yaml/yaml.h"
#include "tests/unit/golden.h"

using kapp::render::AppModel;
using kapp::render::external_service;
using kapp::render::make_model;
using kapp::render::namespace_offloading;
using kapp::render::network_policy;
using kapp::render::prometheus_stack;
using kapp::render::service;
using kapp::render::service_monitor;
using kapp::render::volume_claims;
using kapp::render::workload;
using nlohmann::json;

namespace {

json shop_app(json spec) {
  return {{"apiVersion", "kubectl-app.io/v1alpha1"},
          {"kind", "Application"},
          {"metadata", {{"name", "shop"}, {"namespace", "demo"}, {"uid", "uid-1"}}},
          {"spec", std::move(spec)}};
}

json web(json fields = json::object()) {
  json c = {
      {"name", "web"}, {"image", "nginx:1.27"}, {"ports", {{{"name", "http"}, {"port", 80}}}}};
  c.update(fields);
  return c;
}

AppModel model_of(json spec) { return make_model(shop_app(std::move(spec)), {}); }

// Everything the controller would apply for a model, in its order.
std::vector<json> render_all(const AppModel& model) {
  std::vector<json> out;
  for (const auto& c : model.components) {
    for (auto& claim : volume_claims(model, c)) out.push_back(claim);
    out.push_back(service(model, c));
    if (auto external = external_service(model, c); !external.is_null()) out.push_back(external);
    out.push_back(workload(model, c));
    out.push_back(network_policy(model, c));
    if (auto monitor = service_monitor(model, c); !monitor.is_null()) out.push_back(monitor);
  }
  for (auto& object : prometheus_stack(model)) out.push_back(object);
  if (auto offloading = namespace_offloading(model); !offloading.is_null())
    out.push_back(offloading);
  return out;
}

}  // namespace

TEST_CASE("the shop sample renders as the golden file (UPDATE_GOLDEN=1 rewrites it)") {
  const auto docs = kapp::yaml::parse_all(
      kapp::util::read_file(std::string(KAPP_SOURCE_DIR) + "/samples/shop.yaml", "sample"),
      "samples/shop.yaml");
  json application;
  std::vector<json> components;
  for (const auto& d : docs) {
    if (d["kind"] == "Application") application = d;
    if (d["kind"] == "Component") components.push_back(d);
  }
  application["metadata"]["uid"] = "00000000-0000-0000-0000-000000000001";
  const auto model = make_model(application, components);
  kapp::test::check_golden("render/shop.yaml", kapp::test::as_yaml_stream(render_all(model)));
}

TEST_CASE("components join in order: inline ones, then Component objects") {
  json worker = {{"metadata", {{"name", "worker"}}},
                 {"spec", {{"application", "shop"}, {"image", "w"}}}};
  const auto model = make_model(shop_app({{"components", {web()}}}), {worker});
  REQUIRE(model.components.size() == 2);
  CHECK(model.components[0].source == "Inline");
  CHECK(model.components[1].name == "worker");
  CHECK(model.components[1].source == "Component");
  CHECK_FALSE(model.components[1].spec.contains("application"));
}

TEST_CASE("replicas default to one and follow the spec") {
  const auto model = model_of({{"components", {web(), web({{"name", "api"}, {"replicas", 5}})}}});
  CHECK(workload(model, model.components[0])["spec"]["replicas"] == 1);
  CHECK(workload(model, model.components[1])["spec"]["replicas"] == 5);
}

TEST_CASE("the workload selects on its own labels only") {
  const auto model = model_of({{"components", {web()}}});
  const auto w = workload(model, model.components[0]);
  CHECK(w["spec"]["selector"]["matchLabels"] ==
        json{{"kubectl-app.io/application", "shop"}, {"kubectl-app.io/component", "web"}});
  const auto pod_labels = w["spec"]["template"]["metadata"]["labels"];
  CHECK(pod_labels["app.kubernetes.io/part-of"] == "shop");
  CHECK(pod_labels["app.kubernetes.io/managed-by"] == "kubectl-app");
  CHECK(w["metadata"]["ownerReferences"][0]["uid"] == "uid-1");
  CHECK(w["metadata"]["ownerReferences"][0]["controller"] == true);
}

TEST_CASE("a StatefulSet volume becomes a claim template with the retention policy") {
  const json volume = {{"name", "data"}, {"mountPath", "/data"}, {"size", "2Gi"}};
  const auto model =
      model_of({{"components", {web({{"workload", "StatefulSet"}, {"volumes", {volume}}})}},
                {"volumeClaimRetention", "Delete"}});
  const auto set = workload(model, model.components[0]);
  CHECK(set["kind"] == "StatefulSet");
  CHECK(set["spec"]["serviceName"] == "web");
  CHECK(set["spec"]["volumeClaimTemplates"][0]["spec"]["resources"]["requests"]["storage"] ==
        "2Gi");
  CHECK(set["spec"]["persistentVolumeClaimRetentionPolicy"]["whenDeleted"] == "Delete");
  CHECK(volume_claims(model, model.components[0]).empty());
}

TEST_CASE("a retained Deployment volume is a claim without an owner reference") {
  const json volume = {{"name", "data"}, {"mountPath", "/data"}, {"size", "1Gi"}};
  const auto model = model_of({{"components", {web({{"volumes", {volume}}})}}});
  const auto claims = volume_claims(model, model.components[0]);
  REQUIRE(claims.size() == 1);
  CHECK(claims[0]["metadata"]["name"] == "web-data");
  CHECK_FALSE(claims[0]["metadata"].contains("ownerReferences"));
  const auto pod = workload(model, model.components[0])["spec"]["template"]["spec"];
  CHECK(pod["volumes"][0]["persistentVolumeClaim"]["claimName"] == "web-data");
}

TEST_CASE("a claim the application may delete is owned by it") {
  const json volume = {{"name", "data"}, {"mountPath", "/data"}, {"size", "1Gi"}};
  const auto model = model_of(
      {{"components", {web({{"volumes", {volume}}})}}, {"volumeClaimRetention", "Delete"}});
  CHECK(volume_claims(model, model.components[0])[0]["metadata"]["ownerReferences"][0]["uid"] ==
        "uid-1");
}

TEST_CASE("a component without ports gets a headless Service") {
  auto portless = web();
  portless.erase("ports");
  const auto model = model_of({{"components", {portless}}});
  CHECK(service(model, model.components[0])["spec"]["clusterIP"] == "None");
}

TEST_CASE("an exposed component gets an external Service of its type and open ingress") {
  const auto model = model_of({{"components", {web({{"expose", {{"type", "NodePort"}}}})}}});
  const auto external = external_service(model, model.components[0]);
  CHECK(external["metadata"]["name"] == "web-external");
  CHECK(external["spec"]["type"] == "NodePort");
  CHECK(network_policy(model, model.components[0])["spec"]["ingress"] ==
        json::array({json::object()}));
}

TEST_CASE("no declared communication means no ingress") {
  const auto model = model_of({{"components", {web()}}});
  CHECK(external_service(model, model.components[0]).is_null());
  const auto spec = network_policy(model, model.components[0])["spec"];
  CHECK(spec["policyTypes"] == json{"Ingress"});
  CHECK(spec["ingress"].empty());
}

TEST_CASE("a communication admits its caller on the target ports behind the dialled ones") {
  const auto api = web({{"name", "api"},
                        {"ports",
                         {{{"name", "http"}, {"port", 8080}, {"targetPort", 9090}},
                          {{"name", "grpc"}, {"port", 7070}}}}});
  const auto model =
      model_of({{"components", {web(), api}},
                {"internalCommunications", {{{"from", "web"}, {"to", "api"}, {"ports", {8080}}}}}});
  const auto ingress = network_policy(model, model.components[1])["spec"]["ingress"];
  REQUIRE(ingress.size() == 1);
  CHECK(ingress[0]["from"][0]["podSelector"]["matchLabels"]["kubectl-app.io/component"] == "web");
  CHECK(ingress[0]["ports"] == json{{{"port", 9090}, {"protocol", "TCP"}}});
}

TEST_CASE("a communication without ports admits every port of its callee") {
  const auto api = web(
      {{"name", "api"}, {"ports", {{{"name", "a"}, {"port", 1}}, {{"name", "b"}, {"port", 2}}}}});
  const auto model = model_of({{"components", {web(), api}},
                               {"internalCommunications", {{{"from", "web"}, {"to", "api"}}}}});
  CHECK(network_policy(model, model.components[1])["spec"]["ingress"][0]["ports"].size() == 2);
}

TEST_CASE(
    "a metrics component gets a ServiceMonitor naming its port, and the namespace a Prometheus") {
  const auto model = model_of(
      {{"components", {web({{"isExposingMetrics", true}, {"metrics", {{"port", "http"}}}})}}});
  const auto monitor = service_monitor(model, model.components[0]);
  CHECK(monitor["spec"]["endpoints"][0]["port"] == "http");
  CHECK(monitor["spec"]["endpoints"][0]["path"] == "/metrics");
  const auto stack = prometheus_stack(model);
  REQUIRE(stack.size() == 4);
  CHECK(stack[3]["kind"] == "Prometheus");
  // Shared by the namespace's applications: none of them is its controller.
  CHECK(stack[3]["metadata"]["ownerReferences"][0]["controller"] == false);
}

TEST_CASE("monitoring.prometheus false keeps the ServiceMonitor and drops the Prometheus") {
  const auto model = model_of({{"components", {web({{"isExposingMetrics", true}})}},
                               {"monitoring", {{"prometheus", false}}}});
  CHECK_FALSE(service_monitor(model, model.components[0]).is_null());
  CHECK(prometheus_stack(model).empty());
}

TEST_CASE("offloading renders the namespace's NamespaceOffloading with same-name mapping") {
  const auto model =
      model_of({{"components", {web()}}, {"offloading", {{"podOffloadingStrategy", "Remote"}}}});
  const auto offloading = namespace_offloading(model);
  CHECK(offloading["metadata"]["name"] == "offloading");
  CHECK(offloading["spec"]["podOffloadingStrategy"] == "Remote");
  CHECK(offloading["spec"]["namespaceMappingStrategy"] == "EnforceSameName");
  CHECK(namespace_offloading(model_of({{"components", {web()}}})).is_null());
}
