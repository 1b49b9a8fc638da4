#include "core/controllers/application/immutable.h"

namespace kapp::controllers::application {
namespace {

using nlohmann::json;

std::string storage_of(const json& claim_template) {
  return claim_template.value("spec", json::object())
      .value("resources", json::object())
      .value("requests", json::object())
      .value("storage", "");
}

std::string what_to_do(const json& desired) {
  const auto kind = desired.value("kind", "");
  const auto name = desired["metadata"].value("name", "");
  std::string lower = kind;
  for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return "revert the change, or recreate the " + kind + " with `kubectl delete " + lower + " " +
         name + " --cascade=orphan` (its pods and claims stay; resize existing claims yourself)";
}

std::optional<std::string> changed(const json& desired, const std::string& field,
                                   const std::string& wanted, const std::string& actual) {
  if (wanted == actual) return std::nullopt;
  return desired.value("kind", "") + " " + desired["metadata"].value("name", "") + ": " + field +
         " cannot change (wanted " + wanted + ", the cluster has " + actual + "); " +
         what_to_do(desired);
}

// A claim template's size, per template name: what a component's volume `size` sets.
std::optional<std::string> claim_templates_change(const json& desired, const json& live) {
  const auto wanted = desired["spec"].value("volumeClaimTemplates", json::array());
  const auto actual = live["spec"].value("volumeClaimTemplates", json::array());
  for (const auto& w : wanted) {
    const auto name = w["metadata"].value("name", "");
    const json* found = nullptr;
    for (const auto& a : actual)
      if (a["metadata"].value("name", "") == name) found = &a;
    const auto field = "spec.volumeClaimTemplates[" + name + "]";
    if (found == nullptr) return changed(desired, field, "present", "none");
    if (auto c = changed(desired, field + ".spec.resources.requests.storage", storage_of(w),
                         storage_of(*found)))
      return c;
  }
  if (actual.size() != wanted.size())
    return changed(desired, "spec.volumeClaimTemplates", std::to_string(wanted.size()) + " claims",
                   std::to_string(actual.size()));
  return std::nullopt;
}

}  // namespace

std::optional<std::string> immutable_change(const json& desired, const json& live) {
  const auto kind = desired.value("kind", "");
  if ((kind != "Deployment" && kind != "StatefulSet") || !live.is_object() ||
      !live.contains("spec"))
    return std::nullopt;
  const auto& want = desired["spec"];
  const auto& have = live["spec"];
  if (want.contains("selector"))
    if (auto c = changed(desired, "spec.selector", want["selector"].dump(),
                         have.value("selector", json()).dump()))
      return c;
  if (kind != "StatefulSet") return std::nullopt;
  for (const char* field : {"serviceName", "podManagementPolicy"}) {
    if (!want.contains(field)) continue;
    if (auto c = changed(desired, std::string("spec.") + field, want.value(field, ""),
                         have.value(field, "")))
      return c;
  }
  return claim_templates_change(desired, live);
}

std::vector<std::string> immutable_spec_members(const std::string& kind) {
  if (kind == "StatefulSet")
    return {"selector", "serviceName", "podManagementPolicy", "volumeClaimTemplates"};
  if (kind == "Deployment") return {"selector"};
  return {};
}

}  // namespace kapp::controllers::application
