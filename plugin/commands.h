// The verbs of `kubectl app`, one file each. Every verb has VERB_options(), which builds its
// flags, description and examples (the single source of --help, of the parsing and of the shell
// completion data), and run_VERB(), which parses its arguments with them.
#pragma once

#include <vector>

#include "plugin/cli.h"

namespace kapp::cli {

cxxopts::Options version_options();
int run_version(const Args& args);
cxxopts::Options install_options();
int run_install(const Args& args);
cxxopts::Options uninstall_options();
int run_uninstall(const Args& args);
cxxopts::Options run_controller_options();
int run_run_controller(const Args& args);
cxxopts::Options create_options();
int run_create(const Args& args);
cxxopts::Options diff_options();
int run_diff(const Args& args);
cxxopts::Options get_options();
int run_get(const Args& args);
cxxopts::Options status_options();
int run_status(const Args& args);
cxxopts::Options graph_options();
int run_graph(const Args& args);
cxxopts::Options link_options();
int run_link(const Args& args);
cxxopts::Options unlink_options();
int run_unlink(const Args& args);
cxxopts::Options delete_options();
int run_delete(const Args& args);
cxxopts::Options deploy_options();
int run_deploy(const Args& args);
cxxopts::Options undeploy_options();
int run_undeploy(const Args& args);
cxxopts::Options completion_options();
int run_completion(const Args& args);
cxxopts::Options validate_options();
int run_validate(const Args& args);
cxxopts::Options options_options();
int run_options(const Args& args);
cxxopts::Options complete_data_options();
int run_complete_data(const Args& args);

// A row of the verb table (plugin/verbs.cpp). `options` builds the verb's flags; `hidden` verbs
// run but are left out of the usage and of the completion of verbs.
struct Verb {
  const char* name;
  const char* summary;
  int (*run)(const Args&);
  cxxopts::Options (*options)() = nullptr;
  bool hidden = false;
};

// Every verb, in the order `kubectl app --help` lists them.
const std::vector<Verb>& verbs();
// `kubectl app --help`: the description, examples, the verbs with their summaries, usage.
std::string top_help_text();

}  // namespace kapp::cli
