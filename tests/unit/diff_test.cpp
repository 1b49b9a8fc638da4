// What `kubectl app diff` compares and runs, as kubectl diff does (pkg/cmd/diff/diff.go).
#include <catch2/catch.hpp>

#include "core/objects/diff.h"

using kapp::objects::diff_command;
using kapp::objects::diff_file_name;
using kapp::objects::diff_view;
using kapp::objects::mask_secret_data;
using nlohmann::json;

TEST_CASE("diff files are named group.version.kind.namespace.name") {
  CHECK(diff_file_name({{"apiVersion", "kubectl-app.io/v1alpha1"},
                        {"kind", "Application"},
                        {"metadata", {{"namespace", "demo"}, {"name", "shop"}}}}) ==
        "kubectl-app.io.v1alpha1.Application.demo.shop");
}

TEST_CASE("diff files of the core group and of cluster-scoped objects keep kubectl's dots") {
  CHECK(diff_file_name({{"apiVersion", "v1"},
                        {"kind", "ConfigMap"},
                        {"metadata", {{"namespace", "demo"}, {"name", "c"}}}}) ==
        "v1.ConfigMap.demo.c");
  CHECK(diff_file_name(
            {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "demo"}}}}) ==
        "v1.Namespace..demo");
}

TEST_CASE("the diff view drops managedFields only, unless asked to keep them") {
  const json object = {{"kind", "Application"},
                       {"metadata",
                        {{"name", "shop"},
                         {"generation", 2},
                         {"resourceVersion", "7"},
                         {"managedFields", json::array({{{"manager", "kubectl-app"}}})}}},
                       {"status", {{"phase", "Ready"}}}};
  auto expected = object;
  expected["metadata"].erase("managedFields");
  CHECK(diff_view(object, false) == expected);
  CHECK(diff_view(object, true) == object);
  CHECK(diff_view(nullptr, false).is_null());
}

TEST_CASE("Secret data is masked, with before and after marks where a value changes") {
  json live = {{"apiVersion", "v1"},
               {"kind", "Secret"},
               {"data", {{"same", "YQ=="}, {"changed", "Yg=="}, {"gone", "Yw=="}}}};
  json merged = {{"apiVersion", "v1"},
                 {"kind", "Secret"},
                 {"data", {{"same", "YQ=="}, {"changed", "ZA=="}, {"new", "ZQ=="}}}};
  mask_secret_data(live, merged);
  CHECK(live["data"] == json{{"same", "***"}, {"changed", "*** (before)"}, {"gone", "***"}});
  CHECK(merged["data"] == json{{"same", "***"}, {"changed", "*** (after)"}, {"new", "***"}});
}

TEST_CASE("a new Secret is masked and other kinds are left alone") {
  json live = nullptr;
  json merged = {{"apiVersion", "v1"}, {"kind", "Secret"}, {"data", {{"k", "dg=="}}}};
  mask_secret_data(live, merged);
  CHECK(live.is_null());
  CHECK(merged["data"]["k"] == "***");
  json config_live = {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"data", {{"k", "a"}}}};
  json config_merged = {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"data", {{"k", "b"}}}};
  mask_secret_data(config_live, config_merged);
  CHECK(config_live["data"]["k"] == "a");
  CHECK(config_merged["data"]["k"] == "b");
}

TEST_CASE("without KUBECTL_EXTERNAL_DIFF the diff program is diff -u -N") {
  const auto command = diff_command(std::nullopt, "/tmp/LIVE-1", "/tmp/MERGED-2");
  CHECK(command.program == "diff");
  CHECK(command.args == std::vector<std::string>{"-u", "-N", "/tmp/LIVE-1", "/tmp/MERGED-2"});
  CHECK(diff_command(std::string(), "a", "b").program == "diff");
}

TEST_CASE("KUBECTL_EXTERNAL_DIFF words go after the directories, only [a-zA-Z0-9-=] ones") {
  const auto command =
      diff_command(std::string("/usr/bin/colordiff -N -u --color=always  $(rm) a;b x_y"),
                   "/tmp/LIVE-1", "/tmp/MERGED-2");
  CHECK(command.program == "/usr/bin/colordiff");
  CHECK(command.args ==
        std::vector<std::string>{"/tmp/LIVE-1", "/tmp/MERGED-2", "-N", "-u", "--color=always"});
}
