#include "core/engine/object.h"

namespace kapp::engine {

const json* metadata_member(const json& object, const char* field) {
  const auto meta = object.find("metadata");
  if (meta == object.end() || !meta->is_object()) return nullptr;
  const auto it = meta->find(field);
  return it != meta->end() ? &*it : nullptr;
}

namespace {
std::string meta_field(const json& object, const char* field) {
  const auto* value = metadata_member(object, field);
  return value && value->is_string() ? value->get<std::string>() : "";
}
}  // namespace

std::string name_of(const json& object) { return meta_field(object, "name"); }
std::string namespace_of(const json& object) { return meta_field(object, "namespace"); }
std::string uid_of(const json& object) { return meta_field(object, "uid"); }
std::string resource_version_of(const json& object) {
  return meta_field(object, "resourceVersion");
}

std::string make_key(const std::string& ns, const std::string& name) {
  return ns.empty() ? name : ns + "/" + name;
}

std::string key_of(const json& object) { return make_key(namespace_of(object), name_of(object)); }

json controller_of(const json& object) {
  const auto* refs = metadata_member(object, "ownerReferences");
  if (!refs || !refs->is_array()) return nullptr;
  for (const auto& ref : *refs) {
    if (ref.is_object() && ref.value("controller", false)) return ref;
  }
  return nullptr;
}

long long generation_of(const json& object) {
  const auto meta = object.find("metadata");
  if (meta == object.end() || !meta->is_object()) return 0;
  const auto it = meta->find("generation");
  return it != meta->end() && it->is_number_integer() ? it->get<long long>() : 0;
}

json controller_reference(const json& owner) {
  return {{"apiVersion", owner.value("apiVersion", "")},
          {"kind", owner.value("kind", "")},
          {"name", name_of(owner)},
          {"uid", uid_of(owner)},
          {"controller", true},
          {"blockOwnerDeletion", true}};
}

bool controlled_by(const json& object, const std::string& owner_uid) {
  const auto owner = controller_of(object);
  return owner.is_object() && owner.value("uid", "") == owner_uid;
}

bool refers_to(const json& owner_reference, const std::string& group, const std::string& kind) {
  if (owner_reference.value("kind", "") != kind) return false;
  const auto api_version = owner_reference.value("apiVersion", "");
  const auto slash = api_version.find('/');
  return (slash == std::string::npos ? "" : api_version.substr(0, slash)) == group;
}

bool same_but_version(const json& a, const json& b, bool ignore_status) {
  // Object members are sorted: both are walked side by side.
  if (!a.is_object() || !b.is_object()) return a == b;
  auto x = a.begin(), y = b.begin();
  const auto skip = [ignore_status](const json& object, json::const_iterator& it) {
    if (ignore_status && it != object.end() && it.key() == "status") ++it;
  };
  for (;; ++x, ++y) {
    skip(a, x);
    skip(b, y);
    if (x == a.end() || y == b.end()) return x == a.end() && y == b.end();
    if (x.key() != y.key()) return false;
    if (x.key() != "metadata" || !x->is_object() || !y->is_object()) {
      if (*x != *y) return false;
      continue;
    }
    if (x->size() != y->size()) return false;
    for (auto m = x->begin(), n = y->begin(); m != x->end(); ++m, ++n) {
      if (m.key() != n.key() || (m.key() != "resourceVersion" && *m != *n)) return false;
    }
  }
}

}  // namespace kapp::engine
