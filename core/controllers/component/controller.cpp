#include "core/controllers/component/controller.h"

#include "core/engine/object.h"
#include "core/engine/owned.h"
#include "core/engine/status.h"

namespace kapp::controllers::component {
namespace {

using engine::Request;
using engine::Result;
using nlohmann::json;
namespace res = client::resources;

// The Component's status, from its Application's view of it.
json desired_status(const json& component, const std::optional<json>& app) {
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

}  // namespace

void setup(engine::Manager& manager) {
  auto& components = manager.informer(res::kComponent);
  auto& apps = manager.informer(res::kApplication);
  auto& client = manager.client();
  auto& events = manager.events();
  auto& controller = manager.add_controller("component", [&](const Request& r) -> Result {
    const auto component = components.get(r.namespace_name, r.name);
    if (!component) return Result::done();
    const auto app = apps.get(r.namespace_name, (*component)["spec"].value("application", ""));
    const auto status = desired_status(*component, app);
    if (engine::write_status(client, res::kComponent, *component, status) && !app)
      events.record(*component, "Warning", "ApplicationNotFound",
                    status["conditions"][0].value("message", ""));
    return Result::done();
  });
  controller.watch_primary(components);
  // An Application appearing, changing or going concerns every Component that names it.
  controller.watch_mapped(apps, [&components](const json& app) {
    std::vector<Request> requests;
    for (const auto& c : components.list(engine::namespace_of(app))) {
      if (c["spec"].value("application", "") == engine::name_of(app)) {
        requests.push_back({engine::namespace_of(c), engine::name_of(c)});
      }
    }
    return requests;
  });
}

}  // namespace kapp::controllers::component
