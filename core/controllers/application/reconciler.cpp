#include "core/controllers/application/reconciler.h"

#include <algorithm>
#include <functional>

#include "core/controllers/application/immutable.h"
#include "core/controllers/application/pod_transform.h"
#include "core/controllers/common/namespace_offloading.h"
#include "core/engine/applied.h"
#include "core/engine/object.h"
#include "core/engine/status.h"
#include "core/errors.h"
#include "core/names.h"

namespace kapp::controllers::application {
namespace {

using client::ResourceType;
using engine::Request;
using engine::Result;
namespace res = client::resources;

using names::kApplicationLabel;
using names::kFieldManager;

// Components by the application they join: "<namespace>/<spec.application>".
constexpr const char* kJoinsIndex = "joins";

std::set<std::string> name_conflicts(const render::AppModel& model) {
  std::set<std::string> seen, conflicts;
  for (const auto& c : model.components) {
    if (!seen.insert(c.name).second) conflicts.insert(c.name);
  }
  return conflicts;
}

// A retained claim has no owner reference; its labels say which component it serves.
bool owned_by_labels(const json& live, const json& desired) {
  const auto a = live["metadata"].value("labels", json::object());
  const auto b = desired["metadata"].value("labels", json::object());
  return a.value(kApplicationLabel, "") == b.value(kApplicationLabel, "-") &&
         a.value(names::kComponentLabel, "") == b.value(names::kComponentLabel, "-");
}

// Monitors are not cached (their CRD is optional), so listing them costs a request: skip it
// unless this pass wants one or the last status says some were applied.
bool may_have_monitors(const json& app, const engine::DesiredObjects& desired) {
  if (desired.wants_kind("ServiceMonitor")) return true;
  const auto metrics = engine::find_condition(app.value("status", json::object()), "MetricsReady");
  if (metrics.empty()) return true;  // no status yet: look
  return metrics.value("reason", "") != "NotRequested";
}

// A pass settles (see engine::Result) when all it read is cached, so that any change enqueues
// the application again, and nothing failed that no watch reports: a name taken by an object
// of someone else, or an error written to status. ServiceMonitors, the Prometheus stack and
// the namespace's offloading are read from the server, so an application that wants them, or
// whose pass listed monitors, is looked at again every resync period.
bool settles(const AppObservation& observation, bool listed_monitors) {
  if (listed_monitors || observation.metrics.wanted || observation.offloading.wanted ||
      !observation.communications_error.empty())
    return false;
  return std::all_of(observation.components.begin(), observation.components.end(),
                     [](const ComponentObservation& c) { return c.failure.empty(); });
}

// Components a pass reconciles at once. A first pass creates three to five objects for each,
// a request each: one component after the other, the answers were waited for one at a time,
// and on a busy API server that left the cluster's own controllers idle between an
// application's Deployments (the A/B in bench/README.md, "The peer is a yardstick").
constexpr int kComponentsSideBySide = 4;

}  // namespace

void Reconciler::Pass::want(const json& object) {
  std::lock_guard lock(mutex);
  desired.want(object);
}

Reconciler::Reconciler(engine::Manager& manager)
    : manager_(manager),
      client_(manager.client()),
      apps_(manager.informer(res::kApplication)),
      components_(manager.informer(res::kComponent)),
      pods_(manager.informer(res::kPod)) {
  pods_.index_label(kApplicationLabel);  // every pass looks up its application's pods
  components_.add_index(kJoinsIndex, [](const json& c) -> std::vector<std::string> {
    const auto* spec = c.contains("spec") ? &c["spec"] : nullptr;
    if (!spec || !spec->is_object() || !spec->contains("application")) return {};
    return {engine::make_key(engine::namespace_of(c), spec->value("application", ""))};
  });
  pods_.set_transform(lean_pod);  // only what this controller reads of them
  // Only the pods of applications: a cluster's other pods are never read, and would be most
  // of the cache.
  pods_.set_label_selector(kApplicationLabel);
  for (const auto* type : {&res::kDeployment, &res::kStatefulSet, &res::kService,
                           &res::kNetworkPolicy, &res::kPersistentVolumeClaim}) {
    auto& informer = manager.informer(*type);
    // Once applied, the cache keeps only what ownership, status and immutable_change read.
    auto members = immutable_spec_members(type->kind);
    if (type == &res::kDeployment || type == &res::kStatefulSet)
      members.push_back("replicas");  // workload_update_matters reads it
    informer.set_slim([members = std::move(members)](const json& object) {
      return engine::slim_owned(object, members);
    });
    owned_.push_back(&informer);
  }
}

Result Reconciler::reconcile(const Request& request) {
  const auto app = apps_.get(request.namespace_name, request.name);
  if (!app || app->at("metadata").contains("deletionTimestamp"))
    return Result::done();  // GC does the rest
  Pass pass{*app, pods_.labelled(request.namespace_name, kApplicationLabel, request.name)};
  const auto model = render::make_model(*app, joined_components(*app));
  AppObservation observation{app->at("metadata").value("generation", 0LL), {}, {}, {}, {}};
  const auto conflicts = name_conflicts(model);
  observation.components.resize(model.components.size());
  // The first by component order, not by which thread failed first: the same every pass.
  std::vector<std::string> communications_errors(model.components.size());
  std::vector<std::function<void()>> tasks;
  for (std::size_t i = 0; i < model.components.size(); ++i) {
    tasks.emplace_back([&, i] {
      observation.components[i] = reconcile_component(model, model.components[i], conflicts, pass,
                                                      communications_errors[i]);
    });
  }
  engine::run_side_by_side(tasks, kComponentsSideBySide);
  for (const auto& error : communications_errors) {
    if (observation.communications_error.empty()) observation.communications_error = error;
  }
  add_missing_refs(*app, model, observation);
  observation.metrics = reconcile_metrics(model, pass);
  observation.offloading = reconcile_offloading(model, pass);
  const bool listed_monitors = prune(*app, pass.desired);
  write_status(*app, observation);
  const auto period = manager_.options().resync_period;
  return settles(observation, listed_monitors) ? Result::settled_after(period)
                                               : Result::after(period);
}

std::vector<json> Reconciler::joined_components(const json& app) const {
  return components_.by_index(kJoinsIndex, engine::key_of(app));
}

engine::Informer* Reconciler::informer_for(const std::string& kind) const {
  for (auto* informer : owned_) {
    if (informer->type().kind == kind) return informer;
  }
  return nullptr;
}

std::optional<json> Reconciler::cached(const json& desired) const {
  return informer_for(desired.value("kind", ""))
      ->get(engine::namespace_of(desired), engine::name_of(desired));
}

std::string Reconciler::ensure(const json& desired, std::optional<json> live,
                               const std::string& app_uid, Pass& pass, json* created) {
  const auto kind = desired.value("kind", "");
  pass.want(desired);
  const auto adopt = [&](const json& other) {
    return kind == "PersistentVolumeClaim" && !engine::controller_of(other).is_object() &&
           owned_by_labels(other, desired);
  };
  if (engine::apply_owned(client_, *informer_for(kind), desired, std::move(live), app_uid, adopt,
                          created))
    return "";
  return kind + " " + engine::key_of(desired) + " already exists and is not owned by application " +
         engine::name_of(pass.app) + "; rename the component or delete that object";
}

std::optional<std::string> Reconciler::refused_change(const json& desired,
                                                      const std::optional<json>& live,
                                                      const std::string& app_uid) {
  if (!live || !engine::controlled_by(*live, app_uid)) return std::nullopt;
  return immutable_change(desired, *live);
}

ComponentObservation Reconciler::reconcile_component(const render::AppModel& model,
                                                     const render::Component& c,
                                                     const std::set<std::string>& conflicts,
                                                     Pass& pass,
                                                     std::string& communications_error) {
  const auto kind = c.spec.value("workload", "Deployment");
  ComponentObservation o{c.name, c.source, kind, c.spec.value("replicas", 1), nullptr, {}, {}, {}};
  if (conflicts.count(c.name)) {
    o.failure =
        "the name " + c.name + " is used by an inline component and a Component object; rename one";
    return o;
  }
  const auto uid = engine::uid_of(model.app);
  std::vector<json> objects = render::volume_claims(model, c);
  objects.push_back(render::service(model, c));
  if (auto external = render::external_service(model, c); !external.is_null())
    objects.push_back(external);
  objects.push_back(render::workload(model, c));
  json workload_created;  // the workload as its create answered, until the cache has it
  for (const auto& object : objects) {
    if (!o.failure.empty()) continue;
    // A refused update would fail every pass and leave the status claiming the old state: say
    // once what cannot change instead, and write nothing (the object stays wanted: no prune).
    auto live = cached(object);
    if (auto change = refused_change(object, live, uid)) {
      pass.want(object);
      o.failure = *change;
      o.failure_reason = "ImmutableFieldChanged";
      continue;
    }
    const bool workload = &object == &objects.back();
    o.failure = ensure(object, std::move(live), uid, pass, workload ? &workload_created : nullptr);
  }
  if (o.failure.empty()) {
    try {
      const auto policy = render::network_policy(model, c);
      if (auto problem = ensure(policy, cached(policy), uid, pass); !problem.empty())
        o.failure = problem;
    } catch (const ApiError& e) {
      communications_error = e.what();
    }
  }
  if (o.failure.empty()) {
    o.workload = informer_for(kind)
                     ->get(model.namespace_name(), c.name)
                     .value_or(std::move(workload_created));
    for (const auto& pod : pass.pods) {
      if (pod["metadata"]["labels"].value(names::kComponentLabel, "") == c.name)
        o.pods.push_back(pod);
    }
  }
  return o;
}

void Reconciler::add_missing_refs(const json& app, const render::AppModel& model,
                                  AppObservation& observation) const {
  for (const auto& ref : app["spec"].value("componentRefs", json::array())) {
    const auto name = ref.get<std::string>();
    if (model.find(name) != nullptr) continue;
    ComponentObservation o{name, "Component", "Deployment", 0, nullptr, {}, {}, {}};
    o.pending = "Component " + engine::namespace_of(app) + "/" + name + " not found";
    observation.components.push_back(o);
  }
}

bool Reconciler::ensure_optional(const json& desired, const std::string& field_manager, bool force,
                                 IntegrationState& state) {
  const auto type = client_.served(desired.value("apiVersion", ""), desired.value("kind", ""));
  if (!type) {
    state.installed = false;
    return false;
  }
  try {
    const auto live =
        client_.get_if_exists(*type, engine::namespace_of(desired), engine::name_of(desired));
    if (!live || !engine::already_applied(desired, *live)) {
      client_.apply(*type, desired, {.field_manager = field_manager, .force = force});
    }
  } catch (const ApiError& e) {
    state.error = e.what();
  }
  return true;
}

IntegrationState Reconciler::reconcile_metrics(const render::AppModel& model, Pass& pass) {
  IntegrationState state;
  for (const auto& c : model.components) {
    const auto monitor = render::service_monitor(model, c);
    if (monitor.is_null()) continue;
    state.wanted = true;
    pass.want(monitor);
    if (!ensure_optional(monitor, kFieldManager, true, state)) return state;
  }
  // The namespace's Prometheus is shared: each application applies it as its own manager.
  const auto manager = std::string(kFieldManager) + "/" + model.name();
  for (const auto& object : render::prometheus_stack(model)) {
    state.wanted = true;
    if (!ensure_optional(object, manager, false, state)) return state;
  }
  return state;
}

IntegrationState Reconciler::reconcile_offloading(const render::AppModel& model, Pass&) {
  IntegrationState state;
  const auto offloading = render::namespace_offloading(model);
  if (offloading.is_null()) return state;
  state.wanted = true;
  const auto uid = engine::uid_of(model.app);
  const auto outcome = common::ensure_offloading(
      client_, offloading, [&uid](const json& live) { return engine::controlled_by(live, uid); });
  state.installed = outcome.installed;
  state.conflict = outcome.conflict;
  state.error = outcome.error;
  return state;
}

bool Reconciler::prune(const json& app, const engine::DesiredObjects& desired) {
  engine::prune_owned(client_, owned_, engine::uid_of(app), desired);
  if (!may_have_monitors(app, desired)) return false;
  prune_monitors(app, desired);
  return true;
}

void Reconciler::prune_monitors(const json& app, const engine::DesiredObjects& desired) {
  const auto type = client_.served("monitoring.coreos.com/v1", "ServiceMonitor");
  if (!type) return;  // not installed: nothing of ours can exist
  const auto monitors =
      client_.list(*type, engine::namespace_of(app),
                   {.label_selector = std::string(kApplicationLabel) + "=" + engine::name_of(app)});
  for (const auto& m : monitors["items"]) {
    if (engine::controlled_by(m, engine::uid_of(app)) && !desired.wants("ServiceMonitor", m)) {
      client_.remove(*type, engine::namespace_of(m), engine::name_of(m));
    }
  }
}

void Reconciler::write_status(const json& app, const AppObservation& observation) {
  const auto status = application_status(observation);
  if (!engine::write_status(client_, res::kApplication, app, status)) return;
  const auto previous = app.value("status", json::object()).value("phase", "");
  if (previous != status["phase"]) {
    const bool failed = status["phase"] == "Failed";
    manager_.events().record(app, failed ? "Warning" : "Normal",
                             "Phase" + status["phase"].get<std::string>(),
                             status["conditions"][0].value("message", ""));
  }
}

}  // namespace kapp::controllers::application
