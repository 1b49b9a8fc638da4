#include "core/util/files.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/errors.h"

namespace kapp::util {

std::optional<std::string> read_file_if_exists(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string read_file(const std::string& path, const std::string& what) {
  auto content = read_file_if_exists(path);
  if (!content)
    throw Error("cannot read " + what + " \"" + path + "\"; check that it exists and is readable");
  return *content;
}

bool file_exists(const std::string& path) {
  std::error_code ec;
  return std::filesystem::exists(path, ec);
}

std::string resolve_path(const std::string& path, const std::string& relative_to_file) {
  if (path.empty() || path.front() == '/' || relative_to_file.empty()) return path;
  return (std::filesystem::path(relative_to_file).parent_path() / path).lexically_normal().string();
}

std::optional<std::string> get_env(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

}  // namespace kapp::util
