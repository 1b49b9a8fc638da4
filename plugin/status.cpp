// kubectl app status [KIND] NAME: an object and everything it made, as a tree, with its
// conditions and recent events.
#include <algorithm>
#include <iostream>
#include <map>
#include <optional>

#include "core/engine/object.h"
#include "core/errors.h"
#include "core/names.h"
#include "core/render/application.h"
#include "core/render/applink.h"
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

// Whether `object` is controlled by the Application whose uid is `uid` (SPEC: the controller
// never takes over an object it does not own, so a name may belong to someone else).
bool controlled_by(const json& object, const std::string& uid) {
  const auto owner = engine::controller_of(object);
  return owner.is_object() && owner.value("uid", "") == uid;
}

// Whether any owner reference (controller or not) names `uid`: shared objects such as the
// namespace's Prometheus carry one per application.
bool owned_by(const json& object, const std::string& uid) {
  for (const auto& ref : object["metadata"].value("ownerReferences", json::array()))
    if (ref.value("uid", "") == uid) return true;
  return false;
}

std::string taken(const std::string& kind, const std::string& name) {
  return kind + " " + name + " (name taken by an object this application does not control)";
}

// What one live object of a component says about itself, after "Kind name".
std::string detail(const std::string& kind, const json& live) {
  const auto spec = live.value("spec", json::object());
  if (kind == "Deployment" || kind == "StatefulSet") {
    return std::to_string(live.value("status", json::object()).value("readyReplicas", 0)) + "/" +
           std::to_string(spec.value("replicas", 0)) + " ready";
  }
  if (kind == "Service") return spec.value("type", "ClusterIP") + " " + ports_of(live);
  if (kind == "NetworkPolicy") {
    const auto rules = spec.value("ingress", json::array()).size();
    return std::to_string(rules) + " ingress rule" + (rules == 1 ? "" : "s");
  }
  const auto endpoints = spec.value("endpoints", json::array());  // a ServiceMonitor
  const auto endpoint = endpoints.empty() ? json::object() : endpoints[0];
  return "port " + str(endpoint, "port") + " " + str(endpoint, "path", "/metrics") + " every " +
         str(endpoint, "interval", "30s");
}

// The REST type of a rendered object: built-in kinds are known, so only an optional
// integration's kind costs a discovery request (nullopt when its CRD is not installed).
std::optional<client::ResourceType> type_of(client::Client& client, const json& object) {
  const auto api_version = object.value("apiVersion", ""), kind = object.value("kind", "");
  for (const auto* t :
       {&res::kDeployment, &res::kStatefulSet, &res::kService, &res::kNetworkPolicy})
    if (t->kind == kind && t->api_version() == api_version) return *t;
  return client.served(api_version, kind);
}

// The live objects an application's components own, read with one list per kind (those with
// the application's label) instead of one GET per object: a 12-component application costs 3
// requests instead of 36. A name the list lacks (not made yet, or taken by an object without
// the label) is asked for by name, so what is shown is what a GET per object shows.
class LiveChildren {
 public:
  LiveChildren(client::Client& client, const render::AppModel& model)
      : client_(client), ns_(model.namespace_name()), app_(model.name()) {}

  std::optional<json> get(const client::ResourceType& type, const std::string& name) {
    auto [listed, first] = by_kind_.try_emplace(type.qualified());
    if (first) {
      try {
        const auto list = client_.list(
            type, ns_, {.label_selector = std::string(names::kApplicationLabel) + "=" + app_});
        for (const auto& item : list["items"]) listed->second[engine::name_of(item)] = item;
      } catch (const ApiError& e) {
        // Allowed to get but not to list, or a name longer than a label value: by name, then.
        if (!e.forbidden() && e.code() != 400) throw;
      }
    }
    if (const auto it = listed->second.find(name); it != listed->second.end()) return it->second;
    return client_.get_if_exists(type, ns_, name);
  }

