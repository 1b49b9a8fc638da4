// AppLinks end to end: the controllers in-process, watching the two namespaces of a test,
// against the real control plane. Links need the Applications, not running pods.
#include <catch2/catch.hpp>

#include "core/client/resource.h"
#include "core/names.h"
#include "core/render/applink.h"
#include "tests/support/cluster.h"
#include "tests/support/controller.h"
#include "tests/support/network_policy.h"
#include "tests/support/objects.h"

using namespace kapp::test;
using namespace std::chrono_literals;
using nlohmann::json;
namespace res = kapp::client::resources;

namespace {

constexpr auto kLinkResync = 500ms;

// payments/api serves 8080 (to pods' 9090) and 9000: the link's ports map like a Service's.
json payments(const std::string& ns, json allow_links_from) {
  json api = component("api", {{"ports",
                                {{{"name", "http"}, {"port", 8080}, {"targetPort", 9090}},
                                 {{"name", "admin"}, {"port", 9000}}}}});
  return application(ns, "payments", {api, component("db")},
                     {{"allowLinksFrom", std::move(allow_links_from)}});
}

json shop(const std::string& ns) {
  return application(ns, "shop", {component("frontend"), component("cart")});
}

// The name the controller gives the link's NetworkPolicy in the target namespace.
std::string link_policy_name(const std::string& ns, const std::string& to_ns) {
  return kapp::render::link_policy_name(
      kapp::controllers::applink::parse_spec(app_link(ns, to_ns)));
}

// Two teams' namespaces, the controllers watching both; links are deleted (and their
// finalizers honoured) before the controllers stop, so no namespace is left terminating.
struct TwoTeams {
  TestNamespace a, b;
  RunningControllers controllers{std::vector<std::string>{a.name(), b.name()}, kLinkResync};

  ~TwoTeams() {
    try {
      const auto links = admin().list(res::kAppLink, a.name());
      for (const auto& l : links["items"])
        admin().remove(res::kAppLink, a.name(), l["metadata"].value("name", ""));
      eventually([&] { return admin().list(res::kAppLink, a.name())["items"].empty(); });
    } catch (...) {
      // The cluster goes away at the end of the run anyway.
    }
  }

  // shop in a, payments in b consenting as `allow` says, and the link from one to the other.
  void create_all(json allow) const {
    admin().create(res::kApplication, a.name(), shop(a.name()));
    admin().create(res::kApplication, b.name(), payments(b.name(), std::move(allow)));
    admin().create(res::kAppLink, a.name(), app_link(a.name(), b.name()));
  }

  std::string reason() const {
    return condition(status_of(res::kAppLink, a.name(), "web-to-payments"), "Ready")
        .value("reason", "");
  }
  bool has_reason(const std::string& expected) const {
    const auto status = status_of(res::kAppLink, a.name(), "web-to-payments");
    const auto object = admin().get_if_exists(res::kAppLink, a.name(), "web-to-payments");
    return object && reason() == expected &&
           status.value("observedGeneration", 0LL) ==
               (*object)["metadata"].value("generation", -1LL);
  }
  std::string policy_name() const { return link_policy_name(a.name(), b.name()); }
  bool has_policy() const { return exists(res::kNetworkPolicy, b.name(), policy_name()); }
  std::vector<json> policies() const {
    const auto list = admin().list(res::kNetworkPolicy, b.name());
    return list["items"].get<std::vector<json>>();
  }
  PodRef pod(const std::string& ns, const std::string& app, const std::string& comp) const {
    return {ns, {{"kubectl-app.io/application", app}, {"kubectl-app.io/component", comp}}};
  }
};

}  // namespace

