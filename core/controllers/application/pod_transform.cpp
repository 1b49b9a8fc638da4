#include "core/controllers/application/pod_transform.h"

#include <initializer_list>
#include <utility>

namespace kapp::controllers::application {
namespace {

// Moves the named members of `from` that exist into `to`.
void keep(json& from, json& to, std::initializer_list<const char*> names) {
  for (const auto* name : names) {
    auto it = from.find(name);
    if (it != from.end()) to[name] = std::move(*it);
  }
}

json lean_container_statuses(json& statuses) {
  json lean = json::array();
  for (auto& cs : statuses) {
    json entry = json::object();
    if (!cs.is_object()) {
      lean.push_back(std::move(entry));
      continue;
    }
    keep(cs, entry, {"name"});
    auto state = cs.find("state");
    if (state != cs.end() && state->is_object()) {
      auto waiting = state->find("waiting");
      if (waiting != state->end() && waiting->is_object()) {
        json kept = json::object();
        keep(*waiting, kept, {"reason", "message"});
        entry["state"] = {{"waiting", std::move(kept)}};
      }
    }
    lean.push_back(std::move(entry));
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
    keep(*metadata, kept,
         {"name", "namespace", "uid", "resourceVersion", "generation", "labels", "ownerReferences",
          "deletionTimestamp"});
    lean["metadata"] = std::move(kept);
  }
  if (auto status = pod.find("status"); status != pod.end() && status->is_object()) {
    json kept = json::object();
    keep(*status, kept, {"phase", "conditions"});
    for (const auto* list : {"initContainerStatuses", "containerStatuses"}) {
      auto it = status->find(list);
      if (it != status->end() && it->is_array()) kept[list] = lean_container_statuses(*it);
    }
    lean["status"] = std::move(kept);
  }
  pod = std::move(lean);
}

}  // namespace kapp::controllers::application
