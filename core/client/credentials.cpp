#include "core/client/credentials.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/errors.h"
#include "core/util/base64.h"
#include "core/util/files.h"
#include "core/util/limits.h"
#include "core/util/time.h"

extern char** environ;

namespace kapp::client {
namespace {

using nlohmann::json;
constexpr auto kTokenFileReread = std::chrono::minutes(1);  // as client-go does
constexpr int kExecTimeoutMs = 60000;

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

json exec_info(const ExecConfig& exec, const RestConfig& cluster) {
  json spec = {{"interactive", false}};
  if (exec.provide_cluster_info) {
    json c = {{"server", cluster.server},
              {"insecure-skip-tls-verify", cluster.insecure_skip_tls_verify}};
    if (!cluster.ca_pem.empty())
      c["certificate-authority-data"] = util::base64_encode(cluster.ca_pem);
    if (!cluster.tls_server_name.empty()) c["tls-server-name"] = cluster.tls_server_name;
    spec["cluster"] = c;
  }
  const auto api_version =
      exec.api_version.empty() ? "client.authentication.k8s.io/v1" : exec.api_version;
  return {{"apiVersion", api_version}, {"kind", "ExecCredential"}, {"spec", spec}};
}

std::string plugin_failed(const ExecConfig& exec, const std::string& what) {
  std::string hint = exec.install_hint.empty() ? "check the exec section of your kubeconfig user"
                                               : trim(exec.install_hint);
  return "exec credential plugin \"" + exec.command + "\" " + what + "; " + hint;
}

// Runs the plugin with stdin from /dev/null and stderr passed through; returns its stdout.
std::string run_capturing(const ExecConfig& exec, const RestConfig& cluster) {
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) env_strings.emplace_back(*e);
  for (const auto& [name, value] : exec.env) env_strings.push_back(name + "=" + value);
  env_strings.push_back("KUBERNETES_EXEC_INFO=" + exec_info(exec, cluster).dump());
  std::vector<char*> envp, argv;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::string command = exec.command;
  argv.push_back(command.data());
  std::vector<std::string> args = exec.args;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) throw ConfigError(plugin_failed(exec, "could not start (pipe)"));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, command.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  close(out[1]);
  if (rc != 0) {
    close(out[0]);
    throw ConfigError(plugin_failed(exec, std::string("could not be run: ") + std::strerror(rc)));
  }
  std::string output;
  char buf[4096];
  bool timed_out = false;
  bool too_large = false;
  for (;;) {
    pollfd pfd{out[0], POLLIN, 0};
    const int ready = poll(&pfd, 1, kExecTimeoutMs);
    if (ready == 0) {
      timed_out = true;
      kill(pid, SIGKILL);
      break;
    }
    if (ready < 0 && errno == EINTR) continue;
    const auto n = read(out[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    output.append(buf, static_cast<std::size_t>(n));
    if (output.size() > util::kMaxInputBytes) {
      too_large = true;
      kill(pid, SIGKILL);
      break;
    }
  }
  close(out[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out) throw ConfigError(plugin_failed(exec, "did not answer within 60s"));
  if (too_large) {
    throw ConfigError(plugin_failed(
        exec, "printed more than " + util::describe_bytes(util::kMaxInputBytes) + "; refusing it"));
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw ConfigError(plugin_failed(
        exec,
        "failed with exit code " + std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1)));
  }
  return output;
}

}  // namespace

ExecResult run_exec_plugin(const ExecConfig& exec, const RestConfig& cluster) {
  return parse_exec_credential(run_capturing(exec, cluster), exec);
}

namespace {

// A string member of the plugin's status: "" when absent or null; any other type is the
// plugin's error, said in one line (nlohmann's value() would throw a type_error instead).
std::string status_text(const json& status, const std::string& key, const ExecConfig& exec) {
  const auto it = status.find(key);
  if (it == status.end() || it->is_null()) return "";
  if (!it->is_string())
    throw ConfigError(plugin_failed(exec, "returned a status." + key + " that is not a string"));
  return it->get<std::string>();
}

}  // namespace

ExecResult parse_exec_credential(const std::string& output, const ExecConfig& exec) {
  const json cred = util::parse_json_bounded(output);
  if (cred.is_discarded())
    throw ConfigError(plugin_failed(exec, "printed something that is not an ExecCredential JSON"));
  const auto kind = cred.is_object() ? cred.find("kind") : cred.end();
  if (!cred.is_object() || kind == cred.end() || *kind != "ExecCredential" ||
      !cred.contains("status") || !cred["status"].is_object()) {
    throw ConfigError(plugin_failed(exec, "printed no ExecCredential status"));
  }
  const auto& status = cred["status"];
  ExecResult result;
  if (auto token = status_text(status, "token", exec); !token.empty())
    result.credentials.authorization = "Bearer " + token;
  result.credentials.cert_pem = status_text(status, "clientCertificateData", exec);
  result.credentials.key_pem = status_text(status, "clientKeyData", exec);
  if (result.credentials.authorization.empty() && result.credentials.cert_pem.empty()) {
    throw ConfigError(plugin_failed(exec, "returned neither a token nor a client certificate"));
  }
  if (result.credentials.cert_pem.empty() != result.credentials.key_pem.empty()) {
    throw ConfigError(
        plugin_failed(exec, "returned a client certificate without its key (or the reverse)"));
  }
  if (auto expiry = status_text(status, "expirationTimestamp", exec); !expiry.empty()) {
    result.expires = util::parse_rfc3339(expiry);
    if (!result.expires)
      throw ConfigError(plugin_failed(exec, "returned an unreadable expirationTimestamp"));
  }
  return result;
}

Credentials::Credentials(RestConfig config) : config_(std::move(config)) {}

std::string Credentials::from_token_file() {
  const auto now = std::chrono::steady_clock::now();
  if (file_token_.empty() || now - file_read_at_ > kTokenFileReread) {
    file_token_ = trim(util::read_file(config_.token_file, "token file"));
    file_read_at_ = now;
  }
  return file_token_;
}

CredentialSet Credentials::from_exec() {
  const auto now = std::chrono::system_clock::now();
  if (!exec_cached_ || (exec_expiry_ && *exec_expiry_ <= now)) {
    auto result = run_exec_plugin(*config_.exec, config_);
    exec_cached_ = result.credentials;
    exec_expiry_ = result.expires;
  }
  return *exec_cached_;
}

CredentialSet Credentials::current() {
  std::lock_guard lock(mutex_);
  CredentialSet set{"", config_.client_cert_pem, config_.client_key_pem};
  if (config_.exec) {
    auto exec = from_exec();
    if (!exec.cert_pem.empty()) {
      set.cert_pem = exec.cert_pem;
      set.key_pem = exec.key_pem;
    }
    set.authorization = exec.authorization;
  }
  if (!config_.token.empty()) {
    set.authorization = "Bearer " + config_.token;
  } else if (!config_.token_file.empty()) {
    set.authorization = "Bearer " + from_token_file();
  } else if (!config_.username.empty()) {
    set.authorization = "Basic " + util::base64_encode(config_.username + ":" + config_.password);
  }
  return set;
}

bool Credentials::invalidate() {
  std::lock_guard lock(mutex_);
  if (config_.exec) {
    exec_cached_.reset();
    return true;
  }
  if (!config_.token_file.empty()) {
    file_token_.clear();
    return true;
  }
  return false;
}

}  // namespace kapp::client
