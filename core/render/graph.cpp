#include "core/render/graph.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "core/errors.h"
#include "core/render/application.h"

namespace kapp::render {
namespace {

using nlohmann::json;

using AppKey = std::pair<std::string, std::string>;  // namespace, name

// "Application demo/shop": how errors name an object.
std::string describe(const char* kind, const json& object) {
  const auto meta = object.is_object() ? object.value("metadata", json::object()) : json::object();
  const auto ns = meta.is_object() && meta.contains("namespace") && meta["namespace"].is_string()
                      ? meta["namespace"].get<std::string>()
                      : "";
  const auto name = meta.is_object() && meta.contains("name") && meta["name"].is_string()
                        ? meta["name"].get<std::string>()
                        : "";
  return std::string(kind) + " " + (ns.empty() ? name : ns + "/" + name);
}

// A string field that must be there; `path` is how the error names it.
std::string required(const json& parent, const char* key, const std::string& who,
                     const std::string& path) {
  if (!parent.is_object() || !parent.contains(key) || !parent[key].is_string() ||
      parent[key].get<std::string>().empty())
    throw InputError(who + ": " + path + " is required (a non-empty string)");
  return parent[key].get<std::string>();
}

// A string field that may be absent (or null); any other type is an error.
std::string optional(const json& parent, const char* key, const std::string& who,
                     const std::string& path) {
  if (!parent.is_object() || !parent.contains(key) || parent[key].is_null()) return "";
  if (!parent[key].is_string()) throw InputError(who + ": " + path + " must be a string");
  return parent[key].get<std::string>();
}

// An array field that may be absent: the empty array then.
json array_field(const json& parent, const char* key, const std::string& who,
                 const std::string& path) {
  if (!parent.is_object() || !parent.contains(key) || parent[key].is_null()) return json::array();
  if (!parent[key].is_array()) throw InputError(who + ": " + path + " must be a list");
  return parent[key];
}

std::vector<int> port_numbers(const json& ports, const std::string& who, const std::string& path) {
  std::vector<int> out;
  for (const auto& p : ports) {
    if (!p.is_number_integer()) throw InputError(who + ": " + path + " must list port numbers");
    out.push_back(p.get<int>());
  }
  return out;
}

AppKey key_of(const json& object, const std::string& who) {
  const auto meta = object.is_object() ? object.value("metadata", json()) : json();
  return {required(meta, "namespace", who, "metadata.namespace"),
          required(meta, "name", who, "metadata.name")};
}

GraphComponent component_of(const Component& c, const std::string& who) {
  GraphComponent out{c.name, c.source, c.spec.value("workload", "Deployment"), {}};
  for (const auto& p : array_field(c.spec, "ports", who, "component " + c.name + " ports")) {
    if (!p.is_object() || !p.contains("port") || !p["port"].is_number_integer())
      throw InputError(who + ": component " + c.name + " has a port without a port number");
    out.ports.push_back(p["port"].get<int>());
  }
  return out;
}

// The graph under construction: applications by key, so edges can find their ends.
class Builder {
 public:
  GraphApp& add_app(const AppKey& key, bool external) {
    auto [it, added] = apps_.try_emplace(key);
    if (added) it->second = GraphApp{key.first, key.second, external, {}, {}};
    return it->second;
  }
  bool has_full_app(const AppKey& key) const {
    const auto it = apps_.find(key);
    return it != apps_.end() && !it->second.external;
  }
  // The component `name` of the application, added as missing (or, for an external
  // application, as the only thing known of it) when the graph does not have it yet.
  const GraphComponent& component(const AppKey& key, const std::string& name) {
    auto& app = apps_.at(key);
    for (const auto& c : app.components)
      if (c.name == name) return c;
    app.components.push_back({name, app.external ? "" : "Missing", "", {}});
    return app.components.back();
  }
  std::vector<GraphEdge>& edges() { return edges_; }

  Graph finish() {
    Graph graph;
    for (auto& [key, app] : apps_) {
      // External applications list only what links name; sort those for stability.
      if (app.external)
        std::sort(app.components.begin(), app.components.end(),
                  [](const auto& a, const auto& b) { return a.name < b.name; });
      graph.apps.push_back(std::move(app));
    }
    std::sort(edges_.begin(), edges_.end(), [](const GraphEdge& a, const GraphEdge& b) {
      return std::tie(a.from, a.to, a.link) < std::tie(b.from, b.to, b.link);
    });
    graph.edges = std::move(edges_);
    return graph;
  }

