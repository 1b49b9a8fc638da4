#include "core/engine/events.h"

#include <algorithm>
#include <random>

#include "core/engine/metrics.h"
#include "core/engine/object.h"
#include "core/errors.h"
#include "core/log.h"
#include "core/util/time.h"

namespace kapp::engine {

namespace res = client::resources;

EventRecorder::EventRecorder(client::Client& client, std::string component, EventOptions options)
    : client_(client), component_(std::move(component)), options_(options) {
  Metrics::global().counter("kapp_events_dropped_total",
                            "Events not written because too many waited for the API server.");
  try {
    for (int i = 0; i < std::max(1, options_.senders); ++i)
      senders_.emplace_back([this] { send_loop(); });
  } catch (...) {  // no thread: the ones started are joined, not left to std::terminate
    stop();
    throw;
  }
}

EventRecorder::~EventRecorder() { stop(); }

void EventRecorder::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    if (!queue_.empty())
      log::info(2, std::to_string(queue_.size()) + " event(s) not written: stopping");
    queue_.clear();
  }
  cv_.notify_all();
  for (auto& sender : senders_) sender.join();
}

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
  const auto now = Clock::now();
  {
    std::lock_guard lock(mutex_);
    auto it = written_.find(key);
    if (it != written_.end() && now - it->second.at < options_.window) return;
    if (queue_.size() >= options_.max_queued) {
      Metrics::global().add("kapp_events_dropped_total", {});
      if (dropped_++ % 100 == 0)
        log::error("event " + reason + " for " + key_of(object) +
                   " dropped: " + std::to_string(queue_.size()) +
                   " events wait for the API server (kapp_events_dropped_total counts them)");
      return;
    }
    if (!take_token(uid_of(object), now)) {
      log::info(2, "event " + reason + " for " + key_of(object) + " dropped: rate limited");
      return;
    }
    auto& written = written_[key];
    written.count += 1;
    written.at = now;
    const auto ns = namespace_of(object).empty() ? "default" : namespace_of(object);
    json involved = {{"apiVersion", object.value("apiVersion", "")},
                     {"kind", object.value("kind", "")},
                     {"name", name_of(object)},
                     {"namespace", namespace_of(object)},
                     {"uid", uid_of(object)}};
    queue_.push_back({key, uid_of(object), key_of(object), std::move(involved), ns, type, reason,
                      message, written.count, std::chrono::system_clock::now()});
    forget_old(now);
  }
  cv_.notify_all();
}

bool EventRecorder::flush(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return cv_.wait_for(lock, timeout, [this] { return queue_.empty() && in_flight_.empty(); });
}

std::deque<EventRecorder::Pending>::iterator EventRecorder::next_sendable() {
  return std::find_if(queue_.begin(), queue_.end(),
                      [this](const Pending& p) { return !in_flight_.contains(p.uid); });
}

void EventRecorder::send_loop() {
  std::unique_lock lock(mutex_);
  while (true) {
    cv_.wait(lock, [this] { return stopping_ || next_sendable() != queue_.end(); });
    if (stopping_) return;
    const auto it = next_sendable();
    const auto pending = std::move(*it);
    queue_.erase(it);
    in_flight_.insert(pending.uid);
    lock.unlock();
    send(pending);
    lock.lock();
    in_flight_.erase(pending.uid);
    cv_.notify_all();
  }
}

// The writes for one object are sent one at a time, in order, so a recurrence finds the name of
// the Event its first occurrence created, and the object's Events are created in the order
// they happened.
void EventRecorder::send(const Pending& pending) {
  std::string name;
  {
    std::lock_guard lock(mutex_);
    if (auto it = written_.find(pending.key); it != written_.end()) name = it->second.name;
  }
  try {
    if (!name.empty()) {
      const json patch = {{"count", pending.count},
                          {"lastTimestamp", util::format_rfc3339(pending.at)}};
      try {
        client_.merge_patch(res::kEvent, pending.ns, name, patch);
      } catch (const ApiError& e) {
        if (!e.not_found()) throw;
        name.clear();  // expired (events live an hour): a new one below
      }
    }
    if (name.empty()) name = create(pending);
  } catch (const std::exception& e) {  // not only Error: nothing may end the sender
    log::error("cannot record event " + pending.reason + " for " + pending.who + ": " + e.what());
    return;
  }
  std::lock_guard lock(mutex_);
  if (auto it = written_.find(pending.key); it != written_.end()) it->second.name = name;
}

std::string EventRecorder::create(const Pending& pending) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  char suffix[17];
  std::snprintf(suffix, sizeof suffix, "%016llx", static_cast<unsigned long long>(rng()));
  const auto timestamp = util::format_rfc3339(pending.at);
  const auto name = pending.involved.value("name", "") + "." + suffix;
  json event = {{"apiVersion", "v1"},
                {"kind", "Event"},
                {"metadata", {{"name", name}, {"namespace", pending.ns}}},
                {"involvedObject", pending.involved},
                {"type", pending.type},
                {"reason", pending.reason},
                {"message", pending.message},
                {"source", {{"component", component_}}},
                {"reportingComponent", component_},
                {"firstTimestamp", timestamp},
                {"lastTimestamp", timestamp},
                {"count", 1}};
  client_.create(res::kEvent, pending.ns, event, {.drop_managed_fields = true});
  return name;
}

}  // namespace kapp::engine
