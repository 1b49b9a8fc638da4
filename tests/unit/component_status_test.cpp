// What a Component's status says about the Application it names.
#include <catch2/catch.hpp>

#include "core/controllers/component/status.h"

using kapp::controllers::component::component_status;
using nlohmann::json;

namespace {

json shop_component(const std::string& name = "api", long long generation = 3) {
  return {{"metadata", {{"name", name}, {"namespace", "demo"}, {"generation", generation}}},
          {"spec", {{"application", "shop"}}}};
}

// The Application "shop" whose status.components holds `entry` only.
json app_with(const json& entry) {
  return {{"metadata", {{"name", "shop"}, {"namespace", "demo"}}},
          {"status", {{"components", json::array({entry})}}}};
}

const json& ready(const json& status) { return status["conditions"][0]; }

}  // namespace

TEST_CASE("a Component whose Application is missing is Failed with ApplicationNotFound") {
  const auto s = component_status(shop_component(), std::nullopt);
  CHECK(s["phase"] == "Failed");
  CHECK(s["observedGeneration"] == 3);
  CHECK(ready(s)["type"] == "Ready");
  CHECK(ready(s)["status"] == "False");
  CHECK(ready(s)["reason"] == "ApplicationNotFound");
  CHECK(ready(s)["message"] == "Application demo/shop not found; create it first");
}

TEST_CASE("a Component its Application has not reconciled yet is Pending, Reconciling") {
  const auto s =
      component_status(shop_component(), app_with({{"name", "web"}, {"phase", "Running"}}));
  CHECK(s["phase"] == "Pending");
  CHECK(ready(s)["status"] == "False");
  CHECK(ready(s)["reason"] == "Reconciling");
  CHECK(ready(s)["message"] == "waiting for application shop to reconcile it");
}

TEST_CASE("a Component its Application reports Running is Running with ready n/m") {
  const auto s = component_status(
      shop_component(),
      app_with({{"name", "api"}, {"phase", "Running"}, {"replicas", 3}, {"readyReplicas", 3}}));
  CHECK(s["phase"] == "Running");
  CHECK(s["replicas"] == 3);
  CHECK(s["readyReplicas"] == 3);
  CHECK(s["ready"] == "3/3");
  CHECK(ready(s)["status"] == "True");
  CHECK(ready(s)["reason"] == "Available");
}

TEST_CASE("a Component its Application reports Failed is Failed with the entry's message") {
  const auto s = component_status(shop_component(),
                                  app_with({{"name", "api"},
                                            {"phase", "Failed"},
                                            {"replicas", 2},
                                            {"readyReplicas", 0},
                                            {"message", "Service demo/api already exists"}}));
  CHECK(s["phase"] == "Failed");
  CHECK(s["ready"] == "0/2");
  CHECK(ready(s)["status"] == "False");
  CHECK(ready(s)["reason"] == "Failed");
  CHECK(ready(s)["message"] == "Service demo/api already exists");
}
