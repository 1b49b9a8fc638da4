// kubectl app status [KIND] NAME: an object and everything it made, as a tree, with its
// conditions and recent events.
#include <algorithm>
#include <iostream>

#include "core/engine/object.h"
#include "core/errors.h"
#include "core/util/time.h"
#include "core/yaml/yaml.h"
#include "plugin/commands.h"
#include "plugin/kinds.h"
#include "plugin/table.h"
#include "plugin/watch.h"

namespace kapp::cli {
namespace {

using nlohmann::json;
namespace res = client::resources;

std::string str(const json& o, const char* key, const std::string& fallback = "") {
  if (!o.is_object() || !o.contains(key) || o[key].is_null()) return fallback;
  return o[key].is_string() ? o[key].get<std::string>() : o[key].dump();
}

std::string ports_of(const json& service) {
  std::string out;
  for (const auto& p : service["spec"].value("ports", json::array())) {
    out += (out.empty() ? "" : ",") + std::to_string(p.value("port", 0)) + "/" +
           p.value("protocol", "TCP");
  }
  return out.empty() ? "headless" : out;
}

void print_branch(const std::string& prefix, bool last, const std::string& text) {
  std::cout << prefix << (last ? "└─ " : "├─ ") << text << "\n";
}

// The objects one component owns, as "Kind name (detail)" lines.
std::vector<std::string> component_children(client::Client& client, const std::string& ns,
                                            const json& component) {
  std::vector<std::string> lines;
  const auto name = str(component, "name");
  const auto workload_kind = str(component, "workload", "Deployment");
  const auto& workload_type = workload_kind == "StatefulSet" ? res::kStatefulSet : res::kDeployment;
  if (auto w = client.get_if_exists(workload_type, ns, name)) {
    const auto s = (*w).value("status", json::object());
    lines.push_back(workload_kind + " " + name + " (" +
                    std::to_string(s.value("readyReplicas", 0)) + "/" +
                    std::to_string((*w)["spec"].value("replicas", 0)) + " ready)");
  }
  for (const auto& svc_name : {name, name + "-external"}) {
    if (auto svc = client.get_if_exists(res::kService, ns, svc_name)) {
      lines.push_back("Service " + svc_name + " (" + (*svc)["spec"].value("type", "ClusterIP") +
                      " " + ports_of(*svc) + ")");
    }
  }
  if (auto np = client.get_if_exists(res::kNetworkPolicy, ns, name)) {
    const auto rules = (*np)["spec"].value("ingress", json::array()).size();
    lines.push_back("NetworkPolicy " + name + " (" + std::to_string(rules) + " ingress rule" +
                    (rules == 1 ? "" : "s") + ")");
  }
  return lines;
}

void print_conditions(const json& status) {
  const auto conditions = status.value("conditions", json::array());
  if (conditions.empty()) return;
  std::cout << "Conditions:\n";
  Table table({"TYPE", "STATUS", "REASON", "MESSAGE"}, false);
  for (const auto& c : conditions)
    table.add("", {str(c, "type"), str(c, "status"), str(c, "reason"), str(c, "message")});
  table.print(std::cout);
}

void print_events(client::Client& client, const json& object) {
  const auto ns = object["metadata"].value("namespace", "");
  const auto events =
      client.list(res::kEvent, ns,
                  {.field_selector = "involvedObject.uid=" + object["metadata"].value("uid", "")});
  auto items = events["items"];
  if (items.empty()) return;
  std::sort(items.begin(), items.end(), [](const json& a, const json& b) {
    return str(a, "lastTimestamp") < str(b, "lastTimestamp");
  });
  std::cout << "Events:\n";
  Table table({"AGE", "TYPE", "REASON", "MESSAGE"}, false);
  const auto start = items.size() > 10 ? items.size() - 10 : 0;
  for (std::size_t i = start; i < items.size(); ++i) {
    const auto when = util::parse_rfc3339(str(items[i], "lastTimestamp"));
    table.add("", {when ? util::human_age(std::chrono::system_clock::now() - *when) : "?",
                   str(items[i], "type"), str(items[i], "reason"), str(items[i], "message")});
  }
  table.print(std::cout);
}

void print_application(client::Client& client, const json& app) {
  const auto ns = app["metadata"].value("namespace", "");
  const auto status = app.value("status", json::object());
  std::cout << "Application " << ns << "/" << app["metadata"].value("name", "") << ": "
            << str(status, "phase", "Pending") << " (" << str(status, "ready", "0/0")
            << " components ready; generation " << app["metadata"].value("generation", 0)
            << ", observed " << status.value("observedGeneration", 0) << ")\n";
  const auto components = status.value("components", json::array());
  std::cout << "Components:\n";
  for (std::size_t i = 0; i < components.size(); ++i) {
    const auto& c = components[i];
    const bool last = i + 1 == components.size();
    std::string line = str(c, "name") + "  " + str(c, "phase", "Pending") + "  " +
                       str(c, "readyReplicas", "0") + "/" + str(c, "replicas", "0") + "  (" +
                       str(c, "source", "Inline") + ")";
    if (c.contains("message")) line += "  " + str(c, "message");
    print_branch("", last, line);
    const auto children = component_children(client, ns, c);
    for (std::size_t j = 0; j < children.size(); ++j)
      print_branch(last ? "   " : "│  ", j + 1 == children.size(), children[j]);
  }
  const auto comms = app["spec"].value("internalCommunications", json::array());
  if (!comms.empty()) {
    std::cout << "Communications:\n";
    for (std::size_t i = 0; i < comms.size(); ++i) {
      const auto ports = comms[i].value("ports", json::array());
      print_branch("", i + 1 == comms.size(),
                   str(comms[i], "from") + " -> " + str(comms[i], "to") +
                       (ports.empty() ? " (all ports)" : " " + ports.dump()));
    }
  }
  print_conditions(status);
  print_events(client, app);
}

void print_other(client::Client& client, const json& object) {
  const auto status = object.value("status", json::object());
  std::cout << object.value("kind", "") << " " << object["metadata"].value("namespace", "") << "/"
            << object["metadata"].value("name", "") << ": " << str(status, "phase", "Pending")
            << "\n";
  auto shown = status;
  shown.erase("conditions");
  if (!shown.empty()) std::cout << yaml::dump(shown);
  print_conditions(status);
  print_events(client, object);
}

}  // namespace

int run_status(const Args& args) {
  auto options =
      new_options("status [KIND] NAME",
                  "Show an Application as a tree (components, workloads, services, policies, "
                  "communications, conditions, recent events), or another kind's status.");
  options.add_options()("w,watch", "Print the status again whenever it changes, until interrupted",
                        cxxopts::value<bool>()->default_value("false"))(
      "positional", "", cxxopts::value<std::vector<std::string>>());
  options.parse_positional({"positional"});
  const auto parsed = parse(options, args);
  const auto positional = parsed.count("positional")
                              ? parsed["positional"].as<std::vector<std::string>>()
                              : std::vector<std::string>{};
  if (positional.empty() || positional.size() > 2)
    throw UsageError("usage: kubectl app status [KIND] NAME");
  const auto& type = positional.size() == 2 ? kind_named(positional[0]) : res::kApplication;
  Session session(parsed);
  auto object = session.client().get(type, session.namespace_name(), positional.back());
  object["kind"] = type.kind;
  auto print = [&](const json& o) {
    if (type.kind == "Application") {
      print_application(session.client(), o);
    } else {
      print_other(session.client(), o);
    }
    std::cout.flush();
  };
  print(object);
  if (!parsed["watch"].as<bool>()) return 0;
  follow(session.client(), type, session.namespace_name(), positional.back(),
         object["metadata"].value("resourceVersion", ""),
         [&](const std::string& event, const json& o) {
           std::cout << "\n";
           if (event == "DELETED") {
             std::cout << type.kind << " " << engine::key_of(o) << " deleted\n";
             return false;
           }
           print(o);
           return true;
         });
  return 0;
}

}  // namespace kapp::cli
