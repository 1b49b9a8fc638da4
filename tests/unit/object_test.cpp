// engine/object.h: comparing two forms of one object.
#include <catch2/catch.hpp>

#include "core/engine/object.h"

using kapp::engine::same_but_version;
using nlohmann::json;

namespace {

json shop(const std::string& version, const std::string& phase) {
  return {{"kind", "Application"},
          {"metadata", {{"name", "shop"}, {"resourceVersion", version}}},
          {"spec", {{"replicas", 2}}},
          {"status", {{"phase", phase}}}};
}

}  // namespace

TEST_CASE("two forms that differ only in resourceVersion are the same but for it") {
  CHECK(same_but_version(shop("5", "Pending"), shop("6", "Pending")));
}

TEST_CASE("a change of status counts unless status is ignored") {
  CHECK_FALSE(same_but_version(shop("5", "Pending"), shop("6", "Running")));
  CHECK(same_but_version(shop("5", "Pending"), shop("6", "Running"), true));
}

TEST_CASE("a status on one side only is ignored with the status, and counts otherwise") {
  auto without = shop("6", "Running");
  without.erase("status");
  CHECK(same_but_version(shop("5", "Pending"), without, true));
  CHECK(same_but_version(without, shop("5", "Pending"), true));
  CHECK_FALSE(same_but_version(shop("5", "Pending"), without));
}

TEST_CASE("a change beyond status and resourceVersion always counts") {
  auto edited = shop("6", "Pending");
  edited["spec"]["replicas"] = 3;
  CHECK_FALSE(same_but_version(shop("5", "Pending"), edited, true));
  auto labelled = shop("6", "Pending");
  labelled["metadata"]["labels"] = {{"team", "a"}};
  CHECK_FALSE(same_but_version(shop("5", "Pending"), labelled, true));
  auto unversioned = shop("5", "Pending");
  unversioned["metadata"].erase("resourceVersion");
  CHECK_FALSE(same_but_version(shop("5", "Pending"), unversioned));
}

TEST_CASE("values that are not objects are compared whole") {
  CHECK(same_but_version(json(1), json(1)));
  CHECK_FALSE(same_but_version(json(1), shop("5", "Pending")));
}
