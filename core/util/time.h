#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace kapp::util {

using Clock = std::chrono::system_clock;

// RFC 3339 as Kubernetes writes it ("2026-11-23T10:00:00Z", fractions and offsets accepted).
std::optional<Clock::time_point> parse_rfc3339(const std::string& text);
std::string format_rfc3339(Clock::time_point when);
// kubectl's AGE column: 5s, 3m12s, 4h, 2d5h, 120d.
std::string human_age(Clock::duration age);

}  // namespace kapp::util
