// The communication graph of `kubectl app graph`, without a server: core/render/graph.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "core/errors.h"
#include "core/objects/manifest.h"
#include "core/render/graph.h"
#include "core/util/files.h"
#include "tests/unit/golden.h"

using kapp::render::Graph;
using kapp::render::GraphApp;
using kapp::render::make_graph;
using kapp::render::to_dot;
using kapp::render::to_mermaid;
using kapp::render::to_text;
using nlohmann::json;

namespace {

struct Objects {
  std::vector<json> applications, components, links;
};

// A sample's documents as the verb reads them with -f.
Objects sample(const std::string& file) {
  const auto path = std::string(KAPP_SOURCE_DIR) + "/samples/" + file;
  auto manifests =
      kapp::objects::parse_manifests(kapp::util::read_file(path, "sample"), "samples/" + file);
  kapp::objects::prepare(manifests, "default");
  Objects out;
  for (const auto& m : manifests) {
    const auto kind = m.object.value("kind", "");
    if (kind == "Application") out.applications.push_back(m.object);
    if (kind == "Component") out.components.push_back(m.object);
    if (kind == "AppLink") out.links.push_back(m.object);
  }
  return out;
}

Graph graph_of(const Objects& o) { return make_graph(o.applications, o.components, o.links); }

json app(const std::string& ns, const std::string& name, json spec) {
  return {{"apiVersion", "kubectl-app.io/v1alpha1"},
          {"kind", "Application"},
          {"metadata", {{"name", name}, {"namespace", ns}}},
          {"spec", std::move(spec)}};
}

json component(const std::string& name, std::vector<int> ports = {}) {
  json c = {{"name", name}, {"image", "nginx:1.27"}};
  for (const auto p : ports) c["ports"].push_back({{"port", p}});
  return c;
}

json component_object(const std::string& ns, const std::string& name, const std::string& app) {
  return {{"apiVersion", "kubectl-app.io/v1alpha1"},
          {"kind", "Component"},
          {"metadata", {{"name", name}, {"namespace", ns}}},
          {"spec", {{"application", app}, {"image", "busybox:1.36"}}}};
}

json link_object(const std::string& ns, const std::string& name, json spec) {
  return {{"apiVersion", "kubectl-app.io/v1alpha1"},
          {"kind", "AppLink"},
          {"metadata", {{"name", name}, {"namespace", ns}}},
          {"spec", std::move(spec)}};
}

// The two applications of samples/links.yaml's shape, without the sample's details.
json web_to_api_link(json extra = json::object()) {
  json spec = {{"from", {{"application", "shop"}, {"component", "web"}}},
               {"to", {{"application", "payments"}, {"component", "api"}, {"namespace", "b"}}}};
  spec.update(extra);
  return link_object("a", "web-to-api", spec);
}

const GraphApp* find_app(const Graph& g, const std::string& ns, const std::string& name) {
  for (const auto& a : g.apps)
    if (a.namespace_name == ns && a.name == name) return &a;
  return nullptr;
}

}  // namespace

TEST_CASE("the shop sample's graph renders as the golden text, DOT and Mermaid") {
  const auto graph = graph_of(sample("shop.yaml"));
  kapp::test::check_golden("graph/shop.txt", to_text(graph));
  kapp::test::check_golden("graph/shop.dot", to_dot(graph));
  kapp::test::check_golden("graph/shop.mmd", to_mermaid(graph));
}

TEST_CASE("the links sample's graph renders as the golden text, DOT and Mermaid") {
  const auto graph = graph_of(sample("links.yaml"));
  kapp::test::check_golden("graph/links.txt", to_text(graph));
  kapp::test::check_golden("graph/links.dot", to_dot(graph));
  kapp::test::check_golden("graph/links.mmd", to_mermaid(graph));
}

TEST_CASE("the application at the other end of a link is an external node") {
  auto objects = sample("links.yaml");
  std::erase_if(objects.applications,
                [](const json& a) { return a["metadata"]["name"] != "shop"; });
  const auto graph = graph_of(objects);
  kapp::test::check_golden("graph/links-shop-only.txt", to_text(graph));
  kapp::test::check_golden("graph/links-shop-only.dot", to_dot(graph));
  kapp::test::check_golden("graph/links-shop-only.mmd", to_mermaid(graph));
  const auto* payments = find_app(graph, "team-b", "payments");
  REQUIRE(payments != nullptr);
  CHECK(payments->external);
  REQUIRE(payments->components.size() == 1);  // only what the link names
  CHECK(payments->components[0].name == "api");
}

