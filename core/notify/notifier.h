// Sends one message to a message queue or a webhook. The controller only knows this interface;
// libcurl and libmosquitto stay in core/notify/*.cpp, and tests can substitute their own.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/errors.h"

namespace kapp::notify {

// Credentials for the broker or webhook (MQTT CONNECT or HTTP basic auth). Never logged.
struct Credentials {
  std::string username;
  std::string password;
};

// A message that was not acknowledged. reason() is CamelCase, for a condition's reason
// (BrokerUnreachable, BrokerRejected, BrokerTimeout, WebhookUnreachable, WebhookRejected,
// TLSFailed, InvalidURL, ...); what() says what happened without credentials.
class NotifyError : public Error {
 public:
  NotifyError(std::string reason, const std::string& message)
      : Error(message), reason_(std::move(reason)) {}
  const std::string& reason() const { return reason_; }

 private:
  std::string reason_;
};

class Notifier {
 public:
  virtual ~Notifier() = default;
  // Returns once the receiver took the message; throws NotifyError otherwise.
  // mqtt(s)://host:port/topic publishes `payload` on the topic with QoS 1 and returns after the
  // broker's PUBACK; http(s)://... POSTs it as JSON and wants a 2xx.
  virtual void send(const std::string& url, const std::optional<Credentials>& credentials,
                    const std::string& payload) = 0;
};

// HTTP(S) over libcurl, MQTT(S) over libmosquitto: connect timeout 5s, whole exchange 10s, TLS
// verified against the system's CAs, no redirects.
std::unique_ptr<Notifier> make_curl_notifier();

}  // namespace kapp::notify
