#include <catch2/catch.hpp>

#include <unistd.h>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "core/errors.h"
#include "core/util/files.h"
#include "core/util/limits.h"
#include "core/yaml/yaml.h"

using kapp::InputError;
using kapp::yaml::parse;
using kapp::yaml::parse_documents;
using nlohmann::json;

namespace {

// Nine levels, each anchor a list of nine aliases of the previous one: 9^9 strings once
// expanded, from a few hundred bytes.
std::string billion_laughs() {
  std::string text =
      "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n";
  for (char level = 'b'; level <= 'i'; ++level) {
    const std::string previous(1, static_cast<char>(level - 1));
    text += std::string(1, level) + ": &" + level + " [";
    for (int i = 0; i < 9; ++i) text += (i ? ",*" : "*") + previous;
    text += "]\n";
  }
  return text;
}

// What the parser throws, as the user would read it.
std::string error_of(const std::string& text, const std::string& source) {
  try {
    parse_documents(text, source);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

bool one_line_of_ours(const std::string& message) {
  return !message.empty() && message.find('\n') == std::string::npos &&
         message.find("yaml-cpp") == std::string::npos;
}

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("kapp-yaml-limits-" + std::to_string(getpid()) + "-" + name))
      .string();
}

}  // namespace

TEST_CASE("a billion laughs document is refused quickly, naming the alias limit") {
  const auto start = std::chrono::steady_clock::now();
  const auto message = error_of(billion_laughs(), "bomb.yaml");
  const auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK(elapsed < std::chrono::seconds(2));
  CHECK_THAT(message, Catch::StartsWith("bomb.yaml: YAML aliases expand to more than 100 times") &&
                          Catch::Contains("billion laughs"));
  CHECK(one_line_of_ours(message));
}

TEST_CASE("the alias limit applies to each document of a stream") {
  const auto message = error_of("a: 1\n---\n" + billion_laughs(), "bomb.yaml");
  CHECK_THAT(message, Catch::Contains("YAML aliases expand"));
}

TEST_CASE("a document with a few legitimate aliases still converts") {
  const auto doc = parse(
      "base: &labels {app: shop, tier: web}\n"
      "ports: &ports [80, 443]\n"
      "frontend: {labels: *labels, ports: *ports}\n"
      "backend: {labels: *labels, ports: *ports}\n",
      "app.yaml");
  CHECK(doc["frontend"]["labels"]["app"] == "shop");
  CHECK(doc["backend"]["ports"] == json::array({80, 443}));
}

TEST_CASE("many aliases of a small anchor in a large document still convert") {
  // 5,000 parsed entries, each with an alias: the aliases add about as much as was parsed.
  std::string text = "common: &c {a: 1, b: 2}\nitems:\n";
  for (int i = 0; i < 5000; ++i) text += "  - {name: n" + std::to_string(i) + ", c: *c}\n";
  const auto doc = parse(text, "big.yaml");
  CHECK(doc["items"].size() == 5000);
  CHECK(doc["items"][4999]["c"]["b"] == 2);
}

TEST_CASE("an alias inside the node it names is refused") {
  const auto message = error_of("a: &a [1, *a]\n", "loop.yaml");
  CHECK(one_line_of_ours(message));
  CHECK_THAT(message, Catch::StartsWith("loop.yaml"));
}

TEST_CASE("10,000 nested flow lists are refused with the depth limit") {
  const auto start = std::chrono::steady_clock::now();
  const auto message = error_of(std::string(10000, '[') + std::string(10000, ']'), "deep.yaml");
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
  CHECK_THAT(message, Catch::StartsWith("deep.yaml:1:") &&
                          Catch::Contains("nested more than 400 levels deep"));
  CHECK(one_line_of_ours(message));
}

TEST_CASE("deeply nested block mappings are refused with the depth limit") {
  std::string text;
  for (int i = 0; i < 1000; ++i) text += std::string(static_cast<std::size_t>(i), ' ') + "a:\n";
  CHECK_THAT(error_of(text, "deep.yaml"), Catch::Contains("nested more than 400 levels deep"));
}

