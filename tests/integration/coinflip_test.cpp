// The CoinFlip controller on the real control plane, notifying a real Mosquitto broker (and a
// loopback webhook): exactly the notifications a seed implies, none lost while the broker is
// down or the controller is killed, and the CLI that creates and shows CoinFlips.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <mutex>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "core/client/resource.h"
#include "core/controllers/coinflip/state.h"
#include "core/engine/object.h"
#include "core/notify/notifier.h"
#include "core/util/time.h"
#include "tests/support/cluster.h"
#include "tests/support/controller.h"
#include "tests/support/mosquitto.h"
#include "tests/support/objects.h"

using namespace kapp::test;
using namespace std::chrono_literals;
using kapp::client::resources::kCoinFlip;
using kapp::client::resources::kEvent;
using kapp::client::resources::kSecret;
using nlohmann::json;
namespace cf = kapp::controllers::coinflip;

namespace {

constexpr const char* kTopic = "coinflip/alerts";
constexpr int kThreshold = 2;

json coinflip(const std::string& ns, const std::string& name, const std::string& url,
              std::int64_t seed, std::int64_t max_flips) {
  return {{"apiVersion", "kubectl-app.io/v1alpha1"},
          {"kind", "CoinFlip"},
          {"metadata", {{"name", name}, {"namespace", ns}}},
          {"spec",
           {{"interval", "100ms"},
            {"threshold", kThreshold},
            {"seed", seed},
            {"maxFlips", max_flips},
            {"notify", {{"url", url}}}}}};
}

// The first seed whose first `max_flips` flips record at least `at_least` notifications, one of
// them from a run of twice the threshold (the second notification of one run).
std::int64_t seed_with_notifications(std::int64_t max_flips, std::size_t at_least) {
  for (std::int64_t seed = 1;; ++seed) {
    const auto all = expected_notifications(coinflip("ns", "seed", "mqtt://h/t", seed, max_flips));
    const bool long_run = std::any_of(all.begin(), all.end(),
                                      [](const auto& n) { return n.streak == 2 * kThreshold; });
    if (all.size() >= at_least && long_run) return seed;
  }
}

// One line per notification, comparable and readable in a failure: what the receiver got (a
// JSON message) or what it should get.
std::string describe(const std::string& name, const std::string& ns, const std::string& id,
                     std::int64_t flip, std::int64_t streak) {
  return ns + "/" + name + " " + id + " flip " + std::to_string(flip) + " streak " +
         std::to_string(streak);
}

std::vector<std::string> described(const std::vector<cf::Notification>& notifications,
                                   const std::string& name, const std::string& ns) {
  std::vector<std::string> out;
  for (const auto& n : notifications) out.push_back(describe(name, ns, n.id, n.flip, n.streak));
  return out;
}

std::vector<std::string> described(const std::vector<std::string>& messages) {
  std::vector<std::string> out;
  for (const auto& m : messages) {
    const auto j = json::parse(m);
    out.push_back(describe(j.value("coinflip", ""), j.value("namespace", ""), j.value("id", ""),
                           j.value("flip", 0LL), j.value("streak", 0LL)));
  }
  return out;
}

json object_of(const std::string& ns, const std::string& name) {
  return admin().get(kCoinFlip, ns, name);
}

bool completed(const std::string& ns, const std::string& name) {
  return coinflip_status(ns, name).value("phase", "") == "Completed";
}

// Every notification recorded (all flips made) and none delivered.
bool all_pending(const std::string& ns, const std::string& name, std::size_t count) {
  const auto status = coinflip_status(ns, name);
  return status.value("flips", 0LL) == object_of(ns, name)["spec"].value("maxFlips", -1LL) &&
         notifications(status, "pending") == static_cast<std::int64_t>(count);
}

std::vector<std::string> queued_ids(const json& status) {
  std::vector<std::string> ids;
  for (const auto& n : status["notifications"].value("queue", json::array()))
    ids.push_back(n.value("id", ""));
  return ids;
}

std::vector<std::string> ids_of(const std::vector<cf::Notification>& notifications) {
  std::vector<std::string> ids;
  for (const auto& n : notifications) ids.push_back(n.id);
  return ids;
}

std::vector<std::string> ids_of(const std::vector<std::string>& messages) {
  std::vector<std::string> ids;
  for (const auto& m : messages) ids.push_back(json::parse(m).value("id", ""));
  return ids;
}

bool received_all(const MqttSubscriber& subscriber, const std::vector<std::string>& ids) {
  const auto got = ids_of(subscriber.messages());
  const std::set<std::string> have(got.begin(), got.end());
  return std::all_of(ids.begin(), ids.end(), [&](const auto& id) { return have.count(id) > 0; });
}

// "Type Reason: message" of every event about the object.
std::vector<std::string> events_of(const json& object) {
  const auto list =
      admin().list(kEvent, kapp::engine::namespace_of(object),
                   {.field_selector = "involvedObject.uid=" + kapp::engine::uid_of(object)});
  std::vector<std::string> out;
  for (const auto& e : list["items"])
    out.push_back(e.value("type", "") + " " + e.value("reason", "") + ": " +
                  e.value("message", ""));
  return out;
}

// Whether an event about the object is of this "Type Reason", e.g. "Warning BrokerUnreachable".
bool has_typed_event(const json& object, const std::string& type_and_reason) {
  const auto events = events_of(object);
  return std::any_of(events.begin(), events.end(),
                     [&](const auto& e) { return e.rfind(type_and_reason + ":", 0) == 0; });
}

std::vector<std::string> run_controller_args(const std::string& ns) {
  return {KAPP_BINARY,
          "run-controller",
          "--kubeconfig",
          admin_kubeconfig(),
          "--namespace",
          ns,
          "--metrics-bind-address=0",
          "--health-probe-bind-address=0",
          "-v",
          "2"};
}

// A webhook on a free loopback port that answers 503 to its first `refusals` requests and 200
// to the others, and keeps what it received.
class Webhook {
 public:
  struct Request {
    std::string head;  // request line and headers
    std::string body;
    int status = 0;  // the answer
  };

