#include "core/controllers/application/status.h"

#include "core/engine/object.h"
#include "core/engine/status.h"

namespace kapp::controllers::application {

// Container states that will not fix themselves: the component has failed.
std::optional<std::string> pod_failure(const json& pod) {
  static const char* kFatal[] = {
      "ErrImagePull",     "ImagePullBackOff",           "InvalidImageName",
      "CrashLoopBackOff", "CreateContainerConfigError", "CreateContainerError",
      "RunContainerError"};
  const auto status = pod.value("status", json::object());
  for (const auto* list : {"initContainerStatuses", "containerStatuses"}) {
    for (const auto& cs : status.value(list, json::array())) {
      const auto waiting = cs.value("state", json::object()).value("waiting", json::object());
      const auto reason = waiting.value("reason", "");
      for (const auto* fatal : kFatal) {
        if (reason == fatal) {
          return "pod " + pod["metadata"].value("name", "") + ": " + reason +
                 (waiting.contains("message") ? " (" + waiting.value("message", "") + ")" : "");
        }
      }
    }
  }
  return std::nullopt;
}

using engine::condition;

WorkloadView workload_view(const json& workload, int desired) {
  const auto status = workload.value("status", json::object());
  WorkloadView view;
  view.ready = status.value("readyReplicas", 0);
  const bool observed =
      status.value("observedGeneration", 0LL) >= workload["metadata"].value("generation", 0LL);
  // updatedReplicas is left out while 0 (as at the start of a StatefulSet's rollout, its old
  // replicas all ready): missing is 0, for both kinds, as kubectl rollout status reads it.
  view.available = observed && view.ready >= desired &&
                   status.value("updatedReplicas", 0) >= desired &&
                   status.value("replicas", 0) == desired;
  for (const auto& c : status.value("conditions", json::array())) {
    if (c.value("type", "") == "Progressing" && c.value("status", "") == "False" &&
        c.value("reason", "") == "ProgressDeadlineExceeded") {
      view.failure = "progress deadline exceeded: " + c.value("message", "");
      break;
    }
  }
  return view;
}

bool workload_update_matters(const json& old_object, const json& now) {
  if (!engine::same_but_version(old_object, now, true)) return true;
  // The spec is the same in both: the replicas it asks for are what the Application asked.
  const auto desired = now.value("spec", json::object()).value("replicas", 1);
  return workload_view(old_object, desired) != workload_view(now, desired);
}

json component_status(const ComponentObservation& o) {
  json s = {{"name", o.name},
            {"source", o.source},
            {"workload", o.workload_kind},
            {"replicas", o.desired_replicas}};
  const auto view =
      o.workload.is_null() ? WorkloadView{} : workload_view(o.workload, o.desired_replicas);
  const int ready = view.ready;
  s["readyReplicas"] = ready;
  auto set = [&](const char* phase, const std::string& message) {
    s["phase"] = phase;
    if (!message.empty()) s["message"] = message;
    return s;
  };
  if (!o.failure.empty()) return set("Failed", o.failure);
  if (!o.pending.empty()) return set("Pending", o.pending);
  if (o.workload.is_null()) return set("Pending", o.workload_kind + " not created yet");
  if (view.failure) return set("Failed", *view.failure);
  for (const auto& pod : o.pods) {
    if (auto failure = pod_failure(pod)) return set("Failed", *failure);
  }
  if (view.available) return set("Running", "");
  return set("Pending",
             std::to_string(ready) + "/" + std::to_string(o.desired_replicas) + " replicas ready");
}

namespace {
json integration_condition(const char* type, const IntegrationState& state, const char* crd,
                           long long generation) {
  if (!state.wanted)
    return condition(type, true, "NotRequested", "not requested by the spec", generation);
  if (!state.installed) {
    return condition(
        type, false, "CRDNotInstalled",
        std::string(crd) + " is not installed in the cluster; it is retried periodically",
        generation);
  }
  if (!state.conflict.empty())
    return condition(type, false, "Conflict", state.conflict, generation);
  if (!state.error.empty()) return condition(type, false, "ApplyFailed", state.error, generation);
  return condition(type, true, "Applied", "all objects applied", generation);
}
}  // namespace

json application_status(const AppObservation& o) {
  json components = json::array();
  int running = 0;
  bool failed = false;
  std::string first_failure, first_pending;  // what the Ready condition says: failures first
  std::string failure_reason = "ComponentFailed";
  for (const auto& c : o.components) {
    auto s = component_status(c);
    const auto phase = s["phase"].get<std::string>();
    running += phase == "Running";
    failed = failed || phase == "Failed";
    auto& first = phase == "Failed" ? first_failure : first_pending;
    if (phase != "Running" && first.empty()) {
      first = c.name + ": " + s.value("message", phase);
      if (phase == "Failed" && !c.failure_reason.empty()) failure_reason = c.failure_reason;
    }
    components.push_back(std::move(s));
  }
  const auto first_problem = failed ? first_failure : first_pending;
  const int total = static_cast<int>(o.components.size());
  const std::string phase = failed ? "Failed" : running == total ? "Running" : "Pending";
  const auto g = o.generation;
  json conditions = json::array();
  conditions.push_back(
      phase == "Running"
          ? condition("Ready", true, "AllComponentsRunning", "every component is available", g)
          : condition("Ready", false, failed ? failure_reason : "ComponentsPending", first_problem,
                      g));
  conditions.push_back(
      running == total
          ? condition(
                "ComponentsReady", true, "Available",
                std::to_string(total) + " of " + std::to_string(total) + " components available", g)
          : condition(
                "ComponentsReady", false, failed ? "ComponentFailed" : "Progressing",
                std::to_string(running) + " of " + std::to_string(total) + " components available",
                g));
  conditions.push_back(
      o.communications_error.empty()
          ? condition("CommunicationsReady", true, "PoliciesApplied",
                      "NetworkPolicies admit exactly the declared communications", g)
          : condition("CommunicationsReady", false, "ApplyFailed", o.communications_error, g));
  conditions.push_back(integration_condition("MetricsReady", o.metrics,
                                             "the Prometheus Operator (monitoring.coreos.com)", g));
  conditions.push_back(
      integration_condition("OffloadingReady", o.offloading, "Liqo (offloading.liqo.io)", g));
  return {{"phase", phase},
          {"observedGeneration", g},
          {"ready", std::to_string(running) + "/" + std::to_string(total)},
          {"componentCount", total},
          {"components", components},
          {"conditions", conditions}};
}

}  // namespace kapp::controllers::application