TEST_CASE("an alias that would nest past the depth limit is refused") {
  std::string text = "a: &a " + std::string(300, '[') + std::string(300, ']') +
                     "\nb: " + std::string(300, '[') + "*a" + std::string(300, ']') + "\n";
  CHECK_THAT(error_of(text, "deep.yaml"), Catch::Contains("nested more than 400 levels deep"));
}

TEST_CASE("an oversize file is refused before it is read") {
  const auto path = temp_path("big.yaml");
  { std::ofstream(path) << "a: 1\n"; }
  std::filesystem::resize_file(path, kapp::util::kMaxInputBytes + 1);  // sparse: no disk used
  CHECK_THROWS_MATCHES(kapp::util::read_file(path, "file"), InputError,
                       Catch::Message(path + ": larger than 32 MiB; refusing it"));
  std::filesystem::remove(path);
}

TEST_CASE("oversize stdin is refused once it passes the limit") {
  std::istringstream in(std::string(1000, 'x'));
  CHECK_THROWS_MATCHES(kapp::util::read_stream(in, "<stdin>", 999), InputError,
                       Catch::Message("<stdin>: larger than 999 bytes; refusing it"));
  std::istringstream small("a: 1\n");
  CHECK(kapp::util::read_stream(small, "<stdin>", 999) == "a: 1\n");
}

TEST_CASE("an oversize text is refused by the parser too") {
  const std::string text(kapp::util::kMaxInputBytes + 1, ' ');
  CHECK_THAT(error_of(text, "<stdin>"), Catch::Equals("<stdin>: larger than 32 MiB; refusing it"));
}

TEST_CASE("binary garbage gives one line with no library text") {
  std::string garbage;
  for (int i = 0; i < 512; ++i) garbage += static_cast<char>((i * 167 + 13) % 256);
  const auto message = error_of(garbage, "blob.bin");
  CHECK_THAT(message, Catch::StartsWith("blob.bin:") && Catch::Contains("not a YAML or JSON text"));
  CHECK(one_line_of_ours(message));
}

TEST_CASE("invalid UTF-8 is refused with its line") {
  CHECK_THAT(error_of("a: 1\nb: \"\xC3\x28\"\n", "x.yaml"),
             Catch::StartsWith("x.yaml:2: not a YAML or JSON text (byte 0xC3"));
  CHECK(parse("name: caf\xC3\xA9 \xE2\x9C\x93\n")["name"] == "caf\xC3\xA9 \xE2\x9C\x93");
}

TEST_CASE("malformed YAML is explained in our words with file and line") {
  const auto message = error_of("a: 1\nb: [1, 2\n", "app.yaml");
  CHECK_THAT(message, Catch::StartsWith("app.yaml:") && Catch::Contains("malformed YAML"));
  CHECK(message.find("end of sequence") == std::string::npos);
  CHECK(one_line_of_ours(message));
}

TEST_CASE("JSON nested deeper than the limit is unreadable, legitimate JSON parses") {
  CHECK(kapp::util::parse_json_bounded(std::string(100000, '[') + std::string(100000, ']'))
            .is_discarded());
  const auto ok = kapp::util::parse_json_bounded(R"({"a": "[[[[{{{{\"", "b": [[1]]})");
  REQUIRE_FALSE(ok.is_discarded());
  CHECK(ok["b"][0][0] == 1);
  CHECK(kapp::util::parse_json_bounded("not json").is_discarded());
}

TEST_CASE("a stray comma is refused instead of parsing forever") {
  // Found by the manifest fuzz target: yaml-cpp 0.7 loops on it (jbeder/yaml-cpp#1040).
  const auto start = std::chrono::steady_clock::now();
  const auto message = error_of(", \"\\u00e9\"]}]]\n", "stray.yaml");
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
  CHECK_THAT(message,
             Catch::StartsWith("stray.yaml:1:1: malformed YAML") && Catch::Contains("stray ','"));
  CHECK(one_line_of_ours(message));
}