  explicit Webhook(int refusals = 0) : refusals_(refusals) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(listen(fd_, 16) == 0);
    socklen_t len = sizeof addr;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~Webhook() {
    shutdown(fd_, SHUT_RDWR);  // ends the accept() of serve()
    thread_.join();
    close(fd_);
  }
  Webhook(const Webhook&) = delete;
  Webhook& operator=(const Webhook&) = delete;

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }
  std::vector<Request> requests() {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  void serve() {
    for (;;) {
      const int client = accept(fd_, nullptr, nullptr);
      if (client < 0) return;
      handle(client);
      close(client);
    }
  }

  void handle(int client) {
    std::string data;
    char buf[4096];
    std::size_t end = std::string::npos, length = 0;
    while (end == std::string::npos || data.size() < end + 4 + length) {
      const auto n = recv(client, buf, sizeof buf, 0);
      if (n <= 0) return;
      data.append(buf, static_cast<std::size_t>(n));
      end = data.find("\r\n\r\n");
      if (end == std::string::npos) continue;
      static const std::regex re("\r\ncontent-length: *([0-9]+)", std::regex::icase);
      std::smatch m;
      const auto head = data.substr(0, end);
      length = std::regex_search(head, m, re) ? std::stoul(m[1]) : 0;
    }
    int status = 200;
    {
      std::lock_guard lock(mutex_);
      if (static_cast<int>(requests_.size()) < refusals_) status = 503;
      requests_.push_back({data.substr(0, end), data.substr(end + 4, length), status});
    }
    const auto answer = "HTTP/1.1 " + std::to_string(status) +
                        " X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    send(client, answer.data(), answer.size(), MSG_NOSIGNAL);
  }

  int refusals_;
  int fd_ = -1;
  int port_ = 0;
  std::thread thread_;
  std::mutex mutex_;
  std::vector<Request> requests_;
};

// Speaks just enough MQTT 3.1.1 on a free loopback port to take a message and never
// acknowledge it: a CONNACK for every CONNECT, and no PUBACK for any PUBLISH.
class SilentBroker {
 public:
  SilentBroker() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(listen(fd_, 16) == 0);
    socklen_t len = sizeof addr;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~SilentBroker() {
    stopping_ = true;
    shutdown(fd_, SHUT_RDWR);             // ends the accept() of serve()
    shutdown(client_.load(), SHUT_RDWR);  // and its recv() on a connection
    thread_.join();
    close(fd_);
  }
  SilentBroker(const SilentBroker&) = delete;
  SilentBroker& operator=(const SilentBroker&) = delete;

