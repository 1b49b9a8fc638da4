// What an Application's status says about what its objects report.
#include <catch2/catch.hpp>

#include "core/controllers/application/status.h"
#include "core/engine/status.h"

using kapp::controllers::application::application_status;
using kapp::controllers::application::AppObservation;
using kapp::controllers::application::component_status;
using kapp::controllers::application::ComponentObservation;
using kapp::controllers::application::pod_failure;
using kapp::controllers::application::workload_update_matters;
using nlohmann::json;

namespace {

json deployment(int replicas, int ready, long long generation = 1, long long observed = 1) {
  return {{"kind", "Deployment"},
          {"metadata", {{"generation", generation}}},
          {"status",
           {{"observedGeneration", observed},
            {"replicas", replicas},
            {"updatedReplicas", replicas},
            {"readyReplicas", ready}}}};
}

json pod_waiting(const std::string& reason) {
  return {
      {"metadata", {{"name", "web-1"}}},
      {"status",
       {{"containerStatuses",
         {{{"name", "web"}, {"state", {{"waiting", {{"reason", reason}, {"message", "m"}}}}}}}}}}};
}

ComponentObservation observed(const std::string& name, json workload, int desired = 2) {
  return {name, "Inline", "Deployment", desired, std::move(workload), {}, {}, {}};
}

// A StatefulSet as its controller reports it: updatedReplicas is left out while 0.
json statefulset(int ready, int updated) {
  json s = {{"kind", "StatefulSet"},
            {"metadata", {{"generation", 2}}},
            {"status", {{"observedGeneration", 2}, {"replicas", 2}, {"readyReplicas", ready}}}};
  if (updated > 0) s["status"]["updatedReplicas"] = updated;
  return s;
}

}  // namespace

TEST_CASE("a workload available at its desired replicas is Running") {
  const auto s = component_status(observed("web", deployment(2, 2)));
  CHECK(s["phase"] == "Running");
  CHECK(s["readyReplicas"] == 2);
  CHECK_FALSE(s.contains("message"));
}

TEST_CASE("a workload short of ready replicas is Pending with the count") {
  const auto s = component_status(observed("web", deployment(2, 1)));
  CHECK(s["phase"] == "Pending");
  CHECK(s["message"] == "1/2 replicas ready");
}

TEST_CASE("a workload whose controller has not seen the latest spec is not Running") {
  CHECK(component_status(observed("web", deployment(2, 2, 3, 2)))["phase"] == "Pending");
}

TEST_CASE(
    "a StatefulSet at the start of a rollout is not Running though its old replicas are ready") {
  CHECK(component_status(observed("db", statefulset(2, 0)))["phase"] == "Pending");
}

TEST_CASE("a StatefulSet with every replica updated and ready is Running") {
  CHECK(component_status(observed("db", statefulset(2, 2)))["phase"] == "Running");
}

TEST_CASE("a workload not created yet is Pending") {
  const auto s = component_status(observed("web", nullptr));
  CHECK(s["phase"] == "Pending");
  CHECK(s["message"] == "Deployment not created yet");
}

TEST_CASE("image pull errors and crash loops on a pod fail the component with the reason") {
  for (const auto* reason : {"ErrImagePull", "ImagePullBackOff", "CrashLoopBackOff"}) {
    auto o = observed("web", deployment(2, 1));
    o.pods.push_back(pod_waiting(reason));
    const auto s = component_status(o);
    INFO(reason);
    CHECK(s["phase"] == "Failed");
    CHECK_THAT(s["message"].get<std::string>(), Catch::Contains(reason));
  }
}

TEST_CASE("a pod still creating its container does not fail the component") {
  auto o = observed("web", deployment(2, 1));
  o.pods.push_back(pod_waiting("ContainerCreating"));
  CHECK(component_status(o)["phase"] == "Pending");
}

