// The informer's transform, against a fake API server (a Transport that answers one list and
// one watch stream): what is cached and what handlers see is the transformed object.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "core/client/client.h"
#include "core/client/resource.h"
#include "core/engine/informer.h"
#include "core/engine/transform.h"
#include "tests/support/fake_list_watch.h"

using kapp::engine::Informer;
using kapp::test::fake_client;
using nlohmann::json;
using namespace std::chrono_literals;
namespace client = kapp::client;

namespace {

json config_map(const std::string& name, const std::string& version) {
  return {{"metadata",
           {{"name", name},
            {"namespace", "demo"},
            {"resourceVersion", version},
            {"managedFields", {{{"manager", "kubectl"}, {"operation", "Update"}}}}}},
          {"data", {{"k", "v"}}}};
}

// Whether `done` holds within 5 s, looked at every 5 ms.
template <typename Predicate>
bool within_5s(Predicate done) {
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

}  // namespace

TEST_CASE("an informer caches listed objects as its transform leaves them") {
  auto api = fake_client(json::array({config_map("a", "5")}));
  Informer informer(api, client::resources::kConfigMap, "demo");
  informer.set_transform(kapp::engine::strip_bookkeeping);
  informer.start();
  REQUIRE(informer.wait_for_sync(5s));
  const auto cached = informer.get("demo", "a");
  REQUIRE(cached);
  CHECK_FALSE((*cached)["metadata"].contains("managedFields"));
  CHECK((*cached)["kind"] == "ConfigMap");  // set on list items before the transform runs
  CHECK((*cached)["data"]["k"] == "v");
}

TEST_CASE("handlers see listed and watched objects after the transform") {
  auto edited = config_map("a", "12");
  edited["data"]["k"] = "edited";
  auto api = fake_client(json::array({config_map("a", "5")}),
                         {{{"type", "ADDED"}, {"object", config_map("b", "11")}},
                          {{"type", "MODIFIED"}, {"object", edited}},
                          {{"type", "DELETED"}, {"object", config_map("b", "13")}}});
  Informer informer(api, client::resources::kConfigMap, "demo");
  informer.set_transform(kapp::engine::strip_bookkeeping);
  std::mutex mutex;
  std::vector<json> seen;
  auto record = [&](const json& object) {
    std::lock_guard lock(mutex);
    seen.push_back(object);
  };
  informer.add_handler({record,
                        [&](const json& old_object, const json& now) {
                          record(old_object);
                          record(now);
                        },
                        record});
  informer.start();
  REQUIRE(within_5s([&] {
    std::lock_guard lock(mutex);
    return seen.size() == 5;  // add a, add b, update a (old and new), delete b
  }));
  informer.stop();
  for (const auto& object : seen) {
    INFO(object.dump());
    CHECK_FALSE(object["metadata"].contains("managedFields"));
  }
  CHECK(informer.get("demo", "a").value()["metadata"]["resourceVersion"] == "12");
}

TEST_CASE("a transform that throws leaves the object cached as it came") {
  auto api = fake_client(json::array({config_map("a", "5")}));
  Informer informer(api, client::resources::kConfigMap, "demo");
  informer.set_transform([](json&) { throw std::runtime_error("malformed"); });
  informer.start();
  REQUIRE(informer.wait_for_sync(5s));
  CHECK(informer.get("demo", "a").has_value());
  CHECK(informer.lists() == 1);
}

TEST_CASE("an informer refuses a transform once started") {
  auto api = fake_client(json::array());
  Informer informer(api, client::resources::kConfigMap, "demo");
  informer.start();
  CHECK_THROWS_AS(informer.set_transform(kapp::engine::strip_bookkeeping), std::logic_error);
}

TEST_CASE("an informer keeps a recorded object slim and answers applied from the record") {
  auto listed = config_map("a", "5");
  listed["metadata"]["uid"] = "u1";
  auto api = fake_client(json::array({listed}));
  Informer informer(api, client::resources::kConfigMap, "demo");
  informer.set_slim([](const json& object) { return kapp::engine::slim_owned(object, {}); });
  informer.start();
  REQUIRE(informer.wait_for_sync(5s));
  const auto full = informer.get("demo", "a").value();
  CHECK(full.contains("data"));  // nothing recorded yet: kept whole
  CHECK_FALSE(informer.applied(full, 42));
  informer.remember_applied(full, 42);
  const auto slim = informer.get("demo", "a").value();
  CHECK_FALSE(slim.contains("data"));
  CHECK(slim["metadata"]["uid"] == "u1");
  CHECK(informer.applied(slim, 42));
  CHECK_FALSE(informer.applied(slim, 43));  // another desired object
}

TEST_CASE("an applied record no longer answers once the object's content changed") {
  auto listed = config_map("a", "5");
  auto changed = config_map("a", "6");
  changed["data"]["k"] = "edited";
  auto api = fake_client(json::array({listed}), {{{"type", "MODIFIED"}, {"object", changed}}});
  Informer informer(api, client::resources::kConfigMap, "demo");
  informer.set_slim([](const json& object) { return kapp::engine::slim_owned(object, {}); });
  informer.remember_applied(listed, 7);  // as an apply's answer, before the cache has it
  informer.start();
  REQUIRE(within_5s([&] {
    const auto cached = informer.get("demo", "a");
    return cached && (*cached)["metadata"]["resourceVersion"] == "6";
  }));
  const auto cached = informer.get("demo", "a").value();
  CHECK(kapp::engine::is_slim(cached));
  CHECK_FALSE(informer.applied(cached, 7));
}

TEST_CASE("handlers see a recorded object's update in the slim form the cache keeps") {
  auto listed = config_map("a", "5");
  auto changed = config_map("a", "6");
  changed["status"] = {{"phase", "Ready"}};
  auto api = fake_client(json::array({listed}), {{{"type", "MODIFIED"}, {"object", changed}}});
  Informer informer(api, client::resources::kConfigMap, "demo");
  informer.set_slim([](const json& object) { return kapp::engine::slim_owned(object, {}); });
  informer.remember_applied(listed, 7);
  std::atomic<bool> both_slim{false}, updated{false};
  informer.add_handler({nullptr,
                        [&](const json& old_object, const json& now) {
                          both_slim = kapp::engine::is_slim(old_object) &&
                                      kapp::engine::is_slim(now) && now.contains("status");
                          updated = true;
                        },
                        nullptr});
  informer.start();
  REQUIRE(within_5s([&] { return updated.load(); }));
  CHECK(both_slim);
}

TEST_CASE("an applied record ends with the object's deletion") {
  auto listed = config_map("a", "5");
  auto api = fake_client(json::array({listed}), {{{"type", "DELETED"}, {"object", listed}},
                                                 {{"type", "ADDED"}, {"object", listed}}});
  Informer informer(api, client::resources::kConfigMap, "demo");
  informer.remember_applied(listed, 7);
  std::atomic<int> adds{0};
  informer.add_handler({[&](const json&) { ++adds; }, nullptr, nullptr});
  informer.start();
  REQUIRE(within_5s([&] { return adds == 2; }));  // listed, then added again after deletion
  CHECK_FALSE(informer.applied(informer.get("demo", "a").value(), 7));
}

TEST_CASE("an answer without a name records nothing") {
  auto api = fake_client(json::array());
  Informer informer(api, client::resources::kConfigMap, "demo");
  informer.remember_applied(json::object(), 7);
  CHECK_FALSE(informer.applied(json::object(), 7));
}

TEST_CASE("a relist drops the applied records of objects its list lacks") {
  // A record written after its object's DELETED event (an apply racing a deletion) has no
  // object to end with: the next list, which lacks the object, ends it.
  auto api = fake_client(json::array());
  Informer informer(api, client::resources::kConfigMap, "demo");
  const auto gone = config_map("gone", "5");
  informer.remember_applied(gone, 7);
  REQUIRE(informer.applied(gone, 7));
  informer.start();
  REQUIRE(informer.wait_for_sync(5s));
  CHECK_FALSE(informer.applied(gone, 7));
}

TEST_CASE("an object whose owner and label change is found under the new ones only") {
  auto listed = config_map("a", "5");
  listed["metadata"]["ownerReferences"] = {{{"uid", "owner-1"}}};
  listed["metadata"]["labels"] = {{"tier", "front"}};
  auto moved = config_map("a", "6");
  moved["metadata"]["ownerReferences"] = {{{"uid", "owner-2"}}};
  moved["metadata"]["labels"] = {{"tier", "back"}};
  auto api = fake_client(json::array({listed, config_map("b", "5")}),
                         {{{"type", "MODIFIED"}, {"object", moved}}});
  Informer informer(api, client::resources::kConfigMap, "demo");
  informer.index_label("tier");
  informer.start();
  REQUIRE(within_5s(
      [&] { return informer.owned_keys("owner-2") == std::vector<std::string>{"demo/a"}; }));
  CHECK(informer.owned_keys("owner-1").empty());
  CHECK(informer.labelled("demo", "tier", "front").empty());
  const auto back = informer.labelled("demo", "tier", "back");
  REQUIRE(back.size() == 1);
  CHECK(back[0]["metadata"]["resourceVersion"] == "6");
}

TEST_CASE("a deleted object leaves no index entry behind") {
  auto listed = config_map("a", "5");
  listed["metadata"]["ownerReferences"] = {{{"uid", "owner-1"}}};
  listed["metadata"]["labels"] = {{"tier", "front"}};
  auto api = fake_client(json::array({listed}), {{{"type", "DELETED"}, {"object", listed}}});
  Informer informer(api, client::resources::kConfigMap, "demo");
  informer.index_label("tier");
  informer.start();
  REQUIRE(informer.wait_for_sync(5s));
  REQUIRE(within_5s([&] { return !informer.get("demo", "a"); }));
  CHECK(informer.owned_keys("owner-1").empty());
  CHECK(informer.labelled("demo", "tier", "front").empty());
}

TEST_CASE("list of a namespace holds its objects only, not those of a namespace it prefixes") {
  auto in = [](const std::string& ns) {
    auto object = config_map("a", "5");
    object["metadata"]["namespace"] = ns;
    return object;
  };
  auto api = fake_client(json::array({in("dem"), in("demo"), in("demo-a"), in("demo0")}));
  Informer informer(api, client::resources::kConfigMap);
  informer.start();
  REQUIRE(informer.wait_for_sync(5s));
  const auto listed = informer.list("demo");
  REQUIRE(listed.size() == 1);
  CHECK(listed[0]["metadata"]["namespace"] == "demo");
  CHECK(informer.list().size() == 4);
}

TEST_CASE("an informer with a label selector lists and watches with it") {
  auto transport = std::make_unique<kapp::test::FakeListWatch>(json::array({config_map("a", "5")}),
                                                               std::vector<json>{});
  const auto* api = transport.get();
  client::Client fake(client::RestConfig{.server = "https://fake.invalid"}, std::move(transport));
  Informer informer(fake, client::resources::kConfigMap, "demo");
  informer.set_label_selector("kubectl-app.io/application");
  informer.start();
  REQUIRE(informer.wait_for_sync(5s));
  REQUIRE(within_5s([&] { return api->paths().size() >= 2; }));  // the list, then the watch
  for (const auto& path : api->paths()) {
    INFO(path);
    CHECK_THAT(path, Catch::Contains("labelSelector=kubectl-app.io%2Fapplication"));
  }
}

TEST_CASE("a name another owner created but the cache has not seen is taken") {
  auto api = fake_client(json::array());
  Informer informer(api, client::resources::kConfigMap, "demo");
  REQUIRE(informer.claim_create("demo", "a", "owner-1") == Informer::Claim::Claimed);
  informer.end_claim("demo", "a", "owner-1", true);
  CHECK(informer.claim_create("demo", "a", "owner-2") == Informer::Claim::Taken);
  CHECK(informer.claim_create("demo", "a", "owner-1") == Informer::Claim::Claimed);  // its own
  CHECK(informer.claim_create("demo", "b", "owner-2") == Informer::Claim::Claimed);
}

TEST_CASE("a create that failed frees the name for another owner") {
  auto api = fake_client(json::array());
  Informer informer(api, client::resources::kConfigMap, "demo");
  REQUIRE(informer.claim_create("demo", "a", "owner-1") == Informer::Claim::Claimed);
  informer.end_claim("demo", "a", "owner-1", false);
  CHECK(informer.claim_create("demo", "a", "owner-2") == Informer::Claim::Claimed);
}

TEST_CASE("a claim waits for another owner's create in flight, and takes the name it freed") {
  auto api = fake_client(json::array());
  Informer informer(api, client::resources::kConfigMap, "demo");
  REQUIRE(informer.claim_create("demo", "a", "owner-1") == Informer::Claim::Claimed);
  // Without the wait, the name would be answered Taken while owner-1's create is in flight.
  auto second =
      std::async(std::launch::async, [&] { return informer.claim_create("demo", "a", "owner-2"); });
  REQUIRE(within_5s([&] { return informer.claims_waiting() == 1; }));
  informer.end_claim("demo", "a", "owner-1", false);  // its create failed
  CHECK(second.get() == Informer::Claim::Claimed);
}

TEST_CASE("a claim is ended only by its owner") {
  auto api = fake_client(json::array());
  Informer informer(api, client::resources::kConfigMap, "demo");
  REQUIRE(informer.claim_create("demo", "a", "owner-1") == Informer::Claim::Claimed);
  informer.end_claim("demo", "a", "owner-2", false);  // not owner-2's to free
  informer.end_claim("demo", "a", "owner-1", true);
  CHECK(informer.claim_create("demo", "a", "owner-3") == Informer::Claim::Taken);
}

TEST_CASE("a cached object is not claimed: the caller reads it") {
  auto api = fake_client(json::array({config_map("a", "5")}));
  Informer informer(api, client::resources::kConfigMap, "demo");
  informer.start();
  REQUIRE(informer.wait_for_sync(5s));
  CHECK(informer.claim_create("demo", "a", "owner-1") == Informer::Claim::Cached);
}

TEST_CASE("a created claim ends once its object is cached and then deleted") {
  kapp::test::HeldListWatch fake(json::array(),
                                 {{{"type", "ADDED"}, {"object", config_map("a", "11")}},
                                  {{"type", "DELETED"}, {"object", config_map("a", "12")}}});
  Informer informer(fake.client, client::resources::kConfigMap, "demo");
  std::atomic<int> deletions{0};
  informer.add_handler({nullptr, nullptr, [&](const json&) { ++deletions; }});
  informer.start();
  REQUIRE(informer.wait_for_sync(5s));  // listed before the claim: the list cannot end it
  REQUIRE(informer.claim_create("demo", "a", "owner-1") == Informer::Claim::Claimed);
  informer.end_claim("demo", "a", "owner-1", true);
  CHECK(informer.claim_create("demo", "a", "owner-2") == Informer::Claim::Taken);
  fake.api->release();
  REQUIRE(within_5s([&] { return deletions == 1; }));
  CHECK(informer.claim_create("demo", "a", "owner-2") == Informer::Claim::Claimed);
}

TEST_CASE("an update that changes only what the cache does not keep reaches no handler") {
  auto edited = config_map("a", "12");
  edited["data"]["k"] = "edited";
  // rv 11: only its resourceVersion and managedFields (which the client leaves out) differ
  // from the listed object (list items get their kind, as watched objects come with theirs).
  auto same = config_map("a", "11");
  same["metadata"]["managedFields"][0]["manager"] = "someone-else";
  same["apiVersion"] = "v1";
  same["kind"] = "ConfigMap";
  auto api = fake_client(
      json::array({config_map("a", "5")}),
      {{{"type", "MODIFIED"}, {"object", same}}, {{"type", "MODIFIED"}, {"object", edited}}});
  Informer informer(api, client::resources::kConfigMap, "demo");
  informer.set_transform(kapp::engine::strip_bookkeeping);
  std::mutex mutex;
  std::vector<std::string> updates;  // the new object's resourceVersion of each update
  informer.add_handler({nullptr,
                        [&](const json&, const json& now) {
                          std::lock_guard lock(mutex);
                          updates.push_back(now["metadata"]["resourceVersion"]);
                        },
                        nullptr});
  informer.start();
  REQUIRE(within_5s([&] {
    std::lock_guard lock(mutex);
    return !updates.empty() && updates.back() == "12";
  }));
  CHECK(updates == std::vector<std::string>{"12"});
  // The cache holds the latest version all the same.
  CHECK(informer.get("demo", "a").value()["metadata"]["resourceVersion"] == "12");
}

TEST_CASE("a claim waiting for another owner's create finds the object once the watch shows it") {
  kapp::test::HeldListWatch fake(json::array(),
                                 {{{"type", "ADDED"}, {"object", config_map("a", "11")}}});
  Informer informer(fake.client, client::resources::kConfigMap, "demo");
  informer.start();
  REQUIRE(informer.wait_for_sync(5s));
  REQUIRE(informer.claim_create("demo", "a", "owner-1") == Informer::Claim::Claimed);
  auto second =
      std::async(std::launch::async, [&] { return informer.claim_create("demo", "a", "owner-2"); });
  REQUIRE(within_5s([&] { return informer.claims_waiting() == 1; }));
  fake.api->release();  // owner-1's object comes before its create's answer
  CHECK(second.get() == Informer::Claim::Cached);
  informer.end_claim("demo", "a", "owner-1", true);
}
