// The validator's parts, shared by its .cpp files only (not a public header).
#pragma once

#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/validation/validator.h"

namespace kapp::validation {

using nlohmann::json;

// Where a node is: member names and list indexes from the object's root.
class Path {
 public:
  Path() = default;
  Path key(const std::string& name) const;
  Path index(std::size_t i) const;
  // "spec.components[1].replicas", as the API server names fields.
  std::string field() const;
  // "/spec/components/1/replicas" (RFC 6901), to find the node's line.
  std::string pointer() const;
  const std::vector<std::variant<std::string, std::size_t>>& segments() const { return segments_; }

 private:
  std::vector<std::variant<std::string, std::size_t>> segments_;
};

Problem problem(const Path& at, std::string detail);
// The JSON type of `value` as the server names it in "Invalid value" ("object", "integer", ...).
std::string type_name(const json& value);
// A value as the server prints it after "Invalid value: ": strings quoted, others as JSON.
std::string shown(const json& value);
// "Invalid value: -3: should be ...", and for CEL rules "Invalid value: \"object\": ...".
std::string invalid(const json& value, const std::string& rule);

// The OpenAPI v3 schema (openAPIV3Schema) of one of our kinds; null when not ours.
const json* schema_of(const std::string& api_version, const std::string& kind);

// Prunes nulls (unless nullable), applies defaults, refuses unknown fields and duplicate items
// of x-kubernetes-list-type set/map lists, as the server does before and around its schema
// checks. `value` is changed in place.
void structural(const json& schema, json& value, const Path& at, std::vector<Problem>& out);

// The schema's own keywords (types, required, enum, bounds, lengths, patterns), checked by
// valijson against `schema` converted to JSON Schema.
void check_schema(const std::string& api_version, const std::string& kind, const json& value,
                  std::vector<Problem>& out);

// The CEL rules of our CRDs that need no old object, restated. `object` is defaulted.
void check_rules(const std::string& kind, const json& object, std::vector<Problem>& out);

// metadata of any kind: name, namespace, labels, annotations, no unknown field.
// `label_name`: names of this kind must be DNS-1123 labels rather than subdomains.
void check_metadata(const json& object, bool label_name, std::vector<Problem>& out);

}  // namespace kapp::validation
