// The communication graph of `kubectl app graph`: which component may call which, inside an
// application (spec.internalCommunications) and across applications (AppLinks). Pure
// functions: the verb gathers the objects (from the cluster or from files) and these build and
// print the graph, so every format is unit-tested and golden-filed without a server.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace kapp::render {

// One component drawn in the graph.
struct GraphComponent {
  std::string name;
  // "Inline", "Component" (a separate Component object), or "Missing": named by
  // spec.componentRefs or by a communication but with no object (yet).
  std::string source;
  std::string workload;    // Deployment or StatefulSet; empty when missing
  std::vector<int> ports;  // its Service ports, in the order the spec lists them
};

// An application of the graph: one given in full (`external` false) or one only known as the
// other end of an AppLink (`external` true; it then holds just the components links name).
struct GraphApp {
  std::string namespace_name;
  std::string name;
  bool external = false;
  std::vector<std::string> allow_links_from;  // spec.allowLinksFrom, as written
  std::vector<GraphComponent> components;     // inline, then Component objects, then missing
};

// A component of an application: the end of an edge.
struct GraphEndpoint {
  std::string namespace_name;
  std::string application;
  std::string component;
  std::string qualified() const;  // "namespace/application/component"
  auto operator<=>(const GraphEndpoint&) const = default;
};

// A communication (`link` empty) or an AppLink (`link` its name, in from.namespace_name).
struct GraphEdge {
  GraphEndpoint from;
  GraphEndpoint to;
  // The ports the caller dials. Defaulted to every Service port of `to` when the spec gives
  // none; empty only when those are unknown (a missing or external component).
  std::vector<int> ports;
  std::string link;
  std::string alias;  // the AppLink's spec.alias, when given
  std::string phase;  // the AppLink's status.phase, when present
};

// Applications sorted by namespace and name (the external ones among them), edges sorted by
// their ends then by link name, so the same objects always print the same text.
struct Graph {
  std::vector<GraphApp> apps;
  std::vector<GraphEdge> edges;
};

// The graph of `applications` (each drawn in full) with the Component objects whose
// spec.application names one of them (others are ignored) and the AppLinks from or to one of
// them (others are ignored). Objects are JSON as the API server returns them; a namespace
// must be set (objects::prepare fills it in for files). The other end of a link, when it is
// not among `applications`, becomes an external application. Throws InputError naming the
// object when a field the graph needs is missing or of the wrong type.
Graph make_graph(const std::vector<nlohmann::json>& applications,
                 const std::vector<nlohmann::json>& components,
                 const std::vector<nlohmann::json>& links);

// A tree per application as `kubectl app status` prints: its components, each with its
// outgoing communications and links, and the links that reach it. Empty for an empty graph.
std::string to_text(const Graph& graph);
// Graphviz: a digraph, a `cluster_<namespace>_<app>` subgraph per application, edges labelled
// with their ports; links dashed and labelled with their name. Node ids are quoted
// "namespace/app/component".
std::string to_dot(const Graph& graph);
// Mermaid: `flowchart LR`, a subgraph per application, `-->|ports|` communications and
// `-.->|link ports|` links.
std::string to_mermaid(const Graph& graph);

}  // namespace kapp::render
