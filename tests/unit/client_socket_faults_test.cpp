// Faults the HTTP seam cannot express, made at the socket by a tiny loopback server that
// misbehaves (it is a broken transport, not a fake API server): a body cut short, a server
// that stops answering, an answer larger than the body cap. The client is the real one over
// libcurl; waits between retries are recorded, never slept.
#include <catch2/catch.hpp>

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "core/client/client.h"
#include "core/errors.h"
#include "core/util/limits.h"

using kapp::TransportError;
using std::chrono::milliseconds;
namespace client = kapp::client;

namespace {

enum class Fault { CutBody, Silent, Oversize };

// Accepts connections on 127.0.0.1 one at a time, reads each request's head and answers it
// with `fault`, until destroyed.
class MisbehavingServer {
 public:
  explicit MisbehavingServer(Fault fault) : fault_(fault) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
        ::listen(listen_fd_, 16) != 0 ||
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0 ||
        ::pipe(stop_) != 0) {
      throw std::runtime_error("cannot listen on loopback");
    }
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~MisbehavingServer() {
    (void)!::write(stop_[1], "x", 1);
    thread_.join();
    ::close(listen_fd_);
    ::close(stop_[0]);
    ::close(stop_[1]);
  }
  MisbehavingServer(const MisbehavingServer&) = delete;
  MisbehavingServer& operator=(const MisbehavingServer&) = delete;

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int connections() const { return connections_.load(); }

 private:
  // Waits until `fd` is readable or the server is stopped; false when stopped.
  bool readable(int fd) const {
    pollfd fds[2] = {{fd, POLLIN, 0}, {stop_[0], POLLIN, 0}};
    while (::poll(fds, 2, -1) < 0) {
    }
    return (fds[1].revents & POLLIN) == 0;
  }

  void serve() {
    while (readable(listen_fd_)) {
      const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      ++connections_;
      std::string head;
      char buf[4096];
      while (head.find("\r\n\r\n") == std::string::npos && readable(fd)) {
        const auto n = ::read(fd, buf, sizeof buf);
        if (n <= 0) break;
        head.append(buf, static_cast<std::size_t>(n));
      }
      answer(fd);
      ::close(fd);
    }
  }

  void send_all(int fd, const std::string& data) const {
    for (std::size_t sent = 0; sent < data.size();) {
      const auto n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return;  // the client gave up: that is the point of some faults
      sent += static_cast<std::size_t>(n);
    }
  }

  void answer(int fd) const {
    const std::string json_head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n";
    switch (fault_) {
      case Fault::CutBody:
        send_all(fd, json_head + "Content-Length: 100\r\n\r\n{\"kind\":\"ConfigMap\",");
        break;
      case Fault::Silent:
        readable(stop_[0]);  // holds the connection, answering nothing, until the test ends
        break;
      case Fault::Oversize: {
        const std::size_t total = kapp::util::kMaxResponseBytes + 1;
        send_all(fd, json_head + "Content-Length: " + std::to_string(total) + "\r\n\r\n");
        const std::string mebibyte(1024 * 1024, ' ');
        for (std::size_t sent = 0; sent < total; sent += mebibyte.size()) send_all(fd, mebibyte);
        break;
      }
    }
  }

  Fault fault_;
  int listen_fd_ = -1;
  int stop_[2] = {-1, -1};
  int port_ = 0;
  std::atomic<int> connections_{0};
  std::thread thread_;
};

struct CurlClient {
  explicit CurlClient(const MisbehavingServer& server, milliseconds timeout = milliseconds(0))
      : config{.server = server.url(), .request_timeout = timeout, .qps = 0},
        client(config, client::make_curl_transport(config)) {
    client.set_retry_pause([this](milliseconds delay) { pauses.push_back(delay); });
  }
  client::RestConfig config;
  client::Client client;
  std::vector<milliseconds> pauses;
};

std::string transport_error_of(client::Client& c, const std::string& path) {
  try {
    c.get_path(path);
  } catch (const TransportError& e) {
    return e.what();
  }
  return "no TransportError";
}

}  // namespace

TEST_CASE("a body cut at the socket is retried as client-go retries a GET, then reported") {
  MisbehavingServer server(Fault::CutBody);
  CurlClient api(server);
  const auto message = transport_error_of(api.client, "/version");
  CHECK(message == "the API server at " + server.url() +
                       " broke off GET /version (transfer closed with 80 bytes remaining to "
                       "read); retry, or check the network and the server's health");
  CHECK(server.connections() == 11);
  CHECK(api.pauses == std::vector<milliseconds>(10, milliseconds(1000)));
}

TEST_CASE("a server that stops answering times out with one line, without hanging") {
  MisbehavingServer server(Fault::Silent);
  CurlClient api(server, milliseconds(300));
  const auto start = std::chrono::steady_clock::now();
  const auto message = transport_error_of(api.client, "/version");
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
  CHECK(message == "GET " + server.url() +
                       "/version timed out after 300ms; retry, or raise --request-timeout");
  CHECK(server.connections() == 1);
}

TEST_CASE("an answer larger than the body cap is refused with the cap in the message") {
  MisbehavingServer server(Fault::Oversize);
  CurlClient api(server);
  CHECK_THROWS_WITH(api.client.get_path("/api/v1/configmaps"),
                    "GET " + server.url() +
                        "/api/v1/configmaps: the API server's answer is larger than 64 MiB; "
                        "refusing it (narrow the request: a namespace, a selector)");
}
