// An Application's status from what its objects report. Pure: the controller gathers the
// observations, this decides what they mean.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace kapp::controllers::application {

using nlohmann::json;

// What the controller saw of one component.
struct ComponentObservation {
  std::string name;
  std::string source;         // Inline, Component
  std::string workload_kind;  // Deployment, StatefulSet
  int desired_replicas = 1;
  json workload;               // the live Deployment/StatefulSet, null if not created yet
  std::vector<json> pods;      // the component's pods
  std::string failure;         // set when the component cannot be reconciled (name clash, conflict)
  std::string pending;         // set when it is waiting for something (a missing Component object)
  std::string failure_reason;  // the Ready condition's reason for `failure` ("": ComponentFailed)
};

// Why a pod fails for good: a container waiting for a reason that will not fix itself
// (ErrImagePull, ImagePullBackOff, CrashLoopBackOff, ...), as "pod NAME: REASON (message)";
// nothing otherwise. The only thing the status reads of a pod.
std::optional<std::string> pod_failure(const json& pod);

// What the status makes of a workload (a Deployment or StatefulSet) that should run `desired`
// replicas: its ready replicas; whether it is available (its controller has observed its
// latest generation, status.observedGeneration as the API conventions define it, and every
// replica is updated and ready, status.updatedReplicas as kubectl rollout status reads it
// with no partition); why it fails for good (Progressing False for
// ProgressDeadlineExceeded, the Deployment controller's verdict). Two workloads with the same
// view make the same status.
struct WorkloadView {
  int ready = 0;
  bool available = false;
  std::optional<std::string> failure;
  bool operator==(const WorkloadView&) const = default;
};
WorkloadView workload_view(const json& workload, int desired);

// Whether an update of a cached workload from `old_object` to `now` may change its
// Application's status or objects: anything but its status changed, or its WorkloadView at
// the replicas its spec asks for (spec.replicas, default 1: the cache must keep it). That is
// the Application's number because the controller applies it with force: a change of it by
// anyone else is a spec change, which always counts, and is undone by the pass it causes.
bool workload_update_matters(const json& old_object, const json& now);

// The component's entry of status.components: name, source, workload, phase, replicas, message.
json component_status(const ComponentObservation& observation);

struct IntegrationState {
  bool wanted = false;
  bool installed = true;  // false: its CRD is not served (reason CRDNotInstalled)
  std::string error;      // a failure applying it
  std::string conflict;   // a shared object held by another owner asks for something else
};

struct AppObservation {
  long long generation = 0;
  std::vector<ComponentObservation> components;
  std::string communications_error;
  IntegrationState metrics;
  IntegrationState offloading;
};

// status: phase, observedGeneration, ready, componentCount, components, conditions (without
// lastTransitionTime: engine::merge_conditions adds it).
json application_status(const AppObservation& observation);

}  // namespace kapp::controllers::application
