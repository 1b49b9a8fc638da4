#include "core/deploy/cluster_state.h"

#include <cctype>

#include "core/deploy/manifests.h"

namespace kapp::deploy::detail {

using nlohmann::json;

namespace {
std::string kind_ref(const client::ResourceType& type) {
  std::string kind = type.kind;
  for (auto& c : kind) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return type.group.empty() ? kind : kind + "." + type.group;
}
}  // namespace

std::string object_ref(const client::ResourceType& type, const std::string& name) {
  return kind_ref(type) + "/" + name;
}

std::string quoted_ref(const client::ResourceType& type, const std::string& name) {
  return kind_ref(type) + " \"" + name + "\"";
}

std::optional<std::string> bound_namespace(client::Client& client) {
  const auto type = client.resource_for("rbac.authorization.k8s.io/v1", "ClusterRoleBinding");
  const auto binding = client.get_if_exists(type, "", kControllerName);
  if (!binding) return std::nullopt;
  for (const auto& subject : binding->value("subjects", json::array())) {
    if (subject.value("kind", "") == "ServiceAccount" &&
        subject.value("name", "") == kControllerName)
      return subject.value("namespace", "");
  }
  return std::nullopt;
}

}  // namespace kapp::deploy::detail
