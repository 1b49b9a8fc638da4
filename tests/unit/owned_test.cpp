// apply_owned's never-take-over rule where the cache lags: creates of one name for two owners.
#include <catch2/catch.hpp>

#include <chrono>
#include <string>

#include "core/client/resource.h"
#include "core/engine/informer.h"
#include "core/engine/owned.h"
#include "tests/support/fake_list_watch.h"
#include "tests/support/fake_transport.h"

using kapp::engine::Informer;
using nlohmann::json;
using namespace std::chrono_literals;
namespace client = kapp::client;

namespace {

json owned_config_map(const std::string& owner_uid) {
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata",
           {{"name", "api"},
            {"namespace", "demo"},
            {"ownerReferences",
             {{{"apiVersion", "kubectl-app.io/v1"},
               {"kind", "Application"},
               {"name", owner_uid},
               {"uid", owner_uid},
               {"controller", true}}}}}},
          {"data", {{"owner", owner_uid}}}};
}

}  // namespace

TEST_CASE(
    "a second owner's create of a name the cache has not seen yet reads it and writes nothing") {
  auto lister = kapp::test::fake_client(json::array());
  Informer cache(lister, client::resources::kConfigMap, "demo");
  cache.start();
  REQUIRE(cache.wait_for_sync(5s));
  kapp::test::FakeClient api;
  auto created = owned_config_map("uid-first");
  created["metadata"]["uid"] = "cm-1";
  created["metadata"]["resourceVersion"] = "20";
  api.transport.answer(201, created.dump());

  api.transport.answer(200, created.dump());  // the read of the name the first one took

  CHECK(kapp::engine::apply_owned(*api.client, cache, owned_config_map("uid-first"), "uid-first"));
  // The cache still lacks it: under one field manager, an apply would update the first's.
  REQUIRE_FALSE(cache.get("demo", "api"));
  CHECK_FALSE(
      kapp::engine::apply_owned(*api.client, cache, owned_config_map("uid-second"), "uid-second"));
  const auto requests = api.transport.requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[0].method == "PATCH");
  CHECK(requests[1].method == "GET");  // asked, then refused: no write
}

TEST_CASE("a create that failed without an answer keeps the name from another owner's create") {
  auto lister = kapp::test::fake_client(json::array());
  Informer cache(lister, client::resources::kConfigMap, "demo");
  cache.start();
  REQUIRE(cache.wait_for_sync(5s));
  kapp::test::FakeClient api;
  // The server may have made it before the connection broke: the second owner must read.
  api.transport.fail("connection reset", kapp::TransportError::Kind::ConnectionBroken);
  auto made = owned_config_map("uid-first");
  made["metadata"]["uid"] = "cm-1";
  api.transport.answer(200, made.dump());

  CHECK_THROWS_AS(
      kapp::engine::apply_owned(*api.client, cache, owned_config_map("uid-first"), "uid-first"),
      kapp::TransportError);
  CHECK_FALSE(
      kapp::engine::apply_owned(*api.client, cache, owned_config_map("uid-second"), "uid-second"));
  const auto requests = api.transport.requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[1].method == "GET");
}