TEST_CASE("a communication without ports gets every Service port of its target") {
  const auto graph =
      make_graph({app("demo", "shop",
                      {{"components", {component("web"), component("db", {5432, 9187})}},
                       {"internalCommunications", {{{"from", "web"}, {"to", "db"}}}}})},
                 {}, {});
  REQUIRE(graph.edges.size() == 1);
  CHECK(graph.edges[0].ports == std::vector<int>{5432, 9187});
  CHECK(to_text(graph).find("-> db  ports 5432,9187") != std::string::npos);
}

TEST_CASE("a communication's own ports are kept as given") {
  const auto graph = make_graph(
      {app("demo", "shop",
           {{"components", {component("web"), component("db", {5432, 9187})}},
            {"internalCommunications", {{{"from", "web"}, {"to", "db"}, {"ports", {5432}}}}}})},
      {}, {});
  CHECK(graph.edges.at(0).ports == std::vector<int>{5432});
}

TEST_CASE("a componentRef with no Component object is shown as missing") {
  const auto graph =
      make_graph({app("demo", "shop",
                      {{"components", {component("web")}},
                       {"componentRefs", {"worker"}},
                       {"internalCommunications", {{{"from", "worker"}, {"to", "web"}}}}})},
                 {}, {});
  const auto& components = graph.apps.at(0).components;
  REQUIRE(components.size() == 2);
  CHECK(components[1].name == "worker");
  CHECK(components[1].source == "Missing");
  CHECK(to_text(graph).find("worker  (missing") != std::string::npos);
  CHECK(to_dot(graph).find("\"demo/shop/worker\" [label=\"worker\\n(missing)\"") !=
        std::string::npos);
}

TEST_CASE("Component objects join only the application they name in their namespace") {
  const auto graph = make_graph(
      {app("demo", "shop", {{"components", {component("web")}}, {"componentRefs", {"worker"}}})},
      {component_object("demo", "worker", "shop"), component_object("demo", "other", "blog"),
       component_object("elsewhere", "stray", "shop")},
      {});
  const auto& components = graph.apps.at(0).components;
  REQUIRE(components.size() == 2);
  CHECK(components[1].name == "worker");
  CHECK(components[1].source == "Component");
}

TEST_CASE("Component objects are listed by name whatever order they come in") {
  const std::vector<json> apps = {app("demo", "shop", {{"components", {component("web")}}})};
  const auto forward = make_graph(
      apps, {component_object("demo", "a", "shop"), component_object("demo", "b", "shop")}, {});
  const auto backward = make_graph(
      apps, {component_object("demo", "b", "shop"), component_object("demo", "a", "shop")}, {});
  CHECK(to_dot(forward) == to_dot(backward));
  CHECK(to_text(forward) == to_text(backward));
}

TEST_CASE("a link's phase and alias are shown when present") {
  auto l = web_to_api_link({{"ports", {8080}}, {"alias", "pay"}});
  l["status"] = {{"phase", "Ready"}};
  const auto graph = make_graph({app("a", "shop", {{"components", {component("web")}}})}, {}, {l});
  CHECK(
      to_text(graph).find("-> b/payments/api  ports 8080  AppLink web-to-api (alias pay, Ready)") !=
      std::string::npos);
  CHECK(to_dot(graph).find("[label=\"web-to-api (Ready)\\n8080\", style=dashed]") !=
        std::string::npos);
  CHECK(to_mermaid(graph).find(" -.->|\"web-to-api (Ready): 8080\"| ") != std::string::npos);
}

TEST_CASE("a link to an external component without ports is labelled all ports") {
  const auto graph =
      make_graph({app("a", "shop", {{"components", {component("web")}}})}, {}, {web_to_api_link()});
  REQUIRE(graph.edges.size() == 1);
  CHECK(graph.edges[0].ports.empty());
  CHECK(to_text(graph).find("-> b/payments/api  all ports  AppLink web-to-api") !=
        std::string::npos);
}

