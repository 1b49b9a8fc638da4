#include <catch2/catch.hpp>

#include <set>

#include "core/crds/installer.h"

using nlohmann::json;

namespace {
json find_crd(const std::string& name) {
  for (const auto& crd : kapp::crds::definitions()) {
    if (crd["metadata"]["name"] == name) return crd;
  }
  FAIL("no embedded CRD " << name);
  return {};
}
const json& schema(const json& crd) {
  return crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"];
}
}  // namespace

TEST_CASE("every kind is embedded once, in our group and category") {
  std::set<std::string> kinds;
  for (const auto& crd : kapp::crds::definitions()) {
    CHECK(crd["spec"]["group"] == "kubectl-app.io");
    CHECK(crd["spec"]["names"]["categories"] == json::array({"kubectl-app"}));
    CHECK(crd["spec"]["versions"][0]["subresources"].contains("status"));
    kinds.insert(crd["spec"]["names"]["kind"]);
  }
  CHECK(kinds == std::set<std::string>{"Application", "Component", "AppLink", "CoinFlip"});
}

TEST_CASE("short names avoid the ones Argo CD and KubeVela register") {
  const std::set<std::string> taken = {"app", "apps", "velaapp"};
  for (const auto& crd : kapp::crds::definitions()) {
    for (const auto& short_name : crd["spec"]["names"]["shortNames"])
      CHECK_FALSE(taken.count(short_name));
  }
}

TEST_CASE("a Component's spec is an inline component's plus its application") {
  auto inline_component = schema(find_crd(
      "applications.kubectl-app.io"))["properties"]["spec"]["properties"]["components"]["items"];
  auto component_spec = schema(find_crd("components.kubectl-app.io"))["properties"]["spec"];
  inline_component["properties"].erase("name");
  component_spec["properties"].erase("application");
  CHECK(component_spec["properties"] == inline_component["properties"]);
  CHECK(component_spec["x-kubernetes-validations"] == inline_component["x-kubernetes-validations"]);
}

TEST_CASE("served types map CRDs to their REST collections") {
  const auto type = kapp::crds::served_type(find_crd("coinflips.kubectl-app.io"));
  CHECK(type.path("demo", "flip") ==
        "/apis/kubectl-app.io/v1alpha1/namespaces/demo/coinflips/flip");
  CHECK(type.kind == "CoinFlip");
}
