#include "core/crds/installer.h"

#include <thread>

#include "core/crds/embedded.h"
#include "core/engine/finalizers.h"
#include "core/engine/object.h"
#include "core/errors.h"
#include "core/names.h"
#include "core/yaml/yaml.h"

namespace kapp::crds {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;
constexpr auto kPollInterval = std::chrono::milliseconds(200);

bool established(const json& crd) {
  if (!crd.contains("status")) return false;
  for (const auto& c : crd["status"].value("conditions", json::array())) {
    if (c.value("type", "") == "Established") return c.value("status", "") == "True";
  }
  return false;
}

std::string name_of(const json& crd) { return crd["metadata"]["name"].get<std::string>(); }

// Polls `check` until it holds or the deadline passes; the API offers no cheaper signal here.
template <typename Check>
bool wait_until(std::chrono::milliseconds timeout, Check check) {
  const auto deadline = Clock::now() + timeout;
  while (!check()) {
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(kPollInterval);
  }
  return true;
}

}  // namespace

std::vector<json> definitions() {
  std::vector<json> out;
  for (const auto& file : embedded_files()) {
    for (auto& doc : yaml::parse_all(std::string(file.content), std::string(file.name)))
      out.push_back(std::move(doc));
  }
  return out;
}

client::ResourceType served_type(const json& crd) {
  const auto& spec = crd["spec"];
  std::string version;
  for (const auto& v : spec["versions"]) {
    if (v.value("storage", false)) version = v["name"];
  }
  return {spec["group"], version, spec["names"]["plural"], spec["names"]["kind"],
          spec["scope"] == "Namespaced"};
}

std::vector<json> install(client::Client& client, const InstallOptions& options,
                          const Progress& progress) {
  const auto& type = client::resources::kCustomResourceDefinition;
  std::vector<json> applied;
  // We own our CRDs, so apply forcefully: an older kubectl-app's fields are ours to replace.
  for (const auto& crd : definitions()) {
    applied.push_back(client.apply(type, crd, {.dry_run = options.dry_run, .force = true}));
    progress("customresourcedefinition.apiextensions.k8s.io/" + name_of(crd) +
             (options.dry_run ? " serverside-applied (server dry run)" : " serverside-applied"));
  }
  if (options.dry_run) return applied;
  for (const auto& crd : applied) {
    const auto name = name_of(crd);
    const bool ok =
        wait_until(options.timeout, [&] { return established(client.get(type, "", name)); });
    if (!ok) {
      throw Error("CustomResourceDefinition " + name + " was not Established within " +
                  std::to_string(options.timeout.count() / 1000) +
                  "s; check `kubectl describe crd " + name + "`");
    }
    progress("customresourcedefinition.apiextensions.k8s.io/" + name + " condition met");
  }
  return applied;
}

// Without its definition no controller can finish an object's cleanup, and a finalizer left
// on it would hold the CRD's deletion forever: drop ours, saying what may stay behind.
void release_finalizers(client::Client& client, const Progress& progress) {
  const auto& links = client::resources::kAppLink;
  json list;
  try {
    list = client.list(links, "");
  } catch (const ApiError& e) {
    if (e.not_found()) return;  // not installed: nothing holds a finalizer of ours
    throw;
  }
  for (const auto& object : list["items"]) {
    if (!engine::has_finalizer(object, names::kLinkFinalizer)) continue;
    try {
      engine::remove_finalizer(client, links, object, names::kLinkFinalizer);
    } catch (const ApiError& e) {
      if (e.not_found()) continue;  // the controller finished first
      throw;
    }
    progress("Warning: AppLink " + engine::key_of(object) +
             " was still waiting for the controller's cleanup; what it made in other namespaces "
             "(label " +
             std::string(names::kLinkLabel) + "=" + engine::name_of(object) + ") may remain");
  }
}

void uninstall(client::Client& client, const UninstallOptions& options, const Progress& progress) {
  const auto& type = client::resources::kCustomResourceDefinition;
  std::vector<std::string> present;
  for (const auto& crd : definitions()) {
    const auto name = name_of(crd);
    if (!client.get_if_exists(type, "", name)) continue;
    present.push_back(name);
    if (options.force) continue;
    const auto items = client.request(
        {.method = "GET", .path = served_type(crd).path() + "?limit=1"}, true)["items"];
    if (!items.empty()) {
      const auto& meta = items[0]["metadata"];
      throw Error("refusing to uninstall: " + served_type(crd).qualified() +
                  " objects still exist (e.g. " + meta.value("namespace", "") + "/" +
                  meta.value("name", "") +
                  "); delete them first, or pass --force to delete them with their definitions");
    }
  }
  if (options.force && !options.dry_run &&
      std::find(present.begin(), present.end(), "applinks.kubectl-app.io") != present.end())
    release_finalizers(client, progress);
  for (const auto& name : present) {
    client.remove(type, "", name, {.dry_run = options.dry_run});
    progress("customresourcedefinition.apiextensions.k8s.io \"" + name + "\" deleted" +
             (options.dry_run ? " (server dry run)" : ""));
  }
  if (options.dry_run || !options.wait) return;
  for (const auto& name : present) {
    if (!wait_until(options.timeout, [&] { return !client.get_if_exists(type, "", name); })) {
      throw Error("CustomResourceDefinition " + name + " is still terminating after " +
                  std::to_string(options.timeout.count() / 1000) +
                  "s; check its finalizers with `kubectl get crd " + name + " -o yaml`");
    }
  }
}

}  // namespace kapp::crds
