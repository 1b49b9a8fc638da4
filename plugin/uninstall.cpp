// kubectl app uninstall: remove the CRDs, refusing while objects of our kinds exist.
#include <iostream>

#include "core/crds/installer.h"
#include "plugin/commands.h"

namespace kapp::cli {

cxxopts::Options uninstall_options() {
  auto options =
      new_options("uninstall",
                  "Remove the kubectl-app CustomResourceDefinitions. Refuses while "
                  "Applications, Components, AppLinks or CoinFlips exist, unless --force.",
                  "  # Remove the CRDs once no object is left\n"
                  "  kubectl app uninstall\n"
                  "\n"
                  "  # Remove them with every object of their kinds\n"
                  "  kubectl app uninstall --force");
  add_dry_run_flag(options);
  options.add_options()(
      "force", "Delete the definitions even while objects exist; the objects are deleted with them",
      cxxopts::value<bool>()->default_value("false"))(
      "wait", "Wait until the definitions are gone", cxxopts::value<bool>()->default_value("true"))(
      "timeout", "How long to wait", cxxopts::value<std::string>()->default_value("120s"),
      value_kind::kFree);
  return options;
}

int run_uninstall(const Args& args) {
  auto options = uninstall_options();
  const auto parsed = parse(options, args);
  const auto mode = dry_run(parsed);
  if (mode == DryRun::Client) {
    for (const auto& crd : crds::definitions())
      std::cout << object_ref(crd) << " deleted (dry run)\n";
    return 0;
  }
  Session session(parsed);
  crds::uninstall(
      session.client(),
      {.force = parsed["force"].as<bool>(),
       .dry_run = mode == DryRun::Server,
       .wait = parsed["wait"].as<bool>(),
       .timeout = client::parse_duration(parsed["timeout"].as<std::string>(), "--timeout")},
      [](const std::string& line) { std::cout << line << "\n"; });
  return 0;
}

}  // namespace kapp::cli
