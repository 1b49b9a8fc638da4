// Notification URLs: which ones we can send to, and how to show them without secrets.
#pragma once

#include <optional>
#include <string>

namespace kapp::notify {

enum class Scheme { Mqtt, Http };

struct Target {
  Scheme scheme;
  std::string host;   // without userinfo or port
  std::string topic;  // MQTT only: the path without its leading '/'
};

// Parses mqtt://host[:port]/topic or http(s)://host[:port][/path]. Throws NotifyError with
// reason InvalidURL (and a message that never repeats a password) when the URL cannot work:
// another scheme, one this libcurl cannot speak (e.g. mqtts), no host, or MQTT without a topic.
Target parse_target(const std::string& url);

// The URL with any user:password@ removed, for messages and logs.
std::string redact_url(const std::string& url);

}  // namespace kapp::notify
