// Finalizers: how a controller holds an object's deletion until it has cleaned up after it.
// Writes carry the object's resourceVersion, so a concurrent change fails with a Conflict
// (the work queue retries with fresh state) instead of dropping another party's finalizer.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "core/client/client.h"

namespace kapp::engine {

bool has_finalizer(const nlohmann::json& object, const std::string& finalizer);
bool being_deleted(const nlohmann::json& object);

// Adds the finalizer unless present (no write then); returns the object as it now is.
nlohmann::json add_finalizer(client::Client& client, const client::ResourceType& type,
                             const nlohmann::json& object, const std::string& finalizer);
// Removes it if present (no write otherwise); the server deletes the object once none is left.
nlohmann::json remove_finalizer(client::Client& client, const client::ResourceType& type,
                                const nlohmann::json& object, const std::string& finalizer);

}  // namespace kapp::engine
