// Lists and watches for a cache leave metadata.managedFields out while parsing, and only there.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/client/client.h"
#include "core/client/resource.h"
#include "tests/support/fake_transport.h"

using kapp::test::FakeClient;
using nlohmann::json;
namespace client = kapp::client;
namespace resources = kapp::client::resources;

namespace {

// A ConfigMap with managedFields in its metadata, and members of the same name elsewhere that
// are not bookkeeping.
const json kManagedConfigMap = {
    {"metadata",
     {{"name", "a"},
      {"namespace", "demo"},
      {"managedFields", {{{"manager", "kubectl"}, {"operation", "Apply"}}}},
      {"labels", {{"managedFields", "label"}}}}},
    {"data", {{"managedFields", "data"}}},
    {"spec", {{"template", {{"metadata", {{"managedFields", json::array()}}}}}}}};

json expected_without_bookkeeping() {
  auto object = kManagedConfigMap;
  object["metadata"].erase("managedFields");
  return object;
}

std::string list_body() {
  return json{{"metadata", {{"resourceVersion", "9"}}},
              {"items", {kManagedConfigMap, kManagedConfigMap}}}
      .dump();
}

}  // namespace

TEST_CASE("a list asked to drop managedFields leaves out only each item's metadata.managedFields") {
  FakeClient api;
  api.transport.answer(200, list_body());
  const auto list = api.client->list(resources::kConfigMap, "demo", {.drop_managed_fields = true});
  REQUIRE(list["items"].size() == 2);
  CHECK(list["items"][0] == expected_without_bookkeeping());
  CHECK(list["items"][1] == expected_without_bookkeeping());
  CHECK(list["metadata"]["resourceVersion"] == "9");
}

TEST_CASE("a list keeps managedFields unless asked") {
  FakeClient api;
  api.transport.answer(200, list_body());
  CHECK(api.client->list(resources::kConfigMap, "demo")["items"][0] == kManagedConfigMap);
}

TEST_CASE("a watch asked to drop managedFields leaves out only the object's") {
  FakeClient api;
  const auto event = json{{"type", "MODIFIED"}, {"object", kManagedConfigMap}}.dump() + "\n";
  api.transport.answer({.chunks = {event, event}});
  std::vector<json> objects;
  api.client->watch(resources::kConfigMap, "demo", {.drop_managed_fields = true},
                    [&](client::WatchEvent& e) {
                      objects.push_back(std::move(e.object));
                      return true;
                    });
  REQUIRE(objects.size() == 2);
  CHECK(objects[0] == expected_without_bookkeeping());
  CHECK(objects[1] == expected_without_bookkeeping());
}

TEST_CASE("a watch keeps managedFields unless asked") {
  FakeClient api;
  api.transport.answer(
      {.chunks = {json{{"type", "ADDED"}, {"object", kManagedConfigMap}}.dump() + "\n"}});
  json seen;
  api.client->watch(resources::kConfigMap, "demo", {}, [&](const client::WatchEvent& e) {
    seen = e.object;
    return true;
  });
  CHECK(seen == kManagedConfigMap);
}

TEST_CASE("a write's answer leaves out managedFields only when asked") {
  FakeClient api;
  api.transport.answer(200, kManagedConfigMap.dump()).answer(200, kManagedConfigMap.dump());
  CHECK(api.client->apply(resources::kConfigMap, kManagedConfigMap,
                          {.drop_managed_fields = true}) == expected_without_bookkeeping());
  CHECK(api.client->apply(resources::kConfigMap, kManagedConfigMap) == kManagedConfigMap);
}
