// The link and unlink verbs, one scenario each, driving the real binary against the cluster.
// No controller runs here, so links stay without status and without a finalizer.
#include <catch2/catch.hpp>

#include <algorithm>

#include "core/client/resource.h"
#include "core/yaml/yaml.h"
#include "tests/support/cluster.h"
#include "tests/support/objects.h"

using namespace kapp::test;
using nlohmann::json;
namespace res = kapp::client::resources;

namespace {

std::size_t link_count(const std::string& ns) {
  return admin().list(res::kAppLink, ns)["items"].size();
}

}  // namespace

TEST_CASE("link creates the AppLink in the source namespace with the spec asked for") {
  install_crds();
  TestNamespace source;
  TestNamespace target;
  create_application(source.name(), "shop");
  create_application(target.name(), "payments", {source.name()});

  const auto result =
      kubectl_app({"link", "shop/web", "payments/web", "-n", source.name(), "--to-namespace",
                   target.name(), "--port", "80", "--alias", "pay"});
  INFO(text_of(result));
  REQUIRE(result.exit_code == 0);
  CHECK(result.out == "applink.kubectl-app.io/shop-web-to-payments-web created\n");
  CHECK(result.err.empty());  // the target consents: nothing to warn about
  const auto link = admin().get(res::kAppLink, source.name(), "shop-web-to-payments-web");
  CHECK(link["spec"]["from"] == json{{"application", "shop"}, {"component", "web"}});
  CHECK(link["spec"]["to"] ==
        json{{"application", "payments"}, {"component", "web"}, {"namespace", target.name()}});
  CHECK(link["spec"]["ports"] == json{80});
  CHECK(link["spec"]["alias"] == "pay");
}

TEST_CASE("link defaults the target namespace to the source's and takes --name") {
  install_crds();
  TestNamespace ns;
  create_application(ns.name(), "shop");
  create_application(ns.name(), "payments", {"*"});

  const auto result = kubectl_app({"link", "shop/web", "payments/web", "-n", ns.name(), "--port",
                                   "80,8080", "--port", "9090", "--name", "to-payments"});
  INFO(text_of(result));
  REQUIRE(result.exit_code == 0);
  CHECK(result.out == "applink.kubectl-app.io/to-payments created\n");
  CHECK(result.err.empty());
  const auto spec = admin().get(res::kAppLink, ns.name(), "to-payments")["spec"];
  CHECK(spec["to"]["namespace"] == ns.name());
  CHECK(spec["ports"] == json{80, 8080, 9090});
  CHECK_FALSE(spec.contains("alias"));  // the CRD's default applies
}

TEST_CASE("link warns in one line when the target application does not accept the link yet") {
  install_crds();
  TestNamespace source;
  TestNamespace target;
  create_application(source.name(), "shop");
  create_application(target.name(), "payments");  // no allowLinksFrom

  const auto result = kubectl_app(
      {"link", "shop/web", "payments/web", "-n", source.name(), "--to-namespace", target.name()});
  INFO(text_of(result));
  REQUIRE(result.exit_code == 0);
  CHECK(result.out == "applink.kubectl-app.io/shop-web-to-payments-web created\n");
  CHECK(result.err == "Warning: application " + target.name() + "/payments" +
                          " does not accept links from namespace " + source.name() +
                          " yet: add \"" + source.name() +
                          "\" to its spec.allowLinksFrom; the link stays Pending until then\n");
  CHECK(link_count(source.name()) == 1);
}

TEST_CASE("link warns in one line when the target application does not exist") {
  install_crds();
  TestNamespace ns;
  create_application(ns.name(), "shop");

  const auto result = kubectl_app({"link", "shop/web", "payments/api", "-n", ns.name()});
  INFO(text_of(result));
  REQUIRE(result.exit_code == 0);
  CHECK(result.out == "applink.kubectl-app.io/shop-web-to-payments-api created\n");
  CHECK_THAT(result.err, Catch::StartsWith("Warning: application " + ns.name() +
                                           "/payments not found; the link stays Pending"));
  CHECK(std::count(result.err.begin(), result.err.end(), '\n') == 1);
}

