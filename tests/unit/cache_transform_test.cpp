// What the informer caches keep of an object: the default transform of every informer
// (strip_bookkeeping) and the Pod cache's (lean_pod), as pure functions.
#include <catch2/catch.hpp>

#include <string>

#include "core/controllers/application/pod_transform.h"
#include "core/controllers/application/status.h"
#include "core/engine/applied.h"
#include "core/engine/transform.h"
#include "core/names.h"
#include "core/util/files.h"

using kapp::controllers::application::component_status;
using kapp::controllers::application::ComponentObservation;
using kapp::controllers::application::lean_pod;
using kapp::engine::already_applied;
using kapp::engine::strip_bookkeeping;
using nlohmann::json;

namespace {

constexpr const char* kLastApplied = "kubectl.kubernetes.io/last-applied-configuration";

// A Pod as the kube-apiserver returns it: made by a Deployment's ReplicaSet, two containers
// and an init container, probes, resources, volumes (the service account's projected token
// among them), the default tolerations, status from the kubelet, and managedFields.
json realistic_pod() {
  return json::parse(kapp::util::read_file(
      std::string(KAPP_SOURCE_DIR) + "/tests/fixtures/objects/pod.json", "pod fixture"));
}

json deployment_with_bookkeeping() {
  return {{"apiVersion", "apps/v1"},
          {"kind", "Deployment"},
          {"metadata",
           {{"name", "web"},
            {"namespace", "demo"},
            {"resourceVersion", "42"},
            {"annotations",
             {{kLastApplied, R"({"apiVersion":"apps/v1","kind":"Deployment"})"},
              {"deployment.kubernetes.io/revision", "3"}}},
            {"managedFields",
             {{{"manager", "kubectl-app"},
               {"operation", "Apply"},
               {"fieldsType", "FieldsV1"},
               {"fieldsV1", {{"f:spec", {{"f:replicas", json::object()}}}}}}}}}},
          {"spec", {{"replicas", 2}, {"template", {{"spec", {{"containers", json::array()}}}}}}},
          {"status", {{"readyReplicas", 2}}}};
}

json pod_waiting_in(const char* list, const std::string& reason) {
  auto pod = realistic_pod();
  pod["status"][list][0]["state"] = {
      {"waiting", {{"reason", reason}, {"message", "back-off pulling image"}}}};
  return pod;
}

}  // namespace

// --- strip_bookkeeping: every informer's default ---

TEST_CASE("the default transform removes managedFields") {
  auto object = deployment_with_bookkeeping();
  strip_bookkeeping(object);
  CHECK_FALSE(object["metadata"].contains("managedFields"));
}

