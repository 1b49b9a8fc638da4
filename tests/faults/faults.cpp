#include "tests/faults/faults.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <functional>

#include "core/client/resource.h"
#include "core/engine/object.h"
#include "core/objects/manifest.h"

namespace kapp::test {

bool long_mode() {
  const char* value = std::getenv("FAULTS_LONG");
  return value != nullptr && std::string(value) == "1";
}

int burst_size() { return long_mode() ? 200 : 30; }

std::chrono::seconds converge_timeout() {
  return long_mode() ? std::chrono::seconds(600) : std::chrono::seconds(180);
}

std::vector<std::string> controller_args(const std::string& ns,
                                         const std::vector<std::string>& extra,
                                         const std::string& kubeconfig) {
  std::vector<std::string> args = {KAPP_BINARY,
                                   "run-controller",
                                   "--kubeconfig",
                                   kubeconfig.empty() ? admin_kubeconfig() : kubeconfig,
                                   "-n",
                                   ns,
                                   "--metrics-bind-address=127.0.0.1:0",
                                   "--health-probe-bind-address=127.0.0.1:0"};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

namespace {
// Polls `find` until it finds nothing (a failed request counts as a problem) or time is up.
std::vector<std::string> until_none(const std::function<std::vector<std::string>()>& find,
                                    std::chrono::milliseconds timeout) {
  std::vector<std::string> found;
  eventually(
      [&] {
        try {
          found = find();
        } catch (const std::exception& e) {
          found = {e.what()};
        }
        return found.empty();
      },
      timeout);
  return found;
}

// An Event's (or its series') count; 1 when absent or null, as a first occurrence.
long long repeats(const nlohmann::json& object) {
  const auto it = object.find("count");
  return it != object.end() && it->is_number_integer() && it->get<long long>() > 0
             ? it->get<long long>()
             : 1;
}
}  // namespace

std::string what_happened(const std::string& ns) {
  namespace res = client::resources;
  using nlohmann::json;
  using objects::string_field;
  // object[outer][inner] as string_field reads it: "" when absent, null or not a string (an
  // Event's eventTime is null when it has a lastTimestamp).
  const auto text = [](const json& object, const char* outer, const char* inner) {
    return string_field(object.value(outer, json()), inner);
  };
  std::string out;
  const auto each = [&](const client::ResourceType& type, const auto& line) {
    try {
      const auto list = admin().list(type, ns);  // not a temporary: the loop outlives it
      for (const auto& item : list["items"]) out += line(item) + "\n";
    } catch (const std::exception& e) {
      out += std::string("listing ") + type.resource + ": " + e.what() + "\n";
    }
  };
  each(res::kApplication, [](const json& app) {
    return "Application " + engine::name_of(app) + " generation " +
           std::to_string(engine::generation_of(app)) + ", status " +
           app.value("status", json::object()).dump();
  });
  // A claim never bound and a bound claim whose pod was not scheduled again look alike in
  // Events (binding records none): the claims' own phase tells them apart.
  each(res::kPersistentVolumeClaim, [&](const json& claim) {
    return "PersistentVolumeClaim " + engine::name_of(claim) + " " +
           text(claim, "status", "phase") + " volume '" + text(claim, "spec", "volumeName") + "'";
  });
  each(res::kPod, [&](const json& pod) {
    return "Pod " + engine::name_of(pod) + " " + text(pod, "status", "phase") + " on node '" +
           text(pod, "spec", "nodeName") + "'";
  });
  // The scheduler records through events.k8s.io, which counts repeats in series.count.
  each(res::kEvent, [&](const json& event) {
    const auto series = event.find("series");
    const auto count =
        series != event.end() && series->is_object() ? repeats(*series) : repeats(event);
    const auto last = string_field(event, "lastTimestamp").empty()
                          ? string_field(event, "eventTime")
                          : string_field(event, "lastTimestamp");
    return "Event " + string_field(event, "reason") + " " + text(event, "involvedObject", "kind") +
           "/" + text(event, "involvedObject", "name") + " x" + std::to_string(count) + " last " +
           last + ": " + string_field(event, "message");
  });
  return out;
}

std::vector<std::string> converged(const Fleet& fleet, std::chrono::milliseconds timeout) {
  return until_none([&] { return fleet.problems(); }, timeout);
}

void check_removed(const Fleet& fleet, std::chrono::milliseconds timeout, Depth depth) {
  const auto start = std::chrono::steady_clock::now();
  auto deleted = fleet.remove_all();
  std::sort(deleted.begin(), deleted.end());
  CHECK(deleted == fleet.apps());
  const auto left = until_none([&] { return fleet.leftovers(depth); }, timeout);
  INFO("left behind " << left.size() << " objects after "
                      << std::chrono::duration_cast<std::chrono::seconds>(
                             std::chrono::steady_clock::now() - start)
                             .count()
                      << " s: " << summary(left));
  CHECK(left.empty());
}

}  // namespace kapp::test
