// kubectl-app: finds the verb, runs it, and turns every error into one line and an exit code.
#include <csignal>
#include <cstring>
#include <iostream>
#include <set>
#include <string>

#include "core/errors.h"
#include "plugin/commands.h"

namespace {

using kapp::cli::Args;

struct Verb {
  const char* name;
  const char* summary;
  int (*run)(const Args&);
};

const Verb kVerbs[] = {
    {"create",
     "Create or update objects from files (-f) or an Application, component or coinflip from flags",
     kapp::cli::run_create},
    {"validate", "Check files offline against the CRDs' schemas and rules (no cluster needed)",
     kapp::cli::run_validate},
    {"get", "List Applications, Components, AppLinks and CoinFlips", kapp::cli::run_get},
    {"status", "Show an Application as a tree with its conditions and events",
     kapp::cli::run_status},
    {"graph", "Show the communication graph as text, DOT or Mermaid (from the cluster or -f)",
     kapp::cli::run_graph},
    {"link", "Create an AppLink from a component of one application to one of another",
     kapp::cli::run_link},
    {"unlink", "Delete AppLinks (--wait until the controller has cleaned up)",
     kapp::cli::run_unlink},
    {"delete", "Delete objects of our kinds (--wait for finalizers)", kapp::cli::run_delete},
    {"install",
     "Install the kubectl-app CustomResourceDefinitions and wait until they are established",
     kapp::cli::run_install},
    {"uninstall",
     "Remove the CustomResourceDefinitions (refuses while objects exist, unless --force)",
     kapp::cli::run_uninstall},
    {"run-controller", "Run the reconcile loop in the foreground (like `make run`)",
     kapp::cli::run_run_controller},
    {"deploy", "Deploy the controller into the cluster (ServiceAccount, RBAC, Deployment)",
     kapp::cli::run_deploy},
    {"undeploy", "Remove the controller deployed by `kubectl app deploy`", kapp::cli::run_undeploy},
    {"completion", "Print a shell completion script (bash, zsh, fish) or the kubectl helper",
     kapp::cli::run_completion},
    {"version", "Print the client version, and the server's when reachable",
     kapp::cli::run_version},
};

void print_usage() {
  std::cout
      << "kubectl app manages applications made of components, their links, and coin flips.\n\n"
         "Usage:\n  kubectl app VERB [flags]\n\nVerbs:\n";
  for (const auto& verb : kVerbs) std::printf("  %-14s %s\n", verb.name, verb.summary);
  std::cout << "\nUse \"kubectl app VERB --help\" for more about a verb.\n";
}

// Global flags may come before the verb (kubectl app -n demo get); skip them and their values.
std::size_t find_verb(const Args& args) {
  static const std::set<std::string> with_value = {
      "--kubeconfig",      "--context", "--cluster", "--user",  "-n", "--namespace",
      "--request-timeout", "-v",        "--v",       "--color", "-o", "--output"};
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i].empty() || args[i][0] != '-') return i;
    if (with_value.count(args[i])) ++i;
  }
  return args.size();
}

int run(const Args& all) {
  const auto at = find_verb(all);
  if (at == all.size()) {
    print_usage();
    const bool asked = !all.empty() && (all.back() == "-h" || all.back() == "--help");
    return asked ? 0 : 1;
  }
  const auto& name = all[at];
  if (name == "help") {
    print_usage();
    return 0;
  }
  Args rest(all.begin(), all.begin() + static_cast<long>(at));
  rest.insert(rest.end(), all.begin() + static_cast<long>(at) + 1, all.end());
  for (const auto& verb : kVerbs) {
    if (name == verb.name) return verb.run(rest);
  }
  throw kapp::UsageError("unknown verb \"" + name + "\"; run 'kubectl app --help' for the list");
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);  // a closed pipe is a write error, not a crash
  const Args args(argv + 1, argv + argc);
  try {
    return run(args);
  } catch (const kapp::cli::HelpShown&) {
    return 0;
  } catch (const kapp::ApiError& e) {
    // As kubectl: the server's refusal speaks for itself ("Error from server (NotFound): ..."),
    // without the "error: " of failures found on this side.
    const std::string message = e.what();
    std::cerr << (message.rfind("Error from server", 0) == 0 ? "" : "error: ") << message << "\n";
    return e.exit_code();
  } catch (const kapp::InvalidInput& e) {
    for (const auto& problem : e.problems()) std::cerr << "error: " << problem << "\n";
    return e.exit_code();
  } catch (const kapp::Error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return e.exit_code();
  } catch (const std::exception& e) {
    std::cerr << "error: unexpected failure: " << e.what()
              << "; please report it with the command you ran\n";
    return 1;
  }
}