  std::string url(const std::string& topic) const {
    return "mqtt://127.0.0.1:" + std::to_string(port_) + "/" + topic;
  }
  int publishes() const { return publishes_; }

 private:
  // One connection at a time: each send of the notifier is its own connection.
  void serve() {
    while (!stopping_) {
      const int client = accept(fd_, nullptr, nullptr);
      if (client < 0) return;
      client_ = client;
      if (!stopping_) converse(client);
      client_ = -1;
      close(client);
    }
  }

  void converse(int client) {
    std::string data;
    char buf[4096];
    for (;;) {
      const auto n = recv(client, buf, sizeof buf, 0);
      if (n <= 0) return;
      data.append(buf, static_cast<std::size_t>(n));
      while (const auto size = whole_packet(data)) {
        const auto type = static_cast<unsigned char>(data[0]) >> 4;
        if (type == 1) send(client, "\x20\x02\x00\x00", 4, MSG_NOSIGNAL);  // CONNACK
        if (type == 3) ++publishes_;                                       // and no PUBACK
        data.erase(0, size);
      }
    }
  }

  // The size of the first packet if all of it is there, else 0: a type byte, the remaining
  // length in up to 4 bytes of 7 bits, and that many bytes.
  static std::size_t whole_packet(const std::string& data) {
    std::size_t length = 0;
    for (std::size_t at = 1; at < data.size() && at <= 4; ++at) {
      const auto byte = static_cast<unsigned char>(data[at]);
      length |= static_cast<std::size_t>(byte & 0x7f) << (7 * (at - 1));
      if ((byte & 0x80) == 0) return data.size() >= at + 1 + length ? at + 1 + length : 0;
    }
    return 0;
  }

  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> client_{-1};
  std::atomic<int> publishes_{0};
  std::thread thread_;
};

}  // namespace

TEST_CASE("a seeded CoinFlip sends exactly the notifications its sequence of flips implies") {
  TestNamespace ns;
  MosquittoBroker broker;
  MqttSubscriber subscriber(broker, kTopic);
  RunningControllers controllers(ns.name());
  const auto seed = seed_with_notifications(30, 3);
  admin().create(kCoinFlip, ns.name(), coinflip(ns.name(), "coin", broker.url(kTopic), seed, 30));

  REQUIRE(eventually([&] { return completed(ns.name(), "coin"); }));
  const auto object = object_of(ns.name(), "coin");
  const auto expected = expected_notifications(object);
  REQUIRE(eventually([&] { return subscriber.messages().size() >= expected.size(); }, 10s));
  const auto messages = subscriber.messages();
  INFO(broker.log());
  CHECK(described(messages) == described(expected, "coin", ns.name()));
  for (const auto& m : messages)
    CHECK(kapp::util::parse_rfc3339(json::parse(m).value("time", "")).has_value());

  const auto status = object["status"];
  const auto last = expected_run(object).last;
  CHECK(status["flips"] == 30);
  CHECK(status["heads"] == last.heads);
  CHECK(status["tails"] == last.tails);
  CHECK(status["streak"] == last.streak);
  CHECK(status["recent"] == last.recent);
  CHECK(notifications(status, "sent") == static_cast<std::int64_t>(expected.size()));
  CHECK(notifications(status, "pending") == 0);
  CHECK(condition(status, "NotifierReady").value("status", "") == "True");
}

