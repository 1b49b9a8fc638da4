// Every controller of kubectl-app, set up on a manager by `kubectl app run-controller`.
#pragma once

#include <string>

#include "core/engine/manager.h"

namespace kapp::controllers {

struct Options {
  // The cluster's DNS domain: an AppLink's alias points at <svc>.<ns>.svc.<cluster_domain>.
  std::string cluster_domain = "cluster.local";
};

void setup_all(engine::Manager& manager, const Options& options = {});

}  // namespace kapp::controllers
