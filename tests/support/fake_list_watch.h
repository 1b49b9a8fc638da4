// A fake API server for informers: a Transport that answers every list with the same items
// and one watch stream with the given events (when the test releases them, if it held them),
// then holds the stream open until cancelled.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/client/client.h"
#include "core/client/transport.h"

namespace kapp::test {

namespace client = kapp::client;
using nlohmann::json;

// Lists `items`, then streams `events` once and holds the stream open until cancelled.
class FakeListWatch : public client::Transport {
 public:
  FakeListWatch(json items, std::vector<json> events)
      : items_(std::move(items)), events_(std::move(events)) {}
  client::HttpResponse send(const client::HttpRequest& request) override {
    record(request);
    return {200, json{{"metadata", {{"resourceVersion", "10"}}}, {"items", items_}}.dump(), {}};
  }
  client::HttpResponse stream(const client::HttpRequest& request,
                              const client::DataCallback& on_data) override {
    record(request);
    while (held_ && (request.cancel == nullptr || !request.cancel->load()))
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    if (!streamed_.exchange(true)) {
      std::string body;
      for (const auto& event : events_) body += event.dump() + "\n";
      if (!on_data(body)) return {200, "", {}};
    }
    while (request.cancel == nullptr || !request.cancel->load())
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return {200, "", {}};
  }
  // Holds the watch events back until release(): the test decides when they come.
  void hold() { held_ = true; }
  void release() { held_ = false; }
  // The paths (with their queries) of every request so far.
  std::vector<std::string> paths() const {
    std::lock_guard lock(mutex_);
    return paths_;
  }

 private:
  void record(const client::HttpRequest& request) {
    std::lock_guard lock(mutex_);
    paths_.push_back(request.path);
  }
  mutable std::mutex mutex_;
  std::vector<std::string> paths_;
  json items_;
  std::vector<json> events_;
  std::atomic<bool> streamed_{false};
  std::atomic<bool> held_{false};
};

inline client::Client fake_client(json items, std::vector<json> events = {}) {
  return client::Client(client::RestConfig{.server = "https://fake.invalid"},
                        std::make_unique<FakeListWatch>(std::move(items), std::move(events)));
}

// A client of a FakeListWatch that holds its events until `api->release()`: the test says
// when they come (after a sync, a claim, a pass).
struct HeldListWatch {
  HeldListWatch(json items, std::vector<json> events)
      : HeldListWatch(std::make_unique<FakeListWatch>(std::move(items), std::move(events))) {}
  FakeListWatch* api;  // owned by `client`
  client::Client client;

 private:
  explicit HeldListWatch(std::unique_ptr<FakeListWatch> transport)
      : api(transport.get()),
        client(client::RestConfig{.server = "https://fake.invalid"}, std::move(transport)) {
    api->hold();
  }
};

}  // namespace kapp::test
