// NetworkPolicy semantics, evaluated from the policy objects themselves, so tests can say
// "admits exactly these pods on these ports" on a cluster whose kwok nodes enforce nothing.
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

namespace kapp::test {

struct PodRef {
  std::string namespace_name;
  nlohmann::json labels = nlohmann::json::object();
};

// Whether the ingress NetworkPolicies `policies` (all those of `to`'s namespace) admit a
// connection from `from` to `to` on TCP `port`, as the NetworkPolicy API defines it: a pod no
// policy selects admits everything; a selected pod admits what any rule of any selecting policy
// allows. Namespaces are matched by their kubernetes.io/metadata.name label; only matchLabels
// selectors are understood (the ones kubectl-app writes).
bool admits(const std::vector<nlohmann::json>& policies, const PodRef& from, const PodRef& to,
            int port);

}  // namespace kapp::test
