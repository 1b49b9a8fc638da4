// How flips, deliveries and failures change a CoinFlip's status: pure, no server.
#include <catch2/catch.hpp>

#include "core/controllers/coinflip/coin.h"
#include "core/controllers/coinflip/state.h"

using kapp::controllers::coinflip::Clock;
using kapp::controllers::coinflip::delivered;
using kapp::controllers::coinflip::failed;
using kapp::controllers::coinflip::finished;
using kapp::controllers::coinflip::flip;
using kapp::controllers::coinflip::format_time;
using kapp::controllers::coinflip::kMaxPending;
using kapp::controllers::coinflip::letter;
using kapp::controllers::coinflip::Notification;
using kapp::controllers::coinflip::paused;
using kapp::controllers::coinflip::read_state;
using kapp::controllers::coinflip::Spec;
using kapp::controllers::coinflip::State;
using kapp::controllers::coinflip::toss;
using kapp::controllers::coinflip::until_next_flip;
using kapp::controllers::coinflip::write_state;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

const std::string kUid = "uid-1";
const auto kStart = Clock::time_point(std::chrono::seconds(1795000000));

// The smallest seed whose first flips are `prefix` (e.g. "TTTH"): scenarios from the real coin.
std::int64_t seed_starting_with(const std::string& prefix) {
  for (std::int64_t seed = 0;; ++seed) {
    bool match = true;
    for (std::size_t i = 0; i < prefix.size() && match; ++i)
      match = letter(toss(static_cast<std::uint64_t>(seed), static_cast<std::int64_t>(i + 1))) ==
              prefix[i];
    if (match) return seed;
  }
}

Spec spec_with(std::int64_t seed, int threshold = 3) {
  Spec spec;
  spec.interval = 100ms;
  spec.threshold = threshold;
  spec.seed = seed;
  spec.url = "mqtt://127.0.0.1:1883/coinflip/alerts";
  return spec;
}

State flip_times(const Spec& spec, int times, State state = {}) {
  for (int i = 0; i < times; ++i) state = flip(state, spec, kUid, kStart + i * 100ms).state;
  return state;
}

std::vector<std::int64_t> notified_flips(const State& state) {
  std::vector<std::int64_t> flips;
  for (const auto& n : state.queue) flips.push_back(n.flip);
  return flips;
}

}  // namespace

TEST_CASE("three tails in a row record one notification") {
  const auto spec = spec_with(seed_starting_with("TTTH"));
  const auto state = flip_times(spec, 4);
  REQUIRE(state.queue.size() == 1);
  CHECK(state.queue[0].flip == 3);
  CHECK(state.queue[0].streak == 3);
}

TEST_CASE("two tails in a row record nothing") {
  const auto state = flip_times(spec_with(seed_starting_with("TTH")), 3);
  CHECK(state.queue.empty());
}

TEST_CASE("six tails in a row record two notifications") {
  const auto spec = spec_with(seed_starting_with("TTTTTTH"));
  const auto state = flip_times(spec, 7);
  CHECK(notified_flips(state) == std::vector<std::int64_t>{3, 6});
  CHECK(state.queue[1].streak == 6);  // the run so far, not the threshold
}

TEST_CASE("five tails in a row record one notification") {
  const auto state = flip_times(spec_with(seed_starting_with("TTTTTH")), 6);
  CHECK(notified_flips(state) == std::vector<std::int64_t>{3});
}

TEST_CASE("threshold 1 records every tail") {
  const auto spec = spec_with(seed_starting_with("THTT"), 1);
  CHECK(notified_flips(flip_times(spec, 4)) == std::vector<std::int64_t>{1, 3, 4});
}

TEST_CASE("streak is the current run of tails and a head resets it") {
  const auto spec = spec_with(seed_starting_with("TTTTH"));
  CHECK(flip_times(spec, 4).streak == 4);
  CHECK(flip_times(spec, 5).streak == 0);
}

TEST_CASE("flips, heads and tails add up") {
  const auto state = flip_times(spec_with(7), 1000);
  CHECK(state.flips == 1000);
  CHECK(state.heads + state.tails == 1000);
  CHECK(state.heads > 0);
  CHECK(state.tails > 0);
}

TEST_CASE("recent keeps the last 32 flips, oldest first") {
  const auto spec = spec_with(42);
  CHECK(flip_times(spec, 5).recent == "THHHT");
  const auto state = flip_times(spec, 40);
  std::string expected;
  for (int n = 9; n <= 40; ++n) expected += letter(toss(42, n));
  CHECK(state.recent == expected);
}

TEST_CASE("a notification's id is the uid and the flip number, and its time the flip's") {
  const auto state = flip_times(spec_with(seed_starting_with("TTT")), 3);
  REQUIRE(state.queue.size() == 1);
  CHECK(state.queue[0].id == "uid-1-3");
  CHECK(state.queue[0].time == format_time(kStart + 200ms));
  CHECK(state.last_flip_at == state.queue[0].time);
}

