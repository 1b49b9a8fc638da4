// How the client authenticates and verifies the server, against the real API server.
#include <catch2/catch.hpp>

#include <fstream>

#include "core/client/client.h"
#include "core/errors.h"
#include "core/util/base64.h"
#include "core/util/files.h"
#include "tests/support/cluster.h"

using namespace kapp::test;
using kapp::client::Client;
using kapp::client::RestConfig;

namespace {

std::string ca_pem() { return kapp::util::read_file(cluster_env("CA_FILE"), "CA"); }

RestConfig tester_config() {
  RestConfig config;
  config.server = cluster_env("APISERVER_URL");
  config.ca_pem = ca_pem();
  return config;
}

// The identity the server sees, from a SelfSubjectReview (allowed to every authenticated user).
std::string whoami(Client& client) {
  const auto review = client.request(
      {.method = "POST",
       .path = "/apis/authentication.k8s.io/v1/selfsubjectreviews",
       .body = R"({"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"})",
       .content_type = "application/json"},
      false);
  return review["status"]["userInfo"].value("username", "");
}

std::string kubeconfig_for(const std::string& cluster_fields, const std::string& user_fields) {
  return "apiVersion: v1\nkind: Config\ncurrent-context: t\nclusters: [{name: c, cluster: {server: "
         "'" +
         cluster_env("APISERVER_URL") + "', " + cluster_fields + "}}]\nusers: [{name: u, user: {" +
         user_fields + "}}]\ncontexts: [{name: t, context: {cluster: c, user: u}}]\n";
}

std::string ca_data() {
  return "certificate-authority-data: " + kapp::util::base64_encode(ca_pem());
}

// An exec plugin that counts its runs in a file and prints the tester's token (or `first_token`
// on its first run), expiring at `expiry`.
std::string exec_plugin(const TempDir& dir, const std::string& expiry,
                        const std::string& first_token = "") {
  const auto first = first_token.empty() ? tester_token() : first_token;
  return dir.write(
      "plugin.sh",
      "#!/bin/sh\nn=$(cat " + dir.path() + "/count 2>/dev/null || echo 0)\nn=$((n+1))\necho $n > " +
          dir.path() + "/count\ntoken=" + tester_token() + "\n[ $n -eq 1 ] && token=" + first +
          "\necho '{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\","
          "\"status\":{\"token\":\"'$token'\",\"expirationTimestamp\":\"" +
          expiry + "\"}}'\n",
      true);
}

int runs(const TempDir& dir) {
  return std::stoi(kapp::util::read_file(dir.path() + "/count", "count"));
}

std::string exec_user(const std::string& plugin, const std::string& extra = "") {
  return "exec: {apiVersion: client.authentication.k8s.io/v1, command: " + plugin +
         ", interactiveMode: Never" + extra + "}";
}

}  // namespace

TEST_CASE("a client certificate authenticates as its common name") {
  CHECK(whoami(admin()) == "admin");
}

TEST_CASE("a bearer token authenticates as its user") {
  auto config = tester_config();
  config.token = tester_token();
  CHECK(whoami(*Client::connect(config)) == "tester");
}

TEST_CASE("a token file is read and authenticates as its user") {
  TempDir dir;
  const auto kubeconfig = dir.write(
      "config",
      kubeconfig_for(ca_data(), "tokenFile: " + dir.write("token", tester_token() + "\n")));
  CHECK(whoami(*Client::connect(kapp::client::load_config({.kubeconfig = kubeconfig}))) ==
        "tester");
}

TEST_CASE("an exec plugin's credential is cached until it expires") {
  TempDir dir;
  const auto kubeconfig = dir.write(
      "config", kubeconfig_for(ca_data(), exec_user(exec_plugin(dir, "2999-01-01T00:00:00Z"))));
  auto client = Client::connect(kapp::client::load_config({.kubeconfig = kubeconfig}));
  CHECK(whoami(*client) == "tester");
  CHECK(whoami(*client) == "tester");
  CHECK(runs(dir) == 1);
}

TEST_CASE("an expired exec credential is fetched again") {
  TempDir dir;
  const auto kubeconfig = dir.write(
      "config", kubeconfig_for(ca_data(), exec_user(exec_plugin(dir, "2000-01-01T00:00:00Z"))));
  auto client = Client::connect(kapp::client::load_config({.kubeconfig = kubeconfig}));
  CHECK(whoami(*client) == "tester");
  CHECK(whoami(*client) == "tester");
  CHECK(runs(dir) == 2);
}

