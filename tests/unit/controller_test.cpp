#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <stdexcept>
#include <string>
#include <thread>

#include "core/engine/controller.h"
#include "core/engine/metrics.h"
#include "tests/support/metrics_text.h"

using kapp::engine::Controller;
using kapp::engine::Request;
using kapp::engine::Result;
using namespace std::chrono_literals;

namespace {

// Polls `condition` until it holds or 5 s pass.
bool eventually(const std::function<bool()>& condition) {
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(1ms);
  }
  return condition();
}

double skipped(const std::string& controller) {
  return kapp::test::sum_series(kapp::engine::Metrics::global().render(),
                                "kapp_controller_resync_skipped_total",
                                "controller=\"" + controller + "\"");
}

const Request kShop{"demo", "shop"};

}  // namespace

TEST_CASE("a settled key's periodic passes are skipped until an event concerns it") {
  std::atomic<int> passes{0};
  Controller controller("settles", [&](const Request&) {
    ++passes;
    return Result::settled_after(5ms);
  });
  controller.start();
  controller.enqueue(kShop);
  REQUIRE(eventually([&] { return skipped("settles") >= 3; }));
  CHECK(passes == 1);
  controller.enqueue(kShop);  // an event
  CHECK(eventually([&] { return passes == 2; }));
}

TEST_CASE("a key that does not settle is reconciled every period") {
  std::atomic<int> passes{0};
  Controller controller("unsettled", [&](const Request&) {
    ++passes;
    return Result::after(5ms);
  });
  controller.start();
  controller.enqueue(kShop);
  CHECK(eventually([&] { return passes >= 3; }));
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
  CHECK(eventually([&] { return passes == 2; }));
}

TEST_CASE("a failed pass does not settle: the key is retried, then settles") {
  std::atomic<int> passes{0};
  Controller controller("fails-once", [&](const Request&) {
    if (++passes == 1) throw std::runtime_error("the API server is away");
    return Result::settled_after(5ms);
  });
  controller.start();
  controller.enqueue(kShop);
  REQUIRE(eventually([&] { return skipped("fails-once") >= 1; }));
  CHECK(passes == 2);
}
