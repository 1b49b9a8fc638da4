// The verbs of `kubectl app`, one file each.
#pragma once

#include "plugin/cli.h"

namespace kapp::cli {

int run_version(const Args& args);
int run_install(const Args& args);
int run_uninstall(const Args& args);
int run_run_controller(const Args& args);
int run_create(const Args& args);
int run_get(const Args& args);
int run_status(const Args& args);
int run_graph(const Args& args);
int run_link(const Args& args);
int run_unlink(const Args& args);
int run_delete(const Args& args);
int run_deploy(const Args& args);
int run_undeploy(const Args& args);
int run_completion(const Args& args);
cxxopts::Options validate_options();
int run_validate(const Args& args);

}  // namespace kapp::cli
