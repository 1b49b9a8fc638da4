// When to try a broker again after a failed delivery: per CoinFlip, exponential from 500ms,
// capped at 30s. Kept in memory: a restarted controller simply tries at once.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace kapp::controllers::coinflip {

class DeliveryBackoff {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::milliseconds kBase{500};
  static constexpr std::chrono::milliseconds kCap{30000};

  // The wait after `failures` consecutive failures (1 -> 500ms, 2 -> 1s, ... capped).
  static std::chrono::milliseconds delay(int failures);

  // How long until `key` may be tried again: nullopt when it may be tried now.
  std::optional<std::chrono::milliseconds> wait(const std::string& key, Clock::time_point now);
  void failed(const std::string& key, Clock::time_point now);
  void succeeded(const std::string& key);

 private:
  struct Entry {
    int failures = 0;
    Clock::time_point retry_at;
  };
  std::mutex mutex_;
  std::map<std::string, Entry> entries_;
};

}  // namespace kapp::controllers::coinflip
