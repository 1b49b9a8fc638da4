// The credentials to present on each request. Static ones come from kubeconfig; a token
// file is re-read as it rotates; an exec plugin runs when its credential is missing or expired.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>

#include "core/client/config.h"

namespace kapp::client {

struct CredentialSet {
  std::string authorization;  // full header value, e.g. "Bearer ..."; empty for none
  std::string cert_pem;
  std::string key_pem;
};

class Credentials {
 public:
  explicit Credentials(RestConfig config);
  CredentialSet current();
  // Called after a 401: drops what may be stale; true if asking again could succeed.
  bool invalidate();

 private:
  CredentialSet from_exec();
  std::string from_token_file();

  RestConfig config_;
  std::mutex mutex_;
  std::optional<CredentialSet> exec_cached_;
  std::optional<std::chrono::system_clock::time_point> exec_expiry_;
  std::string file_token_;
  std::chrono::steady_clock::time_point file_read_at_{};
};

// Runs an exec credential plugin and returns its ExecCredential status (tests call it too).
// Throws ConfigError with the plugin's install hint when it cannot run or answers badly.
struct ExecResult {
  CredentialSet credentials;
  std::optional<std::chrono::system_clock::time_point> expires;
};
ExecResult run_exec_plugin(const ExecConfig& exec, const RestConfig& cluster);

// Reads what an exec plugin printed: an ExecCredential (client.authentication.k8s.io) whose
// status holds a token and/or a client certificate and key, and an optional RFC 3339
// expirationTimestamp. Throws ConfigError naming `exec.command` when it is anything else.
ExecResult parse_exec_credential(const std::string& output, const ExecConfig& exec);

}  // namespace kapp::client
