#include "core/engine/leader_election.h"

#include <unistd.h>

#include <cstdio>
#include <ctime>

#include "core/errors.h"
#include "core/log.h"

namespace kapp::engine {
namespace {

using nlohmann::json;
using SteadyClock = std::chrono::steady_clock;

// metav1.MicroTime: RFC 3339 with microseconds.
std::string micro_time_now() {
  const auto now = std::chrono::system_clock::now();
  const auto t = std::chrono::system_clock::to_time_t(now);
  const auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count() %
      1000000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(micros));
  return buf;
}

int seconds_of(std::chrono::milliseconds d) {
  return static_cast<int>(
      std::max<long long>(1, std::chrono::duration_cast<std::chrono::seconds>(d).count()));
}

}  // namespace

std::string LeaderElector::default_identity() {
  char host[256] = {0};
  gethostname(host, sizeof host - 1);
  return std::string(host) + "_" + std::to_string(getpid());
}

LeaderElector::LeaderElector(client::Client& client, LeaseConfig config)
    : client_(client), config_(std::move(config)) {
  if (config_.identity.empty()) config_.identity = default_identity();
}

LeaderElector::~LeaderElector() {
  stop_renewing_ = true;
  cv_.notify_all();
  if (renewer_.joinable()) renewer_.join();
}

bool LeaderElector::try_acquire_or_renew() {
  const auto& type = client::resources::kLease;
  const auto now = micro_time_now();
  auto lease = client_.get_if_exists(type, config_.namespace_name, config_.name);
  if (!lease) {
    try {
      client_.create(type, config_.namespace_name,
                     {{"apiVersion", "coordination.k8s.io/v1"},
                      {"kind", "Lease"},
                      {"metadata", {{"name", config_.name}, {"namespace", config_.namespace_name}}},
                      {"spec",
                       {{"holderIdentity", config_.identity},
                        {"leaseDurationSeconds", seconds_of(config_.lease_duration)},
                        {"acquireTime", now},
                        {"renewTime", now},
                        {"leaseTransitions", 0}}}});
      return true;
    } catch (const ApiError& e) {
      if (e.conflict() || e.reason() == "AlreadyExists") return false;
      throw;
    }
  }
  auto& spec = (*lease)["spec"];
  const auto holder = spec.value("holderIdentity", "");
  const auto record = holder + "|" + spec.value("renewTime", "");
  if (record != observed_record_) {
    observed_record_ = record;
    observed_at_ = SteadyClock::now();
  }
  const auto duration = std::chrono::seconds(spec.value("leaseDurationSeconds", 15));
  const bool held_by_other = !holder.empty() && holder != config_.identity;
  if (held_by_other && SteadyClock::now() < observed_at_ + duration) return false;

  if (holder != config_.identity) {
    spec["acquireTime"] = now;
    spec["leaseTransitions"] = spec.value("leaseTransitions", 0) + 1;
  }
  spec["holderIdentity"] = config_.identity;
  spec["leaseDurationSeconds"] = seconds_of(config_.lease_duration);
  spec["renewTime"] = now;
  try {
    client_.update(type, *lease);  // resourceVersion makes this a compare-and-swap
    return true;
  } catch (const ApiError& e) {
    if (e.conflict()) return false;
    throw;
  }
}

bool LeaderElector::wait(std::chrono::milliseconds period, const std::atomic<bool>& stop) {
  std::unique_lock lock(mutex_);
  cv_.wait_for(lock, period, [&] { return stop.load() || stop_renewing_.load(); });
  return !stop.load();
}

bool LeaderElector::acquire(const std::atomic<bool>& stop) {
  log::info(0, "waiting for the lease " + config_.namespace_name + "/" + config_.name + " as " +
                   config_.identity);
  while (!stop) {
    try {
      if (try_acquire_or_renew()) {
        leader_ = true;
        log::info(0, "became leader: " + config_.identity);
        return true;
      }
    } catch (const Error& e) {
      log::error(std::string("leader election: ") + e.what());
    }
    if (!wait(config_.retry_period, stop)) break;
  }
  return false;
}

void LeaderElector::start_renewing(std::function<void()> on_lost) {
  renewer_ = std::thread([this, on_lost = std::move(on_lost)] {
    auto last_renewed = SteadyClock::now();
    while (wait(config_.retry_period, stop_renewing_)) {
      bool ok = false;
      try {
        ok = try_acquire_or_renew();
      } catch (const Error& e) {
        log::error(std::string("leader election: renewing the lease failed: ") + e.what());
      }
      if (ok) {
        last_renewed = SteadyClock::now();
      } else if (SteadyClock::now() - last_renewed > config_.renew_deadline) {
        leader_ = false;
        log::error("leader election lost: the lease " + config_.namespace_name + "/" +
                   config_.name + " was not renewed within the renew deadline");
        on_lost();
        return;
      }
    }
  });
}

void LeaderElector::release() {
  stop_renewing_ = true;
  cv_.notify_all();
  if (renewer_.joinable()) renewer_.join();
  if (!leader_) return;
  try {
    auto lease = client_.get(client::resources::kLease, config_.namespace_name, config_.name);
    if (lease["spec"].value("holderIdentity", "") != config_.identity) return;
    lease["spec"]["holderIdentity"] = "";
    lease["spec"]["leaseDurationSeconds"] = 1;
    lease["spec"]["renewTime"] = micro_time_now();
    client_.update(client::resources::kLease, lease);
    leader_ = false;
    log::info(0, "released the lease " + config_.namespace_name + "/" + config_.name);
  } catch (const Error& e) {
    log::error(std::string("leader election: could not release the lease: ") + e.what());
  }
}

}  // namespace kapp::engine
