#include "core/render/applink.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>

#include "core/engine/object.h"
#include "core/names.h"

namespace kapp::render {
namespace {

json link_labels(const Spec& spec) {
  return {{"app.kubernetes.io/managed-by", names::kManagedBy},
          {names::kLinkLabel, spec.name},
          {names::kLinkNamespaceLabel, spec.from.namespace_name}};
}

json component_selector(const controllers::applink::Endpoint& end) {
  return {{names::kApplicationLabel, end.application}, {names::kComponentLabel, end.component}};
}

}  // namespace

std::string link_host(const Spec& spec, const std::string& cluster_domain) {
  return spec.to.component + "." + spec.to.namespace_name + ".svc." + cluster_domain;
}

bool accepts_links_from(const json& target_app, const std::string& ns) {
  const auto allowed =
      target_app.value("spec", json::object()).value("allowLinksFrom", json::array());
  return std::any_of(allowed.begin(), allowed.end(), [&ns](const json& entry) {
    return entry.is_string() && (entry == "*" || entry == ns);
  });
}

LinkPorts link_ports(const Spec& spec, const Component& target) {
  LinkPorts result;
  json wanted = json::array();
  for (int port : spec.ports) wanted.push_back(port);
  result.policy_ports = policy_ports(target, wanted);
  const auto served = target.spec.value("ports", json::array());
  for (int port : spec.ports) {
    const bool found = std::any_of(served.begin(), served.end(),
                                   [port](const json& p) { return p.value("port", 0) == port; });
    if (!found) result.unserved.push_back(port);
  }
  return result;
}

json alias_service(const json& link, const Spec& spec, const std::string& cluster_domain) {
  auto labels = link_labels(spec);
  labels.erase(names::kLinkNamespaceLabel);  // same namespace: the owner reference says it
  return {{"apiVersion", "v1"},
          {"kind", "Service"},
          {"metadata",
           {{"name", spec.alias},
            {"namespace", spec.from.namespace_name},
            {"labels", labels},
            {"ownerReferences", json::array({engine::controller_reference(link)})}}},
          {"spec", {{"type", "ExternalName"}, {"externalName", link_host(spec, cluster_domain)}}}};
}

std::string link_policy_name(const Spec& spec) {
  // "applink-<ns>-<name>" alone is ambiguous (team/a-x and team-a/x): a hash of the link's
  // namespace and name tells them apart. FNV-1a, 32 bits: stable across builds and platforms.
  std::uint32_t hash = 2166136261u;
  for (const char c : spec.from.namespace_name + "/" + spec.name) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 16777619u;
  }
  char hex[9];
  std::snprintf(hex, sizeof hex, "%08x", hash);
  return "applink-" + spec.name + "-" + hex;
}

bool crosses_namespaces(const Spec& spec) {
  return spec.from.namespace_name != spec.to.namespace_name;
}

json link_policy(const json& link, const Spec& spec, const json& policy_ports) {
  json peer = {{"namespaceSelector",
                {{"matchLabels", {{"kubernetes.io/metadata.name", spec.from.namespace_name}}}}},
               {"podSelector", {{"matchLabels", component_selector(spec.from)}}}};
  json rule = {{"from", json::array({peer})}};
  if (!policy_ports.empty()) rule["ports"] = policy_ports;
  json meta = {{"name", link_policy_name(spec)},
               {"namespace", spec.to.namespace_name},
               {"labels", link_labels(spec)}};
  if (!crosses_namespaces(spec))
    meta["ownerReferences"] = json::array({engine::controller_reference(link)});
  return {{"apiVersion", "networking.k8s.io/v1"},
          {"kind", "NetworkPolicy"},
          {"metadata", meta},
          {"spec",
           {{"podSelector", {{"matchLabels", component_selector(spec.to)}}},
            {"policyTypes", json::array({"Ingress"})},
            {"ingress", json::array({rule})}}}};
}

json link_offloading(const Spec& spec, const std::string& ns, const json& offloading) {
  json s = {{"namespaceMappingStrategy", "EnforceSameName"},
            {"podOffloadingStrategy", "LocalAndRemote"}};
  if (offloading.contains("clusterSelector") && !offloading["clusterSelector"].empty())
    s["clusterSelector"] = offloading["clusterSelector"];
  return {{"apiVersion", "offloading.liqo.io/v1beta1"},
          {"kind", "NamespaceOffloading"},
          {"metadata", {{"name", "offloading"}, {"namespace", ns}, {"labels", link_labels(spec)}}},
          {"spec", s}};
}

}  // namespace kapp::render
