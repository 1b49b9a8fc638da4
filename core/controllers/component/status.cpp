#include "core/controllers/component/status.h"

#include <string>

#include "core/engine/object.h"
#include "core/engine/status.h"

namespace kapp::controllers::component {

json component_status(const json& component, const std::optional<json>& app) {
  const auto generation = engine::generation_of(component);
  const auto app_name = component["spec"].value("application", "");
  const auto ns = engine::namespace_of(component);
  if (!app) {
    const auto message = "Application " + ns + "/" + app_name + " not found; create it first";
    return {{"phase", "Failed"},
            {"observedGeneration", generation},
            {"conditions", json::array({engine::condition("Ready", false, "ApplicationNotFound",
                                                          message, generation)})}};
  }
  json entry;
  for (const auto& c : app->value("status", json::object()).value("components", json::array())) {
    if (c.value("name", "") == engine::name_of(component)) entry = c;
  }
  if (entry.is_null()) {
    return {{"phase", "Pending"},
            {"observedGeneration", generation},
            {"conditions",
             json::array({engine::condition(
                 "Ready", false, "Reconciling",
                 "waiting for application " + app_name + " to reconcile it", generation)})}};
  }
  const auto phase = entry.value("phase", "Pending");
  const int replicas = entry.value("replicas", 0), ready = entry.value("readyReplicas", 0);
  const auto message = entry.value("message", phase == "Running" ? "available" : phase);
  return {{"phase", phase},
          {"observedGeneration", generation},
          {"replicas", replicas},
          {"readyReplicas", ready},
          {"ready", std::to_string(ready) + "/" + std::to_string(replicas)},
          {"conditions", json::array({engine::condition("Ready", phase == "Running",
                                                        phase == "Running" ? "Available" : phase,
                                                        message, generation)})}};
}

}  // namespace kapp::controllers::component