TEST_CASE("the default transform removes the last-applied-configuration annotation only") {
  auto object = deployment_with_bookkeeping();
  strip_bookkeeping(object);
  CHECK_FALSE(object["metadata"]["annotations"].contains(kLastApplied));
  CHECK(object["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "3");
}

TEST_CASE("the default transform drops annotations the removal leaves empty") {
  auto object = deployment_with_bookkeeping();
  object["metadata"]["annotations"].erase("deployment.kubernetes.io/revision");
  strip_bookkeeping(object);
  CHECK_FALSE(object["metadata"].contains("annotations"));
}

TEST_CASE("the default transform keeps identity, spec and status") {
  const auto before = deployment_with_bookkeeping();
  auto object = before;
  strip_bookkeeping(object);
  CHECK(object["metadata"]["name"] == "web");
  CHECK(object["metadata"]["namespace"] == "demo");
  CHECK(object["metadata"]["resourceVersion"] == "42");
  CHECK(object["spec"] == before["spec"]);
  CHECK(object["status"] == before["status"]);
}

TEST_CASE("a desired object already applied stays so against the stripped live one") {
  const json desired = {{"apiVersion", "apps/v1"},
                        {"kind", "Deployment"},
                        {"metadata", {{"name", "web"}, {"namespace", "demo"}}},
                        {"spec", {{"replicas", 2}}}};
  auto live = deployment_with_bookkeeping();
  REQUIRE(already_applied(desired, live));
  strip_bookkeeping(live);
  CHECK(already_applied(desired, live));
}

TEST_CASE("the default transform leaves objects without metadata as they are") {
  json no_metadata = {{"kind", "Status"}};
  strip_bookkeeping(no_metadata);
  CHECK(no_metadata == json{{"kind", "Status"}});
  json not_an_object = json::array({1, 2});
  strip_bookkeeping(not_an_object);
  CHECK(not_an_object == json::array({1, 2}));
}

// --- lean_pod: the Pod cache ---

TEST_CASE("the Pod transform keeps apiVersion, kind and the metadata the controller reads") {
  auto pod = realistic_pod();
  const auto before = pod;
  lean_pod(pod);
  CHECK(pod["apiVersion"] == "v1");
  CHECK(pod["kind"] == "Pod");
  for (const auto* field : {"name", "namespace", "uid", "resourceVersion"}) {
    INFO(field);
    CHECK(pod["metadata"][field] == before["metadata"][field]);
  }
  CHECK(pod["metadata"].size() == 5);  // and the labels
}

TEST_CASE("the Pod transform keeps only the application and component labels") {
  auto pod = realistic_pod();
  pod["metadata"]["labels"][kapp::names::kApplicationLabel] = "shop";
  pod["metadata"]["labels"][kapp::names::kComponentLabel] = "web";
  REQUIRE(pod["metadata"]["labels"].size() > 2);
  lean_pod(pod);
  CHECK(pod["metadata"]["labels"] ==
        json{{kapp::names::kApplicationLabel, "shop"}, {kapp::names::kComponentLabel, "web"}});
}

TEST_CASE("the Pod transform drops ownerReferences, generation and deletionTimestamp") {
  auto pod = realistic_pod();
  pod["metadata"]["generation"] = 1;
  pod["metadata"]["deletionTimestamp"] = "2025-03-14T10:00:00Z";
  REQUIRE(pod["metadata"].contains("ownerReferences"));
  lean_pod(pod);
  for (const auto* field : {"ownerReferences", "generation", "deletionTimestamp"}) {
    INFO(field);
    CHECK_FALSE(pod["metadata"].contains(field));
  }
}

TEST_CASE("the Pod transform drops managedFields, annotations and the rest of metadata") {
  auto pod = realistic_pod();
  lean_pod(pod);
  for (const auto* field : {"managedFields", "annotations", "generateName", "creationTimestamp"}) {
    INFO(field);
    CHECK_FALSE(pod["metadata"].contains(field));
  }
}

TEST_CASE("the Pod transform drops the spec") {
  auto pod = realistic_pod();
  lean_pod(pod);
  CHECK_FALSE(pod.contains("spec"));
}

TEST_CASE("the Pod transform drops the rest of the status") {
  auto pod = realistic_pod();
  lean_pod(pod);
  for (const auto* field :
       {"phase", "conditions", "hostIP", "hostIPs", "podIP", "podIPs", "startTime", "qosClass"}) {
    INFO(field);
    CHECK_FALSE(pod["status"].contains(field));
  }
}

TEST_CASE("the Pod transform keeps a waiting container's reason and message only") {
  auto pod = pod_waiting_in("containerStatuses", "ImagePullBackOff");
  pod["status"]["containerStatuses"][0]["state"]["waiting"]["other"] = "x";
  lean_pod(pod);
  CHECK(pod["status"]["containerStatuses"] ==
        json::array(
            {{{"state",
               {{"waiting",
                 {{"reason", "ImagePullBackOff"}, {"message", "back-off pulling image"}}}}}}}));
}

TEST_CASE("the Pod transform keeps a waiting init container's reason and message") {
  auto pod = pod_waiting_in("initContainerStatuses", "CrashLoopBackOff");
  lean_pod(pod);
  CHECK(pod["status"]["initContainerStatuses"][0]["state"]["waiting"]["reason"] ==
        "CrashLoopBackOff");
  CHECK(pod["status"]["initContainerStatuses"][0]["state"]["waiting"]["message"] ==
        "back-off pulling image");
}

TEST_CASE("the Pod transform keeps no container that is not waiting") {
  auto pod = realistic_pod();  // running and terminated containers, with a lastState
  lean_pod(pod);
  CHECK_FALSE(pod["status"].contains("initContainerStatuses"));
  CHECK_FALSE(pod["status"].contains("containerStatuses"));
}

TEST_CASE("a component's failure reads the same from the lean Pod as from the full one") {
  for (const auto* list : {"initContainerStatuses", "containerStatuses"}) {
    auto full = pod_waiting_in(list, "ErrImagePull");
    auto lean = full;
    lean_pod(lean);
    const json deployment = {{"kind", "Deployment"},
                             {"metadata", {{"generation", 1}}},
                             {"status", {{"observedGeneration", 1}, {"replicas", 1}}}};
    auto observe = [&](const json& pod) {
      return component_status(
          ComponentObservation{"web", "Inline", "Deployment", 1, deployment, {pod}, {}, {}});
    };
    INFO(list);
    CHECK(observe(lean)["phase"] == "Failed");
    CHECK(observe(lean) == observe(full));
  }
}

TEST_CASE("the Pod transform leaves a Pod without status or metadata without them") {
  json pod = {{"apiVersion", "v1"}, {"kind", "Pod"}, {"spec", {{"nodeName", "n"}}}};
  lean_pod(pod);
  CHECK(pod == json{{"apiVersion", "v1"}, {"kind", "Pod"}});
}

TEST_CASE("the Pod transform is idempotent") {
  auto once = realistic_pod();
  lean_pod(once);
  auto twice = once;
  lean_pod(twice);
  CHECK(twice == once);
}

TEST_CASE("a realistic Pod is cached in a small fraction of its size") {
  const auto full = realistic_pod();
  auto stripped = full;
  strip_bookkeeping(stripped);
  auto lean = full;
  lean_pod(lean);
  const auto full_bytes = full.dump().size();
  INFO("full " << full_bytes << " B, without bookkeeping " << stripped.dump().size() << " B, lean "
               << lean.dump().size() << " B");
  CHECK(stripped.dump().size() < full_bytes);
  CHECK(lean.dump().size() * 5 < full_bytes);
}

TEST_CASE("slim_owned keeps metadata, status, the listed spec members and a fingerprint") {
  json deployment = {{"apiVersion", "apps/v1"},
                     {"kind", "Deployment"},
                     {"metadata", {{"name", "web"}, {"uid", "u1"}}},
                     {"spec", {{"selector", {{"matchLabels", {{"a", "b"}}}}}, {"replicas", 2}}},
                     {"status", {{"readyReplicas", 2}}}};
  const auto fingerprint = kapp::engine::content_fingerprint(deployment);
  deployment = kapp::engine::slim_owned(deployment, {"selector"});
  CHECK(deployment["spec"] == json{{"selector", {{"matchLabels", {{"a", "b"}}}}}});
  CHECK(deployment["status"]["readyReplicas"] == 2);
  CHECK(deployment["metadata"]["uid"] == "u1");
  CHECK(kapp::engine::is_slim(deployment));
  CHECK(kapp::engine::content_fingerprint(deployment) == fingerprint);
}

TEST_CASE("slim_owned keeps only the labels of kubectl-app.io, and the fingerprint of all") {
  const json labels = {{"app.kubernetes.io/part-of", "shop"},
                       {"kubectl-app.io/application", "shop"},
                       {"kubectl-app.io/component", "web"}};
  json service = {{"metadata", {{"name", "web"}, {"labels", labels}}}};
  const auto fingerprint = kapp::engine::content_fingerprint(service);
  service = kapp::engine::slim_owned(service, {});
  CHECK(service["metadata"]["labels"] ==
        json{{"kubectl-app.io/application", "shop"}, {"kubectl-app.io/component", "web"}});
  CHECK(kapp::engine::content_fingerprint(service) == fingerprint);
}

TEST_CASE("the content fingerprint follows the spec, labels and owner but not status") {
  const json base = {{"metadata", {{"name", "web"}, {"uid", "u1"}, {"resourceVersion", "1"}}},
                     {"spec", {{"replicas", 1}}}};
  const auto fingerprint = kapp::engine::content_fingerprint(base);
  auto status_only = base;
  status_only["status"] = {{"readyReplicas", 1}};
  status_only["metadata"]["resourceVersion"] = "2";
  status_only["metadata"]["annotations"] = {{"deployment.kubernetes.io/revision", "1"}};
  CHECK(kapp::engine::content_fingerprint(status_only) == fingerprint);
  auto scaled = base;
  scaled["spec"]["replicas"] = 3;
  CHECK(kapp::engine::content_fingerprint(scaled) != fingerprint);
  auto relabelled = base;
  relabelled["metadata"]["labels"] = {{"x", "y"}};
  CHECK(kapp::engine::content_fingerprint(relabelled) != fingerprint);
  auto recreated = base;
  recreated["metadata"]["uid"] = "u2";
  CHECK(kapp::engine::content_fingerprint(recreated) != fingerprint);
}

TEST_CASE("hash_of is FNV-1a of the canonical JSON, whatever order members were set in") {
  json a = {{"x", 1}, {"y", 2}};
  json b = json::object();
  b["y"] = 2;
  b["x"] = 1;
  CHECK(kapp::engine::hash_of(a) == kapp::engine::hash_of(b));
  CHECK(kapp::engine::hash_of(json::object()) == 0x08f44b07b5901a25ULL);  // FNV-1a of "{}"
}

TEST_CASE("slim_owned drops annotations and condition timestamps, and messages of true ones") {
  json deployment = {{"metadata",
                      {{"name", "web"},
                       {"creationTimestamp", "2026-11-30T00:00:00Z"},
                       {"annotations", {{"deployment.kubernetes.io/revision", "1"}}}}},
                     {"status",
                      {{"conditions",
                        {{{"type", "Available"},
                          {"status", "True"},
                          {"reason", "MinimumReplicasAvailable"},
                          {"message", "Deployment has minimum availability."},
                          {"lastTransitionTime", "2026-11-30T00:00:00Z"}},
                         {{"type", "Progressing"},
                          {"status", "False"},
                          {"reason", "ProgressDeadlineExceeded"},
                          {"message", "ReplicaSet \"web-1\" has timed out progressing."},
                          {"lastUpdateTime", "2026-11-30T00:00:00Z"}}}}}}};
  deployment = kapp::engine::slim_owned(deployment, {});
  CHECK(deployment["metadata"] == json{{"name", "web"}});
  CHECK(deployment["status"]["conditions"][0] ==
        json{{"type", "Available"}, {"status", "True"}, {"reason", "MinimumReplicasAvailable"}});
  CHECK(deployment["status"]["conditions"][1]["message"] ==
        "ReplicaSet \"web-1\" has timed out progressing.");
  CHECK_FALSE(deployment["status"]["conditions"][1].contains("lastUpdateTime"));
}

TEST_CASE("slim_owned keeps a condition whose status is not a string, without throwing") {
  json object = {
      {"metadata", {{"name", "web"}}},
      {"status", {{"conditions", {{{"type", "Odd"}, {"status", 1}, {"message", "m"}}}}}}};
  CHECK_NOTHROW(object = kapp::engine::slim_owned(object, {}));
  CHECK(object["status"]["conditions"][0]["message"] == "m");  // not True: its message stays
}
