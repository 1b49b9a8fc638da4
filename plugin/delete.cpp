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

// One object to delete: `ns` is where it lives (several with --all -A).
struct Target {
  std::string ns;
  std::string name;
};

int delete_targets(const cxxopts::ParseResult& parsed, Session& session,
                   const client::ResourceType& type, const std::vector<Target>& targets,
                   bool ignore_not_found) {
  const auto mode = dry_run(parsed);
  auto& client = session.client();
  // kubectl names what it deleted by the singular kind and errors by the resource (plural).
  auto kind = type.kind;
  for (auto& c : kind) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const auto ref = [&](const std::string& name) {
    return kind + "." + type.group + " \"" + name + "\"";
  };
  const auto resource_ref = [&](const std::string& name) {
    return type.qualified() + " \"" + name + "\"";
  };
  std::vector<Target> deleted;
  for (const auto& target : targets) {
    const auto& name = target.name;
    if (mode == DryRun::Client) {
      std::cout << ref(name) << " deleted (dry run)\n";
      continue;
    }
    if (!client.remove(type, target.ns, name,
                       {.propagation_policy = "Background", .dry_run = mode == DryRun::Server})) {
      if (ignore_not_found) continue;
      throw ApiError(404, "NotFound",
                     "Error from server (NotFound): " + resource_ref(name) + " not found");
    }
    std::cout << ref(name) << " deleted" << (mode == DryRun::Server ? " (server dry run)" : "")
              << "\n";
    deleted.push_back(target);
  }
  if (!parsed["wait"].as<bool>() || mode != DryRun::None) return 0;
  std::cout.flush();
  const auto deadline = std::chrono::steady_clock::now() +
                        client::parse_duration(parsed["timeout"].as<std::string>(), "--timeout");
  for (const auto& [ns, name] : deleted) {
    while (const auto object = client.get_if_exists(type, ns, name)) {
      if (std::chrono::steady_clock::now() > deadline)
        throw Error(still_terminating(*object, type, ns, name, resource_ref(name)));
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  }
  return 0;
}

// --all: every object of `type` in the namespace, or in every namespace with -A, as kubectl
// delete --all lists them first ("No resources found" when there are none).
int delete_all(const cxxopts::ParseResult& parsed, Session& session,
               const client::ResourceType& type) {
  const auto ns = session.all_namespaces() ? std::string() : session.namespace_name();
  std::vector<Target> targets;
  const auto list = session.client().list(type, ns);
  for (const auto& item : list["items"])
    targets.push_back(
        {item["metadata"].value("namespace", ""), item["metadata"].value("name", "")});
  if (targets.empty()) {
    std::cout << "No resources found\n";
    return 0;
  }
  // kubectl delete --all ignores objects gone since the list unless --ignore-not-found=false.
  const bool ignore = !parsed.count("ignore-not-found") || parsed["ignore-not-found"].as<bool>();
  return delete_targets(parsed, session, type, targets, ignore);
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
  std::vector<Target> targets;
  for (const auto& name : names) targets.push_back({session.namespace_name(), name});
  return delete_targets(parsed, session, type, targets, parsed["ignore-not-found"].as<bool>());
}

cxxopts::Options delete_options() {
  auto options = new_options("delete KIND (NAME... | --all [-A])",
                             "Delete Applications, Components, AppLinks or CoinFlips: by name, or "
                             "every one with --all (of every namespace with -A). Owned objects are "
                             "garbage collected; --wait waits until the finalizers are done.",
                             "  # Delete an Application and wait until it is gone\n"
                             "  kubectl app delete application blog -n demo --wait\n"
                             "\n"
                             "  # Succeed when the object does not exist\n"
                             "  kubectl app delete coinflip coin -n demo --ignore-not-found\n"
                             "\n"
                             "  # Every AppLink of every namespace, checked by the server only\n"
                             "  kubectl app delete applink --all -A --dry-run=server");
  add_dry_run_flag(options);
  add_delete_flags(options);
  options.add_options()("all", "Delete every object of KIND in the namespace",
                        cxxopts::value<bool>()->default_value("false"))(
      "A,all-namespaces", "With --all: in every namespace",
      cxxopts::value<bool>()->default_value("false"))("positional", "",
                                                      cxxopts::value<std::vector<std::string>>());
  options.parse_positional({"positional"});
  return options;
}

int run_delete(const Args& args) {
  auto options = delete_options();
  const auto parsed = parse(options, args);
  const auto positional = values(parsed, "positional");
  const bool all = parsed["all"].as<bool>();
  if (positional.empty() || (positional.size() < 2 && !all))
    throw UsageError("usage: kubectl app delete KIND (NAME... | --all [-A])");
  if (all && positional.size() > 1)
    throw UsageError("--all deletes every object of " + positional[0] + "; give no NAME with it");
  const auto& type = kind_named(positional[0]);
  Session session(parsed);
  if (session.all_namespaces() && !all)
    throw UsageError("a resource cannot be deleted by name across all namespaces; use --all -A");
  if (all) return delete_all(parsed, session, type);
  return delete_objects(parsed, session, type,
                        std::vector<std::string>(positional.begin() + 1, positional.end()));
}

}  // namespace kapp::cli
