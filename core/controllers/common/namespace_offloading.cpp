#include "core/controllers/common/namespace_offloading.h"

#include "core/engine/applied.h"
#include "core/engine/object.h"
#include "core/errors.h"
#include "core/names.h"

namespace kapp::controllers::common {
namespace {

constexpr const char* kApiVersion = "offloading.liqo.io/v1beta1";
constexpr const char* kKind = "NamespaceOffloading";
constexpr const char* kName = "offloading";

// Who holds a live NamespaceOffloading, for the conflict message.
std::string owner_of(const json& live) {
  const auto owner = engine::controller_of(live);
  if (owner.is_object())
    return owner.value("kind", "") + " " + engine::namespace_of(live) + "/" +
           owner.value("name", "");
  const auto labels = live.value("metadata", json::object()).value("labels", json::object());
  if (labels.contains(names::kLinkLabel))
    return "AppLink " + labels.value(names::kLinkNamespaceLabel, "") + "/" +
           labels.value(names::kLinkLabel, "");
  return "another manager (not kubectl-app)";
}

}  // namespace

bool offloading_satisfies(const json& live, const json& desired) {
  return engine::already_applied({{"spec", desired.value("spec", json::object())}},
                                 {{"spec", live.value("spec", json::object())}});
}

OffloadingOutcome ensure_offloading(client::Client& client, const json& desired,
                                    const std::function<bool(const json&)>& is_ours) {
  OffloadingOutcome outcome;
  const auto type = client.served(kApiVersion, kKind);
  if (!type) {
    outcome.installed = false;
    return outcome;
  }
  const auto ns = engine::namespace_of(desired);
  const auto live = client.get_if_exists(*type, ns, kName);
  if (live && !is_ours(*live)) {
    if (!offloading_satisfies(*live, desired)) {
      outcome.conflict = "NamespaceOffloading " + ns + "/" + kName + " belongs to " +
                         owner_of(*live) +
                         " and asks for other clusters or strategies; make the two agree, or "
                         "remove the offloading of one of them";
    }
    return outcome;
  }
  if (live && engine::already_applied(desired, *live)) return outcome;
  try {
    if (!live) {
      // Created, never applied over: a concurrent first owner wins, and this asker gets a 409
      // (AlreadyExists), is retried and finds it taken.
      client.create(*type, ns, desired, {.field_manager = names::kFieldManager});
    } else {
      auto applied = desired;
      applied["metadata"]["resourceVersion"] = engine::resource_version_of(*live);
      client.apply(*type, applied, {.field_manager = names::kFieldManager, .force = true});
    }
  } catch (const ApiError& e) {
    if (e.conflict()) throw;  // retried with fresh state
    outcome.error = e.what();
  }
  return outcome;
}

void release_offloading(client::Client& client, const std::string& ns,
                        const std::function<bool(const json&)>& is_ours, const json& heir) {
  const auto type = client.served(kApiVersion, kKind);
  if (!type) return;
  const auto live = client.get_if_exists(*type, ns, kName);
  if (!live || !is_ours(*live)) return;
  if (heir.is_null()) {
    client.remove(*type, ns, kName, {.precondition_uid = engine::uid_of(*live)});
    return;
  }
  auto patch = heir;
  patch["metadata"]["resourceVersion"] = engine::resource_version_of(*live);
  client.merge_patch(*type, ns, kName, patch);
}

}  // namespace kapp::controllers::common
