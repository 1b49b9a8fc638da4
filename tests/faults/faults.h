// What the fault cases share: the size of a burst (short in CI, long with FAULTS_LONG=1), the
// real controller binary against a test's own control plane (its logged ports: cluster.h).
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "tests/support/cluster.h"
#include "tests/support/fleet.h"

namespace kapp::test {

// FAULTS_LONG=1 (make test-faults FAULTS_LONG=1): the full sizes; otherwise CI's.
bool long_mode();
// Applications in a burst: 200 in the long mode, 30 in CI's.
int burst_size();
// How long a fleet of burst_size() may take to converge after the fault.
std::chrono::seconds converge_timeout();

// `kubectl app run-controller` for `ns` against the current cluster_dir(), with ports chosen
// by the kernel and `extra` flags, as the admin or with `kubeconfig`.
std::vector<std::string> controller_args(const std::string& ns,
                                         const std::vector<std::string>& extra = {},
                                         const std::string& kubeconfig = "");

// What a namespace holds, for a failed wait's message, one line each: every Application's
// generation and whole status, every PersistentVolumeClaim's phase and volume, every Pod's phase
// and node, every Event (reason, object, repeats, last time, message). Never throws: a failed
// read becomes a line saying so.
std::string what_happened(const std::string& ns);

// Waits until the fleet has converged; the problems left when it has not (empty: converged).
std::vector<std::string> converged(const Fleet& fleet, std::chrono::milliseconds timeout);
// Deletes every Application of the fleet and checks (Catch CHECKs, so a failure keeps the
// control plane's logs) that exactly the fleet's were deleted and that nothing of the fleet is
// left within `timeout`: the garbage collector removes the children through their owner
// references, then (to Depth::Grandchildren) the ReplicaSets and Pods those own.
void check_removed(const Fleet& fleet,
                   std::chrono::milliseconds timeout = std::chrono::seconds(120),
                   Depth depth = Depth::Grandchildren);

}  // namespace kapp::test