TEST_CASE("a credential the server rejects with 401 is refreshed once through the exec plugin") {
  TempDir dir;
  const auto plugin = exec_plugin(dir, "2999-01-01T00:00:00Z", "revoked-token");
  const auto kubeconfig = dir.write("config", kubeconfig_for(ca_data(), exec_user(plugin)));
  auto client = Client::connect(kapp::client::load_config({.kubeconfig = kubeconfig}));
  CHECK(whoami(*client) == "tester");
  CHECK(runs(dir) == 2);
}

TEST_CASE("a failing exec plugin is reported with its install hint") {
  TempDir dir;
  const auto plugin = dir.write("fail.sh", "#!/bin/sh\nexit 3\n", true);
  const auto kubeconfig = dir.write(
      "config",
      kubeconfig_for(ca_data(), exec_user(plugin, ", installHint: 'install the cred helper'")));
  const auto install = kubectl_app({"install", "--kubeconfig", kubeconfig});
  CHECK(install.exit_code == 1);
  CHECK_THAT(install.err, Catch::Contains("exec credential plugin") &&
                              Catch::Contains("failed with exit code 3") &&
                              Catch::Contains("install the cred helper"));
}

TEST_CASE("a wrong certificate authority fails with a TLS error that says so") {
  TempDir dir;
  REQUIRE(
      run({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
           "/CN=other-ca", "-keyout", dir.path() + "/other.key", "-out", dir.path() + "/other.crt"})
          .exit_code == 0);
  const auto kubeconfig = dir.write(
      "config", kubeconfig_for("certificate-authority: other.crt", "token: " + tester_token()));
  const auto result = kubectl_app({"install", "--kubeconfig", kubeconfig});
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.err, Catch::Contains("TLS verification of the API server at " +
                                         cluster_env("APISERVER_URL") + " failed"));
  CHECK_THAT(result.err, !Catch::Contains(tester_token()));
}

TEST_CASE("insecure-skip-tls-verify connects without a certificate authority") {
  TempDir dir;
  const auto kubeconfig = dir.write(
      "config", kubeconfig_for("insecure-skip-tls-verify: true", "token: " + tester_token()));
  CHECK(whoami(*Client::connect(kapp::client::load_config({.kubeconfig = kubeconfig}))) ==
        "tester");
}

TEST_CASE("tls-server-name verifies the certificate against that name") {
  TempDir dir;
  const auto good = dir.write("good", kubeconfig_for(ca_data() + ", tls-server-name: localhost",
                                                     "token: " + tester_token()));
  CHECK(whoami(*Client::connect(kapp::client::load_config({.kubeconfig = good}))) == "tester");
  const auto bad =
      dir.write("bad", kubeconfig_for(ca_data() + ", tls-server-name: elsewhere.example",
                                      "token: " + tester_token()));
  CHECK_THROWS_WITH(whoami(*Client::connect(kapp::client::load_config({.kubeconfig = bad}))),
                    Catch::Contains("TLS verification"));
}

TEST_CASE("in-cluster configuration authenticates with the mounted service account files") {
  TempDir dir;
  dir.write("sa/token", tester_token());
  dir.write("sa/ca.crt", ca_pem());
  dir.write("sa/namespace", "kapp-system");
  const auto url = cluster_env("APISERVER_URL");
  const auto port = url.substr(url.rfind(':') + 1);
  setenv("KUBERNETES_SERVICE_HOST", "127.0.0.1", 1);
  setenv("KUBERNETES_SERVICE_PORT", port.c_str(), 1);
  setenv("KUBECONFIG", (dir.path() + "/none").c_str(), 1);
  const auto config = kapp::client::load_config({}, {.service_account_dir = dir.path() + "/sa"});
  unsetenv("KUBERNETES_SERVICE_HOST");
  unsetenv("KUBERNETES_SERVICE_PORT");
  unsetenv("KUBECONFIG");
  CHECK(config.namespace_name == "kapp-system");
  CHECK(whoami(*Client::connect(config)) == "tester");
}

TEST_CASE("merged KUBECONFIG files reach the server through the binary") {
  TempDir dir;
  const auto contexts = dir.write(
      "contexts", "current-context: t\ncontexts: [{name: t, context: {cluster: c, user: u}}]\n");
  const auto rest = dir.write("rest", kubeconfig_for(ca_data(), "token: " + tester_token()));
  const auto result = run({KAPP_BINARY, "version"}, {{"KUBECONFIG", contexts + ":" + rest}});
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::Contains("Server Version: v1.33"));
}

TEST_CASE("tokens never appear in logs, even at the highest verbosity") {
  TempDir dir;
  const auto kubeconfig =
      dir.write("config", kubeconfig_for(ca_data(), "token: " + tester_token()));
  const auto result = kubectl_app({"version", "--kubeconfig", kubeconfig, "-v=10"});
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.err, Catch::Contains("Authorization: Bearer <masked>"));
  CHECK_THAT(result.err, !Catch::Contains(tester_token()));
}
