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
// metadata.<field> itself (no copy), or nullptr when the object has none.
const json* metadata_member(const json& object, const char* field);
std::string make_key(const std::string& ns, const std::string& name);
long long generation_of(const json& object);  // metadata.generation, 0 when absent
// The owner reference marked controller=true, or null.
json controller_of(const json& object);
// An owner reference that makes `owner` (any kind, same namespace) the controller of another
// object, with blockOwnerDeletion as controller-runtime's SetControllerReference sets it.
json controller_reference(const json& owner);
// Whether the controlling owner reference of `object` names this uid.
bool controlled_by(const json& object, const std::string& owner_uid);
// Whether an owner reference names `kind` of API group `group` ("" for core); apiVersion is
// "group/version", so an Application of another group (Argo CD's, KubeVela's) never matches.
bool refers_to(const json& owner_reference, const std::string& group, const std::string& kind);
// Whether two forms of one object say the same but for metadata.resourceVersion and, when
// `ignore_status`, the status member (what a write to the status subresource changes).
bool same_but_version(const json& a, const json& b, bool ignore_status = false);

}  // namespace kapp::engine