TEST_CASE("a link's alias resolves to the target FQDN and its policy admits only the source pods") {
  TwoTeams t;
  t.create_all({t.a.name()});
  // The target application's own policies close its components to everyone else.
  REQUIRE(eventually([&] {
    return t.has_reason("Linked") && t.has_policy() &&
           exists(res::kNetworkPolicy, t.b.name(), "api") &&
           exists(res::kNetworkPolicy, t.b.name(), "db");
  }));

  const auto host = "api." + t.b.name() + ".svc.cluster.local";
  const auto status = status_of(res::kAppLink, t.a.name(), "web-to-payments");
  CHECK(status["phase"] == "Ready");
  CHECK(status["host"] == host);
  CHECK(status["toRef"] == t.b.name() + "/payments/api");
  const auto alias = admin().get(res::kService, t.a.name(), "payments-api");
  CHECK(alias["spec"]["type"] == "ExternalName");
  CHECK(alias["spec"]["externalName"] == host);

  const auto policies = t.policies();
  const auto api = t.pod(t.b.name(), "payments", "api");
  // The caller dials the Service's 8080; the pods listen on 9090 behind it.
  CHECK(admits(policies, t.pod(t.a.name(), "shop", "frontend"), api, 9090));
  CHECK_FALSE(admits(policies, t.pod(t.a.name(), "shop", "frontend"), api, 9000));
  CHECK_FALSE(admits(policies, t.pod(t.a.name(), "shop", "cart"), api, 9090));
  CHECK_FALSE(admits(policies, t.pod("elsewhere", "shop", "frontend"), api, 9090));
  CHECK_FALSE(admits(policies, t.pod(t.a.name(), "shop", "frontend"),
                     t.pod(t.b.name(), "payments", "db"), 80));
  CHECK(eventually([&] { return has_event(t.a.name(), "web-to-payments", "Linked"); }));

  // The target's status names the policy that admits the link, next to its own.
  const auto shown = kubectl_app({"status", "payments", "-n", t.b.name()});
  CHECK_THAT(shown.out, Catch::Contains("incoming api <- " + t.a.name() + "/shop/frontend, " +
                                        "ports 8080: Ready") &&
                            Catch::Contains("admitted by NetworkPolicy " + t.policy_name()));
}

TEST_CASE("a link follows the target's consent without a restart") {
  TwoTeams t;
  t.create_all(json::array());
  REQUIRE(eventually([&] { return t.has_reason("NotAllowedByTarget"); }));
  CHECK(status_of(res::kAppLink, t.a.name(), "web-to-payments")["phase"] == "Pending");
  CHECK_FALSE(t.has_policy());
  CHECK_THAT(condition(status_of(res::kAppLink, t.a.name(), "web-to-payments"), "Ready")
                 .value("message", ""),
             Catch::Contains("allowLinksFrom"));

  admin().merge_patch(res::kApplication, t.b.name(), "payments",
                      {{"spec", {{"allowLinksFrom", {t.a.name()}}}}});
  REQUIRE(eventually([&] { return t.has_reason("Linked") && t.has_policy(); }));

  admin().merge_patch(res::kApplication, t.b.name(), "payments",
                      {{"spec", {{"allowLinksFrom", json::array()}}}});
  REQUIRE(eventually([&] { return t.has_reason("NotAllowedByTarget") && !t.has_policy(); }));
  CHECK_FALSE(exists(res::kService, t.a.name(), "payments-api"));
}

TEST_CASE("a link waits while its target application is gone and recovers when it returns") {
  TwoTeams t;
  t.create_all({"*"});
  REQUIRE(eventually([&] { return t.has_reason("Linked") && t.has_policy(); }));

  admin().remove(res::kApplication, t.b.name(), "payments");
  REQUIRE(eventually([&] { return t.has_reason("TargetNotFound") && !t.has_policy(); }));

  REQUIRE(eventually([&] { return !exists(res::kApplication, t.b.name(), "payments"); }));
  admin().create(res::kApplication, t.b.name(), payments(t.b.name(), {"*"}));
  REQUIRE(eventually([&] { return t.has_reason("Linked") && t.has_policy(); }));
}

TEST_CASE("a link's policy follows the target's ports and names a port it does not serve") {
  TwoTeams t;
  t.create_all({t.a.name()});
  REQUIRE(eventually([&] { return t.has_reason("Linked") && t.has_policy(); }));

  // The target moves its pods' port behind the same Service port.
  update_latest(res::kApplication, t.b.name(), "payments",
                [](json& app) { app["spec"]["components"][0]["ports"][0]["targetPort"] = 9191; });
  const auto frontend = t.pod(t.a.name(), "shop", "frontend");
  const auto api = t.pod(t.b.name(), "payments", "api");
  REQUIRE(eventually([&] {
    const auto policies = t.policies();
    return admits(policies, frontend, api, 9191) && !admits(policies, frontend, api, 9090);
  }));

  admin().merge_patch(res::kAppLink, t.a.name(), "web-to-payments",
                      {{"spec", {{"ports", {8080, 7777}}}}});
  REQUIRE(eventually([&] { return t.has_reason("PortNotServed") && !t.has_policy(); }));
  CHECK_THAT(condition(status_of(res::kAppLink, t.a.name(), "web-to-payments"), "Ready")
                 .value("message", ""),
             Catch::Contains("7777"));
}

