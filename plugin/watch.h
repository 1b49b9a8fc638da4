// --watch for get and status: follow one kind (or one object) until interrupted.
#pragma once

#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/client/client.h"

namespace kapp::cli {

// Calls on_change for every change after `resource_version`, reconnecting when the server
// ends a stream and starting afresh from a new list when the version is too old, until
// on_change returns false (or the process is interrupted, as kubectl get -w is).
void follow(
    client::Client& client, const client::ResourceType& type, const std::string& ns,
    const std::string& name, std::string resource_version,
    const std::function<bool(const std::string& event, const nlohmann::json& object)>& on_change);

}  // namespace kapp::cli
