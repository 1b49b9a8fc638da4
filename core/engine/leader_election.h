// Leader election on a coordination.k8s.io/v1 Lease, as client-go's leaderelection does:
// expiry is judged by the local time we last saw the record change, so clock skew between
// candidates does not matter.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/client/client.h"

namespace kapp::engine {

struct LeaseConfig {
  std::string namespace_name;
  std::string name = "kubectl-app-controller";
  std::string identity;  // unique per process: hostname + pid by default
  std::chrono::milliseconds lease_duration{15000};
  std::chrono::milliseconds renew_deadline{10000};
  std::chrono::milliseconds retry_period{2000};
};

class LeaderElector {
 public:
  LeaderElector(client::Client& client, LeaseConfig config);
  ~LeaderElector();

  // Blocks until this process holds the lease (true) or `stop` is set (false).
  bool acquire(const std::atomic<bool>& stop);
  // Keeps renewing in the background; calls `on_lost` once if renewal fails for renew_deadline.
  void start_renewing(std::function<void()> on_lost);
  // Stops renewing and hands the lease back so another candidate takes over at once.
  void release();
  bool leader() const { return leader_; }
  const LeaseConfig& config() const { return config_; }

  static std::string default_identity();

 private:
  bool try_acquire_or_renew();
  bool wait(std::chrono::milliseconds period, const std::atomic<bool>& stop);

  client::Client& client_;
  LeaseConfig config_;
  std::atomic<bool> leader_{false};
  std::atomic<bool> stop_renewing_{false};
  std::string observed_record_;  // holder + renewTime as last seen
  std::chrono::steady_clock::time_point observed_at_{};
  std::mutex mutex_;
  std::condition_variable cv_;
  std::thread renewer_;
};

}  // namespace kapp::engine
