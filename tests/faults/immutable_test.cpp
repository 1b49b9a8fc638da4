// A StatefulSet component whose volume size changes: volumeClaimTemplates are immutable, so
// the API server would refuse the update. The Application must not go on claiming Running on
// the old StatefulSet: it says which field cannot change and what to do, once, with no storm
// of refused writes or Events.
#include <catch2/catch.hpp>

#include "core/client/resource.h"
#include "tests/faults/faults.h"
#include "tests/support/control_plane.h"
#include "tests/support/objects.h"

using namespace kapp::test;
using namespace std::chrono_literals;
using nlohmann::json;
namespace res = kapp::client::resources;

namespace {

json database(const std::string& size) {
  return component("db",
                   {{"workload", "StatefulSet"},
                    {"ports", {{{"name", "pg"}, {"port", 5432}}}},
                    {"volumes", {{{"name", "data"}, {"mountPath", "/data"}, {"size", size}}}}});
}

std::string claim_size(const std::string& ns) {
  const auto set = admin().get(res::kStatefulSet, ns, "db");
  return set["spec"]["volumeClaimTemplates"][0]["spec"]["resources"]["requests"].value("storage",
                                                                                       "");
}

// Events about the Application (with `reason` only those), counting repeats.
long long event_count(const std::string& ns, const std::string& name,
                      const std::string& reason = "") {
  long long total = 0;
  const auto events = admin().list(res::kEvent, ns);  // not a temporary: the loop outlives it
  for (const auto& e : events["items"])
    if (e["involvedObject"].value("name", "") == name &&
        (reason.empty() || e.value("reason", "") == reason))
      total += e.value("count", 1LL);
  return total;
}

}  // namespace

TEST_CASE("a StatefulSet volume resized: the app says which field cannot change without a storm") {
  OwnControlPlane plane;
  TestNamespace ns;
  BackgroundProcess controller(controller_args(ns.name()));
  int port = 0;
  REQUIRE(eventually([&] { return (port = logged_port(controller, "/metrics")) > 0; }));
  admin().create(res::kApplication, ns.name(), application(ns.name(), "store", {database("1Gi")}));
  // Whether the app reaches `phase` at its generation in time; if not, what the namespace holds
  // (the scheduler, the volume binder and the controller each leave a trace) goes in the report.
  const auto reaches = [&](const std::string& phase, std::chrono::seconds timeout) {
    const bool reached = eventually(
        [&] {
          const auto app = admin().get(res::kApplication, ns.name(), "store");
          const auto status = app.value("status", json::object());
          return status.value("phase", "") == phase &&
                 status.value("observedGeneration", 0LL) ==
                     app["metadata"].value("generation", -1LL);
        },
        timeout);
    if (!reached)
      UNSCOPED_INFO("not " << phase << " in time; the namespace holds:\n"
                           << what_happened(ns.name()));
    return reached;
  };
  REQUIRE(reaches("Running", 120s));

  admin().merge_patch(res::kApplication, ns.name(), "store",
                      {{"spec", {{"components", {database("2Gi")}}}}});
  REQUIRE(reaches("Failed", 60s));
  const auto ready = condition(status_of(res::kApplication, ns.name(), "store"), "Ready");
  CHECK(ready["reason"] == "ImmutableFieldChanged");
  CHECK(ready["message"] ==
        "db: StatefulSet db: spec.volumeClaimTemplates[data].spec.resources.requests.storage "
        "cannot change (wanted 2Gi, the cluster has 1Gi); revert the change, or recreate the "
        "StatefulSet with `kubectl delete statefulset db --cascade=orphan` (its pods and claims "
        "stay; resize existing claims yourself)");
  CHECK(claim_size(ns.name()) == "1Gi");  // the StatefulSet itself is untouched

  // The failure's one Warning is in before the window opens.
  REQUIRE(eventually([&] { return event_count(ns.name(), "store", "PhaseFailed") == 1; }, 30s));

  // A window in which a controller retrying the refused update would write again and again.
  const auto scrape = [&] {
    return run({"curl", "-sf", "http://127.0.0.1:" + std::to_string(port) + "/metrics"}).out;
  };
  const auto writes_before = writes(scrape());
  const auto events_before = event_count(ns.name(), "store");
  CHECK_FALSE(eventually(
      [&] {
        return writes(scrape()) != writes_before ||
               event_count(ns.name(), "store") != events_before;
      },
      10s));

  // Reverting the size is the way back to Running.
  admin().merge_patch(res::kApplication, ns.name(), "store",
                      {{"spec", {{"components", {database("1Gi")}}}}});
  CHECK(reaches("Running", 60s));
}
