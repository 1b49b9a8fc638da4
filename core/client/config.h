// Where the API server is and how to authenticate to it: kubeconfig files (merged as kubectl
// merges them), command-line overrides, or the in-cluster service account.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace kapp::client {

// An exec credential plugin (client.authentication.k8s.io/v1 or v1beta1).
struct ExecConfig {
  std::string api_version;
  std::string command;
  std::vector<std::string> args;
  std::vector<std::pair<std::string, std::string>> env;
  std::string install_hint;
  bool provide_cluster_info = false;
};

struct RestConfig {
  std::string server;   // https://host:port, no trailing slash
  std::string context;  // the kubeconfig context it came from ("" in-cluster)
  std::string ca_pem;   // empty: the system trust store
  std::string client_cert_pem;
  std::string client_key_pem;
  std::string token;
  std::string token_file;  // re-read as it rotates
  std::optional<ExecConfig> exec;
  std::string username;
  std::string password;
  bool insecure_skip_tls_verify = false;
  std::string tls_server_name;
  std::string proxy_url;
  std::string namespace_name = "default";
  bool namespace_from_flag = false;
  std::chrono::milliseconds request_timeout{0};  // 0: the client's default
  // The client-side rate limit of each resource (see rate_limit_key in client.h); qps <= 0: none.
  double qps = 50;
  int burst = 100;
};

// What the global flags (--kubeconfig, --context, ...) say; empty means "not given".
struct ConfigOverrides {
  std::string kubeconfig;
  std::string context;
  std::string cluster;
  std::string user;
  std::string namespace_name;
  std::string request_timeout;
};

// Where in-cluster configuration is read from; tests point it at files of their own.
struct InClusterPaths {
  std::string service_account_dir = "/var/run/secrets/kubernetes.io/serviceaccount";
};

// Resolves the configuration exactly as kubectl would. Throws ConfigError with a hint.
RestConfig load_config(const ConfigOverrides& overrides, const InClusterPaths& in_cluster = {});

// One kubeconfig file's name (relative paths inside resolve against it) and its text.
struct KubeconfigText {
  std::string file;
  std::string text;
};

// Merges kubeconfig texts as load_config merges files (the first file to define a name wins)
// and resolves the context `overrides` select; the namespace and timeout overrides are
// load_config's. Throws ConfigError or InputError naming the file. For the fuzz target and
// anything that already holds the text.
RestConfig config_from_kubeconfigs(const std::vector<KubeconfigText>& texts,
                                   const ConfigOverrides& overrides);

// Parses kubectl's --request-timeout ("0", "30", "30s", "1m", "1h"). Throws UsageError.
std::chrono::milliseconds parse_duration(const std::string& text, const std::string& flag);

}  // namespace kapp::client