TEST_CASE("an alias taken by a foreign Service fails the link and leaves that Service alone") {
  TwoTeams t;
  const json foreign = {{"apiVersion", "v1"},
                        {"kind", "Service"},
                        {"metadata", {{"name", "payments-api"}, {"namespace", t.a.name()}}},
                        {"spec", {{"ports", {{{"port", 1234}}}}}}};
  admin().create(res::kService, t.a.name(), foreign);
  t.create_all({t.a.name()});
  REQUIRE(eventually([&] { return t.has_reason("AliasTaken"); }));
  CHECK(status_of(res::kAppLink, t.a.name(), "web-to-payments")["phase"] == "Failed");
  const auto live = admin().get(res::kService, t.a.name(), "payments-api");
  CHECK(live["spec"].value("type", "") == "ClusterIP");
  CHECK(live["spec"]["ports"][0]["port"] == 1234);
  CHECK_FALSE(live["metadata"].contains("ownerReferences"));
  CHECK_FALSE(t.has_policy());
}

TEST_CASE("a link whose alias changes prunes the old alias") {
  TwoTeams t;
  t.create_all({t.a.name()});
  REQUIRE(eventually([&] { return exists(res::kService, t.a.name(), "payments-api"); }));
  admin().merge_patch(res::kAppLink, t.a.name(), "web-to-payments", {{"spec", {{"alias", "pay"}}}});
  REQUIRE(eventually([&] {
    return exists(res::kService, t.a.name(), "pay") &&
           !exists(res::kService, t.a.name(), "payments-api") && t.has_reason("Linked");
  }));
}

TEST_CASE("deleting a link removes its objects on both sides") {
  TwoTeams t;
  t.create_all({t.a.name()});
  REQUIRE(eventually([&] { return t.has_reason("Linked") && t.has_policy(); }));
  CHECK(admin().get(res::kAppLink, t.a.name(), "web-to-payments")["metadata"]["finalizers"] ==
        json{kapp::names::kLinkFinalizer});

  admin().remove(res::kAppLink, t.a.name(), "web-to-payments");
  REQUIRE(eventually([&] {
    return !exists(res::kAppLink, t.a.name(), "web-to-payments") && !t.has_policy() &&
           !exists(res::kService, t.a.name(), "payments-api");
  }));
}

TEST_CASE("a link deleted while no controller runs is cleaned up by the next controller") {
  TestNamespace a, b;
  admin().create(res::kApplication, a.name(), shop(a.name()));
  admin().create(res::kApplication, b.name(), payments(b.name(), {a.name()}));
  const auto policy = link_policy_name(a.name(), b.name());
  {
    RunningControllers controllers(std::vector<std::string>{a.name(), b.name()}, kLinkResync);
    admin().create(res::kAppLink, a.name(), app_link(a.name(), b.name()));
    REQUIRE(eventually([&] { return exists(res::kNetworkPolicy, b.name(), policy); }));
  }
  admin().remove(res::kAppLink, a.name(), "web-to-payments");
  // The finalizer holds it while nobody can clean up.
  CHECK(exists(res::kAppLink, a.name(), "web-to-payments"));
  CHECK(exists(res::kNetworkPolicy, b.name(), policy));

  RunningControllers controllers(std::vector<std::string>{a.name(), b.name()}, kLinkResync);
  REQUIRE(eventually([&] {
    return !exists(res::kAppLink, a.name(), "web-to-payments") &&
           !exists(res::kNetworkPolicy, b.name(), policy);
  }));
}

