#include "core/log.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

#include <nlohmann/json.hpp>

namespace kapp::log {
namespace {
std::atomic<int> g_verbosity{0};
std::atomic<Format> g_format{Format::Text};
std::mutex g_mutex;

std::string timestamp() {
  const auto now = std::chrono::system_clock::now();
  const auto t = std::chrono::system_clock::to_time_t(now);
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

void write(std::string_view level, std::string_view message) {
  std::string line;
  if (g_format.load() == Format::Json) {
    line = nlohmann::json{{"ts", timestamp()}, {"level", level}, {"msg", message}}.dump(
        -1, ' ', false, nlohmann::json::error_handler_t::replace);
  } else {
    line = timestamp() + " " + std::string(level) + " " + std::string(message);
  }
  std::lock_guard lock(g_mutex);
  std::fprintf(stderr, "%s\n", line.c_str());
}
}  // namespace

void set_verbosity(int level) { g_verbosity = level; }
int verbosity() { return g_verbosity; }
void set_format(Format format) { g_format = format; }

void info(int level, std::string_view message) {
  if (enabled(level)) write("info", message);
}

void error(std::string_view message) { write("error", message); }

std::string redact_header(std::string_view header) {
  const auto colon = header.find(':');
  if (colon == std::string_view::npos) return std::string(header);
  std::string name(header.substr(0, colon));
  for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (name == "authorization" || name == "proxy-authorization") {
    auto value = header.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    const auto space = value.find(' ');
    const auto scheme =
        space == std::string_view::npos ? std::string_view() : value.substr(0, space);
    return std::string(header.substr(0, colon)) + ": " + std::string(scheme) +
           (scheme.empty() ? "" : " ") + "<masked>";
  }
  return std::string(header);
}

}  // namespace kapp::log
