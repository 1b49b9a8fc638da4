// Whether a live object already says everything a desired object says, so the controller can
// skip a write. The server adds defaults and drops empty collections; neither is a change.
#pragma once

#include <nlohmann/json.hpp>

namespace kapp::engine {

bool already_applied(const nlohmann::json& desired, const nlohmann::json& live);

}  // namespace kapp::engine
