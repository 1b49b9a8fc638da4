// Bounds on what the program reads from files, stdin, plugins and the API server, so that a
// hostile or broken input is refused with one line instead of exhausting memory or the stack.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace kapp::util {

inline constexpr std::size_t kMiB = 1024 * 1024;
// One input file or stdin (kubeconfig, manifest, token, certificate).
inline constexpr std::size_t kMaxInputBytes = 32 * kMiB;
// One response body of the API server (a list is paginated well below this).
inline constexpr std::size_t kMaxResponseBytes = 64 * kMiB;
// One line (event) of a watch stream.
inline constexpr std::size_t kMaxWatchLineBytes = 16 * kMiB;
// Nesting of JSON documents (Kubernetes objects are a few dozen levels deep; YAML has its
// own, lower bound in core/yaml/yaml.cpp).
inline constexpr int kMaxNestingDepth = 1000;

// "32 MiB"
std::string describe_bytes(std::size_t bytes);

// Parses JSON, or returns a discarded value when the text is not JSON or is nested deeper than
// kMaxNestingDepth (nlohmann's dump and comparisons recurse; this keeps them bounded).
// `filter`, when set, is nlohmann's parser callback: what it refuses is never built.
nlohmann::json parse_json_bounded(std::string_view text,
                                  const nlohmann::json::parser_callback_t& filter = nullptr);

// The deepest nesting of arrays and objects in JSON text (strings are skipped), stopping
// early once it exceeds `stop_after`.
int json_nesting_depth(std::string_view text, int stop_after = kMaxNestingDepth);

}  // namespace kapp::util
