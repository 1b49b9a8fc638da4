// Small accessors for Kubernetes objects held as JSON.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace kapp::engine {

using nlohmann::json;

std::string name_of(const json& object);
std::string namespace_of(const json& object);
std::string uid_of(const json& object);
std::string resource_version_of(const json& object);
// "namespace/name", or "name" for cluster-scoped objects: the work queue's key.
std::string key_of(const json& object);
std::string make_key(const std::string& ns, const std::string& name);
// The owner reference marked controller=true, or null.
json controller_of(const json& object);

}  // namespace kapp::engine
