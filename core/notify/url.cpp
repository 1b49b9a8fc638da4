#include "core/notify/url.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>

#include "core/notify/notifier.h"

namespace kapp::notify {
namespace {

struct Parts {
  std::string scheme;     // lower case
  std::string userinfo;   // "" when absent
  std::string authority;  // host[:port], without userinfo
  std::string rest;       // path, query and fragment
};

std::optional<Parts> split(const std::string& url) {
  const auto sep = url.find("://");
  if (sep == std::string::npos || sep == 0) return std::nullopt;
  Parts parts;
  parts.scheme = url.substr(0, sep);
  std::transform(parts.scheme.begin(), parts.scheme.end(), parts.scheme.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const auto start = sep + 3;
  const auto end = std::min(url.find_first_of("/?#", start), url.size());
  std::string authority = url.substr(start, end - start);
  if (const auto at = authority.rfind('@'); at != std::string::npos) {
    parts.userinfo = authority.substr(0, at);
    authority = authority.substr(at + 1);
  }
  parts.authority = authority;
  parts.rest = url.substr(end);
  return parts;
}

[[noreturn]] void invalid(const std::string& url, const std::string& why) {
  throw NotifyError("InvalidURL", "\"" + redact_url(url) + "\" " + why);
}

// Whether this libcurl was built with the protocol (webhooks go through libcurl).
bool curl_speaks(const std::string& scheme) {
  const auto* info = curl_version_info(CURLVERSION_NOW);
  for (auto* p = info->protocols; p != nullptr && *p != nullptr; ++p) {
    if (scheme == *p) return true;
  }
  return false;
}

// The host, and the port or 0 when the URL has none.
std::pair<std::string, int> host_of(const std::string& url, const std::string& authority) {
  std::string host = authority, port;
  if (!host.empty() && host.front() == '[') {  // [IPv6]:port
    const auto close = host.find(']');
    if (close == std::string::npos) invalid(url, "has an unterminated IPv6 address");
    port = host.substr(close + 1);
    host = host.substr(1, close - 1);
    if (!port.empty() && port.front() != ':') invalid(url, "has garbage after its IPv6 address");
    if (!port.empty()) port.erase(0, 1);
  } else if (const auto colon = host.rfind(':'); colon != std::string::npos) {
    port = host.substr(colon + 1);
    host = host.substr(0, colon);
  }
  if (host.empty()) invalid(url, "has no host");
  const bool digits =
      std::all_of(port.begin(), port.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
  if (!digits || port.size() > 5 || (!port.empty() && std::stoi(port) > 65535) ||
      (!port.empty() && std::stoi(port) == 0)) {
    invalid(url, "has an invalid port \"" + port + "\"");
  }
  return {host, port.empty() ? 0 : std::stoi(port)};
}

}  // namespace

Target parse_target(const std::string& url) {
  const auto parts = split(url);
  if (!parts) invalid(url, "is not a URL; use mqtt://host:port/topic or https://host/path");
  const auto& scheme = parts->scheme;
  const bool mqtt = scheme == "mqtt" || scheme == "mqtts";
  if (!mqtt && scheme != "http" && scheme != "https")
    invalid(url, "has scheme " + scheme + "; use mqtt://host:port/topic or https://host/path");
  if (!mqtt && !curl_speaks(scheme)) {
    invalid(url, "needs " + scheme + ", which this build's libcurl " +
                     curl_version_info(CURLVERSION_NOW)->version + " cannot speak");
  }
  const bool tls = scheme == "mqtts" || scheme == "https";
  auto [host, port] = host_of(url, parts->authority);
  if (port == 0) port = mqtt ? (tls ? 8883 : 1883) : (tls ? 443 : 80);
  Target target{mqtt ? Scheme::Mqtt : Scheme::Http, std::move(host), "", port, tls};
  if (target.scheme == Scheme::Mqtt) {
    target.topic = parts->rest.empty() ? "" : parts->rest.substr(1);
    if (parts->rest.find_first_of("?#") != std::string::npos)
      invalid(url, "has a query or fragment; MQTT URLs are mqtt://host:port/topic");
    if (target.topic.empty()) invalid(url, "has no topic; use mqtt://host:port/topic");
    if (target.topic.find('+') != std::string::npos)
      invalid(url, "has a wildcard (+) in its topic; messages are published to one topic");
  }
  return target;
}

std::string redact_url(const std::string& url) {
  const auto parts = split(url);
  if (parts) {
    if (parts->userinfo.empty()) return url;
    return parts->scheme + "://" + parts->authority + parts->rest;
  }
  // Not a URL we can take apart: whatever precedes an '@' may be a user and password.
  const auto at = url.rfind('@');
  return at == std::string::npos ? url : "***" + url.substr(at);
}

}  // namespace kapp::notify
