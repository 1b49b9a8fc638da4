// Internal to core/notify: MQTT over libmosquitto, so that mosquitto.h stays out of the headers
// the rest of the code includes.
#pragma once

#include <optional>
#include <string>

#include "core/notify/notifier.h"
#include "core/notify/url.h"

namespace kapp::notify {

// Publishes `payload` on target.topic with QoS 1 and returns once the broker's PUBACK arrived;
// throws NotifyError otherwise (BrokerUnreachable, BrokerRejected, BrokerTimeout, TLSFailed).
void send_mqtt(const std::string& url, const Target& target,
               const std::optional<Credentials>& credentials, const std::string& payload);

}  // namespace kapp::notify
