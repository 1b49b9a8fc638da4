// The event recorder through the fake transport: what it writes, in which order, and what it
// leaves out. Its writes are made by threads of its own, so every test flushes before it looks.
#include <catch2/catch.hpp>

#include <chrono>
#include <string>

#include "core/client/client.h"
#include "core/engine/events.h"
#include "tests/support/eventually.h"
#include "tests/support/fake_transport.h"

using kapp::engine::EventRecorder;
using kapp::test::FakeClient;
using nlohmann::json;

namespace {

constexpr auto kFlush = std::chrono::seconds(10);

const json kObject = {
    {"apiVersion", "v1"},
    {"kind", "ConfigMap"},
    {"metadata", {{"name", "settings"}, {"namespace", "demo"}, {"uid", "uid-1"}}}};

}  // namespace

TEST_CASE("a recorded event is created by the sender, and flush waits for it") {
  FakeClient api;
  api.transport.answer(201);
  EventRecorder recorder(*api.client, "test");
  recorder.record(kObject, "Warning", "Broken", "it broke");
  REQUIRE(recorder.flush(kFlush));
  const auto requests = api.transport.requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].method == "POST");
  CHECK(requests[0].path.starts_with("/api/v1/namespaces/demo/events"));
  const auto event = json::parse(requests[0].body);
  CHECK(event["reason"] == "Broken");
  CHECK(event["involvedObject"]["uid"] == "uid-1");
  CHECK(event["source"]["component"] == "test");
}

TEST_CASE("a recurrence queued behind its first occurrence patches the Event that one created") {
  FakeClient api;
  api.transport.answer(201).answer(200);
  EventRecorder recorder(*api.client, "test", {.window = std::chrono::seconds(0)});
  api.transport.hold();  // the second is recorded before the first is answered
  recorder.record(kObject, "Warning", "Broken", "broken again");
  recorder.record(kObject, "Warning", "Broken", "broken again");
  api.transport.release();
  REQUIRE(recorder.flush(kFlush));
  const auto requests = api.transport.requests();
  REQUIRE(requests.size() == 2);
  const auto created = json::parse(requests[0].body)["metadata"]["name"].get<std::string>();
  CHECK(requests[1].method == "PATCH");
  CHECK(requests[1].path.starts_with("/api/v1/namespaces/demo/events/" + created));
  CHECK(json::parse(requests[1].body)["count"] == 2);
}

TEST_CASE("record returns while the API server has not answered, and flush says so") {
  FakeClient api;
  api.transport.answer(201);
  EventRecorder recorder(*api.client, "test");
  api.transport.hold();
  recorder.record(kObject, "Warning", "Broken", "slow server");
  CHECK_FALSE(recorder.flush(std::chrono::milliseconds(50)));
  api.transport.release();
  REQUIRE(recorder.flush(kFlush));
  CHECK(api.transport.requests().size() == 1);
}

TEST_CASE("an event recurring within its window is queued once") {
  FakeClient api;
  api.transport.answer(201);
  EventRecorder recorder(*api.client, "test");
  for (int i = 0; i < 3; ++i) recorder.record(kObject, "Normal", "Same", "same message");
  REQUIRE(recorder.flush(kFlush));
  CHECK(api.transport.requests().size() == 1);
}

TEST_CASE("an event beyond the queue's bound is dropped, not written") {
  FakeClient api;
  EventRecorder recorder(*api.client, "test", {.max_queued = 0});
  recorder.record(kObject, "Warning", "Broken", "nobody hears");
  REQUIRE(recorder.flush(kFlush));
  CHECK(api.transport.requests().empty());
}

TEST_CASE("a write the API server refuses is logged and the next event is still written") {
  FakeClient api;
  api.transport.answer(403, R"({"kind":"Status","reason":"Forbidden","code":403})").answer(201);
  EventRecorder recorder(*api.client, "test");
  recorder.record(kObject, "Warning", "First", "refused");
  recorder.record(kObject, "Normal", "Second", "accepted");
  REQUIRE(recorder.flush(kFlush));
  const auto requests = api.transport.requests();
  REQUIRE(requests.size() == 2);
  CHECK(json::parse(requests[1].body)["reason"] == "Second");
}

TEST_CASE("writes for different objects are in flight side by side") {
  FakeClient api;
  api.transport.answer(201).answer(201);
  EventRecorder recorder(*api.client, "test", {.senders = 2});
  auto other = kObject;
  other["metadata"]["uid"] = "uid-2";
  api.transport.hold();
  recorder.record(kObject, "Normal", "First", "one");
  recorder.record(other, "Normal", "Second", "two");
  // Both reach the server before it answers either.
  CHECK(kapp::test::eventually([&] { return api.transport.requests().size() == 2; }));
  api.transport.release();
  REQUIRE(recorder.flush(kFlush));
  CHECK(api.transport.requests().size() == 2);
}

TEST_CASE("the Events of one object are written one at a time, in the order recorded") {
  FakeClient api;
  api.transport.answer(201).answer(201);
  EventRecorder recorder(*api.client, "test");
  api.transport.hold();
  recorder.record(kObject, "Normal", "PhasePending", "waiting");
  recorder.record(kObject, "Normal", "PhaseRunning", "ready");
  CHECK(kapp::test::eventually([&] { return api.transport.requests().size() == 1; }));
  CHECK_FALSE(kapp::test::eventually([&] { return api.transport.requests().size() == 2; },
                                     std::chrono::milliseconds(200)));
  api.transport.release();
  REQUIRE(recorder.flush(kFlush));
  const auto requests = api.transport.requests();
  REQUIRE(requests.size() == 2);
  CHECK(json::parse(requests[0].body)["reason"] == "PhasePending");
  CHECK(json::parse(requests[1].body)["reason"] == "PhaseRunning");
}
