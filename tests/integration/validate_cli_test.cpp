// `validate` and the validation before `create`, driving the real binary over the corpus of
// bad manifests (tests/data/bad/*.yaml, each with the stderr it must produce in a .err
// file): offline with no cluster reachable, then against the real API server.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>

#include "core/client/resource.h"
#include "tests/support/cluster.h"

using namespace kapp::test;
namespace fs = std::filesystem;
namespace res = kapp::client::resources;

namespace {

const std::string kBad = KAPP_SOURCE_DIR "/tests/data/bad/";
const std::string kUnreachable = KAPP_SOURCE_DIR "/tests/fixtures/kubeconfig/unreachable.yaml";

std::vector<std::string> corpus() {
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(kBad))
    if (entry.path().extension() == ".yaml") files.push_back(entry.path().filename().string());
  std::sort(files.begin(), files.end());
  return files;
}

// stderr with the corpus directory left out of file names, as the .err files hold them.
std::string relative(std::string err) {
  for (auto at = err.find(kBad); at != std::string::npos; at = err.find(kBad))
    err.erase(at, kBad.size());
  return err;
}

// Nothing a file was refused by can reach the cluster, not even with no kubeconfig at all.
const std::map<std::string, std::string> kNoKubeconfig = {{"KUBECONFIG", "/nonexistent/config"},
                                                          {"HOME", "/nonexistent"}};

}  // namespace

TEST_CASE("the corpus of bad manifests holds at least 20 files, each with its expected error") {
  const auto files = corpus();
  CHECK(files.size() >= 20);
  for (const auto& file : files) {
    INFO(file);
    const auto expected = file_content(kBad + fs::path(file).replace_extension(".err").string());
    CHECK(std::count(expected.begin(), expected.end(), '\n') == 1);
    CHECK(expected.rfind("error: " + file + ":", 0) == 0);
  }
}

TEST_CASE("validate refuses every bad manifest with one line naming file:line, field and rule") {
  for (const auto& file : corpus()) {
    INFO(file);
    const auto result = kubectl_app({"validate", "-f", kBad + file}, kNoKubeconfig);
    CHECK(result.exit_code == 1);
    CHECK(result.out.empty());
    CHECK(relative(result.err) ==
          file_content(kBad + fs::path(file).replace_extension(".err").string()));
  }
}

TEST_CASE("create --dry-run=client refuses every bad manifest with no cluster reachable") {
  for (const auto& file : corpus()) {
    INFO(file);
    const auto result = kubectl_app(
        {"create", "-f", kBad + file, "--dry-run=client", "--kubeconfig", kUnreachable});
    CHECK(result.exit_code == 1);
    CHECK(result.out.empty());
    CHECK(relative(result.err) ==
          file_content(kBad + fs::path(file).replace_extension(".err").string()));
  }
}

TEST_CASE("validate passes the samples with no kubeconfig") {
  const auto result = kubectl_app(
      {"validate", "-f", KAPP_SOURCE_DIR "/samples/shop.yaml", "-f",
       KAPP_SOURCE_DIR "/samples/links.yaml," KAPP_SOURCE_DIR "/samples/coinflip/coinflip.yaml"},
      kNoKubeconfig);
  INFO(result.err);
  CHECK(result.exit_code == 0);
  CHECK(result.err.empty());
  CHECK_THAT(result.out, Catch::Contains("application.kubectl-app.io/shop valid\n") &&
                             Catch::Contains("coinflip.kubectl-app.io/"));
}

TEST_CASE("validate reads stdin with -f -") {
  const auto result = run({"sh", "-c", std::string("exec \"$0\" validate -f - < \"$1\""),
                           KAPP_BINARY, kBad + "replicas-negative.yaml"},
                          kNoKubeconfig);
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.err, Catch::StartsWith("error: <stdin>:11: document 1, Application \"shop\": "
                                           "spec.components[1].replicas: Invalid value: -3"));
}

TEST_CASE("validate warns that a kind of another group is checked by its metadata only") {
  TempDir dir;
  const auto file = dir.write("cert.yaml",
                              "apiVersion: cert-manager.io/v1\nkind: Certificate\n"
                              "metadata: {name: web}\nspec: {secretName: web-tls}\n");
  const auto result = kubectl_app({"validate", "-f", file}, kNoKubeconfig);
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.err, Catch::StartsWith("Warning: " + file +
                                           ":1: document 1, Certificate "
                                           "\"web\": no schema for this kind here"));
}

TEST_CASE("validate --help says which rules only the server checks") {
  const auto result = kubectl_app({"validate", "--help"}, kNoKubeconfig);
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::Contains("immutable") && Catch::Contains("--dry-run=server"));
}

TEST_CASE("create against the real API server writes nothing for any bad manifest") {
  install_crds();
  TestNamespace ns;
  for (const auto& file : corpus()) {
    INFO(file);
    const auto result = kubectl_app({"create", "-f", kBad + file, "-n", ns.name()});
    CHECK(result.exit_code == 1);
    CHECK(relative(result.err) ==
          file_content(kBad + fs::path(file).replace_extension(".err").string()));
  }
  for (const auto* type : {&res::kApplication, &res::kComponent, &res::kAppLink, &res::kCoinFlip}) {
    INFO(type->kind);
    CHECK(admin().list(*type, ns.name())["items"].empty());
  }
  CHECK_FALSE(admin().get_if_exists(res::kNamespace, "", "several").has_value());
}
