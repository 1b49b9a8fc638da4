// kubectl app delete KIND NAME: delete, and with --wait until finalizers have run.
#include <iostream>
#include <thread>

#include "core/errors.h"
#include "core/names.h"
#include "plugin/commands.h"
#include "plugin/kinds.h"
#include "plugin/write.h"

namespace kapp::cli {
namespace {

using nlohmann::json;

// Why an object is still there after --timeout: its finalizers, and who removes ours.
std::string still_terminating(const json& object, const client::ResourceType& type,
                              const std::string& ns, const std::string& name,
                              const std::string& resource_ref) {
  const auto finalizers = object["metadata"].value("finalizers", json::array());
  std::string message = resource_ref + " is still terminating";
  if (!finalizers.empty()) {
    std::string list;
    for (const auto& f : finalizers) list += (list.empty() ? "" : ", ") + f.get<std::string>();
    message += " (finalizers: " + list + ")";
  }
  bool ours = false;
  for (const auto& f : finalizers) ours = ours || f == names::kLinkFinalizer;
  if (ours) {
    return message + "; the kubectl-app controller removes " + names::kLinkFinalizer +
           " once it has cleaned up the link's objects: is it running (kubectl app "
           "run-controller, or kubectl app deploy)?";
  }
  return message + "; check its finalizers with `kubectl get " + type.qualified() + " " + name +
         " -n " + ns + " -o yaml`";
}

}  // namespace

void add_delete_flags(cxxopts::Options& options) {
  options.add_options()("wait", "Wait until the objects are gone (finalizers done)",
                        cxxopts::value<bool>()->default_value("false"))(
      "timeout", "How long --wait waits", cxxopts::value<std::string>()->default_value("120s"),
      value_kind::kFree)("ignore-not-found", "Succeed when an object does not exist",
                         cxxopts::value<bool>()->default_value("false"));
}

int delete_objects(const cxxopts::ParseResult& parsed, Session& session,
                   const client::ResourceType& type, const std::vector<std::string>& names) {
  const auto mode = dry_run(parsed);
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
  for (const auto& name : names) {
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
  std::cout.flush();
  const auto deadline = std::chrono::steady_clock::now() +
                        client::parse_duration(parsed["timeout"].as<std::string>(), "--timeout");
  for (const auto& name : deleted) {
    while (const auto object = client.get_if_exists(type, ns, name)) {
      if (std::chrono::steady_clock::now() > deadline)
        throw Error(still_terminating(*object, type, ns, name, resource_ref(name)));
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  }
  return 0;
}

cxxopts::Options delete_options() {
  auto options =
      new_options("delete KIND NAME...",
                  "Delete Applications, Components, AppLinks or CoinFlips. Owned objects are "
                  "garbage collected; --wait waits until the finalizers are done.",
                  "  # Delete an Application and wait until it is gone\n"
                  "  kubectl app delete application blog -n demo --wait\n"
                  "\n"
                  "  # Succeed when the object does not exist\n"
                  "  kubectl app delete coinflip coin -n demo --ignore-not-found");
  add_dry_run_flag(options);
  add_delete_flags(options);
  options.add_options()("positional", "", cxxopts::value<std::vector<std::string>>());
  options.parse_positional({"positional"});
  return options;
}

int run_delete(const Args& args) {
  auto options = delete_options();
  const auto parsed = parse(options, args);
  const auto positional = values(parsed, "positional");
  if (positional.size() < 2) throw UsageError("usage: kubectl app delete KIND NAME...");
  const auto& type = kind_named(positional[0]);
  Session session(parsed);
  return delete_objects(parsed, session, type,
                        std::vector<std::string>(positional.begin() + 1, positional.end()));
}

}  // namespace kapp::cli
