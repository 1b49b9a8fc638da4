// What an AppLink renders into and how its status reads, without a server.
#include <catch2/catch.hpp>

#include "core/controllers/applink/spec.h"
#include "core/controllers/applink/status.h"
#include "core/render/applink.h"
#include "tests/unit/golden.h"

using kapp::controllers::applink::LinkState;
using kapp::controllers::applink::parse_spec;
using kapp::render::accepts_links_from;
using kapp::render::alias_service;
using kapp::render::Component;
using kapp::render::link_policy;
using kapp::render::link_ports;
using nlohmann::json;

namespace {

json link(json spec) {
  return {{"apiVersion", "kubectl-app.io/v1alpha1"},
          {"kind", "AppLink"},
          {"metadata", {{"name", "web-to-payments"}, {"namespace", "team-a"}, {"uid", "uid-l"}}},
          {"spec", std::move(spec)}};
}

json web_to_api(json ports = {8080}) {
  return {{"from", {{"application", "shop"}, {"component", "frontend"}}},
          {"to", {{"application", "payments"}, {"component", "api"}, {"namespace", "team-b"}}},
          {"ports", std::move(ports)}};
}

Component api() {
  return {"api",
          "Inline",
          {{"ports",
            {{{"name", "http"}, {"port", 8080}, {"targetPort", 9090}},
             {{"name", "grpc"}, {"port", 9000}, {"protocol", "TCP"}}}}}};
}

}  // namespace

TEST_CASE("a link's alias defaults to the target component and namespace") {
  CHECK(parse_spec(link(web_to_api())).alias == "api-team-b");
  auto spec = web_to_api();
  spec["alias"] = "pay";
  CHECK(parse_spec(link(spec)).alias == "pay");
}

TEST_CASE("a link renders an ExternalName alias and a policy in the target namespace") {
  const auto l = link(web_to_api());
  const auto spec = parse_spec(l);
  const auto ports = link_ports(spec, api());
  kapp::test::check_golden("render/applink.yaml",
                           kapp::test::as_yaml_stream({alias_service(l, spec, "cluster.local"),
                                                       link_policy(l, spec, ports.policy_ports)}));
}

TEST_CASE("a link's ports map to the target ports behind the Service") {
  const auto ports = link_ports(parse_spec(link(web_to_api({8080}))), api());
  CHECK(ports.policy_ports == json{{{"port", 9090}, {"protocol", "TCP"}}});
  CHECK(ports.unserved.empty());
}

TEST_CASE("a link without ports admits every port the target serves") {
  auto spec = web_to_api();
  spec.erase("ports");
  const auto ports = link_ports(parse_spec(link(spec)), api());
  CHECK(ports.policy_ports.size() == 2);
}

TEST_CASE("a port the target does not serve is reported, not admitted") {
  const auto ports = link_ports(parse_spec(link(web_to_api({8080, 7777}))), api());
  CHECK(ports.unserved == std::vector<int>{7777});
  CHECK(ports.policy_ports.size() == 1);
}

TEST_CASE("consent comes from the target's allowLinksFrom, with * for any namespace") {
  const json none = {{"spec", json::object()}};
  const json team_a = {{"spec", {{"allowLinksFrom", {"team-a"}}}}};
  const json any = {{"spec", {{"allowLinksFrom", {"*"}}}}};
  CHECK_FALSE(accepts_links_from(none, "team-a"));
  CHECK(accepts_links_from(team_a, "team-a"));
  CHECK_FALSE(accepts_links_from(team_a, "team-c"));
  CHECK(accepts_links_from(any, "team-c"));
}

TEST_CASE("a linked AppLink is Ready with its host") {
  const auto spec = parse_spec(link(web_to_api()));
  const auto status = link_status(spec, 3, {}, "api.team-b.svc.cluster.local");
  CHECK(status["phase"] == "Ready");
  CHECK(status["host"] == "api.team-b.svc.cluster.local");
  CHECK(status["observedGeneration"] == 3);
  CHECK(status["fromRef"] == "shop/frontend");
  CHECK(status["toRef"] == "team-b/payments/api");
  CHECK(status["conditions"][0]["reason"] == "Linked");
  CHECK(status["conditions"][0]["status"] == "True");
}

TEST_CASE("a link waiting for its target is Pending with the reason and no host") {
  const auto spec = parse_spec(link(web_to_api()));
  const auto status = link_status(spec, 1, {"NotAllowedByTarget", "add team-a"}, "h");
  CHECK(status["phase"] == "Pending");
  CHECK_FALSE(status.contains("host"));
  CHECK(status["conditions"][0]["reason"] == "NotAllowedByTarget");
  CHECK(status["conditions"][0]["message"] == "add team-a");
}

TEST_CASE("a link whose alias is taken is Failed") {
  const auto spec = parse_spec(link(web_to_api()));
  CHECK(link_status(spec, 1, {"AliasTaken", "taken"}, "h")["phase"] == "Failed");
}
