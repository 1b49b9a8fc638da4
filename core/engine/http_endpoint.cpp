#include "core/engine/http_endpoint.h"

#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <memory>
#include <system_error>
#include <utility>
#include <vector>

#include "core/errors.h"
#include "core/log.h"

namespace kapp::engine {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// All one connection may take, from accept to the last byte written. Scrapers and probes need
// milliseconds; connections are served one at a time, so this bounds what a stalled client costs.
constexpr auto kConnectionBudget = std::chrono::seconds(2);
// Requests are a line and a few headers; anything bigger is not a scraper or a probe.
constexpr std::size_t kMaxRequestBytes = 8192;

// Closes the descriptor on every path, keeping errno for the caller to report.
class UniqueFd {
 public:
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() {
    if (fd_ < 0) return;
    const int saved = errno;
    ::close(fd_);
    errno = saved;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

std::string error_text(int err) { return std::system_category().message(err); }

struct HostPort {
  std::string host;  // empty: every interface
  std::string port;
};

HostPort parse_bind_address(const std::string& address, const std::string& flag) {
  const auto invalid = [&] {
    return UsageError("invalid " + flag + " \"" + address +
                      "\": want HOST:PORT, :PORT, or 0 to disable");
  };
  const auto colon = address.rfind(':');
  if (colon == std::string::npos) throw invalid();
  std::string host = address.substr(0, colon);
  const std::string port = address.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string::npos) {
    throw invalid();  // an IPv6 address needs brackets, as in Go
  }
  const bool digits =
      std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (port.empty() || port.size() > 5 || !digits || std::stoi(port) > 65535) throw invalid();
  return {host, port};
}

// A listening socket for one resolved address, or -1 with errno set.
int listen_on(const addrinfo& address, bool every_interface) {
  UniqueFd fd(::socket(address.ai_family, address.ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                       address.ai_protocol));
  if (fd.get() < 0) return -1;
  const int on = 1;
  const int off = 0;
  // Lets a restarted controller bind past TIME_WAIT; Linux still refuses a second listener.
  ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  if (every_interface && address.ai_family == AF_INET6) {
    ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
  }
  if (::bind(fd.get(), address.ai_addr, address.ai_addrlen) != 0) return -1;
  if (::listen(fd.get(), 64) != 0) return -1;
  return fd.release();
}

UniqueFd open_listener(const HostPort& where, const std::string& address, const std::string& flag) {
  const auto fail = [&](const std::string& why) {
    return Error("cannot listen on " + address + ": " + why + "; choose another " + flag);
  };
  const bool every_interface = where.host.empty();
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const int rc = ::getaddrinfo(every_interface ? nullptr : where.host.c_str(), where.port.c_str(),
                               &hints, &found);
  if (rc != 0) throw fail(::gai_strerror(rc));
  const std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> owned(found, ::freeaddrinfo);

  std::vector<const addrinfo*> candidates;
  for (const addrinfo* a = found; a != nullptr; a = a->ai_next) candidates.push_back(a);
  // Every interface means, as in Go, one IPv6 socket that accepts IPv4 too, when IPv6 exists.
  if (every_interface) {
    std::stable_partition(candidates.begin(), candidates.end(),
                          [](const addrinfo* a) { return a->ai_family == AF_INET6; });
  }
  int first_error = 0;
  for (const addrinfo* a : candidates) {
    const int fd = listen_on(*a, every_interface);
    if (fd >= 0) return UniqueFd(fd);
    // Only a missing address family is worth another try; anything else is the answer.
    if (errno != EAFNOSUPPORT && errno != EADDRNOTAVAIL) throw fail(error_text(errno));
    if (first_error == 0) first_error = errno;
  }
  throw fail(error_text(first_error));
}

int local_port(int fd) {
  sockaddr_storage address{};
  socklen_t size = sizeof address;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) != 0) return 0;
  if (address.ss_family == AF_INET6) {
    return ntohs(reinterpret_cast<const sockaddr_in6*>(&address)->sin6_port);
  }
  return ntohs(reinterpret_cast<const sockaddr_in*>(&address)->sin_port);
}

