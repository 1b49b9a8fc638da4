// What the fault cases share: the size of a burst (short in CI, long with FAULTS_LONG=1), the
// real controller binary against a test's own control plane, and its logged ports.
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
// by the kernel and `extra` flags.
std::vector<std::string> controller_args(const std::string& ns,
                                         const std::vector<std::string>& extra = {});
// The port a controller logged for "/metrics" (0 until it has).
int logged_port(const BackgroundProcess& process, const std::string& what);

// Waits until the fleet has converged; the problems left when it has not (empty: converged).
std::vector<std::string> converged(const Fleet& fleet, std::chrono::milliseconds timeout);
// Deletes the fleet and waits until none of its objects is left; what is left otherwise.
std::vector<std::string> removed(const Fleet& fleet, std::chrono::milliseconds timeout);
// Deletes the fleet and WARNs (does not fail) about what is left after 60 s. Known open
// problem (docs/reliability.md): kube-controller-manager's garbage collector has been seen
// leaving every child of a deleted fleet (while collecting a probe's child and an AppLink's
// alias), cause not found yet; a failure here would hide the checks above it.
void report_leftovers(const Fleet& fleet);

}  // namespace kapp::test
