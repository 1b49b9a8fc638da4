// A CoinFlip's notification across a controller kill, in the window at-least-once delivery is
// about: the broker has acknowledged the message, and status does not say so yet. A
// ValidatingAdmissionPolicy refuses every status write that counts a notification as sent, so
// the controller is SIGKILLed with the message delivered and still pending in status. The next
// controller must deliver it again, under the same id, and record it: nothing lost, and the
// duplicate is one a consumer can drop.
#include <catch2/catch.hpp>

#include <algorithm>
#include <csignal>
#include <set>

#include <nlohmann/json.hpp>

#include "core/client/resource.h"
#include "core/controllers/coinflip/state.h"
#include "core/errors.h"
#include "tests/faults/faults.h"
#include "tests/support/control_plane.h"
#include "tests/support/mosquitto.h"
#include "tests/support/objects.h"

using namespace kapp::test;
using namespace std::chrono_literals;
using nlohmann::json;
namespace res = kapp::client::resources;

namespace {

constexpr const char* kAlertsTopic = "coinflip/alerts";
constexpr std::int64_t kMaxFlips = 12;

// Refuses any status write of a CoinFlip that raises notifications.sent.
const char* const kHoldSent = R"(
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: kapp-faults-hold-sent}
spec:
  failurePolicy: Fail
  matchConstraints:
    resourceRules:
    - apiGroups: [kubectl-app.io]
      apiVersions: ["*"]
      operations: [UPDATE]
      resources: [coinflips/status]
  variables:
  - name: before
    expression: >-
      has(oldObject.status) && has(oldObject.status.notifications) &&
      has(oldObject.status.notifications.sent) ? oldObject.status.notifications.sent : 0
  - name: after
    expression: >-
      has(object.status) && has(object.status.notifications) &&
      has(object.status.notifications.sent) ? object.status.notifications.sent : 0
  validations:
  - expression: variables.after <= variables.before
    message: held by the fault test
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: kapp-faults-hold-sent}
spec:
  policyName: kapp-faults-hold-sent
  validationActions: [Deny]
)";

// A CoinFlip of kMaxFlips flips at threshold 3 from this seed, notifying `url`.
json coinflip_with_seed(const std::string& ns, const std::string& name, const std::string& url,
                        std::int64_t seed) {
  return {{"apiVersion", "kubectl-app.io/v1alpha1"},
          {"kind", "CoinFlip"},
          {"metadata", {{"name", name}, {"namespace", ns}}},
          {"spec",
           {{"interval", "100ms"},
            {"threshold", 3},
            {"seed", seed},
            {"maxFlips", kMaxFlips},
            {"notify", {{"url", url}}}}}};
}

// A seed whose kMaxFlips flips make exactly one run of three tails.
std::int64_t seed_with_one_notification() {
  for (std::int64_t seed = 1;; ++seed)
    if (expected_notifications(coinflip_with_seed("ns", "seed", "mqtt://h/t", seed)).size() == 1)
      return seed;
}

// Whether the server refuses a status write that counts one more notification as sent (a dry
// run: nothing changes).
bool sent_held(const std::string& ns, const std::string& name) {
  auto object = admin().get(res::kCoinFlip, ns, name);
  object["status"]["notifications"]["sent"] =
      notifications(object.value("status", json::object()), "sent") + 1;
  try {
    admin().request({.method = "PUT",
                     .path = res::kCoinFlip.path(ns, name) + "/status?dryRun=All",
                     .body = object.dump(),
                     .content_type = "application/json"},
                    false);
    return false;
  } catch (const kapp::ApiError&) {
    return true;
  }
}

}  // namespace

TEST_CASE("the controller killed after the broker took a notification and before status said so") {
  OwnControlPlane plane;
  TestNamespace ns;
  MosquittoBroker broker;
  MqttSubscriber subscriber(broker, kAlertsTopic);

  TempDir dir;
  REQUIRE(kubectl({"apply", "-f", dir.write("hold.yaml", kHoldSent)}).exit_code == 0);
  // A CoinFlip no controller flips tells when the policy is in force.
  admin().create(res::kCoinFlip, ns.name(),
                 coinflip_with_seed(ns.name(), "probe", broker.url(kAlertsTopic), 1));
  REQUIRE(eventually([&] { return sent_held(ns.name(), "probe"); }, 60s));
  admin().remove(res::kCoinFlip, ns.name(), "probe");

  const auto seed = seed_with_one_notification();
  admin().create(res::kCoinFlip, ns.name(),
                 coinflip_with_seed(ns.name(), "coin", broker.url(kAlertsTopic), seed));
  const auto expected = expected_notifications(admin().get(res::kCoinFlip, ns.name(), "coin"));
  REQUIRE(expected.size() == 1);
  const auto& wanted = expected.front();

  const auto args = controller_args(ns.name(), {"--v=2"});
  auto first = std::make_unique<BackgroundProcess>(args);
  const auto received = [&] {
    const auto messages = subscriber.messages();
    return std::count_if(messages.begin(), messages.end(), [&](const std::string& m) {
      return json::parse(m).value("id", "") == wanted.id;
    });
  };
  // Delivered, and status still has it pending: the window between the two.
  REQUIRE(eventually([&] { return received() > 0; }, 60s));
  first->signal(SIGKILL);
  first->wait(10s);
  INFO("first controller:\n" << first->output().substr(0, 4000));
  first.reset();
  const auto held = coinflip_status(ns.name(), "coin");
  REQUIRE(notifications(held, "sent") == 0);
  REQUIRE(notifications(held, "pending") == 1);

  REQUIRE(kubectl({"delete", "-f", dir.path() + "/hold.yaml"}).exit_code == 0);
  const auto before = received();
  BackgroundProcess second(args);
  const bool recorded = eventually(
      [&] {
        const auto status = coinflip_status(ns.name(), "coin");
        return notifications(status, "sent") == 1 && notifications(status, "pending") == 0 &&
               status.value("flips", 0LL) == kMaxFlips;
      },
      90s);
  INFO("second controller:\n" << second.output().substr(0, 4000));
  CHECK(recorded);
  // At least once: delivered again by the second controller, as the same message.
  CHECK(received() > before);
  std::set<std::string> ids, payloads;
  for (const auto& m : subscriber.messages()) {
    const auto message = json::parse(m);
    ids.insert(message.value("id", ""));
    payloads.insert(message.dump());  // time included: it is the flip's, recorded in status
  }
  CHECK(ids == std::set<std::string>{wanted.id});
  CHECK(payloads.size() == 1);  // every delivery the same message
  const auto status = coinflip_status(ns.name(), "coin");
  CHECK(status["notifications"].value("queue", json::array()).empty());
  CHECK(second.running());
}
