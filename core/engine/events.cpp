#include "core/engine/events.h"

#include <random>

#include "core/engine/object.h"
#include "core/errors.h"
#include "core/log.h"
#include "core/util/time.h"

namespace kapp::engine {

EventRecorder::EventRecorder(client::Client& client, std::string component,
                             std::chrono::seconds window)
    : client_(client), component_(std::move(component)), window_(window) {}

void EventRecorder::record(const json& object, const std::string& type, const std::string& reason,
                           const std::string& message) {
  const auto key = uid_of(object) + "|" + type + "|" + reason + "|" + message;
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mutex_);
    auto it = last_written_.find(key);
    if (it != last_written_.end() && now - it->second < window_) return;
    last_written_[key] = now;
    // Forget old keys so the map does not grow with every object ever seen.
    if (last_written_.size() > 4096)
      std::erase_if(last_written_, [&](const auto& kv) { return now - kv.second >= window_; });
  }
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  char suffix[17];
  std::snprintf(suffix, sizeof suffix, "%016llx", static_cast<unsigned long long>(rng()));
  const auto timestamp = util::format_rfc3339(std::chrono::system_clock::now());
  const auto ns = namespace_of(object).empty() ? "default" : namespace_of(object);
  json event = {{"apiVersion", "v1"},
                {"kind", "Event"},
                {"metadata", {{"name", name_of(object) + "." + suffix}, {"namespace", ns}}},
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
  try {
    client_.create(client::resources::kEvent, ns, event);
  } catch (const Error& e) {
    log::error("cannot record event " + reason + " for " + key_of(object) + ": " + e.what());
  }
}

}  // namespace kapp::engine
