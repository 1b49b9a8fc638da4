// `kubectl app get` reads a listing as the server's Table (Client::list_table) and prints the
// same rows as from whole objects (plugin/rows.h): the request kubectl makes, the pages joined,
// and each empty cell given the default row() gives.
#include <catch2/catch.hpp>

#include "core/client/client.h"
#include "core/client/resource.h"
#include "plugin/rows.h"
#include "tests/support/fake_transport.h"

using kapp::test::FakeClient;
using nlohmann::json;
namespace client = kapp::client;
namespace res = kapp::client::resources;

namespace {

json column(const std::string& name, const std::string& type, int priority = 0) {
  return {{"name", name},
          {"type", type},
          {"format", name == "Name" ? "name" : ""},
          {"priority", priority}};
}

// The columns the API server makes of the CRD's additionalPrinterColumns (crds/*.yaml).
json definitions(const client::ResourceType& type) {
  if (type.kind == "Application")
    return {column("Name", "string"), column("Phase", "string"), column("Ready", "string"),
            column("Components", "integer"), column("Age", "date")};
  if (type.kind == "Component")
    return {
        column("Name", "string"),  column("Application", "string"), column("Phase", "string"),
        column("Ready", "string"), column("Workload", "string", 1), column("Image", "string", 1),
        column("Age", "date")};
  if (type.kind == "AppLink")
    return {column("Name", "string"),  column("From", "string"),    column("To", "string"),
            column("Phase", "string"), column("Host", "string", 1), column("Age", "date")};
  return {column("Name", "string"),      column("Flips", "integer"), column("Tails", "integer"),
          column("Streak", "integer"),   column("Sent", "integer"),  column("Pending", "integer"),
          column("Recent", "string", 1), column("Age", "date")};
}

json table(const client::ResourceType& type, json rows) {
  return {{"kind", "Table"},
          {"apiVersion", "meta.k8s.io/v1"},
          {"metadata", {{"resourceVersion", "42"}}},
          {"columnDefinitions", definitions(type)},
          {"rows", std::move(rows)}};
}

json cells_row(json cells) { return {{"cells", std::move(cells)}, {"object", nullptr}}; }

}  // namespace

TEST_CASE("a Table's cells become get's rows, numbers printed as JSON writes them") {
  const auto rows = kapp::cli::rows_of_table(
      res::kApplication, table(res::kApplication, {cells_row({"shop", "Running", "4/4", 4, "5m"})}),
      false);
  REQUIRE(rows);
  REQUIRE(rows->size() == 1);
  CHECK((*rows)[0].name == "shop");
  CHECK((*rows)[0].cells == std::vector<std::string>{"shop", "Running", "4/4", "4", "5m"});
}

TEST_CASE("-o wide takes the priority-1 columns, in get's order") {
  const auto t =
      table(res::kComponent,
            {cells_row({"cache", "shop", "Running", "1/1", "StatefulSet", "redis:7", "3d"})});
  const auto narrow = kapp::cli::rows_of_table(res::kComponent, t, false);
  REQUIRE(narrow);
  CHECK((*narrow)[0].cells == std::vector<std::string>{"cache", "shop", "Running", "1/1", "3d"});
  const auto wide = kapp::cli::rows_of_table(res::kComponent, t, true);
  REQUIRE(wide);
  CHECK((*wide)[0].cells == std::vector<std::string>{"cache", "shop", "Running", "1/1",
                                                     "StatefulSet", "redis:7", "3d"});
}

TEST_CASE("an empty cell (no status yet) reads as row() reads the object") {
  // The server leaves a cell null when the object lacks the field.
  const json fresh = {{"metadata", {{"name", "x"}, {"namespace", "demo"}}},
                      {"spec", {{"application", "shop"}, {"image", "nginx"}}}};
  for (const auto* type : {&res::kApplication, &res::kComponent, &res::kCoinFlip}) {
    for (const bool wide : {false, true}) {
      auto expected = kapp::cli::row(*type, fresh, wide);
      json cells = json::array();
      for (std::size_t i = 0; i < definitions(*type).size(); ++i) cells.push_back(nullptr);
      cells[0] = "x";
      if (type->kind == "Component") {
        cells[1] = "shop";
        cells[5] = "nginx";
      }
      const auto rows = kapp::cli::rows_of_table(*type, table(*type, {cells_row(cells)}), wide);
      INFO(type->kind << (wide ? " wide" : ""));
      REQUIRE(rows);
      expected.back() = "<unknown>";  // AGE: no creationTimestamp in either
      CHECK((*rows)[0].cells == expected);
    }
  }
}