TEST_CASE("a link to a namespace the controller does not watch says so") {
  TestNamespace a, b;
  RunningControllers controllers(a.name(), kLinkResync);
  admin().create(res::kApplication, a.name(), shop(a.name()));
  admin().create(res::kApplication, b.name(), payments(b.name(), {a.name()}));
  admin().create(res::kAppLink, a.name(), app_link(a.name(), b.name()));
  REQUIRE(eventually([&] {
    return condition(status_of(res::kAppLink, a.name(), "web-to-payments"), "Ready")
               .value("reason", "") == "NamespaceNotWatched";
  }));
  CHECK_THAT(condition(status_of(res::kAppLink, a.name(), "web-to-payments"), "Ready")
                 .value("message", ""),
             Catch::Contains(b.name()));
  CHECK(admin().list(res::kNetworkPolicy, b.name())["items"].empty());
  // Nothing it cannot clean up holds the link: no finalizer.
  CHECK_FALSE(
      admin().get(res::kAppLink, a.name(), "web-to-payments")["metadata"].contains("finalizers"));
}

TEST_CASE("a steady state with links in place makes no write requests for a minute") {
  TwoTeams t;
  t.create_all({t.a.name()});
  REQUIRE(eventually([&] { return t.has_reason("Linked") && t.has_policy(); }));
  // Settled once two seconds (four resyncs) pass without a write.
  REQUIRE(eventually(
      [&] {
        const auto now = writes();
        return !eventually([&] { return writes() > now; }, 2s);
      },
      90s));

  const auto before_writes = writes();
  const auto before_reconciles = reconciles("applink");
  CHECK_FALSE(eventually([&] { return writes() > before_writes; }, 60s));
  INFO("reconciles: " << reconciles("applink") - before_reconciles);
  CHECK(reconciles("applink") - before_reconciles >= 100);
  CHECK(writes() == before_writes);
}

namespace {

const auto kOffloadingType = [] {
  return admin().resource_for("offloading.liqo.io/v1beta1", "NamespaceOffloading");
};

json selector(const std::string& region) {
  return {{"nodeSelectorTerms",
           {{{"matchExpressions",
              {{{"key", "liqo.io/region"}, {"operator", "In"}, {"values", {region}}}}}}}}};
}

json offloaded_shop(const std::string& ns, const std::string& region) {
  auto app = shop(ns);
  app["spec"]["offloading"] = {{"podOffloadingStrategy", "Remote"},
                               {"clusterSelector", selector(region)}};
  return app;
}

std::string offloading_reason(const kapp::client::ResourceType& type, const std::string& ns,
                              const std::string& name) {
  return condition(status_of(type, ns, name), "OffloadingReady").value("reason", "");
}

}  // namespace

TEST_CASE("a link from an offloaded application offloads the target namespace the same way") {
  TwoTeams t;
  admin().create(res::kApplication, t.a.name(), offloaded_shop(t.a.name(), "eu"));
  admin().create(res::kApplication, t.b.name(), payments(t.b.name(), {t.a.name()}));
  admin().create(res::kAppLink, t.a.name(), app_link(t.a.name(), t.b.name()));
  const auto type = kOffloadingType();
  REQUIRE(eventually([&] {
    return t.has_reason("Linked") &&
           offloading_reason(res::kAppLink, t.a.name(), "web-to-payments") == "Offloaded";
  }));
  // Accepted by Liqo's own CRD schema, in the other namespace.
  const auto offloading = admin().get(type, t.b.name(), "offloading");
  CHECK(offloading["spec"]["namespaceMappingStrategy"] == "EnforceSameName");
  CHECK(offloading["spec"]["clusterSelector"] == selector("eu"));
  CHECK(offloading["metadata"]["labels"][kapp::names::kLinkLabel] == "web-to-payments");
  REQUIRE(eventually([&] { return exists(type, t.a.name(), "offloading"); }));  // the app's own

  admin().remove(res::kAppLink, t.a.name(), "web-to-payments");
  REQUIRE(eventually([&] { return !exists(type, t.b.name(), "offloading"); }));
  CHECK(exists(type, t.a.name(), "offloading"));  // the source application's own stays
}

