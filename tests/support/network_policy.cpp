#include "tests/support/network_policy.h"

#include <algorithm>

namespace kapp::test {
namespace {

using nlohmann::json;

bool selects(const json& selector, const json& labels) {
  const auto match = selector.value("matchLabels", json::object());
  for (const auto& [key, value] : match.items()) {
    if (!labels.contains(key) || labels[key] != value) return false;
  }
  return true;
}

bool peer_matches(const json& peer, const std::string& policy_ns, const PodRef& from) {
  if (peer.contains("namespaceSelector")) {
    const json ns_labels = {{"kubernetes.io/metadata.name", from.namespace_name}};
    if (!selects(peer["namespaceSelector"], ns_labels)) return false;
  } else if (from.namespace_name != policy_ns) {
    return false;  // a podSelector alone means the policy's own namespace
  }
  return !peer.contains("podSelector") || selects(peer["podSelector"], from.labels);
}

bool rule_admits(const json& rule, const std::string& policy_ns, const PodRef& from, int port) {
  const auto peers = rule.value("from", json::array());
  const bool peer_ok =
      peers.empty() || std::any_of(peers.begin(), peers.end(), [&](const json& peer) {
        return peer_matches(peer, policy_ns, from);
      });
  const auto ports = rule.value("ports", json::array());
  const bool port_ok =
      ports.empty() || std::any_of(ports.begin(), ports.end(), [&](const json& p) {
        return p.value("protocol", "TCP") == "TCP" && (!p.contains("port") || p["port"] == port);
      });
  return peer_ok && port_ok;
}

}  // namespace

bool admits(const std::vector<json>& policies, const PodRef& from, const PodRef& to, int port) {
  bool selected = false;
  for (const auto& policy : policies) {
    const auto ns = policy["metadata"].value("namespace", "");
    const auto spec = policy.value("spec", json::object());
    const auto types = spec.value("policyTypes", json::array({"Ingress"}));
    if (ns != to.namespace_name || !selects(spec.value("podSelector", json::object()), to.labels) ||
        std::find(types.begin(), types.end(), "Ingress") == types.end())
      continue;
    selected = true;
    for (const auto& rule : spec.value("ingress", json::array()))
      if (rule_admits(rule, ns, from, port)) return true;
  }
  return !selected;
}

}  // namespace kapp::test
