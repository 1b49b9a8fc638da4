// Puts the controller into a cluster and takes it out again (`kubectl app deploy` /
// `undeploy`), never touching objects of the same names that kubectl-app does not manage.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/client/client.h"
#include "core/deploy/manifests.h"

namespace kapp::deploy {

using Progress = std::function<void(const std::string&)>;

struct ApplyOptions {
  bool install_crds = true;  // as `kubectl app install`: the controller needs its kinds served
  bool dry_run = false;      // server-side dry run
  bool wait = false;         // until the Deployment is Available
  std::chrono::milliseconds timeout{120000};
};

// Checks that nothing of ours would be taken over, installs the CRDs, server-side applies every
// manifest in order and optionally waits. A refusal (an object of the same name kubectl-app does
// not manage, or the controller already deployed in another namespace) writes nothing.
// Returns the applied objects, CRDs first.
std::vector<nlohmann::json> deploy_controller(client::Client& client, const DeployOptions& options,
                                              const ApplyOptions& apply, const Progress& progress);

struct RemoveOptions {
  bool dry_run = false;  // server-side dry run
  bool wait = false;     // until every deleted object is gone
  std::chrono::milliseconds timeout{120000};
};

// Deletes, in reverse apply order, what deploy_controller created in `ns`; keeps the CRDs,
// objects kubectl-app does not manage (a namespace it did not create among them), and the
// cluster-scoped RBAC while it serves a controller deployed in another namespace.
void undeploy_controller(client::Client& client, const std::string& ns,
                         const RemoveOptions& options, const Progress& progress);

}  // namespace kapp::deploy
