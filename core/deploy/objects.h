// The builders behind render_manifests, one file per concern (RBAC, the workload).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "core/deploy/manifests.h"

namespace kapp::deploy::detail {

// apiVersion, kind and metadata (with the common labels); `ns` empty for cluster-scoped kinds.
nlohmann::json new_object(const std::string& api_version, const std::string& kind,
                          const std::string& name, const std::string& ns = "");

// rbac.cpp
nlohmann::json cluster_role();
nlohmann::json leader_election_role(const std::string& ns);
nlohmann::json leader_election_binding(const std::string& ns);
nlohmann::json cluster_role_binding(const std::string& ns);

// workload.cpp
nlohmann::json controller_deployment(const DeployOptions& options);
nlohmann::json metrics_service(const std::string& ns);

}  // namespace kapp::deploy::detail
