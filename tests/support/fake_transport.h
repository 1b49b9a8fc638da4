// A scripted HTTP transport for unit tests of the client: each request takes the next answer
// (a status with headers and body, a body in pieces for streams, or a transport failure) and
// is recorded for the test to inspect. No network, so a test runs in milliseconds.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/client/client.h"
#include "core/client/transport.h"
#include "core/errors.h"

namespace kapp::test {

struct FakeAnswer {
  long status = 200;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names, as transports give them
  // For streams: the body handed over in these pieces (when empty, `body` in one piece).
  std::vector<std::string> chunks;
  // When set, no answer: the transport throws TransportError with this message and kind.
  std::optional<std::string> failure;
  TransportError::Kind failure_kind = TransportError::Kind::Other;
};

class FakeTransport : public client::Transport {
 public:
  // Queues the answer to the next request that has none yet.
  FakeTransport& answer(FakeAnswer answer);
  FakeTransport& answer(long status, std::string body = "{}",
                        std::map<std::string, std::string> headers = {});
  FakeTransport& fail(std::string message,
                      TransportError::Kind kind = TransportError::Kind::ConnectionBroken);

  // While held, a request waits to be answered until release(): a server slow to answer, for
  // tests of what a caller does meanwhile.
  void hold();
  void release();

  // Every request received so far, in order.
  std::vector<client::HttpRequest> requests() const;
  std::size_t unanswered() const;  // queued answers no request has taken

  // Throws std::logic_error when the script has no answer left (the test is missing one).
  client::HttpResponse send(const client::HttpRequest& request) override;
  client::HttpResponse stream(const client::HttpRequest& request,
                              const client::DataCallback& on_data) override;

 private:
  FakeAnswer next(const client::HttpRequest& request);

  mutable std::mutex mutex_;
  std::condition_variable released_;
  bool held_ = false;
  std::deque<FakeAnswer> script_;
  std::vector<client::HttpRequest> requests_;
};

// A Client over a FakeTransport: no rate limit, and the waits between retries recorded in
// `pauses` instead of slept.
struct FakeClient {
  explicit FakeClient(client::RestConfig config = {.server = "https://fake.invalid", .qps = 0});
  FakeClient(const FakeClient&) = delete;
  FakeClient& operator=(const FakeClient&) = delete;

  FakeTransport& transport;  // owned by `client`
  std::unique_ptr<client::Client> client;
  std::vector<std::chrono::milliseconds> pauses;

 private:
  FakeClient(client::RestConfig config, std::unique_ptr<FakeTransport> owned);
};

}  // namespace kapp::test