TEST_CASE("a new AppLink's FROM and TO come from its spec: the Table cannot give them") {
  const auto reconciled =
      table(res::kAppLink,
            {cells_row({"l", "shop/web", "team-b/pay/api", "Ready", "api.team-b.svc", "1m"})});
  REQUIRE(kapp::cli::rows_of_table(res::kAppLink, reconciled, true));
  const auto fresh =
      table(res::kAppLink, {cells_row({"l", nullptr, nullptr, nullptr, nullptr, "1s"})});
  CHECK_FALSE(kapp::cli::rows_of_table(res::kAppLink, fresh, false));
}

TEST_CASE("a Table without get's columns, or no Table, is refused") {
  auto t = table(res::kApplication, {cells_row({"shop", "Running", "4/4", 4, "5m"})});
  t["columnDefinitions"].erase(2);  // no Ready: a CRD other than ours
  CHECK_FALSE(kapp::cli::rows_of_table(res::kApplication, t, false));
  CHECK_FALSE(kapp::cli::rows_of_table(
      res::kApplication, {{"kind", "ApplicationList"}, {"items", json::array()}}, false));
}

TEST_CASE("the namespace of a row comes from the metadata the Table carries (-A)") {
  auto r = cells_row({"shop", "Running", "4/4", 4, "5m"});
  r["object"] = {{"kind", "PartialObjectMetadata"},
                 {"metadata", {{"name", "shop"}, {"namespace", "team-a"}}}};
  const auto rows =
      kapp::cli::rows_of_table(res::kApplication, table(res::kApplication, {r}), false);
  REQUIRE(rows);
  CHECK((*rows)[0].namespace_name == "team-a");
}

TEST_CASE("list_table asks for a Table as kubectl does and joins the pages") {
  FakeClient fake;
  auto first = table(res::kApplication, {cells_row({"a", "Running", "1/1", 1, "1m"})});
  first["metadata"]["continue"] = "next page";
  auto second = table(res::kApplication, {cells_row({"b", "Running", "1/1", 1, "1m"})});
  second["metadata"]["resourceVersion"] = "43";
  fake.transport.answer(200, first.dump()).answer(200, second.dump());
  const auto got =
      fake.client->list_table(res::kApplication, "demo", client::TableObject::None, {.limit = 7});
  const auto requests = fake.transport.requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[0].accept == "application/json;as=Table;v=v1;g=meta.k8s.io,application/json");
  CHECK(requests[0].path ==
        "/apis/kubectl-app.io/v1alpha1/namespaces/demo/applications?includeObject=None&limit=7");
  CHECK(requests[1].path ==
        "/apis/kubectl-app.io/v1alpha1/namespaces/demo/applications?includeObject=None&limit=7"
        "&continue=next%20page");
  REQUIRE(got["rows"].size() == 2);
  CHECK(got["rows"][1]["cells"][0] == "b");
  CHECK(got["metadata"] == json{{"resourceVersion", "43"}});

  fake.transport.answer(200, table(res::kApplication, json::array()).dump());
  fake.client->list_table(res::kApplication, "", client::TableObject::Metadata);
  CHECK(fake.transport.requests().back().path ==
        "/apis/kubectl-app.io/v1alpha1/applications?includeObject=Metadata&limit=500");
}

TEST_CASE("list_table of a server that sends the plain list has no rows") {
  FakeClient fake;
  fake.transport.answer(200, json{{"kind", "ApplicationList"},
                                  {"metadata", {{"resourceVersion", "1"}}},
                                  {"items", json::array({{{"metadata", {{"name", "a"}}}}})}}
                                 .dump());
  const auto got = fake.client->list_table(res::kApplication, "demo", client::TableObject::None);
  CHECK_FALSE(got.contains("rows"));
  CHECK_FALSE(kapp::cli::rows_of_table(res::kApplication, got, false));
}

TEST_CASE("list still joins the items of every page") {
  FakeClient fake;
  fake.transport
      .answer(200, json{{"kind", "ApplicationList"},
                        {"metadata", {{"continue", "c"}}},
                        {"items", json::array({{{"metadata", {{"name", "a"}}}}})}}
                       .dump())
      .answer(200, json{{"kind", "ApplicationList"},
                        {"metadata", {{"resourceVersion", "9"}}},
                        {"items", json::array({{{"metadata", {{"name", "b"}}}}})}}
                       .dump());
  const auto got = fake.client->list(res::kApplication, "demo");
  CHECK(got["items"].size() == 2);
  CHECK(got["metadata"] == json{{"resourceVersion", "9"}});
  CHECK(fake.transport.requests()[0].accept == "application/json");
}
