#include "tests/support/control_plane.h"

#include <signal.h>

#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <sstream>

#include "core/client/resource.h"
#include "core/errors.h"
#include "core/util/files.h"
#include "tests/support/cluster.h"

namespace kapp::test {
namespace {

const char* const kDaemons[] = {"etcd", "kube-apiserver", "kube-controller-manager",
                                "kube-scheduler", "kwok"};

std::string script(const std::string& name) {
  return std::string(KAPP_SOURCE_DIR) + "/tests/cluster/" + name;
}

std::string fresh_dir() {
  std::mt19937_64 rng{std::random_device{}()};
  return (std::filesystem::temp_directory_path() /
          ("kapp-faults-" + std::to_string(rng() % 1000000)))
      .string();
}

// Whether a /proc stat file says a task runs (it is not a zombie).
bool running(const std::string& stat_path) {
  const auto stat = util::read_file_if_exists(stat_path);
  if (!stat) return false;
  const auto close = stat->rfind(')');
  return close != std::string::npos && close + 2 < stat->size() && (*stat)[close + 2] != 'Z';
}

// Alive: some thread of it still runs. A killed Go daemon's main thread turns zombie before
// its other threads have exited and closed the process's files (its listening socket among
// them), so the main thread alone does not say the port is free.
bool alive(int pid) {
  const auto tasks = std::filesystem::path("/proc") / std::to_string(pid) / "task";
  std::error_code ec;
  for (const auto& task : std::filesystem::directory_iterator(tasks, ec))
    if (running((task.path() / "stat").string())) return true;
  return false;
}

}  // namespace

OwnControlPlane::OwnControlPlane(ControlPlaneOptions options) : dir_(fresh_dir()) {
  std::map<std::string, std::string> env;
  if (options.audit_log) env["AUDIT_LOG"] = "1";
  const auto up = run({script("up.sh"), dir_}, env);
  if (up.exit_code != 0) {
    run({script("down.sh"), dir_});
    throw Error("tests/cluster/up.sh " + dir_ + " failed:\n" + up.err);
  }
  use_cluster_dir(dir_);
  install_crds();
  wait_until_collected();
}

// kube-controller-manager's garbage collector learns of new kinds by polling discovery (every
// 30 s); until it can map Applications, it cannot look up a child's owner and retries with a
// growing back-off ("unable to get REST mapping for kubectl-app.io/v1alpha1/Application" at
// -v=4), so a test's deletions could wait on that. Waits until it collects a probe's child.
void OwnControlPlane::wait_until_collected() const {
  namespace res = client::resources;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  for (int attempt = 0; std::chrono::steady_clock::now() < deadline; ++attempt) {
    const auto name = "gc-probe-" + std::to_string(attempt);
    const auto app =
        admin().create(res::kApplication, "default",
                       {{"apiVersion", "kubectl-app.io/v1alpha1"},
                        {"kind", "Application"},
                        {"metadata", {{"name", name}}},
                        {"spec", {{"components", {{{"name", "probe"}, {"image", "nginx"}}}}}}});
    nlohmann::json owner = {{"apiVersion", "kubectl-app.io/v1alpha1"},
                            {"kind", "Application"},
                            {"name", name},
                            {"uid", app["metadata"]["uid"]}};
    nlohmann::json child = {{"apiVersion", "v1"}, {"kind", "ConfigMap"}};
    child["metadata"] = {{"name", name}, {"ownerReferences", nlohmann::json::array({owner})}};
    admin().create(res::kConfigMap, "default", child);
    admin().remove(res::kApplication, "default", name);
    if (eventually([&] { return !admin().get_if_exists(res::kConfigMap, "default", name); },
                   std::chrono::seconds(10)))
      return;
    admin().remove(res::kConfigMap, "default", name);
  }
  throw Error("the garbage collector of " + dir_ + " does not collect Applications' children");
}

OwnControlPlane::~OwnControlPlane() {
  const bool failing = test_failing() || std::uncaught_exceptions() > 0;
  // A paused daemon would ignore down.sh's TERM until its deadline.
  for (const auto* daemon : kDaemons) signal(daemon, SIGCONT);
  use_cluster_dir("");
  if (failing) std::cerr << "fault test failed: control plane logs kept in " << dir_ << "/logs\n";
  run({script("down.sh"), dir_}, {{"KEEP_CLUSTER_LOGS", failing ? "1" : "0"}});
}

std::string OwnControlPlane::kubeconfig() const { return dir_ + "/kubeconfig"; }

int OwnControlPlane::pid(const std::string& daemon) const {
  const auto text = util::read_file_if_exists(dir_ + "/pids/" + daemon).value_or("");
  return text.empty() ? -1 : std::stoi(text);
}

void OwnControlPlane::signal(const std::string& daemon, int sig) const {
  if (const int p = pid(daemon); p > 0 && alive(p)) ::kill(p, sig);
}

void OwnControlPlane::kill(const std::string& daemon) const {
  const int p = pid(daemon);
  if (p <= 0) return;
  ::kill(p, SIGKILL);
  if (!eventually([&] { return !alive(p); }, std::chrono::seconds(10)))
    throw Error(daemon + " (pid " + std::to_string(p) + ") survived SIGKILL");
}

void OwnControlPlane::restart(const std::string& daemon, std::chrono::milliseconds timeout) const {
  const auto cmd = util::read_file(dir_ + "/cmds/" + daemon, daemon + " command line");
  std::vector<std::string> argv = {
      "bash", "-c", "setsid \"$@\" </dev/null >>\"$DAEMON_LOG\" 2>&1 & echo $!", "bash"};
  for (std::size_t start = 0, end; (end = cmd.find('\0', start)) != std::string::npos;
       start = end + 1)
    argv.push_back(cmd.substr(start, end - start));
  const auto started = run(argv, {{"DAEMON_LOG", dir_ + "/logs/" + daemon + ".log"}});
  if (started.exit_code != 0) throw Error("cannot start " + daemon + ": " + started.err);
  std::ofstream(dir_ + "/pids/" + daemon) << started.out;
  if (!eventually([&] { return healthy(daemon); }, timeout))
    throw Error(daemon + " did not become healthy after its restart; see " + dir_ + "/logs");
}

bool OwnControlPlane::api_ready() const { return healthy("kube-apiserver"); }

std::string OwnControlPlane::kubeconfig_for(const std::string& user) const {
  const auto pki = dir_ + "/pki/";
  const auto base = dir_ + "/components/" + user;
  std::ofstream(base + ".ext") << "basicConstraints=critical,CA:FALSE\n"
                                  "keyUsage=critical,digitalSignature\n"
                                  "extendedKeyUsage=clientAuth\n";
  const std::vector<std::vector<std::string>> steps = {
      {"openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out",
       base + ".key"},
      {"openssl", "req", "-new", "-key", base + ".key", "-subj", "/O=system:masters/CN=" + user,
       "-out", base + ".csr"},
      {"openssl", "x509", "-req", "-in", base + ".csr", "-CA", pki + "ca.crt", "-CAkey",
       pki + "ca.key", "-CAcreateserial", "-days", "1", "-sha256", "-extfile", base + ".ext",
       "-out", base + ".crt"}};
  for (const auto& step : steps)
    if (const auto r = run(step); r.exit_code != 0)
      throw Error("cannot make a certificate for " + user + ": " + r.err);
  const auto path = base + ".kubeconfig";
  std::ofstream(path) << "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n"
                      << "    server: " << cluster_env("APISERVER_URL") << "\n"
                      << "    certificate-authority: " << pki << "ca.crt\n"
                      << "contexts:\n- name: c\n  context: {cluster: c, user: " << user << "}\n"
                      << "current-context: c\nusers:\n- name: " << user << "\n  user:\n"
                      << "    client-certificate: " << base << ".crt\n"
                      << "    client-key: " << base << ".key\n";
  return path;
}

std::vector<nlohmann::json> OwnControlPlane::audit_events() const {
  std::vector<nlohmann::json> events;
  std::istringstream log(util::read_file_if_exists(dir_ + "/logs/audit.log").value_or(""));
  std::string line;
  while (std::getline(log, line))
    if (auto event = nlohmann::json::parse(line, nullptr, false); !event.is_discarded())
      events.push_back(std::move(event));  // (a line being written is skipped)
  return events;
}

bool OwnControlPlane::healthy(const std::string& daemon) const {
  if (daemon == "etcd")
    return run({"curl", "-fsS", "--max-time", "2", cluster_env("ETCD_URL") + "/health"})
               .out.find("\"health\":\"true\"") != std::string::npos;
  if (daemon == "kube-apiserver")
    return run({"curl", "-fsS", "--max-time", "2", "--cacert", cluster_env("CA_FILE"), "--cert",
                cluster_env("ADMIN_CERT_FILE"), "--key", cluster_env("ADMIN_KEY_FILE"),
                cluster_env("APISERVER_URL") + "/readyz"})
               .exit_code == 0;
  return alive(pid(daemon));
}

}  // namespace kapp::test
