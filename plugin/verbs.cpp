// The verb table of `kubectl app`: what main dispatches to, what --help lists, and what the
// shell completion offers (`kubectl app __complete-data`), all from these rows.
#include <cstdio>

#include "plugin/commands.h"

namespace kapp::cli {

const std::vector<Verb>& verbs() {
  static const std::vector<Verb> table = {
      {"create",
       "Create or update objects from files (-f) or an Application, component or coinflip from "
       "flags",
       run_create, create_options},
      {"validate", "Check files offline against the CRDs' schemas and rules (no cluster needed)",
       run_validate, validate_options},
      {"diff", "Diff the live objects against what applying files (-f) would make them", run_diff,
       diff_options},
      {"get", "List Applications, Components, AppLinks and CoinFlips", run_get, get_options},
      {"status", "Show an Application as a tree with its conditions and events", run_status,
       status_options},
      {"graph", "Show the communication graph as text, DOT or Mermaid (from the cluster or -f)",
       run_graph, graph_options},
      {"link", "Create an AppLink from a component of one application to one of another", run_link,
       link_options},
      {"unlink", "Delete AppLinks (--wait until the controller has cleaned up)", run_unlink,
       unlink_options},
      {"delete", "Delete objects of our kinds (--wait for finalizers)", run_delete, delete_options},
      {"install",
       "Install the kubectl-app CustomResourceDefinitions and wait until they are established",
       run_install, install_options},
      {"uninstall",
       "Remove the CustomResourceDefinitions (refuses while objects exist, unless --force)",
       run_uninstall, uninstall_options},
      {"run-controller", "Run the reconcile loop in the foreground (like `make run`)",
       run_run_controller, run_controller_options},
      {"deploy", "Deploy the controller into the cluster (ServiceAccount, RBAC, Deployment)",
       run_deploy, deploy_options},
      {"undeploy", "Remove the controller deployed by `kubectl app deploy`", run_undeploy,
       undeploy_options},
      {"completion", "Print a shell completion script (bash, zsh, fish) or the kubectl helper",
       run_completion, completion_options},
      {"options", "Print the list of flags inherited by all commands", run_options,
       options_options},
      {"version", "Print the client version, and the server's when reachable", run_version,
       version_options},
      {"__complete-data", "Print the verbs, flags and value kinds the shell completion offers",
       run_complete_data, complete_data_options, /*hidden=*/true},
  };
  return table;
}

std::string top_help_text() {
  std::string out =
      "kubectl app manages applications made of components, their links, and coin flips.\n\n"
      "Examples:\n"
      "  # Install the CRDs and run the controller in the foreground\n"
      "  kubectl app install\n"
      "  kubectl app run-controller\n"
      "\n"
      "  # Create an application from a file and look at it\n"
      "  kubectl app create -f samples/shop.yaml\n"
      "  kubectl app status shop\n"
      "\n"
      "Available Commands:\n";
  for (const auto& verb : verbs()) {
    if (verb.hidden) continue;
    char line[512];
    std::snprintf(line, sizeof line, "  %-16s %s\n", verb.name, verb.summary);
    out += line;
  }
  return out +
         "\nUsage:\n  kubectl app [flags] [options]\n\n"
         "Use \"kubectl app <command> --help\" for more information about a given command.\n"
         "Use \"kubectl app options\" for a list of global command-line options (applies to all "
         "commands).\n";
}

}  // namespace kapp::cli