TEST_CASE("CoinFlip notifications wait in status while the broker is down and are all sent after") {
  TestNamespace ns;
  MosquittoBroker broker;
  MqttSubscriber subscriber(broker, kTopic);
  broker.stop();
  RunningControllers controllers(ns.name());
  const auto seed = seed_with_notifications(16, 2);
  admin().create(kCoinFlip, ns.name(), coinflip(ns.name(), "coin", broker.url(kTopic), seed, 16));
  const auto object = object_of(ns.name(), "coin");
  const auto expected = expected_notifications(object);

  // Down: every notification is recorded, none is lost or sent, and users are told why.
  REQUIRE(eventually([&] { return all_pending(ns.name(), "coin", expected.size()); }));
  const auto down = coinflip_status(ns.name(), "coin");
  CHECK(queued_ids(down) == ids_of(expected));
  CHECK(down["phase"] == "Running");
  CHECK(condition(down, "NotifierReady").value("status", "") == "False");
  CHECK(condition(down, "NotifierReady").value("reason", "") == "BrokerUnreachable");
  CHECK_THAT(down["notifications"].value("lastError", ""),
             Catch::Contains("127.0.0.1:" + std::to_string(broker.port())));
  CHECK(eventually([&] { return has_typed_event(object, "Warning BrokerUnreachable"); }, 10s));
  CHECK(subscriber.messages().empty());

  // Back: all of them arrive, once each, oldest first, and the condition recovers.
  broker.start();
  REQUIRE(eventually([&] { return completed(ns.name(), "coin"); }, 60s));
  REQUIRE(eventually([&] { return subscriber.messages().size() >= expected.size(); }, 10s));
  CHECK(described(subscriber.messages()) == described(expected, "coin", ns.name()));
  const auto up = coinflip_status(ns.name(), "coin");
  CHECK(notifications(up, "sent") == static_cast<std::int64_t>(expected.size()));
  CHECK(notifications(up, "pending") == 0);
  CHECK(up["notifications"].value("lastError", "x").empty());
  CHECK(condition(up, "NotifierReady").value("status", "") == "True");
  CHECK(eventually([&] { return has_typed_event(object, "Normal NotifierRecovered"); }, 10s));
}

TEST_CASE("a CoinFlip controller killed between recording and sending notifications loses none") {
  TestNamespace ns;
  install_crds();
  MosquittoBroker broker;
  MqttSubscriber subscriber(broker, kTopic);
  broker.stop();
  const auto seed = seed_with_notifications(16, 2);
  admin().create(kCoinFlip, ns.name(), coinflip(ns.name(), "coin", broker.url(kTopic), seed, 16));
  const auto expected = expected_notifications(object_of(ns.name(), "coin"));

  // The first controller records every notification and cannot send any: the broker is down.
  {
    BackgroundProcess first(run_controller_args(ns.name()));
    INFO(first.output());
    REQUIRE(eventually([&] { return all_pending(ns.name(), "coin", expected.size()); }));
    first.signal(SIGKILL);
    REQUIRE(first.wait(10s) == 128 + SIGKILL);
  }
  REQUIRE(subscriber.messages().empty());

  broker.start();
  BackgroundProcess second(run_controller_args(ns.name()));
  INFO(second.output());
  REQUIRE(eventually([&] { return received_all(subscriber, ids_of(expected)); }, 60s));
  REQUIRE(eventually([&] { return completed(ns.name(), "coin"); }));
  // At least once: every id arrived, and duplicates, if any, repeat an id rather than mint one.
  const auto got = ids_of(subscriber.messages());
  const auto want = ids_of(expected);
  CHECK(std::set<std::string>(got.begin(), got.end()) ==
        std::set<std::string>(want.begin(), want.end()));
  CHECK(std::set<std::string>(want.begin(), want.end()).size() == want.size());
  CHECK(notifications(coinflip_status(ns.name(), "coin"), "sent") ==
        static_cast<std::int64_t>(expected.size()));
}

