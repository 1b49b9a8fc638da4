// The client's behaviour on a misbehaving server, through the fake transport: retries on 429 and
// 5xx (with and without Retry-After, as client-go retries), broken connections, and credential
// refresh on 401 through an exec plugin. Waits are recorded, never slept.
#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "core/client/client.h"
#include "core/client/resource.h"
#include "core/errors.h"
#include "core/util/files.h"
#include "tests/support/fake_transport.h"
#include "tests/support/temp_dir.h"

using kapp::ApiError;
using kapp::TransportError;
using kapp::test::FakeClient;
using nlohmann::json;
using std::chrono::milliseconds;
namespace client = kapp::client;
namespace resources = kapp::client::resources;

namespace {

const std::map<std::string, std::string> retry_after(const std::string& seconds) {
  return {{"retry-after", seconds}};
}

const json kConfigMap = {{"metadata", {{"name", "a"}, {"namespace", "demo"}}}};

ApiError api_error_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const ApiError& e) {
    return e;
  }
  FAIL("no ApiError was thrown");
  throw;
}

}  // namespace

TEST_CASE("a 429 with Retry-After is sent again after the seconds the server asks for") {
  FakeClient api;
  api.transport.answer(429, "", retry_after("2")).answer(429, "", retry_after("0")).answer(200);
  api.client->get(resources::kConfigMap, "demo", "a");
  CHECK(api.transport.requests().size() == 3);
  CHECK(api.pauses == std::vector<milliseconds>{milliseconds(2000), milliseconds(0)});
}

TEST_CASE("a write answered 429 with Retry-After is sent again, as client-go does") {
  FakeClient api;
  api.transport.answer(429, "", retry_after("1")).answer(201, kConfigMap.dump());
  CHECK(api.client->create(resources::kConfigMap, "demo", kConfigMap) == kConfigMap);
  const auto requests = api.transport.requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[1].method == "POST");
  CHECK(requests[1].body == requests[0].body);
}

TEST_CASE("a 429 without Retry-After backs off exponentially and gives up after 5 attempts") {
  FakeClient api;
  for (int i = 0; i < 5; ++i) api.transport.answer(429);
  const auto e = api_error_of([&] { api.client->get(resources::kConfigMap, "demo", "a"); });
  CHECK(e.code() == 429);
  CHECK_THAT(e.what(), Catch::EndsWith("the server is overloaded: retry later"));
  CHECK(api.transport.requests().size() == 5);
  CHECK(api.pauses == std::vector<milliseconds>{milliseconds(200), milliseconds(400),
                                                milliseconds(800), milliseconds(1600)});
}

TEST_CASE("a 503 with Retry-After is retried at most 10 times, then reported") {
  FakeClient api;
  for (int i = 0; i < 11; ++i)
    api.transport.answer(503, R"({"kind":"Status","message":"etcd is down"})", retry_after("1"));
  const auto e = api_error_of([&] { api.client->get(resources::kConfigMap, "demo", "a"); });
  CHECK(e.code() == 503);
  CHECK_THAT(e.what(), Catch::Contains("etcd is down"));
  CHECK(api.transport.requests().size() == 11);
  CHECK(api.pauses == std::vector<milliseconds>(10, milliseconds(1000)));
}

TEST_CASE("a 500 or 503 without Retry-After is retried with back-off on an idempotent verb") {
  FakeClient api;
  api.transport.answer(500).answer(503).answer(200, kConfigMap.dump());
  CHECK(api.client->get(resources::kConfigMap, "demo", "a") == kConfigMap);
  CHECK(api.pauses == std::vector<milliseconds>{milliseconds(200), milliseconds(400)});
}

TEST_CASE("a create answered 500 without Retry-After is not sent twice") {
  FakeClient api;
  api.transport.answer(500, R"({"kind":"Status","message":"internal error"})");
  const auto e =
      api_error_of([&] { api.client->create(resources::kConfigMap, "demo", kConfigMap); });
  CHECK(e.code() == 500);
  CHECK(api.transport.requests().size() == 1);
  CHECK(api.pauses.empty());
}

