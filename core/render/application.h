// What an Application asks for, as the Kubernetes objects that provide it. Pure functions:
// no I/O, so every rule is unit-tested and golden-filed without a server.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace kapp::render {

using nlohmann::json;

// One component, inline or from a Component object, with the schema's defaults applied.
struct Component {
  std::string name;
  std::string source;  // "Inline" or "Component"
  json spec;           // the component's fields (image, replicas, ports, ...)
};

// The Application and every component that belongs to it, in a stable order.
struct AppModel {
  json app;  // the Application object (metadata.uid, spec, ...)
  std::vector<Component> components;

  std::string name() const;
  std::string namespace_name() const;
  const Component* find(const std::string& component) const;
};

// Inline components, then the Component objects whose spec.application names the app.
AppModel make_model(const json& app, const std::vector<json>& component_objects);

// Labels on everything we create; the selector labels never change after creation.
json labels(const AppModel& model, const Component& component);
json selector_labels(const AppModel& model, const Component& component);
json owner_reference(const json& app);

json workload(const AppModel& model, const Component& component);
json service(const AppModel& model, const Component& component);
json external_service(const AppModel& model, const Component& component);  // null unless exposed
json network_policy(const AppModel& model, const Component& component);
// The NetworkPolicy ports ({port, protocol}) that admit callers dialing `service_ports` (a JSON
// array of Service port numbers; empty: all) of `component`: each Service port's targetPort,
// as the Service forwards it. Numbers the component does not serve are left out.
json policy_ports(const Component& component, const json& service_ports);
std::vector<json> volume_claims(const AppModel& model,
                                const Component& component);              // Deployment volumes
json service_monitor(const AppModel& model, const Component& component);  // null unless metrics
// The namespace's Prometheus with its ServiceAccount, Role and RoleBinding (empty unless wanted).
std::vector<json> prometheus_stack(const AppModel& model);
json namespace_offloading(const AppModel& model);  // null unless offloading is asked for

bool wants_prometheus(const AppModel& model);

}  // namespace kapp::render