 private:
  client::Client& client_;
  std::string ns_, app_;
  std::map<std::string, std::map<std::string, json>> by_kind_;  // resource.group -> name -> object
};

// The objects one component owns, as "Kind name (detail)" lines. Their names come from the
// renderer, so they are the ones the controller writes; only those this Application controls.
std::vector<std::string> component_children(client::Client& client, LiveChildren& children,
                                            const render::AppModel& model,
                                            const render::Component& component) {
  std::vector<json> wanted = {render::workload(model, component),
                              render::service(model, component)};
  for (auto optional :
       {render::external_service(model, component), render::network_policy(model, component),
        render::service_monitor(model, component)})
    if (!optional.is_null()) wanted.push_back(std::move(optional));
  std::vector<std::string> lines;
  const auto uid = engine::uid_of(model.app);
  for (const auto& object : wanted) {
    const auto kind = object.value("kind", "");
    const auto type = type_of(client, object);
    if (!type) continue;  // an optional integration that is not installed
    const auto name = engine::name_of(object);
    const auto live = children.get(*type, name);
    if (!live) continue;
    lines.push_back(controlled_by(*live, uid) ? kind + " " + name + " (" + detail(kind, *live) + ")"
                                              : taken(kind, name));
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

// When an event last happened: lastTimestamp, or eventTime for events.k8s.io/v1 writers.
util::Clock::time_point event_time(const json& event) {
  for (const auto* key : {"lastTimestamp", "eventTime", "firstTimestamp"}) {
    if (auto when = util::parse_rfc3339(str(event, key))) return *when;
  }
  return {};
}

unsigned long long resource_version(const json& object) {
  try {
    return std::stoull(object["metadata"].value("resourceVersion", "0"));
  } catch (const std::exception&) {
    return 0;  // opaque to clients in principle; etcd's are numbers
  }
}

// Oldest first, as `kubectl describe` lists them: by when they last happened, then by when
// they were created, then by resourceVersion (timestamps have a resolution of one second).
void sort_events(std::vector<json>& events) {
  std::stable_sort(events.begin(), events.end(), [](const json& a, const json& b) {
    const auto ta = event_time(a), tb = event_time(b);
    if (ta != tb) return ta < tb;
    const auto ca = util::parse_rfc3339(a["metadata"].value("creationTimestamp", ""));
    const auto cb = util::parse_rfc3339(b["metadata"].value("creationTimestamp", ""));
    if (ca.value_or(util::Clock::time_point{}) != cb.value_or(util::Clock::time_point{}))
      return ca.value_or(util::Clock::time_point{}) < cb.value_or(util::Clock::time_point{});
    return resource_version(a) < resource_version(b);
  });
}

void print_events(client::Client& client, const json& object) {
  const auto ns = object["metadata"].value("namespace", "");
  const auto events =
      client.list(res::kEvent, ns,
                  {.field_selector = "involvedObject.uid=" + object["metadata"].value("uid", "")});
  std::vector<json> items(events["items"].begin(), events["items"].end());
  if (items.empty()) return;
  sort_events(items);
  std::cout << "Events:\n";
  Table table({"AGE", "TYPE", "REASON", "MESSAGE"}, false);
  const auto start = items.size() > 10 ? items.size() - 10 : 0;
  const auto now = std::chrono::system_clock::now();
  for (std::size_t i = start; i < items.size(); ++i) {
    const auto when = event_time(items[i]);
    table.add("", {when == util::Clock::time_point{} ? "?" : util::human_age(now - when),
                   str(items[i], "type"), str(items[i], "reason"), str(items[i], "message")});
  }
  table.print(std::cout);
}

void print_section(const std::string& title, const std::vector<std::string>& lines) {
  if (lines.empty()) return;
  std::cout << title << ":\n";
  for (std::size_t i = 0; i < lines.size(); ++i) print_branch("", i + 1 == lines.size(), lines[i]);
}

// The application with its components as the controller sees them: inline ones, and the
// Component objects its status names.
render::AppModel model_of(client::Client& client, const json& app) {
  std::vector<json> objects;
  const auto ns = engine::namespace_of(app);
  for (const auto& c : app.value("status", json::object()).value("components", json::array())) {
    if (str(c, "source") != "Component") continue;
    if (auto object = client.get_if_exists(res::kComponent, ns, str(c, "name")))
      objects.push_back(*object);
  }
  return render::make_model(app, objects);
}

// The namespace's Prometheus (named by the renderer) when this application is one of its
// owners.
std::vector<std::string> monitoring_lines(client::Client& client, const render::AppModel& model) {
  const auto stack = render::prometheus_stack(model);
  if (stack.empty()) return {};
  const auto& wanted = stack.back();
  const auto type = client.served(wanted.value("apiVersion", ""), wanted.value("kind", ""));
  if (!type) return {};
  const auto name = engine::name_of(wanted);
  const auto prometheus = client.get_if_exists(*type, model.namespace_name(), name);
  if (!prometheus || !owned_by(*prometheus, engine::uid_of(model.app))) return {};
  const auto s = prometheus->value("status", json::object());
  return {"Prometheus " + name + " (" + std::to_string(s.value("availableReplicas", 0)) + "/" +
          std::to_string((*prometheus)["spec"].value("replicas", 1)) + " available)"};
}

// The namespace's Liqo NamespaceOffloading, when the spec asks for offloading. It is shared:
// held by this application, or by another asker that already gives it what it asks for.
std::vector<std::string> offloading_lines(client::Client& client, const render::AppModel& model) {
  const auto wanted = render::namespace_offloading(model);
  if (wanted.is_null()) return {};
  const auto type = client.served(wanted.value("apiVersion", ""), wanted.value("kind", ""));
  if (!type) return {};
  const auto name = engine::name_of(wanted);
  const auto offloading = client.get_if_exists(*type, model.namespace_name(), name);
  if (!offloading) return {};
  const auto spec = offloading->value("spec", json::object());
  const auto s = offloading->value("status", json::object());
  const bool ours = controlled_by(*offloading, engine::uid_of(model.app));
  return {"NamespaceOffloading " + name + " (" + str(spec, "podOffloadingStrategy", "?") + ", " +
          str(spec, "namespaceMappingStrategy", "?") + "; phase " +
          str(s, "offloadingPhase", "unknown") + (ours ? "" : "; held by another owner") + ")"};
}

// "ports 8080,8443", or "all ports" when the link names none.
std::string link_ports_text(const json& spec) {
  std::string ports;
  for (const auto& p : spec.value("ports", json::array()))
    ports += (ports.empty() ? "" : ",") + p.dump();
  return ports.empty() ? "all ports" : "ports " + ports;
}

// "Ready", or "Pending: Reason: message" from the link's Ready condition when it is not.
std::string link_state(const json& link) {
  const auto status = link.value("status", json::object());
  const auto phase = str(status, "phase", "Pending");
  if (phase == "Ready") return phase;
  for (const auto& c : status.value("conditions", json::array())) {
    if (str(c, "type") != "Ready") continue;
    std::string detail = str(c, "reason");
    if (!str(c, "message").empty()) detail += (detail.empty() ? "" : ": ") + str(c, "message");
    if (!detail.empty()) return phase + " (" + detail + ")";
  }
  if (!status.contains("phase")) return phase + " (not reconciled yet)";
  return phase;
}

// The AppLinks from this application (in its namespace) and to it (from any namespace): its
// own component, the direction, the other end, the ports and the state. Incoming links from
// other namespaces need AppLinks listed across namespaces; when that is forbidden, those of
// the application's namespace are shown and a line says what is missing.
std::vector<std::string> link_lines(client::Client& client, const json& app) {
  const auto ns = engine::namespace_of(app);
  const auto name = engine::name_of(app);
  json links;
  bool every_namespace = true;
  try {
    try {
      links = client.list(res::kAppLink, "");
    } catch (const ApiError& e) {
      if (!e.forbidden()) throw;
      every_namespace = false;
      links = client.list(res::kAppLink, ns);
    }
  } catch (const ApiError& e) {
    if (e.not_found()) return {};  // the AppLink CRD is not installed
    throw;
  }
  std::vector<std::string> outgoing, incoming;
  for (const auto& link : links.value("items", json::array())) {
    const auto link_ns = engine::namespace_of(link);
    const auto spec = link.value("spec", json::object());
    const auto from = spec.value("from", json::object());
    const auto to = spec.value("to", json::object());
    const auto to_ns = str(to, "namespace", link_ns);
    const auto tail = ", " + link_ports_text(spec) + ": " + link_state(link) + "  [AppLink " +
                      (link_ns == ns ? "" : link_ns + "/") + engine::name_of(link) + "]";
    if (link_ns == ns && str(from, "application") == name) {
      outgoing.push_back("outgoing " + str(from, "component") + " -> " + to_ns + "/" +
                         str(to, "application") + "/" + str(to, "component") + tail);
    }
    if (to_ns == ns && str(to, "application") == name) {
      // The link's own NetworkPolicy admits it here, next to the component's (named by the
      // renderer, as the controller names it).
      const bool ready = str(link.value("status", json::object()), "phase") == "Ready";
      const auto policy = render::link_policy_name(controllers::applink::parse_spec(link));
      incoming.push_back("incoming " + str(to, "component") + " <- " + link_ns + "/" +
                         str(from, "application") + "/" + str(from, "component") + tail +
                         (ready ? ", admitted by NetworkPolicy " + policy : ""));
    }
  }
  std::sort(outgoing.begin(), outgoing.end());
  std::sort(incoming.begin(), incoming.end());
  outgoing.insert(outgoing.end(), incoming.begin(), incoming.end());
  if (!every_namespace) {
    outgoing.push_back(
        "incoming links from other namespaces not shown: listing AppLinks across "
        "namespaces is forbidden to you");
  }
  return outgoing;
}

void print_application(client::Client& client, const json& app) {
  const auto ns = app["metadata"].value("namespace", "");
  const auto status = app.value("status", json::object());
  std::cout << "Application " << ns << "/" << app["metadata"].value("name", "") << ": "
            << str(status, "phase", "Pending") << " (" << str(status, "ready", "0/0")
            << " components ready; generation " << app["metadata"].value("generation", 0)
            << ", observed " << status.value("observedGeneration", 0) << ")\n";
  const auto components = status.value("components", json::array());
  const auto model = model_of(client, app);
  LiveChildren live(client, model);
  std::cout << "Components:\n";
  for (std::size_t i = 0; i < components.size(); ++i) {
    const auto& c = components[i];
    const bool last = i + 1 == components.size();
    std::string line = str(c, "name") + "  " + str(c, "phase", "Pending") + "  " +
                       str(c, "readyReplicas", "0") + "/" + str(c, "replicas", "0") + "  (" +
                       str(c, "source", "Inline") + ")";
    if (c.contains("message")) line += "  " + str(c, "message");
    print_branch("", last, line);
    const auto* component = model.find(str(c, "name"));
    const auto children = component == nullptr
                              ? std::vector<std::string>{}
                              : component_children(client, live, model, *component);
    for (std::size_t j = 0; j < children.size(); ++j)
      print_branch(last ? "   " : "│  ", j + 1 == children.size(), children[j]);
  }
  const auto comms = app["spec"].value("internalCommunications", json::array());
  std::vector<std::string> comm_lines;
  for (const auto& comm : comms) {
    const auto ports = comm.value("ports", json::array());
    comm_lines.push_back(str(comm, "from") + " -> " + str(comm, "to") +
                         (ports.empty() ? " (all ports)" : " " + ports.dump()));
  }
  print_section("Communications", comm_lines);
  print_section("Links", link_lines(client, app));
  print_section("Monitoring", monitoring_lines(client, model));
  print_section("Offloading", offloading_lines(client, model));
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

// The objects `status` shows: the one named, or without a name every one of `type` in the
// namespace, or in every namespace with -A (as kubectl describe TYPE [-A] lists them).
std::vector<json> objects_to_show(Session& session, const client::ResourceType& type,
                                  const std::string& name) {
  if (!name.empty()) return {session.client().get(type, session.namespace_name(), name)};
  const auto ns = session.all_namespaces() ? std::string() : session.namespace_name();
  auto list = session.client().list(type, ns);
  return std::vector<json>(list["items"].begin(), list["items"].end());
}

// With -A the one positional argument is a KIND: names do not cross namespaces.
const client::ResourceType& kind_across_namespaces(const std::string& word) {
  try {
    return kind_named(word);
  } catch (const UsageError&) {
    throw UsageError(
        "a resource cannot be retrieved by name across all namespaces; use -A "
        "with a KIND only (kubectl app status -A [KIND])");
  }
}

}  // namespace

cxxopts::Options status_options() {
  auto options = new_options(
      "status [KIND] [NAME]",
      "Show an Application as a tree (components, workloads, services, policies, "
      "communications, conditions, recent events), or another kind's status. Without NAME, "
      "every Application (or object of KIND with -A KIND) of the namespace, or of every "
      "namespace with -A.",
      "  # An Application: components, workloads, Services, policies, conditions, events\n"
      "  kubectl app status shop -n demo\n"
      "\n"
      "  # Again at every change, until interrupted\n"
      "  kubectl app status shop -n demo --watch\n"
      "\n"
      "  # Another kind: its status and events\n"
      "  kubectl app status coinflip coin -n demo\n"
      "\n"
      "  # Every Application of every namespace\n"
      "  kubectl app status -A");
  options.add_options()("A,all-namespaces", "Every object of every namespace (no NAME)",
                        cxxopts::value<bool>()->default_value("false"))(
      "w,watch", "Print the status again whenever it changes, until interrupted",
      cxxopts::value<bool>()->default_value("false"))("positional", "",
                                                      cxxopts::value<std::vector<std::string>>());
  options.parse_positional({"positional"});
  return options;
}

int run_status(const Args& args) {
  auto options = status_options();
  const auto parsed = parse(options, args);
  const auto positional = values(parsed, "positional");
  Session session(parsed);
  const bool every = session.all_namespaces();
  if (positional.size() > (every ? 1U : 2U))
    throw UsageError(every ? "usage: kubectl app status -A [KIND]"
                           : "usage: kubectl app status [KIND] [NAME]");
  const auto& type = every && positional.size() == 1 ? kind_across_namespaces(positional[0])
                     : positional.size() == 2        ? kind_named(positional[0])
                                                     : res::kApplication;
  const auto name = every || positional.empty() ? std::string() : positional.back();
  if (name.empty() && parsed["watch"].as<bool>())
    throw UsageError("--watch follows one object; name it: kubectl app status [KIND] NAME --watch");
  auto print = [&](const json& o) {
    if (type.kind == "Application") {
      print_application(session.client(), o);
    } else {
      print_other(session.client(), o);
    }
    std::cout.flush();
  };
  auto found = objects_to_show(session, type, name);
  for (std::size_t i = 0; i < found.size(); ++i) {
    found[i]["kind"] = type.kind;
    if (i > 0) std::cout << "\n";
    print(found[i]);
  }
  if (found.empty()) {
    std::cerr << (every ? std::string("No resources found")
                        : "No resources found in " + session.namespace_name() + " namespace.")
              << "\n";
  }
  if (!parsed["watch"].as<bool>()) return 0;
  const auto& object = found[0];
  follow(session.client(), type, session.namespace_name(), name,
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
