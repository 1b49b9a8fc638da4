#include "core/controllers/coinflip/report.h"

#include "core/engine/status.h"
#include "core/notify/url.h"

namespace kapp::controllers::coinflip {
namespace {

constexpr const char* kFlipping = "Flipping";
constexpr const char* kNotifierReady = "NotifierReady";

json find_condition(const json& status, const std::string& type) {
  if (!status.is_object() || !status.contains("conditions")) return nullptr;
  for (const auto& c : status["conditions"]) {
    if (c.value("type", "") == type) return c;
  }
  return nullptr;
}

json unknown(const std::string& type, const std::string& reason, const std::string& message,
             long long generation) {
  auto c = engine::condition(type, false, reason, message, generation);
  c["status"] = "Unknown";
  return c;
}

json flipping(const State& state, const Spec& spec, long long generation) {
  if (finished(state, spec)) {
    return engine::condition(
        kFlipping, false, "MaxFlipsReached",
        "stopped after " + std::to_string(*spec.max_flips) + " flips (spec.maxFlips)", generation);
  }
  if (paused(state)) {
    return engine::condition(kFlipping, false, "OutboxFull",
                             "paused until some of the " + std::to_string(kMaxPending) +
                                 " pending notifications are delivered",
                             generation);
  }
  return engine::condition(kFlipping, true, "Flipping",
                           "one flip every " + std::to_string(spec.interval.count()) + "ms",
                           generation);
}

// NotifierReady says what the last delivery attempt did, whichever reconcile made it; until
// one was made it is Unknown.
json notifier_ready(const json& current, const Spec& spec, const std::optional<Delivery>& delivery,
                    long long generation) {
  if (delivery && delivery->ok) {
    return engine::condition(kNotifierReady, true, "Delivered",
                             "the last notification reached " + notify::redact_url(spec.url),
                             generation);
  }
  if (delivery)
    return engine::condition(kNotifierReady, false, delivery->reason, delivery->message,
                             generation);
  const auto previous = find_condition(current, kNotifierReady);
  if (previous.is_null() || previous.value("reason", "") == "InvalidURL") {
    return unknown(kNotifierReady, "NothingSent", "no notification has been sent yet", generation);
  }
  auto kept = previous;
  kept.erase("lastTransitionTime");  // merge_conditions carries it over
  kept["observedGeneration"] = generation;
  return kept;
}

json with_conditions(const json& current, json status, json conditions, long long generation) {
  status["observedGeneration"] = generation;
  status["conditions"] = engine::merge_conditions(
      current.is_object() ? current.value("conditions", json::array()) : json::array(),
      std::move(conditions));
  return status;
}

}  // namespace

std::string phase_of(const State& state, const Spec& spec) {
  return finished(state, spec) && state.queue.empty() ? "Completed" : "Running";
}

json desired_status(const json& current, const State& state, const Spec& spec,
                    const std::optional<Delivery>& delivery, long long generation) {
  auto status = write_state(state, current);
  status["phase"] = phase_of(state, spec);
  return with_conditions(
      current, std::move(status),
      {flipping(state, spec, generation), notifier_ready(current, spec, delivery, generation)},
      generation);
}

json invalid_status(const json& current, const InvalidSpec& problem, long long generation) {
  json status = current.is_object() ? current : json::object();
  status["phase"] = "Failed";
  json conditions = {
      engine::condition(kFlipping, false, problem.reason(), problem.what(), generation)};
  if (problem.reason() == "InvalidURL") {
    conditions.push_back(
        engine::condition(kNotifierReady, false, problem.reason(), problem.what(), generation));
  } else if (auto previous = find_condition(current, kNotifierReady); !previous.is_null()) {
    previous.erase("lastTransitionTime");
    previous["observedGeneration"] = generation;
    conditions.push_back(previous);
  }
  return with_conditions(current, std::move(status), std::move(conditions), generation);
}

}  // namespace kapp::controllers::coinflip
