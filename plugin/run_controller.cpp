// kubectl app run-controller: placeholder until the engine lands.
#include "core/errors.h"
#include "plugin/commands.h"

namespace kapp::cli {

int run_run_controller(const Args&) { throw Error("kubectl app run-controller is not implemented yet"); }

}  // namespace kapp::cli
