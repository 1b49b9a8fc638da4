// The MQTT and webhook URL parser, and the redaction that must never show a password.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/errors.h"
#include "core/notify/url.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string url(reinterpret_cast<const char*>(data), size);
  // With a user:password@ before the host, neither the redacted URL nor an error may show it.
  const auto scheme = url.find("://");
  const auto at = url.find('@', scheme == std::string::npos ? 0 : scheme);
  const auto userinfo = scheme != std::string::npos && at != std::string::npos &&
                                url.find_first_of("/?#", scheme + 3) > at &&
                                url.find(':', scheme + 3) < at
                            ? url.substr(scheme + 3, at + 1 - (scheme + 3))
                            : std::string();
  const auto redacted = kapp::notify::redact_url(url);
  if (!userinfo.empty() && redacted.find(userinfo) != std::string::npos) __builtin_trap();
  try {
    (void)kapp::notify::parse_target(url);
  } catch (const kapp::Error& e) {
    if (!userinfo.empty() && std::string(e.what()).find(userinfo) != std::string::npos)
      __builtin_trap();
  }
  return 0;
}
