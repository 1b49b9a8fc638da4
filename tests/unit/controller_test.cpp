#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "core/client/resource.h"
#include "core/engine/controller.h"
#include "core/engine/informer.h"
#include "core/engine/metrics.h"
#include "tests/support/eventually.h"
#include "tests/support/fake_list_watch.h"
#include "tests/support/metrics_text.h"

using kapp::engine::Controller;
using kapp::engine::Informer;
using kapp::engine::Request;
using kapp::engine::Result;
using namespace std::chrono_literals;

namespace {

// The engine answers within milliseconds: poll often, fail fast.
bool soon(const std::function<bool()>& condition) {
  return kapp::test::eventually(condition, std::chrono::seconds(5), std::chrono::milliseconds(1));
}

double skipped(const std::string& controller) {
  return kapp::test::sum_series(kapp::engine::Metrics::global().render(),
                                "kapp_controller_resync_skipped_total",
                                "controller=\"" + controller + "\"");
}

const Request kShop{"demo", "shop"};

nlohmann::json shop_config_map(const std::string& version, const std::string& phase) {
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata", {{"name", "shop"}, {"namespace", "demo"}, {"resourceVersion", version}}},
          {"status", {{"phase", phase}}}};
}

// An informer of the ConfigMaps of "demo" over a fake API server that lists `items` and
// holds `events` back until `fake.api->release()`.
struct HeldWatch {
  HeldWatch(nlohmann::json items, std::vector<nlohmann::json> events)
      : fake(std::move(items), std::move(events)),
        informer(
            std::make_unique<Informer>(fake.client, kapp::client::resources::kConfigMap, "demo")) {}
  kapp::test::HeldListWatch fake;
  std::unique_ptr<Informer> informer;
};

// Declared after a controller whose watches an informer feeds: stops the informer before the
// controller goes, so no handler calls into a controller being destroyed.
struct StopsFirst {
  Informer& informer;
  ~StopsFirst() { informer.stop(); }
};

}  // namespace

TEST_CASE("a settled key's periodic passes are skipped until an event concerns it") {
  std::atomic<int> passes{0};
  Controller controller("settles", [&](const Request&) {
    ++passes;
    return Result::settled_after(5ms);
  });
  controller.start();
  controller.enqueue(kShop);
  REQUIRE(soon([&] { return skipped("settles") >= 3; }));
  CHECK(passes == 1);
  controller.enqueue(kShop);  // an event
  CHECK(soon([&] { return passes == 2; }));
}

TEST_CASE("a key that does not settle is reconciled every period") {
  std::atomic<int> passes{0};
  Controller controller("unsettled", [&](const Request&) {
    ++passes;
    return Result::after(5ms);
  });
  controller.start();
  controller.enqueue(kShop);
  CHECK(soon([&] { return passes >= 3; }));
  CHECK(skipped("unsettled") == 0);
}

TEST_CASE("an event that comes during a pass keeps the key from settling") {
  std::atomic<int> passes{0};
  Controller* self = nullptr;
  Controller controller("event-in-pass", [&](const Request& request) {
    if (++passes == 1) self->enqueue(request);  // the watch reports a change mid-pass
    return Result::settled_after(1h);
  });
  self = &controller;
  controller.start();
  controller.enqueue(kShop);
  CHECK(soon([&] { return passes == 2; }));
}

TEST_CASE("a failed pass does not settle: the key is retried, then settles") {
  std::atomic<int> passes{0};
  Controller controller("fails-once", [&](const Request&) {
    if (++passes == 1) throw std::runtime_error("the API server is away");
    return Result::settled_after(5ms);
  });
  controller.start();
  controller.enqueue(kShop);
  REQUIRE(soon([&] { return skipped("fails-once") >= 1; }));
  CHECK(passes == 2);
}

TEST_CASE("a pass's own write coming back through the watch is not reconciled again") {
  using nlohmann::json;
  HeldWatch watch(json::array({shop_config_map("5", "Pending")}),
                  {{{"type", "MODIFIED"}, {"object", shop_config_map("6", "Running")}}});
  auto& informer = *watch.informer;
  std::atomic<int> passes{0};
  Controller controller("own-write", [&](const Request&) {
    if (++passes == 1)
      kapp::engine::note_own_write(shop_config_map("6", "Running"));  // its status write
    return Result::settled_after(5ms);
  });
  controller.watch_primary(informer);
  StopsFirst stops_first{informer};
  std::atomic<bool> echoed{false};  // handlers run in order: the controller's has run by then
  informer.add_handler({nullptr, [&](const json&, const json&) { echoed = true; }, nullptr});
  controller.start();
  informer.start();
  REQUIRE(soon([&] { return skipped("own-write") >= 1; }));  // the first pass settled
  watch.fake.api->release();
  REQUIRE(soon([&] { return echoed.load(); }));
  const auto before = skipped("own-write");
  REQUIRE(soon([&] { return skipped("own-write") >= before + 2; }));
  CHECK(passes == 1);
}

