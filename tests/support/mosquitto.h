// A real Mosquitto broker and a real subscriber (mosquitto_sub) on loopback, for the CoinFlip's
// MQTT notifications. The broker can be stopped and started again on the same port with the
// sessions it saved, so a subscriber misses nothing published while it reconnects.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/cluster.h"

namespace kapp::test {

// A user the broker requires of every client (anonymous clients are refused).
struct MqttLogin {
  std::string username;
  std::string password;
};

class MosquittoBroker {
 public:
  // Started and accepting connections; without `login`, anonymous clients are welcome.
  explicit MosquittoBroker(std::optional<MqttLogin> login = std::nullopt);
  ~MosquittoBroker();
  MosquittoBroker(const MosquittoBroker&) = delete;
  MosquittoBroker& operator=(const MosquittoBroker&) = delete;

  int port() const { return port_; }
  // mqtt://127.0.0.1:PORT/topic
  std::string url(const std::string& topic) const;
  // SIGTERM, which makes it save its sessions; returns once it exited.
  void stop();
  // Again on the same port with the saved sessions; returns once it accepts connections.
  void start();
  std::string log() const;
  const std::optional<MqttLogin>& login() const { return login_; }

 private:
  TempDir dir_;
  int port_ = 0;
  std::optional<MqttLogin> login_;
  std::string config_;
  std::string log_;  // of the processes stopped so far
  std::unique_ptr<BackgroundProcess> process_;
};

// mosquitto_sub on one topic in a persistent session (clean session off, a fixed client id) on
// a broker that queues QoS 0 messages for it: what is published while the broker restarts and
// the subscriber reconnects is delivered once it is back.
class MqttSubscriber {
 public:
  // Returns once the subscription is in place (a probe message came back).
  MqttSubscriber(const MosquittoBroker& broker, const std::string& topic);
  MqttSubscriber(const MqttSubscriber&) = delete;
  MqttSubscriber& operator=(const MqttSubscriber&) = delete;

  // The payloads received on the topic so far, in order of arrival, duplicates included.
  std::vector<std::string> messages() const;
  std::string output() const { return process_->output(); }

 private:
  std::string topic_;
  std::unique_ptr<BackgroundProcess> process_;
};

}  // namespace kapp::test
