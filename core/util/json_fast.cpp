#include "core/util/json_fast.h"

#include <simdjson.h>

#include <string>

#include "core/util/limits.h"

namespace kapp::util {
namespace {

using nlohmann::json;

// Bounds what a thread's parser holds: simdjson keeps about 14 bytes per byte of the largest
// document it parsed (its tape, structural indexes and string buffer).
constexpr std::size_t kMaxFastBytes = 32 * 1024;

struct ThreadParser {
  simdjson::dom::parser parser{kMaxFastBytes};
  std::string padded;  // the text and SIMDJSON_PADDING bytes simdjson may read past its end
};

// `depth`: how many objects and arrays enclose `element`. `in_metadata`: it is the metadata
// member of an object whose keys are at the depth managedFields are left out at.
json to_json(simdjson::dom::element element, int depth, int key_depth, bool in_metadata) {
  using simdjson::dom::element_type;
  switch (element.type()) {
    case element_type::OBJECT: {
      json out = json::object();
      auto& members = out.get_ref<json::object_t&>();
      for (const auto [key, value] : simdjson::dom::object(element)) {
        if (in_metadata && key == "managedFields") continue;
        members[std::string(key)] =
            to_json(value, depth + 1, key_depth, depth + 1 == key_depth && key == "metadata");
      }
      return out;
    }
    case element_type::ARRAY: {
      json out = json::array();
      auto& items = out.get_ref<json::array_t&>();
      for (const auto item : simdjson::dom::array(element))
        items.push_back(to_json(item, depth + 1, key_depth, false));
      return out;
    }
    case element_type::STRING:
      return std::string(std::string_view(element));
    case element_type::INT64: {
      // nlohmann's parser makes every integer without a sign unsigned.
      const auto value = int64_t(element);
      return value >= 0 ? json(static_cast<std::uint64_t>(value)) : json(value);
    }
    case element_type::UINT64:
      return uint64_t(element);
    case element_type::DOUBLE:
      return double(element);
    case element_type::BOOL:
      return bool(element);
    case element_type::NULL_VALUE:
      return nullptr;
  }
  return nullptr;
}

}  // namespace

json::parser_callback_t without_managed_fields(int key_depth) {
  // Keys come in document order: the latest key at an object's depth is the member that the
  // keys one level deeper belong to.
  return
      [key_depth, in_metadata = false](int depth, json::parse_event_t event, json& parsed) mutable {
        if (event != json::parse_event_t::key) return true;
        if (depth == key_depth) in_metadata = parsed == "metadata";
        return !(in_metadata && depth == key_depth + 1 && parsed == "managedFields");
      };
}

json parse_json_fast(std::string_view text, int key_depth) {
  const auto fallback = [&] {
    return parse_json_bounded(text, key_depth > 0 ? without_managed_fields(key_depth) : nullptr);
  };
  if (text.size() > kMaxFastBytes || json_nesting_depth(text) > kMaxNestingDepth) return fallback();
  thread_local ThreadParser local;
  local.padded.assign(text);
  local.padded.append(simdjson::SIMDJSON_PADDING, '\0');
  simdjson::dom::element root;
  if (local.parser.parse(local.padded.data(), text.size(), false).get(root) != simdjson::SUCCESS)
    return fallback();
  return to_json(root, 0, key_depth, false);
}

}  // namespace kapp::util
