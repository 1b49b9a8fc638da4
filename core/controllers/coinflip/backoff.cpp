#include "core/controllers/coinflip/backoff.h"

#include <algorithm>

namespace kapp::controllers::coinflip {

std::chrono::milliseconds DeliveryBackoff::delay(int failures) {
  if (failures <= 0) return std::chrono::milliseconds(0);
  // 2^6 * 500ms already exceeds the cap: stop doubling before the shift can overflow.
  const int doublings = std::min(failures - 1, 6);
  return std::min(kBase * (1 << doublings), kCap);
}

std::optional<std::chrono::milliseconds> DeliveryBackoff::wait(const std::string& key,
                                                               Clock::time_point now) {
  std::lock_guard lock(mutex_);
  const auto it = entries_.find(key);
  if (it == entries_.end() || it->second.retry_at <= now) return std::nullopt;
  return std::chrono::ceil<std::chrono::milliseconds>(it->second.retry_at - now);
}

void DeliveryBackoff::failed(const std::string& key, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  auto& entry = entries_[key];
  ++entry.failures;
  entry.retry_at = now + delay(entry.failures);
}

void DeliveryBackoff::succeeded(const std::string& key) {
  std::lock_guard lock(mutex_);
  entries_.erase(key);
}

}  // namespace kapp::controllers::coinflip
