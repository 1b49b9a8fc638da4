// undeploy_controller: the inverse of deploy_controller, careful about what is not ours.
#include <thread>

#include "core/deploy/cluster_state.h"
#include "core/deploy/deployer.h"
#include "core/engine/object.h"
#include "core/errors.h"

namespace kapp::deploy {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

struct Deleted {
  client::ResourceType type;
  std::string ns;
  std::string name;
};

bool cluster_rbac(const client::ResourceType& type) {
  return !type.namespaced && type.kind != "Namespace";
}

void wait_gone(client::Client& client, const std::vector<Deleted>& deleted,
               std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (const auto& d : deleted) {
    while (client.get_if_exists(d.type, d.ns, d.name)) {
      if (Clock::now() >= deadline) {
        throw Error(detail::object_ref(d.type, d.name) + " is still terminating after " +
                    std::to_string(timeout.count() / 1000) + "s; check its finalizers with " +
                    "`kubectl get " + d.type.qualified() + " " + d.name +
                    (d.ns.empty() ? "" : " -n " + d.ns) + " -o yaml`");
      }
      std::this_thread::sleep_for(detail::kPollInterval);
    }
  }
}

}  // namespace

void undeploy_controller(client::Client& client, const std::string& ns,
                         const RemoveOptions& options, const Progress& progress) {
  auto manifests = render_manifests({.namespace_name = ns});
  const auto bound = detail::bound_namespace(client);
  const bool rbac_serves_another = bound && *bound != ns;
  std::vector<Deleted> deleted;
  bool found_any = false;
  // Reverse apply order: the Deployment goes before the permissions it runs with, and the
  // Namespace last (deleting it would take the rest anyway, but not the cluster-scoped RBAC).
  for (auto it = manifests.rbegin(); it != manifests.rend(); ++it) {
    const auto type = client.resource_for((*it)["apiVersion"], (*it)["kind"]);
    const auto name = engine::name_of(*it), object_ns = engine::namespace_of(*it);
    const auto existing = client.get_if_exists(type, object_ns, name);
    if (!existing) continue;
    const auto ref = detail::object_ref(type, name);
    // A namespace the user made is only worth a word when something of ours was in it.
    if (type.kind == "Namespace" && !found_any && !managed_by_us(*existing)) break;
    found_any = true;
    if (!managed_by_us(*existing)) {
      progress(ref + " left in place: not managed by kubectl-app");
    } else if (cluster_rbac(type) && rbac_serves_another) {
      progress(ref + " left in place: it serves the controller deployed in namespace " + *bound);
    } else {
      client.remove(type, object_ns, name,
                    {.propagation_policy = "Background", .dry_run = options.dry_run});
      progress(detail::quoted_ref(type, name) + " deleted" +
               (options.dry_run ? " (server dry run)" : ""));
      deleted.push_back({type, object_ns, name});
    }
  }
  if (!found_any) progress("no controller deployed by kubectl-app in namespace " + ns);
  if (options.wait && !options.dry_run) wait_gone(client, deleted, options.timeout);
}

}  // namespace kapp::deploy