enum class Wait { Ready, TimedOut, Stopping };

// Waits for `events` on `fd`, giving up at `deadline` or as soon as the endpoint is stopping.
Wait wait_for(int fd, short events, int wake_fd, Clock::time_point deadline) {
  for (;;) {
    const auto left = std::chrono::ceil<milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return Wait::TimedOut;
    pollfd fds[] = {{fd, events, 0}, {wake_fd, POLLIN, 0}};
    const int n = ::poll(fds, 2, static_cast<int>(left));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Wait::TimedOut;
    if (fds[1].revents != 0) return Wait::Stopping;
    // Errors and hang-ups count as ready: the next recv or send reports them.
    if (fds[0].revents != 0) return Wait::Ready;
  }
}

enum class Read { Complete, TooLarge, TimedOut, Closed, Stopping };

bool has_blank_line(const std::string& data) {
  return data.find("\n\r\n") != std::string::npos || data.find("\n\n") != std::string::npos;
}

// Reads the request line and headers, up to the blank line (a GET has no body).
Read read_head(int fd, int wake_fd, Clock::time_point deadline, std::string& head) {
  char buffer[2048];
  for (;;) {
    if (head.size() > kMaxRequestBytes) return Read::TooLarge;
    if (has_blank_line(head)) return Read::Complete;
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n > 0) {
      head.append(buffer, static_cast<std::size_t>(n));
      continue;
    }
    if (n == 0) return Read::Closed;
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return Read::Closed;
    const Wait wait = wait_for(fd, POLLIN, wake_fd, deadline);
    if (wait == Wait::Stopping) return Read::Stopping;
    if (wait == Wait::TimedOut) return Read::TimedOut;
  }
}

void write_all(int fd, int wake_fd, const std::string& data, Clock::time_point deadline) {
  std::size_t sent = 0;
  while (sent < data.size()) {
    // MSG_NOSIGNAL: a client that hung up is an error here, not a SIGPIPE for the process.
    const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n >= 0) {
      sent += static_cast<std::size_t>(n);
      continue;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return;
    if (wait_for(fd, POLLOUT, wake_fd, deadline) != Wait::Ready) return;
  }
}

// Reads what the client already sent beyond the head (a body we ignore): closing a socket with
// unread data sends a reset, which can destroy the reply before the client reads it.
void drain(int fd) {
  char buffer[2048];
  for (int i = 0; i < 16 && ::recv(fd, buffer, sizeof buffer, 0) > 0; ++i) {
  }
}

const char* reason_phrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 204:
      return "No Content";
    case 400:
      return "Bad Request";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "";  // the reason phrase is optional
  }
}

std::string format_reply(const HttpReply& reply, const std::string& extra_headers = "") {
  return "HTTP/1.1 " + std::to_string(reply.status) + ' ' + reason_phrase(reply.status) +
         "\r\nContent-Type: " + reply.content_type +
         "\r\nContent-Length: " + std::to_string(reply.body.size()) + "\r\nConnection: close\r\n" +
         extra_headers + "\r\n" + reply.body;
}

std::string plain(int status, const std::string& body) {
  return format_reply(HttpReply{.status = status, .body = body});
}

std::string call(const HttpHandler& handler) {
  try {
    const HttpReply reply = handler();
    if (reply.status < 100 || reply.status > 599) {
      return plain(500, "handler answered status " + std::to_string(reply.status) + "\n");
    }
    return format_reply(reply);
  } catch (const std::exception& e) {
    return plain(500, std::string("internal error: ") + e.what() + "\n");
  } catch (...) {
    return plain(500, "internal error\n");
  }
}

