#include <catch2/catch.hpp>

#include "core/errors.h"
#include "core/yaml/yaml.h"

using kapp::yaml::dump;
using kapp::yaml::parse;
using kapp::yaml::parse_all;
using nlohmann::json;

TEST_CASE("plain scalars are typed by the YAML core schema") {
  const auto doc = parse("a: 1\nb: 1.5\nc: true\nd: null\ne: hello\nf: ~\ng: -7\n");
  CHECK(doc["a"] == 1);
  CHECK(doc["b"] == 1.5);
  CHECK(doc["c"] == true);
  CHECK(doc["d"].is_null());
  CHECK(doc["e"] == "hello");
  CHECK(doc["f"].is_null());
  CHECK(doc["g"] == -7);
}

TEST_CASE("quoted scalars stay strings") {
  const auto doc = parse("a: \"1\"\nb: 'true'\nc: \"\"\n");
  CHECK(doc["a"] == "1");
  CHECK(doc["b"] == "true");
  CHECK(doc["c"] == "");
}

TEST_CASE("multi-document streams skip empty documents") {
  const auto docs = parse_all("---\na: 1\n---\n---\nb: 2\n");
  REQUIRE(docs.size() == 2);
  CHECK(docs[1]["b"] == 2);
}

TEST_CASE("malformed YAML names the source and line") {
  CHECK_THROWS_WITH(parse("a: 1\nb: [1, 2\n", "app.yaml"),
                    Catch::Contains("app.yaml:") && Catch::Contains("malformed YAML"));
}

TEST_CASE("duplicate keys are rejected with their line") {
  CHECK_THROWS_WITH(parse("a: 1\nb: 2\na: 3\n", "x.yaml"),
                    Catch::Contains("x.yaml:3") && Catch::Contains("duplicate key \"a\""));
}

TEST_CASE("dumped YAML reads back to the same value") {
  const json value = {{"name", "shop"},
                      {"replicas", 2},
                      {"ratio", 0.5},
                      {"on", true},
                      {"version", "1.27"},
                      {"empty", ""},
                      {"yes", "yes"},
                      {"list", {1, "2", nullptr}},
                      {"nested", {{"k", "v"}}},
                      {"multi", "a\nb"},
                      {"block", "line1\nline2\n"},
                      {"none", nullptr},
                      {"emptyMap", json::object()}};
  CHECK(parse(dump(value)) == value);
}

TEST_CASE("empty maps and lists are dumped inline in flow style") {
  const json value = {{"selector", json::object()},
                      {"items", json::array()},
                      {"nested", {{"labels", json::object()}}},
                      {"list", json::array({json::object(), json::array(), "x"})}};
  CHECK(dump(value) ==
        "items: []\n"
        "list:\n"
        "  - {}\n"
        "  - []\n"
        "  - x\n"
        "nested:\n"
        "  labels: {}\n"
        "selector: {}\n");
  CHECK(dump(json::object()) == "{}\n");
  CHECK(parse(dump(value)) == value);
}

TEST_CASE("a number too large for a double stays a string, as go-yaml keeps it") {
  // Found by the kubeconfig fuzz target: std::stod threw out_of_range.
  const auto doc = parse("big: 22222.1e1111111\nsmall: -1e-999999\n", "t.yaml");
  CHECK(doc["big"] == "22222.1e1111111");
  CHECK(doc["small"] == "-1e-999999");
}
