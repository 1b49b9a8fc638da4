#include "core/util/time.h"

#include <cstdio>
#include <ctime>
#include <regex>

namespace kapp::util {

std::optional<Clock::time_point> parse_rfc3339(const std::string& text) {
  static const std::regex re(
      "(\\d{4})-(\\d{2})-(\\d{2})[Tt "
      "](\\d{2}):(\\d{2}):(\\d{2})(\\.\\d+)?([Zz]|([+-])(\\d{2}):(\\d{2}))");
  std::smatch m;
  if (!std::regex_match(text, m, re)) return std::nullopt;
  std::tm tm{};
  tm.tm_year = std::stoi(m[1]) - 1900;
  tm.tm_mon = std::stoi(m[2]) - 1;
  tm.tm_mday = std::stoi(m[3]);
  tm.tm_hour = std::stoi(m[4]);
  tm.tm_min = std::stoi(m[5]);
  tm.tm_sec = std::stoi(m[6]);
  auto seconds = static_cast<long long>(timegm(&tm));
  if (m[9].matched) {
    const long long offset = std::stoll(m[10]) * 3600 + std::stoll(m[11]) * 60;
    seconds += m[9] == "+" ? -offset : offset;
  }
  // system_clock counts nanoseconds in 64 bits: years past 2262 (and before 1678) saturate instead
  // of wrapping.
  const auto max_seconds =
      std::chrono::duration_cast<std::chrono::seconds>(Clock::time_point::max().time_since_epoch())
          .count();
  if (seconds >= max_seconds) return Clock::time_point::max();
  if (seconds <= -max_seconds) return Clock::time_point::min();  // years before 1678
  auto when = Clock::time_point(std::chrono::seconds(seconds));
  if (m[7].matched) {
    const double fraction = std::stod("0" + m[7].str());
    when += std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(fraction));
  }
  return when;
}

std::string format_rfc3339(Clock::time_point when) {
  const auto t = Clock::to_time_t(when);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string human_age(Clock::duration age) {
  const auto s = std::chrono::duration_cast<std::chrono::seconds>(age).count();
  if (s < 0) return "0s";
  if (s < 120) return std::to_string(s) + "s";
  const auto m = s / 60;
  if (m < 10) return std::to_string(m) + "m" + (s % 60 ? std::to_string(s % 60) + "s" : "");
  if (m < 180) return std::to_string(m) + "m";
  const auto h = m / 60;
  if (h < 8) return std::to_string(h) + "h" + (m % 60 ? std::to_string(m % 60) + "m" : "");
  if (h < 48) return std::to_string(h) + "h";
  const auto d = h / 24;
  if (d < 8) return std::to_string(d) + "d" + (h % 24 ? std::to_string(h % 24) + "h" : "");
  return std::to_string(d) + "d";
}

}  // namespace kapp::util
