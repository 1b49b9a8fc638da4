#include "core/engine/events.h"

#include <algorithm>
#include <random>

#include "core/engine/object.h"
#include "core/errors.h"
#include "core/log.h"
#include "core/util/time.h"

namespace kapp::engine {

namespace res = client::resources;

EventRecorder::EventRecorder(client::Client& client, std::string component, EventOptions options)
    : client_(client), component_(std::move(component)), options_(options) {}

bool EventRecorder::take_token(const std::string& uid, Clock::time_point now) {
  auto [it, fresh] = buckets_.try_emplace(uid, Bucket{static_cast<double>(options_.burst), now});
  auto& bucket = it->second;
  if (!fresh) {
    const auto earned = std::chrono::duration<double>(now - bucket.at) / options_.refill;
    bucket.tokens = std::min<double>(options_.burst, bucket.tokens + earned);
    bucket.at = now;
  }
  if (bucket.tokens < 1) return false;
  bucket.tokens -= 1;
  return true;
}

// Keeps the maps from growing with every object ever seen.
void EventRecorder::forget_old(Clock::time_point now) {
  if (written_.size() > 4096) {
    std::erase_if(written_, [&](const auto& kv) { return now - kv.second.at >= options_.window; });
  }
  if (buckets_.size() > 4096) {
    const auto full = options_.refill * options_.burst;
    std::erase_if(buckets_, [&](const auto& kv) { return now - kv.second.at >= full; });
  }
}

void EventRecorder::record(const json& object, const std::string& type, const std::string& reason,
                           const std::string& message) {
  const auto key = uid_of(object) + "|" + type + "|" + reason + "|" + message;
  const auto ns = namespace_of(object).empty() ? "default" : namespace_of(object);
  const auto now = Clock::now();
  Written previous;
  {
    std::lock_guard lock(mutex_);
    auto it = written_.find(key);
    if (it != written_.end() && now - it->second.at < options_.window) return;
    if (!take_token(uid_of(object), now)) {
      log::info(2, "event " + reason + " for " + key_of(object) + " dropped: rate limited");
      return;
    }
    if (it != written_.end()) previous = it->second;
    written_[key] = {previous.name, ns, previous.count + 1, now};
    forget_old(now);
  }
  std::string name;
  try {
    if (!previous.name.empty()) {
      const json patch = {
          {"count", previous.count + 1},
          {"lastTimestamp", util::format_rfc3339(std::chrono::system_clock::now())}};
      try {
        client_.merge_patch(res::kEvent, previous.ns, previous.name, patch);
        name = previous.name;
      } catch (const ApiError& e) {
        if (!e.not_found()) throw;  // expired (events live an hour): a new one below
      }
    }
    if (name.empty()) name = create(object, ns, type, reason, message);
  } catch (const Error& e) {
    log::error("cannot record event " + reason + " for " + key_of(object) + ": " + e.what());
    return;
  }
  std::lock_guard lock(mutex_);
  if (auto it = written_.find(key); it != written_.end()) it->second.name = name;
}

std::string EventRecorder::create(const json& object, const std::string& ns,
                                  const std::string& type, const std::string& reason,
                                  const std::string& message) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  char suffix[17];
  std::snprintf(suffix, sizeof suffix, "%016llx", static_cast<unsigned long long>(rng()));
  const auto timestamp = util::format_rfc3339(std::chrono::system_clock::now());
  const auto name = name_of(object) + "." + suffix;
  json event = {{"apiVersion", "v1"},
                {"kind", "Event"},
                {"metadata", {{"name", name}, {"namespace", ns}}},
                {"involvedObject",
                 {{"apiVersion", object.value("apiVersion", "")},
                  {"kind", object.value("kind", "")},
                  {"name", name_of(object)},
                  {"namespace", namespace_of(object)},
                  {"uid", uid_of(object)}}},
                {"type", type},
                {"reason", reason},
                {"message", message},
                {"source", {{"component", component_}}},
                {"reportingComponent", component_},
                {"firstTimestamp", timestamp},
                {"lastTimestamp", timestamp},
                {"count", 1}};
  client_.create(res::kEvent, ns, event, {.drop_managed_fields = true});
  return name;
}

}  // namespace kapp::engine
