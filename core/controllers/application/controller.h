// The Application controller: renders each component into a workload, Services, a
// NetworkPolicy, claims and metrics objects; applies what changed; prunes what the spec no
// longer asks for; never takes over what it does not own; and reports status.
#pragma once

#include "core/engine/manager.h"

namespace kapp::controllers::application {

// Registers the reconciler (reconciler.h) and its watches on `manager` (before Manager::run):
// the Applications, their Components, the objects they own, the claims labelled with their
// name, and the pods so labelled while they fail (application::pod_failure).
void setup(engine::Manager& manager);

}  // namespace kapp::controllers::application
