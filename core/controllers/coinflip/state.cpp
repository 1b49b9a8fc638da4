#include "core/controllers/coinflip/state.h"

#include <algorithm>

#include "core/controllers/coinflip/coin.h"

namespace kapp::controllers::coinflip {
namespace {

std::int64_t int_of(const json& object, const char* field) {
  const auto it = object.find(field);
  return it != object.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}

std::string string_of(const json& object, const char* field) {
  const auto it = object.find(field);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

const json& object_of(const json& parent, const char* field) {
  static const json empty = json::object();
  const auto it = parent.find(field);
  return it != parent.end() && it->is_object() ? *it : empty;
}

Notification read_notification(const json& item) {
  return {string_of(item, "id"), int_of(item, "flip"), int_of(item, "streak"),
          string_of(item, "time")};
}

}  // namespace

State read_state(const json& status) {
  if (!status.is_object()) return {};
  State state{.flips = int_of(status, "flips"),
              .heads = int_of(status, "heads"),
              .tails = int_of(status, "tails"),
              .recent = string_of(status, "recent"),
              .streak = int_of(status, "streak"),
              .last_flip_at = string_of(status, "lastFlipAt")};
  const auto& notifications = object_of(status, "notifications");
  state.sent = int_of(notifications, "sent");
  state.last_sent_at = string_of(notifications, "lastSentAt");
  state.last_error = string_of(notifications, "lastError");
  const auto queue = notifications.find("queue");
  if (queue != notifications.end() && queue->is_array()) {
    for (const auto& item : *queue) state.queue.push_back(read_notification(item));
  }
  return state;
}

json write_state(const State& state, json status) {
  if (!status.is_object()) status = json::object();
  status["flips"] = state.flips;
  status["heads"] = state.heads;
  status["tails"] = state.tails;
  status["recent"] = state.recent;
  status["streak"] = state.streak;
  if (!state.last_flip_at.empty()) status["lastFlipAt"] = state.last_flip_at;
  json queue = json::array();
  for (const auto& n : state.queue)
    queue.push_back({{"id", n.id}, {"flip", n.flip}, {"streak", n.streak}, {"time", n.time}});
  json notifications = {{"sent", state.sent},
                        {"pending", static_cast<std::int64_t>(state.queue.size())},
                        {"lastError", state.last_error},
                        {"queue", std::move(queue)}};
  if (!state.last_sent_at.empty()) notifications["lastSentAt"] = state.last_sent_at;
  status["notifications"] = std::move(notifications);
  return status;
}

FlipResult flip(const State& state, const Spec& spec, const std::string& uid,
                Clock::time_point now) {
  FlipResult result{state, std::nullopt};
  if (finished(state, spec) || paused(state)) return result;
  auto& next = result.state;
  next.flips = state.flips + 1;
  const auto side = toss(seed_for(spec.seed, uid), next.flips);
  if (side == Side::Heads) {
    ++next.heads;
    next.streak = 0;
  } else {
    ++next.tails;
    ++next.streak;
  }
  next.recent.push_back(letter(side));
  if (next.recent.size() > kRecentFlips) next.recent.erase(0, next.recent.size() - kRecentFlips);
  next.last_flip_at = format_time(now);
  if (side == Side::Tails && next.streak % spec.threshold == 0) {
    result.notification = Notification{uid + "-" + std::to_string(next.flips), next.flips,
                                       next.streak, next.last_flip_at};
    next.queue.push_back(*result.notification);
  }
  return result;
}

bool finished(const State& state, const Spec& spec) {
  return spec.max_flips && state.flips >= *spec.max_flips;
}

bool paused(const State& state) { return state.queue.size() >= kMaxPending; }

std::optional<std::chrono::milliseconds> until_next_flip(const State& state, const Spec& spec,
                                                         Clock::time_point now) {
  if (finished(state, spec) || paused(state)) return std::nullopt;
  const auto last = util::parse_rfc3339(state.last_flip_at);
  if (!last) return std::chrono::milliseconds(0);  // never flipped (or garbage): flip now
  const auto due = *last + spec.interval;
  if (due <= now) return std::chrono::milliseconds(0);
  // Rounded up, so the timer never fires a hair early and finds nothing to do.
  return std::chrono::ceil<std::chrono::milliseconds>(due - now);
}

State delivered(State state, std::size_t count, Clock::time_point now) {
  count = std::min(count, state.queue.size());
  if (count == 0) return state;
  state.queue.erase(state.queue.begin(), state.queue.begin() + static_cast<std::ptrdiff_t>(count));
  state.sent += static_cast<std::int64_t>(count);
  state.last_sent_at = format_time(now);
  state.last_error.clear();
  return state;
}

State failed(State state, const std::string& error) {
  state.last_error = error;
  return state;
}

std::string message(const Notification& notification, const std::string& name,
                    const std::string& ns) {
  // Keys in the documented order, for people reading the queue.
  const nlohmann::ordered_json body = {{"coinflip", name},          {"namespace", ns},
                                       {"flip", notification.flip}, {"streak", notification.streak},
                                       {"time", notification.time}, {"id", notification.id}};
  return body.dump();
}

std::string format_time(Clock::time_point when) {
  const auto ms = std::chrono::floor<std::chrono::milliseconds>(when);
  auto text = util::format_rfc3339(std::chrono::floor<std::chrono::seconds>(ms));  // ...SSZ
  const auto millis = std::to_string(1000 + (ms.time_since_epoch().count() % 1000));
  text.insert(text.size() - 1, "." + millis.substr(1));
  return text;
}

}  // namespace kapp::controllers::coinflip
