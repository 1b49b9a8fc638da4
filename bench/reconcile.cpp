// The controller at work: N Applications of three components each, created at once against a
// real API server (kwok nodes run the pods). Reports how long until every one is Running, the
// reconciles and API requests that took, their cost in a steady state, and the peak memory.
// Usage: bench_reconcile KUBECONFIG [APPS] [WORKERS]
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <regex>
#include <thread>

#include "core/client/client.h"
#include "core/client/config.h"
#include "core/client/resource.h"
#include "core/controllers/registry.h"
#include "core/crds/installer.h"
#include "core/engine/manager.h"
#include "core/engine/metrics.h"
#include "core/errors.h"

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;
namespace res = kapp::client::resources;

double sum_of(const std::string& series_regex) {
  const auto text = kapp::engine::Metrics::global().render();
  const std::regex series(series_regex + R"re(\S* (\S+))re");
  double total = 0;
  for (std::sregex_iterator it(text.begin(), text.end(), series), end; it != end; ++it)
    total += std::stod((*it)[1]);
  return total;
}

double requests(bool writes_only) {
  return writes_only
             ? sum_of(R"re(kapp_rest_client_requests_total\{verb="(?:POST|PUT|PATCH|DELETE)")re")
             : sum_of(R"re(kapp_rest_client_requests_total\{)re");
}

json app(const std::string& ns, int i) {
  // Components are named per app: their Services share the namespace.
  const auto n = std::to_string(i);
  auto component = [&](const std::string& name, int replicas) {
    return json{{"name", name + n},
                {"image", "nginx:1.27"},
                {"replicas", replicas},
                {"ports", {{{"name", "http"}, {"port", 80}}}}};
  };
  return {
      {"apiVersion", "kubectl-app.io/v1alpha1"},
      {"kind", "Application"},
      {"metadata", {{"name", "app-" + std::to_string(i)}, {"namespace", ns}}},
      {"spec",
       {{"components", {component("web", 2), component("api", 1), component("db", 1)}},
        {"internalCommunications",
         {{{"from", "web" + n}, {"to", "api" + n}}, {{"from", "api" + n}, {"to", "db" + n}}}}}}};
}

int running(kapp::client::Client& client, const std::string& ns) {
  int n = 0;
  const auto apps = client.list(res::kApplication, ns);
  for (const auto& a : apps["items"])
    n += a.value("status", json::object()).value("phase", "") == "Running";
  return n;
}

long peak_rss_kib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s KUBECONFIG [APPS] [WORKERS]\n", argv[0]);
    return 2;
  }
  const int apps = argc > 2 ? std::atoi(argv[2]) : 100;
  const int workers = argc > 3 ? std::atoi(argv[3]) : 4;
  try {
    auto config = kapp::client::load_config({.kubeconfig = argv[1]});
    auto client = kapp::client::Client::connect(config);
    kapp::crds::install(*client, {}, [](const std::string&) {});
    const std::string ns = "bench-reconcile";
    client->create(res::kNamespace, "",
                   {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", ns}}}});

    auto controller_client = kapp::client::Client::connect(config);
    kapp::engine::ManagerOptions options;
    options.metrics_bind = "0";
    options.health_bind = "0";
    options.workers = workers;
    options.resync_period = std::chrono::seconds(30);  // the steady window below spans one
    kapp::engine::Manager manager(*controller_client, options);
    kapp::controllers::setup_all(manager);
    std::atomic<bool> stop{false};
    std::thread loop([&] { manager.run(stop); });

    const auto start = Clock::now();
    for (int i = 0; i < apps; ++i) client->create(res::kApplication, ns, app(ns, i));
    const auto deadline = start + std::chrono::minutes(5);
    while (running(*client, ns) < apps && Clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(200));  // polling, not a test
    const double converge = std::chrono::duration<double>(Clock::now() - start).count();
    const int done = running(*client, ns);
    const double reconciles =
        sum_of(R"re(kapp_controller_reconcile_total\{controller="application")re");
    const double total_requests = requests(false), total_writes = requests(true);

    // A steady state: resyncs every 30 s (set above); measure a window that spans one.
    const auto steady_writes = requests(true), steady_requests = requests(false);
    std::this_thread::sleep_for(std::chrono::seconds(35));
    std::printf(
        "%d/%d apps (%d components) Running in %.1fs with %d workers: %.0f application reconciles, "
        "%.0f API requests (%.0f writes)\n",
        done, apps, apps * 3, converge, workers, reconciles, total_requests, total_writes);
    std::printf("steady state over 35s: %.0f requests, %.0f writes\n",
                requests(false) - steady_requests, requests(true) - steady_writes);
    std::printf("peak RSS of the process (controller and this driver): %.1f MiB\n",
                static_cast<double>(peak_rss_kib()) / 1024.0);
    stop = true;
    loop.join();
    client->remove(res::kNamespace, "", ns);
    return done == apps ? 0 : 1;
  } catch (const kapp::Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}