TEST_CASE(
    "two applications asking one namespace for different offloading: one owner, no flapping") {
  TestNamespace ns;
  RunningControllers controllers(ns.name(), kLinkResync);
  admin().create(res::kApplication, ns.name(), offloaded_shop(ns.name(), "eu"));
  const auto type = kOffloadingType();
  REQUIRE(eventually(
      [&] { return offloading_reason(res::kApplication, ns.name(), "shop") == "Applied"; }));
  auto other = payments(ns.name(), json::array());
  other["spec"]["offloading"] = {{"clusterSelector", selector("us")}};
  admin().create(res::kApplication, ns.name(), other);
  REQUIRE(eventually(
      [&] { return offloading_reason(res::kApplication, ns.name(), "payments") == "Conflict"; }));
  CHECK_THAT(condition(status_of(res::kApplication, ns.name(), "payments"), "OffloadingReady")
                 .value("message", ""),
             Catch::Contains("Application " + ns.name() + "/shop"));

  // Over several resync periods nobody writes over the other.
  const auto version = admin().get(type, ns.name(), "offloading")["metadata"]["resourceVersion"];
  CHECK_FALSE(eventually(
      [&] {
        return admin().get(type, ns.name(), "offloading")["metadata"]["resourceVersion"] != version;
      },
      3s));
  CHECK(admin().get(type, ns.name(), "offloading")["spec"]["clusterSelector"] == selector("eu"));
  CHECK(offloading_reason(res::kApplication, ns.name(), "shop") == "Applied");
}

TEST_CASE("an application agreeing with a link's offloading of its namespace shares it") {
  TwoTeams t;
  admin().create(res::kApplication, t.a.name(), offloaded_shop(t.a.name(), "eu"));
  auto target = payments(t.b.name(), {t.a.name()});
  admin().create(res::kApplication, t.b.name(), target);
  admin().create(res::kAppLink, t.a.name(), app_link(t.a.name(), t.b.name()));
  REQUIRE(eventually([&] {
    return offloading_reason(res::kAppLink, t.a.name(), "web-to-payments") == "Offloaded";
  }));
  // The target asks for the same clusters with EnforceSameName: no conflict, no takeover.
  admin().merge_patch(res::kApplication, t.b.name(), "payments",
                      {{"spec", {{"offloading", {{"clusterSelector", selector("eu")}}}}}});
  REQUIRE(eventually(
      [&] { return offloading_reason(res::kApplication, t.b.name(), "payments") == "Applied"; }));
  const auto live = admin().get(kOffloadingType(), t.b.name(), "offloading");
  CHECK(live["metadata"]["labels"][kapp::names::kLinkLabel] == "web-to-payments");

  // The link goes: the application that shares it takes it over, never un-offloaded between.
  const auto uid = live["metadata"]["uid"];
  admin().remove(res::kAppLink, t.a.name(), "web-to-payments");
  REQUIRE(eventually([&] { return !exists(res::kAppLink, t.a.name(), "web-to-payments"); }));
  const auto kept = admin().get(kOffloadingType(), t.b.name(), "offloading");
  CHECK(kept["metadata"]["uid"] == uid);
  CHECK(kept["metadata"]["ownerReferences"][0]["name"] == "payments");
  CHECK_FALSE(kept["metadata"].value("labels", json::object()).contains(kapp::names::kLinkLabel));
  CHECK(offloading_reason(res::kApplication, t.b.name(), "payments") == "Applied");
}

TEST_CASE("a link within one namespace owns its policy and needs no finalizer") {
  TestNamespace ns;
  RunningControllers controllers(ns.name(), kLinkResync);
  admin().create(res::kApplication, ns.name(), shop(ns.name()));
  admin().create(res::kApplication, ns.name(), payments(ns.name(), {ns.name()}));
  admin().create(res::kAppLink, ns.name(), app_link(ns.name(), ns.name()));
  const auto policy = link_policy_name(ns.name(), ns.name());
  REQUIRE(eventually([&] { return exists(res::kNetworkPolicy, ns.name(), policy); }));
  const auto live = admin().get(res::kNetworkPolicy, ns.name(), policy);
  CHECK(live["metadata"]["ownerReferences"][0]["kind"] == "AppLink");
  CHECK_FALSE(
      admin().get(res::kAppLink, ns.name(), "web-to-payments")["metadata"].contains("finalizers"));
}
