#include "core/client/config.h"

#include <map>
#include <regex>
#include <sstream>

#include "core/errors.h"
#include "core/util/base64.h"
#include "core/util/files.h"
#include "core/yaml/yaml.h"

namespace kapp::client {
namespace {

using nlohmann::json;

// A named kubeconfig entry and the file it came from (relative paths resolve against it).
struct Entry {
  json value;
  std::string file;
};

struct MergedConfig {
  std::map<std::string, Entry> clusters, users, contexts;
  std::string current_context;
  std::vector<std::string> files;
};

std::vector<std::string> kubeconfig_files(const ConfigOverrides& overrides) {
  if (!overrides.kubeconfig.empty()) {
    if (!util::file_exists(overrides.kubeconfig)) {
      throw ConfigError("kubeconfig \"" + overrides.kubeconfig +
                        "\" does not exist; check the --kubeconfig path");
    }
    return {overrides.kubeconfig};
  }
  std::vector<std::string> files;
  if (auto env = util::get_env("KUBECONFIG"); env && !env->empty()) {
    std::stringstream parts(*env);
    std::string part;
    while (std::getline(parts, part, ':')) {
      if (!part.empty() && util::file_exists(part)) files.push_back(part);  // kubectl skips missing
    }
    return files;
  }
  if (auto home = util::get_env("HOME")) {
    const auto path = *home + "/.kube/config";
    if (util::file_exists(path)) files.push_back(path);
  }
  return files;
}

// `key` is the list ("clusters"), `field` the object inside each entry ("cluster").
void merge_named(std::map<std::string, Entry>& into, const json& list, const char* key,
                 const char* field, const std::string& file) {
  if (list.is_null()) return;
  if (!list.is_array()) {
    throw ConfigError("kubeconfig \"" + file + "\": " + key + " must be a list; fix the file");
  }
  for (const auto& item : list) {
    if (!item.is_object() || !item.contains("name") || !item["name"].is_string()) {
      throw ConfigError("kubeconfig \"" + file + "\": an entry of " + key +
                        " has no name; fix the file");
    }
    // kubectl's rule: the first file to define a name wins.
    into.emplace(item["name"].get<std::string>(), Entry{item.value(field, json::object()), file});
  }
}

MergedConfig merge(const std::vector<KubeconfigText>& texts) {
  MergedConfig merged;
  for (const auto& [file, text] : texts) {
    merged.files.push_back(file);
    const auto doc = yaml::parse(text, file);
    if (doc.is_null()) continue;
    if (!doc.is_object())
      throw ConfigError("kubeconfig \"" + file + "\" is not a YAML mapping; fix the file");
    merge_named(merged.clusters, doc.value("clusters", json()), "clusters", "cluster", file);
    merge_named(merged.users, doc.value("users", json()), "users", "user", file);
    merge_named(merged.contexts, doc.value("contexts", json()), "contexts", "context", file);
    if (merged.current_context.empty() && doc.contains("current-context") &&
        doc["current-context"].is_string()) {
      merged.current_context = doc["current-context"].get<std::string>();
    }
  }
  return merged;
}

std::string string_field(const json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return "";
  if (!it->is_string())
    throw ConfigError(std::string("kubeconfig field ") + key + " must be a string; fix the file");
  return it->get<std::string>();
}

bool bool_field(const json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return false;
  if (!it->is_boolean())
    throw ConfigError(std::string("kubeconfig field ") + key +
                      " must be true or false; fix the file");
  return it->get<bool>();
}

// Reads `<key>-data` (base64) or `<key>` (a file path relative to the kubeconfig).
std::string data_or_file(const Entry& entry, const std::string& key, const std::string& what) {
  const auto data = string_field(entry.value, (key + "-data").c_str());
  if (!data.empty()) {
    auto decoded = util::base64_decode(data);
    if (!decoded) {
      throw ConfigError("kubeconfig \"" + entry.file + "\": " + key +
                        "-data is not valid base64; re-encode the " + what);
    }
    return *decoded;
  }
  const auto path = string_field(entry.value, key.c_str());
  if (path.empty()) return "";
  const auto resolved = util::resolve_path(path, entry.file);
  auto content = util::read_file_if_exists(resolved);
  if (!content) {
    throw ConfigError("kubeconfig \"" + entry.file + "\": cannot read " + what + " file \"" +
                      resolved + "\"; check the path in " + key);
  }
  return *content;
}

ExecConfig parse_exec(const Entry& entry) {
  const auto& e = entry.value["exec"];
  if (!e.is_object())
    throw ConfigError("kubeconfig \"" + entry.file +
                      "\": exec must be a mapping; fix the user entry");
  ExecConfig exec;
  exec.api_version = string_field(e, "apiVersion");
  exec.command = string_field(e, "command");
  exec.install_hint = string_field(e, "installHint");
  exec.provide_cluster_info = bool_field(e, "provideClusterInfo");
  if (exec.command.empty())
    throw ConfigError("kubeconfig \"" + entry.file + "\": exec has no command; fix the user entry");
  // A command with a slash but not absolute is relative to the kubeconfig, like kubectl.
  if (exec.command.find('/') != std::string::npos)
    exec.command = util::resolve_path(exec.command, entry.file);
  for (const char* list : {"args", "env"}) {
    if (e.contains(list) && !e[list].is_null() && !e[list].is_array())
      throw ConfigError("kubeconfig \"" + entry.file + "\": exec " + list +
                        " must be a list; fix the user entry");
  }
  for (const auto& arg : e.value("args", json::array())) {
    if (!arg.is_string())
      throw ConfigError("kubeconfig \"" + entry.file +
                        "\": exec args must be strings; fix the user entry");
    exec.args.push_back(arg.get<std::string>());
  }
  for (const auto& var : e.value("env", json::array())) {
    exec.env.emplace_back(string_field(var, "name"), string_field(var, "value"));
  }
  return exec;
}

void apply_cluster(RestConfig& config, const Entry& cluster) {
  config.server = string_field(cluster.value, "server");
  while (!config.server.empty() && config.server.back() == '/') config.server.pop_back();
  config.ca_pem = data_or_file(cluster, "certificate-authority", "certificate authority");
  config.insecure_skip_tls_verify = bool_field(cluster.value, "insecure-skip-tls-verify");
  config.tls_server_name = string_field(cluster.value, "tls-server-name");
  config.proxy_url = string_field(cluster.value, "proxy-url");
}

void apply_user(RestConfig& config, const Entry& user) {
  config.client_cert_pem = data_or_file(user, "client-certificate", "client certificate");
  config.client_key_pem = data_or_file(user, "client-key", "client key");
  config.token = string_field(user.value, "token");
  const auto token_file = string_field(user.value, "tokenFile");
  if (!token_file.empty()) config.token_file = util::resolve_path(token_file, user.file);
  config.username = string_field(user.value, "username");
  config.password = string_field(user.value, "password");
  if (user.value.contains("exec") && !user.value["exec"].is_null()) config.exec = parse_exec(user);
  if (user.value.contains("auth-provider")) {
    throw ConfigError(
        "kubeconfig user uses an auth-provider, which kubectl itself no longer supports; "
        "switch the user to an exec credential plugin");
  }
}

const Entry& find_entry(const std::map<std::string, Entry>& entries, const std::string& name,
                        const char* kind, const char* flag) {
  auto it = entries.find(name);
  if (it == entries.end()) {
    throw ConfigError(std::string(kind) + " \"" + name + "\" not found in kubeconfig; check " +
                      flag + " or run `kubectl config get-" + kind + "s`");
  }
  return it->second;
}

RestConfig from_kubeconfig(const MergedConfig& merged, const ConfigOverrides& overrides) {
  RestConfig config;
  const auto context_name = overrides.context.empty() ? merged.current_context : overrides.context;
  std::string cluster_name = overrides.cluster;
  std::string user_name = overrides.user;
  if (!context_name.empty()) {
    const auto& context = find_entry(merged.contexts, context_name, "context", "--context");
    if (cluster_name.empty()) cluster_name = string_field(context.value, "cluster");
    if (user_name.empty()) user_name = string_field(context.value, "user");
    const auto ns = string_field(context.value, "namespace");
    if (!ns.empty()) config.namespace_name = ns;
    config.context = context_name;
  }
  if (cluster_name.empty()) {
    throw ConfigError(
        "no context is selected in kubeconfig; run `kubectl config use-context NAME` "
        "or pass --context");
  }
  apply_cluster(config, find_entry(merged.clusters, cluster_name, "cluster", "--cluster"));
  if (!user_name.empty()) apply_user(config, find_entry(merged.users, user_name, "user", "--user"));
  if (config.server.empty()) {
    throw ConfigError("cluster \"" + cluster_name +
                      "\" has no server in kubeconfig; set clusters[].cluster.server");
  }
  return config;
}

RestConfig in_cluster(const InClusterPaths& paths) {
  const auto host = util::get_env("KUBERNETES_SERVICE_HOST").value_or("");
  const auto port = util::get_env("KUBERNETES_SERVICE_PORT").value_or("443");
  RestConfig config;
  config.server =
      "https://" + (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + port;
  config.token_file = paths.service_account_dir + "/token";
  if (!util::file_exists(config.token_file)) {
    throw ConfigError("in-cluster configuration: no service account token at \"" +
                      config.token_file + "\"; mount the service account or use a kubeconfig");
  }
  config.ca_pem = util::read_file(paths.service_account_dir + "/ca.crt", "service account CA");
  if (auto ns = util::read_file_if_exists(paths.service_account_dir + "/namespace")) {
    if (!ns->empty()) config.namespace_name = *ns;
  }
  return config;
}

}  // namespace

std::chrono::milliseconds parse_duration(const std::string& text, const std::string& flag) {
  static const std::regex re("([0-9]+(\\.[0-9]+)?)(ms|s|m|h)?");
  std::smatch match;
  if (!std::regex_match(text, match, re)) {
    throw UsageError("invalid " + flag + " \"" + text + "\"; use a duration such as 30s, 1m or 0");
  }
  const double value = std::stod(match[1]);
  const std::string unit = match[3];
  const double ms = unit == "ms"  ? value
                    : unit == "m" ? value * 60000
                    : unit == "h" ? value * 3600000
                                  : value * 1000;
  return std::chrono::milliseconds(static_cast<long long>(ms));
}

RestConfig config_from_kubeconfigs(const std::vector<KubeconfigText>& texts,
                                   const ConfigOverrides& overrides) {
  return from_kubeconfig(merge(texts), overrides);
}

RestConfig load_config(const ConfigOverrides& overrides, const InClusterPaths& in_cluster_paths) {
  const auto files = kubeconfig_files(overrides);
  RestConfig config;
  if (files.empty() && util::get_env("KUBERNETES_SERVICE_HOST")) {
    config = in_cluster(in_cluster_paths);
  } else if (files.empty()) {
    throw ConfigError(
        "no kubeconfig found (looked at $KUBECONFIG and ~/.kube/config); "
        "pass --kubeconfig or set KUBECONFIG");
  } else {
    std::vector<KubeconfigText> texts;
    for (const auto& file : files) texts.push_back({file, util::read_file(file, "kubeconfig")});
    config = from_kubeconfig(merge(texts), overrides);
  }
  if (!overrides.namespace_name.empty()) {
    config.namespace_name = overrides.namespace_name;
    config.namespace_from_flag = true;
  }
  if (!overrides.request_timeout.empty()) {
    config.request_timeout = parse_duration(overrides.request_timeout, "--request-timeout");
  }
  return config;
}

}  // namespace kapp::client
