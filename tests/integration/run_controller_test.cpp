// `kubectl app run-controller` as users run it: health, metrics, signals, leader election.
#include <catch2/catch.hpp>

#include <csignal>

#include "core/client/resource.h"
#include "tests/support/cluster.h"
#include "tests/support/metrics_text.h"
#include "tests/support/objects.h"

using namespace kapp::test;
using namespace std::chrono_literals;

namespace {

// `kubectl app run-controller` electing its leader on the Lease `lease_name` of `lease_ns`.
std::vector<std::string> leader_election_args(const std::string& lease_ns,
                                              const std::string& lease_name) {
  return {KAPP_BINARY,
          "run-controller",
          "--kubeconfig",
          admin_kubeconfig(),
          "--metrics-bind-address=127.0.0.1:0",
          "--health-probe-bind-address=127.0.0.1:0",
          "--leader-elect",
          "--leader-election-namespace=" + lease_ns,
          "--leader-election-id=" + lease_name,
          "--lease-duration=3s",
          "--renew-deadline=2s",
          "--retry-period=250ms"};
}

std::string holder(const std::string& ns, const std::string& name) {
  const auto lease = admin().get_if_exists(kapp::client::resources::kLease, ns, name);
  return lease ? (*lease)["spec"].value("holderIdentity", "") : "";
}

bool leads(const BackgroundProcess& process) {
  return process.output().find("became leader") != std::string::npos;
}

}  // namespace

TEST_CASE("run-controller serves health, readiness and metrics that promtool accepts") {
  TestNamespace ns;
  install_crds();
  BackgroundProcess controller(leader_election_args(ns.name(), "health"));
  int health = 0, metrics = 0;
  REQUIRE(eventually([&] {
    return (health = logged_port(controller, "/healthz and /readyz")) > 0 &&
           (metrics = logged_port(controller, "/metrics")) > 0;
  }));
  const auto base = "http://127.0.0.1:";
  CHECK(eventually([&] {
    return run({"curl", "-sf", base + std::to_string(health) + "/readyz"}).exit_code == 0;
  }));
  CHECK(run({"curl", "-sf", base + std::to_string(health) + "/healthz"}).out == "ok\n");
  REQUIRE(eventually([&] { return leads(controller); }));
  const auto scraped = run({"curl", "-sf", base + std::to_string(metrics) + "/metrics"});
  REQUIRE(scraped.exit_code == 0);
  CHECK_THAT(scraped.out,
             Catch::Contains(
                 "kapp_rest_client_requests_total{verb=\"POST\",code=\"201\"} 1"));  // the Lease
  CHECK_THAT(scraped.out, Catch::Contains("kapp_leader 1"));
  TempDir dir;
  const auto file = dir.write("metrics.txt", scraped.out);
  const auto checked = run({"sh", "-c", "promtool check metrics < " + file});
  INFO(checked.out << checked.err);
  CHECK(checked.exit_code == 0);
}

TEST_CASE("SIGTERM stops run-controller cleanly and hands the lease over") {
  TestNamespace ns;
  install_crds();
  BackgroundProcess first(leader_election_args(ns.name(), "handover"));
  REQUIRE(eventually([&] { return leads(first); }));
  BackgroundProcess second(leader_election_args(ns.name(), "handover"));
  REQUIRE(eventually(
      [&] { return second.output().find("waiting for the lease") != std::string::npos; }));
  const auto started = std::chrono::steady_clock::now();
  first.signal(SIGTERM);
  CHECK(first.wait(10s) == 0);
  CHECK_THAT(first.output(), Catch::Contains("released the lease"));
  REQUIRE(eventually([&] { return leads(second); }, 10s));
  // Released, not expired: the standby need not wait out the 3s lease.
  CHECK(std::chrono::steady_clock::now() - started < 3s);
}

