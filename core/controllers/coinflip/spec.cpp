#include "core/controllers/coinflip/spec.h"

#include <charconv>
#include <regex>

#include "core/notify/notifier.h"
#include "core/notify/url.h"

namespace kapp::controllers::coinflip {
namespace {

// Longer than anyone waits for a coin, short enough that time arithmetic cannot overflow.
constexpr std::chrono::milliseconds kMaxInterval = std::chrono::hours(24 * 365);

std::optional<std::int64_t> optional_int(const json& spec, const char* field) {
  const auto it = spec.find(field);
  if (it == spec.end() || it->is_null()) return std::nullopt;
  // The CRD's schema already says so; this guards objects written before it did.
  if (!it->is_number_integer())
    throw InvalidSpec("InvalidSpec", std::string("spec.") + field + " must be an integer");
  return it->get<std::int64_t>();
}

std::string string_field(const json& object, const char* field, const std::string& fallback) {
  const auto it = object.find(field);
  return it != object.end() && it->is_string() ? it->get<std::string>() : fallback;
}

}  // namespace

std::chrono::milliseconds parse_interval(const std::string& text) {
  static const std::regex re("([0-9]{1,12})(ms|s|m|h)");
  std::smatch m;
  if (!std::regex_match(text, m, re)) {
    throw InvalidSpec("InvalidInterval", "spec.interval \"" + text +
                                             "\" is not a duration; use e.g. 500ms, 2s, 1m or 1h");
  }
  std::int64_t value = 0;
  const auto digits = m[1].str();
  std::from_chars(digits.data(), digits.data() + digits.size(), value);
  const auto unit = m[2].str();
  const std::int64_t per_unit = unit == "ms"  ? 1
                                : unit == "s" ? 1000
                                : unit == "m" ? 60000
                                              : 3600000;
  if (value > kMaxInterval.count() / per_unit)
    throw InvalidSpec("InvalidInterval", "spec.interval " + text + " is longer than a year");
  const std::chrono::milliseconds interval{value * per_unit};
  if (interval < kMinInterval) {
    throw InvalidSpec("InvalidInterval", "spec.interval " + text + " is below the minimum of " +
                                             std::to_string(kMinInterval.count()) + "ms");
  }
  return interval;
}

Spec parse_spec(const json& spec) {
  if (!spec.is_object()) throw InvalidSpec("InvalidSpec", "spec is missing");
  Spec parsed;
  parsed.interval = parse_interval(string_field(spec, "interval", "2s"));
  const auto threshold = optional_int(spec, "threshold").value_or(3);
  if (threshold < 1 || threshold > 32)
    throw InvalidSpec("InvalidThreshold",
                      "spec.threshold must be between 1 and 32, not " + std::to_string(threshold));
  parsed.threshold = static_cast<int>(threshold);
  parsed.seed = optional_int(spec, "seed");
  parsed.max_flips = optional_int(spec, "maxFlips");
  if (parsed.max_flips && *parsed.max_flips < 0)
    throw InvalidSpec("InvalidMaxFlips", "spec.maxFlips must not be negative");
  const auto notify = spec.value("notify", json::object());
  parsed.url = string_field(notify, "url", "");
  try {
    notify::parse_target(parsed.url);
  } catch (const notify::NotifyError& e) {
    throw InvalidSpec("InvalidURL", std::string("spec.notify.url ") + e.what());
  }
  parsed.credentials_secret =
      string_field(notify.value("credentialsSecretRef", json::object()), "name", "");
  return parsed;
}

}  // namespace kapp::controllers::coinflip
