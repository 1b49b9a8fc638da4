// A control plane of a test's own, for fault tests: tests/cluster/up.sh in a fresh directory,
// whose etcd and kube-apiserver the test may kill, pause and start again. While it lives,
// cluster_dir() (and so admin(), kubectl_app(), cluster_env()) points at it.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace kapp::test {

struct ControlPlaneOptions {
  // The API server writes an audit log (up.sh AUDIT_LOG=1), which audit_events() reads.
  bool audit_log = false;
};

class OwnControlPlane {
 public:
  // Starts the control plane (about 10-20 s), installs our CRDs and waits until its garbage
  // collector knows Applications (up to 30 s more); throws kapp::Error if either fails.
  explicit OwnControlPlane(ControlPlaneOptions options = {});
  // Stops it with down.sh; the logs are kept (and their directory printed) when the test is
  // failing.
  ~OwnControlPlane();
  OwnControlPlane(const OwnControlPlane&) = delete;
  OwnControlPlane& operator=(const OwnControlPlane&) = delete;

  const std::string& dir() const { return dir_; }
  std::string kubeconfig() const;

  // `daemon` is a name of up.sh's DAEMONS: "etcd", "kube-apiserver", ...
  int pid(const std::string& daemon) const;
  // Sends a signal (SIGSTOP, SIGCONT, ...) to the daemon.
  void signal(const std::string& daemon, int sig) const;
  // kill -9, then waits until the process is gone (its ports free).
  void kill(const std::string& daemon) const;
  // Starts the daemon again with the command line up.sh used (cmds/DAEMON), appending to its
  // log, and waits until it answers (etcd /health, kube-apiserver /readyz) or `timeout` passes;
  // throws kapp::Error then.
  void restart(const std::string& daemon,
               std::chrono::milliseconds timeout = std::chrono::seconds(90)) const;
  // Whether kube-apiserver answers /readyz now.
  bool api_ready() const;

  // A kubeconfig for a user of its own, `user` in group system:masters (a client certificate
  // signed by the cluster's CA), so that the audit log tells this client from the others.
  std::string kubeconfig_for(const std::string& user) const;
  // The audit log's events so far, in order (audit.k8s.io/v1 Event objects); empty without
  // ControlPlaneOptions::audit_log.
  std::vector<nlohmann::json> audit_events() const;

 private:
  bool healthy(const std::string& daemon) const;
  void wait_until_collected() const;
  std::string dir_;
};

}  // namespace kapp::test
