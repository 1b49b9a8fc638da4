#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <thread>

#include "core/engine/http_endpoint.h"
#include "core/errors.h"

using kapp::engine::HttpEndpoint;
using kapp::engine::HttpHandler;
using kapp::engine::HttpReply;
using SteadyClock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

std::map<std::string, HttpHandler> routes() {
  return {
      {"/healthz", [] { return HttpReply{.body = "ok\n"}; }},
      {"/readyz",
       [] {
         return HttpReply{503, "text/plain; charset=utf-8", "not synced\n"};
       }},
      {"/metrics",
       [] {
         return HttpReply{200, "text/plain; version=0.0.4", "up 1\n"};
       }},
      {"/boom", []() -> HttpReply { throw std::runtime_error("render failed"); }},
  };
}

// A plain blocking client that gives up after 5s, so a broken server fails the test, not CI.
class Client {
 public:
  explicit Client(int port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    REQUIRE(fd_ >= 0);
    timeval timeout{5, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  }
  ~Client() { ::close(fd_); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  void send(const std::string& data) {
    REQUIRE(::send(fd_, data.data(), data.size(), MSG_NOSIGNAL) ==
            static_cast<ssize_t>(data.size()));
  }
  // Everything until the server closes the connection (or 5s pass).
  std::string read_all() {
    std::string out;
    char buffer[4096];
    ssize_t n;
    while ((n = ::recv(fd_, buffer, sizeof buffer, 0)) > 0) {
      out.append(buffer, static_cast<std::size_t>(n));
    }
    return out;
  }

 private:
  int fd_;
};

std::string round_trip(int port, const std::string& request) {
  Client client(port);
  client.send(request);
  return client.read_all();
}

std::string status_line(const std::string& reply) { return reply.substr(0, reply.find("\r\n")); }

std::string get(int port, const std::string& path) {
  return round_trip(port, "GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
}

}  // namespace

TEST_CASE("the endpoint serves its routes on a free loopback port") {
  HttpEndpoint endpoint("127.0.0.1:0", routes());
  REQUIRE(endpoint.port() > 0);
  CHECK(get(endpoint.port(), "/healthz") ==
        "HTTP/1.1 200 OK\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "Content-Length: 3\r\n"
        "Connection: close\r\n"
        "\r\n"
        "ok\n");
}

TEST_CASE("a handler's status and content type are passed through") {
  HttpEndpoint endpoint("127.0.0.1:0", routes());
  CHECK(get(endpoint.port(), "/readyz") ==
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
        "Content-Length: 11\r\nConnection: close\r\n\r\nnot synced\n");
  CHECK_THAT(get(endpoint.port(), "/metrics"),
             Catch::Contains("Content-Type: text/plain; version=0.0.4\r\n") &&
                 Catch::EndsWith("\r\n\r\nup 1\n"));
}

TEST_CASE("the query string does not change the route") {
  HttpEndpoint endpoint("127.0.0.1:0", routes());
  CHECK(status_line(get(endpoint.port(), "/healthz?verbose=1")) == "HTTP/1.1 200 OK");
}

TEST_CASE("an unknown path answers 404") {
  HttpEndpoint endpoint("127.0.0.1:0", routes());
  const auto reply = get(endpoint.port(), "/nope");
  CHECK(status_line(reply) == "HTTP/1.1 404 Not Found");
  CHECK_THAT(reply, Catch::EndsWith("\r\n\r\n404 page not found\n"));
}

TEST_CASE("a method other than GET answers 405 with Allow: GET") {
  HttpEndpoint endpoint("127.0.0.1:0", routes());
  const auto reply =
      round_trip(endpoint.port(), "POST /healthz HTTP/1.1\r\nContent-Length: 4\r\n\r\nbody");
  CHECK(status_line(reply) == "HTTP/1.1 405 Method Not Allowed");
  CHECK_THAT(reply, Catch::Contains("\r\nAllow: GET\r\n"));
}

TEST_CASE("a handler that throws answers 500 and the server keeps serving") {
  HttpEndpoint endpoint("127.0.0.1:0", routes());
  const auto reply = get(endpoint.port(), "/boom");
  CHECK(status_line(reply) == "HTTP/1.1 500 Internal Server Error");
  CHECK_THAT(reply, Catch::EndsWith("\r\n\r\ninternal error: render failed\n"));
  CHECK(status_line(get(endpoint.port(), "/healthz")) == "HTTP/1.1 200 OK");
}

TEST_CASE("garbage requests answer 400 and the server keeps serving") {
  HttpEndpoint endpoint("127.0.0.1:0", routes());
  const std::string garbage[] = {
      std::string("\x00\xff\x01 junk\r\n\r\n", 12),
      "GET /healthz\r\n\r\n",            // HTTP/0.9 has no version
      "GET  /healthz HTTP/1.1\r\n\r\n",  // two spaces
      "GET healthz HTTP/1.1\r\n\r\n",
      "get /healthz HTTP/1.1\r\n\r\n",
      "GET /healthz HTTP/2.0\r\n\r\n",
      "\r\n\r\n",
  };
  for (const auto& request : garbage) {
    INFO(request);
    CHECK(status_line(round_trip(endpoint.port(), request)) == "HTTP/1.1 400 Bad Request");
  }
  CHECK(status_line(get(endpoint.port(), "/healthz")) == "HTTP/1.1 200 OK");
}

TEST_CASE("an oversized request answers 431") {
  HttpEndpoint endpoint("127.0.0.1:0", routes());
  const auto reply = round_trip(
      endpoint.port(), "GET /healthz HTTP/1.1\r\nX: " + std::string(9000, 'a') + "\r\n\r\n");
  CHECK(status_line(reply) == "HTTP/1.1 431 Request Header Fields Too Large");
}

TEST_CASE("a client that hangs up mid-request does not stop the server") {
  HttpEndpoint endpoint("127.0.0.1:0", routes());
  { Client(endpoint.port()).send("GET /hea"); }
  CHECK(status_line(get(endpoint.port(), "/healthz")) == "HTTP/1.1 200 OK");
}

TEST_CASE("a silent client holds the server for at most about two seconds") {
  HttpEndpoint endpoint("127.0.0.1:0", routes());
  Client silent(endpoint.port());
  std::this_thread::sleep_for(milliseconds(50));  // let the server accept it first
  const auto start = SteadyClock::now();
  CHECK(status_line(get(endpoint.port(), "/healthz")) == "HTTP/1.1 200 OK");
  CHECK(SteadyClock::now() - start < std::chrono::milliseconds(3000));
  CHECK(silent.read_all().empty());  // closed without an answer
}

TEST_CASE("a client that stalls mid-request is told 408") {
  HttpEndpoint endpoint("127.0.0.1:0", routes());
  Client slow(endpoint.port());
  slow.send("GET /healthz HTTP/1.1\r\n");
  CHECK(status_line(slow.read_all()) == "HTTP/1.1 408 Request Timeout");
}

TEST_CASE("destruction is prompt even with an idle connected client") {
  auto endpoint = std::make_unique<HttpEndpoint>("127.0.0.1:0", routes());
  Client idle(endpoint->port());
  std::this_thread::sleep_for(milliseconds(100));  // the server is now waiting on it
  const auto start = SteadyClock::now();
  endpoint.reset();
  CHECK(SteadyClock::now() - start < milliseconds(500));
}

TEST_CASE("\"0\" disables the endpoint") {
  HttpEndpoint endpoint("0", routes());
  CHECK(endpoint.port() == 0);
}

TEST_CASE("\":0\" listens on every interface, loopback included") {
  HttpEndpoint endpoint(":0", routes());
  REQUIRE(endpoint.port() > 0);
  CHECK(status_line(get(endpoint.port(), "/healthz")) == "HTTP/1.1 200 OK");
}

TEST_CASE("a port already taken gives a one-line error naming the flag") {
  HttpEndpoint first("127.0.0.1:0", routes());
  const auto address = "127.0.0.1:" + std::to_string(first.port());
  CHECK_THROWS_MATCHES(HttpEndpoint(address, routes()), kapp::Error,
                       Catch::Message("cannot listen on " + address +
                                      ": Address already in use; choose another "
                                      "--metrics-bind-address"));
}

TEST_CASE("the bind error of an endpoint without /metrics names the probe flag") {
  HttpEndpoint first("127.0.0.1:0", routes());
  const auto address = "127.0.0.1:" + std::to_string(first.port());
  std::map<std::string, HttpHandler> probes{{"/healthz", [] { return HttpReply{}; }}};
  CHECK_THROWS_WITH(HttpEndpoint(address, probes),
                    Catch::EndsWith("; choose another --health-probe-bind-address"));
}

TEST_CASE("a malformed bind address is a usage error listing the accepted forms") {
  CHECK_THROWS_MATCHES(
      HttpEndpoint("8080", routes()), kapp::UsageError,
      Catch::Message(
          "invalid --metrics-bind-address \"8080\": want HOST:PORT, :PORT, or 0 to disable"));
  for (const char* bad : {"", ":", ":http", ":65536", "::1:80", "127.0.0.1:-1"}) {
    INFO(bad);
    CHECK_THROWS_AS(HttpEndpoint(bad, routes()), kapp::UsageError);
  }
}
