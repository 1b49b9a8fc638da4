// The controller SIGKILLed in the middle of a multi-step deletion: an AppLink's finalizer
// first deletes the link's NetworkPolicy in the target namespace, then removes itself. A
// ValidatingAdmissionPolicy refuses the second step, so the kill lands exactly between the
// two; the next controller must finish the deletion (with the first step already done).
#include <catch2/catch.hpp>

#include <csignal>

#include "core/client/resource.h"
#include "core/controllers/applink/spec.h"
#include "core/errors.h"
#include "core/names.h"
#include "core/render/applink.h"
#include "tests/faults/faults.h"
#include "tests/support/control_plane.h"
#include "tests/support/objects.h"

using namespace kapp::test;
using namespace std::chrono_literals;
using nlohmann::json;
namespace res = kapp::client::resources;

namespace {

// Denies any update that takes the link's finalizer away: the cleanup cannot finish.
const char* const kHoldFinalizer = R"(
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: kapp-faults-hold-finalizer}
spec:
  failurePolicy: Fail
  matchConstraints:
    resourceRules:
    - apiGroups: [kubectl-app.io]
      apiVersions: ["*"]
      operations: [UPDATE]
      resources: [applinks]
  validations:
  - expression: >-
      !has(oldObject.metadata.finalizers) ||
      !('kubectl-app.io/applink-cleanup' in oldObject.metadata.finalizers) ||
      (has(object.metadata.finalizers) &&
       'kubectl-app.io/applink-cleanup' in object.metadata.finalizers)
    message: held by the fault test
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: kapp-faults-hold-finalizer}
spec:
  policyName: kapp-faults-hold-finalizer
  validationActions: [Deny]
)";

// Whether the server refuses to take the finalizer off the link (a dry run changes nothing).
bool finalizer_held(const std::string& ns) {
  auto object = admin().get(res::kAppLink, ns, "web-to-payments");
  object["metadata"]["finalizers"] = json::array();
  try {
    admin().update(res::kAppLink, object, {.dry_run = true});
    return false;
  } catch (const kapp::ApiError&) {
    return true;
  }
}

}  // namespace

TEST_CASE("the controller killed between the steps of a link's cleanup: the next one finishes") {
  OwnControlPlane plane;
  TestNamespace a, b;
  admin().create(res::kApplication, a.name(),
                 application(a.name(), "shop", {component("frontend")}));
  admin().create(
      res::kApplication, b.name(),
      application(b.name(), "payments", {component("api")}, {{"allowLinksFrom", {a.name()}}}));
  admin().create(res::kAppLink, a.name(), app_link(a.name(), b.name(), {80}));
  const auto policy = kapp::render::link_policy_name(
      kapp::controllers::applink::parse_spec(app_link(a.name(), b.name(), {80})));
  const auto args = controller_args(a.name(), {"-n", b.name()});
  auto first = std::make_unique<BackgroundProcess>(args);
  REQUIRE(eventually([&] {
    return exists(res::kNetworkPolicy, b.name(), policy) &&
           exists(res::kService, a.name(), "payments-api");
  }));

  TempDir dir;
  REQUIRE(kubectl({"apply", "-f", dir.write("hold.yaml", kHoldFinalizer)}).exit_code == 0);
  REQUIRE(eventually([&] { return finalizer_held(a.name()); }));
  admin().remove(res::kAppLink, a.name(), "web-to-payments");
  // The first step done, the second refused: the deletion is half-way.
  REQUIRE(eventually([&] { return !exists(res::kNetworkPolicy, b.name(), policy); }));
  REQUIRE(exists(res::kAppLink, a.name(), "web-to-payments"));
  first->signal(SIGKILL);
  first->wait(10s);
  INFO("first controller:\n" << first->output().substr(0, 4000));
  first.reset();

  REQUIRE(kubectl({"delete", "-f", dir.path() + "/hold.yaml"}).exit_code == 0);
  BackgroundProcess second(args);
  const bool finished =
      eventually([&] { return !exists(res::kAppLink, a.name(), "web-to-payments"); }, 60s);
  INFO("second controller:\n" << second.output().substr(0, 4000));
  CHECK(finished);
  // Nothing of the link is left: neither its policy nor its alias.
  CHECK(eventually([&] { return !exists(res::kService, a.name(), "payments-api"); }, 60s));
  CHECK_FALSE(exists(res::kNetworkPolicy, b.name(), policy));
  CHECK(second.running());
}
