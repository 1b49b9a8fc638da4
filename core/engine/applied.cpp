#include "core/engine/applied.h"

namespace kapp::engine {

using nlohmann::json;

namespace {
bool empty_collection(const json& value) {
  return (value.is_array() || value.is_object()) && value.empty();
}
}  // namespace

bool already_applied(const json& desired, const json& live) {
  if (desired.is_object()) {
    if (!live.is_object()) return false;
    for (const auto& [key, value] : desired.items()) {
      auto it = live.find(key);
      if (it == live.end()) {
        if (empty_collection(value) || value.is_null()) continue;
        return false;
      }
      if (!already_applied(value, *it)) return false;
    }
    return true;
  }
  if (desired.is_array()) {
    if (!live.is_array() || live.size() != desired.size()) return false;
    for (std::size_t i = 0; i < desired.size(); ++i) {
      if (!already_applied(desired[i], live[i])) return false;
    }
    return true;
  }
  if (desired.is_number() && live.is_number()) return desired.get<double>() == live.get<double>();
  return desired == live;
}

}  // namespace kapp::engine