TEST_CASE("a Retry-After longer than 30 seconds is capped, and a date counts as absent") {
  FakeClient api;
  api.transport.answer(429, "", retry_after("3600"))
      .answer(429, "", retry_after("Wed, 21 Oct 2026 07:28:00 GMT"))
      .answer(200);
  api.client->get(resources::kConfigMap, "demo", "a");
  CHECK(api.pauses == std::vector<milliseconds>{milliseconds(30000), milliseconds(400)});
}

TEST_CASE("a GET whose connection broke is sent again after a second") {
  FakeClient api;
  api.transport.fail("the API server broke off GET").answer(200, kConfigMap.dump());
  CHECK(api.client->get(resources::kConfigMap, "demo", "a") == kConfigMap);
  CHECK(api.pauses == std::vector<milliseconds>{milliseconds(1000)});
}

TEST_CASE("a write whose connection broke is reported, not sent again") {
  FakeClient api;
  api.transport.fail("the API server broke off POST /api/v1/namespaces/demo/configmaps");
  CHECK_THROWS_WITH(api.client->create(resources::kConfigMap, "demo", kConfigMap),
                    "the API server broke off POST /api/v1/namespaces/demo/configmaps");
  CHECK(api.transport.requests().size() == 1);
}

TEST_CASE("a timed-out request is reported, not sent again") {
  FakeClient api;
  api.transport.fail("GET /version timed out after 300ms; retry, or raise --request-timeout",
                     TransportError::Kind::TimedOut);
  CHECK_THROWS_AS(api.client->get_path("/version"), TransportError);
  CHECK(api.transport.requests().size() == 1);
}

namespace {

// An exec credential plugin that counts its runs in `dir`/count and prints token-N on run N.
client::RestConfig exec_config(const kapp::test::TempDir& dir, const std::string& script = "") {
  const auto plugin = dir.write(
      "plugin.sh",
      script.empty()
          ? "#!/bin/sh\nn=$(($(cat " + dir.path() + "/count 2>/dev/null || echo 0) + 1))\n" +
                "echo $n > " + dir.path() + "/count\n" +
                "echo '{\"apiVersion\":\"client.authentication.k8s.io/v1\","
                "\"kind\":\"ExecCredential\",\"status\":{\"token\":\"token-'$n'\"}}'\n"
          : script,
      true);
  return {
      .server = "https://fake.invalid", .exec = client::ExecConfig{.command = plugin}, .qps = 0};
}

int runs(const kapp::test::TempDir& dir) {
  return std::stoi(kapp::util::read_file(dir.path() + "/count", "count"));
}

}  // namespace

TEST_CASE("a 401 runs the exec plugin again once and sends the request with the new token") {
  kapp::test::TempDir dir;
  FakeClient api(exec_config(dir));
  api.transport.answer(401).answer(200, kConfigMap.dump());
  CHECK(api.client->get(resources::kConfigMap, "demo", "a") == kConfigMap);
  const auto requests = api.transport.requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[0].credentials.authorization == "Bearer token-1");
  CHECK(requests[1].credentials.authorization == "Bearer token-2");
  CHECK(runs(dir) == 2);
}

TEST_CASE("a second 401 after the refresh is one clear error, with no further runs") {
  kapp::test::TempDir dir;
  FakeClient api(exec_config(dir));
  api.transport.answer(401).answer(401);
  const auto e = api_error_of([&] { api.client->get(resources::kConfigMap, "demo", "a"); });
  CHECK(e.code() == 401);
  CHECK(std::string(e.what()) ==
        "Error from server (Unauthorized): the server answered 401 to GET "
        "/api/v1/namespaces/demo/configmaps/a: {}; the server rejected the credentials: refresh "
        "them or check the kubeconfig user");
  CHECK(api.transport.requests().size() == 2);
  CHECK(runs(dir) == 2);
}

TEST_CASE("an exec plugin that prints more than the input cap is refused") {
  kapp::test::TempDir dir;
  FakeClient api(exec_config(dir, "#!/bin/sh\nexec yes\n"));
  CHECK_THROWS_WITH(api.client->get_path("/version"),
                    Catch::Contains("printed more than 32 MiB; refusing it"));
  CHECK(api.transport.requests().empty());
}

