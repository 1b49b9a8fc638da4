// kube-apiserver paused (SIGSTOP) for longer than the request timeout: nothing hangs, the CLI
// fails within the timeout with one clear line, and the controller finishes its work once the
// server runs again (SIGCONT).
#include <catch2/catch.hpp>

#include <csignal>

#include "core/client/resource.h"
#include "tests/faults/faults.h"
#include "tests/support/control_plane.h"
#include "tests/support/objects.h"

using namespace kapp::test;
using namespace std::chrono_literals;
namespace res = kapp::client::resources;

namespace {

// Runs `kubectl app get applications` with a 2s request timeout; returns how long it took.
std::chrono::milliseconds timed_get(const std::string& ns, CommandResult& result) {
  const auto started = std::chrono::steady_clock::now();
  result = kubectl_app({"get", "applications", "-n", ns, "--request-timeout=2s"});
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               started);
}

}  // namespace

TEST_CASE(
    "kube-apiserver paused past the request timeout: the CLI fails in time and work resumes") {
  OwnControlPlane plane;
  TestNamespace ns;
  Fleet fleet(ns.name(), 3);
  BackgroundProcess controller(controller_args(ns.name(), {"--request-timeout=2s"}));
  for (int i = 0; i < 3; ++i) fleet.create(i);
  REQUIRE(converged(fleet, 120s).empty());

  // Work in flight when the server stops: the controller's requests for it time out.
  for (int i = 3; i < 6; ++i) {
    fleet.expect(i);
    fleet.create(i);
  }
  plane.signal("kube-apiserver", SIGSTOP);
  // Two CLI calls keep the server paused for longer than the controller's 2s timeout too.
  for (int call = 0; call < 2; ++call) {
    CommandResult result;
    const auto took = timed_get(ns.name(), result);
    INFO("stderr: " << result.err);
    CHECK(result.exit_code == 1);
    CHECK(result.out.empty());
    CHECK(std::count(result.err.begin(), result.err.end(), '\n') == 1);
    CHECK_THAT(result.err, Catch::StartsWith("error: GET ") &&
                               Catch::EndsWith(" timed out after 2000ms; retry, or raise "
                                               "--request-timeout\n"));
    CHECK(took >= 2s);
    CHECK(took < 2s + 3s);  // the timeout plus a margin for starting the process
  }
  CHECK(controller.running());
  plane.signal("kube-apiserver", SIGCONT);

  // Changes after the pause are picked up as well.
  admin().merge_patch(res::kApplication, ns.name(), fleet.app(0),
                      {{"spec", {{"components", {component("c000", {{"replicas", 2}})}}}}});
  const auto problems = converged(fleet, 120s);
  INFO(problems.size() << " problems: " << summary(problems) << "\ncontroller output:\n"
                       << controller.output().substr(0, 4000));
  CHECK(problems.empty());
  CHECK(controller.running());
  CommandResult after;
  timed_get(ns.name(), after);
  CHECK(after.exit_code == 0);
  CHECK_THAT(after.out, Catch::Contains("app-005"));
  check_removed(fleet);
}