 private:
  std::map<AppKey, GraphApp> apps_;  // sorted by namespace, then name
  std::vector<GraphEdge> edges_;
};

void add_application(Builder& builder, const json& app, const std::vector<json>& components) {
  const auto who = describe("Application", app);
  const auto key = key_of(app, who);
  const auto spec = app.contains("spec") && app["spec"].is_object() ? app["spec"] : json::object();
  const auto model = make_model(app, components);
  auto& node = builder.add_app(key, /*external=*/false);
  for (const auto& ns : array_field(spec, "allowLinksFrom", who, "spec.allowLinksFrom"))
    if (ns.is_string()) node.allow_links_from.push_back(ns.get<std::string>());
  for (const auto& c : model.components) node.components.push_back(component_of(c, who));

  // Required by componentRefs but with no Component object: shown, so the gap is visible.
  std::set<std::string> refs;
  for (const auto& ref : array_field(spec, "componentRefs", who, "spec.componentRefs"))
    if (ref.is_string()) refs.insert(ref.get<std::string>());
  for (const auto& ref : refs) builder.component(key, ref);

  const auto comms =
      array_field(spec, "internalCommunications", who, "spec.internalCommunications");
  for (std::size_t i = 0; i < comms.size(); ++i) {
    const auto path = "spec.internalCommunications[" + std::to_string(i) + "]";
    const auto from = required(comms[i], "from", who, path + ".from");
    const auto to = required(comms[i], "to", who, path + ".to");
    builder.component(key, from);
    auto ports =
        port_numbers(array_field(comms[i], "ports", who, path + ".ports"), who, path + ".ports");
    const auto target_ports = builder.component(key, to).ports;
    // SPEC: a communication's ports default to all the Service ports of `to`.
    if (ports.empty()) ports = target_ports;
    builder.edges().push_back(
        {{key.first, key.second, from}, {key.first, key.second, to}, ports, "", "", ""});
  }
}

void add_link(Builder& builder, const json& link) {
  const auto who = describe("AppLink", link);
  const auto [ns, name] = key_of(link, who);
  const auto spec = link.contains("spec") ? link["spec"] : json();
  if (!spec.is_object()) throw InputError(who + ": spec is required");
  const auto from_spec = spec.contains("from") ? spec["from"] : json();
  const auto to_spec = spec.contains("to") ? spec["to"] : json();
  const GraphEndpoint from{ns, required(from_spec, "application", who, "spec.from.application"),
                           required(from_spec, "component", who, "spec.from.component")};
  auto to_ns = optional(to_spec, "namespace", who, "spec.to.namespace");
  const GraphEndpoint to{to_ns.empty() ? ns : to_ns,
                         required(to_spec, "application", who, "spec.to.application"),
                         required(to_spec, "component", who, "spec.to.component")};
  const AppKey from_key{from.namespace_name, from.application};
  const AppKey to_key{to.namespace_name, to.application};
  if (!builder.has_full_app(from_key) && !builder.has_full_app(to_key)) return;  // not ours
  builder.add_app(from_key, /*external=*/true);
  builder.add_app(to_key, /*external=*/true);
  builder.component(from_key, from.component);
  GraphEdge edge{from, to, {}, name, optional(spec, "alias", who, "spec.alias"), ""};
  // SPEC: absent ports mean all of the target's ports (unknown for an external target).
  edge.ports = port_numbers(array_field(spec, "ports", who, "spec.ports"), who, "spec.ports");
  const auto target_ports = builder.component(to_key, to.component).ports;
  if (edge.ports.empty()) edge.ports = target_ports;
  if (link.contains("status") && link["status"].is_object())
    edge.phase = optional(link["status"], "phase", who, "status.phase");
  builder.edges().push_back(std::move(edge));
}

std::string join_ports(const std::vector<int>& ports, const std::string& separator) {
  std::string out;
  for (const auto p : ports) out += (out.empty() ? "" : separator) + std::to_string(p);
  return out;
}

// "8080", "80,9113", or "all ports" when they are not known.
std::string ports_label(const std::vector<int>& ports) {
  return ports.empty() ? "all ports" : join_ports(ports, ",");
}

// "web-to-payments (Ready)": an AppLink's name with its phase when it has one.
std::string link_label(const GraphEdge& edge) {
  return edge.link + (edge.phase.empty() ? "" : " (" + edge.phase + ")");
}

std::string component_line(const GraphComponent& c) {
  if (c.source == "Missing") return c.name + "  (missing: no such component yet)";
  std::string line = c.name + "  " + c.workload + "  " +
                     (c.ports.empty() ? "no ports" : "ports " + join_ports(c.ports, ","));
  if (c.source == "Component") line += "  (Component)";
  return line;
}

// "-> cart  ports 7070", "-> team-b/payments/api  ports 8080  AppLink web-to-payments (...)",
// "<- team-a/shop/frontend  ports 8080  AppLink team-a/web-to-payments (...)".
std::string edge_line(const GraphEdge& edge, bool outgoing) {
  const auto& other = outgoing ? edge.to : edge.from;
  std::string line = std::string(outgoing ? "-> " : "<- ") +
                     (edge.link.empty() ? other.component : other.qualified()) + "  " +
                     (edge.ports.empty() ? "all ports" : "ports " + join_ports(edge.ports, ","));
  if (edge.link.empty()) return line;
  line += "  AppLink " + (outgoing ? edge.link : edge.from.namespace_name + "/" + edge.link);
  std::vector<std::string> details;
  if (outgoing && !edge.alias.empty()) details.push_back("alias " + edge.alias);
  if (!edge.phase.empty()) details.push_back(edge.phase);
  for (std::size_t i = 0; i < details.size(); ++i)
    line += (i == 0 ? " (" : ", ") + details[i] + (i + 1 == details.size() ? ")" : "");
  return line;
}

// A DOT double-quoted string: backslashes and quotes escaped, newlines as DOT's \n.
std::string dot_quote(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

// Mermaid labels are double-quoted; a quote inside is written as an entity.
std::string mermaid_quote(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) out += c == '"' ? std::string("#quot;") : std::string(1, c);
  return out + "\"";
}

}  // namespace

std::string GraphEndpoint::qualified() const {
  return namespace_name + "/" + application + "/" + component;
}

Graph make_graph(const std::vector<json>& applications, const std::vector<json>& components,
                 const std::vector<json>& links) {
  // Component objects by the application they join, sorted by name: an API list is, a file
  // need not be.
  std::map<AppKey, std::vector<json>> joining;
  for (const auto& c : components) {
    const auto who = describe("Component", c);
    const auto [ns, name] = key_of(c, who);
    const auto spec = c.contains("spec") ? c["spec"] : json();
    joining[{ns, required(spec, "application", who, "spec.application")}].push_back(c);
  }
  for (auto& [key, list] : joining)
    std::stable_sort(list.begin(), list.end(), [](const json& a, const json& b) {
      return a["metadata"]["name"].get<std::string>() < b["metadata"]["name"].get<std::string>();
    });

  Builder builder;
  for (const auto& app : applications) {
    const auto key = key_of(app, describe("Application", app));
    if (builder.has_full_app(key))
      throw InputError(describe("Application", app) + " is given twice");
    const auto found = joining.find(key);
    add_application(builder, app, found == joining.end() ? std::vector<json>{} : found->second);
  }
  for (const auto& link : links) add_link(builder, link);
  return builder.finish();
}

std::string to_text(const Graph& graph) {
  std::string out;
  for (const auto& app : graph.apps) {
    if (app.external) continue;  // shown as the far end of its links
    if (!out.empty()) out += "\n";
    out += "Application " + app.namespace_name + "/" + app.name;
    if (!app.allow_links_from.empty()) {
      out += "  (links allowed from ";
      for (std::size_t i = 0; i < app.allow_links_from.size(); ++i)
        out += (i ? ", " : "") + app.allow_links_from[i];
      out += ")";
    }
    out += "\n";
    if (app.components.empty()) out += "└─ (no components)\n";
    for (std::size_t i = 0; i < app.components.size(); ++i) {
      const auto& c = app.components[i];
      const bool last = i + 1 == app.components.size();
      out += std::string(last ? "└─ " : "├─ ") + component_line(c) + "\n";
      const GraphEndpoint self{app.namespace_name, app.name, c.name};
      std::vector<std::string> lines;
      for (const auto& edge : graph.edges)
        if (edge.from == self) lines.push_back(edge_line(edge, /*outgoing=*/true));
      // Links that reach it; communications inside the app show at their caller.
      for (const auto& edge : graph.edges)
        if (edge.to == self && !edge.link.empty() && !(edge.from == self))
          lines.push_back(edge_line(edge, /*outgoing=*/false));
      for (std::size_t j = 0; j < lines.size(); ++j)
        out += std::string(last ? "   " : "│  ") + (j + 1 == lines.size() ? "└─ " : "├─ ") +
               lines[j] + "\n";
    }
  }
  return out;
}

std::string to_dot(const Graph& graph) {
  std::string out =
      "digraph \"kubectl-app\" {\n  rankdir=LR;\n  node [shape=box, style=rounded];\n";
  for (const auto& app : graph.apps) {
    if (app.external) continue;
    out += "  subgraph " + dot_quote("cluster_" + app.namespace_name + "_" + app.name) + " {\n";
    out += "    label=" + dot_quote(app.namespace_name + "/" + app.name) + ";\n";
    for (const auto& c : app.components) {
      const GraphEndpoint id{app.namespace_name, app.name, c.name};
      out += "    " + dot_quote(id.qualified());
      if (c.source == "Missing") {
        out += " [label=" + dot_quote(c.name + "\n(missing)") + ", style=\"rounded,dashed\"];\n";
      } else {
        out += " [label=" + dot_quote(c.name + "\n" + c.workload) + "];\n";
      }
    }
    out += "  }\n";
  }
  // Applications known only as the far end of a link: one node per component, outside any
  // cluster, dashed, and named in full since no cluster label says where they live.
  for (const auto& app : graph.apps) {
    if (!app.external) continue;
    for (const auto& c : app.components) {
      const auto id = GraphEndpoint{app.namespace_name, app.name, c.name}.qualified();
      out += "  " + dot_quote(id) + " [label=" + dot_quote(id) + ", style=\"rounded,dashed\"];\n";
    }
  }
  for (const auto& edge : graph.edges) {
    out += "  " + dot_quote(edge.from.qualified()) + " -> " + dot_quote(edge.to.qualified());
    if (edge.link.empty()) {
      out += " [label=" + dot_quote(ports_label(edge.ports)) + "];\n";
    } else {
      out += " [label=" + dot_quote(link_label(edge) + "\n" + ports_label(edge.ports)) +
             ", style=dashed];\n";
    }
  }
  return out + "}\n";
}

std::string to_mermaid(const Graph& graph) {
  // Mermaid ids are plain words: number the nodes in the graph's (sorted) order.
  std::map<GraphEndpoint, std::string> ids;
  for (const auto& app : graph.apps)
    for (const auto& c : app.components)
      ids.emplace(GraphEndpoint{app.namespace_name, app.name, c.name},
                  "n" + std::to_string(ids.size()));
  std::string out = "flowchart LR\n";
  std::string dashed;  // the nodes drawn dashed: missing and external components
  std::size_t subgraph = 0;
  for (const auto& app : graph.apps) {
    if (app.external) continue;
    out += "  subgraph app" + std::to_string(subgraph++) + " [" +
           mermaid_quote(app.namespace_name + "/" + app.name) + "]\n";
    for (const auto& c : app.components) {
      const auto& id = ids.at({app.namespace_name, app.name, c.name});
      const bool missing = c.source == "Missing";
      out += "    " + id + "[" + mermaid_quote(c.name + (missing ? " (missing)" : "")) + "]\n";
      if (missing) dashed += (dashed.empty() ? "" : ",") + id;
    }
    out += "  end\n";
  }
  for (const auto& app : graph.apps) {
    if (!app.external) continue;
    for (const auto& c : app.components) {
      const GraphEndpoint endpoint{app.namespace_name, app.name, c.name};
      const auto& id = ids.at(endpoint);
      out += "  " + id + "[" + mermaid_quote(endpoint.qualified()) + "]\n";
      dashed += (dashed.empty() ? "" : ",") + id;
    }
  }
  for (const auto& edge : graph.edges) {
    const auto& from = ids.at(edge.from);
    const auto& to = ids.at(edge.to);
    if (edge.link.empty()) {
      out += "  " + from + " -->|" + mermaid_quote(ports_label(edge.ports)) + "| " + to + "\n";
    } else {
      out += "  " + from + " -.->|" +
             mermaid_quote(link_label(edge) + ": " + ports_label(edge.ports)) + "| " + to + "\n";
    }
  }
  if (!dashed.empty()) {
    out += "  classDef dashed stroke-dasharray: 5 5\n";
    out += "  class " + dashed + " dashed\n";
  }
  return out;
}

}  // namespace kapp::render
