// The client's REST verbs against the real API server: pagination, watches, 410, apply conflicts.
#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

#include "core/client/client.h"
#include "core/errors.h"
#include "tests/support/cluster.h"
#include "tests/support/objects.h"

using namespace kapp::test;
using kapp::client::WatchEvent;
using nlohmann::json;

namespace {

const kapp::client::ResourceType kConfigMaps{"", "v1", "configmaps", "ConfigMap", true};

std::string resource_version(const json& object) { return object["metadata"]["resourceVersion"]; }

}  // namespace

TEST_CASE("list follows continue tokens across pages") {
  TestNamespace ns;
  for (int i = 0; i < 23; ++i)
    admin().create(kConfigMaps, ns.name(), config_map(ns.name(), "cm-" + std::to_string(i)));
  const auto all = admin().list(kConfigMaps, ns.name(), {.label_selector = "", .limit = 5});
  // kube-root-ca.crt is created in every namespace by the controller-manager, perhaps late.
  CHECK(all["items"].size() >= 23);
  CHECK_FALSE(all["metadata"].contains("continue"));
}

TEST_CASE("a watch delivers creates, updates and deletes in order") {
  TestNamespace ns;
  const auto start = admin().list(kConfigMaps, ns.name());
  std::vector<std::string> seen;
  std::thread writer([&] {
    admin().create(kConfigMaps, ns.name(), config_map(ns.name(), "watched"));
    admin().merge_patch(kConfigMaps, ns.name(), "watched", {{"data", {{"key", "changed"}}}});
    admin().remove(kConfigMaps, ns.name(), "watched");
  });
  admin().watch(kConfigMaps, ns.name(),
                {.resource_version = resource_version(start),
                 .field_selector = "metadata.name=watched",
                 .timeout_seconds = 30},
                [&](const WatchEvent& e) {
                  if (e.type != "BOOKMARK") seen.push_back(e.type);
                  return e.type != "DELETED";
                });
  writer.join();
  CHECK(seen == std::vector<std::string>{"ADDED", "MODIFIED", "DELETED"});
}

TEST_CASE("a watch the server closes resumes from the last resourceVersion without losing events") {
  TestNamespace ns;
  auto version = resource_version(admin().list(kConfigMaps, ns.name()));
  admin().create(kConfigMaps, ns.name(), config_map(ns.name(), "first"));
  // The server ends this stream after one second; everything after it must still arrive.
  std::vector<std::string> names;
  version = admin().watch(kConfigMaps, ns.name(),
                          {.resource_version = version,
                           .field_selector = "metadata.name!=kube-root-ca.crt",
                           .timeout_seconds = 1},
                          [&](const WatchEvent& e) {
                            if (e.type == "ADDED") names.push_back(e.object["metadata"]["name"]);
                            return true;
                          });
  admin().create(kConfigMaps, ns.name(), config_map(ns.name(), "second"));
  admin().watch(kConfigMaps, ns.name(),
                {.resource_version = version,
                 .field_selector = "metadata.name!=kube-root-ca.crt",
                 .timeout_seconds = 10},
                [&](const WatchEvent& e) {
                  if (e.type == "ADDED") names.push_back(e.object["metadata"]["name"]);
                  return names.size() < 2;
                });
  CHECK(names == std::vector<std::string>{"first", "second"});
}

TEST_CASE("a watch from a resourceVersion older than the server keeps fails with 410 Gone") {
  TestNamespace ns;
  admin().create(kConfigMaps, ns.name(), config_map(ns.name(), "current"));
  // "1" predates the API server's watch cache and etcd's compacted history alike.
  try {
    admin().watch(kConfigMaps, ns.name(), {.resource_version = "1", .timeout_seconds = 5},
                  [](const WatchEvent&) { return true; });
    FAIL("the watch from a too old version did not fail");
  } catch (const kapp::ApiError& e) {
    CHECK(e.gone());
    CHECK_THAT(e.what(), Catch::Contains("too old resource version"));
  }
}

TEST_CASE("a cancelled watch returns promptly") {
  TestNamespace ns;
  std::atomic<bool> cancel{false};
  std::thread writer(
      [&] { admin().create(kConfigMaps, ns.name(), config_map(ns.name(), "wake")); });
  const auto started = std::chrono::steady_clock::now();
  admin().watch(kConfigMaps, ns.name(),
                {.field_selector = "metadata.name=wake", .timeout_seconds = 60, .cancel = &cancel},
                [&](const WatchEvent&) {
                  cancel = true;  // keep reading: the flag alone must end the stream
                  return true;
                });
  writer.join();
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(30));
}

TEST_CASE("server-side apply reports a conflict with the manager that owns the field") {
  TestNamespace ns;
  admin().apply(kConfigMaps, config_map(ns.name(), "shared", "one"), {.field_manager = "owner-a"});
  try {
    admin().apply(kConfigMaps, config_map(ns.name(), "shared", "two"),
                  {.field_manager = "owner-b"});
    FAIL("the conflicting apply was accepted");
  } catch (const kapp::ApiError& e) {
    CHECK(e.conflict());
    CHECK_THAT(e.what(), Catch::Contains("owner-a") && Catch::Contains(".data.key"));
  }
  const auto forced = admin().apply(kConfigMaps, config_map(ns.name(), "shared", "two"),
                                    {.field_manager = "owner-b", .force = true});
  CHECK(forced["data"]["key"] == "two");
}

TEST_CASE("discovery maps kinds to resources, including ours once installed") {
  REQUIRE(kubectl_app({"install"}).exit_code == 0);
  const auto deployments = admin().resource_for("apps/v1", "Deployment");
  CHECK(deployments.path("ns", "d") == "/apis/apps/v1/namespaces/ns/deployments/d");
  const auto crds = admin().resource_for("apiextensions.k8s.io/v1", "CustomResourceDefinition");
  CHECK_FALSE(crds.namespaced);
  CHECK(admin().resource_for("kubectl-app.io/v1alpha1", "CoinFlip").resource == "coinflips");
  CHECK_THROWS_WITH(admin().resource_for("apps/v1", "Nonsense"),
                    Catch::Contains("the server does not serve Nonsense in apps/v1"));
}

TEST_CASE("dry-run writes are validated by the server and not persisted") {
  TestNamespace ns;
  admin().create(kConfigMaps, ns.name(), config_map(ns.name(), "ghost"), {.dry_run = true});
  CHECK_FALSE(admin().get_if_exists(kConfigMaps, ns.name(), "ghost"));
}

TEST_CASE("delete with a stale uid precondition is refused") {
  TestNamespace ns;
  admin().create(kConfigMaps, ns.name(), config_map(ns.name(), "guarded"));
  CHECK_THROWS_AS(admin().remove(kConfigMaps, ns.name(), "guarded",
                                 {.precondition_uid = "00000000-0000-0000-0000-000000000000"}),
                  kapp::ApiError);
  CHECK(admin().get_if_exists(kConfigMaps, ns.name(), "guarded"));
  CHECK(admin().remove(kConfigMaps, ns.name(), "guarded"));
  CHECK_FALSE(admin().remove(kConfigMaps, ns.name(), "guarded"));
}
