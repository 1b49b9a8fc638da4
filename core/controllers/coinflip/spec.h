// What a CoinFlip asks for, read from its spec with the CRD's defaults, and checked for what
// the CRD's schema cannot say (an interval below 100ms matches its pattern).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/errors.h"

namespace kapp::controllers::coinflip {

using nlohmann::json;

// Faster flips would turn every CoinFlip into a stream of status writes to the API server.
inline constexpr std::chrono::milliseconds kMinInterval{100};

struct Spec {
  std::chrono::milliseconds interval{2000};
  int threshold = 3;
  std::optional<std::int64_t> seed;
  std::optional<std::int64_t> max_flips;  // none: flip forever
  std::string url;
  std::string credentials_secret;  // "" when the receiver needs no credentials
};

// A spec the controller cannot run. reason() is CamelCase for the condition
// (InvalidInterval, InvalidThreshold, InvalidMaxFlips, InvalidURL); what() names the field.
class InvalidSpec : public InputError {
 public:
  InvalidSpec(std::string reason, const std::string& message)
      : InputError(message), reason_(std::move(reason)) {}
  const std::string& reason() const { return reason_; }

 private:
  std::string reason_;
};

// "100ms", "2s", "5m", "1h" (the CRD's pattern); throws InvalidSpec when malformed, below
// kMinInterval or absurdly long.
std::chrono::milliseconds parse_interval(const std::string& text);

// Throws InvalidSpec.
Spec parse_spec(const json& spec);

}  // namespace kapp::controllers::coinflip
