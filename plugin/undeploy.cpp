// kubectl app undeploy: placeholder until the deploy manifests land.
#include "core/errors.h"
#include "plugin/commands.h"

namespace kapp::cli {

int run_undeploy(const Args&) { throw Error("kubectl app undeploy is not implemented yet"); }

}  // namespace kapp::cli
