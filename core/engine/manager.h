// The manager owns what controllers share: the client, one informer per resource type, the
// event recorder, the /metrics and health endpoints, and leader election. run() starts them
// in order and stops them cleanly.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/client/client.h"
#include "core/engine/controller.h"
#include "core/engine/events.h"
#include "core/engine/informer.h"
#include "core/engine/leader_election.h"

namespace kapp::engine {

class HttpEndpoint;

struct ManagerOptions {
  // The namespaces watched (run-controller --namespace); empty watches all namespaces.
  std::vector<std::string> namespaces;
  int workers = 2;  // per controller
  bool leader_elect = false;
  LeaseConfig lease;
  std::string metrics_bind = ":8080";  // "0" disables
  std::string health_bind = ":8081";
  std::chrono::milliseconds sync_timeout{60000};
  // How often controllers look at each object even when nothing changed: the safety net for
  // what no watch reports (ServiceMonitors and Prometheus, whose CRDs are optional and not
  // cached; links' targets), and what tests shorten. Each pass of every object costs CPU
  // (about 2 ms for an Application of 4 components), so at 30 s a thousand converging
  // Applications spent three quarters of their CPU on resyncs. controller-runtime's default
  // is 10 hours; 100 s still gives every object one pass in any two minutes. A key whose last
  // pass settled (Result::settled) skips it until an event concerns it.
  std::chrono::milliseconds resync_period{100000};
};

class Manager {
 public:
  Manager(client::Client& client, ManagerOptions options);
  ~Manager();

  client::Client& client() { return client_; }
  const ManagerOptions& options() const { return options_; }
  EventRecorder& events() { return events_; }
  // Whether the caches see namespace `ns` (always, when every namespace is watched).
  bool watches(const std::string& ns) const;
  // The shared informer of a type, created on first use (before run()).
  Informer& informer(const client::ResourceType& type);
  Controller& add_controller(const std::string& name, Reconciler reconciler);

  // Runs until `stop` is set (exit code 0) or the lease is lost (1); once stopped, waits up
  // to 5 s for the Events recorded to be written. Throws Error when a cache cannot sync or an
  // endpoint cannot listen.
  int run(const std::atomic<bool>& stop);

  int metrics_port() const;
  int health_port() const;

 private:
  bool synced() const;
  void start_endpoints();

  client::Client& client_;
  ManagerOptions options_;
  EventRecorder events_;
  std::map<std::string, std::unique_ptr<Informer>> informers_;
  std::vector<std::unique_ptr<Controller>> controllers_;
  std::unique_ptr<HttpEndpoint> metrics_endpoint_;
  std::unique_ptr<HttpEndpoint> health_endpoint_;
  std::atomic<bool> started_{false};
};

}  // namespace kapp::engine
