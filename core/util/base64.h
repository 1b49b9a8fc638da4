#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kapp::util {

std::string base64_encode(std::string_view data);
// Standard alphabet, padding optional, whitespace ignored; nullopt on any other character.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace kapp::util
