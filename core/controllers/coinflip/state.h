// The pure heart of a CoinFlip: its counters and its outbox of notifications, and how a flip,
// a delivery and a failed delivery change them. No I/O, no clock: `now` is passed in.
//
// Semantics, as users see them in status:
// - flips are numbered from 1; flip n's side is toss(seed, n) (coin.h), so history is fixed;
// - `streak` is the current run of tails (a head resets it to 0);
// - a notification is recorded whenever the run reaches a multiple of `threshold`: with
//   threshold 3, six tails in a row record two (at the 3rd and the 6th), each with the run so
//   far as its streak; every run of `threshold` consecutive tails yields exactly one;
// - its id is "<uid>-<flip>": stable across retries and restarts, unique across objects (even
//   a deleted and re-created CoinFlip of the same name), so consumers can drop duplicates;
// - once flips reaches maxFlips the coin stops; the outbox is still delivered;
// - while kMaxPending notifications wait (a long broker outage), the coin pauses instead of
//   growing the object without bound: nothing is dropped, flipping resumes once they are sent.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/controllers/coinflip/spec.h"
#include "core/util/time.h"

namespace kapp::controllers::coinflip {

using nlohmann::json;
using util::Clock;

inline constexpr std::size_t kRecentFlips = 32;
inline constexpr std::size_t kMaxPending = 100;

struct Notification {
  std::string id;
  std::int64_t flip = 0;
  std::int64_t streak = 0;
  std::string time;  // RFC 3339
  bool operator==(const Notification&) const = default;
};

struct State {
  std::int64_t flips = 0;
  std::int64_t heads = 0;
  std::int64_t tails = 0;
  std::string recent;  // the last kRecentFlips sides, H or T, oldest first
  std::int64_t streak = 0;
  std::string last_flip_at;  // RFC 3339, "" before the first flip
  std::int64_t sent = 0;
  std::string last_sent_at;
  std::string last_error;
  std::vector<Notification> queue;  // recorded but not yet acknowledged, oldest first
  bool operator==(const State&) const = default;
};

// From / into a CoinFlip's status (only the fields above; phase and conditions are report.h's).
State read_state(const json& status);
// Sets this state's fields in `status` (a copy), leaving other fields as they are.
json write_state(const State& state, json status);

struct FlipResult {
  State state;
  std::optional<Notification> notification;  // also appended to state.queue
};

// Flip number state.flips + 1 of the CoinFlip with `uid`, at `now`; nothing once finished or
// while paused.
FlipResult flip(const State& state, const Spec& spec, const std::string& uid,
                Clock::time_point now);

// maxFlips reached: the coin stops.
bool finished(const State& state, const Spec& spec);
// The outbox is full: the coin waits for deliveries.
bool paused(const State& state);
// How long until the next flip is due (zero: now); nullopt once finished or while paused.
std::optional<std::chrono::milliseconds> until_next_flip(const State& state, const Spec& spec,
                                                         Clock::time_point now);

// The first `count` notifications of the queue were acknowledged at `now`.
State delivered(State state, std::size_t count, Clock::time_point now);
// Delivery failed: the queue stays, the error is kept for users.
State failed(State state, const std::string& error);

// The JSON message sent for a notification: {coinflip, namespace, flip, streak, time, id}.
std::string message(const Notification& notification, const std::string& name,
                    const std::string& ns);

// RFC 3339 in UTC to the millisecond: flips can be 100ms apart.
std::string format_time(Clock::time_point when);

}  // namespace kapp::controllers::coinflip
