// kubectl app run-controller: every controller in the foreground, like kubebuilder's `make run`.
#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <string_view>

#include <malloc.h>
#include <unistd.h>

#include "core/controllers/registry.h"
#include "core/engine/manager.h"
#include "core/errors.h"
#include "core/log.h"
#include "plugin/commands.h"

namespace kapp::cli {
namespace {

std::atomic<bool> g_stop{false};

// glibc gives every thread that allocates an arena of its own, up to 8 per core: 10 at idle
// (one per informer thread and the endpoints), 256 KiB or more each. Two arenas keep the
// workers from contending on one lock; at idle this saves ~0.3 MiB (bench/idle_rss.py), and
// under load it bounds how much free memory the arenas hold. An explicit MALLOC_ARENA_MAX or
// GLIBC_TUNABLES setting wins.
constexpr int kMallocArenas = 2;

void limit_malloc_arenas() {
  const char* tunables = std::getenv("GLIBC_TUNABLES");
  if (std::getenv("MALLOC_ARENA_MAX") != nullptr ||
      (tunables != nullptr &&
       std::string_view(tunables).find("arena_max") != std::string_view::npos))
    return;
  mallopt(M_ARENA_MAX, kMallocArenas);
}

// The first SIGINT/SIGTERM stops gracefully; a second one ends the process at once.
void on_signal(int) {
  if (g_stop.exchange(true)) _exit(130);
}

void install_signal_handlers() {
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

// -n/--namespace given several times or as a comma list: exactly those namespaces are watched
// (controller-runtime's DefaultNamespaces). cxxopts keeps only the last value, so read them all.
std::vector<std::string> watched_namespaces(const Args& args) {
  std::vector<std::string> values;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const auto& a = args[i];
    if ((a == "-n" || a == "--namespace") && i + 1 < args.size()) {
      values.push_back(args[++i]);
    } else if (a.rfind("--namespace=", 0) == 0) {
      values.push_back(a.substr(std::string("--namespace=").size()));
    } else if (a.rfind("-n", 0) == 0 && a.size() > 2 && a[2] != '-') {
      values.push_back(a.substr(a[2] == '=' ? 3 : 2));
    }
  }
  std::vector<std::string> namespaces;
  for (const auto& value : values) {
    std::size_t start = 0;
    while (start <= value.size()) {
      const auto comma = std::min(value.find(',', start), value.size());
      const auto ns = value.substr(start, comma - start);
      if (ns.empty()) throw UsageError("--namespace has an empty name in \"" + value + "\"");
      if (std::find(namespaces.begin(), namespaces.end(), ns) == namespaces.end())
        namespaces.push_back(ns);
      start = comma + 1;
    }
  }
  return namespaces;
}

std::chrono::milliseconds duration_flag(const cxxopts::ParseResult& parsed, const char* name) {
  return client::parse_duration(parsed[name].as<std::string>(), std::string("--") + name);
}

const std::vector<std::string> kLogFormats = {"text", "json"};

}  // namespace

cxxopts::Options run_controller_options() {
  namespace kind = value_kind;
  auto options = new_options(
      "run-controller",
      "Run the reconcile loop of every kubectl-app controller in the foreground against the "
      "current kubeconfig context (like `make run`). Ctrl-C stops it cleanly. -n/--namespace, "
      "repeatable or a comma list, restricts it to exactly those namespaces.",
      "  # Run the controllers against the current context, metrics and probes on their ports\n"
      "  kubectl app run-controller --workers 4 --metrics-bind-address :8080 "
      "--health-probe-bind-address :8081\n"
      "\n"
      "  # Exactly two namespaces, with leader election\n"
      "  kubectl app run-controller -n team-a -n team-b --leader-elect");
  options.add_options()("workers", "Concurrent reconciles per controller",
                        cxxopts::value<int>()->default_value("2"), kind::kFree)(
      "leader-elect", "Hold a coordination.k8s.io Lease so only one controller is active",
      cxxopts::value<bool>()->default_value("false"))(
      "leader-election-namespace",
      "Namespace of the Lease (default: $POD_NAMESPACE, else the context's)",
      cxxopts::value<std::string>()->default_value(""), kind::kNamespace)(
      "leader-election-id", "Name of the Lease",
      cxxopts::value<std::string>()->default_value("kubectl-app-controller"),
      kind::kFree)("lease-duration", "How long a lease is valid without renewal",
                   cxxopts::value<std::string>()->default_value("15s"), kind::kFree)(
      "renew-deadline", "How long the leader retries renewing before giving up",
      cxxopts::value<std::string>()->default_value("10s"),
      kind::kFree)("retry-period", "How often candidates try to acquire or renew",
                   cxxopts::value<std::string>()->default_value("2s"),
                   kind::kFree)("metrics-bind-address", "Address of /metrics (\"0\" disables)",
                                cxxopts::value<std::string>()->default_value(":8080"), kind::kFree)(
      "health-probe-bind-address", "Address of /healthz and /readyz (\"0\" disables)",
      cxxopts::value<std::string>()->default_value(":8081"),
      kind::kFree)("log-format", "text or json",
                   cxxopts::value<std::string>()->default_value("text"), kind::one_of(kLogFormats))(
      "cluster-domain", "The cluster's DNS domain, for the FQDNs AppLinks point at",
      cxxopts::value<std::string>()->default_value("cluster.local"), kind::kFree)(
      "kube-api-qps", "Requests per second to the API server, per resource (0: no limit)",
      cxxopts::value<double>()->default_value("50"),
      kind::kFree)("kube-api-burst", "Requests at once to the API server, per resource",
                   cxxopts::value<int>()->default_value("100"), kind::kFree)(
      "sync-period", "How often every object is looked at again when no event came",
      cxxopts::value<std::string>()->default_value("100s"), kind::kFree);
  return options;
}

int run_run_controller(const Args& args) {
  auto options = run_controller_options();
  const auto parsed = parse(options, args);
  const auto log_format = parsed["log-format"].as<std::string>();
  check_one_of("--log-format", log_format, kLogFormats);
  log::set_format(log_format == "json" ? log::Format::Json : log::Format::Text);
  const int workers = parsed["workers"].as<int>();
  if (workers < 1 || workers > 64) throw UsageError("--workers must be between 1 and 64");
  const auto qps = parsed["kube-api-qps"].as<double>();
  const auto burst = parsed["kube-api-burst"].as<int>();
  if (!(qps >= 0)) throw UsageError("--kube-api-qps must be 0 (no limit) or more");
  if (burst < 1) throw UsageError("--kube-api-burst must be at least 1");
  const auto sync_period = duration_flag(parsed, "sync-period");
  if (sync_period < std::chrono::seconds(1)) throw UsageError("--sync-period must be at least 1s");
  limit_malloc_arenas();  // before the first thread

  Session session(parsed);
  session.set_rate_limit(qps, burst);
  const auto& config = session.config();
  engine::ManagerOptions manager_options;
  manager_options.namespaces = watched_namespaces(args);
  manager_options.workers = workers;
  manager_options.resync_period = sync_period;
  manager_options.leader_elect = parsed["leader-elect"].as<bool>();
  auto lease_ns = parsed["leader-election-namespace"].as<std::string>();
  if (lease_ns.empty() && std::getenv("POD_NAMESPACE")) lease_ns = std::getenv("POD_NAMESPACE");
  if (lease_ns.empty())
    lease_ns = manager_options.namespaces.empty() ? config.namespace_name
                                                  : manager_options.namespaces.front();
  manager_options.lease = {.namespace_name = lease_ns,
                           .name = parsed["leader-election-id"].as<std::string>(),
                           .lease_duration = duration_flag(parsed, "lease-duration"),
                           .renew_deadline = duration_flag(parsed, "renew-deadline"),
                           .retry_period = duration_flag(parsed, "retry-period")};
  manager_options.metrics_bind = parsed["metrics-bind-address"].as<std::string>();
  manager_options.health_bind = parsed["health-probe-bind-address"].as<std::string>();

  install_signal_handlers();
  engine::Manager manager(session.client(), manager_options);
  controllers::setup_all(manager, {.cluster_domain = parsed["cluster-domain"].as<std::string>()});
  std::string scope;
  for (const auto& ns : manager_options.namespaces) scope += (scope.empty() ? "" : ",") + ns;
  log::info(0, "kubectl-app controller v" KAPP_VERSION " against " + config.server +
                   (scope.empty() ? " (all namespaces)" : " (namespaces " + scope + ")"));
  return manager.run(g_stop);
}

}  // namespace kapp::cli
