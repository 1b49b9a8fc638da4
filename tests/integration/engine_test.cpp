// The reconcile engine against the real API server: informers, the work queue, controllers.
#include <catch2/catch.hpp>

#include <mutex>
#include <set>

#include "core/engine/controller.h"
#include "core/engine/events.h"
#include "core/engine/finalizers.h"
#include "core/engine/informer.h"
#include "core/engine/object.h"
#include "core/errors.h"
#include "tests/support/cluster.h"
#include "tests/support/objects.h"

using namespace kapp::test;
using namespace std::chrono_literals;
using kapp::client::resources::kConfigMap;
using kapp::engine::Controller;
using kapp::engine::Informer;
using kapp::engine::Request;
using kapp::engine::Result;
using nlohmann::json;

namespace {

// Records what a reconciler saw: the key, and the object's value in the cache at that time.
struct Recorder {
  std::mutex mutex;
  std::vector<std::pair<std::string, std::string>> calls;  // key, data.key ("<gone>" if deleted)
  void add(const std::string& key, const std::string& value) {
    std::lock_guard lock(mutex);
    calls.emplace_back(key, value);
  }
  std::vector<std::pair<std::string, std::string>> snapshot() {
    std::lock_guard lock(mutex);
    return calls;
  }
  bool saw(const std::string& key, const std::string& value) {
    for (const auto& c : snapshot()) {
      if (c.first == key && c.second == value) return true;
    }
    return false;
  }
};

Result record_from_cache(Informer& informer, Recorder& recorder, const Request& request) {
  const auto object = informer.get(request.namespace_name, request.name);
  recorder.add(request.key(), object ? (*object)["data"].value("key", "") : "<gone>");
  return Result::done();
}

}  // namespace

TEST_CASE("a controller reconciles creates, updates and deletes of its objects") {
  TestNamespace ns;
  Informer informer(admin(), kConfigMap, ns.name());
  Recorder recorder;
  Controller controller("test",
                        [&](const Request& r) { return record_from_cache(informer, recorder, r); });
  controller.watch_primary(informer);
  informer.start();
  REQUIRE(informer.wait_for_sync(10s));
  controller.start();

  const auto key = ns.name() + "/watched";
  admin().create(kConfigMap, ns.name(), config_map(ns.name(), "watched", "one"));
  CHECK(eventually([&] { return recorder.saw(key, "one"); }));
  admin().merge_patch(kConfigMap, ns.name(), "watched", {{"data", {{"key", "two"}}}});
  CHECK(eventually([&] { return recorder.saw(key, "two"); }));
  admin().remove(kConfigMap, ns.name(), "watched");
  CHECK(eventually([&] { return recorder.saw(key, "<gone>"); }));
}

TEST_CASE("an informer keeps up when the server keeps closing its watch") {
  TestNamespace ns;
  Informer informer(admin(), kConfigMap, ns.name());
  informer.set_watch_timeout_seconds(1);
  informer.start();
  REQUIRE(informer.wait_for_sync(10s));
  for (int i = 0; i < 3; ++i) {
    // Wait for the server to end the current stream and the informer to open the next one.
    const auto watches = informer.watches();
    REQUIRE(eventually([&] { return informer.watches() > watches; }, 10s));
    admin().create(kConfigMap, ns.name(), config_map(ns.name(), "cm-" + std::to_string(i)));
    CHECK(
        eventually([&] { return informer.get(ns.name(), "cm-" + std::to_string(i)).has_value(); }));
  }
  CHECK(informer.lists() == 1);  // every stream resumed from its resourceVersion: no re-list
  admin().remove(kConfigMap, ns.name(), "cm-0");
  CHECK(eventually([&] { return !informer.get(ns.name(), "cm-0").has_value(); }));
}

