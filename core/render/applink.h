// What an AppLink asks for, as the objects that provide it: an ExternalName Service in the
// source namespace and a NetworkPolicy in the target namespace. Pure functions.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/controllers/applink/spec.h"
#include "core/render/application.h"

namespace kapp::render {

using controllers::applink::Spec;

// The FQDN of the target component's Service: "<component>.<namespace>.svc.<cluster_domain>"
// (the DNS for Services specification).
std::string link_host(const Spec& spec, const std::string& cluster_domain);

// Whether the target Application consents to links from namespace `ns`: its
// spec.allowLinksFrom lists `ns` or "*".
bool accepts_links_from(const json& target_app, const std::string& ns);

// The ports of the link checked against what the target component serves.
struct LinkPorts {
  json policy_ports = json::array();  // {port, protocol}: target ports to admit
  std::vector<int> unserved;          // requested Service ports the component does not have
};
LinkPorts link_ports(const Spec& spec, const Component& target);

// The ExternalName Service `spec.alias` in the link's namespace, controlled by the link
// (`link` is the AppLink object: its uid makes the owner reference).
json alias_service(const json& link, const Spec& spec, const std::string& cluster_domain);

// The NetworkPolicy's name in the target namespace: unique per link across namespaces.
std::string link_policy_name(const Spec& spec);
// The NetworkPolicy in the target namespace admitting the source component's pods (namespace
// and pod selector) on `policy_ports`. The labels names::kLinkLabel and kLinkNamespaceLabel
// name the link; an owner reference to `link` only when both ends share a namespace (none may
// cross namespaces: the link's finalizer removes it then).
json link_policy(const json& link, const Spec& spec, const json& policy_ports);
// Whether the link's objects live in another namespace than the link (so need its finalizer).
bool crosses_namespaces(const Spec& spec);

// The NamespaceOffloading a link asks for in namespace `ns` when the application at its other
// end is offloaded with `offloading` (that application's spec.offloading): EnforceSameName, so
// the alias's FQDN resolves wherever the pods run, and the same cluster selector. Labelled with
// the link (no owner reference may cross namespaces).
json link_offloading(const Spec& spec, const std::string& ns, const json& offloading);

}  // namespace kapp::render
