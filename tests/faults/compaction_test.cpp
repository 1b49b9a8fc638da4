// etcd compacted while the controller's informers are cut off from their watches: when they
// resume from a version that no longer exists, the server answers 410 Gone, they list again,
// and every change made meanwhile is reconciled.
#include <catch2/catch.hpp>

#include <csignal>

#include <nlohmann/json.hpp>

#include "core/client/resource.h"
#include "tests/faults/faults.h"
#include "tests/support/control_plane.h"
#include "tests/support/objects.h"

using namespace kapp::test;
using namespace std::chrono_literals;
using nlohmann::json;
namespace res = kapp::client::resources;

namespace {

// etcd's gRPC gateway on its client URL: POST /v3/kv/... with JSON bodies.
json etcd_post(const std::string& path, const json& body) {
  const auto result = run({"curl", "-fsS", "--max-time", "10", "-X", "POST",
                           cluster_env("ETCD_URL") + path, "-d", body.dump()});
  REQUIRE(result.exit_code == 0);
  return json::parse(result.out);
}

// Compacts etcd's history up to its current revision; returns that revision.
long long compact_etcd() {
  const auto revision =
      std::stoll(etcd_post("/v3/kv/range", {{"key", "AA=="}})["header"].value("revision", "0"));
  etcd_post("/v3/kv/compaction", {{"revision", std::to_string(revision)}, {"physical", true}});
  return revision;
}

}  // namespace

TEST_CASE("etcd compacted while informers are cut off: they list again on 410 and miss no change") {
  OwnControlPlane plane;
  TestNamespace ns;
  Fleet fleet(ns.name(), 6);
  BackgroundProcess controller(controller_args(ns.name(), {"--v=2"}));
  for (int i = 0; i < 6; ++i) fleet.create(i);
  REQUIRE(converged(fleet, 120s).empty());

  // The controller sees none of these as they happen.
  controller.signal(SIGSTOP);
  admin().merge_patch(res::kApplication, ns.name(), fleet.app(0),
                      {{"spec", {{"components", {component("c000", {{"replicas", 3}})}}}}});
  admin().remove(res::kDeployment, ns.name(), "c001");  // a child deleted behind its back
  admin().remove(res::kService, ns.name(), "c002");
  admin().remove(res::kApplication, ns.name(), fleet.app(3));
  fleet.expect_gone(3);
  fleet.expect(6);
  fleet.create(6);
  const auto revision = compact_etcd();
  // History before `revision` is gone; a new API server's watch cache starts after it, so the
  // informers' resumed watches are refused with 410 Gone.
  plane.kill("kube-apiserver");
  plane.restart("kube-apiserver");
  controller.signal(SIGCONT);

  const auto problems = converged(fleet, 120s);
  INFO("compacted at revision " << revision << "; " << problems.size()
                                << " problems: " << summary(problems) << "\ncontroller output:\n"
                                << controller.output().substr(0, 6000));
  CHECK(problems.empty());
  CHECK_THAT(controller.output(), Catch::Contains("resourceVersion too old, listing again"));
  CHECK(controller.running());
  // Only as deep as the controller's own children: kube-controller-manager's garbage
  // collector can miss an owner's deletion across the outage it shared with us (seen here: a
  // ReplicaSet deleted, its Pod left for good; kubernetes/kubernetes#120862, #109748), and
  // ReplicaSets and Pods are not ours.
  check_removed(fleet, std::chrono::seconds(120), Depth::Children);
}
