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
  int port = 0;       // the URL's, or the scheme's default (1883, 8883, 80, 443)
  bool tls = false;   // mqtts or https
};

// Parses mqtt(s)://host[:port]/topic or http(s)://host[:port][/path]. Throws NotifyError with
// reason InvalidURL (and a message that never repeats a password) when the URL cannot work:
// another scheme, one this libcurl cannot speak (for http(s)), no host, or MQTT without a topic.
Target parse_target(const std::string& url);

// The URL with any user:password@ removed, for messages and logs.
std::string redact_url(const std::string& url);

}  // namespace kapp::notify
