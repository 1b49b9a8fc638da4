// Kubernetes Events for what users should see (`kubectl describe`, `kubectl app status`).
// As client-go's recorder does, events are aggregated and rate limited:
// - the same event for the same object is written once per window, so a steady state that
//   keeps noticing the same thing costs no writes;
// - when it recurs after the window, the existing Event's count goes up instead of a new
//   Event being created;
// - each object has a token bucket, so one object in a tight failure loop cannot flood
//   the API server.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

#include "core/client/client.h"

namespace kapp::engine {

struct EventOptions {
  std::chrono::seconds window = std::chrono::minutes(10);
  int burst = 25;                                         // events an object may emit at once
  std::chrono::seconds refill = std::chrono::minutes(5);  // then one more per this long
};

class EventRecorder {
 public:
  EventRecorder(client::Client& client, std::string component, EventOptions options = {});
  // type: "Normal" or "Warning". Never throws: an event that cannot be written is logged.
  void record(const nlohmann::json& object, const std::string& type, const std::string& reason,
              const std::string& message);

 private:
  using Clock = std::chrono::steady_clock;
  struct Written {
    std::string name;  // of the Event object, "" until created
    std::string ns;
    int count = 0;
    Clock::time_point at;
  };
  struct Bucket {
    double tokens = 0;
    Clock::time_point at;
  };
  bool take_token(const std::string& uid, Clock::time_point now);
  void forget_old(Clock::time_point now);
  std::string create(const nlohmann::json& object, const std::string& ns, const std::string& type,
                     const std::string& reason, const std::string& message);

  client::Client& client_;
  std::string component_;
  EventOptions options_;
  std::mutex mutex_;
  std::map<std::string, Written> written_;  // uid|type|reason|message -> the Event
  std::map<std::string, Bucket> buckets_;   // uid -> its rate limit
};

}  // namespace kapp::engine
