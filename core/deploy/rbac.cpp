// The controller's permissions: exactly what its reconcilers use, nothing by wildcard.
#include <vector>

#include "core/deploy/objects.h"

namespace kapp::deploy::detail {
namespace {

using nlohmann::json;

const std::vector<std::string> kReadOnly = {"get", "list", "watch"};
const std::vector<std::string> kFull = {"get",    "list",  "watch", "create",
                                        "update", "patch", "delete"};

struct Rule {
  std::string group;
  std::vector<std::string> resources;
  std::vector<std::string> verbs;
};

// Our kinds are created by users; the controller only reads them, writes their status, and
// adds or removes its finalizers (AppLinks clean up objects in other namespaces).
std::vector<Rule> own_kinds() {
  const std::vector<std::string> kinds = {"applications", "components", "applinks", "coinflips"};
  auto with = [&](const std::string& suffix) {
    std::vector<std::string> out;
    for (const auto& kind : kinds) out.push_back(kind + suffix);
    return out;
  };
  return {{"kubectl-app.io", kinds, {"get", "list", "watch", "update", "patch"}},
          {"kubectl-app.io", with("/status"), {"get", "update", "patch"}},
          {"kubectl-app.io", with("/finalizers"), {"update"}}};
}

// The RBAC escalation check lets the controller create the Prometheus instance's Role only
// when it holds every permission that Role grants (services, endpoints, pods, endpointslices:
// get list watch), so those reads are listed here even where a reconciler would not need them.
std::vector<Rule> cluster_rules() {
  auto rules = own_kinds();
  const std::vector<Rule> others = {
      // What each component becomes.
      {"", {"persistentvolumeclaims", "serviceaccounts", "services"}, kFull},
      // Pods: image pull errors and crash loops; namespaces: link consent and offloading.
      {"", {"endpoints", "namespaces", "pods"}, kReadOnly},
      // A CoinFlip's broker credentials, read by name only: no list, no watch.
      {"", {"secrets"}, {"get"}},
      {"", {"events"}, {"create", "patch"}},
      {"apps", {"deployments", "statefulsets"}, kFull},
      {"events.k8s.io", {"events"}, {"create", "patch"}},
      {"networking.k8s.io", {"networkpolicies"}, kFull},
      {"discovery.k8s.io", {"endpointslices"}, kReadOnly},
      // The Prometheus instance's own RBAC, within the namespace it scrapes.
      {"rbac.authorization.k8s.io", {"rolebindings", "roles"}, kFull},
      {"monitoring.coreos.com", {"prometheuses", "servicemonitors"}, kFull},
      {"offloading.liqo.io", {"namespaceoffloadings"}, kFull},
      // To notice optional integrations (Prometheus Operator, Liqo) being installed later.
      {"apiextensions.k8s.io", {"customresourcedefinitions"}, kReadOnly},
  };
  rules.insert(rules.end(), others.begin(), others.end());
  return rules;
}

json to_json(const Rule& rule) {
  return {{"apiGroups", {rule.group}}, {"resources", rule.resources}, {"verbs", rule.verbs}};
}

json service_account_subject(const std::string& ns) {
  return {{"kind", "ServiceAccount"}, {"name", kControllerName}, {"namespace", ns}};
}

}  // namespace

json cluster_role() {
  auto role = new_object("rbac.authorization.k8s.io/v1", "ClusterRole", kControllerName);
  role["rules"] = json::array();
  for (const auto& rule : cluster_rules()) role["rules"].push_back(to_json(rule));
  return role;
}

// Leader election needs its Lease only in the controller's own namespace.
json leader_election_role(const std::string& ns) {
  auto role = new_object("rbac.authorization.k8s.io/v1", "Role", kLeaderElectionName, ns);
  role["rules"] = {to_json({"coordination.k8s.io", {"leases"}, {"get", "create", "update"}})};
  return role;
}

json leader_election_binding(const std::string& ns) {
  auto binding = new_object("rbac.authorization.k8s.io/v1", "RoleBinding", kLeaderElectionName, ns);
  binding["roleRef"] = {
      {"apiGroup", "rbac.authorization.k8s.io"}, {"kind", "Role"}, {"name", kLeaderElectionName}};
  binding["subjects"] = {service_account_subject(ns)};
  return binding;
}

json cluster_role_binding(const std::string& ns) {
  auto binding = new_object("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", kControllerName);
  binding["roleRef"] = {{"apiGroup", "rbac.authorization.k8s.io"},
                        {"kind", "ClusterRole"},
                        {"name", kControllerName}};
  binding["subjects"] = {service_account_subject(ns)};
  return binding;
}

}  // namespace kapp::deploy::detail