TEST_CASE("link fails and writes nothing when the source application does not exist") {
  install_crds();
  TestNamespace ns;
  create_application(ns.name(), "payments", {"*"});

  const auto result = kubectl_app({"link", "shop/web", "payments/web", "-n", ns.name()});
  CHECK(result.exit_code == 1);
  CHECK(result.out.empty());
  CHECK(result.err == "error: application " + ns.name() + "/shop not found; create it first\n");
  CHECK(link_count(ns.name()) == 0);
}

TEST_CASE("link --dry-run=client prints the AppLink and writes nothing") {
  install_crds();
  TestNamespace ns;
  create_application(ns.name(), "shop");

  const auto result =
      kubectl_app({"link", "shop/web", "payments/api", "-n", ns.name(), "--to-namespace", "team-b",
                   "--port", "8080", "--dry-run=client"});
  INFO(text_of(result));
  REQUIRE(result.exit_code == 0);
  const auto printed = kapp::yaml::parse_all(result.out, "stdout")[0];
  CHECK(printed["kind"] == "AppLink");
  CHECK(printed["metadata"]["name"] == "shop-web-to-payments-api");
  CHECK(printed["metadata"]["namespace"] == ns.name());
  CHECK(printed["spec"]["to"]["namespace"] == "team-b");
  CHECK(printed["spec"]["ports"] == json{8080});
  CHECK(link_count(ns.name()) == 0);

  // No cluster needed at all.
  const auto offline = run({KAPP_BINARY, "link", "shop/web", "payments/api", "-n", "any",
                            "--dry-run=client", "-o", "name"},
                           {{"KUBECONFIG", "/nonexistent/kubeconfig"}});
  INFO(offline.err);
  CHECK(offline.exit_code == 0);
  CHECK(offline.out == "applink.kubectl-app.io/shop-web-to-payments-api\n");
}

TEST_CASE("link --dry-run=server checks with the server and writes nothing") {
  install_crds();
  TestNamespace ns;
  create_application(ns.name(), "shop");
  create_application(ns.name(), "payments", {ns.name()});

  const auto result = kubectl_app(
      {"link", "shop/web", "payments/web", "-n", ns.name(), "--dry-run=server", "-o", "name"});
  INFO(text_of(result));
  REQUIRE(result.exit_code == 0);
  CHECK(result.out == "applink.kubectl-app.io/shop-web-to-payments-web\n");
  CHECK(link_count(ns.name()) == 0);
}

TEST_CASE("link -o yaml prints the AppLink the server stored") {
  install_crds();
  TestNamespace ns;
  create_application(ns.name(), "shop");
  create_application(ns.name(), "payments", {ns.name()});

  const auto result =
      kubectl_app({"link", "shop/web", "payments/web", "-n", ns.name(), "-o", "yaml"});
  INFO(text_of(result));
  REQUIRE(result.exit_code == 0);
  const auto printed = kapp::yaml::parse_all(result.out, "stdout")[0];
  CHECK(printed["kind"] == "AppLink");
  CHECK(printed["metadata"]["name"] == "shop-web-to-payments-web");
  CHECK_FALSE(printed["metadata"].value("uid", "").empty());  // stored, not just printed
  CHECK(printed["spec"]["from"]["application"] == "shop");
}

TEST_CASE("link rejects malformed endpoints, ports and names with one line") {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"link", "shop", "payments/web"},
           {"link", "shop/web", "payments/web/extra"},
           {"link", "shop/web"},
           {"link", "shop/web", "payments/web", "--port", "70000"},
           {"link", "shop/web", "payments/web", "--port", "http"},
           {"link", "Shop/web", "payments/web"},
           {"link", "shop/web", "payments/web", "--name", "Not_A_Name"},
           {"link", "shop/web", "payments/web", "--name", std::string(64, 'a')}}) {
    auto with_dry_run = args;
    with_dry_run.push_back("--dry-run=client");
    const auto result = run([&] {
      std::vector<std::string> argv{KAPP_BINARY};
      argv.insert(argv.end(), with_dry_run.begin(), with_dry_run.end());
      return argv;
    }());
    INFO(args[1] + " " + (args.size() > 2 ? args[2] : ""));
    CHECK(result.exit_code == 1);
    CHECK(result.out.empty());
    CHECK_THAT(result.err, Catch::StartsWith("error: "));
    CHECK(std::count(result.err.begin(), result.err.end(), '\n') == 1);
  }
}

