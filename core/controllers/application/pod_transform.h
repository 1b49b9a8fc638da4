// What the Pod cache keeps. Pods are most of a cluster's objects and most of their bytes
// (spec, status, managedFields), and only the Application controller reads them, for a few
// fields: it lives here, beside those readers, rather than in core/engine, because what it may
// drop is decided by them. Whoever reads another field of a cached Pod adds it here (and a
// test in tests/unit/cache_transform_test.cpp).
#pragma once

#include <nlohmann/json.hpp>

namespace kapp::controllers::application {

using nlohmann::json;

// Keeps, of a Pod, what the controller reads and nothing else:
//   apiVersion, kind;
//   metadata: name, namespace, uid, resourceVersion (relist change detection), and of its
//     labels only the application and component labels (the index, watch_mapped, status);
//   status: of initContainerStatuses[] / containerStatuses[], only the entries in a waiting
//     state, each as {state: {waiting: {reason, message}}} (status.cpp's pod_failure).
// No spec, phase, conditions or ownerReferences (so no owner-index entries: a Pod's owner is
// a ReplicaSet, never looked up). Anything that is not an object is left as it is.
void lean_pod(json& pod);

}  // namespace kapp::controllers::application
