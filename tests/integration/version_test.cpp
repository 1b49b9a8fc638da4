#include <catch2/catch.hpp>

#include "tests/support/cluster.h"

using namespace kapp::test;

TEST_CASE("version prints the client version and the real server's version") {
  const auto result = kubectl_app({"version"});
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::Contains("Client Version: v"));
  CHECK_THAT(result.out, Catch::Contains("Server Version: v1.33"));
}

TEST_CASE("version reports an unreachable server on stderr and still prints the client version") {
  const auto result = kubectl_app(
      {"version", "--kubeconfig", KAPP_SOURCE_DIR "/tests/fixtures/kubeconfig/unreachable.yaml"});
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::Contains("Client Version: v"));
  CHECK_THAT(result.err, Catch::Contains("cannot reach the API server at https://127.0.0.1:1"));
}
