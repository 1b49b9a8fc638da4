// `-o yaml` must read back as the same object in YAML 1.1 and 1.2 readers, kubectl's included.
#include <catch2/catch.hpp>

#include "core/yaml/yaml.h"
#include "tests/support/yaml_scalars.h"

using kapp::test::kPlain;
using kapp::test::kSpecial;
using kapp::test::kSyntax;
using kapp::yaml::dump;
using kapp::yaml::parse;
using nlohmann::json;

TEST_CASE("strings YAML 1.1 or 1.2 readers take for another type are written double-quoted") {
  for (const auto& s : kSpecial) {
    INFO("string: [" << s << "]");
    const auto text = dump(json{{"v", s}});
    CHECK(text.rfind("v: \"", 0) == 0);
  }
}

TEST_CASE("special scalars read back as the same strings as values, keys and list items") {
  for (const auto& list : {kSpecial, kSyntax, kPlain}) {
    for (const auto& s : list) {
      INFO("string: [" << s << "]");
      const json value = {{"value", s}, {s, "key"}, {"list", {s}}, {"nested", {{s, {s}}}}};
      CHECK(parse(dump(value)) == value);
    }
  }
}

TEST_CASE("special scalars as keys are written double-quoted") {
  for (const auto& s : kSpecial) {
    INFO("key: [" << s << "]");
    CHECK(dump(json{{s, 1}}).rfind("\"", 0) == 0);
  }
}

TEST_CASE("strings no YAML reader takes for another type are written plain") {
  for (const auto& s : kPlain) {
    INFO("string: [" << s << "]");
    CHECK(dump(json{{"v", s}}) == "v: " + s + "\n");
  }
}
