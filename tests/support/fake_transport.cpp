#include "tests/support/fake_transport.h"

#include <stdexcept>

namespace kapp::test {

FakeTransport& FakeTransport::answer(FakeAnswer answer) {
  std::lock_guard lock(mutex_);
  script_.push_back(std::move(answer));
  return *this;
}

FakeTransport& FakeTransport::answer(long status, std::string body,
                                     std::map<std::string, std::string> headers) {
  return answer(
      FakeAnswer{.status = status, .body = std::move(body), .headers = std::move(headers)});
}

FakeTransport& FakeTransport::fail(std::string message, TransportError::Kind kind) {
  return answer(FakeAnswer{.failure = std::move(message), .failure_kind = kind});
}

std::vector<client::HttpRequest> FakeTransport::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

std::size_t FakeTransport::unanswered() const {
  std::lock_guard lock(mutex_);
  return script_.size();
}

void FakeTransport::hold() {
  std::lock_guard lock(mutex_);
  held_ = true;
}

void FakeTransport::release() {
  {
    std::lock_guard lock(mutex_);
    held_ = false;
  }
  released_.notify_all();
}

FakeAnswer FakeTransport::next(const client::HttpRequest& request) {
  std::unique_lock lock(mutex_);
  requests_.push_back(request);
  released_.wait(lock, [this] { return !held_; });
  if (script_.empty()) {
    throw std::logic_error("FakeTransport: no answer scripted for " + request.method + " " +
                           request.path);
  }
  auto answer = std::move(script_.front());
  script_.pop_front();
  if (answer.failure) throw TransportError(*answer.failure, answer.failure_kind);
  return answer;
}

client::HttpResponse FakeTransport::send(const client::HttpRequest& request) {
  auto answer = next(request);
  return {answer.status, std::move(answer.body), std::move(answer.headers)};
}

client::HttpResponse FakeTransport::stream(const client::HttpRequest& request,
                                           const client::DataCallback& on_data) {
  auto answer = next(request);
  // Error bodies are kept whole, as the real transport keeps them.
  if (answer.status >= 300)
    return {answer.status, std::move(answer.body), std::move(answer.headers)};
  if (answer.chunks.empty()) answer.chunks.push_back(std::move(answer.body));
  for (const auto& chunk : answer.chunks) {
    if (!on_data(chunk)) break;
  }
  return {answer.status, "", std::move(answer.headers)};
}

FakeClient::FakeClient(client::RestConfig config)
    : FakeClient(std::move(config), std::make_unique<FakeTransport>()) {}

FakeClient::FakeClient(client::RestConfig config, std::unique_ptr<FakeTransport> owned)
    : transport(*owned),
      client(std::make_unique<client::Client>(std::move(config), std::move(owned))) {
  client->set_retry_pause([this](std::chrono::milliseconds delay) { pauses.push_back(delay); });
}

}  // namespace kapp::test