TEST_CASE("a burst of 1000 events for one key is reconciled a handful of times") {
  TestNamespace ns;
  Informer informer(admin(), kConfigMap, ns.name());
  Recorder recorder;
  std::atomic<int> reconciles{0};
  Controller controller(
      "burst",
      [&](const Request& r) {
        // Only the hot key: kube-controller-manager adds kube-root-ca.crt to every new
        // namespace, sooner or later depending on the machine's load.
        if (r.name == "hot") ++reconciles;
        return record_from_cache(informer, recorder, r);
      },
      1);
  admin().create(kConfigMap, ns.name(), config_map(ns.name(), "hot", "0"));
  informer.start();
  REQUIRE(informer.wait_for_sync(10s));
  // Queue 1000 events for the key while the controller is not yet running: they must merge.
  for (int i = 0; i < 1000; ++i) controller.enqueue({ns.name(), "hot"});
  controller.watch_primary(informer);
  controller.start();
  REQUIRE(eventually(
      [&] { return recorder.saw(ns.name() + "/hot", "0") && controller.queue().depth() == 0; }));
  const int initial = reconciles.load();
  INFO("reconciles of the 1000 queued adds and the cache's replay: " << initial);
  CHECK(initial <= 2);
  for (int i = 1; i <= 50; ++i) {
    admin().merge_patch(kConfigMap, ns.name(), "hot", {{"data", {{"key", std::to_string(i)}}}});
  }
  CHECK(eventually([&] { return recorder.saw(ns.name() + "/hot", "50"); }));
  INFO("reconciles of the 50 updates: " << reconciles.load() - initial);
  CHECK(reconciles.load() - initial <= 50);  // updates merge too, and never multiply
  CHECK(controller.queue().depth() == 0);
}

TEST_CASE("a failing reconcile is retried with growing back-off, and success resets it") {
  TestNamespace ns;
  std::mutex mutex;
  std::vector<std::chrono::steady_clock::time_point> attempts;
  Controller controller("flaky",
                        [&](const Request&) -> Result {
                          std::lock_guard lock(mutex);
                          attempts.push_back(std::chrono::steady_clock::now());
                          if (attempts.size() < 6) throw kapp::Error("not yet");
                          return Result::done();
                        },
                        1, {.base = 20ms, .cap = 10s, .qps = 0, .burst = 0});
  controller.start();
  controller.enqueue({ns.name(), "x"});
  REQUIRE(eventually(
      [&] {
        std::lock_guard lock(mutex);
        return attempts.size() >= 6;
      },
      10s));
  std::lock_guard lock(mutex);
  // Delays 20, 40, 80, 160, 320 ms: each gap at least the back-off, and growing.
  for (std::size_t i = 1; i < attempts.size(); ++i) {
    const auto gap = attempts[i] - attempts[i - 1];
    CHECK(gap >= 20ms * (1 << (i - 1)));
  }
  CHECK(controller.queue().failures(ns.name() + "/x") == 0);
}

TEST_CASE("an informer started again reports the deletions it missed while stopped") {
  TestNamespace ns;
  Informer informer(admin(), kConfigMap, ns.name());
  std::mutex mutex;
  std::set<std::string> deleted;
  informer.add_handler({nullptr, nullptr, [&](const json& o) {
                          std::lock_guard lock(mutex);
                          deleted.insert(kapp::engine::name_of(o));
                        }});
  admin().create(kConfigMap, ns.name(), config_map(ns.name(), "doomed"));
  informer.start();
  REQUIRE(informer.wait_for_sync(10s));
  REQUIRE(informer.get(ns.name(), "doomed"));
  informer.stop();
  admin().remove(kConfigMap, ns.name(), "doomed");
  informer.start();  // a fresh list: the object is gone from it
  CHECK(eventually([&] {
    std::lock_guard lock(mutex);
    return deleted.count("doomed") == 1;
  }));
  CHECK_FALSE(informer.get(ns.name(), "doomed"));
}

TEST_CASE("the informer indexes objects by namespace and by label") {
  TestNamespace ns;
  TestNamespace other;
  Informer informer(admin(), kConfigMap);
  informer.index_label("tier");
  auto labelled = [](json object, const std::string& tier) {
    object["metadata"]["labels"] = {{"tier", tier}};
    return object;
  };
  admin().create(kConfigMap, ns.name(), labelled(config_map(ns.name(), "web"), "front"));
  admin().create(kConfigMap, ns.name(), labelled(config_map(ns.name(), "db"), "back"));
  admin().create(kConfigMap, other.name(), labelled(config_map(other.name(), "web"), "front"));
  informer.start();
  REQUIRE(informer.wait_for_sync(10s));

  CHECK(informer.list(ns.name()).size() >= 2);  // and the namespace's own root CA config map
  for (const auto& object : informer.list(ns.name()))
    CHECK(object["metadata"]["namespace"] == ns.name());
  CHECK(informer.labelled(ns.name(), "tier", "front").size() == 1);
  CHECK(informer.labelled("", "tier", "front").size() == 2);
  // A relabelled object moves in the index as the watch reports it.
  admin().merge_patch(kConfigMap, ns.name(), "db",
                      {{"metadata", {{"labels", {{"tier", "front"}}}}}});
  CHECK(eventually([&] { return informer.labelled(ns.name(), "tier", "front").size() == 2; }));
  CHECK(informer.labelled(ns.name(), "tier", "back").empty());
}

