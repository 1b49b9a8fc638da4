// Changes the API server refuses on a workload that exists: a StatefulSet's
// volumeClaimTemplates, serviceName and podManagementPolicy, and any workload's selector, are
// immutable (apps/v1 validation: "updates to statefulset spec for fields other than
// 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy'
// and 'minReadySeconds' are forbidden"). Found before applying, so the controller reports
// them once instead of retrying a refused write on every pass.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace kapp::controllers::application {

// `desired` is the workload the component renders to and `live` the one in the cluster (the
// same kind and name). Returns, when they differ in an immutable field, one line naming the
// field, both values, and what to do; nullopt when the apply can go ahead.
std::optional<std::string> immutable_change(const nlohmann::json& desired,
                                            const nlohmann::json& live);

// The spec members of `kind` that immutable_change reads of a live object: what the cache must
// keep of a workload's spec (engine::slim_owned).
std::vector<std::string> immutable_spec_members(const std::string& kind);

}  // namespace kapp::controllers::application
