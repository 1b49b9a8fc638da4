#include "core/controllers/application/pod_transform.h"

#include <initializer_list>
#include <utility>

#include "core/names.h"

namespace kapp::controllers::application {
namespace {

// Moves the named members of `from` that exist into `to`.
void keep(json& from, json& to, std::initializer_list<const char*> names) {
  for (const auto* name : names) {
    auto it = from.find(name);
    if (it != from.end()) to[name] = std::move(*it);
  }
}

// Of each container status, only a waiting state's reason and message: the rest of a
// container's state (running, terminated, lastState) decides nothing (pod_failure).
json waiting_states(json& statuses) {
  json lean = json::array();
  for (auto& cs : statuses) {
    if (!cs.is_object()) continue;
    auto state = cs.find("state");
    if (state == cs.end() || !state->is_object()) continue;
    auto waiting = state->find("waiting");
    if (waiting == state->end() || !waiting->is_object()) continue;
    json kept = json::object();
    keep(*waiting, kept, {"reason", "message"});
    lean.push_back({{"state", {{"waiting", std::move(kept)}}}});
  }
  return lean;
}

}  // namespace

void lean_pod(json& pod) {
  if (!pod.is_object()) return;
  json lean = json::object();
  keep(pod, lean, {"apiVersion", "kind"});
  if (auto metadata = pod.find("metadata"); metadata != pod.end() && metadata->is_object()) {
    json kept = json::object();
    keep(*metadata, kept, {"name", "namespace", "uid", "resourceVersion"});
    if (auto labels = metadata->find("labels"); labels != metadata->end() && labels->is_object()) {
      json ours = json::object();
      keep(*labels, ours, {names::kApplicationLabel, names::kComponentLabel});
      kept["labels"] = std::move(ours);
    }
    lean["metadata"] = std::move(kept);
  }
  if (auto status = pod.find("status"); status != pod.end() && status->is_object()) {
    json kept = json::object();
    for (const auto* list : {"initContainerStatuses", "containerStatuses"}) {
      auto it = status->find(list);
      if (it == status->end() || !it->is_array()) continue;
      if (auto waiting = waiting_states(*it); !waiting.empty()) kept[list] = std::move(waiting);
    }
    lean["status"] = std::move(kept);
  }
  pod = std::move(lean);
}

}  // namespace kapp::controllers::application