TEST_CASE("a link without ports gets every port of a target given in full") {
  const auto graph =
      make_graph({app("a", "shop", {{"components", {component("web")}}}),
                  app("b", "payments", {{"components", {component("api", {8080, 9090})}}})},
                 {}, {web_to_api_link()});
  CHECK(graph.edges.at(0).ports == std::vector<int>{8080, 9090});
}

TEST_CASE("a link that reaches an application is shown under its target component") {
  const auto graph =
      make_graph({app("b", "payments", {{"components", {component("api", {8080})}}})}, {},
                 {web_to_api_link()});
  CHECK(to_text(graph).find("<- a/shop/web  ports 8080  AppLink a/web-to-api") !=
        std::string::npos);
  const auto* shop = find_app(graph, "a", "shop");
  REQUIRE(shop != nullptr);
  CHECK(shop->external);
}

TEST_CASE("links that touch none of the applications are left out") {
  const auto graph =
      make_graph({app("c", "blog", {{"components", {component("web")}}})}, {}, {web_to_api_link()});
  CHECK(graph.edges.empty());
  CHECK(graph.apps.size() == 1);
}

TEST_CASE("a link's target namespace defaults to the link's own") {
  auto l = web_to_api_link();
  l["spec"]["to"].erase("namespace");
  const auto graph = make_graph({app("a", "shop", {{"components", {component("web")}}})}, {}, {l});
  CHECK(graph.edges.at(0).to.qualified() == "a/payments/api");
}

TEST_CASE("an AppLink without spec.from.application is an input error naming it") {
  auto l = web_to_api_link();
  l["spec"]["from"].erase("application");
  CHECK_THROWS_WITH(make_graph({app("a", "shop", {{"components", {component("web")}}})}, {}, {l}),
                    "AppLink a/web-to-api: spec.from.application is required (a non-empty string)");
  CHECK_THROWS_AS(make_graph({app("a", "shop", {{"components", {component("web")}}})}, {}, {l}),
                  kapp::InputError);
}

TEST_CASE("an application given twice is an input error") {
  const auto shop = app("a", "shop", {{"components", {component("web")}}});
  CHECK_THROWS_AS(make_graph({shop, shop}, {}, {}), kapp::InputError);
}

TEST_CASE("applications are drawn in namespace and name order whatever order they come in") {
  const auto x = app("b", "x", {{"components", {component("web")}}});
  const auto y = app("a", "y", {{"components", {component("web")}}});
  CHECK(to_mermaid(make_graph({x, y}, {}, {})) == to_mermaid(make_graph({y, x}, {}, {})));
  CHECK(make_graph({x, y}, {}, {}).apps.at(0).name == "y");
}

TEST_CASE("DOT ids and labels are quoted and escaped") {
  auto a = app("demo", "shop", {{"components", {component("web")}}});
  a["metadata"]["name"] = "sh\"op";
  const auto dot = to_dot(make_graph({a}, {}, {}));
  CHECK(dot.find("subgraph \"cluster_demo_sh\\\"op\" {") != std::string::npos);
  CHECK(dot.find("\"demo/sh\\\"op/web\" [label=") != std::string::npos);
}

TEST_CASE("Graphviz renders the DOT output as SVG") {
  const auto dir =
      std::filesystem::temp_directory_path() / ("kapp-graph-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto input = (dir / "links.dot").string();
  const auto output = (dir / "links.svg").string();
  std::ofstream(input) << to_dot(graph_of(sample("links.yaml")));
  const auto command =
      "dot -Tsvg '" + input + "' -o '" + output + "' 2>'" + (dir / "dot.err").string() + "'";
  const int status = std::system(command.c_str());
  INFO("dot: " << kapp::util::read_file_if_exists((dir / "dot.err").string()).value_or("")
               << " (Graphviz comes with hack/install-deps.sh)");
  CHECK(status == 0);
  const auto svg = kapp::util::read_file_if_exists(output).value_or("");
  CHECK(svg.find("<svg") != std::string::npos);
  CHECK(svg.find("web&#45;to&#45;payments") != std::string::npos);
  std::filesystem::remove_all(dir);
}
