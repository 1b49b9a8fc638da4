// kubectl app delete KIND NAME: delete, and with --wait until finalizers have run.
#include <iostream>
#include <thread>

#include "core/errors.h"
#include "plugin/commands.h"
#include "plugin/kinds.h"

namespace kapp::cli {

int run_delete(const Args& args) {
  auto options =
      new_options("delete KIND NAME...", "Delete Applications, Components, AppLinks or CoinFlips.");
  add_dry_run_flag(options);
  options.add_options()("wait", "Wait until the objects are gone (finalizers done)",
                        cxxopts::value<bool>()->default_value("false"))(
      "timeout", "How long --wait waits", cxxopts::value<std::string>()->default_value("120s"))(
      "ignore-not-found", "Succeed when an object does not exist",
      cxxopts::value<bool>()->default_value("false"))("positional", "",
                                                      cxxopts::value<std::vector<std::string>>());
  options.parse_positional({"positional"});
  const auto parsed = parse(options, args);
  const auto positional = values(parsed, "positional");
  if (positional.size() < 2) throw UsageError("usage: kubectl app delete KIND NAME...");
  const auto& type = kind_named(positional[0]);
  const auto mode = dry_run(parsed);
  Session session(parsed);
  auto& client = session.client();
  const auto ns = session.namespace_name();
  // kubectl names what it deleted by the singular kind and errors by the resource (plural).
  auto kind = type.kind;
  for (auto& c : kind) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const auto ref = [&](const std::string& name) {
    return kind + "." + type.group + " \"" + name + "\"";
  };
  const auto resource_ref = [&](const std::string& name) {
    return type.qualified() + " \"" + name + "\"";
  };
  std::vector<std::string> deleted;
  for (std::size_t i = 1; i < positional.size(); ++i) {
    const auto& name = positional[i];
    if (mode == DryRun::Client) {
      std::cout << ref(name) << " deleted (dry run)\n";
      continue;
    }
    if (!client.remove(type, ns, name,
                       {.propagation_policy = "Background", .dry_run = mode == DryRun::Server})) {
      if (parsed["ignore-not-found"].as<bool>()) continue;
      throw ApiError(404, "NotFound",
                     "Error from server (NotFound): " + resource_ref(name) + " not found");
    }
    std::cout << ref(name) << " deleted" << (mode == DryRun::Server ? " (server dry run)" : "")
              << "\n";
    deleted.push_back(name);
  }
  if (!parsed["wait"].as<bool>() || mode != DryRun::None) return 0;
  const auto deadline = std::chrono::steady_clock::now() +
                        client::parse_duration(parsed["timeout"].as<std::string>(), "--timeout");
  for (const auto& name : deleted) {
    while (client.get_if_exists(type, ns, name)) {
      if (std::chrono::steady_clock::now() > deadline) {
        throw Error(resource_ref(name) +
                    " is still terminating; check its finalizers with `kubectl get " +
                    type.qualified() + " " + name + " -o yaml`");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  }
  return 0;
}

}  // namespace kapp::cli
