#include "core/validation/checks.h"

namespace kapp::validation {

Path Path::key(const std::string& name) const {
  Path out = *this;
  out.segments_.emplace_back(name);
  return out;
}

Path Path::index(std::size_t i) const {
  Path out = *this;
  out.segments_.emplace_back(i);
  return out;
}

std::string Path::field() const {
  std::string out;
  for (const auto& segment : segments_) {
    if (const auto* name = std::get_if<std::string>(&segment)) {
      if (!out.empty()) out += '.';
      out += *name;
    } else {
      out += "[" + std::to_string(std::get<std::size_t>(segment)) + "]";
    }
  }
  return out;
}

std::string Path::pointer() const {
  std::string out;
  for (const auto& segment : segments_) {
    out += '/';
    if (const auto* name = std::get_if<std::string>(&segment)) {
      for (const char c : *name) out += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);
    } else {
      out += std::to_string(std::get<std::size_t>(segment));
    }
  }
  return out;
}

Problem problem(const Path& at, std::string detail) {
  return {at.field(), std::move(detail), at.pointer()};
}

std::string type_name(const json& value) {
  switch (value.type()) {
    case json::value_t::object:
      return "object";
    case json::value_t::array:
      return "array";
    case json::value_t::string:
      return "string";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return "integer";
    case json::value_t::number_float:
      return "number";
    case json::value_t::boolean:
      return "boolean";
    default:
      return "null";
  }
}

std::string shown(const json& value) {
  if (value.is_object() || value.is_array()) return "\"" + type_name(value) + "\"";
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string invalid(const json& value, const std::string& rule) {
  return "Invalid value: " + shown(value) + ": " + rule;
}

}  // namespace kapp::validation