TEST_CASE(
    "two leader-elected controllers never run at once, and a killed leader is replaced within the "
    "lease") {
  TestNamespace ns;
  install_crds();
  BackgroundProcess first(leader_election_args(ns.name(), "exclusive"));
  REQUIRE(eventually([&] { return leads(first); }));
  BackgroundProcess second(leader_election_args(ns.name(), "exclusive"));
  REQUIRE(eventually(
      [&] { return second.output().find("waiting for the lease") != std::string::npos; }));
  // While the first renews its lease, the second stays a standby: no controllers started.
  const auto leader = holder(ns.name(), "exclusive");
  CHECK_FALSE(
      eventually([&] { return leads(second) || holder(ns.name(), "exclusive") != leader; }, 4s));
  const auto killed = std::chrono::steady_clock::now();
  first.signal(SIGKILL);
  first.wait(5s);
  REQUIRE(eventually([&] { return leads(second); }, 10s));
  CHECK(std::chrono::steady_clock::now() - killed < 3s + 1s);  // lease duration plus one retry
  CHECK(holder(ns.name(), "exclusive") != leader);
}

TEST_CASE("run-controller refuses bad flags with one clear line") {
  const auto result = kubectl_app({"run-controller", "--log-format=xml"});
  CHECK(result.exit_code == 1);
  CHECK(result.err == "error: invalid --log-format \"xml\"; use text or json\n");
}

TEST_CASE("run-controller refuses a rate limit or sync period it cannot use, with a usage error") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"--kube-api-qps=-1", "error: --kube-api-qps must be 0 (no limit) or more"},
      {"--kube-api-burst=0", "error: --kube-api-burst must be at least 1"},
      {"--sync-period=500ms", "error: --sync-period must be at least 1s"}};
  for (const auto& [flag, message] : cases) {
    INFO(flag);
    const auto result = kubectl_app({"run-controller", "--kubeconfig", admin_kubeconfig(), flag});
    CHECK(result.exit_code == 1);
    CHECK(result.err == message + "\n");
  }
}

// A controller on its own namespace with a sync period of a second, and a way to read its
// counters.
struct FastResyncController {
  explicit FastResyncController(const std::string& ns)
      : process({KAPP_BINARY, "run-controller", "--kubeconfig", admin_kubeconfig(), "-n", ns,
                 "--metrics-bind-address=127.0.0.1:0", "--health-probe-bind-address=0",
                 "--sync-period=1s"}) {}
  double total(const std::string& family) {
    if (port == 0)
      REQUIRE(eventually([&] { return (port = logged_port(process, "/metrics")) > 0; }));
    const auto text =
        run({"curl", "-sf", "http://127.0.0.1:" + std::to_string(port) + "/metrics"}).out;
    return sum_series(text, family, R"(controller="application")");
  }
  BackgroundProcess process;
  int port = 0;
};

TEST_CASE("run-controller --sync-period looks again at what failed on an object no watch maps") {
  TestNamespace ns;
  install_crds();
  namespace res = kapp::client::resources;
  // A Service of someone else's takes the component's name; nothing maps it to the application.
  admin().create(res::kService, ns.name(),
                 {{"apiVersion", "v1"},
                  {"kind", "Service"},
                  {"metadata", {{"name", "web"}}},
                  {"spec", {{"ports", {{{"port", 9999}}}}}}});
  FastResyncController controller(ns.name());
  admin().create(res::kApplication, ns.name(), application(ns.name(), "shop", {component("web")}));
  REQUIRE(eventually([&] { return phase(ns.name(), "shop") == "Failed"; }));
  admin().remove(res::kService, ns.name(), "web");
  // Only the next periodic pass can notice: at the default 100 s it would not come in time.
  CHECK(eventually([&] { return phase(ns.name(), "shop") == "Running"; }, 20s));
}

TEST_CASE("run-controller --sync-period skips the passes of a settled application") {
  TestNamespace ns;
  install_crds();
  FastResyncController controller(ns.name());
  admin().create(kapp::client::resources::kApplication, ns.name(),
                 application(ns.name(), "shop", {component("web")}));
  REQUIRE(eventually([&] { return phase(ns.name(), "shop") == "Running"; }));
  // Converged: the application is looked at every second, and a look that finds nothing
  // changed since a clean pass costs no pass.
  const auto before = controller.total("kapp_controller_resync_skipped_total");
  CHECK(eventually(
      [&] { return controller.total("kapp_controller_resync_skipped_total") >= before + 3; }, 20s));
}
