#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <random>
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

TEST_CASE("delayed keys come out in deadline order, not in the order of their names") {
  // Names sort in the reverse order of their deadlines, and the adds are shuffled.
  WorkQueue queue;
  constexpr int kKeys = 40;
  std::vector<int> order(kKeys);
  for (int i = 0; i < kKeys; ++i) order[i] = i;
  std::mt19937 rng(42);
  std::shuffle(order.begin(), order.end(), rng);
  const auto start = std::chrono::steady_clock::now();
  for (int i : order) {
    // Deadlines 10 ms apart from 100 ms on, measured from one start so the adds' own time does
    // not matter (a deadline passed before its add would skip the timers);
    // 2 ms apart, a loaded machine's pause between now() here and the queue's swapped two.
    const auto due = start + std::chrono::milliseconds(100 + 10 * i);
    queue.add_after("k" + std::to_string(1000 - i),
                    std::chrono::duration_cast<std::chrono::milliseconds>(
                        due - std::chrono::steady_clock::now()));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(130 + 10 * kKeys));  // all due
  std::vector<std::string> got;
  for (int i = 0; i < kKeys; ++i) {
    const auto item = queue.get();
    got.push_back(item->key);
    queue.done(item->key);
  }
  std::vector<std::string> expected;
  for (int i = 0; i < kKeys; ++i) expected.push_back("k" + std::to_string(1000 - i));
  CHECK(got == expected);
  CHECK(queue.depth() == 0);
}

TEST_CASE("a key re-added with an earlier deadline moves ahead of keys due before its first") {
  WorkQueue queue;
  queue.add_after("a", 150ms);
  queue.add_after("b", 400ms);
  queue.add_after("b", 20ms);   // now due before a
  queue.add_after("b", 300ms);  // a later deadline neither postpones it nor adds a timer
  const auto start = std::chrono::steady_clock::now();
  CHECK(queue.get()->key == "b");
  CHECK(std::chrono::steady_clock::now() - start < 140ms);
  queue.done("b");
  CHECK(queue.get()->key == "a");
  queue.done("a");
  // Had b's superseded deadlines (300, 400 ms) left timers behind, b would come again first.
  queue.add_after("c", 600ms);
  CHECK(queue.get()->key == "c");
  queue.done("c");
  CHECK(queue.depth() == 0);
}
