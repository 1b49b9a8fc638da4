#include "core/deploy/manifests.h"

#include <regex>

#include "core/deploy/objects.h"
#include "core/errors.h"
#include "core/names.h"

namespace kapp::deploy {

using nlohmann::json;

namespace detail {

json new_object(const std::string& api_version, const std::string& kind, const std::string& name,
                const std::string& ns) {
  json metadata = {{"name", name}, {"labels", common_labels()}};
  if (!ns.empty()) metadata["namespace"] = ns;
  return {{"apiVersion", api_version}, {"kind", kind}, {"metadata", std::move(metadata)}};
}

}  // namespace detail

namespace {

json controller_namespace(const std::string& ns) {
  auto object = detail::new_object("v1", "Namespace", ns);
  // The controller's pod meets the restricted standard; enforcing it keeps it that way.
  object["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] = "restricted";
  return object;
}

json service_account(const std::string& ns) {
  return detail::new_object("v1", "ServiceAccount", kControllerName, ns);
}

}  // namespace

void validate(const DeployOptions& options) {
  static const std::regex dns_label("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  const auto& ns = options.namespace_name;
  if (ns.size() > 63 || !std::regex_match(ns, dns_label)) {
    throw UsageError("invalid namespace \"" + ns +
                     "\": a namespace is a DNS label (lower case letters, digits and '-', at "
                     "most 63 characters)");
  }
  if (options.image.empty() || options.image.find_first_of(" \t\n") != std::string::npos)
    throw UsageError("invalid --image \"" + options.image + "\": give an image reference");
  if (options.replicas < 0)
    throw UsageError("invalid --replicas " + std::to_string(options.replicas) + ": must be >= 0");
  if (options.log_format != "json" && options.log_format != "text")
    throw UsageError("invalid --log-format \"" + options.log_format + "\"; use json or text");
}

std::vector<json> render_manifests(const DeployOptions& options) {
  validate(options);
  const auto& ns = options.namespace_name;
  // RBAC before the Deployment, so the controller's first requests are already allowed.
  return {controller_namespace(ns),
          service_account(ns),
          detail::cluster_role(),
          detail::leader_election_role(ns),
          detail::leader_election_binding(ns),
          detail::cluster_role_binding(ns),
          detail::controller_deployment(options),
          detail::metrics_service(ns)};
}

json common_labels() {
  return {{kManagedByLabel, names::kManagedBy}, {"app.kubernetes.io/part-of", "kubectl-app"}};
}

bool managed_by_us(const json& object) {
  const auto& metadata = object.value("metadata", json::object());
  const auto labels = metadata.value("labels", json::object());
  return labels.value(kManagedByLabel, "") == names::kManagedBy;
}

}  // namespace kapp::deploy
