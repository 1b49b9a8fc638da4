#include "core/validation/validator.h"

#include <map>
#include <set>

#include "core/errors.h"
#include "core/names.h"
#include "core/validation/checks.h"

namespace kapp::validation {
namespace {

enum class NameRule { Subdomain, Label, Any };

// Kubernetes' built-in kinds (v1.30) as "apiVersion/Kind", with the rule their names follow
// (k8s.io/kubernetes pkg/apis/*/validation: most are DNS-1123 subdomains; a Namespace's is a
// label; RBAC's are path segments, checked here only as strings).
const std::map<std::string, NameRule>& builtin_kinds() {
  static const std::map<std::string, NameRule> kinds = [] {
    std::map<std::string, NameRule> out;
    const auto add = [&](const std::string& api_version, std::initializer_list<const char*> names,
                         NameRule rule = NameRule::Subdomain) {
      for (const char* kind : names) out[api_version + "/" + kind] = rule;
    };
    add("v1", {"ConfigMap", "Secret", "Pod", "PodTemplate", "ServiceAccount",
               "PersistentVolumeClaim", "PersistentVolume", "Endpoints", "Event", "LimitRange",
               "ResourceQuota", "ReplicationController", "Node", "Binding"});
    add("v1", {"Namespace", "Service"}, NameRule::Label);  // a Service's: a DNS-1035 label
    add("apps/v1", {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ControllerRevision"});
    add("batch/v1", {"Job", "CronJob"});
    add("networking.k8s.io/v1", {"NetworkPolicy", "Ingress", "IngressClass"});
    add("rbac.authorization.k8s.io/v1",
        {"Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding"}, NameRule::Any);
    add("apiextensions.k8s.io/v1", {"CustomResourceDefinition"});
    add("policy/v1", {"PodDisruptionBudget"});
    add("autoscaling/v1", {"HorizontalPodAutoscaler"});
    add("autoscaling/v2", {"HorizontalPodAutoscaler"});
    add("coordination.k8s.io/v1", {"Lease"});
    add("storage.k8s.io/v1",
        {"StorageClass", "CSIDriver", "CSINode", "VolumeAttachment", "CSIStorageCapacity"});
    add("scheduling.k8s.io/v1", {"PriorityClass"});
    add("node.k8s.io/v1", {"RuntimeClass"});
    add("discovery.k8s.io/v1", {"EndpointSlice"});
    add("events.k8s.io/v1", {"Event"});
    add("certificates.k8s.io/v1", {"CertificateSigningRequest"});
    add("admissionregistration.k8s.io/v1",
        {"ValidatingWebhookConfiguration", "MutatingWebhookConfiguration",
         "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding"});
    add("flowcontrol.apiserver.k8s.io/v1", {"FlowSchema", "PriorityLevelConfiguration"});
    add("apiregistration.k8s.io/v1", {"APIService"});
    return out;
  }();
  return kinds;
}

// The group of an apiVersion: "" for "v1", "apps" for "apps/v1".
std::string group_of(const std::string& api_version) {
  const auto slash = api_version.find('/');
  return slash == std::string::npos ? "" : api_version.substr(0, slash);
}

// Groups whose every kind this binary knows: a kind not known in them does not exist.
bool known_group(const std::string& group) {
  static const std::set<std::string> groups = [] {
    std::set<std::string> out{names::kGroup};
    for (const auto& [key, rule] : builtin_kinds())
      out.insert(group_of(key.substr(0, key.rfind('/'))));
    return out;
  }();
  return groups.count(group) > 0;
}

// apiVersion or kind: a non-empty string.
bool type_field(const json& object, const char* name, std::vector<Problem>& out) {
  const Path at = Path().key(name);
  const auto it = object.find(name);
  if (it == object.end() || it->is_null() || *it == "") {
    out.push_back(problem(at, "Required value"));
    return false;
  }
  if (!it->is_string()) {
    out.push_back(problem(at, "Invalid value: \"" + type_name(*it) + "\": must be of type string"));
    return false;
  }
  return true;
}

// Our kinds: the structural pass, the schema, then (on a document the schema accepts, as CEL
// needs well-typed values) the rules.
void check_ours(const json& object, const json& schema, std::vector<Problem>& out) {
  const auto api_version = object["apiVersion"].get<std::string>();
  const auto kind = object["kind"].get<std::string>();
  json body = object;
  body.erase("status");
  const json metadata = body["metadata"];
  body.erase("metadata");  // ObjectMeta is check_metadata's
  const auto before = out.size();
  structural(schema, body, Path(), out);
  // The schema's own bounds on metadata.name (maxLength, pattern), when it is a string.
  if (metadata.is_object() && metadata.contains("name") && metadata["name"].is_string())
    body["metadata"] = {{"name", metadata["name"]}};
  check_schema(api_version, kind, body, out);
  if (out.size() != before) return;
  body["metadata"] = metadata;
  check_rules(kind, body, out);
}

std::string string_at(const json& object, const char* name) {
  if (!object.is_object()) return "";
  const auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

Result validate(const json& object) {
  Result result;
  auto& out = result.problems;
  if (!object.is_object()) {
    out.push_back({"",
                   "Invalid value: \"" + type_name(object) +
                       "\": a document must be a mapping (an object) with apiVersion, kind "
                       "and metadata",
                   ""});
    return result;
  }
  const bool has_api_version = type_field(object, "apiVersion", out);
  const bool has_kind = type_field(object, "kind", out);
  if (!has_api_version || !has_kind) return result;
  const auto api_version = object["apiVersion"].get<std::string>();
  const auto kind = object["kind"].get<std::string>();
  const json* schema = schema_of(api_version, kind);
  const auto builtin = builtin_kinds().find(api_version + "/" + kind);
  if (schema == nullptr && builtin == builtin_kinds().end()) {
    if (known_group(group_of(api_version))) {
      // kubectl's RESTMapper words it so ("no matches for kind ... in version ...").
      out.push_back(
          problem(Path().key("kind"), invalid(kind, "no matches for kind \"" + kind +
                                                        "\" in version \"" + api_version + "\"")));
      return result;
    }
    result.fully_checked = false;  // a third-party kind: the server knows its schema
  }
  const bool label_name = builtin != builtin_kinds().end() && builtin->second == NameRule::Label;
  if (builtin == builtin_kinds().end() || builtin->second != NameRule::Any) {
    check_metadata(object, label_name, out);
  }
  if (schema != nullptr) check_ours(object, *schema, out);
  return result;
}

std::string describe(const objects::Manifest& manifest, const Problem& problem) {
  std::string line;
  if (manifest.positions) {
    line = manifest.source + ":" + std::to_string(manifest.line_of(problem.pointer)) +
           ": document " + std::to_string(manifest.index);
  }
  const auto kind = string_at(manifest.object, "kind");
  const auto name = string_at(manifest.object.is_object() && manifest.object.contains("metadata")
                                  ? manifest.object["metadata"]
                                  : json(),
                              "name");
  if (!kind.empty()) {
    line += (line.empty() ? "" : ", ") + kind + (name.empty() ? "" : " \"" + name + "\"");
  }
  line += ": ";
  if (!problem.field.empty()) line += problem.field + ": ";
  return line + problem.detail;
}

std::vector<const objects::Manifest*> check_all(const std::vector<objects::Manifest>& manifests) {
  std::vector<std::string> lines;
  std::vector<const objects::Manifest*> unchecked;
  for (const auto& manifest : manifests) {
    const auto result = validate(manifest.object);
    for (const auto& p : result.problems) lines.push_back(describe(manifest, p));
    if (!result.fully_checked) unchecked.push_back(&manifest);
  }
  if (!lines.empty()) throw InvalidInput(std::move(lines));
  return unchecked;
}

}  // namespace kapp::validation
