// A Component's status from its Application's view of it. Pure: the reconciler reads the
// Component and its Application from the cache, this decides what users are told.
#pragma once

#include <optional>

#include <nlohmann/json.hpp>

namespace kapp::controllers::component {

using nlohmann::json;

// status: phase, observedGeneration and a Ready condition (without lastTransitionTime:
// engine::write_status adds it), from `app`, the Application that `component`'s
// spec.application names (nullopt when it does not exist):
// - no Application: Failed, ApplicationNotFound (the Component waits for nobody);
// - no entry for the Component in the Application's status.components yet: Pending,
//   Reconciling;
// - otherwise that entry's phase and message, with replicas, readyReplicas and ready ("n/m").
// Missing fields read as their defaults. `component` must have a spec (the CRD requires one);
// a field of the wrong type throws nlohmann::json::type_error, which the CRD's schema rules out.
json component_status(const json& component, const std::optional<json>& app);

}  // namespace kapp::controllers::component
