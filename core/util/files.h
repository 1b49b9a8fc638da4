#pragma once

#include <optional>
#include <string>

namespace kapp::util {

// Reads a whole file; throws ConfigError/InputError-neutral kapp::Error naming the path.
std::string read_file(const std::string& path, const std::string& what);
std::optional<std::string> read_file_if_exists(const std::string& path);
bool file_exists(const std::string& path);
// Resolves `path` against the directory of `relative_to_file` unless it is absolute.
std::string resolve_path(const std::string& path, const std::string& relative_to_file);
std::optional<std::string> get_env(const char* name);

}  // namespace kapp::util