TEST_CASE("own writes that both precede their watch events are not reconciled again") {
  using nlohmann::json;
  HeldWatch watch(json::array({shop_config_map("5", "Pending")}),
                  {{{"type", "MODIFIED"}, {"object", shop_config_map("6", "Starting")}},
                   {{"type", "MODIFIED"}, {"object", shop_config_map("7", "Running")}}});
  auto& informer = *watch.informer;
  std::atomic<int> passes{0};
  Controller controller("own-writes", [&](const Request&) {
    if (++passes == 1) {  // as two passes in a row would, before the watch brings either
      kapp::engine::note_own_write(shop_config_map("6", "Starting"));
      kapp::engine::note_own_write(shop_config_map("7", "Running"));
    }
    return Result::settled_after(5ms);
  });
  controller.watch_primary(informer);
  StopsFirst stops_first{informer};
  std::atomic<int> echoes{0};
  informer.add_handler({nullptr, [&](const json&, const json&) { ++echoes; }, nullptr});
  controller.start();
  informer.start();
  REQUIRE(soon([&] { return skipped("own-writes") >= 1; }));
  watch.fake.api->release();
  REQUIRE(soon([&] { return echoes == 2; }));
  const auto before = skipped("own-writes");
  REQUIRE(soon([&] { return skipped("own-writes") >= before + 2; }));
  CHECK(passes == 1);
}

namespace {

// Runs a controller over `watch` whose first pass notes `written` as its own write, releases
// the events once it has, and answers whether a later pass found the object's data edited.
bool second_pass_after_own_write(HeldWatch& watch, const nlohmann::json& written,
                                 const std::string& name) {
  std::atomic<int> passes{0};
  std::atomic<bool> noted{false}, saw_edit{false};
  Controller controller(name, [&](const Request&) {
    if (++passes == 1) {
      kapp::engine::note_own_write(written);
      noted = true;
    } else if (watch.informer->get("demo", "shop").value().contains("data")) {
      saw_edit = true;
    }
    return Result::settled_after(1h);
  });
  controller.watch_primary(*watch.informer);
  StopsFirst stops_first{*watch.informer};
  controller.start();
  watch.informer->start();
  if (!soon([&] { return noted.load(); })) return false;
  watch.fake.api->release();
  return soon([&] { return saw_edit.load(); });
}

}  // namespace

TEST_CASE("an event after a pass's own write is reconciled") {
  using nlohmann::json;
  auto later = shop_config_map("7", "Running");
  later["data"] = {{"edited", "by someone"}};
  HeldWatch watch(json::array({shop_config_map("5", "Pending")}),
                  {{{"type", "MODIFIED"}, {"object", shop_config_map("6", "Running")}},
                   {{"type", "MODIFIED"}, {"object", later}}});
  CHECK(second_pass_after_own_write(watch, shop_config_map("6", "Running"), "after-own-write"));
}

TEST_CASE("an own write's answer that names someone else's change is reconciled") {
  // A status write that changed nothing answers with the object's latest version: here an
  // edit of someone else's, which must not be taken for the write coming back.
  using nlohmann::json;
  auto edited = shop_config_map("7", "Running");
  edited["data"] = {{"edited", "by someone"}};
  HeldWatch watch(json::array({shop_config_map("5", "Running")}),
                  {{{"type", "MODIFIED"}, {"object", edited}}});
  CHECK(second_pass_after_own_write(watch, edited, "no-op-write"));
}

namespace {

nlohmann::json child(const std::string& version) {
  auto object = shop_config_map(version, "");
  object["metadata"]["name"] = "shop-child";
  object.erase("status");
  return object;
}

// Notes `created` from a thread run_side_by_side started for the pass, not from the pass's own.
void note_from_side_task(const nlohmann::json& created) {
  const auto caller = std::this_thread::get_id();
  std::atomic<int> started{0};
  const auto task = [&] {
    ++started;
    soon([&] { return started == 2; });  // both run at once: one is on a thread of its own
    if (std::this_thread::get_id() != caller)
      kapp::engine::note_own_create(kapp::client::resources::kConfigMap, created);
  };
  kapp::engine::run_side_by_side({task, task}, 2);
}

// Runs a controller that maps every ConfigMap of `watch` to kShop and whose first pass notes
// `created` as its own create, from a task run side by side when `from_side_task` (with
// `passes_first` - 1 more passes of the key after it); releases the events then, and answers how
// many passes ran by the time the events were handled and the settled key was looked at twice more.
int passes_after_own_create(HeldWatch& watch, const nlohmann::json& created,
                            const std::string& name, int passes_first = 1,
                            bool from_side_task = false) {
  std::atomic<int> passes{0};
  Controller* self = nullptr;
  Controller controller(name, [&](const Request& request) {
    const int pass = ++passes;
    if (pass == 1 && from_side_task) note_from_side_task(created);
    if (pass == 1 && !from_side_task)
      kapp::engine::note_own_create(kapp::client::resources::kConfigMap, created);
    if (pass < passes_first) self->enqueue(request);
    return Result::settled_after(5ms);
  });
  self = &controller;
  controller.watch_mapped(*watch.informer,
                          [](const nlohmann::json&) { return std::vector<Request>{kShop}; });
  StopsFirst stops_first{*watch.informer};
  std::atomic<bool> echoed{false};  // handlers run in order: the controller's has run by then
  watch.informer->add_handler({[&](const nlohmann::json&) { echoed = true; }, nullptr, nullptr});
  controller.start();
  watch.informer->start();
  controller.enqueue(kShop);
  if (!soon([&] { return skipped(name) >= 1; })) return -1;  // the passes settled
  watch.fake.api->release();
  if (!soon([&] { return echoed.load(); })) return -1;
  const auto before = skipped(name);
  if (!soon([&] { return passes > passes_first || skipped(name) >= before + 2; })) return -1;
  return passes;
}

}  // namespace