TEST_CASE("pod_failure names the pod and the reason, and nothing for a pod that does not fail") {
  CHECK(pod_failure(pod_waiting("ImagePullBackOff")) == "pod web-1: ImagePullBackOff (m)");
  CHECK_FALSE(pod_failure(pod_waiting("ContainerCreating")));
  CHECK_FALSE(pod_failure({{"metadata", {{"name", "web-1"}}}}));  // no status: not failing
}

TEST_CASE("an exceeded progress deadline fails the component") {
  auto w = deployment(2, 1);
  w["status"]["conditions"] = {{{"type", "Progressing"},
                                {"status", "False"},
                                {"reason", "ProgressDeadlineExceeded"},
                                {"message", "ReplicaSet web-1 has timed out progressing."}}};
  const auto s = component_status(observed("web", w));
  CHECK(s["phase"] == "Failed");
  CHECK_THAT(s["message"].get<std::string>(),
             Catch::Contains("progress deadline exceeded: ReplicaSet web-1"));
}

TEST_CASE("a failure set by the controller wins over what the workload says") {
  auto o = observed("web", deployment(2, 2));
  o.failure = "Service demo/web already exists";
  const auto s = component_status(o);
  CHECK(s["phase"] == "Failed");
  CHECK(s["message"] == "Service demo/web already exists");
}

TEST_CASE("an application is Running when every component runs") {
  AppObservation o{
      4, {observed("a", deployment(2, 2)), observed("b", deployment(2, 2))}, {}, {}, {}};
  const auto s = application_status(o);
  CHECK(s["phase"] == "Running");
  CHECK(s["ready"] == "2/2");
  CHECK(s["observedGeneration"] == 4);
  CHECK(kapp::engine::find_condition(s, "Ready")["status"] == "True");
  CHECK(kapp::engine::find_condition(s, "ComponentsReady")["message"] ==
        "2 of 2 components available");
}

TEST_CASE("an application is Pending while any component is, and says which") {
  AppObservation o{1, {observed("a", deployment(2, 2)), observed("b", nullptr)}, {}, {}, {}};
  const auto s = application_status(o);
  CHECK(s["phase"] == "Pending");
  CHECK(s["ready"] == "1/2");
  CHECK(kapp::engine::find_condition(s, "Ready")["reason"] == "ComponentsPending");
  CHECK(kapp::engine::find_condition(s, "Ready")["message"] == "b: Deployment not created yet");
}

TEST_CASE("an application is Failed when any component fails, even if others are pending") {
  auto failing = observed("b", deployment(2, 2));
  failing.failure = "name taken";
  AppObservation o{1, {observed("a", nullptr), failing}, {}, {}, {}};
  const auto s = application_status(o);
  CHECK(s["phase"] == "Failed");
  CHECK(kapp::engine::find_condition(s, "Ready")["reason"] == "ComponentFailed");
  CHECK(kapp::engine::find_condition(s, "Ready")["message"] ==
        "b: name taken");  // the failure, not the wait
}

TEST_CASE("a missing Component object keeps the application Pending with its name") {
  auto missing = observed("worker", nullptr, 0);
  missing.source = "Component";
  missing.pending = "Component demo/worker not found";
  AppObservation o{1, {observed("a", deployment(2, 2)), missing}, {}, {}, {}};
  const auto s = application_status(o);
  CHECK(s["phase"] == "Pending");
  CHECK(s["components"][1]["message"] == "Component demo/worker not found");
}

TEST_CASE("an integration whose CRD is not installed is False with CRDNotInstalled") {
  AppObservation o{1, {observed("a", deployment(1, 1), 1)}, {}, {}, {}};
  o.metrics = {.wanted = true, .installed = false};
  const auto s = application_status(o);
  CHECK(kapp::engine::find_condition(s, "MetricsReady")["status"] == "False");
  CHECK(kapp::engine::find_condition(s, "MetricsReady")["reason"] == "CRDNotInstalled");
  CHECK(kapp::engine::find_condition(s, "OffloadingReady")["reason"] == "NotRequested");
  CHECK(s["phase"] == "Running");  // metrics are a side show: the components still run
}

