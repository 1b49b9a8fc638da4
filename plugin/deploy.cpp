// kubectl app deploy: run the controller in the cluster (like kubebuilder's `make deploy`).
#include <iostream>

#include "core/crds/installer.h"
#include "core/deploy/deployer.h"
#include "core/errors.h"
#include "plugin/commands.h"

namespace kapp::cli {
namespace {

using nlohmann::json;

// -n/--namespace when given; otherwise kubectl-app-system, never the kubeconfig's namespace:
// the controller serves the whole cluster and should not land in whatever namespace the
// current context happens to use.
std::string controller_namespace(const cxxopts::ParseResult& parsed) {
  return parsed.count("namespace") ? parsed["namespace"].as<std::string>()
                                   : deploy::kDefaultNamespace;
}

deploy::DeployOptions controller_options(const cxxopts::ParseResult& parsed) {
  deploy::DeployOptions options{.namespace_name = controller_namespace(parsed),
                                .image = parsed["image"].as<std::string>(),
                                .replicas = parsed["replicas"].as<int>(),
                                .log_format = parsed["log-format"].as<std::string>()};
  deploy::validate(options);
  return options;
}

// What deploy would apply, printed without contacting a server.
int print_manifests(const cxxopts::ParseResult& parsed, const deploy::DeployOptions& options) {
  std::vector<json> objects;
  if (parsed["crds"].as<bool>()) objects = crds::definitions();
  for (auto& object : deploy::render_manifests(options)) objects.push_back(std::move(object));
  const auto format = output_format(parsed);
  print_objects(objects, format.empty() ? "name" : format);
  return 0;
}

}  // namespace

cxxopts::Options deploy_options() {
  auto options = new_options(
      "deploy",
      "Deploy the controller into the cluster: the CRDs (as `kubectl app install`), a Namespace, "
      "a ServiceAccount, least-privilege RBAC, the Deployment and its metrics Service. The "
      "namespace is -n/--namespace when given, else kubectl-app-system (not the kubeconfig's). "
      "One controller serves the whole cluster. With --dry-run=client -o yaml, print the "
      "manifests instead.",
      "  # Deploy the controller and wait until it is Available\n"
      "  kubectl app deploy --wait\n"
      "\n"
      "  # Two replicas (one leads) of a given image, into team-ops\n"
      "  kubectl app deploy -n team-ops --replicas 2 --image ghcr.io/example/kubectl-app:v0.1.0\n"
      "\n"
      "  # Print the manifests, CRDs left out, for GitOps\n"
      "  kubectl app deploy --dry-run=client -o yaml --crds=false > controller.yaml");
  add_output_flag(options, kObjectFormats);
  add_dry_run_flag(options);
  options.add_options()("image", "The controller's container image",
                        cxxopts::value<std::string>()->default_value(deploy::DeployOptions{}.image),
                        value_kind::kFree)(
      "replicas", "Controller replicas; one leads, the others stand by",
      cxxopts::value<int>()->default_value("1"), value_kind::kFree)(
      "log-format", "The controller's log format: json or text",
      cxxopts::value<std::string>()->default_value("json"), value_kind::one_of({"json", "text"}))(
      "crds", "Install the CRDs too; --crds=false when they are managed separately",
      cxxopts::value<bool>()->default_value("true"))(
      "wait", "Wait until the controller's Deployment is Available",
      cxxopts::value<bool>()->default_value("false"))(
      "timeout", "How long to wait (for the CRDs to be established, and with --wait)",
      cxxopts::value<std::string>()->default_value("120s"), value_kind::kFree);
  return options;
}

int run_deploy(const Args& args) {
  auto options = deploy_options();
  const auto parsed = parse(options, args);
  const auto mode = dry_run(parsed);
  const auto format = output_format(parsed);
  if (!format.empty()) check_one_of("--output", format, kObjectFormats);
  const auto deploy_opts = controller_options(parsed);
  if (mode == DryRun::Client) return print_manifests(parsed, deploy_opts);

  Session session(parsed);
  const bool quiet = !format.empty();
  const auto applied = deploy::deploy_controller(
      session.client(), deploy_opts,
      {.install_crds = parsed["crds"].as<bool>(),
       .dry_run = mode == DryRun::Server,
       .wait = parsed["wait"].as<bool>(),
       .timeout = client::parse_duration(parsed["timeout"].as<std::string>(), "--timeout")},
      [&](const std::string& line) {
        if (!quiet) std::cout << line << "\n";
      });
  if (quiet) print_objects(applied, format);
  return 0;
}

}  // namespace kapp::cli
