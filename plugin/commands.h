// The verbs of `kubectl app`, one file each.
#pragma once

#include "plugin/cli.h"

namespace kapp::cli {

int run_version(const Args& args);
int run_install(const Args& args);
int run_uninstall(const Args& args);

}  // namespace kapp::cli
