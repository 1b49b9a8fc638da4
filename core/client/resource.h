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
}  // namespace resources

}  // namespace kapp::client
