// The CEL rules (x-kubernetes-validations) of crds/*.yaml that need no old object, restated:
// without a CEL engine the client cannot run them. Each carries the CRD's own message, at the
// field the rule is on, as the server reports it ("spec: Invalid value: \"object\": ..."); the
// line is the offending item's. tests/unit/validation_test.cpp has a case per rule, and
// crds_test.cpp checks that every rule of the CRDs is listed here or in kServerOnlyRules.
#include <map>
#include <set>

#include "core/validation/checks.h"

namespace kapp::validation {
namespace {

// A rule broken at `rule_on` (the node the rule is on), shown at `line_at`'s line.
Problem broken(const Path& rule_on, const Path& line_at, const std::string& message) {
  return {rule_on.field(), "Invalid value: \"object\": " + message, line_at.pointer()};
}

const json& member(const json& object, const char* name) {
  static const json none;
  if (!object.is_object()) return none;
  const auto it = object.find(name);
  return it == object.end() ? none : *it;
}

std::size_t count(const json& list) { return list.is_array() ? list.size() : 0; }

// Safe on any shape: the rules run after the schema check, but must not throw whatever comes.
std::string text(const json& object, const char* name, const std::string& fallback = "") {
  const auto& value = member(object, name);
  return value.is_string() ? value.get<std::string>() : fallback;
}
long long number(const json& object, const char* name) {
  const auto& value = member(object, name);
  return value.is_number_integer() ? value.get<long long>() : 0;
}

// The rules of one component: an inline one (spec.components[i]) or a Component's spec.
void component_rules(const json& c, const Path& at, std::vector<Problem>& out) {
  const auto& ports = member(c, "ports");
  std::set<long long> numbers;
  std::set<std::string> names;
  for (std::size_t i = 0; i < count(ports); ++i) {
    const auto& p = ports[i];
    if (!numbers.insert(number(p, "port")).second)
      out.push_back(
          broken(at, at.key("ports").index(i), "port numbers must be unique within a component"));
    if (member(p, "name").is_string() && !names.insert(text(p, "name")).second)
      out.push_back(
          broken(at, at.key("ports").index(i), "port names must be unique within a component"));
  }
  if (member(c, "isExposingMetrics") == true) {
    const auto metrics_port = text(member(c, "metrics"), "port", "metrics");
    if (!names.count(metrics_port))
      out.push_back(broken(at, at.key("isExposingMetrics"),
                           "isExposingMetrics needs metrics.port to name one of the component's "
                           "ports (ServiceMonitors select ports by name)"));
  }
  if (member(c, "expose").is_object() &&
      text(member(c, "expose"), "type", "ClusterIP") != "ClusterIP" && count(ports) == 0)
    out.push_back(broken(at, at.key("expose"), "an exposed component needs at least one port"));
  const auto& volumes = member(c, "volumes");
  std::set<std::string> volume_names;
  for (std::size_t i = 0; i < count(volumes); ++i)
    if (!volume_names.insert(text(volumes[i], "name")).second)
      out.push_back(
          broken(at, at.key("volumes").index(i), "volume names must be unique within a component"));
}

// Not a CRD rule but what the controller relies on: a communication to an inline component
// dials ports that component serves (the server cannot see this; the NetworkPolicy would
// admit a port nothing listens on).
void communication_ports(const json& k, const json* to, const Path& at, std::vector<Problem>& out) {
  if (to == nullptr) return;
  std::set<long long> served;
  std::string list;
  for (const auto& p : member(*to, "ports")) {
    served.insert(number(p, "port"));
    list += (list.empty() ? "" : ", ") + std::to_string(number(p, "port"));
  }
  const auto& ports = member(k, "ports");
  for (std::size_t i = 0; i < count(ports); ++i) {
    if (!ports[i].is_number_integer() || served.count(ports[i].get<long long>())) continue;
    out.push_back(problem(
        at.key("ports").index(i),
        invalid(ports[i], "component \"" + text(k, "to") + "\" serves no such port (its ports: " +
                              (list.empty() ? "none" : list) + ")")));
  }
}

void application_rules(const json& spec, const Path& at, std::vector<Problem>& out) {
  const auto& components = member(spec, "components");
  const auto& refs = member(spec, "componentRefs");
  if (count(components) == 0 && count(refs) == 0)
    out.push_back(broken(
        at, at,
        "an application needs at least one component in spec.components or spec.componentRefs"));
  std::map<std::string, const json*> inline_components;
  for (std::size_t i = 0; i < count(components); ++i) {
    const auto name = text(components[i], "name");
    if (!inline_components.emplace(name, &components[i]).second)
      out.push_back(broken(at, at.key("components").index(i).key("name"),
                           "component names must be unique within spec.components"));
    component_rules(components[i], at.key("components").index(i), out);
  }
  std::set<std::string> ref_names;
  for (std::size_t i = 0; i < count(refs); ++i) {
    const auto ref = refs[i].is_string() ? refs[i].get<std::string>() : "";
    ref_names.insert(ref);
    if (inline_components.count(ref))
      out.push_back(
          broken(at, at.key("componentRefs").index(i),
                 "a name in spec.componentRefs is also an inline component; rename one of them"));
  }
  const auto& communications = member(spec, "internalCommunications");
  for (std::size_t i = 0; i < count(communications); ++i) {
    const auto& k = communications[i];
    const auto here = at.key("internalCommunications").index(i);
    for (const char* end : {"from", "to"}) {
      const auto name = text(k, end);
      if (!inline_components.count(name) && !ref_names.count(name))
        out.push_back(broken(at, here.key(end),
                             std::string("every internalCommunications[].") + end +
                                 " must name a component of this application"));
    }
    const auto to = inline_components.find(text(k, "to"));
    communication_ports(k, to == inline_components.end() ? nullptr : to->second, here, out);
  }
}

}  // namespace

void check_rules(const std::string& kind, const json& object, std::vector<Problem>& out) {
  const Path spec = Path().key("spec");
  if (kind == "Application") application_rules(member(object, "spec"), spec, out);
  if (kind == "Component") component_rules(member(object, "spec"), spec, out);
  if (kind == "AppLink") {
    const auto name = text(member(object, "metadata"), "name");
    if (name.size() > 63)
      out.push_back(problem(Path().key("metadata").key("name"),
                            invalid(name,
                                    "an AppLink's name is at most 63 characters (its "
                                    "objects carry it as a label value)")));
  }
}

}  // namespace kapp::validation
