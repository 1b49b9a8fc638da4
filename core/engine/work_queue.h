// A work queue keyed by object, with controller-runtime's semantics: adds of a pending key
// merge; a key is never handed to two workers at once (re-adds while it is processed wait
// until done); failures back off per key, exponentially, under an overall rate limit.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>

namespace kapp::engine {

struct RateLimits {
  std::chrono::milliseconds base{5};  // first retry delay; doubles per failure
  std::chrono::milliseconds cap{std::chrono::seconds(300)};
  double qps = 10;  // overall retry rate across keys
  int burst = 100;
};

struct QueueItem {
  std::string key;
  std::chrono::duration<double> waited;  // from the first add to get()
};

class WorkQueue {
 public:
  using Clock = std::chrono::steady_clock;

  explicit WorkQueue(RateLimits limits = {});

  void add(const std::string& key);
  void add_after(const std::string& key, std::chrono::milliseconds delay);
  // Re-adds after this key's back-off (base * 2^failures, capped), at least the overall limit.
  void add_rate_limited(const std::string& key);
  // Clears the key's failure count: call after a success.
  void forget(const std::string& key);
  int failures(const std::string& key) const;

  // Blocks for the next key; nullopt once shut down. Call done(key) when finished with it.
  std::optional<QueueItem> get();
  void done(const std::string& key);
  void shut_down();

  std::size_t depth() const;

 private:
  void add_locked(const std::string& key);
  void promote_due_locked(Clock::time_point now);
  std::chrono::milliseconds overall_delay_locked();

  RateLimits limits_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::string> queue_;
  std::set<std::string> dirty_;       // queued or waiting to be re-queued after processing
  std::set<std::string> processing_;  // handed to a worker, not yet done
  // Delayed keys: when each is due (the earliest deadline wins), and the same entries ordered
  // by deadline, so the next one due is the first (O(log n) to add, promote or re-deadline).
  std::map<std::string, Clock::time_point> waiting_;
  std::set<std::pair<Clock::time_point, std::string>> timers_;
  std::map<std::string, Clock::time_point> added_at_;
  std::map<std::string, int> failures_;
  double tokens_;
  Clock::time_point last_refill_;
  bool shutting_down_ = false;
};

}  // namespace kapp::engine
