#include "tests/support/fleet.h"

#include <cstdio>
#include <map>
#include <set>
#include <thread>

#include "core/client/resource.h"
#include "core/errors.h"
#include "core/render/application.h"
#include "tests/support/cluster.h"
#include "tests/support/objects.h"

namespace kapp::test {
namespace {

namespace res = client::resources;
using nlohmann::json;

const client::ResourceType* const kChildTypes[] = {&res::kDeployment, &res::kStatefulSet,
                                                   &res::kService, &res::kNetworkPolicy};
const char* const kOurs = "app.kubernetes.io/managed-by=kubectl-app";
const client::ResourceType kReplicaSet{"apps", "v1", "replicasets", "ReplicaSet", true};

std::string key(const json& object) {
  return object.value("kind", "") + "/" + object["metadata"].value("name", "");
}

std::string controller_uid(const json& object) {
  for (const auto& o : object["metadata"].value("ownerReferences", json::array()))
    if (o.value("controller", false)) return o.value("uid", "");
  return "";
}

// Kind/name -> the child the Application asks for, with its owner's uid.
std::map<std::string, json> expected_children(const json& apps) {
  std::map<std::string, json> expected;
  for (const auto& app : apps["items"]) {
    const auto model = render::make_model(app, {});
    const auto uid = app["metadata"].value("uid", "");
    for (const auto& c : model.components) {
      for (const auto& child :
           {render::workload(model, c), render::service(model, c),
            render::external_service(model, c), render::network_policy(model, c)})
        if (!child.is_null()) expected[key(child)] = {{"uid", uid}, {"spec", child["spec"]}};
    }
  }
  return expected;
}

// List items carry no kind: put it back from the list's own.
std::vector<json> items_of(const client::ResourceType& type, const std::string& ns) {
  auto list = admin().list(type, ns, {.label_selector = kOurs});
  std::string kind = list.value("kind", "");
  if (kind.size() > 4 && kind.ends_with("List")) kind.resize(kind.size() - 4);
  std::vector<json> items;
  for (auto& item : list["items"]) {
    item["kind"] = kind;
    items.push_back(item);
  }
  return items;
}

}  // namespace

Fleet::Fleet(std::string ns, int size) : ns_(std::move(ns)) {
  for (int i = 0; i < size; ++i) members_.insert(i);
}

std::string Fleet::app(int i) const {
  char name[16];
  std::snprintf(name, sizeof name, "app-%03d", i);
  return name;
}

std::vector<std::string> Fleet::apps() const {
  std::vector<std::string> names;
  for (const int i : members_) names.push_back(app(i));
  return names;
}

json Fleet::manifest(int i) const {
  return application(ns_, app(i), {component("c" + app(i).substr(3))});
}

void Fleet::create(int i, std::chrono::milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    try {
      admin().create(res::kApplication, ns_, manifest(i));
      return;
    } catch (const ApiError& e) {
      if (e.conflict()) return;  // AlreadyExists: an earlier attempt's answer was lost
      if (std::chrono::steady_clock::now() >= deadline) throw;
    } catch (const Error&) {
      if (std::chrono::steady_clock::now() >= deadline) throw;
    }
    // Paces the retries while the server is down; not a wait standing in for a condition.
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

std::vector<std::string> Fleet::problems() const {
  std::vector<std::string> problems;
  const auto apps = admin().list(res::kApplication, ns_);
  std::set<std::string> wanted;
  for (const int i : members_) wanted.insert(app(i));
  for (const auto& a : apps["items"]) {
    const auto name = a["metadata"].value("name", "");
    if (!wanted.erase(name)) problems.push_back("unexpected Application " + name);
    const auto status = a.value("status", json::object());
    if (status.value("phase", "") != "Running" ||
        status.value("observedGeneration", 0LL) != a["metadata"].value("generation", -1LL))
      problems.push_back("Application " + name + " is " + status.value("phase", "without status") +
                         " at generation " +
                         std::to_string(status.value("observedGeneration", 0LL)));
  }
  for (const auto& name : wanted) problems.push_back("missing Application " + name);

  auto expected = expected_children(apps);
  for (const auto* type : kChildTypes) {
    for (const auto& child : items_of(*type, ns_)) {
      const auto k = key(child);
      const auto it = expected.find(k);
      if (it == expected.end()) {
        problems.push_back("unexpected or duplicated " + k);
        continue;
      }
      const auto uid = it->second.value("uid", "");
      if (controller_uid(child) != uid)
        problems.push_back(k + " is not controlled by its Application's uid " + uid);
      const auto replicas = it->second["spec"].value("replicas", -1);
      if (replicas >= 0 && child["spec"].value("replicas", -1) != replicas)
        problems.push_back(k + " has " + std::to_string(child["spec"].value("replicas", -1)) +
                           " replicas, its Application asks for " + std::to_string(replicas));
      expected.erase(it);
    }
  }
  for (const auto& [k, child] : expected) problems.push_back("missing " + k);
  return problems;
}

std::vector<std::string> Fleet::leftovers(Depth depth) const {
  std::vector<std::string> left;
  // The list is kept in a variable: a range-for over a member of a temporary (`for (x :
  // list()["items"])`) iterates over a destroyed object (it saw nothing here).
  const auto apps = admin().list(res::kApplication, ns_);
  for (const auto& a : apps["items"])
    left.push_back("Application/" + a["metadata"].value("name", ""));
  for (const auto* type : kChildTypes)
    for (const auto& child : items_of(*type, ns_)) left.push_back(key(child));
  if (depth == Depth::Children) return left;
  // What the children own in turn, labelled or not.
  for (const auto* type : {&kReplicaSet, &res::kPod}) {
    const auto list = admin().list(*type, ns_);
    for (const auto& item : list["items"])
      left.push_back(type->kind + "/" + item["metadata"].value("name", ""));
  }
  return left;
}

std::vector<std::string> Fleet::remove_all() const {
  std::vector<std::string> deleted;
  const auto apps = admin().list(res::kApplication, ns_);
  for (const auto& a : apps["items"]) {
    const auto name = a["metadata"].value("name", "");
    admin().remove(res::kApplication, ns_, name);
    deleted.push_back(name);
  }
  return deleted;
}

std::string summary(const std::vector<std::string>& items, std::size_t limit) {
  std::string out;
  for (std::size_t i = 0; i < items.size() && i < limit; ++i) out += (i ? "; " : "") + items[i];
  if (items.size() > limit) out += "; and " + std::to_string(items.size() - limit) + " more";
  return out;
}

}  // namespace kapp::test