TEST_CASE("a CoinFlip controller killed mid-run is succeeded by one that continues the sequence") {
  TestNamespace ns;
  install_crds();
  MosquittoBroker broker;
  MqttSubscriber subscriber(broker, kTopic);
  const auto seed = seed_with_notifications(40, 3);
  admin().create(kCoinFlip, ns.name(), coinflip(ns.name(), "coin", broker.url(kTopic), seed, 40));
  const auto expected = expected_notifications(object_of(ns.name(), "coin"));

  // Killed at whatever step it was in once it delivered something, well before the end.
  {
    BackgroundProcess first(run_controller_args(ns.name()));
    INFO(first.output());
    REQUIRE(eventually([&] { return !subscriber.messages().empty(); }));
    first.signal(SIGKILL);
    REQUIRE(first.wait(10s) == 128 + SIGKILL);
  }
  REQUIRE(coinflip_status(ns.name(), "coin").value("flips", 0LL) < 40);

  BackgroundProcess second(run_controller_args(ns.name()));
  INFO(second.output());
  REQUIRE(eventually([&] { return completed(ns.name(), "coin"); }));
  REQUIRE(eventually([&] { return received_all(subscriber, ids_of(expected)); }, 10s));
  // The same notifications as an uninterrupted run; a resend repeats one, whole and alike.
  auto got = described(subscriber.messages());
  got.erase(std::unique(got.begin(), got.end()), got.end());
  CHECK(got == described(expected, "coin", ns.name()));
  CHECK(notifications(coinflip_status(ns.name(), "coin"), "sent") ==
        static_cast<std::int64_t>(expected.size()));
}

TEST_CASE("a broker that requires a login gets it from the CoinFlip's Secret") {
  TestNamespace ns;
  const MqttLogin login{"flipper", "pw-" + std::to_string(std::random_device{}())};
  MosquittoBroker broker(login);
  MqttSubscriber subscriber(broker, kTopic);
  RunningControllers controllers(ns.name());
  admin().create(kSecret, ns.name(),
                 {{"apiVersion", "v1"},
                  {"kind", "Secret"},
                  {"metadata", {{"name", "broker-creds"}, {"namespace", ns.name()}}},
                  {"stringData", {{"username", login.username}, {"password", login.password}}}});
  auto object = coinflip(ns.name(), "coin", broker.url(kTopic), seed_with_notifications(12, 1), 12);
  object["spec"]["notify"]["credentialsSecretRef"] = {{"name", "broker-creds"}};
  admin().create(kCoinFlip, ns.name(), object);

  REQUIRE(eventually([&] { return completed(ns.name(), "coin"); }));
  const auto expected = expected_notifications(object_of(ns.name(), "coin"));
  REQUIRE(eventually([&] { return subscriber.messages().size() >= expected.size(); }, 10s));
  CHECK(described(subscriber.messages()) == described(expected, "coin", ns.name()));
}

