#include <catch2/catch.hpp>

#include <cstdlib>

#include "core/client/config.h"
#include "core/client/credentials.h"
#include "core/errors.h"
#include "core/util/base64.h"
#include "core/util/time.h"
#include "tests/support/temp_dir.h"

using kapp::client::load_config;
using kapp::client::parse_duration;
using kapp::test::TempDir;

namespace {

// Sets an environment variable for the scope of a test.
struct EnvVar {
  std::string name;
  EnvVar(std::string n, const std::string& value) : name(std::move(n)) {
    setenv(name.c_str(), value.c_str(), 1);
  }
  ~EnvVar() { unsetenv(name.c_str()); }
};

const char* kBasic = R"(apiVersion: v1
kind: Config
current-context: dev
clusters:
  - name: dev-cluster
    cluster: {server: "https://dev.example:6443/", certificate-authority: ca.pem}
  - name: prod-cluster
    cluster: {server: "https://prod.example", insecure-skip-tls-verify: true, tls-server-name: api.prod}
users:
  - name: dev-user
    user: {token: dev-token}
  - name: file-user
    user: {tokenFile: tokens/t}
contexts:
  - name: dev
    context: {cluster: dev-cluster, user: dev-user, namespace: team-a}
  - name: prod
    context: {cluster: prod-cluster, user: file-user}
)";

}  // namespace

TEST_CASE("the current context selects cluster, user and namespace") {
  TempDir dir;
  dir.write("ca.pem", "CA PEM");
  const auto config = load_config({.kubeconfig = dir.write("config", kBasic)});
  CHECK(config.server == "https://dev.example:6443");
  CHECK(config.ca_pem == "CA PEM");
  CHECK(config.token == "dev-token");
  CHECK(config.namespace_name == "team-a");
  CHECK(config.context == "dev");
}

TEST_CASE("context, user and namespace overrides win over the kubeconfig") {
  TempDir dir;
  const auto path = dir.write("config", kBasic);
  const auto config =
      load_config({.kubeconfig = path, .context = "prod", .namespace_name = "other"});
  CHECK(config.server == "https://prod.example");
  CHECK(config.insecure_skip_tls_verify);
  CHECK(config.tls_server_name == "api.prod");
  CHECK(config.token_file == dir.path() + "/tokens/t");
  CHECK(config.namespace_name == "other");
  CHECK(config.namespace_from_flag);
  CHECK(load_config({.kubeconfig = path, .context = "prod", .user = "dev-user"}).token ==
        "dev-token");
}

TEST_CASE("inline certificate data is base64-decoded") {
  TempDir dir;
  const std::string doc =
      "clusters: [{name: c, cluster: {server: 'https://x', certificate-authority-data: " +
      kapp::util::base64_encode("CA") + "}}]\nusers: [{name: u, user: {client-certificate-data: " +
      kapp::util::base64_encode("CERT") + ", client-key-data: " + kapp::util::base64_encode("KEY") +
      "}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n";
  const auto config = load_config({.kubeconfig = dir.write("config", doc)});
  CHECK(config.ca_pem == "CA");
  CHECK(config.client_cert_pem == "CERT");
  CHECK(config.client_key_pem == "KEY");
}

TEST_CASE("KUBECONFIG files merge with the first definition of a name winning") {
  TempDir dir;
  const auto first =
      dir.write("a",
                "current-context: one\nclusters: [{name: c, cluster: {server: 'https://first'}}]\n"
                "contexts: [{name: one, context: {cluster: c}}]\n");
  const auto second =
      dir.write("b",
                "current-context: two\nclusters: [{name: c, cluster: {server: 'https://second'}}, "
                "{name: d, cluster: {server: 'https://d'}}]\n"
                "contexts: [{name: two, context: {cluster: d}}]\n");
  EnvVar env("KUBECONFIG", first + ":" + dir.path() + "/missing" + ":" + second);
  CHECK(load_config({}).server == "https://first");
  CHECK(load_config({.context = "two"}).server == "https://d");
}

TEST_CASE("an exec user is parsed with its arguments and environment") {
  TempDir dir;
  const auto path =
      dir.write("config",
                "clusters: [{name: c, cluster: {server: 'https://x'}}]\n"
                "users: [{name: u, user: {exec: {apiVersion: client.authentication.k8s.io/v1, "
                "command: ./bin/cred, args: [get], env: [{name: A, value: b}]}}}]\n"
                "contexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n");
  const auto config = load_config({.kubeconfig = path});
  REQUIRE(config.exec.has_value());
  CHECK(config.exec->command == dir.path() + "/bin/cred");
  CHECK(config.exec->args == std::vector<std::string>{"get"});
  CHECK(config.exec->env.at(0) == std::pair<std::string, std::string>{"A", "b"});
}

TEST_CASE("a missing kubeconfig file is a clear error") {
  CHECK_THROWS_WITH(
      load_config({.kubeconfig = "/nonexistent/config"}),
      "kubeconfig \"/nonexistent/config\" does not exist; check the --kubeconfig path");
}

