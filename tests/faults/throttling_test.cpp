// API Priority and Fairness gives the controller's user a tiny share that rejects what does
// not fit (429 with Retry-After): the controller backs off, still converges every
// Application, and its /metrics count the 429s.
#include <catch2/catch.hpp>

#include "tests/faults/faults.h"
#include "tests/support/control_plane.h"
#include "tests/support/metrics_text.h"

using namespace kapp::test;
using namespace std::chrono_literals;

namespace {

// The tester user (a token, no grants) made an administrator, in a priority level of the
// smallest share (a few seats of the server's 600) that rejects rather than queues.
const char* const kThrottle = R"(
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: kapp-faults-tester-admin}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: tester}]
---
apiVersion: flowcontrol.apiserver.k8s.io/v1
kind: PriorityLevelConfiguration
metadata: {name: kapp-faults-tiny}
spec:
  type: Limited
  limited:
    nominalConcurrencyShares: 1
    lendablePercent: 0
    borrowingLimitPercent: 0
    limitResponse: {type: Reject}
---
apiVersion: flowcontrol.apiserver.k8s.io/v1
kind: FlowSchema
metadata: {name: kapp-faults-tester}
spec:
  priorityLevelConfiguration: {name: kapp-faults-tiny}
  matchingPrecedence: 100
  distinguisherMethod: {type: ByUser}
  rules:
  - subjects: [{kind: User, user: {name: tester}}]
    resourceRules:
    - {verbs: ["*"], apiGroups: ["*"], resources: ["*"], clusterScope: true, namespaces: ["*"]}
    nonResourceRules: [{verbs: ["*"], nonResourceURLs: ["*"]}]
)";

// The sum of the controller's kapp_rest_client_requests_total series answered with `code`.
double answered(const std::string& metrics, const std::string& code) {
  return sum_series(metrics, "kapp_rest_client_requests_total", "[^}]*code=\"" + code + "\"");
}

}  // namespace

TEST_CASE("a tiny API Priority and Fairness share: the controller backs off on 429 and finishes") {
  OwnControlPlane plane;
  TestNamespace ns;
  TempDir dir;
  const auto applied = kubectl({"apply", "-f", dir.write("throttle.yaml", kThrottle)});
  REQUIRE(applied.exit_code == 0);
  Fleet fleet(ns.name(), burst_size());
  auto args = controller_args(ns.name(), {"--workers=16"});
  args[3] = plane.dir() + "/tester.kubeconfig";  // --kubeconfig: the throttled user
  BackgroundProcess controller(args);
  int port = 0;
  REQUIRE(eventually([&] { return (port = logged_port(controller, "/metrics")) > 0; }));
  for (int i = 0; i < fleet.size(); ++i) fleet.create(i);

  const auto problems = converged(fleet, converge_timeout());
  INFO(problems.size() << " problems: " << summary(problems) << "\ncontroller output:\n"
                       << controller.output().substr(0, 4000));
  CHECK(problems.empty());
  CHECK(controller.running());
  const auto metrics =
      run({"curl", "-sf", "http://127.0.0.1:" + std::to_string(port) + "/metrics"});
  REQUIRE(metrics.exit_code == 0);
  INFO(metrics.out);
  CHECK(answered(metrics.out, "429") > 0);
  check_removed(fleet);
}
