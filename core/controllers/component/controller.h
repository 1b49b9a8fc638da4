// The Component controller: a Component object joins the Application its spec names. Its
// workload is the Application controller's work; this one reports the Component's own status,
// and marks a Component whose Application does not exist as Failed (ApplicationNotFound).
#pragma once

#include "core/engine/manager.h"

namespace kapp::controllers::component {

// Registers the reconciler (reconciler.h) and its watches on `manager` (before Manager::run):
// the Components, and the Applications they name.
void setup(engine::Manager& manager);

}  // namespace kapp::controllers::component