TEST_CASE("an unknown context names itself and the way out") {
  TempDir dir;
  CHECK_THROWS_WITH(load_config({.kubeconfig = dir.write("config", kBasic), .context = "nope"}),
                    Catch::Contains("context \"nope\" not found in kubeconfig"));
}

TEST_CASE("malformed kubeconfigs fail with a message, never a crash") {
  TempDir dir;
  const std::vector<std::string> broken = {
      "clusters: {not: a list}\n",
      "clusters: [{cluster: {server: x}}]\n",
      "current-context: x\ncontexts: [{name: x, context: {cluster: missing}}]\n",
      "clusters: [{name: c, cluster: {certificate-authority-data: '***'}}]\ncontexts: [{name: x, "
      "context: {cluster: c}}]\n"
      "current-context: x\n",
      "clusters: [{name: c, cluster: {server: 'https://x', certificate-authority: /no/such/ca}}]\n"
      "contexts: [{name: x, context: {cluster: c}}]\ncurrent-context: x\n",
      "clusters: [{name: c, cluster: {}}]\ncontexts: [{name: x, context: {cluster: "
      "c}}]\ncurrent-context: x\n",
      "[1, 2\n",
      "- just\n- a list\n",
      "clusters: [{name: c, cluster: {server: [1]}}]\ncontexts: [{name: x, context: {cluster: "
      "c}}]\ncurrent-context: x\n",
      "current-context: ''\n",
  };
  for (const auto& doc : broken) {
    INFO(doc);
    CHECK_THROWS_AS(load_config({.kubeconfig = dir.write("config", doc)}), kapp::Error);
  }
}

TEST_CASE("in-cluster configuration reads the service account files") {
  TempDir dir;
  dir.write("token", "sa-token\n");
  dir.write("ca.crt", "CLUSTER CA");
  dir.write("namespace", "kapp-system");
  EnvVar host("KUBERNETES_SERVICE_HOST", "10.0.0.1");
  EnvVar port("KUBERNETES_SERVICE_PORT", "6443");
  EnvVar kubeconfig("KUBECONFIG", dir.path() + "/absent");
  const auto config = load_config({}, {.service_account_dir = dir.path()});
  CHECK(config.server == "https://10.0.0.1:6443");
  CHECK(config.token_file == dir.path() + "/token");
  CHECK(config.ca_pem == "CLUSTER CA");
  CHECK(config.namespace_name == "kapp-system");
}

TEST_CASE("request timeouts accept kubectl's duration forms") {
  CHECK(parse_duration("0", "--request-timeout").count() == 0);
  CHECK(parse_duration("30", "--request-timeout").count() == 30000);
  CHECK(parse_duration("1m", "--request-timeout").count() == 60000);
  CHECK(parse_duration("250ms", "--request-timeout").count() == 250);
  CHECK_THROWS_WITH(parse_duration("soon", "--request-timeout"),
                    Catch::StartsWith("invalid --request-timeout \"soon\""));
}

TEST_CASE("timestamps past the clock's range saturate instead of wrapping into the past") {
  const auto far = kapp::util::parse_rfc3339("2999-01-01T00:00:00Z");
  REQUIRE(far.has_value());
  CHECK(*far > std::chrono::system_clock::now());
  CHECK(kapp::util::parse_rfc3339("2026-11-23T10:00:00.5+01:00") ==
        kapp::util::parse_rfc3339("2026-11-23T09:00:00.5Z"));
  CHECK_FALSE(kapp::util::parse_rfc3339("yesterday").has_value());
}

TEST_CASE("timestamps before the clock's range saturate instead of overflowing") {
  // Found by the kubeconfig fuzz target: an exec credential expiring in the year 1499.
  const auto early = kapp::util::parse_rfc3339("1499-01-01T00:00:00Z");
  REQUIRE(early.has_value());
  CHECK(*early == std::chrono::system_clock::time_point::min());
}

TEST_CASE("an exec plugin's status member of the wrong type is one clear error, not a crash") {
  const kapp::client::ExecConfig exec{.command = "get-token"};
  for (const std::string output :
       {R"({"kind":"ExecCredential","status":{"token":{"a":1}}})",
        R"({"kind":"ExecCredential","status":{"token":"t","expirationTimestamp":5}})",
        R"({"kind":"ExecCredential","status":{"clientCertificateData":[],"clientKeyData":"k"}})"}) {
    INFO(output);
    try {
      kapp::client::parse_exec_credential(output, exec);
      FAIL("no error");
    } catch (const kapp::ConfigError& e) {
      CHECK_THAT(e.what(),
                 Catch::StartsWith("exec credential plugin \"get-token\" returned a status."));
      CHECK_THAT(e.what(), Catch::Contains("that is not a string; check the exec section"));
    }
  }
  CHECK_THROWS_AS(kapp::client::parse_exec_credential(R"({"kind":{},"status":{}})", exec),
                  kapp::ConfigError);
}
