#include <catch2/catch.hpp>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "core/engine/work_queue.h"

using kapp::engine::RateLimits;
using kapp::engine::WorkQueue;
using namespace std::chrono_literals;

TEST_CASE("repeated adds of a pending key merge into one item") {
  WorkQueue queue;
  for (int i = 0; i < 1000; ++i) queue.add("demo/shop");
  queue.add("demo/cart");
  CHECK(queue.depth() == 2);
  CHECK(queue.get()->key == "demo/shop");
  CHECK(queue.get()->key == "demo/cart");
}

TEST_CASE("a key re-added while processed waits until done, so no two workers share it") {
  WorkQueue queue;
  queue.add("k");
  const auto item = queue.get();
  queue.add("k");
  CHECK(queue.depth() == 0);  // not handed out while a worker holds it
  queue.done(item->key);
  CHECK(queue.depth() == 1);
  CHECK(queue.get()->key == "k");
}

TEST_CASE("add_after delivers the key once its delay has passed") {
  WorkQueue queue;
  const auto start = std::chrono::steady_clock::now();
  queue.add_after("later", 50ms);
  const auto item = queue.get();
  CHECK(item->key == "later");
  CHECK(std::chrono::steady_clock::now() - start >= 50ms);
}

TEST_CASE("an earlier add_after of a waiting key wins") {
  WorkQueue queue;
  queue.add_after("k", 10s);
  queue.add_after("k", 10ms);
  const auto start = std::chrono::steady_clock::now();
  CHECK(queue.get()->key == "k");
  CHECK(std::chrono::steady_clock::now() - start < 5s);
}

TEST_CASE("failures back off exponentially per key and forget resets them") {
  WorkQueue queue(RateLimits{.base = 1ms, .cap = 1s, .qps = 0, .burst = 0});
  for (int i = 0; i < 4; ++i) queue.add_rate_limited("bad");
  CHECK(queue.failures("bad") == 4);
  CHECK(queue.failures("good") == 0);
  queue.forget("bad");
  CHECK(queue.failures("bad") == 0);
}

TEST_CASE("the back-off delay doubles until the cap") {
  WorkQueue queue(RateLimits{.base = 20ms, .cap = 80ms, .qps = 0, .burst = 0});
  std::vector<double> waits;
  for (int i = 0; i < 4; ++i) {
    const auto start = std::chrono::steady_clock::now();
    queue.add_rate_limited("k");
    const auto item = queue.get();
    queue.done(item->key);
    waits.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
            .count());
  }
  CHECK(waits[0] >= 20);
  CHECK(waits[1] >= 40);
  CHECK(waits[2] >= 80);
  CHECK(waits[3] >= 80);
  CHECK(waits[3] < 160);  // capped, not 160ms
}

TEST_CASE("shut_down wakes blocked workers with no item") {
  WorkQueue queue;
  std::atomic<bool> returned{false};
  std::thread worker([&] {
    CHECK_FALSE(queue.get().has_value());
    returned = true;
  });
  queue.shut_down();
  worker.join();
  CHECK(returned);
}

TEST_CASE("workers waiting on timers survive each other taking the earliest one") {
  // Several workers sleep until the same earliest deadline; whichever wakes first takes the
  // key, and the others must not read the entry it removed (ASan checks this).
  WorkQueue queue;
  constexpr int kKeys = 200;
  std::atomic<int> handled{0};
  std::vector<std::thread> workers;
  for (int w = 0; w < 4; ++w) {
    workers.emplace_back([&] {
      while (auto item = queue.get()) {
        ++handled;
        queue.done(item->key);
      }
    });
  }
  for (int i = 0; i < kKeys; ++i)
    queue.add_after("k" + std::to_string(i), std::chrono::milliseconds(1 + i % 5));
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (handled < kKeys && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  queue.shut_down();
  for (auto& w : workers) w.join();
  CHECK(handled == kKeys);
}
