// What integration tests share: the real control plane brought up by tests/cluster/up.sh
// (the ctest fixture `cluster`), a namespace per test, and the real binaries to drive.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/client/client.h"
#include "tests/support/eventually.h"
#include "tests/support/temp_dir.h"

namespace kapp::test {

std::string cluster_dir();
// Points cluster_dir() (and so admin(), kubectl_app(), cluster_env()) at another cluster's
// directory; "" goes back to the suite's shared one. See OwnControlPlane.
void use_cluster_dir(const std::string& dir);
std::string admin_kubeconfig();
std::string tester_kubeconfig();  // a token user with no RBAC grants
std::string tester_token();
// A value of the cluster's env file (APISERVER_URL, CA_FILE, ETCD_URL, ...).
std::string cluster_env(const std::string& key);

// Whether an assertion of the running test case has failed so far.
bool test_failing();

client::Client& admin();
// Installs our CRDs (idempotent, cheap): for tests that need them whatever ran before.
void install_crds();

// A namespace of its own for one test; deleted (without waiting) when the test ends.
class TestNamespace {
 public:
  TestNamespace();
  ~TestNamespace();
  TestNamespace(const TestNamespace&) = delete;
  TestNamespace& operator=(const TestNamespace&) = delete;
  const std::string& name() const { return name_; }

 private:
  std::string name_;
};

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};
// Its stdout and stderr together, e.g. for INFO when a check fails.
std::string text_of(const CommandResult& result);

// Runs a program to completion with the given extra environment; stdin is /dev/null.
CommandResult run(const std::vector<std::string>& argv,
                  const std::map<std::string, std::string>& env = {});
// The kubectl-app binary under test, against the admin kubeconfig unless args say otherwise.
CommandResult kubectl_app(std::vector<std::string> args,
                          const std::map<std::string, std::string>& env = {});
// The real kubectl, as an independent client.
CommandResult kubectl(std::vector<std::string> args);

// A program running in the background with its output in files; killed when destroyed.
class BackgroundProcess {
 public:
  BackgroundProcess(const std::vector<std::string>& argv,
                    const std::map<std::string, std::string>& env = {});
  ~BackgroundProcess();
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;
  void signal(int sig);
  // Waits for the process to exit; returns its exit code, or -1 if it did not exit in time.
  int wait(std::chrono::milliseconds timeout);
  bool running();
  std::string output() const;  // stdout and stderr so far

 private:
  int pid_ = -1;
  int status_ = -1;
  std::string log_path_;
};
// The port `process` (a controller) logged it serves `what` on, e.g. "/metrics"; 0 until it has.
int logged_port(const BackgroundProcess& process, const std::string& what);

}  // namespace kapp::test