TEST_CASE("a pass's own create coming back through the watch is not reconciled again") {
  HeldWatch watch(nlohmann::json::array(), {{{"type", "ADDED"}, {"object", child("6")}}});
  CHECK(passes_after_own_create(watch, child("6"), "own-create") == 1);
}

TEST_CASE("an own create noted by a task run side by side belongs to the pass") {
  HeldWatch watch(nlohmann::json::array(), {{{"type", "ADDED"}, {"object", child("6")}}});
  CHECK(passes_after_own_create(watch, child("6"), "own-create-side", 1, true) == 1);
}

TEST_CASE("an own create changed before the watch showed it is reconciled") {
  HeldWatch watch(nlohmann::json::array(), {{{"type", "ADDED"}, {"object", child("7")}}});
  CHECK(passes_after_own_create(watch, child("6"), "own-create-changed") == 2);
}

TEST_CASE("an own create whose event is another object's is reconciled") {
  auto other = child("6");
  other["metadata"]["name"] = "other";
  HeldWatch watch(nlohmann::json::array(), {{{"type", "ADDED"}, {"object", other}}});
  CHECK(passes_after_own_create(watch, child("6"), "own-create-other") == 2);
}

TEST_CASE("an update the watch's predicate rejects is not reconciled") {
  using nlohmann::json;
  HeldWatch watch(json::array({shop_config_map("5", "Pending")}),
                  {{{"type", "MODIFIED"}, {"object", shop_config_map("6", "Starting")}}});
  std::atomic<int> passes{0};
  Controller controller("predicate", [&](const Request&) {
    ++passes;
    return Result::settled_after(5ms);
  });
  controller.watch_mapped(
      *watch.informer, [](const json&) { return std::vector<Request>{kShop}; },
      [](const json&, const json&) { return false; });
  StopsFirst stops_first{*watch.informer};
  std::atomic<bool> updated{false};  // handlers run in order: the controller's has run by then
  watch.informer->add_handler(
      {nullptr, [&](const json&, const json&) { updated = true; }, nullptr});
  controller.start();
  watch.informer->start();
  REQUIRE(soon([&] { return skipped("predicate") >= 1; }));  // the listed object's pass
  watch.fake.api->release();
  REQUIRE(soon([&] { return updated.load(); }));
  const auto before = skipped("predicate");
  REQUIRE(soon([&] { return skipped("predicate") >= before + 2; }));
  CHECK(passes == 1);
}

TEST_CASE("an own create whose key is reconciled again before its event comes is reconciled") {
  // The later pass judged the key anew (it may no longer want the object): the create's event
  // is no longer what that pass saw.
  HeldWatch watch(nlohmann::json::array(), {{{"type", "ADDED"}, {"object", child("6")}}});
  CHECK(passes_after_own_create(watch, child("6"), "own-create-passed", 2) == 3);
}

TEST_CASE("tasks run side by side each run once") {
  std::vector<std::atomic<int>> runs(10);
  std::vector<std::function<void()>> tasks;
  for (auto& r : runs) tasks.emplace_back([&r] { ++r; });
  kapp::engine::run_side_by_side(tasks, 3);
  for (const auto& r : runs) CHECK(r == 1);
}

TEST_CASE("tasks run side by side are as many at once as the width allows, no more") {
  std::atomic<int> running{0}, most{0};
  const auto task = [&] {
    const int now = ++running;
    for (int seen = most; now > seen && !most.compare_exchange_weak(seen, now);) {
    }
    soon([&] { return most >= 2; });  // until the others could join
    --running;
  };
  kapp::engine::run_side_by_side({task, task, task, task, task, task}, 2);
  CHECK(most == 2);
}

TEST_CASE("a task's exception is rethrown, and no task begins after it") {
  std::atomic<int> ran{0};
  const auto fine = [&] { ++ran; };
  const auto failing = [] { throw std::runtime_error("apply refused"); };
  CHECK_THROWS_WITH(kapp::engine::run_side_by_side({fine, failing, fine, fine}, 1),
                    "apply refused");
  CHECK(ran == 1);
}