TEST_CASE("a broker that refuses a CoinFlip's login keeps them pending and the password hidden") {
  TestNamespace ns;
  install_crds();
  MosquittoBroker broker(MqttLogin{"flipper", "the-right-one"});
  const std::string wrong = "wrong-pw-" + std::to_string(std::random_device{}());
  admin().create(kSecret, ns.name(),
                 {{"apiVersion", "v1"},
                  {"kind", "Secret"},
                  {"metadata", {{"name", "broker-creds"}, {"namespace", ns.name()}}},
                  {"stringData", {{"username", "flipper"}, {"password", wrong}}}});
  auto object = coinflip(ns.name(), "coin", broker.url(kTopic), seed_with_notifications(12, 1), 12);
  object["spec"]["notify"]["credentialsSecretRef"] = {{"name", "broker-creds"}};
  admin().create(kCoinFlip, ns.name(), object);
  const auto created = object_of(ns.name(), "coin");
  const auto expected = expected_notifications(created);

  BackgroundProcess controller(run_controller_args(ns.name()));
  REQUIRE(eventually([&] { return all_pending(ns.name(), "coin", expected.size()); }));
  REQUIRE(eventually([&] { return has_typed_event(created, "Warning BrokerRejected"); }, 10s));
  const auto status = coinflip_status(ns.name(), "coin");
  CHECK(condition(status, "NotifierReady").value("reason", "") == "BrokerRejected");
  std::ostringstream everything;
  everything << status.dump() << "\n";
  for (const auto& e : events_of(created)) everything << e << "\n";
  everything << controller.output();
  INFO(everything.str());
  CHECK_THAT(status["notifications"].value("lastError", ""), Catch::Contains("refused"));
  CHECK(everything.str().find(wrong) == std::string::npos);
}

TEST_CASE("the notifier publishes to a real Mosquitto broker, whose subscribers get it") {
  MosquittoBroker broker;
  MqttSubscriber subscriber(broker, kTopic);
  const std::string payload = R"({"id":"direct-1"})";
  kapp::notify::make_curl_notifier()->send(broker.url(kTopic), std::nullopt, payload);
  // The broker has it (it acknowledged) and passes it on.
  CHECK(eventually([&] { return subscriber.messages() == std::vector<std::string>{payload}; }));
}

TEST_CASE("a broker that never acknowledges keeps the notification pending") {
  TestNamespace ns;
  SilentBroker broker;
  RunningControllers controllers(ns.name());
  const auto seed = seed_with_notifications(12, 1);
  admin().create(kCoinFlip, ns.name(), coinflip(ns.name(), "coin", broker.url(kTopic), seed, 12));

  // The PUBLISH reached the broker, but without its PUBACK the notification is not sent.
  const auto timed_out = [&] {
    return condition(coinflip_status(ns.name(), "coin"), "NotifierReady").value("reason", "") ==
           "BrokerTimeout";
  };
  REQUIRE(eventually(timed_out, 30s));
  const auto status = coinflip_status(ns.name(), "coin");
  INFO(status.dump());
  CHECK(broker.publishes() > 0);
  CHECK(notifications(status, "pending") > 0);
  CHECK(notifications(status, "sent") == 0);
  CHECK(condition(status, "NotifierReady").value("status", "") == "False");
  CHECK_THAT(status["notifications"].value("lastError", ""),
             Catch::Contains("did not acknowledge"));
}

TEST_CASE("a webhook receives a seeded CoinFlip's notifications as JSON POSTs") {
  TestNamespace ns;
  Webhook webhook;
  RunningControllers controllers(ns.name());
  const auto seed = seed_with_notifications(16, 2);
  admin().create(kCoinFlip, ns.name(), coinflip(ns.name(), "coin", webhook.url(), seed, 16));

  REQUIRE(eventually([&] { return completed(ns.name(), "coin"); }));
  const auto expected = expected_notifications(object_of(ns.name(), "coin"));
  const auto requests = webhook.requests();
  std::vector<std::string> bodies;
  for (const auto& r : requests) {
    CHECK(r.head.rfind("POST /hook HTTP/1.1\r\n", 0) == 0);
    CHECK_THAT(r.head, Catch::Contains("Content-Type: application/json"));
    bodies.push_back(r.body);
  }
  CHECK(described(bodies) == described(expected, "coin", ns.name()));
}

