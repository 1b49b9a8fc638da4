// kubectl app undeploy: remove what `kubectl app deploy` created; the CRDs stay.
#include <iostream>

#include "core/deploy/deployer.h"
#include "plugin/commands.h"

namespace kapp::cli {

cxxopts::Options undeploy_options() {
  auto options = new_options(
      "undeploy",
      "Remove the controller deployed by `kubectl app deploy` from -n/--namespace (default "
      "kubectl-app-system): its Deployment, Service, RBAC, ServiceAccount and, when kubectl-app "
      "created it, the Namespace. Objects it does not manage are left in place. The CRDs and "
      "your Applications stay; `kubectl app uninstall` removes those.",
      "  # Remove the controller and wait until its objects are gone\n"
      "  kubectl app undeploy --wait\n"
      "\n"
      "  # What would be removed from team-ops\n"
      "  kubectl app undeploy -n team-ops --dry-run=client");
  add_dry_run_flag(options);
  options.add_options()("wait", "Wait until every deleted object is gone",
                        cxxopts::value<bool>()->default_value("false"))(
      "timeout", "How long to wait with --wait",
      cxxopts::value<std::string>()->default_value("120s"), value_kind::kFree);
  return options;
}

int run_undeploy(const Args& args) {
  auto options = undeploy_options();
  const auto parsed = parse(options, args);
  const auto mode = dry_run(parsed);
  const auto ns =
      parsed.count("namespace") ? parsed["namespace"].as<std::string>() : deploy::kDefaultNamespace;
  if (mode == DryRun::Client) {
    const auto manifests = deploy::render_manifests({.namespace_name = ns});
    for (auto it = manifests.rbegin(); it != manifests.rend(); ++it)
      std::cout << object_ref(*it) << " deleted (dry run)\n";
    return 0;
  }
  Session session(parsed);
  deploy::undeploy_controller(
      session.client(), ns,
      {.dry_run = mode == DryRun::Server,
       .wait = parsed["wait"].as<bool>(),
       .timeout = client::parse_duration(parsed["timeout"].as<std::string>(), "--timeout")},
      [](const std::string& line) { std::cout << line << "\n"; });
  return 0;
}

}  // namespace kapp::cli
