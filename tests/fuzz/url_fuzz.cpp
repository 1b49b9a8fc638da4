// The MQTT and webhook URL parser, and the redaction that must never show a password.
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/errors.h"
#include "core/notify/url.h"

namespace {
unsigned char uc(char c) { return static_cast<unsigned char>(c); }
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string url(reinterpret_cast<const char*>(data), size);
  // With a user:password@ (a password of at least one character) right after a valid scheme,
  // neither the redacted URL nor an error may show the URL up to and with it.
  const auto scheme = url.find("://");
  const auto at = url.find('@', scheme == std::string::npos ? 0 : scheme);
  // RFC 3986: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ).
  const auto valid_scheme = [&] {
    if (scheme == std::string::npos || scheme == 0 || !std::isalpha(uc(url[0]))) return false;
    for (std::size_t i = 1; i < scheme; ++i)
      if (!std::isalnum(uc(url[i])) && url[i] != '+' && url[i] != '-' && url[i] != '.')
        return false;
    return true;
  };
  const auto colon = url.find(':', scheme == std::string::npos ? 0 : scheme + 3);
  const bool has_password = valid_scheme() && at != std::string::npos &&
                            url.find_first_of("/?#", scheme + 3) > at &&
                            colon != std::string::npos && colon + 1 < at;
  auto secret = has_password ? url.substr(0, at + 1) : std::string();
  // The same text again later (in a path or query) is data, not a credential of the URL.
  if (has_password && url.find(secret, 1) != std::string::npos) secret.clear();
  if (!secret.empty() && kapp::notify::redact_url(url).find(secret) != std::string::npos)
    __builtin_trap();
  try {
    (void)kapp::notify::parse_target(url);
  } catch (const kapp::Error& e) {
    if (!secret.empty() && std::string(e.what()).find(secret) != std::string::npos)
      __builtin_trap();
  }
  return 0;
}
