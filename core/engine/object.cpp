#include "core/engine/object.h"

namespace kapp::engine {

namespace {
std::string meta_field(const json& object, const char* field) {
  auto meta = object.find("metadata");
  if (meta == object.end() || !meta->is_object()) return "";
  auto it = meta->find(field);
  return it != meta->end() && it->is_string() ? it->get<std::string>() : "";
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
  if (!object.contains("metadata")) return nullptr;
  for (const auto& ref : object["metadata"].value("ownerReferences", json::array())) {
    if (ref.value("controller", false)) return ref;
  }
  return nullptr;
}

}  // namespace kapp::engine
