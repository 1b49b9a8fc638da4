// `kubectl app get` lists through the API server's Table (as kubectl get does) against the real
// control plane: the rows it prints are those whole objects give (plugin/rows.h row()), for
// objects with a status and for new ones the server gives empty cells, narrow and wide, in one
// namespace and across namespaces; -o name reads the same Table.
#include <catch2/catch.hpp>

#include <regex>
#include <sstream>

#include "core/client/client.h"
#include "core/client/resource.h"
#include "plugin/rows.h"
#include "plugin/table.h"
#include "tests/support/cluster.h"
#include "tests/support/objects.h"

using namespace kapp::test;
using nlohmann::json;
namespace res = kapp::client::resources;

namespace {

// Each line without its last cell (AGE: the server's and ours may be a second apart).
std::string without_age(const std::string& text) {
  std::istringstream in(text);
  std::string line, out;
  while (std::getline(in, line)) out += std::regex_replace(line, std::regex(" +[^ ]+$"), "") + "\n";
  return out;
}

// The table whole objects give, as get printed it before it read Tables.
std::string table_of_objects(const kapp::client::ResourceType& type, const std::string& ns,
                             bool wide) {
  const auto list = admin().list(type, ns);
  kapp::cli::Table table(kapp::cli::columns(type, wide), false);
  for (const auto& o : list["items"]) table.add("", kapp::cli::row(type, o, wide));
  std::ostringstream out;
  table.print(out);
  return out.str();
}

}  // namespace

TEST_CASE("get reads the server's Table and prints the rows the objects give") {
  TestNamespace ns;
  install_crds();
  // No controller: "fresh" keeps an empty status (null cells), "shop" gets one written.
  admin().create(res::kApplication, ns.name(), application(ns.name(), "shop", {component("web")}));
  admin().create(res::kApplication, ns.name(),
                 application(ns.name(), "fresh", {component("web"), component("api")}));
  admin().apply_status(
      res::kApplication,
      {{"apiVersion", "kubectl-app.io/v1alpha1"},
       {"kind", "Application"},
       {"metadata", {{"name", "shop"}, {"namespace", ns.name()}}},
       {"status", {{"phase", "Running"}, {"ready", "1/1"}, {"componentCount", 1}}}});
  admin().create(res::kComponent, ns.name(),
                 {{"apiVersion", "kubectl-app.io/v1alpha1"},
                  {"kind", "Component"},
                  {"metadata", {{"name", "cache"}}},
                  {"spec", {{"application", "shop"}, {"image", "redis:7"}}}});

  for (const auto* type : {&res::kApplication, &res::kComponent}) {
    for (const bool wide : {false, true}) {
      std::vector<std::string> args = {"get", type->resource, "-n", ns.name(), "-v6"};
      if (wide) args.insert(args.end(), {"-o", "wide"});
      const auto got = kubectl_app(args);
      INFO(type->kind << (wide ? " -o wide" : "") << "\n" << got.err);
      REQUIRE(got.exit_code == 0);
      CHECK(without_age(got.out) == without_age(table_of_objects(*type, ns.name(), wide)));
      // One request, for the cells alone.
      CHECK_THAT(got.err, Catch::Contains(type->resource + "?includeObject=None&limit="));
      CHECK_THAT(got.err, !Catch::Contains(type->resource + "?limit="));
    }
  }
  const auto listed = kubectl_app({"get", "kapp", "-n", ns.name()});
  CHECK_THAT(listed.out, Catch::Matches("NAME +PHASE +READY +COMPONENTS +AGE\n"
                                        "fresh +Pending +0/0 +0 +[0-9]+s\n"
                                        "shop +Running +1/1 +1 +[0-9]+s\n"));

  // -A: the namespace from the metadata the Table carries.
  const auto everywhere = kubectl_app({"get", "kapp", "-A", "-v6"});
  REQUIRE(everywhere.exit_code == 0);
  CHECK_THAT(everywhere.err, Catch::Contains("applications?includeObject=Metadata&limit="));
  CHECK_THAT(everywhere.out,
             Catch::Matches("(.|\n)*\n" + ns.name() + " +fresh +Pending +0/0 +0 (.|\n)*"));
  CHECK_THAT(everywhere.out,
             Catch::Matches("(.|\n)*\n" + ns.name() + " +shop +Running +1/1 +1 (.|\n)*"));

  // -o name: the Table's names.
  const auto names = kubectl_app({"get", "kapp", "-n", ns.name(), "-o", "name", "-v6"});
  CHECK(names.out == "application.kubectl-app.io/fresh\napplication.kubectl-app.io/shop\n");
  CHECK_THAT(names.err, Catch::Contains("includeObject=None"));
}

TEST_CASE("get of a new AppLink reads its spec: the Table's empty FROM and TO are not enough") {
  TestNamespace ns;
  install_crds();
  admin().create(res::kAppLink, ns.name(), app_link(ns.name(), "team-b"));
  for (const bool wide : {false, true}) {
    std::vector<std::string> args = {"get", "applinks", "-n", ns.name(), "-v6"};
    if (wide) args.insert(args.end(), {"-o", "wide"});
    const auto got = kubectl_app(args);
    INFO(got.err);
    REQUIRE(got.exit_code == 0);
    CHECK(without_age(got.out) == without_age(table_of_objects(res::kAppLink, ns.name(), wide)));
    CHECK_THAT(got.out, Catch::Contains("web-to-payments   shop/frontend   team-b/payments/api   "
                                        "Pending"));
    CHECK_THAT(got.err, Catch::Contains("applinks?includeObject=None&limit="));
    CHECK_THAT(got.err, Catch::Contains("applinks?limit="));  // then the objects
  }
}
