#include "core/client/resource.h"

namespace kapp::client {

std::string ResourceType::path(const std::string& ns, const std::string& name) const {
  std::string p = group.empty() ? "/api/" + version : "/apis/" + group + "/" + version;
  if (namespaced && !ns.empty()) p += "/namespaces/" + ns;
  p += "/" + resource;
  if (!name.empty()) p += "/" + name;
  return p;
}

namespace resources {
const ResourceType kNamespace{"", "v1", "namespaces", "Namespace", false};
const ResourceType kCustomResourceDefinition{
    "apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", false};
const ResourceType kConfigMap{"", "v1", "configmaps", "ConfigMap", true};
const ResourceType kSecret{"", "v1", "secrets", "Secret", true};
const ResourceType kPod{"", "v1", "pods", "Pod", true};
const ResourceType kService{"", "v1", "services", "Service", true};
const ResourceType kPersistentVolumeClaim{"", "v1", "persistentvolumeclaims",
                                          "PersistentVolumeClaim", true};
const ResourceType kEvent{"", "v1", "events", "Event", true};
const ResourceType kDeployment{"apps", "v1", "deployments", "Deployment", true};
const ResourceType kStatefulSet{"apps", "v1", "statefulsets", "StatefulSet", true};
const ResourceType kNetworkPolicy{"networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy",
                                  true};
const ResourceType kLease{"coordination.k8s.io", "v1", "leases", "Lease", true};
const ResourceType kApplication{"kubectl-app.io", "v1alpha1", "applications", "Application", true};
const ResourceType kComponent{"kubectl-app.io", "v1alpha1", "components", "Component", true};
const ResourceType kAppLink{"kubectl-app.io", "v1alpha1", "applinks", "AppLink", true};
const ResourceType kCoinFlip{"kubectl-app.io", "v1alpha1", "coinflips", "CoinFlip", true};
}  // namespace resources

}  // namespace kapp::client
