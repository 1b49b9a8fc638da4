// The conditions of a status a unit test computed, without a server (objects.h's condition
// reads them from an object the server holds).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace kapp::test {

// The condition of this type in status["conditions"], or null.
inline nlohmann::json condition_in(const nlohmann::json& status, const std::string& type) {
  for (const auto& c : status["conditions"])
    if (c["type"] == type) return c;
  return nullptr;
}

}  // namespace kapp::test
