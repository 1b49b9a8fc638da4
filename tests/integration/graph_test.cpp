// kubectl app graph driving the real binary: offline from files with no cluster at all, and
// from the cluster after creating the shop sample.
#include <catch2/catch.hpp>

#include <string>

#include "core/util/files.h"
#include "tests/support/cluster.h"

using namespace kapp::test;

namespace {

// samples/shop.yaml without its Namespace document, in namespace `ns`.
std::string shop_sample_in(const std::string& ns) {
  auto text = kapp::util::read_file(KAPP_SOURCE_DIR "/samples/shop.yaml", "sample");
  text = text.substr(text.find("---\n") + 4);  // the Namespace demo comes first
  for (std::size_t at; (at = text.find("namespace: demo\n")) != std::string::npos;)
    text.replace(at, 15, "namespace: " + ns);
  return text;
}

}  // namespace

TEST_CASE("graph -f draws the links sample as DOT with no kubeconfig") {
  const auto result =
      run({KAPP_BINARY, "graph", "-f", KAPP_SOURCE_DIR "/samples/links.yaml", "-o", "dot"},
          {{"KUBECONFIG", "/nonexistent/kubeconfig"}});
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  CHECK(result.err.empty());
  CHECK_THAT(result.out, Catch::StartsWith("digraph"));
  CHECK_THAT(result.out, Catch::Contains("subgraph \"cluster_team-a_shop\""));
  CHECK_THAT(result.out, Catch::Contains("subgraph \"cluster_team-b_payments\""));
  CHECK_THAT(result.out, Catch::Contains("\"team-a/shop/frontend\" -> \"team-b/payments/api\""));
}

TEST_CASE("graph -f - reads standard input and prints text with no kubeconfig") {
  TempDir dir;
  const auto script =
      dir.write("graph.sh",
                std::string("exec \"$1\" graph -f - < ") + KAPP_SOURCE_DIR "/samples/links.yaml\n",
                /*executable=*/true);
  const auto result = run({"sh", script, KAPP_BINARY}, {{"KUBECONFIG", "/nonexistent/kubeconfig"}});
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::StartsWith("Application team-a/shop\n"));
}

TEST_CASE("graph NAME draws an application of the cluster with its links") {
  TestNamespace ns;
  install_crds();
  TempDir dir;
  const auto file = dir.write("shop.yaml", shop_sample_in(ns.name()) + R"(---
apiVersion: kubectl-app.io/v1alpha1
kind: AppLink
metadata: {name: to-payments}
spec:
  from: {application: shop, component: api}
  to: {application: payments, component: api, namespace: elsewhere}
  ports: [8080]
)");
  const auto created = kubectl_app({"create", "-f", file, "-n", ns.name()});
  INFO(created.err);
  REQUIRE(created.exit_code == 0);

  const auto text = kubectl_app({"graph", "shop", "-n", ns.name()});
  INFO(text.err);
  REQUIRE(text.exit_code == 0);
  CHECK_THAT(text.out, Catch::StartsWith("Application " + ns.name() + "/shop"));
  CHECK_THAT(text.out, Catch::Contains("-> api  ports 8080"));
  CHECK_THAT(text.out, Catch::Contains("worker  Deployment  no ports  (Component)"));
  CHECK_THAT(text.out,
             Catch::Contains("-> elsewhere/payments/api  ports 8080  AppLink to-payments"));

  const auto mermaid = kubectl_app({"graph", "-n", ns.name(), "-o", "mermaid"});
  REQUIRE(mermaid.exit_code == 0);
  CHECK_THAT(mermaid.out, Catch::StartsWith("flowchart LR\n"));
  CHECK_THAT(mermaid.out, Catch::Contains("[\"elsewhere/payments/api\"]"));

  const auto missing = kubectl_app({"graph", "nothere", "-n", ns.name()});
  CHECK(missing.exit_code == 1);
  CHECK(missing.err ==
        "Error from server (NotFound): applications.kubectl-app.io \"nothere\" not found\n");
}
