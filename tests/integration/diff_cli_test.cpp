// kubectl app diff on the real control plane, driving the real binary: what a server-side
// apply dry run would change, printed and exited as kubectl diff does. No controller runs,
// so the live objects change only when a test changes them.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "core/client/resource.h"
#include "core/util/files.h"
#include "tests/support/cluster.h"

using namespace kapp::test;
namespace res = kapp::client::resources;

namespace {

std::string shop_yaml(int replicas) {
  return "apiVersion: kubectl-app.io/v1alpha1\nkind: Application\nmetadata: {name: shop}\n"
         "spec:\n  components:\n    - {name: web, image: \"nginx:1.27\", replicas: " +
         std::to_string(replicas) + "}\n";
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The lines of a unified diff that start with `mark` ('-' or '+'), headers left out.
std::vector<std::string> changed(const std::string& diff, char mark) {
  std::vector<std::string> found;
  for (const auto& line : lines_of(diff)) {
    if (line.rfind("---", 0) == 0 || line.rfind("+++", 0) == 0) continue;
    if (!line.empty() && line[0] == mark) found.push_back(line);
  }
  return found;
}

}  // namespace

TEST_CASE("diff of what is already applied exits 0 and prints nothing") {
  TestNamespace ns;
  install_crds();
  TempDir dir;
  const auto file = dir.write("shop.yaml", shop_yaml(1));
  REQUIRE(kubectl_app({"create", "-f", file, "-n", ns.name()}).exit_code == 0);
  const auto result = kubectl_app({"diff", "-f", file, "-n", ns.name()});
  INFO(result.out << result.err);
  CHECK(result.exit_code == 0);
  CHECK(result.out.empty());
  CHECK(result.err.empty());
}

TEST_CASE("diff of a changed replica count exits 1 and shows the old and new value") {
  TestNamespace ns;
  install_crds();
  TempDir dir;
  REQUIRE(kubectl_app({"create", "-f", dir.write("old.yaml", shop_yaml(1)), "-n", ns.name()})
              .exit_code == 0);
  const auto result =
      kubectl_app({"diff", "-f", dir.write("new.yaml", shop_yaml(3)), "-n", ns.name()});
  INFO(result.out << result.err);
  CHECK(result.exit_code == 1);
  CHECK(result.err.empty());
  const auto name = "kubectl-app.io.v1alpha1.Application." + ns.name() + ".shop";
  CHECK_THAT(result.out,
             Catch::Contains("/LIVE-") && Catch::Contains("/MERGED-") && Catch::Contains(name));
  const auto removed = changed(result.out, '-'), added = changed(result.out, '+');
  const auto has = [](const std::vector<std::string>& lines, const std::string& text) {
    for (const auto& line : lines)
      if (line.find(text) != std::string::npos) return true;
    return false;
  };
  CHECK(has(removed, "replicas: 1"));
  CHECK(has(added, "replicas: 3"));
  CHECK_THAT(result.out, !Catch::Contains("managedFields"));
  // Nothing was written: the live object still has one replica.
  CHECK(admin().get(res::kApplication, ns.name(), "shop")["spec"]["components"][0]["replicas"] ==
        1);
}

TEST_CASE("diff of a new object exits 1 and shows the whole object as added") {
  TestNamespace ns;
  install_crds();
  TempDir dir;
  const auto result =
      kubectl_app({"diff", "-f", dir.write("shop.yaml", shop_yaml(2)), "-n", ns.name()});
  INFO(result.out << result.err);
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.out, Catch::Contains("\n@@ -0,0 +1,"));
  CHECK(changed(result.out, '-').empty());
  const auto added = changed(result.out, '+');
  for (const auto* line : {"+apiVersion: kubectl-app.io/v1alpha1", "+kind: Application",
                           "+  name: shop", "+  namespace: "}) {
    bool found = false;
    for (const auto& a : added) found = found || a.rfind(line, 0) == 0;
    CHECK(found);
  }
  CHECK_FALSE(admin().get_if_exists(res::kApplication, ns.name(), "shop"));
}

TEST_CASE("diff of a document the server refuses exits 2 with one line naming it") {
  TestNamespace ns;
  install_crds();
  TempDir dir;
  // Offline validation checks only the metadata of built-in kinds: the port is the server's.
  const auto file = dir.write("bad.yaml", R"(apiVersion: v1
kind: Service
metadata: {name: bad}
spec: {ports: [{port: 70000}]}
)");
  const auto result = kubectl_app({"diff", "-f", file, "-n", ns.name()});
  INFO(result.err);
  CHECK(result.exit_code == 2);
  CHECK(result.out.empty());
  CHECK_THAT(result.err,
             Catch::StartsWith("error: Service " + ns.name() + "/bad (" + file + ":1): "));
  CHECK(std::count(result.err.begin(), result.err.end(), '\n') == 1);
}

TEST_CASE("diff of a file that cannot be read exits 2") {
  const auto result = kubectl_app({"diff", "-f", "/nonexistent/shop.yaml"});
  CHECK(result.exit_code == 2);
  CHECK_THAT(result.err, Catch::StartsWith("error: ") && Catch::Contains("/nonexistent/shop.yaml"));
  CHECK(std::count(result.err.begin(), result.err.end(), '\n') == 1);
}

TEST_CASE("diff runs KUBECTL_EXTERNAL_DIFF with the directories, then its allowed words") {
  TestNamespace ns;
  install_crds();
  TempDir dir;
  const auto record = dir.path() + "/record";
  // Records its arguments and the files it was given, and says "differences" as diff does.
  const auto script = dir.write("mydiff",
                                "#!/bin/sh\nprintf '%s\\n' \"$@\" > " + record +
                                    "\nls \"$1\" \"$2\" >> " + record + "\necho compared\nexit 1\n",
                                /*executable=*/true);
  const auto result =
      kubectl_app({"diff", "-f", dir.write("shop.yaml", shop_yaml(1)), "-n", ns.name()},
                  {{"KUBECTL_EXTERNAL_DIFF", script + " -N --color=always $(x) a;b"}});
  INFO(result.out << result.err);
  CHECK(result.exit_code == 1);
  CHECK(result.out == "compared\n");
  const auto recorded = lines_of(kapp::util::read_file(record, "record"));
  REQUIRE(recorded.size() >= 6);
  CHECK(std::filesystem::path(recorded[0]).filename().string().rfind("LIVE-", 0) == 0);
  CHECK(std::filesystem::path(recorded[1]).filename().string().rfind("MERGED-", 0) == 0);
  CHECK(recorded[2] == "-N");
  CHECK(recorded[3] == "--color=always");
  const auto name = "kubectl-app.io.v1alpha1.Application." + ns.name() + ".shop";
  CHECK(std::count(recorded.begin(), recorded.end(), name) == 2);  // in LIVE and in MERGED
  // The temporary directories are gone once diff has run.
  CHECK_FALSE(std::filesystem::exists(recorded[0]));
  CHECK_FALSE(std::filesystem::exists(recorded[1]));
}

TEST_CASE("diff exits 2 when the diff program fails") {
  TestNamespace ns;
  install_crds();
  TempDir dir;
  const auto script = dir.write("broken", "#!/bin/sh\necho 'broken: no' >&2\nexit 3\n", true);
  const auto result =
      kubectl_app({"diff", "-f", dir.write("shop.yaml", shop_yaml(1)), "-n", ns.name()},
                  {{"KUBECTL_EXTERNAL_DIFF", script}});
  CHECK(result.exit_code == 2);
  CHECK(result.err == "broken: no\nerror: failed to run \"" + script +
                          "\": exit status 3 (its message, if any, is above)\n");
}
