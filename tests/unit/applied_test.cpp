#include <catch2/catch.hpp>

#include "core/engine/applied.h"

using kapp::engine::already_applied;
using nlohmann::json;

TEST_CASE("fields the server added do not count as a change") {
  const json desired = {{"spec", {{"replicas", 2}}}};
  const json live = {{"spec", {{"replicas", 2}, {"revisionHistoryLimit", 10}}},
                     {"status", {{"ready", 1}}}};
  CHECK(already_applied(desired, live));
}

TEST_CASE("a changed value is a change") {
  CHECK_FALSE(
      already_applied(json{{"spec", {{"replicas", 3}}}}, json{{"spec", {{"replicas", 2}}}}));
}

TEST_CASE("a missing field is a change unless it is an empty collection") {
  CHECK_FALSE(already_applied(json{{"spec", {{"paused", false}}}}, json{{"spec", json::object()}}));
  CHECK(already_applied(json{{"spec", {{"ingress", json::array()}}}},
                        json{{"spec", json::object()}}));
}

TEST_CASE("lists must match element by element and in length") {
  const json live = {
      {"ports", {{{"port", 80}, {"protocol", "TCP"}}, {{"port", 443}, {"protocol", "TCP"}}}}};
  CHECK(already_applied(json{{"ports", {{{"port", 80}}, {{"port", 443}}}}}, live));
  CHECK_FALSE(already_applied(json{{"ports", {{{"port", 80}}}}}, live));
  CHECK_FALSE(already_applied(json{{"ports", {{{"port", 443}}, {{"port", 80}}}}}, live));
}

TEST_CASE("numbers compare by value whatever their JSON type") {
  CHECK(already_applied(json{{"n", 1}}, json{{"n", 1.0}}));
}