TEST_CASE("a finalizer is added once, holds the deletion, and releases it when removed") {
  using namespace kapp::engine;
  TestNamespace ns;
  const auto created = admin().create(kConfigMap, ns.name(), config_map(ns.name(), "held"));
  const auto held = add_finalizer(admin(), kConfigMap, created, "kubectl-app.io/test");
  CHECK(has_finalizer(held, "kubectl-app.io/test"));
  // Already there: no write, the same resourceVersion.
  CHECK(add_finalizer(admin(), kConfigMap, held,
                      "kubectl-app.io/test")["metadata"]["resourceVersion"] ==
        held["metadata"]["resourceVersion"]);

  admin().remove(kConfigMap, ns.name(), "held");
  const auto deleting = admin().get(kConfigMap, ns.name(), "held");
  CHECK(being_deleted(deleting));
  remove_finalizer(admin(), kConfigMap, deleting, "kubectl-app.io/test");
  CHECK(eventually([&] { return !admin().get_if_exists(kConfigMap, ns.name(), "held"); }));
}

TEST_CASE("a finalizer write from a stale copy is a conflict, not a lost update") {
  using namespace kapp::engine;
  TestNamespace ns;
  const auto stale = admin().create(kConfigMap, ns.name(), config_map(ns.name(), "raced"));
  admin().merge_patch(kConfigMap, ns.name(), "raced", {{"data", {{"key", "changed"}}}});
  try {
    add_finalizer(admin(), kConfigMap, stale, "kubectl-app.io/test");
    FAIL("a write from a stale copy went through");
  } catch (const kapp::ApiError& e) {
    CHECK(e.code() == 409);
  }
}

namespace {

constexpr auto kEventsFlush = std::chrono::seconds(30);

std::vector<json> events_about(const std::string& ns, const std::string& name) {
  std::vector<json> out;
  const auto events = admin().list(kapp::client::resources::kEvent, ns);
  for (const auto& e : events["items"])
    if (e["involvedObject"].value("name", "") == name) out.push_back(e);
  return out;
}

}  // namespace

TEST_CASE("an event recurring within its window is written once") {
  TestNamespace ns;
  const auto object = admin().create(kConfigMap, ns.name(), config_map(ns.name(), "noisy"));
  kapp::engine::EventRecorder recorder(admin(), "test");
  for (int i = 0; i < 10; ++i) recorder.record(object, "Warning", "Broken", "still broken");
  REQUIRE(recorder.flush(kEventsFlush));
  const auto events = events_about(ns.name(), "noisy");
  REQUIRE(events.size() == 1);
  CHECK(events[0]["count"] == 1);
  CHECK(events[0]["reason"] == "Broken");
  CHECK(events[0]["source"]["component"] == "test");
}

TEST_CASE("an event recurring after its window counts up on the same Event") {
  TestNamespace ns;
  const auto object = admin().create(kConfigMap, ns.name(), config_map(ns.name(), "flappy"));
  kapp::engine::EventRecorder recorder(admin(), "test", {.window = std::chrono::seconds(0)});
  for (int i = 0; i < 3; ++i) recorder.record(object, "Warning", "Broken", "broken again");
  REQUIRE(recorder.flush(kEventsFlush));
  const auto events = events_about(ns.name(), "flappy");
  REQUIRE(events.size() == 1);
  CHECK(events[0]["count"] == 3);
}

TEST_CASE("an object emitting too many events is rate limited") {
  TestNamespace ns;
  const auto object = admin().create(kConfigMap, ns.name(), config_map(ns.name(), "storm"));
  const auto other = admin().create(kConfigMap, ns.name(), config_map(ns.name(), "calm"));
  kapp::engine::EventRecorder recorder(admin(), "test",
                                       {.burst = 3, .refill = std::chrono::hours(1)});
  for (int i = 0; i < 6; ++i)
    recorder.record(object, "Warning", "Reason" + std::to_string(i), "message");
  recorder.record(other, "Normal", "Fine", "its own bucket");
  REQUIRE(recorder.flush(kEventsFlush));
  CHECK(events_about(ns.name(), "storm").size() == 3);
  CHECK(events_about(ns.name(), "calm").size() == 1);
}
