// kubectl app install: apply the embedded CRDs (server-side) and wait until established.
#include <iostream>

#include "core/crds/installer.h"
#include "plugin/commands.h"

namespace kapp::cli {

cxxopts::Options install_options() {
  auto options =
      new_options("install",
                  "Install the kubectl-app CustomResourceDefinitions and wait until they are "
                  "established. With --dry-run=client -o yaml, print them.",
                  "  # Install the CRDs into the current context's cluster\n"
                  "  kubectl app install\n"
                  "\n"
                  "  # Print them instead, for GitOps or kubectl apply\n"
                  "  kubectl app install --dry-run=client -o yaml > crds.yaml");
  add_output_flag(options, kObjectFormats);
  add_dry_run_flag(options);
  options.add_options()("timeout", "How long to wait for the CRDs to be established",
                        cxxopts::value<std::string>()->default_value("60s"), value_kind::kFree);
  return options;
}

int run_install(const Args& args) {
  auto options = install_options();
  const auto parsed = parse(options, args);
  const auto mode = dry_run(parsed);
  const auto format = output_format(parsed);

  if (mode == DryRun::Client) {
    print_objects(crds::definitions(), format.empty() ? "name" : format);
    return 0;
  }
  Session session(parsed);
  const bool quiet = !format.empty();
  const auto applied = crds::install(
      session.client(),
      {.dry_run = mode == DryRun::Server,
       .timeout = client::parse_duration(parsed["timeout"].as<std::string>(), "--timeout")},
      [&](const std::string& line) {
        if (!quiet) std::cout << line << "\n";
      });
  if (quiet) print_objects(applied, format);
  return 0;
}

}  // namespace kapp::cli
