// What deploy and undeploy look up in the cluster before they write.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/client/client.h"

namespace kapp::deploy::detail {

// How often a --wait of deploy or undeploy reads the cluster again.
inline constexpr auto kPollInterval = std::chrono::milliseconds(250);

// "deployment.apps/NAME", as kubectl prints applied objects.
std::string object_ref(const client::ResourceType& type, const std::string& name);
// deployment.apps "NAME", as kubectl prints deleted ones.
std::string quoted_ref(const client::ResourceType& type, const std::string& name);

// The namespace whose ServiceAccount the controller's ClusterRoleBinding binds; nullopt when
// there is no such binding.
std::optional<std::string> bound_namespace(client::Client& client);

}  // namespace kapp::deploy::detail
