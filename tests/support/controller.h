// Runs every kubectl-app controller in-process, restricted to the test's namespaces.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/engine/manager.h"

namespace kapp::test {

class RunningControllers {
 public:
  explicit RunningControllers(const std::string& ns,
                              std::chrono::milliseconds resync = std::chrono::seconds(30));
  explicit RunningControllers(std::vector<std::string> namespaces,
                              std::chrono::milliseconds resync = std::chrono::seconds(30));
  ~RunningControllers();
  engine::Manager& manager() { return *manager_; }

 private:
  std::shared_ptr<client::Client> client_;
  std::unique_ptr<engine::Manager> manager_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace kapp::test
