// Our kinds' OpenAPI v3 schemas, from the embedded CRDs, checked with valijson. valijson knows
// JSON Schema, not Kubernetes' dialect of it: the schemas are converted first (the extensions
// are handled in structural.cpp), and its findings are worded again as the API server's field
// errors (k8s.io/apiextensions-apiserver's validation of custom resources).
#include <map>
#include <memory>
#include <optional>

#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include "core/crds/embedded.h"
#include "core/validation/checks.h"
#include "core/yaml/yaml.h"

namespace kapp::validation {
namespace {

// The keywords of OpenAPI v3 that mean the same in JSON Schema draft 7 and hold no schema.
const char* const kPlainKeywords[] = {
    "required", "enum",     "minimum",     "maximum",       "minLength",     "maxLength", "pattern",
    "minItems", "maxItems", "uniqueItems", "minProperties", "maxProperties", "multipleOf"};

// OpenAPI v3 (as CRDs restrict it) to JSON Schema draft 7. Dropped: description, default,
// example and the x-kubernetes-* extensions (structural.cpp applies them); "format" except
// date-time (the server checks int32/int64 by neither bound). int-or-string becomes a type
// list; nullable adds "null" (other nulls are pruned before the check, as the server does).
json to_json_schema(const json& openapi) {
  json out = json::object();
  if (!openapi.is_object()) return out;
  const bool int_or_string = openapi.value("x-kubernetes-int-or-string", false);
  if (int_or_string) {
    out["type"] = json::array({"integer", "string"});
  } else if (openapi.contains("type")) {
    out["type"] = openapi["type"];
    if (openapi.value("nullable", false)) out["type"] = json::array({openapi["type"], "null"});
  }
  for (const char* keyword : kPlainKeywords)
    if (openapi.contains(keyword)) out[keyword] = openapi[keyword];
  if (openapi.value("format", "") == "date-time") out["format"] = "date-time";
  if (openapi.contains("properties")) {
    out["properties"] = json::object();
    for (const auto& [name, property] : openapi["properties"].items())
      out["properties"][name] = to_json_schema(property);
  }
  if (openapi.contains("items")) out["items"] = to_json_schema(openapi["items"]);
  if (openapi.contains("additionalProperties")) {
    const auto& additional = openapi["additionalProperties"];
    out["additionalProperties"] = additional.is_boolean() ? additional : to_json_schema(additional);
  }
  for (const char* list : {"allOf", "oneOf"}) {
    if (!openapi.contains(list)) continue;
    out[list] = json::array();
    for (const auto& branch : openapi[list]) out[list].push_back(to_json_schema(branch));
  }
  if (openapi.contains("anyOf") && !int_or_string) {
    out["anyOf"] = json::array();
    for (const auto& branch : openapi["anyOf"]) out["anyOf"].push_back(to_json_schema(branch));
  }
  if (openapi.contains("not")) out["not"] = to_json_schema(openapi["not"]);
  return out;
}

struct KindSchema {
  json openapi;
  std::unique_ptr<valijson::Schema> compiled;
};

// "kubectl-app.io/v1alpha1/Application" -> its schema, for every served version of every CRD.
const std::map<std::string, KindSchema>& kind_schemas() {
  static const auto schemas = [] {
    std::map<std::string, KindSchema> out;
    for (const auto& file : crds::embedded_files()) {
      const auto crd = yaml::parse(std::string(file.content), std::string(file.name));
      const auto& spec = crd["spec"];
      for (const auto& version : spec["versions"]) {
        if (!version.value("served", false)) continue;
        KindSchema kind{version["schema"]["openAPIV3Schema"], std::make_unique<valijson::Schema>()};
        auto converted = to_json_schema(kind.openapi);
        converted["properties"].erase("status");  // dropped on create (status subresource)
        valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
        valijson::adapters::NlohmannJsonAdapter adapter(converted);
        parser.populateSchema(adapter, *kind.compiled);
        out.emplace(spec["group"].get<std::string>() + "/" + version["name"].get<std::string>() +
                        "/" + spec["names"]["kind"].get<std::string>(),
                    std::move(kind));
      }
    }
    return out;
  }();
  return schemas;
}

// The node of `openapi` that describes the value at `segment` of a value it describes.
const json* child_schema(const json& openapi, const std::string& segment, bool in_array) {
  if (in_array) return openapi.contains("items") ? &openapi["items"] : nullptr;
  if (openapi.contains("properties") && openapi["properties"].contains(segment))
    return &openapi["properties"][segment];
  if (openapi.contains("additionalProperties") && openapi["additionalProperties"].is_object())
    return &openapi["additionalProperties"];
  return nullptr;
}

std::string quoted_list(const json& values) {
  std::string out;
  for (const auto& v : values) out += (out.empty() ? "" : ", ") + shown(v);
  return out;
}

std::string type_rule(const json& openapi) {
  if (openapi.value("x-kubernetes-int-or-string", false))
    return "must be of type integer or string";
  return "must be of type " + openapi.value("type", std::string("object"));
}

bool starts(const std::string& text, const char* prefix) { return text.rfind(prefix, 0) == 0; }

// One of valijson's findings as the server's field error; nullopt for the findings that only
// sum up others ("Failed to validate item #1 in array.").
std::optional<Problem> reword(const std::string& description, const json& openapi,
                              const json& value, const Path& at) {
  const auto bound = [&](const char* keyword) { return openapi.value(keyword, json()).dump(); };
  if (starts(description, "Missing required property '")) {
    const auto name = description.substr(27, description.size() - 29);
    return problem(at.key(name), "Required value");
  }
  if (starts(description, "Value type not permitted"))
    return problem(at, "Invalid value: \"" + type_name(value) + "\": " + type_rule(openapi));
  if (starts(description, "Failed to match against any enum values"))
    return problem(at, "Unsupported value: " + shown(value) +
                           ": supported values: " + quoted_list(openapi.value("enum", json())));
  if (starts(description, "Expected number greater than"))
    return problem(at, invalid(value, "should be greater than or equal to " + bound("minimum")));
  if (starts(description, "Expected number less than"))
    return problem(at, invalid(value, "should be less than or equal to " + bound("maximum")));
  if (starts(description, "String should be no more than"))
    return problem(at, "Too long: may not be more than " + bound("maxLength") + " bytes");
  if (starts(description, "String should be no fewer than"))
    return problem(at, invalid(value, "should be at least " + bound("minLength") + " chars long"));
  if (starts(description, "Array should contain no more than"))
    return problem(at, "Too many: " + std::to_string(value.size()) + ": must have at most " +
                           bound("maxItems") + " items");
  if (starts(description, "Array should contain no fewer than"))
    return problem(at, invalid(value, "should have at least " + bound("minItems") + " items"));
  if (starts(description, "Failed to match regex"))
    return problem(at, invalid(value, "should match '" + openapi.value("pattern", "") + "'"));
  if (starts(description, "String should be a valid date"))
    return problem(at, invalid(value, "must be of format date-time"));
  return std::nullopt;
}

// valijson names a node as "<root>", "[spec]", "[components]", "[1]", ...: the same node as a
// Path, with its value and schema. False when the context does not lead to one.
bool locate(const std::vector<std::string>& context, const json& root, const json& schema, Path& at,
            const json*& value, const json*& openapi) {
  value = &root;
  openapi = &schema;
  for (std::size_t i = 1; i < context.size(); ++i) {
    const auto& part = context[i];
    if (part.size() < 2 || part.front() != '[' || part.back() != ']') return false;
    const auto segment = part.substr(1, part.size() - 2);
    if (value == nullptr || openapi == nullptr) return false;
    if (value->is_array()) {
      const auto index = std::stoul(segment);
      if (index >= value->size()) return false;
      at = at.index(index);
      openapi = child_schema(*openapi, segment, true);
      value = &(*value)[index];
    } else if (value->is_object() && value->contains(segment)) {
      at = at.key(segment);
      openapi = child_schema(*openapi, segment, false);
      value = &(*value)[segment];
    } else {
      return false;
    }
  }
  return openapi != nullptr;
}

}  // namespace

const json* schema_of(const std::string& api_version, const std::string& kind) {
  const auto& schemas = kind_schemas();
  const auto it = schemas.find(api_version + "/" + kind);
  return it == schemas.end() ? nullptr : &it->second.openapi;
}

void check_schema(const std::string& api_version, const std::string& kind, const json& value,
                  std::vector<Problem>& out) {
  const auto it = kind_schemas().find(api_version + "/" + kind);
  if (it == kind_schemas().end()) return;
  const auto& schema = it->second.openapi;
  valijson::Validator validator(valijson::Validator::kStrongTypes);
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter target(value);
  if (validator.validate(*it->second.compiled, target, &results)) return;
  const auto before = out.size();
  valijson::ValidationResults::Error error;
  while (results.popError(error)) {
    Path at;
    const json* node = nullptr;
    const json* openapi = nullptr;
    if (!locate(error.context, value, schema, at, node, openapi)) continue;
    if (auto found = reword(error.description, *openapi, *node, at)) out.push_back(*found);
  }
  // Never let a document through that valijson refused, even for a finding not reworded.
  if (out.size() == before)
    out.push_back(problem(Path(), "Invalid value: \"object\": does not match its schema"));
}

}  // namespace kapp::validation
