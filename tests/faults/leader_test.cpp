// Two controllers with --leader-elect; the leader is killed (SIGKILL) during a burst: the
// standby takes over within the lease duration, the Lease never names two holders at once
// (the new holder acquires it only after the old one's last renewal has expired), the API
// server's audit log shows the old leader's last write before the new one's first (each runs
// as a user of its own), and every Application converges.
#include <catch2/catch.hpp>

#include <csignal>
#include <ctime>
#include <memory>
#include <mutex>
#include <regex>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/client/resource.h"
#include "tests/faults/faults.h"
#include "tests/support/control_plane.h"

using namespace kapp::test;
using namespace std::chrono_literals;
namespace res = kapp::client::resources;
using nlohmann::json;

namespace {

constexpr auto kLease = 4s;

struct LeaseRecord {
  std::string holder;
  double acquired = 0, renewed = 0;  // seconds since the epoch
};

// A MicroTime ("2026-11-30T17:37:23.123456Z") in seconds since the epoch.
double seconds_of(const std::string& time) {
  std::tm tm{};
  if (time.empty() || !strptime(time.c_str(), "%Y-%m-%dT%H:%M:%S", &tm)) return 0;
  double fraction = 0;
  if (const auto dot = time.find('.'); dot != std::string::npos)
    fraction = std::stod("0" + time.substr(dot, time.find('Z') - dot));
  return static_cast<double>(timegm(&tm)) + fraction;
}

// The span of a user's writes in the audit log: when the server received the first and when
// it answered the last (seconds since the epoch), and how many there were.
struct Writes {
  double first = 0, last = 0;
  int count = 0;
  std::string first_what, last_what;  // "verb resource/subresource namespace/name"
};

Writes writes_by(const std::vector<json>& events, const std::string& user) {
  static const std::set<std::string> kWrites = {"create", "update", "patch", "delete",
                                                "deletecollection"};
  Writes w;
  for (const auto& e : events) {
    if (e.value("stage", "") != "ResponseComplete" || !kWrites.count(e.value("verb", "")) ||
        e["user"].value("username", "") != user)
      continue;
    const auto ref = e.value("objectRef", json::object());
    const auto what = e.value("verb", "") + " " + ref.value("resource", "") +
                      (ref.contains("subresource") ? "/" + ref.value("subresource", "") : "") +
                      " " + ref.value("namespace", "") + "/" + ref.value("name", "");
    const auto received = seconds_of(e.value("requestReceivedTimestamp", ""));
    const auto answered = seconds_of(e.value("stageTimestamp", ""));
    if (w.count == 0 || received < w.first) {
      w.first = received;
      w.first_what = what;
    }
    if (w.count == 0 || answered > w.last) {
      w.last = answered;
      w.last_what = what;
    }
    ++w.count;
  }
  return w;
}

std::string identity(const BackgroundProcess& controller) {
  std::smatch match;
  const auto out = controller.output();
  return std::regex_search(out, match, std::regex("became leader: (\\S+)")) ? match[1].str() : "";
}

}  // namespace

TEST_CASE("the leader killed during a burst: the standby takes over within the lease and alone") {
  OwnControlPlane plane({.audit_log = true});
  TestNamespace ns;
  Fleet fleet(ns.name(), burst_size());
  const std::vector<std::string> election = {"--leader-elect",
                                             "--leader-election-namespace=" + ns.name(),
                                             "--leader-election-id=faults",
                                             "--lease-duration=4s",
                                             "--renew-deadline=3s",
                                             "--retry-period=500ms"};
  // Each as a user of its own, so that the audit log tells their writes apart.
  BackgroundProcess first(
      controller_args(ns.name(), election, plane.kubeconfig_for("kapp-controller-first")));
  REQUIRE(eventually([&] { return !identity(first).empty(); }));
  BackgroundProcess second(
      controller_args(ns.name(), election, plane.kubeconfig_for("kapp-controller-second")));
  REQUIRE(eventually(
      [&] { return second.output().find("waiting for the lease") != std::string::npos; }));

  // Every distinct (holder, acquireTime) the Lease goes through, with its latest renewal.
  std::vector<LeaseRecord> history;
  std::mutex history_mutex;
  std::atomic<bool> stop{false};
  std::thread recorder([&] {
    while (!stop) {
      try {
        const auto spec = admin().get(res::kLease, ns.name(), "faults")["spec"];
        LeaseRecord now{spec.value("holderIdentity", ""), seconds_of(spec.value("acquireTime", "")),
                        seconds_of(spec.value("renewTime", ""))};
        std::lock_guard lock(history_mutex);
        if (history.empty() || history.back().holder != now.holder ||
            history.back().acquired != now.acquired)
          history.push_back(now);
        else
          history.back().renewed = now.renewed;
      } catch (const std::exception&) {
        // The next poll will see it.
      }
      std::this_thread::sleep_for(100ms);  // the polling period of a recorder, not a wait
    }
  });

  for (int i = 0; i < fleet.size() / 2; ++i) fleet.create(i);
  first.signal(SIGKILL);
  const auto killed = std::chrono::steady_clock::now();
  first.wait(5s);
  REQUIRE(eventually([&] { return !identity(second).empty(); }, 15s));
  const auto takeover = std::chrono::steady_clock::now() - killed;
  for (int i = fleet.size() / 2; i < fleet.size(); ++i) fleet.create(i);
  const auto problems = converged(fleet, converge_timeout());
  stop = true;
  recorder.join();

  INFO("takeover after " << std::chrono::duration_cast<std::chrono::milliseconds>(takeover).count()
                         << "ms");
  CHECK(takeover < kLease + 1s);  // the lease duration plus one retry period and a margin
  REQUIRE(history.size() == 2);
  CHECK(history[0].holder == identity(first));
  CHECK(history[1].holder == identity(second));
  // No overlap: the standby acquired the Lease only once the killed leader's had expired.
  CHECK(history[1].acquired >= history[0].renewed + std::chrono::seconds(kLease).count());
  INFO(problems.size() << " problems: " << summary(problems));
  CHECK(problems.empty());

  // The audit log: the old leader's writes all ended before the new leader's first began.
  const auto events = plane.audit_events();
  const auto old_leader = writes_by(events, "kapp-controller-first");
  const auto new_leader = writes_by(events, "kapp-controller-second");
  INFO("audit log: the first controller wrote "
       << old_leader.count << " times, the last (" << old_leader.last_what << ") answered "
       << new_leader.first - old_leader.last << " s before the second's first ("
       << new_leader.first_what << ") was received; "
       << "the second wrote " << new_leader.count << " times");
  CHECK(old_leader.count > 0);
  CHECK(new_leader.count > 0);
  CHECK(old_leader.last < new_leader.first);
  check_removed(fleet);
}
