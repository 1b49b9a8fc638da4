// Which REST collection an object lives in.
#pragma once

#include <string>

namespace kapp::client {

struct ResourceType {
  std::string group;  // "" for the core group
  std::string version;
  std::string resource;  // plural, lower case: "deployments"
  std::string kind;
  bool namespaced = true;

  std::string api_version() const { return group.empty() ? version : group + "/" + version; }
  // "deployments.apps", as kubectl names resources in messages.
  std::string qualified() const { return group.empty() ? resource : resource + "." + group; }
  // /apis/apps/v1/namespaces/NS/deployments[/NAME]; `ns` is ignored for cluster-scoped types.
  std::string path(const std::string& ns = "", const std::string& name = "") const;
};

namespace resources {
extern const ResourceType kNamespace;
extern const ResourceType kCustomResourceDefinition;
extern const ResourceType kConfigMap;
extern const ResourceType kSecret;
extern const ResourceType kPod;
extern const ResourceType kService;
extern const ResourceType kPersistentVolumeClaim;
extern const ResourceType kEvent;
extern const ResourceType kDeployment;
extern const ResourceType kStatefulSet;
extern const ResourceType kNetworkPolicy;
extern const ResourceType kLease;
// Ours.
extern const ResourceType kApplication;
extern const ResourceType kComponent;
extern const ResourceType kAppLink;
extern const ResourceType kCoinFlip;
}  // namespace resources

}  // namespace kapp::client
