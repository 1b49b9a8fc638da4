// The notifier against a one-shot webhook on loopback (MQTT is tested against a real Mosquitto
// broker, and one that never acknowledges, in tests/integration/coinflip_test.cpp).
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "core/notify/notifier.h"
#include "core/notify/url.h"

using kapp::notify::Credentials;
using kapp::notify::NotifyError;

namespace {

// Listens on a free loopback port, answers one request with `status`, keeps what it received.
class OneShotWebhook {
 public:
  explicit OneShotWebhook(int status) : status_(status) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    listen(fd_, 1);
    socklen_t len = sizeof addr;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~OneShotWebhook() {
    shutdown(fd_, SHUT_RDWR);
    thread_.join();
    close(fd_);
  }
  std::string url(const std::string& path = "/hook") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  // Valid once send() returned.
  const std::string& request() const { return request_; }

 private:
  void serve() {
    const int client = accept(fd_, nullptr, nullptr);
    if (client < 0) return;
    char buf[4096];
    // Headers, then as many body bytes as Content-Length says.
    for (;;) {
      const auto n = recv(client, buf, sizeof buf, 0);
      if (n <= 0) break;
      request_.append(buf, static_cast<std::size_t>(n));
      if (request_[0] == '\x16') break;  // a TLS ClientHello: answer in clear at once
      const auto end = request_.find("\r\n\r\n");
      if (end == std::string::npos) continue;
      const auto at = request_.find("Content-Length: ");
      const auto length = at == std::string::npos ? 0 : std::stoul(request_.substr(at + 16));
      if (request_.size() >= end + 4 + length) break;
    }
    const std::string body = status_ < 300 ? "" : "no thanks";
    const auto answer = "HTTP/1.1 " + std::to_string(status_) +
                        " X\r\nContent-Length: " + std::to_string(body.size()) +
                        "\r\nConnection: close\r\n\r\n" + body;
    send(client, answer.data(), answer.size(), MSG_NOSIGNAL);
    close(client);
  }

  int status_;
  int fd_ = -1;
  int port_ = 0;
  std::string request_;
  std::thread thread_;
};

// A loopback port where nothing listens.
int closed_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

NotifyError failure_of(const std::string& url, const std::optional<Credentials>& creds = {}) {
  try {
    kapp::notify::make_curl_notifier()->send(url, creds, "{}");
  } catch (const NotifyError& e) {
    return e;
  }
  FAIL("send to " << url << " succeeded");
  return NotifyError("", "");
}

}  // namespace

TEST_CASE("a webhook receives the notification as a JSON POST") {
  OneShotWebhook hook(204);
  kapp::notify::make_curl_notifier()->send(hook.url(), std::nullopt, R"({"id":"u-3"})");
  CHECK_THAT(hook.request(), Catch::StartsWith("POST /hook HTTP/1.1\r\n"));
  CHECK_THAT(hook.request(), Catch::Contains("Content-Type: application/json\r\n"));
  CHECK_THAT(hook.request(), Catch::EndsWith("\r\n\r\n{\"id\":\"u-3\"}"));
}

TEST_CASE("credentials reach a webhook as basic auth") {
  OneShotWebhook hook(200);
  kapp::notify::make_curl_notifier()->send(hook.url(), Credentials{"alice", "s3cret"}, "{}");
  CHECK_THAT(hook.request(), Catch::Contains("Authorization: Basic YWxpY2U6czNjcmV0\r\n"));
}

TEST_CASE("a webhook that does not answer 2xx is a failed delivery") {
  OneShotWebhook hook(500);
  const auto e = failure_of(hook.url());
  CHECK(e.reason() == "WebhookRejected");
  CHECK(std::string(e.what()) == "the webhook " + hook.url() + " answered 500: no thanks");
}

TEST_CASE("an unreachable broker is BrokerUnreachable, without the password") {
  const auto url = "mqtt://alice:s3cret@127.0.0.1:" + std::to_string(closed_port()) + "/c/a";
  const auto e = failure_of(url, Credentials{"alice", "s3cret"});
  CHECK(e.reason() == "BrokerUnreachable");
  CHECK_THAT(e.what(), Catch::Contains("Connection refused"));
  CHECK_THAT(e.what(), !Catch::Contains("s3cret"));
}

TEST_CASE("the same failure gives the same message, so retries rewrite nothing") {
  const auto url = "mqtt://127.0.0.1:" + std::to_string(closed_port()) + "/c/a";
  CHECK(std::string(failure_of(url).what()) == failure_of(url).what());
}

TEST_CASE("an https webhook with an untrusted certificate is refused") {
  // Plain HTTP on the other end: the TLS handshake fails, and nothing is sent in clear.
  OneShotWebhook hook(200);
  const auto url = "https://127.0.0.1:" + hook.url().substr(hook.url().rfind(':') + 1);
  CHECK(failure_of(url).reason() == "TLSFailed");
}

TEST_CASE("mqtts is accepted, with the default ports of each scheme") {
  const auto tls = kapp::notify::parse_target("mqtts://broker/c/a");
  CHECK(tls.tls);
  CHECK(tls.port == 8883);
  CHECK(tls.topic == "c/a");
  CHECK(kapp::notify::parse_target("mqtt://broker/c").port == 1883);
  CHECK(kapp::notify::parse_target("mqtt://broker:1999/c").port == 1999);
  CHECK(kapp::notify::parse_target("https://hook").port == 443);
}

TEST_CASE("an mqtts broker that does not speak TLS is TLSFailed") {
  OneShotWebhook plain(200);
  const auto e = failure_of("mqtts://" + plain.url().substr(7));  // mqtts://127.0.0.1:PORT/hook
  CHECK(e.reason() == "TLSFailed");
}
