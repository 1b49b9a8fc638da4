// What the informer caches keep of an object: the default transform of every informer
// (strip_bookkeeping), as a pure function.
#include <catch2/catch.hpp>

#include <string>

#include "core/engine/applied.h"
#include "core/engine/transform.h"

using kapp::engine::already_applied;
using kapp::engine::strip_bookkeeping;
using nlohmann::json;

namespace {

constexpr const char* kLastApplied = "kubectl.kubernetes.io/last-applied-configuration";

json deployment_with_bookkeeping() {
  return {{"apiVersion", "apps/v1"},
          {"kind", "Deployment"},
          {"metadata",
           {{"name", "web"},
            {"namespace", "demo"},
            {"resourceVersion", "42"},
            {"annotations",
             {{kLastApplied, R"({"apiVersion":"apps/v1","kind":"Deployment"})"},
              {"deployment.kubernetes.io/revision", "3"}}},
            {"managedFields",
             {{{"manager", "kubectl-app"},
               {"operation", "Apply"},
               {"fieldsType", "FieldsV1"},
               {"fieldsV1", {{"f:spec", {{"f:replicas", json::object()}}}}}}}}}},
          {"spec", {{"replicas", 2}, {"template", {{"spec", {{"containers", json::array()}}}}}}},
          {"status", {{"readyReplicas", 2}}}};
}

}  // namespace

// --- strip_bookkeeping: every informer's default ---

TEST_CASE("the default transform removes managedFields") {
  auto object = deployment_with_bookkeeping();
  strip_bookkeeping(object);
  CHECK_FALSE(object["metadata"].contains("managedFields"));
}

TEST_CASE("the default transform removes the last-applied-configuration annotation only") {
  auto object = deployment_with_bookkeeping();
  strip_bookkeeping(object);
  CHECK_FALSE(object["metadata"]["annotations"].contains(kLastApplied));
  CHECK(object["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "3");
}

TEST_CASE("the default transform drops annotations the removal leaves empty") {
  auto object = deployment_with_bookkeeping();
  object["metadata"]["annotations"].erase("deployment.kubernetes.io/revision");
  strip_bookkeeping(object);
  CHECK_FALSE(object["metadata"].contains("annotations"));
}

TEST_CASE("the default transform keeps identity, spec and status") {
  const auto before = deployment_with_bookkeeping();
  auto object = before;
  strip_bookkeeping(object);
  CHECK(object["metadata"]["name"] == "web");
  CHECK(object["metadata"]["namespace"] == "demo");
  CHECK(object["metadata"]["resourceVersion"] == "42");
  CHECK(object["spec"] == before["spec"]);
  CHECK(object["status"] == before["status"]);
}

TEST_CASE("a desired object already applied stays so against the stripped live one") {
  const json desired = {{"apiVersion", "apps/v1"},
                        {"kind", "Deployment"},
                        {"metadata", {{"name", "web"}, {"namespace", "demo"}}},
                        {"spec", {{"replicas", 2}}}};
  auto live = deployment_with_bookkeeping();
  REQUIRE(already_applied(desired, live));
  strip_bookkeeping(live);
  CHECK(already_applied(desired, live));
}

TEST_CASE("the default transform leaves objects without metadata as they are") {
  json no_metadata = {{"kind", "Status"}};
  strip_bookkeeping(no_metadata);
  CHECK(no_metadata == json{{"kind", "Status"}});
  json not_an_object = json::array({1, 2});
  strip_bookkeeping(not_an_object);
  CHECK(not_an_object == json::array({1, 2}));
}
