// Leveled logging to stderr, like kubectl's -v. Level 0 is silent apart from errors;
// 6 logs each request, 7 its headers, 8 its bodies. Secrets are redacted at every level.
#pragma once

#include <string>
#include <string_view>

namespace kapp::log {

enum class Format { Text, Json };

void set_verbosity(int level);
int verbosity();
void set_format(Format format);
inline bool enabled(int level) { return verbosity() >= level; }

// Writes one line when `level` is enabled; `message` must already be free of secrets.
void info(int level, std::string_view message);
void error(std::string_view message);

// Replaces the credentials in an HTTP header line ("Authorization: Bearer abc" -> "Bearer
// <masked>").
std::string redact_header(std::string_view header);

}  // namespace kapp::log
