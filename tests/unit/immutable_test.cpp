// Which workload changes the API server would refuse (immutable fields), found before applying.
#include <catch2/catch.hpp>

#include "core/controllers/application/immutable.h"

using kapp::controllers::application::immutable_change;
using nlohmann::json;

namespace {

json stateful_set(const std::string& size) {
  return {{"kind", "StatefulSet"},
          {"metadata", {{"name", "db"}}},
          {"spec",
           {{"serviceName", "db"},
            {"selector", {{"matchLabels", {{"app", "db"}}}}},
            {"replicas", 1},
            {"volumeClaimTemplates",
             {{{"metadata", {{"name", "data"}}},
               {"spec", {{"resources", {{"requests", {{"storage", size}}}}}}}}}}}}};
}

}  // namespace

TEST_CASE("a StatefulSet whose claim size changed names the field, both sizes and what to do") {
  const auto change = immutable_change(stateful_set("2Gi"), stateful_set("1Gi"));
  REQUIRE(change);
  CHECK(*change ==
        "StatefulSet db: spec.volumeClaimTemplates[data].spec.resources.requests.storage cannot "
        "change (wanted 2Gi, the cluster has 1Gi); revert the change, or recreate the "
        "StatefulSet with `kubectl delete statefulset db --cascade=orphan` (its pods and claims "
        "stay; resize existing claims yourself)");
}

TEST_CASE("a StatefulSet changed only in mutable fields can be applied") {
  auto desired = stateful_set("1Gi");
  desired["spec"]["replicas"] = 3;
  auto live = stateful_set("1Gi");
  live["spec"]["podManagementPolicy"] = "OrderedReady";  // a server default we do not set
  live["spec"]["volumeClaimTemplates"][0]["spec"]["volumeMode"] = "Filesystem";
  CHECK_FALSE(immutable_change(desired, live));
}

TEST_CASE("a StatefulSet given a new claim template cannot be updated") {
  auto desired = stateful_set("1Gi");
  desired["spec"]["volumeClaimTemplates"].push_back(
      {{"metadata", {{"name", "logs"}}}, {"spec", json::object()}});
  const auto change = immutable_change(desired, stateful_set("1Gi"));
  REQUIRE(change);
  CHECK_THAT(*change, Catch::StartsWith("StatefulSet db: spec.volumeClaimTemplates[logs] cannot "
                                        "change (wanted present, the cluster has none)"));
}

TEST_CASE("a workload whose selector changed cannot be updated; a Service's selector can") {
  auto desired = stateful_set("1Gi");
  desired["spec"]["selector"]["matchLabels"]["app"] = "other";
  CHECK(immutable_change(desired, stateful_set("1Gi")));
  json service = {{"kind", "Service"},
                  {"metadata", {{"name", "db"}}},
                  {"spec", {{"selector", {{"app", "other"}}}}}};
  json live_service = service;
  live_service["spec"]["selector"]["app"] = "db";
  CHECK_FALSE(immutable_change(service, live_service));
}
