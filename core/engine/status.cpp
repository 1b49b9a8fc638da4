#include "core/engine/status.h"

#include "core/util/time.h"

namespace kapp::engine {

json condition(const std::string& type, bool status, const std::string& reason,
               const std::string& message, long long observed_generation) {
  return {{"type", type},
          {"status", status ? "True" : "False"},
          {"reason", reason},
          {"message", message},
          {"observedGeneration", observed_generation}};
}

json merge_conditions(const json& current, json desired) {
  const auto now = util::format_rfc3339(std::chrono::system_clock::now());
  for (auto& c : desired) {
    c["lastTransitionTime"] = now;
    if (!current.is_array()) continue;
    for (const auto& old : current) {
      if (old.value("type", "") == c.value("type", "") &&
          old.value("status", "") == c.value("status", "")) {
        c["lastTransitionTime"] = old.value("lastTransitionTime", now);
      }
    }
  }
  return desired;
}

json find_condition(const json& status, const std::string& type) {
  if (!status.is_object()) return json::object();
  for (const auto& c : status.value("conditions", json::array()))
    if (c.value("type", "") == type) return c;
  return json::object();
}

bool status_differs(const json& current, const json& desired) { return current != desired; }

}  // namespace kapp::engine