TEST_CASE("unlink deletes the AppLink at once when no finalizer holds it") {
  install_crds();
  TestNamespace ns;
  create_application(ns.name(), "shop");
  REQUIRE(kubectl_app({"link", "shop/web", "payments/web", "-n", ns.name()}).exit_code == 0);

  const auto result =
      kubectl_app({"unlink", "shop-web-to-payments-web", "-n", ns.name(), "--wait"});
  INFO(text_of(result));
  REQUIRE(result.exit_code == 0);
  CHECK(result.out == "applink.kubectl-app.io \"shop-web-to-payments-web\" deleted\n");
  CHECK_FALSE(admin().get_if_exists(res::kAppLink, ns.name(), "shop-web-to-payments-web"));
}

TEST_CASE("unlink of a missing AppLink fails unless --ignore-not-found") {
  install_crds();
  TestNamespace ns;
  const auto missing = kubectl_app({"unlink", "nothere", "-n", ns.name()});
  CHECK(missing.exit_code == 1);
  CHECK(missing.err ==
        "Error from server (NotFound): applinks.kubectl-app.io \"nothere\" not found\n");
  const auto ignored = kubectl_app({"unlink", "nothere", "-n", ns.name(), "--ignore-not-found"});
  CHECK(ignored.exit_code == 0);
  CHECK(ignored.out.empty());
}

TEST_CASE("unlink --dry-run=server leaves the AppLink in place") {
  install_crds();
  TestNamespace ns;
  create_application(ns.name(), "shop");
  REQUIRE(kubectl_app({"link", "shop/web", "payments/web", "-n", ns.name()}).exit_code == 0);
  const auto result =
      kubectl_app({"unlink", "shop-web-to-payments-web", "-n", ns.name(), "--dry-run=server"});
  INFO(text_of(result));
  CHECK(result.exit_code == 0);
  CHECK(result.out ==
        "applink.kubectl-app.io \"shop-web-to-payments-web\" deleted (server dry run)\n");
  CHECK(link_count(ns.name()) == 1);
}

TEST_CASE("link then status and get show the link from both ends") {
  install_crds();
  TestNamespace source;
  TestNamespace target;
  create_application(source.name(), "shop");
  create_application(target.name(), "payments", {source.name()});
  REQUIRE(kubectl_app({"link", "shop/web", "payments/web", "-n", source.name(), "--to-namespace",
                       target.name(), "--port", "80"})
              .exit_code == 0);

  const auto from = kubectl_app({"status", "shop", "-n", source.name()});
  INFO(text_of(from));
  REQUIRE(from.exit_code == 0);
  CHECK_THAT(from.out, Catch::Contains("Links:\n└─ outgoing web -> " + target.name() +
                                       "/payments/web, ports 80: Pending (not reconciled yet)  "
                                       "[AppLink shop-web-to-payments-web]\n"));
  const auto to = kubectl_app({"status", "payments", "-n", target.name()});
  INFO(text_of(to));
  REQUIRE(to.exit_code == 0);
  CHECK_THAT(to.out,
             Catch::Contains("Links:\n└─ incoming web <- " + source.name() +
                             "/shop/web, ports 80: Pending (not reconciled yet)  [AppLink " +
                             source.name() + "/shop-web-to-payments-web]\n"));

  const auto table = kubectl_app({"get", "applinks", "-n", source.name()});
  INFO(text_of(table));
  REQUIRE(table.exit_code == 0);
  CHECK_THAT(table.out, Catch::StartsWith("NAME"));
  CHECK_THAT(table.out, Catch::Contains("shop/web"));
  CHECK_THAT(table.out, Catch::Contains(target.name() + "/payments/web"));
  CHECK_THAT(table.out, Catch::Contains("Pending"));
}
