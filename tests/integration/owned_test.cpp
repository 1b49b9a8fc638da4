// engine::apply_owned against the real API server: creating what a synced cache lacks without
// reading it first, and still never taking over an object of someone else's.
#include <catch2/catch.hpp>

#include <mutex>

#include "core/client/config.h"
#include "core/engine/informer.h"
#include "core/engine/object.h"
#include "core/engine/owned.h"
#include "core/engine/transform.h"
#include "tests/support/cluster.h"
#include "tests/support/objects.h"

using namespace kapp::test;
using namespace std::chrono_literals;
using kapp::client::resources::kConfigMap;
using kapp::engine::Informer;
using nlohmann::json;

namespace {

// A client of its own that counts its requests by verb.
struct CountingClient {
  std::shared_ptr<kapp::client::Client> client =
      kapp::client::Client::connect(kapp::client::load_config({.kubeconfig = admin_kubeconfig()}));
  std::mutex mutex;
  std::map<std::string, int> requests;  // method -> count

  CountingClient() {
    client->set_request_observer([this](const std::string& method, long) {
      std::lock_guard lock(mutex);
      ++requests[method];
    });
  }
  int count(const std::string& method) {
    std::lock_guard lock(mutex);
    return requests[method];
  }
};

// An owner ConfigMap and the child it wants, controlled by it.
struct Family {
  json owner;
  json child;
  Family(const std::string& ns, const std::string& value) {
    owner = admin().create(kConfigMap, ns, config_map(ns, "owner", "o"));
    child = config_map(ns, "child", value);
    child["metadata"]["ownerReferences"] = json::array({kapp::engine::controller_reference(owner)});
  }
  std::string owner_uid() const { return kapp::engine::uid_of(owner); }
};

// A synced cache of the namespace's ConfigMaps that no longer follows the server: what a cache
// lagging behind a recent create looks like.
std::unique_ptr<Informer> stale_cache(kapp::client::Client& client, const std::string& ns) {
  auto informer = std::make_unique<Informer>(client, kConfigMap, ns);
  informer->start();
  REQUIRE(informer->wait_for_sync(30s));
  informer->stop();
  return informer;
}

}  // namespace

TEST_CASE("an object a synced cache lacks is created by one apply, with no read first") {
  TestNamespace ns;
  CountingClient counting;
  Family family(ns.name(), "v1");
  auto cache = stale_cache(*counting.client, ns.name());
  const int gets = counting.count("GET");

  CHECK(kapp::engine::apply_owned(*counting.client, *cache, family.child, family.owner_uid()));

  CHECK(counting.count("GET") == gets);
  CHECK(counting.count("PATCH") == 1);
  const auto live = admin().get(kConfigMap, ns.name(), "child");
  CHECK(live["data"]["key"] == "v1");
  CHECK(kapp::engine::controlled_by(live, family.owner_uid()));
}

TEST_CASE("a foreign object the cache has not seen yet is left as it is") {
  TestNamespace ns;
  CountingClient counting;
  Family family(ns.name(), "ours");
  auto cache = stale_cache(*counting.client, ns.name());
  REQUIRE(kubectl({"create", "configmap", "child", "--from-literal=key=theirs", "-n", ns.name()})
              .exit_code == 0);

  CHECK_FALSE(
      kapp::engine::apply_owned(*counting.client, *cache, family.child, family.owner_uid()));

  const auto live = admin().get(kConfigMap, ns.name(), "child");
  CHECK(live["data"]["key"] == "theirs");
  CHECK_FALSE(live["metadata"].contains("ownerReferences"));
}

TEST_CASE("an object of ours the cache has not seen yet is updated") {
  TestNamespace ns;
  CountingClient counting;
  Family family(ns.name(), "old");
  auto cache = stale_cache(*counting.client, ns.name());
  REQUIRE(kapp::engine::apply_owned(*counting.client, *cache, family.child, family.owner_uid()));
  family.child["data"]["key"] = "new";

  CHECK(kapp::engine::apply_owned(*counting.client, *cache, family.child, family.owner_uid()));

  CHECK(admin().get(kConfigMap, ns.name(), "child")["data"]["key"] == "new");
}

namespace {

// A live cache of the namespace's ConfigMaps that keeps applied objects slim, as the
// Application reconciler's caches of its children do.
std::unique_ptr<Informer> slim_cache(kapp::client::Client& client, const std::string& ns) {
  auto informer = std::make_unique<Informer>(client, kConfigMap, ns);
  informer->set_transform(kapp::engine::strip_bookkeeping);
  informer->set_slim([](const json& object) { return kapp::engine::slim_owned(object, {}); });
  informer->start();
  REQUIRE(informer->wait_for_sync(30s));
  return informer;
}

// Waits until `cache` holds `name` at the server's current resourceVersion.
void wait_current(const Informer& cache, const std::string& ns, const std::string& name) {
  const auto version = kapp::engine::resource_version_of(admin().get(kConfigMap, ns, name));
  REQUIRE(eventually(
      [&] {
        const auto cached = cache.get(ns, name);
        return cached && kapp::engine::resource_version_of(*cached) == version;
      },
      30s));
}

}  // namespace

TEST_CASE("an applied object is kept slim and not written again while unchanged") {
  TestNamespace ns;
  CountingClient counting;
  Family family(ns.name(), "v1");
  auto cache = slim_cache(*counting.client, ns.name());
  REQUIRE(kapp::engine::apply_owned(*counting.client, *cache, family.child, family.owner_uid()));
  wait_current(*cache, ns.name(), "child");
  const int writes = counting.count("PATCH"), reads = counting.count("GET");

  CHECK(kapp::engine::apply_owned(*counting.client, *cache, family.child, family.owner_uid()));

  CHECK(counting.count("PATCH") == writes);
  CHECK(counting.count("GET") == reads);
  const auto cached = cache->get(ns.name(), "child").value();
  CHECK(kapp::engine::is_slim(cached));
  CHECK_FALSE(cached.contains("data"));
}

TEST_CASE("an applied object someone else edited is applied again") {
  TestNamespace ns;
  CountingClient counting;
  Family family(ns.name(), "ours");
  auto cache = slim_cache(*counting.client, ns.name());
  REQUIRE(kapp::engine::apply_owned(*counting.client, *cache, family.child, family.owner_uid()));
  REQUIRE(kubectl({"patch", "configmap", "child", "-n", ns.name(), "--type=merge", "-p",
                   R"({"data":{"key":"theirs"}})"})
              .exit_code == 0);
  wait_current(*cache, ns.name(), "child");

  CHECK(kapp::engine::apply_owned(*counting.client, *cache, family.child, family.owner_uid()));

  CHECK(admin().get(kConfigMap, ns.name(), "child")["data"]["key"] == "ours");
}

TEST_CASE("a restarted cache compares the whole object once and writes nothing") {
  TestNamespace ns;
  Family family(ns.name(), "v1");
  {
    CountingClient first;
    auto cache = slim_cache(*first.client, ns.name());
    REQUIRE(kapp::engine::apply_owned(*first.client, *cache, family.child, family.owner_uid()));
  }
  CountingClient counting;
  auto cache = slim_cache(*counting.client, ns.name());  // no records: objects cached whole
  wait_current(*cache, ns.name(), "child");
  CHECK_FALSE(kapp::engine::is_slim(cache->get(ns.name(), "child").value()));
  const int writes = counting.count("PATCH");

  CHECK(kapp::engine::apply_owned(*counting.client, *cache, family.child, family.owner_uid()));

  CHECK(counting.count("PATCH") == writes);
  CHECK(kapp::engine::is_slim(cache->get(ns.name(), "child").value()));
}