TEST_CASE("a webhook that refuses a CoinFlip's notification gets it again until it takes it") {
  TestNamespace ns;
  Webhook webhook(2);
  RunningControllers controllers(ns.name());
  const auto seed = seed_with_notifications(16, 2);
  admin().create(kCoinFlip, ns.name(), coinflip(ns.name(), "coin", webhook.url(), seed, 16));
  const auto object = object_of(ns.name(), "coin");
  const auto expected = expected_notifications(object);

  REQUIRE(eventually([&] { return completed(ns.name(), "coin"); }));
  const auto requests = webhook.requests();
  std::vector<std::string> taken;
  for (const auto& r : requests)
    if (r.status == 200) taken.push_back(r.body);
  CHECK(described(taken) == described(expected, "coin", ns.name()));
  REQUIRE(requests.size() >= 2);
  CHECK(described({requests[0].body, requests[1].body}) ==
        described({expected[0], expected[0]}, "coin", ns.name()));
  CHECK(eventually([&] { return has_typed_event(object, "Warning WebhookRejected"); }, 10s));
  CHECK(eventually([&] { return has_typed_event(object, "Normal NotifierRecovered"); }, 10s));
  CHECK(condition(coinflip_status(ns.name(), "coin"), "NotifierReady").value("status", "") ==
        "True");
}

TEST_CASE("kubectl app create coinflip makes a CoinFlip whose flips get and status show") {
  TestNamespace ns;
  MosquittoBroker broker;
  RunningControllers controllers(ns.name());
  const auto seed = seed_with_notifications(12, 1);
  const auto created =
      kubectl_app({"create", "coinflip", "coin", "-n", ns.name(), "--interval", "100ms",
                   "--threshold", std::to_string(kThreshold), "--notify", broker.url(kTopic),
                   "--seed", std::to_string(seed), "--max-flips", "12"});
  INFO(created.out << created.err);
  REQUIRE(created.exit_code == 0);
  const auto spec = object_of(ns.name(), "coin")["spec"];
  CHECK(spec["interval"] == "100ms");
  CHECK(spec["threshold"] == kThreshold);
  CHECK(spec["seed"] == seed);
  CHECK(spec["notify"]["url"] == broker.url(kTopic));
  REQUIRE(eventually([&] { return completed(ns.name(), "coin"); }));
  const auto status = coinflip_status(ns.name(), "coin");

  const auto got = kubectl_app({"get", "coinflips", "-n", ns.name()});
  INFO(got.out << got.err);
  REQUIRE(got.exit_code == 0);
  std::istringstream table(got.out);
  std::string header, row;
  std::getline(table, header);
  std::getline(table, row);
  CHECK(std::regex_search(header, std::regex("^NAME +FLIPS +TAILS +STREAK +SENT +PENDING +AGE")));
  const auto cells = "^coin +12 +" + status["tails"].dump() + " +" + status["streak"].dump() +
                     " +" + std::to_string(notifications(status, "sent")) + " +0 +";
  CHECK(std::regex_search(row, std::regex(cells)));

  const auto shown = kubectl_app({"status", "coinflip", "coin", "-n", ns.name()});
  INFO(shown.out << shown.err);
  REQUIRE(shown.exit_code == 0);
  CHECK_THAT(shown.out, Catch::Contains("CoinFlip " + ns.name() + "/coin: Completed"));
  CHECK_THAT(shown.out, Catch::Contains("flips: 12"));
  CHECK_THAT(shown.out, Catch::Contains(status["recent"].get<std::string>()));
  CHECK_THAT(shown.out, Catch::Contains("NotifierReady"));
}

TEST_CASE("the coinflip sample passes the API server's validation") {
  TestNamespace ns;
  install_crds();
  // The sample lives in namespace demo; here it goes into this test's own namespace.
  const auto sample = file_content(KAPP_SOURCE_DIR "/samples/coinflip/coinflip.yaml");
  REQUIRE_FALSE(sample.empty());
  TempDir dir;
  const auto file =
      dir.write("coinflip.yaml", std::regex_replace(sample, std::regex("\\bdemo\\b"), ns.name()));
  const auto checked = kubectl_app({"create", "-f", file, "--dry-run=server"});
  INFO(checked.out << checked.err);
  CHECK(checked.exit_code == 0);
  CHECK_THAT(checked.out, Catch::Contains("coinflip"));
}
