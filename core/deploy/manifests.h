// The objects that run the controller in a cluster (`kubectl app deploy`), like the
// manifests kubebuilder's `make deploy` applies. Pure: no I/O, the same options give the
// same objects, so they can be printed, diffed and tested as files.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace kapp::deploy {

// Cluster-scoped names stay fixed so users find them; only one controller runs per cluster.
inline constexpr const char* kDefaultNamespace = "kubectl-app-system";
inline constexpr const char* kControllerName = "kubectl-app-controller";
inline constexpr const char* kMetricsServiceName = "kubectl-app-controller-metrics";
inline constexpr const char* kLeaderElectionName = "kubectl-app-leader-election";
inline constexpr const char* kManagedByLabel = "app.kubernetes.io/managed-by";

struct DeployOptions {
  std::string namespace_name = kDefaultNamespace;
  std::string image = "ghcr.io/kubectl-app/controller:v" KAPP_VERSION;
  int replicas = 1;                 // more than one: hot standbys behind the leader election
  std::string log_format = "json";  // text or json, as run-controller takes it
};

// Throws UsageError naming the flag when an option cannot make valid objects.
void validate(const DeployOptions& options);

// Namespace, ServiceAccount, ClusterRole, Role, RoleBinding, ClusterRoleBinding, Deployment,
// Service: in the order they must be applied (delete in reverse).
std::vector<nlohmann::json> render_manifests(const DeployOptions& options);

// The labels every object carries, and whether an object found in a cluster is one of ours.
nlohmann::json common_labels();
bool managed_by_us(const nlohmann::json& object);

}  // namespace kapp::deploy
