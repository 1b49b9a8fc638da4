#include <catch2/catch.hpp>

#include <string>

#include "core/util/json_fast.h"
#include "core/util/limits.h"

using kapp::util::parse_json_bounded;
using kapp::util::parse_json_fast;
using kapp::util::without_managed_fields;
using nlohmann::json;

namespace {

// What nlohmann's parser makes of the same text, with the same filter.
json reference(const std::string& text, int key_depth = 0) {
  return parse_json_bounded(text, key_depth > 0 ? without_managed_fields(key_depth) : nullptr);
}

}  // namespace

TEST_CASE("the fast parser builds the same tree as nlohmann's parser") {
  const std::string text =
      R"({"s":"a\"b\u00e9\n","t":true,"f":false,"n":null,"a":[1,-2,3.5,1e2,[],{}],)"
      R"("o":{"z":1,"y":{"x":"deep"}},"big":18446744073709551615,"neg":-9223372036854775808})";
  const auto fast = parse_json_fast(text);
  CHECK(fast == reference(text));
  CHECK(fast.dump() == reference(text).dump());
}

TEST_CASE("the fast parser makes integers without a sign unsigned, as nlohmann's parser does") {
  const auto fast = parse_json_fast(R"({"replicas":3,"offset":-3,"ratio":0.5})");
  CHECK(fast["replicas"].is_number_unsigned());
  CHECK(fast["offset"].is_number_integer());
  CHECK_FALSE(fast["offset"].is_number_unsigned());
  CHECK(fast["ratio"].is_number_float());
}

TEST_CASE("the fast parser keeps the last of duplicate keys, as nlohmann's parser does") {
  const std::string text = R"({"a":1,"a":2})";
  CHECK(parse_json_fast(text) == reference(text));
  CHECK(parse_json_fast(text)["a"] == 2);
}

TEST_CASE("the fast parser leaves out only the managedFields of metadata at the depth asked") {
  const std::string event =
      R"({"type":"MODIFIED","object":{"metadata":{"name":"web","managedFields":[{"manager":"m"}],)"
      R"("labels":{"managedFields":"kept"}},"spec":{"managedFields":"kept",)"
      R"("template":{"metadata":{"managedFields":"kept"}}}}})";
  const auto fast = parse_json_fast(event, 2);
  CHECK(fast == reference(event, 2));
  CHECK_FALSE(fast["object"]["metadata"].contains("managedFields"));
  CHECK(fast["object"]["metadata"]["labels"]["managedFields"] == "kept");
  CHECK(fast["object"]["spec"]["managedFields"] == "kept");
  CHECK(fast["object"]["spec"]["template"]["metadata"]["managedFields"] == "kept");
  CHECK(parse_json_fast(event)["object"]["metadata"].contains("managedFields"));
}

TEST_CASE("the fast parser follows the callback's latest metadata key, wherever the object is") {
  // The callback remembers the last key at the depth asked: a managedFields one level deeper,
  // even in an object that is not that metadata's, is left out by both.
  for (const std::string text : {R"([{"metadata":{}},[{"managedFields":1}]])",
                                 R"({"object":{"metadata":{}},"x":[{"managedFields":1}]})"}) {
    INFO(text);
    CHECK(parse_json_fast(text, 2) == reference(text, 2));
  }
}

TEST_CASE("the fast parser returns a discarded value for text that is not JSON") {
  for (const std::string text : {"not json", "{\"a\":", "{\"a\":1}}", "\"\xff\""}) {
    INFO(text);
    CHECK(parse_json_fast(text).is_discarded());
  }
}

TEST_CASE("the fast parser refuses nesting deeper than the bound, as parse_json_bounded") {
  CHECK(parse_json_fast(std::string(2000, '[') + std::string(2000, ']')).is_discarded());
}

TEST_CASE("the fast parser takes nesting up to the bound and refuses one level more") {
  const auto nested = [](int depth) { return std::string(depth, '[') + std::string(depth, ']'); };
  CHECK_FALSE(parse_json_fast(nested(kapp::util::kMaxNestingDepth)).is_discarded());
  CHECK(parse_json_fast(nested(kapp::util::kMaxNestingDepth + 1)).is_discarded());
}

TEST_CASE("the fast parser reads a document too large for its buffers with nlohmann's parser") {
  json big = {{"metadata", {{"name", "big"}, {"managedFields", json::array()}}},
              {"data", std::string(100 * 1024, 'x')}};
  const auto fast = parse_json_fast(big.dump(), 1);
  CHECK(fast["data"].get<std::string>().size() == 100 * 1024);
  CHECK_FALSE(fast["metadata"].contains("managedFields"));
}