TEST_CASE("maxFlips stops the coin") {
  auto spec = spec_with(7);
  spec.max_flips = 10;
  const auto state = flip_times(spec, 25);
  CHECK(state.flips == 10);
  CHECK(finished(state, spec));
  CHECK_FALSE(until_next_flip(state, spec, kStart + 1h).has_value());
}

TEST_CASE("maxFlips 0 never flips") {
  auto spec = spec_with(7);
  spec.max_flips = 0;
  CHECK(flip_times(spec, 3).flips == 0);
}

TEST_CASE("a retried flip records exactly the same notification") {
  // A write that conflicts is retried from the same state: the outcome must not change.
  const auto spec = spec_with(seed_starting_with("TTT"));
  const auto before = flip_times(spec, 2);
  const auto first = flip(before, spec, kUid, kStart + 1s);
  const auto again = flip(before, spec, kUid, kStart + 1s);
  CHECK(first.notification == again.notification);
}

TEST_CASE("a restarted controller continues the same sequence from status") {
  const auto spec = spec_with(7);
  const auto straight = flip_times(spec, 60);
  // Stop after 25 flips, keep only what status holds, carry on elsewhere.
  const auto stored = write_state(flip_times(spec, 25), json::object());
  auto resumed = read_state(stored);
  for (int i = 25; i < 60; ++i) resumed = flip(resumed, spec, kUid, kStart + i * 100ms).state;
  CHECK(resumed == straight);
}

TEST_CASE("a CoinFlip that never flipped flips now") {
  CHECK(until_next_flip({}, spec_with(1), kStart) == 0ms);
}

TEST_CASE("the next flip is due one interval after the last") {
  const auto spec = spec_with(1);
  const auto state = flip(State{}, spec, kUid, kStart).state;
  CHECK(until_next_flip(state, spec, kStart + 30ms) == 70ms);
  CHECK(until_next_flip(state, spec, kStart + 100ms) == 0ms);
  CHECK(until_next_flip(state, spec, kStart + 5s) == 0ms);  // late: flip once, no catching up
}

TEST_CASE("a full outbox pauses the coin until deliveries make room") {
  const auto spec = spec_with(1);
  State state;
  for (std::size_t i = 0; i < kMaxPending; ++i) state.queue.push_back({"id", 1, 3, "t"});
  CHECK(paused(state));
  CHECK(flip(state, spec, kUid, kStart).state == state);
  CHECK_FALSE(until_next_flip(state, spec, kStart).has_value());
  CHECK(until_next_flip(delivered(state, 1, kStart), spec, kStart) == 0ms);
}

TEST_CASE("delivered notifications leave the queue oldest first and are counted") {
  State state;
  state.queue = {{"a", 3, 3, "t"}, {"b", 6, 6, "t"}, {"c", 9, 3, "t"}};
  state.last_error = "broker down";
  const auto after = delivered(state, 2, kStart);
  REQUIRE(after.queue.size() == 1);
  CHECK(after.queue[0].id == "c");
  CHECK(after.sent == 2);
  CHECK(after.last_sent_at == format_time(kStart));
  CHECK(after.last_error.empty());
}

TEST_CASE("a failed delivery keeps the queue and says why") {
  State state;
  state.queue = {{"a", 3, 3, "t"}};
  const auto after = failed(state, "cannot deliver to mqtt://b:1883/t: Couldn't connect to server");
  CHECK(after.queue == state.queue);
  CHECK(after.last_error == "cannot deliver to mqtt://b:1883/t: Couldn't connect to server");
  CHECK(after.sent == 0);
}

TEST_CASE("state survives a round trip through status JSON, pending included") {
  const auto state = flip_times(spec_with(7), 30);
  REQUIRE_FALSE(state.queue.empty());
  const auto status = write_state(state, json::object());
  CHECK(status["notifications"]["pending"] == state.queue.size());
  CHECK(read_state(status) == state);
}

TEST_CASE("writing state keeps the other fields of status") {
  const json status = {{"phase", "Running"}, {"conditions", json::array()}};
  const auto written = write_state(State{}, status);
  CHECK(written["phase"] == "Running");
  CHECK(written.contains("conditions"));
}

TEST_CASE("the message carries coinflip, namespace, flip, streak, time and id") {
  const Notification n{"uid-1-3", 3, 3, "2026-11-23T10:00:00.250Z"};
  CHECK(message(n, "coin", "demo") ==
        R"({"coinflip":"coin","namespace":"demo","flip":3,"streak":3,)"
        R"("time":"2026-11-23T10:00:00.250Z","id":"uid-1-3"})");
}

TEST_CASE("times are RFC 3339 in UTC to the millisecond") {
  CHECK(format_time(Clock::time_point(std::chrono::milliseconds(1795434291007))) ==
        "2026-11-23T11:44:51.007Z");
}