bool is_method(const std::string& token) {
  return !token.empty() &&
         std::all_of(token.begin(), token.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

// The reply to a complete request head: "METHOD /path?query HTTP/1.x" then headers we ignore.
std::string respond(const std::map<std::string, HttpHandler>& routes, const std::string& head) {
  std::string line = head.substr(0, head.find('\n'));
  if (!line.empty() && line.back() == '\r') line.pop_back();
  const auto first = line.find(' ');
  const auto second = first == std::string::npos ? first : line.find(' ', first + 1);
  if (second == std::string::npos || line.find(' ', second + 1) != std::string::npos) {
    return plain(400, "bad request\n");
  }
  const std::string method = line.substr(0, first);
  const std::string target = line.substr(first + 1, second - first - 1);
  const std::string version = line.substr(second + 1);
  if (!is_method(method) || target.empty() || target[0] != '/' ||
      version.rfind("HTTP/1.", 0) != 0) {
    return plain(400, "bad request\n");
  }
  const auto route = routes.find(target.substr(0, target.find('?')));
  if (route == routes.end()) return plain(404, "404 page not found\n");
  if (method != "GET") {
    return format_reply(HttpReply{.status = 405, .body = "method not allowed; use GET\n"},
                        "Allow: GET\r\n");
  }
  return call(route->second);
}

}  // namespace

HttpEndpoint::HttpEndpoint(const std::string& bind_address,
                           std::map<std::string, HttpHandler> routes, std::string flag)
    : routes_(std::move(routes)) {
  if (bind_address == "0") return;
  if (flag.empty()) {
    flag = routes_.count("/metrics") ? "--metrics-bind-address" : "--health-probe-bind-address";
  }
  UniqueFd listener = open_listener(parse_bind_address(bind_address, flag), bind_address, flag);
  UniqueFd wake(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (wake.get() < 0) throw Error("cannot serve " + bind_address + ": " + error_text(errno));
  port_ = local_port(listener.get());
  listen_fd_ = listener.get();
  wake_fd_ = wake.get();
  thread_ = std::thread(&HttpEndpoint::serve, this);  // if this throws, the guards close both
  listener.release();
  wake.release();
}

HttpEndpoint::~HttpEndpoint() {
  if (thread_.joinable()) {
    const std::uint64_t one = 1;
    // An eventfd write of 8 bytes does not block or fail; every poll() of serve() sees it.
    [[maybe_unused]] const auto written = ::write(wake_fd_, &one, sizeof one);
    thread_.join();
  }
  if (listen_fd_ >= 0) ::close(listen_fd_);
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

void HttpEndpoint::serve() {
  for (;;) {
    pollfd fds[] = {{listen_fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0 && errno != EINTR) {
      std::this_thread::sleep_for(milliseconds(100));  // ENOMEM: try again rather than spin
      continue;
    }
    if (fds[1].revents != 0) return;
    if (fds[0].revents == 0) continue;
    const int client = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (client >= 0) {
      const UniqueFd guard(client);
      handle(client);
    } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR && errno != ECONNABORTED) {
      // Out of descriptors or memory: the listener stays readable, so pause instead of spinning.
      log::info(2, "metrics/probe endpoint: accept failed: " + error_text(errno));
      pollfd wake{wake_fd_, POLLIN, 0};
      ::poll(&wake, 1, 100);
    }
  }
}

void HttpEndpoint::handle(int client) const {
  try {
    const auto deadline = Clock::now() + kConnectionBudget;
    std::string head;
    std::string reply;
    switch (read_head(client, wake_fd_, deadline, head)) {
      case Read::Complete:
        reply = respond(routes_, head);
        break;
      case Read::TooLarge:
        reply = plain(431, "request too large\n");
        break;
      // A client that started a request and stalled is told why; a silent one just closed.
      case Read::TimedOut:
        if (!head.empty()) reply = plain(408, "request timeout\n");
        break;
      case Read::Closed:
      case Read::Stopping:
        break;
    }
    if (!reply.empty()) write_all(client, wake_fd_, reply, deadline);
    ::shutdown(client, SHUT_WR);
    drain(client);
  } catch (const std::exception& e) {
    // Only allocation can fail here; the connection is dropped and the server keeps going.
    log::info(2, std::string("metrics/probe endpoint: ") + e.what());
  }
}

}  // namespace kapp::engine
