// Conditions as the Kubernetes API conventions define them, and the rule that status is
// written only when it changed.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace kapp::engine {

using nlohmann::json;

// A condition: type, status ("True"/"False"/"Unknown"), reason (CamelCase) and message.
json condition(const std::string& type, bool status, const std::string& reason,
               const std::string& message, long long observed_generation);

// Returns `desired` conditions with lastTransitionTime carried over from `current` wherever the
// status did not change, and set to now where it did.
json merge_conditions(const json& current, json desired);

// The condition of this type in `status.conditions`, or an empty object.
json find_condition(const json& status, const std::string& type);

// True when writing `desired` as the status would change what `current` says.
bool status_differs(const json& current, const json& desired);

}  // namespace kapp::engine
