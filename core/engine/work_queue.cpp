#include "core/engine/work_queue.h"

#include <algorithm>

namespace kapp::engine {

WorkQueue::WorkQueue(RateLimits limits)
    : limits_(limits), tokens_(limits.burst), last_refill_(Clock::now()) {}

void WorkQueue::add_locked(const std::string& key) {
  if (shutting_down_ || dirty_.count(key)) return;  // pending already: the adds merge
  dirty_.insert(key);
  added_at_.emplace(key, Clock::now());
  if (processing_.count(key)) return;  // done() queues it again
  queue_.push_back(key);
  cv_.notify_one();
}

void WorkQueue::add(const std::string& key) {
  std::lock_guard lock(mutex_);
  add_locked(key);
}

void WorkQueue::add_after(const std::string& key, std::chrono::milliseconds delay) {
  std::lock_guard lock(mutex_);
  if (shutting_down_) return;
  if (delay.count() <= 0) return add_locked(key);
  const auto due = Clock::now() + delay;
  auto [it, inserted] = waiting_.emplace(key, due);
  if (!inserted) {
    if (due >= it->second) return;  // already due earlier: the earliest deadline wins
    timers_.erase({it->second, key});
    it->second = due;
  }
  timers_.emplace(due, key);
  cv_.notify_all();  // a worker may need to wait less long now
}

std::chrono::milliseconds WorkQueue::overall_delay_locked() {
  if (limits_.qps <= 0) return std::chrono::milliseconds(0);
  const auto now = Clock::now();
  tokens_ = std::min<double>(
      limits_.burst,
      tokens_ + std::chrono::duration<double>(now - last_refill_).count() * limits_.qps);
  last_refill_ = now;
  tokens_ -= 1;  // may go negative: later callers wait for the debt to be repaid
  if (tokens_ >= 0) return std::chrono::milliseconds(0);
  return std::chrono::milliseconds(static_cast<long long>(-tokens_ / limits_.qps * 1000));
}

void WorkQueue::add_rate_limited(const std::string& key) {
  std::chrono::milliseconds delay;
  {
    std::lock_guard lock(mutex_);
    const int n = failures_[key]++;
    const auto exponential =
        n >= 30 ? limits_.cap
                : std::min(limits_.cap, std::chrono::milliseconds(limits_.base.count() << n));
    delay = std::max(exponential, overall_delay_locked());
  }
  add_after(key, delay);
}

void WorkQueue::forget(const std::string& key) {
  std::lock_guard lock(mutex_);
  failures_.erase(key);
}

int WorkQueue::failures(const std::string& key) const {
  std::lock_guard lock(mutex_);
  auto it = failures_.find(key);
  return it == failures_.end() ? 0 : it->second;
}

void WorkQueue::promote_due_locked(Clock::time_point now) {
  // In deadline order, stopping at the first one not yet due.
  while (!timers_.empty() && timers_.begin()->first <= now) {
    auto node = timers_.extract(timers_.begin());
    waiting_.erase(node.value().second);
    add_locked(node.value().second);
  }
}

std::optional<QueueItem> WorkQueue::get() {
  std::unique_lock lock(mutex_);
  for (;;) {
    if (shutting_down_) return std::nullopt;
    promote_due_locked(Clock::now());
    if (!queue_.empty()) break;
    if (timers_.empty()) {
      cv_.wait(lock);
    } else {
      // A copy: wait_until reads its deadline again after waking, when another worker may
      // have erased this entry.
      const auto earliest = timers_.begin()->first;
      cv_.wait_until(lock, earliest);
    }
  }
  QueueItem item{queue_.front(), {}};
  queue_.pop_front();
  processing_.insert(item.key);
  dirty_.erase(item.key);
  if (auto it = added_at_.find(item.key); it != added_at_.end()) {
    item.waited = Clock::now() - it->second;
    added_at_.erase(it);
  }
  return item;
}

void WorkQueue::done(const std::string& key) {
  std::lock_guard lock(mutex_);
  processing_.erase(key);
  if (dirty_.count(key) && !shutting_down_) {
    queue_.push_back(key);
    cv_.notify_one();
  }
}

void WorkQueue::shut_down() {
  std::lock_guard lock(mutex_);
  shutting_down_ = true;
  cv_.notify_all();
}

std::size_t WorkQueue::depth() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

}  // namespace kapp::engine
