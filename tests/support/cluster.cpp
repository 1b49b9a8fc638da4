#include "tests/support/cluster.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <regex>
#include <sstream>
#include <thread>

#include "core/client/config.h"
#include "core/crds/installer.h"
#include "core/errors.h"
#include "core/util/files.h"

extern char** environ;

namespace kapp::test {

namespace {
std::mutex cluster_mutex;
std::string cluster_override;  // set by a test that runs a control plane of its own
}  // namespace

std::string cluster_dir() {
  std::lock_guard lock(cluster_mutex);
  return cluster_override.empty() ? std::string(KAPP_TEST_CLUSTER_DIR) : cluster_override;
}

void use_cluster_dir(const std::string& dir) {
  std::lock_guard lock(cluster_mutex);
  cluster_override = dir;
}

std::string admin_kubeconfig() { return cluster_dir() + "/kubeconfig"; }
std::string tester_kubeconfig() { return cluster_dir() + "/tester.kubeconfig"; }
std::string tester_token() {
  auto token = util::read_file(cluster_dir() + "/tester.token", "tester token");
  while (!token.empty() && (token.back() == '\n' || token.back() == ' ')) token.pop_back();
  return token;
}

client::Client& admin() {
  // One client per cluster directory: a fault test switches to a control plane of its own.
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<client::Client>> clients;
  const auto kubeconfig = admin_kubeconfig();
  std::lock_guard lock(mutex);
  auto& client = clients[kubeconfig];
  if (!client) client = client::Client::connect(client::load_config({.kubeconfig = kubeconfig}));
  return *client;
}

void install_crds() {
  crds::install(admin(), {}, [](const std::string&) {});
}

namespace {
std::string random_suffix();
}

std::string cluster_env(const std::string& key) {
  std::istringstream env(util::read_file(cluster_dir() + "/env", "cluster env"));
  std::string line;
  while (std::getline(env, line)) {
    if (line.rfind(key + "=", 0) == 0) {
      auto value = line.substr(key.size() + 1);
      if (value.size() >= 2 && (value.front() == '"' || value.front() == '\''))
        value = value.substr(1, value.size() - 2);
      return value;
    }
  }
  throw Error("cluster env has no " + key);
}

namespace {
std::string random_suffix() {
  static std::mt19937_64 rng{std::random_device{}()};
  static const char* alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string s;
  for (int i = 0; i < 6; ++i) s += alphabet[rng() % 36];
  return s;
}

std::string slurp_and_remove(const std::string& path) {
  auto content = util::read_file_if_exists(path).value_or("");
  std::filesystem::remove(path);
  return content;
}
}  // namespace

TestNamespace::TestNamespace() : name_("t-" + random_suffix()) {
  admin().create(client::resources::kNamespace, "",
                 {{"apiVersion", "v1"},
                  {"kind", "Namespace"},
                  {"metadata", {{"name", name_}, {"labels", {{"kubectl-app.io/test", "true"}}}}}});
}

TestNamespace::~TestNamespace() {
  try {
    admin().remove(client::resources::kNamespace, "", name_);
  } catch (...) {
    // The cluster goes away at the end of the run anyway.
  }
}

namespace {
std::vector<std::string> merged_env(const std::map<std::string, std::string>& env) {
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry = *e;
    if (!env.count(entry.substr(0, entry.find('=')))) env_strings.push_back(entry);
  }
  for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
  return env_strings;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}
}  // namespace

BackgroundProcess::BackgroundProcess(const std::vector<std::string>& argv,
                                     const std::map<std::string, std::string>& env)
    : log_path_((std::filesystem::temp_directory_path() / ("kapp-bg-" + random_suffix() + ".log"))
                    .string()) {
  auto env_strings = merged_env(env);
  auto args_copy = argv;
  auto envp = pointers(env_strings);
  auto args = pointers(args_copy);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0600);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = 0;
  if (posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), envp.data()) == 0) pid_ = pid;
  posix_spawn_file_actions_destroy(&actions);
}

BackgroundProcess::~BackgroundProcess() {
  if (running()) {
    kill(pid_, SIGKILL);
    wait(std::chrono::seconds(10));
  }
  std::filesystem::remove(log_path_);
}

void BackgroundProcess::signal(int sig) {
  if (pid_ > 0) kill(pid_, sig);
}

bool BackgroundProcess::running() {
  if (pid_ <= 0 || status_ != -1) return false;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) == pid_) {
    status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return false;
  }
  return true;
}

int BackgroundProcess::wait(std::chrono::milliseconds timeout) {
  eventually([this] { return !running(); }, timeout);
  return status_;
}

std::string BackgroundProcess::output() const {
  return util::read_file_if_exists(log_path_).value_or("");
}

int logged_port(const BackgroundProcess& process, const std::string& what) {
  std::smatch match;
  const auto out = process.output();
  if (!std::regex_search(out, match, std::regex("serving " + what + " on port ([0-9]+)"))) return 0;
  return std::stoi(match[1]);
}

CommandResult run(const std::vector<std::string>& argv,
                  const std::map<std::string, std::string>& env) {
  const auto dir = std::filesystem::temp_directory_path();
  const auto base = (dir / ("kapp-test-" + random_suffix())).string();
  const auto out_path = base + ".out", err_path = base + ".err";

  auto env_strings = merged_env(env);
  auto argv_copy = argv;
  auto envp = pointers(env_strings);
  auto args = pointers(argv_copy);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0600);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0600);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  CommandResult result;
  if (rc != 0) {
    result.err = "cannot run " + argv[0];
    return result;
  }
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = slurp_and_remove(out_path);
  result.err = slurp_and_remove(err_path);
  return result;
}

std::string text_of(const CommandResult& result) { return result.out + result.err; }

CommandResult kubectl_app(std::vector<std::string> args,
                          const std::map<std::string, std::string>& env) {
  args.insert(args.begin(), KAPP_BINARY);
  auto full_env = env;
  full_env.emplace("KUBECONFIG", admin_kubeconfig());
  return run(args, full_env);
}

CommandResult kubectl(std::vector<std::string> args) {
  args.insert(args.begin(), {"kubectl", "--kubeconfig", admin_kubeconfig()});
  return run(args);
}

}  // namespace kapp::test
