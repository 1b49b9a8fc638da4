// Every controller of kubectl-app, set up on a manager by `kubectl app run-controller`.
#pragma once

#include "core/engine/manager.h"

namespace kapp::controllers {

void setup_all(engine::Manager& manager);

}  // namespace kapp::controllers
