// The Application reconciler: from an Application's key to its rendered objects applied,
// what it no longer wants pruned, and its status. A class of its own so that tests can reach
// it; controller.h registers it and its watches.
#pragma once

#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/controllers/application/status.h"
#include "core/engine/manager.h"
#include "core/engine/owned.h"
#include "core/render/application.h"

namespace kapp::controllers::application {

class Reconciler {
 public:
  // Adds the application-label index to the manager's Pod informer (before it starts): every
  // pass looks up each component's pods.
  explicit Reconciler(engine::Manager& manager);

  // done (the Application is gone or being deleted: GC does the rest) / requeue after the
  // resync period, settled when the pass read nothing uncached and nothing failed. A name
  // taken by an object the Application does not control is reported in status, not thrown.
  // Throws ApiError (the key is retried with back-off).
  engine::Result reconcile(const engine::Request& request);

 private:
  // What one pass wants. Its components are reconciled side by side: they add to `desired`
  // through want(), which is read once they are all done.
  struct Pass {
    json app;
    std::vector<json> pods;  // the application's, read once per pass
    engine::DesiredObjects desired;
    std::mutex mutex;
    void want(const json& object);
  };

  std::vector<json> joined_components(const json& app) const;
  engine::Informer* informer_for(const std::string& kind) const;
  // The cached object of `desired`'s kind, namespace and name: read once per object and pass.
  std::optional<json> cached(const json& desired) const;
  // Why the server would refuse to update `live` (the cached object `desired` replaces) into
  // `desired` (an immutable field changed; see immutable.h), or nullopt.
  static std::optional<std::string> refused_change(const json& desired,
                                                   const std::optional<json>& live,
                                                   const std::string& app_uid);
  // Applies `desired` unless `live` (cached()) already matches. Returns an error message when
  // the name is taken by an object this application does not control. A create's answer goes
  // to `created` (engine::apply_owned).
  std::string ensure(const json& desired, std::optional<json> live, const std::string& app_uid,
                     Pass& pass, json* created = nullptr);
  // Applies the component's objects. An error applying its NetworkPolicy goes to
  // `communications_error`, one per component, so that the pass reports the first by component
  // order whichever thread failed first.
  ComponentObservation reconcile_component(const render::AppModel& model,
                                           const render::Component& c,
                                           const std::set<std::string>& conflicts, Pass& pass,
                                           std::string& communications_error);
  void add_missing_refs(const json& app, const render::AppModel& model,
                        AppObservation& observation) const;
  // Applies an object of an optional integration, reading it first so a steady state costs
  // no writes. Returns false when the kind is not served (its CRD is not installed).
  bool ensure_optional(const json& desired, const std::string& field_manager, bool force,
                       IntegrationState& state);
  IntegrationState reconcile_metrics(const render::AppModel& model, Pass& pass);
  // The namespace's NamespaceOffloading is shared: see controllers/common/namespace_offloading.
  IntegrationState reconcile_offloading(const render::AppModel& model, Pass& pass);
  // Deletes what this application controls that the current pass did not ask for. Returns
  // whether it listed ServiceMonitors (from the server: they are not cached).
  bool prune(const json& app, const engine::DesiredObjects& desired);
  void prune_monitors(const json& app, const engine::DesiredObjects& desired);
  void write_status(const json& app, const AppObservation& observation);

  engine::Manager& manager_;
  client::Client& client_;
  engine::Informer& apps_;
  engine::Informer& components_;
  engine::Informer& pods_;
  std::vector<engine::Informer*> owned_;
};

}  // namespace kapp::controllers::application
