// kubectl app deploy: placeholder until the deploy manifests land.
#include "core/errors.h"
#include "plugin/commands.h"

namespace kapp::cli {

int run_deploy(const Args&) { throw Error("kubectl app deploy is not implemented yet"); }

}  // namespace kapp::cli
