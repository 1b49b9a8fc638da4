#include "tests/faults/faults.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <functional>

#include "core/client/resource.h"

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

std::string what_happened(const std::string& ns) {
  namespace res = client::resources;
  std::string out;
  const auto each = [&](const client::ResourceType& type, const auto& line) {
    try {
      const auto list = admin().list(type, ns);  // not a temporary: the loop outlives it
      for (const auto& item : list["items"]) out += line(item) + "\n";
    } catch (const std::exception& e) {
      out += std::string("listing ") + type.resource + ": " + e.what() + "\n";
    }
  };
  each(res::kApplication, [](const nlohmann::json& app) {
    return "Application " + app["metadata"].value("name", "") + " generation " +
           std::to_string(app["metadata"].value("generation", 0LL)) + ", status " +
           app.value("status", nlohmann::json::object()).dump();
  });
  each(res::kPod, [](const nlohmann::json& pod) {
    return "Pod " + pod["metadata"].value("name", "") + " " +
           pod.value("status", nlohmann::json::object()).value("phase", "") + " on node '" +
           pod.value("spec", nlohmann::json::object()).value("nodeName", "") + "'";
  });
  each(res::kEvent, [](const nlohmann::json& event) {
    return "Event " + event.value("reason", "") + " " + event["involvedObject"].value("kind", "") +
           "/" + event["involvedObject"].value("name", "") + " x" +
           std::to_string(event.value("count", 1LL)) + ": " + event.value("message", "");
  });
  return out;
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
}  // namespace

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
