// A tiny HTTP/1.1 server for /metrics, /healthz and /readyz: one background thread, one short
// GET per connection, no keep-alive. It is meant for scrapers and kubelet probes, not the
// internet, but garbage or a stalled client can never crash it or hold it for more than ~2s.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <thread>

namespace kapp::engine {

struct HttpReply {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

// Called on the server thread, so it must be thread-safe; an exception becomes a 500.
using HttpHandler = std::function<HttpReply()>;

class HttpEndpoint {
 public:
  // `bind_address` as controller-runtime's flags take it: ":8080" (all interfaces),
  // "127.0.0.1:8081", "[::1]:8081", ":0" for a free port, or "0" to disable (no thread,
  // port() == 0). `routes` maps exact paths (the query string is ignored) to handlers.
  // `flag` is named in error messages; by default "--metrics-bind-address" when there is a
  // /metrics route, else "--health-probe-bind-address".
  // Throws kapp::Error with a one-line message when the address is malformed or cannot be bound.
  HttpEndpoint(const std::string& bind_address, std::map<std::string, HttpHandler> routes,
               std::string flag = "");
  // Stops the thread and closes the socket promptly, even in the middle of a request.
  ~HttpEndpoint();
  HttpEndpoint(const HttpEndpoint&) = delete;
  HttpEndpoint& operator=(const HttpEndpoint&) = delete;

  // The bound port (the real one when ":0" was asked), or 0 when disabled.
  int port() const { return port_; }

 private:
  void serve();
  void handle(int client) const;

  std::map<std::string, HttpHandler> routes_;
  int listen_fd_ = -1;
  int wake_fd_ = -1;  // eventfd: written once by the destructor to end serve()
  int port_ = 0;
  std::thread thread_;
};

}  // namespace kapp::engine
