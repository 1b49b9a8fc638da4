#pragma once

#include <cstddef>
#include <iosfwd>
#include <optional>
#include <string>

#include "core/util/limits.h"

namespace kapp::util {

// Reads a whole file; throws ConfigError/InputError-neutral kapp::Error naming the path.
// A file larger than `max_bytes` is refused with an InputError before it is read.
std::string read_file(const std::string& path, const std::string& what,
                      std::size_t max_bytes = kMaxInputBytes);
std::optional<std::string> read_file_if_exists(const std::string& path,
                                               std::size_t max_bytes = kMaxInputBytes);
// Reads a stream to its end (stdin for `-f -`), refusing it once it passes `max_bytes`;
// `source` names it in the error ("<stdin>").
std::string read_stream(std::istream& in, const std::string& source,
                        std::size_t max_bytes = kMaxInputBytes);
bool file_exists(const std::string& path);
// Resolves `path` against the directory of `relative_to_file` unless it is absolute.
std::string resolve_path(const std::string& path, const std::string& relative_to_file);
std::optional<std::string> get_env(const char* name);

}  // namespace kapp::util
