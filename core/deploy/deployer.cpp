#include "core/deploy/deployer.h"

#include <thread>

#include "core/crds/installer.h"
#include "core/deploy/cluster_state.h"
#include "core/engine/object.h"
#include "core/errors.h"

namespace kapp::deploy {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

// One manifest with its REST type, and whether (and why) it is left alone.
struct Step {
  client::ResourceType type;
  json object;
  std::string skip_reason;
};

void refuse_second_controller(client::Client& client, const std::string& ns) {
  const auto bound = detail::bound_namespace(client);
  if (!bound || *bound == ns) return;
  // Two controllers would reconcile the same objects, and one binding serves only one of them.
  throw Error("the controller is already deployed in namespace \"" + *bound +
              "\" (clusterrolebinding " + kControllerName +
              " binds its ServiceAccount); remove it first with `kubectl app undeploy -n " +
              *bound + "`");
}

// Resolves every manifest's type and decides, before anything is written, what to leave alone.
std::vector<Step> plan(client::Client& client, const DeployOptions& options, bool dry_run) {
  refuse_second_controller(client, options.namespace_name);
  std::vector<Step> steps;
  bool namespace_exists = true;
  for (auto& object : render_manifests(options)) {
    auto type = client.resource_for(object["apiVersion"], object["kind"]);
    Step step{std::move(type), std::move(object), ""};
    const auto ref = detail::object_ref(step.type, engine::name_of(step.object));
    const auto existing = client.get_if_exists(step.type, engine::namespace_of(step.object),
                                               engine::name_of(step.object));
    if (step.type.kind == "Namespace") {
      namespace_exists = existing.has_value();
      // A namespace the user made stays theirs: undeploy must not delete it with their objects.
      if (existing && !managed_by_us(*existing))
        step.skip_reason = ref + " exists and is not managed by kubectl-app: left as it is";
    } else if (existing && !managed_by_us(*existing)) {
      throw Error(ref + " exists and is not managed by kubectl-app; refusing to take it over: " +
                  "remove or rename it first");
    } else if (dry_run && !namespace_exists && step.type.namespaced) {
      step.skip_reason = ref + " not validated (server dry run): namespace " +
                         options.namespace_name + " does not exist yet";
    }
    steps.push_back(std::move(step));
  }
  return steps;
}

// Empty when the Deployment has rolled out and is Available; otherwise what it waits for.
std::string pending_reason(const json& deployment) {
  const auto status = deployment.value("status", json::object());
  const auto want = deployment["spec"].value("replicas", std::int64_t{1});
  if (status.value("observedGeneration", std::int64_t{0}) <
      deployment["metadata"].value("generation", std::int64_t{0}))
    return "the deployment controller has not observed the latest spec yet";
  std::string replica_failure;
  for (const auto& c : status.value("conditions", json::array())) {
    if (c.value("type", "") == "Progressing" && c.value("reason", "") == "ProgressDeadlineExceeded")
      throw Error("deployment.apps/" + std::string(kControllerName) +
                  " failed to progress: " + c.value("message", ""));
    // Pods that cannot even be created (quota, admission) say why only here.
    if (c.value("type", "") == "ReplicaFailure" && c.value("status", "") == "True")
      replica_failure = ": " + c.value("message", "");
  }
  const auto updated = status.value("updatedReplicas", std::int64_t{0});
  if (updated < want || status.value("replicas", std::int64_t{0}) > updated)
    return std::to_string(updated) + " of " + std::to_string(want) + " replicas updated" +
           replica_failure;
  if (status.value("availableReplicas", std::int64_t{0}) < want)
    return std::to_string(status.value("availableReplicas", 0)) + " of " + std::to_string(want) +
           " replicas available" + replica_failure;
  return "";
}

void wait_available(client::Client& client, const client::ResourceType& type, const std::string& ns,
                    std::chrono::milliseconds timeout, const Progress& progress) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    const auto reason = pending_reason(client.get(type, ns, kControllerName));
    if (reason.empty()) break;
    if (Clock::now() >= deadline) {
      throw Error("deployment.apps/" + std::string(kControllerName) + " in namespace " + ns +
                  " is not Available after " + std::to_string(timeout.count() / 1000) + "s (" +
                  reason + "); check `kubectl -n " + ns + " describe deployment " +
                  kControllerName + "` and its pods");
    }
    std::this_thread::sleep_for(detail::kPollInterval);
  }
  progress(detail::object_ref(type, kControllerName) + " condition met");
}

}  // namespace

std::vector<json> deploy_controller(client::Client& client, const DeployOptions& options,
                                    const ApplyOptions& apply, const Progress& progress) {
  const auto steps = plan(client, options, apply.dry_run);
  std::vector<json> applied;
  if (apply.install_crds)
    applied = crds::install(client, {.dry_run = apply.dry_run, .timeout = apply.timeout}, progress);
  const client::ResourceType* deployment = nullptr;
  for (const auto& step : steps) {
    if (!step.skip_reason.empty()) {
      progress(step.skip_reason);
      continue;
    }
    // Forced: the ownership checks above make every one of these objects ours.
    applied.push_back(
        client.apply(step.type, step.object, {.dry_run = apply.dry_run, .force = true}));
    progress(detail::object_ref(step.type, engine::name_of(step.object)) + " serverside-applied" +
             (apply.dry_run ? " (server dry run)" : ""));
    if (step.type.kind == "Deployment") deployment = &step.type;
  }
  if (apply.wait && !apply.dry_run && deployment)
    wait_available(client, *deployment, options.namespace_name, apply.timeout, progress);
  return applied;
}

}  // namespace kapp::deploy
