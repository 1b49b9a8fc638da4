// Kubernetes Events for what users should see (`kubectl describe`, `kubectl app status`).
// The same event for the same object is written once per window, so a steady state that keeps
// noticing the same thing costs no writes.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

#include "core/client/client.h"

namespace kapp::engine {

class EventRecorder {
 public:
  EventRecorder(client::Client& client, std::string component,
                std::chrono::seconds window = std::chrono::minutes(10));
  // type: "Normal" or "Warning". Never throws: an event that cannot be written is logged.
  void record(const nlohmann::json& object, const std::string& type, const std::string& reason,
              const std::string& message);

 private:
  client::Client& client_;
  std::string component_;
  std::chrono::seconds window_;
  std::mutex mutex_;
  std::map<std::string, std::chrono::steady_clock::time_point> last_written_;
};

}  // namespace kapp::engine
