// Golden files: rendered YAML compared with a reviewed copy under tests/golden/.
// UPDATE_GOLDEN=1 rewrites the copy instead, for a reviewer to read in the diff.
#pragma once

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/util/files.h"
#include "core/yaml/yaml.h"

namespace kapp::test {

inline std::string as_yaml_stream(const std::vector<nlohmann::json>& objects) {
  std::string text;
  for (const auto& object : objects) text += (text.empty() ? "" : "---\n") + yaml::dump(object);
  return text;
}

inline void check_golden(const std::string& relative_path, const std::string& text) {
  const auto path = std::string(KAPP_SOURCE_DIR) + "/tests/golden/" + relative_path;
  if (util::get_env("UPDATE_GOLDEN").value_or("") == "1") {
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    std::ofstream(path, std::ios::binary) << text;
    WARN("rewrote " << path);
  }
  CHECK(text == util::read_file(path, "golden file"));
}

}  // namespace kapp::test
