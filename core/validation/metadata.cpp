// ObjectMeta as the API server validates it for every kind (k8s.io/apimachinery's
// ValidateObjectMeta and its validation/names.go), with strict field validation's unknown
// fields. Messages are apimachinery's.
#include <regex>
#include <set>

#include "core/validation/checks.h"

namespace kapp::validation {
namespace {

const std::set<std::string> kObjectMetaFields = {"name",
                                                 "generateName",
                                                 "namespace",
                                                 "selfLink",
                                                 "uid",
                                                 "resourceVersion",
                                                 "generation",
                                                 "creationTimestamp",
                                                 "deletionTimestamp",
                                                 "deletionGracePeriodSeconds",
                                                 "labels",
                                                 "annotations",
                                                 "ownerReferences",
                                                 "finalizers",
                                                 "managedFields"};

const char* const kSubdomainRule =
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used "
    "for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const char* const kLabelRule =
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and "
    "must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex "
    "used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const char* const kLabelValueRule =
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "
    "'my_value',  or '12345', regex used for validation is "
    "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const char* const kQualifiedNameRule =
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end "
    "with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used "
    "for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS "
    "subdomain prefix and '/' (e.g. 'example.com/MyName')";

bool is_label(const std::string& s) {
  static const std::regex label("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  return s.size() <= 63 && std::regex_match(s, label);
}

bool is_subdomain(const std::string& s) {
  static const std::regex subdomain(
      "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  return s.size() <= 253 && std::regex_match(s, subdomain);
}

// A label key or annotation key: [prefix/]name, prefix a DNS subdomain, name at most 63.
bool is_qualified_name(const std::string& s) {
  static const std::regex name("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
  const auto slash = s.find('/');
  const auto part = slash == std::string::npos ? s : s.substr(slash + 1);
  if (slash != std::string::npos && !is_subdomain(s.substr(0, slash))) return false;
  return !part.empty() && part.size() <= 63 && std::regex_match(part, name);
}

bool is_label_value(const std::string& s) {
  static const std::regex value("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");
  return s.size() <= 63 && std::regex_match(s, value);
}

void name_rules(const std::string& name, bool label_name, const Path& at,
                std::vector<Problem>& out) {
  if (label_name ? is_label(name) : is_subdomain(name)) return;
  const std::size_t limit = label_name ? 63 : 253;
  if (name.size() > limit) {
    out.push_back(problem(
        at, invalid(name, "must be no more than " + std::to_string(limit) + " characters")));
    return;
  }
  out.push_back(problem(at, invalid(name, label_name ? kLabelRule : kSubdomainRule)));
}

// labels and annotations: maps of strings; label keys and values as apimachinery allows.
void string_map(const json& map, bool labels, const Path& at, std::vector<Problem>& out) {
  if (!map.is_object()) {
    out.push_back(problem(at, "Invalid value: \"" + type_name(map) + "\": must be of type object"));
    return;
  }
  for (const auto& [key, value] : map.items()) {
    if (!is_qualified_name(key)) out.push_back(problem(at, invalid(key, kQualifiedNameRule)));
    if (!value.is_string()) {
      out.push_back(problem(at.key(key),
                            "Invalid value: \"" + type_name(value) + "\": must be of type string"));
    } else if (labels && !is_label_value(value.get<std::string>())) {
      out.push_back(problem(at, invalid(value, kLabelValueRule)));
    }
  }
}

}  // namespace

void check_metadata(const json& object, bool label_name, std::vector<Problem>& out) {
  const Path at = Path().key("metadata");
  const auto it = object.find("metadata");
  if (it == object.end() || it->is_null()) {
    out.push_back(problem(at.key("name"), "Required value: name or generateName is required"));
    return;
  }
  const json& metadata = *it;
  if (!metadata.is_object()) {
    out.push_back(
        problem(at, "Invalid value: \"" + type_name(metadata) + "\": must be of type object"));
    return;
  }
  for (const auto& [key, value] : metadata.items()) {
    if (kObjectMetaFields.count(key)) continue;
    out.push_back({"", "unknown field \"" + at.key(key).field() + "\"", at.key(key).pointer()});
  }
  const auto name = metadata.find("name");
  if (name == metadata.end() || name->is_null() || *name == "") {
    out.push_back(problem(at.key("name"), "Required value: name or generateName is required"));
  } else if (!name->is_string()) {
    out.push_back(problem(at.key("name"),
                          "Invalid value: \"" + type_name(*name) + "\": must be of type string"));
  } else {
    name_rules(name->get<std::string>(), label_name, at.key("name"), out);
  }
  if (const auto ns = metadata.find("namespace"); ns != metadata.end() && !ns->is_null()) {
    if (!ns->is_string()) {
      out.push_back(problem(at.key("namespace"),
                            "Invalid value: \"" + type_name(*ns) + "\": must be of type string"));
    } else if (!ns->get<std::string>().empty()) {
      name_rules(ns->get<std::string>(), true, at.key("namespace"), out);
    }
  }
  for (const char* field : {"labels", "annotations"}) {
    const auto map = metadata.find(field);
    if (map != metadata.end() && !map->is_null())
      string_map(*map, std::string(field) == "labels", at.key(field), out);
  }
}

}  // namespace kapp::validation