TEST_CASE("watch events split across chunks are decoded whole") {
  FakeClient api;
  const std::string event = json{{"type", "ADDED"}, {"object", kConfigMap}}.dump() + "\n";
  api.transport.answer(
      {.chunks = {event.substr(0, 10), event.substr(10) + event.substr(0, 5), event.substr(5)}});
  std::vector<std::string> types;
  api.client->watch(resources::kConfigMap, "demo", {}, [&](const client::WatchEvent& e) {
    types.push_back(e.type);
    return true;
  });
  CHECK(types == std::vector<std::string>{"ADDED", "ADDED"});
}

TEST_CASE("a watch the server should end is ended by the client a margin later") {
  FakeClient api;
  api.transport.answer({.chunks = {}});
  api.client->watch(resources::kConfigMap, "demo", {.timeout_seconds = 300},
                    [](const auto&) { return true; });
  REQUIRE(api.transport.requests().size() == 1);
  CHECK(api.transport.requests()[0].timeout == std::chrono::seconds(330));
  CHECK_THAT(api.transport.requests()[0].path, Catch::Contains("timeoutSeconds=300"));
}

TEST_CASE("a watch stream cut in the middle of an event is an unreadable-event error") {
  FakeClient api;
  api.transport.answer({.chunks = {R"({"type":"ADDED","object":{"metadata":{"na)"}});
  CHECK_THROWS_WITH(
      api.client->watch(resources::kConfigMap, "demo", {}, [](const auto&) { return true; }),
      "the API server sent an unreadable watch event for configmaps; retry");
}

TEST_CASE("a watch event larger than the cap is refused") {
  FakeClient api;
  const std::string mebibyte(1024 * 1024, 'x');
  api.transport.answer({.chunks = std::vector<std::string>(17, mebibyte)});
  CHECK_THROWS_WITH(
      api.client->watch(resources::kConfigMap, "demo", {}, [](const auto&) { return true; }),
      "the API server sent a watch event for configmaps larger than 16 MiB; refusing it");
}

TEST_CASE("watch events of the wrong shape are unreadable-event errors, not library errors") {
  for (const std::string line : {R"({"type":1,"object":{}})", R"({"type":"ADDED","object":[]})",
                                 R"({"type":"ADDED"})", R"(["ADDED"])"}) {
    FakeClient api;
    api.transport.answer(200, line + "\n");
    CHECK_THROWS_WITH(
        api.client->watch(resources::kConfigMap, "demo", {}, [](const auto&) { return true; }),
        "the API server sent an unreadable watch event for configmaps; retry");
  }
}

TEST_CASE("an ERROR watch event with a malformed Status is one ApiError") {
  FakeClient api;
  api.transport.answer(
      200,
      R"({"type":"ERROR","object":{"kind":"Status","code":"x","reason":7,"details":{"causes":[1]}}})"
      "\n");
  const auto e = api_error_of([&] {
    api.client->watch(resources::kConfigMap, "demo", {}, [](const auto&) { return true; });
  });
  CHECK(e.code() == 500);
  CHECK(e.reason() == "Unknown");
  CHECK(e.causes().size() == 1);
}

TEST_CASE("each resource has a rate limit bucket of its own, shared by its namespaces") {
  using kapp::client::rate_limit_key;
  CHECK(rate_limit_key("/apis/apps/v1/namespaces/a/deployments/web?fieldManager=x") ==
        "apps/deployments");
  CHECK(rate_limit_key("/apis/apps/v1/namespaces/b/deployments") == "apps/deployments");
  CHECK(rate_limit_key("/apis/apps/v1/deployments?watch=true") == "apps/deployments");
  CHECK(rate_limit_key("/apis/kubectl-app.io/v1alpha1/namespaces/a/applications/shop/status") ==
        "kubectl-app.io/applications");
  CHECK(rate_limit_key("/api/v1/namespaces/a/pods") == "/pods");
  CHECK(rate_limit_key("/api/v1/namespaces/a") == "/namespaces");  // a Namespace
  CHECK(rate_limit_key("/api/v1/namespaces") == "/namespaces");
  CHECK(rate_limit_key("/apis/apps/v1") == "");  // discovery
  CHECK(rate_limit_key("/version") == "");
}
