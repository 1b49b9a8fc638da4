#include "core/util/files.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "core/errors.h"

namespace kapp::util {

namespace {

[[noreturn]] void too_large(const std::string& source, std::size_t max_bytes) {
  throw InputError(source + ": larger than " + describe_bytes(max_bytes) + "; refusing it");
}

}  // namespace

std::string read_stream(std::istream& in, const std::string& source, std::size_t max_bytes) {
  std::string content;
  char chunk[64 * 1024];
  while (in.read(chunk, sizeof chunk) || in.gcount() > 0) {
    const auto n = static_cast<std::size_t>(in.gcount());
    // A pipe or a device has no size to check up front: stop reading once past the limit.
    if (content.size() + n > max_bytes) too_large(source, max_bytes);
    content.append(chunk, n);
  }
  return content;
}

std::optional<std::string> read_file_if_exists(const std::string& path, std::size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::error_code ec;
  if (std::filesystem::is_regular_file(path, ec)) {
    const auto size = std::filesystem::file_size(path, ec);
    if (!ec && size > max_bytes) too_large(path, max_bytes);
  }
  return read_stream(in, path, max_bytes);
}

std::string read_file(const std::string& path, const std::string& what, std::size_t max_bytes) {
  auto content = read_file_if_exists(path, max_bytes);
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
