// What the API server does around the schema's own checks, from Kubernetes' extensions to
// OpenAPI (k8s.io/apiextensions-apiserver: pruning, defaulting, strict field validation).
#include <set>

#include "core/validation/checks.h"

namespace kapp::validation {
namespace {

bool flag(const json& schema, const char* name) {
  const auto it = schema.find(name);
  return it != schema.end() && it->is_boolean() && it->get<bool>();
}

// The schema of member `name` of an object `schema` describes; null when it has none.
const json* member_schema(const json& schema, const std::string& name) {
  const auto properties = schema.find("properties");
  if (properties != schema.end() && properties->contains(name)) return &(*properties)[name];
  const auto additional = schema.find("additionalProperties");
  if (additional != schema.end() && additional->is_object()) return &*additional;
  return nullptr;
}

void structural_object(const json& schema, json& value, const Path& at, std::vector<Problem>& out) {
  const auto additional = schema.find("additionalProperties");
  const bool any_member =
      flag(schema, "x-kubernetes-preserve-unknown-fields") ||
      (additional != schema.end() && additional->is_boolean() && additional->get<bool>());
  for (auto it = value.begin(); it != value.end();) {
    const json* child = member_schema(schema, it.key());
    if (child == nullptr && !any_member) {
      // Strict field validation (kubectl --validate=strict, the default since 1.27).
      const auto field = at.key(it.key());
      out.push_back({"", "unknown field \"" + field.field() + "\"", field.pointer()});
      it = value.erase(it);
    } else if (it->is_null() && child != nullptr && !flag(*child, "nullable")) {
      it = value.erase(it);  // pruned: null stands for "not set" unless the schema is nullable
    } else {
      ++it;
    }
  }
  // Defaults are applied before validation, so rules see them (metrics.port: "metrics").
  if (const auto properties = schema.find("properties"); properties != schema.end()) {
    for (const auto& [name, property] : properties->items())
      if (!value.contains(name) && property.contains("default")) value[name] = property["default"];
  }
  for (auto& [name, member] : value.items())
    if (const json* child = member_schema(schema, name))
      structural(*child, member, at.key(name), out);
}

// x-kubernetes-list-type: set (items unique) or map (unique by x-kubernetes-list-map-keys).
void unique_items(const json& schema, const json& value, const Path& at,
                  std::vector<Problem>& out) {
  const auto type = schema.value("x-kubernetes-list-type", "");
  if (type != "set" && type != "map") return;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < value.size(); ++i) {
    json key = value[i];
    if (type == "map" && value[i].is_object()) {
      key = json::object();
      for (const auto& name : schema.value("x-kubernetes-list-map-keys", json::array()))
        if (name.is_string() && value[i].contains(name.get<std::string>()))
          key[name.get<std::string>()] = value[i][name.get<std::string>()];
    }
    if (!seen.insert(key.dump()).second)
      out.push_back(problem(at.index(i), "Duplicate value: " + key.dump()));
  }
}

}  // namespace

void structural(const json& schema, json& value, const Path& at, std::vector<Problem>& out) {
  if (!schema.is_object()) return;
  // A value of another type than the schema's is left as it is, for the type check to name.
  const auto type = schema.value("type", "");
  const bool any_type = type.empty() && flag(schema, "x-kubernetes-preserve-unknown-fields");
  if (value.is_object() && (type == "object" || any_type)) {
    structural_object(schema, value, at, out);
  } else if (value.is_array() && type == "array") {
    unique_items(schema, value, at, out);
    if (const auto items = schema.find("items"); items != schema.end())
      for (std::size_t i = 0; i < value.size(); ++i) structural(*items, value[i], at.index(i), out);
  }
}

}  // namespace kapp::validation
