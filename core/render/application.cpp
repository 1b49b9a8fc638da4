#include "core/render/application.h"

#include "core/engine/object.h"
#include "core/names.h"

namespace kapp::render {
namespace {

using names::kManagedBy;
constexpr const char* kPrometheusName = "kubectl-app";

json meta(const AppModel& model, const std::string& name, const json& object_labels,
          bool owned = true) {
  json m = {{"name", name}, {"namespace", model.namespace_name()}, {"labels", object_labels}};
  if (owned) m["ownerReferences"] = json::array({owner_reference(model.app)});
  return m;
}

json object(const char* api_version, const char* kind, json metadata, json spec) {
  json o = {{"apiVersion", api_version}, {"kind", kind}, {"metadata", std::move(metadata)}};
  if (!spec.is_null()) o["spec"] = std::move(spec);
  return o;
}

json ports_of(const Component& c) { return c.spec.value("ports", json::array()); }

int target_port(const json& port) { return port.value("targetPort", port.value("port", 0)); }

json container(const Component& c) {
  json ct = {{"name", c.name}, {"image", c.spec.value("image", "")}};
  for (const auto* field : {"imagePullPolicy", "command", "args", "env", "resources",
                            "livenessProbe", "readinessProbe", "startupProbe"}) {
    if (c.spec.contains(field)) ct[field] = c.spec[field];
  }
  json ports = json::array();
  for (const auto& p : ports_of(c)) {
    json cp = {{"containerPort", target_port(p)}, {"protocol", p.value("protocol", "TCP")}};
    if (p.contains("name")) cp["name"] = p["name"];
    ports.push_back(cp);
  }
  if (!ports.empty()) ct["ports"] = ports;
  json mounts = json::array();
  for (const auto& v : c.spec.value("volumes", json::array())) {
    mounts.push_back({{"name", v["name"]}, {"mountPath", v["mountPath"]}});
  }
  if (!mounts.empty()) ct["volumeMounts"] = mounts;
  return ct;
}

json claim_spec(const json& volume) {
  json spec = {{"accessModes", volume.value("accessModes", json::array({"ReadWriteOnce"}))},
               {"resources", {{"requests", {{"storage", volume["size"]}}}}}};
  if (volume.contains("storageClassName")) spec["storageClassName"] = volume["storageClassName"];
  return spec;
}

std::string claim_name(const Component& c, const json& volume) {
  return c.name + "-" + volume["name"].get<std::string>();
}

bool exposes_metrics(const Component& c) { return c.spec.value("isExposingMetrics", false); }

}  // namespace

std::string AppModel::name() const { return app["metadata"].value("name", ""); }
std::string AppModel::namespace_name() const { return app["metadata"].value("namespace", ""); }

const Component* AppModel::find(const std::string& component) const {
  for (const auto& c : components) {
    if (c.name == component) return &c;
  }
  return nullptr;
}

AppModel make_model(const json& app, const std::vector<json>& component_objects) {
  AppModel model{app, {}};
  const auto& spec = app.value("spec", json::object());
  for (const auto& c : spec.value("components", json::array())) {
    model.components.push_back({c.value("name", ""), "Inline", c});
  }
  for (const auto& o : component_objects) {
    json c = o.value("spec", json::object());
    c.erase("application");
    model.components.push_back({o["metadata"].value("name", ""), "Component", c});
  }
  return model;
}

json selector_labels(const AppModel& model, const Component& component) {
  return {{names::kApplicationLabel, model.name()}, {names::kComponentLabel, component.name}};
}

json labels(const AppModel& model, const Component& component) {
  json l = selector_labels(model, component);
  l["app.kubernetes.io/name"] = component.name;
  l["app.kubernetes.io/component"] = component.name;
  l["app.kubernetes.io/part-of"] = model.name();
  l["app.kubernetes.io/managed-by"] = kManagedBy;
  return l;
}

json owner_reference(const json& app) {
  // A bare app (tests, files) still names its kind. Only what a reference names is copied.
  return engine::controller_reference(
      {{"apiVersion", app.value("apiVersion", names::kApiVersion)},
       {"kind", "Application"},
       {"metadata", {{"name", engine::name_of(app)}, {"uid", engine::uid_of(app)}}}});
}

json workload(const AppModel& model, const Component& c) {
  const bool stateful = c.spec.value("workload", "Deployment") == "StatefulSet";
  json pod_spec = {{"containers", json::array({container(c)})}};
  json spec = {{"replicas", c.spec.value("replicas", 1)},
               {"selector", {{"matchLabels", selector_labels(model, c)}}},
               {"template", {{"metadata", {{"labels", labels(model, c)}}}, {"spec", pod_spec}}}};
  const auto volumes = c.spec.value("volumes", json::array());
  if (stateful) {
    spec["serviceName"] = c.name;
    json templates = json::array();
    for (const auto& v : volumes) {
      templates.push_back({{"metadata", {{"name", v["name"]}, {"labels", labels(model, c)}}},
                           {"spec", claim_spec(v)}});
    }
    if (!templates.empty()) {
      spec["volumeClaimTemplates"] = templates;
      const auto retention = model.app["spec"].value("volumeClaimRetention", "Retain");
      spec["persistentVolumeClaimRetentionPolicy"] = {{"whenDeleted", retention},
                                                      {"whenScaled", "Retain"}};
    }
  } else if (!volumes.empty()) {
    json pod_volumes = json::array();
    for (const auto& v : volumes) {
      pod_volumes.push_back(
          {{"name", v["name"]}, {"persistentVolumeClaim", {{"claimName", claim_name(c, v)}}}});
    }
    spec["template"]["spec"]["volumes"] = pod_volumes;
  }
  return object("apps/v1", stateful ? "StatefulSet" : "Deployment",
                meta(model, c.name, labels(model, c)), spec);
}

json service(const AppModel& model, const Component& c) {
  json ports = json::array();
  for (const auto& p : ports_of(c)) {
    json sp = {{"port", p["port"]},
               {"targetPort", target_port(p)},
               {"protocol", p.value("protocol", "TCP")}};
    sp["name"] = p.value("name", "port-" + std::to_string(p.value("port", 0)));
    ports.push_back(sp);
  }
  json spec = {{"selector", selector_labels(model, c)}, {"ports", ports}};
  if (ports.empty()) spec["clusterIP"] = "None";  // a portless component still gets a DNS name
  return object("v1", "Service", meta(model, c.name, labels(model, c)), spec);
}

json external_service(const AppModel& model, const Component& c) {
  if (!c.spec.contains("expose")) return nullptr;
  auto svc = service(model, c);
  svc["metadata"]["name"] = c.name + "-external";
  svc["spec"]["type"] = c.spec["expose"].value("type", "ClusterIP");
  return svc;
}

json policy_ports(const Component& c, const json& service_ports) {
  // Callers dial Service ports; a NetworkPolicy filters on the pods' target ports.
  json ports = json::array();
  for (const auto& p : ports_of(c)) {
    const bool listed =
        service_ports.empty() ||
        std::find(service_ports.begin(), service_ports.end(), p["port"]) != service_ports.end();
    if (listed)
      ports.push_back({{"port", target_port(p)}, {"protocol", p.value("protocol", "TCP")}});
  }
  return ports;
}

json network_policy(const AppModel& model, const Component& c) {
  json ingress = json::array();
  if (c.spec.contains("expose")) ingress.push_back(json::object());  // from anywhere, any port
  for (const auto& k : model.app["spec"].value("internalCommunications", json::array())) {
    if (k.value("to", "") != c.name) continue;
    const auto* from = model.find(k.value("from", ""));
    if (from == nullptr) continue;
    json rule = {
        {"from",
         json::array({{{"podSelector", {{"matchLabels", selector_labels(model, *from)}}}}})}};
    const auto ports = policy_ports(c, k.value("ports", json::array()));
    if (!ports.empty()) rule["ports"] = ports;
    ingress.push_back(rule);
  }
  json spec = {{"podSelector", {{"matchLabels", selector_labels(model, c)}}},
               {"policyTypes", json::array({"Ingress"})},
               {"ingress", ingress}};
  return object("networking.k8s.io/v1", "NetworkPolicy", meta(model, c.name, labels(model, c)),
                spec);
}

std::vector<json> volume_claims(const AppModel& model, const Component& c) {
  std::vector<json> claims;
  if (c.spec.value("workload", "Deployment") == "StatefulSet") return claims;
  // Retained claims carry no owner reference, so the garbage collector leaves them alone.
  const bool owned = model.app["spec"].value("volumeClaimRetention", "Retain") == "Delete";
  for (const auto& v : c.spec.value("volumes", json::array())) {
    claims.push_back(object("v1", "PersistentVolumeClaim",
                            meta(model, claim_name(c, v), labels(model, c), owned), claim_spec(v)));
  }
  return claims;
}

json service_monitor(const AppModel& model, const Component& c) {
  if (!exposes_metrics(c)) return nullptr;
  const auto metrics = c.spec.value("metrics", json::object());
  json endpoint = {{"port", metrics.value("port", "metrics")},
                   {"path", metrics.value("path", "/metrics")},
                   {"interval", metrics.value("interval", "30s")}};
  json spec = {{"selector", {{"matchLabels", selector_labels(model, c)}}},
               {"endpoints", json::array({endpoint})}};
  return object("monitoring.coreos.com/v1", "ServiceMonitor", meta(model, c.name, labels(model, c)),
                spec);
}

bool wants_prometheus(const AppModel& model) {
  const auto monitoring = model.app["spec"].value("monitoring", json::object());
  const bool any = std::any_of(model.components.begin(), model.components.end(), exposes_metrics);
  return any && monitoring.value("prometheus", true);
}

std::vector<json> prometheus_stack(const AppModel& model) {
  if (!wants_prometheus(model)) return {};
  // Shared by every application of the namespace: each adds its own (non-controller) owner
  // reference under its own field manager, so the stack goes with the last of them.
  auto owner = owner_reference(model.app);
  owner["controller"] = false;
  json common = {{"app.kubernetes.io/name", "prometheus"},
                 {"app.kubernetes.io/managed-by", kManagedBy}};
  auto m = [&](const std::string& name) {
    return json{{"name", name},
                {"namespace", model.namespace_name()},
                {"labels", common},
                {"ownerReferences", json::array({owner})}};
  };
  const std::string sa = "kubectl-app-prometheus";
  json rules = json::array({{{"apiGroups", json::array({""})},
                             {"resources", json::array({"services", "endpoints", "pods"})},
                             {"verbs", json::array({"get", "list", "watch"})}},
                            {{"apiGroups", json::array({"discovery.k8s.io"})},
                             {"resources", json::array({"endpointslices"})},
                             {"verbs", json::array({"get", "list", "watch"})}}});
  auto role = object("rbac.authorization.k8s.io/v1", "Role", m(sa), nullptr);
  role["rules"] = rules;
  auto binding = object("rbac.authorization.k8s.io/v1", "RoleBinding", m(sa), nullptr);
  binding["roleRef"] = {{"apiGroup", "rbac.authorization.k8s.io"}, {"kind", "Role"}, {"name", sa}};
  binding["subjects"] = json::array(
      {{{"kind", "ServiceAccount"}, {"name", sa}, {"namespace", model.namespace_name()}}});
  json spec = {
      {"serviceAccountName", sa},
      {"replicas", 1},
      {"serviceMonitorSelector", {{"matchLabels", {{"app.kubernetes.io/managed-by", kManagedBy}}}}},
      {"serviceMonitorNamespaceSelector", json::object()}};
  return {object("v1", "ServiceAccount", m(sa), nullptr), role, binding,
          object("monitoring.coreos.com/v1", "Prometheus", m(kPrometheusName), spec)};
}

json namespace_offloading(const AppModel& model) {
  const auto& spec = model.app["spec"];
  if (!spec.contains("offloading")) return nullptr;
  const auto& o = spec["offloading"];
  json s = {{"namespaceMappingStrategy", o.value("namespaceMappingStrategy", "EnforceSameName")},
            {"podOffloadingStrategy", o.value("podOffloadingStrategy", "LocalAndRemote")}};
  if (o.contains("clusterSelector") && !o["clusterSelector"].empty())
    s["clusterSelector"] = o["clusterSelector"];
  // Liqo wants exactly one NamespaceOffloading per namespace, named "offloading".
  return object("offloading.liqo.io/v1beta1", "NamespaceOffloading",
                meta(model, "offloading",
                     {{"app.kubernetes.io/managed-by", kManagedBy},
                      {"app.kubernetes.io/part-of", model.name()}}),
                s);
}

}  // namespace kapp::render