TEST_CASE("a communications failure is a False CommunicationsReady with the error") {
  AppObservation o{1, {observed("a", deployment(1, 1), 1)}, "NetworkPolicy rejected", {}, {}};
  const auto c = kapp::engine::find_condition(application_status(o), "CommunicationsReady");
  CHECK(c["status"] == "False");
  CHECK(c["reason"] == "ApplyFailed");
  CHECK(c["message"] == "NetworkPolicy rejected");
}

TEST_CASE("every condition carries a reason, a message and the observed generation") {
  AppObservation o{7, {observed("a", nullptr)}, {}, {}, {}};
  const auto status = application_status(o);
  for (const auto& c : status["conditions"]) {
    INFO(c.dump());
    CHECK_FALSE(c.value("reason", "").empty());
    CHECK_FALSE(c.value("message", "").empty());
    CHECK(c["observedGeneration"] == 7);
  }
}

TEST_CASE("a component failed on an immutable field gives the Ready condition that reason") {
  auto failing = observed("db", deployment(1, 1));
  failing.failure = "StatefulSet db: spec.volumeClaimTemplates[data] cannot change";
  failing.failure_reason = "ImmutableFieldChanged";
  AppObservation o{1, {observed("a", deployment(2, 2)), failing}, {}, {}, {}};
  const auto s = application_status(o);
  CHECK(s["phase"] == "Failed");
  CHECK(kapp::engine::find_condition(s, "Ready")["reason"] == "ImmutableFieldChanged");
  CHECK(kapp::engine::find_condition(s, "Ready")["message"] ==
        "db: StatefulSet db: spec.volumeClaimTemplates[data] cannot change");
}

TEST_CASE("a workload update of status the Application does not read does not matter") {
  auto before = deployment(1, 0);
  before["status"]["conditions"] = {
      {{"type", "Progressing"}, {"status", "True"}, {"reason", "NewReplicaSetCreated"}}};
  auto after = before;
  after["status"]["unavailableReplicas"] = 1;
  after["status"]["conditions"][0]["reason"] = "ReplicaSetUpdated";
  CHECK_FALSE(workload_update_matters(before, after));
}

TEST_CASE("a workload update of ready replicas matters") {
  CHECK(workload_update_matters(deployment(1, 0), deployment(1, 1)));
}

TEST_CASE("a workload update that makes it available matters") {
  CHECK(workload_update_matters(deployment(1, 1, 2, 1), deployment(1, 1, 2, 2)));
}

TEST_CASE("a workload update that fails its progress deadline matters") {
  auto failed = deployment(1, 0);
  failed["status"]["conditions"] = {{{"type", "Progressing"},
                                     {"status", "False"},
                                     {"reason", "ProgressDeadlineExceeded"},
                                     {"message", "too slow"}}};
  CHECK(workload_update_matters(deployment(1, 0), failed));
}

TEST_CASE("a workload update beyond its status matters") {
  auto relabelled = deployment(1, 1);
  relabelled["metadata"]["labels"] = {{"team", "shop"}};
  CHECK(workload_update_matters(deployment(1, 1), relabelled));
}

TEST_CASE("a workload update on its way up that leaves it short of ready does not matter") {
  // The Deployment controller observes the generation, then counts the new replica: neither
  // changes "0/1 replicas ready".
  CHECK_FALSE(workload_update_matters(deployment(0, 0, 1, 0), deployment(1, 0)));
}

TEST_CASE("a workload update matters at the replicas its spec asks for") {
  // The same ready count: only availability at spec.replicas (3) tells the two apart.
  auto surplus = deployment(4, 3);  // a fourth replica still terminating
  surplus["spec"]["replicas"] = 3;
  surplus["status"]["updatedReplicas"] = 3;
  auto settled = surplus;
  settled["status"]["replicas"] = 3;
  CHECK(workload_update_matters(surplus, settled));
  auto unchanged_at_spec = settled;
  unchanged_at_spec["status"]["availableReplicas"] = 3;
  CHECK_FALSE(workload_update_matters(settled, unchanged_at_spec));
}
