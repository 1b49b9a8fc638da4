#include "core/engine/manager.h"

#include <malloc.h>

#include <algorithm>
#include <thread>

#include "core/engine/http_endpoint.h"
#include "core/engine/metrics.h"
#include "core/engine/transform.h"
#include "core/errors.h"
#include "core/log.h"

namespace kapp::engine {
namespace {
constexpr auto kStopPoll = std::chrono::milliseconds(100);
// How long a stopping manager waits for the events of the last reconciles to be written.
constexpr auto kEventsFlush = std::chrono::seconds(5);
}  // namespace

Manager::Manager(client::Client& client, ManagerOptions options)
    : client_(client), options_(std::move(options)), events_(client, "kubectl-app") {
  auto& metrics = Metrics::global();
  metrics.counter("kapp_rest_client_requests_total",
                  "API server requests by verb and HTTP status code.");
  metrics.gauge("kapp_leader",
                "1 while this process holds the leader lease (always 1 without leader election).");
  client_.set_request_observer([](const std::string& method, long code) {
    Metrics::global().add("kapp_rest_client_requests_total",
                          {{"verb", method}, {"code", std::to_string(code)}});
  });
}

Manager::~Manager() {
  for (auto& c : controllers_) c->stop();
  for (auto& [key, informer] : informers_) informer->request_stop();
  for (auto& [key, informer] : informers_) informer->stop();
  client_.set_request_observer(nullptr);
}

Informer& Manager::informer(const client::ResourceType& type) {
  auto& slot = informers_[type.qualified()];
  if (!slot) {
    slot = std::make_unique<Informer>(client_, type, options_.namespaces);
    slot->set_transform(strip_bookkeeping);  // a controller may replace it with a leaner one
  }
  return *slot;
}

bool Manager::watches(const std::string& ns) const {
  return options_.namespaces.empty() ||
         std::find(options_.namespaces.begin(), options_.namespaces.end(), ns) !=
             options_.namespaces.end();
}

Controller& Manager::add_controller(const std::string& name, Reconciler reconciler) {
  controllers_.push_back(
      std::make_unique<Controller>(name, std::move(reconciler), options_.workers));
  return *controllers_.back();
}

bool Manager::synced() const {
  for (const auto& [key, informer] : informers_) {
    if (!informer->synced()) return false;
  }
  return true;
}

void Manager::start_endpoints() {
  metrics_endpoint_ = std::make_unique<HttpEndpoint>(
      options_.metrics_bind,
      std::map<std::string, HttpHandler>{{"/metrics", [] {
                                            return HttpReply{
                                                200, "text/plain; version=0.0.4; charset=utf-8",
                                                Metrics::global().render()};
                                          }}});
  health_endpoint_ = std::make_unique<HttpEndpoint>(
      options_.health_bind,
      std::map<std::string, HttpHandler>{
          {"/healthz",
           [] {
             return HttpReply{200, "text/plain; charset=utf-8", "ok\n"};
           }},
          {"/readyz", [this] {
             // Ready once the caches hold the cluster's state (a standby is ready too).
             return synced() ? HttpReply{200, "text/plain; charset=utf-8", "ok\n"}
                             : HttpReply{503, "text/plain; charset=utf-8", "caches not synced\n"};
           }}});
  if (metrics_port() > 0)
    log::info(0, "serving /metrics on port " + std::to_string(metrics_port()));
  if (health_port() > 0)
    log::info(0, "serving /healthz and /readyz on port " + std::to_string(health_port()));
}

int Manager::metrics_port() const { return metrics_endpoint_ ? metrics_endpoint_->port() : 0; }
int Manager::health_port() const { return health_endpoint_ ? health_endpoint_->port() : 0; }

int Manager::run(const std::atomic<bool>& stop) {
  start_endpoints();
  for (auto& [key, informer] : informers_) informer->start();
  for (auto& [key, informer] : informers_) {
    if (!informer->wait_for_sync(options_.sync_timeout)) {
      throw Error("the cache of " + key + " did not sync within " +
                  std::to_string(options_.sync_timeout.count() / 1000) +
                  "s; check that its CRD is installed (kubectl app install) and that RBAC allows "
                  "list and watch");
    }
  }
  std::unique_ptr<LeaderElector> elector;
  std::atomic<bool> lost{false};
  auto& metrics = Metrics::global();
  if (options_.leader_elect) {
    elector = std::make_unique<LeaderElector>(client_, options_.lease);
    metrics.set("kapp_leader", {}, 0);
    if (!elector->acquire(stop)) return 0;
    elector->start_renewing([&lost] { lost = true; });
  }
  metrics.set("kapp_leader", {}, 1);
  for (auto& c : controllers_) c->start();
  log::info(0, "started " + std::to_string(controllers_.size()) + " controller(s)");
  // The initial lists are parsed and their buffers freed: hand the free pages back.
  malloc_trim(0);
  while (!stop && !lost)
    std::this_thread::sleep_for(kStopPoll);  // a signal handler can only set a flag

  log::info(0, lost ? "stopping: leadership lost" : "stopping: waiting for reconciles in flight");
  for (auto& c : controllers_) c->stop();
  metrics.set("kapp_leader", {}, 0);
  if (elector && !lost) elector->release();
  // The lease is free first, so a standby need not wait for them; a process that lost it
  // writes nothing more.
  if (!lost && !events_.flush(kEventsFlush)) log::info(0, "stopping with events not written");
  for (auto& [key, informer] : informers_) informer->request_stop();
  for (auto& [key, informer] : informers_) informer->stop();
  log::info(0, "stopped");
  return lost ? 1 : 0;
}

}  // namespace kapp::engine
