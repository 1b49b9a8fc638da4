// -A/--all-namespaces on status and delete --all, driving the real binary over several
// namespaces. Other tests' objects may be anywhere, so checks name this test's own.
#include <catch2/catch.hpp>

#include "core/client/resource.h"
#include "tests/support/cluster.h"
#include "tests/support/objects.h"

using namespace kapp::test;
namespace res = kapp::client::resources;

TEST_CASE("status -A shows the applications of every namespace") {
  install_crds();
  TestNamespace a;
  TestNamespace b;
  create_application(a.name(), "shop");
  create_application(b.name(), "blog");
  const auto result = kubectl_app({"status", "-A"});
  INFO(result.out << result.err);
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::Contains("Application " + a.name() + "/shop: Pending"));
  CHECK_THAT(result.out, Catch::Contains("Application " + b.name() + "/blog: Pending"));
}

TEST_CASE("status without a name shows every application of the namespace, in turn") {
  install_crds();
  TestNamespace ns;
  create_application(ns.name(), "one");
  create_application(ns.name(), "two");
  const auto result = kubectl_app({"status", "-n", ns.name()});
  INFO(result.out << result.err);
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::StartsWith("Application " + ns.name() + "/one: Pending"));
  CHECK_THAT(result.out, Catch::Contains("\n\nApplication " + ns.name() + "/two: Pending"));
}

TEST_CASE("status -A with a name refuses it, as names do not cross namespaces") {
  const auto result = kubectl_app({"status", "-A", "shop"});
  CHECK(result.exit_code == 1);
  CHECK(result.err ==
        "error: a resource cannot be retrieved by name across all namespaces; use -A with a "
        "KIND only (kubectl app status -A [KIND])\n");
}

TEST_CASE("delete --all removes every application of the namespace and no other") {
  install_crds();
  TestNamespace a;
  TestNamespace b;
  create_application(a.name(), "one");
  create_application(a.name(), "two");
  create_application(b.name(), "other");
  const auto result = kubectl_app({"delete", "kapp", "--all", "-n", a.name()});
  INFO(result.err);
  CHECK(result.exit_code == 0);
  CHECK(result.out ==
        "application.kubectl-app.io \"one\" deleted\napplication.kubectl-app.io \"two\" "
        "deleted\n");
  CHECK_FALSE(exists(res::kApplication, a.name(), "one"));
  CHECK_FALSE(exists(res::kApplication, a.name(), "two"));
  CHECK(exists(res::kApplication, b.name(), "other"));
}

// A server dry run: the server checks each delete in its own namespace (a wrong one would be
// NotFound) and nothing goes, so the other tests' applications running meanwhile stay.
TEST_CASE("delete --all -A reaches the applications of every namespace") {
  install_crds();
  TestNamespace a;
  TestNamespace b;
  create_application(a.name(), "shop");
  create_application(b.name(), "blog");
  const auto result = kubectl_app({"delete", "kapp", "--all", "-A", "--dry-run=server"});
  INFO(result.out << result.err);
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.out,
             Catch::Contains("application.kubectl-app.io \"shop\" deleted (server dry run)\n"));
  CHECK_THAT(result.out,
             Catch::Contains("application.kubectl-app.io \"blog\" deleted (server dry run)\n"));
  CHECK(exists(res::kApplication, a.name(), "shop"));
  CHECK(exists(res::kApplication, b.name(), "blog"));
}

TEST_CASE("delete -A without --all refuses names across namespaces") {
  const auto result = kubectl_app({"delete", "kapp", "shop", "-A"});
  CHECK(result.exit_code == 1);
  CHECK(result.err ==
        "error: a resource cannot be deleted by name across all namespaces; use --all -A\n");
}
