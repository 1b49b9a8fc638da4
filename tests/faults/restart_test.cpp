// kube-apiserver or etcd killed (SIGKILL) and started again in the middle of a burst of
// Application creates: the real controller recovers by itself and every Application converges,
// with exactly its children; deleting them all leaves nothing behind.
#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

#include "tests/faults/faults.h"
#include "tests/support/control_plane.h"

using namespace kapp::test;

namespace {

void burst_through_restart(const std::string& daemon) {
  OwnControlPlane plane;
  TestNamespace ns;
  Fleet fleet(ns.name(), burst_size());
  BackgroundProcess controller(controller_args(ns.name()));

  std::atomic<int> created{0};
  std::string create_error;
  std::thread creator([&] {
    try {
      for (int i = 0; i < fleet.size(); ++i, ++created) fleet.create(i);
    } catch (const std::exception& e) {
      create_error = e.what();
    }
  });
  // The fault lands once a third of the burst is in, while the rest is still being sent.
  REQUIRE(eventually([&] { return created >= fleet.size() / 3; }, std::chrono::seconds(120)));
  plane.kill(daemon);
  plane.restart(daemon);
  creator.join();
  INFO("controller output:\n" << controller.output().substr(0, 4000));
  REQUIRE(create_error.empty());

  const auto problems = converged(fleet, converge_timeout());
  INFO(problems.size() << " problems: " << summary(problems));
  CHECK(problems.empty());
  CHECK(controller.running());  // it recovered alone: nobody restarted it
  check_removed(fleet);
}

}  // namespace

TEST_CASE("kube-apiserver killed and restarted during a burst of creates: every app converges") {
  burst_through_restart("kube-apiserver");
}

TEST_CASE("etcd killed and restarted during a burst of creates: every app converges") {
  burst_through_restart("etcd");
}
