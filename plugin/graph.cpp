// kubectl app graph [NAME] [-f FILE]: the communication graph (components, their internal
// communications, AppLinks across applications) as text, DOT or Mermaid. From the cluster, or
// offline from files with no kubeconfig at all. The verb only gathers objects; building and
// printing the graph is core/render/graph's.
#include <iostream>

#include "core/engine/object.h"
#include "core/errors.h"
#include "core/objects/manifest.h"
#include "core/render/graph.h"
#include "core/validation/validator.h"
#include "plugin/commands.h"
#include "plugin/manifests.h"

namespace kapp::cli {
namespace {

using nlohmann::json;
namespace res = client::resources;

// What the graph is drawn from: the applications to draw in full, and every Component and
// AppLink that might belong to them (make_graph keeps the ones that do).
struct Objects {
  std::vector<json> applications;
  std::vector<json> components;
  std::vector<json> links;
};

using engine::name_of;
using engine::namespace_of;

// Every document of the files (-f may repeat and hold commas, as create's), namespaced as
// `create -f` would: -n, else "default". Only our kinds are kept.
Objects from_files(const cxxopts::ParseResult& parsed) {
  auto manifests = read_manifests(parsed);
  validation::check_all(manifests);  // the graph is drawn from valid documents only
  objects::prepare(manifests,
                   parsed.count("namespace") ? parsed["namespace"].as<std::string>() : "default");
  Objects out;
  for (auto& m : manifests) {
    if (!objects::is_ours(m.object)) continue;
    const auto kind = m.object.value("kind", "");
    if (kind == "Application") out.applications.push_back(std::move(m.object));
    if (kind == "Component") out.components.push_back(std::move(m.object));
    if (kind == "AppLink") out.links.push_back(std::move(m.object));
  }
  return out;
}

// Keeps the one application NAME of the files: in -n's namespace when given, else in whichever
// namespace has it, as long as only one does.
void select_from_files(Objects& objects, const std::string& name, const std::string& ns) {
  std::vector<json> selected;
  for (auto& app : objects.applications)
    if (name_of(app) == name && (ns.empty() || namespace_of(app) == ns))
      selected.push_back(std::move(app));
  if (selected.empty())
    throw InputError("no Application \"" + name + "\"" + (ns.empty() ? "" : " in namespace " + ns) +
                     " in the given files");
  if (selected.size() > 1)
    throw UsageError("Application \"" + name + "\" is in several namespaces of the files (" +
                     namespace_of(selected[0]) + ", " + namespace_of(selected[1]) +
                     "); pick one with -n");
  objects.applications = std::move(selected);
}

std::vector<json> items(json list) {
  std::vector<json> out;
  for (auto& item : list["items"]) out.push_back(std::move(item));
  return out;
}

// The AppLinks that may touch applications of `ns` ("" for every namespace): those of the
// namespace (links from it) and those of any namespace that point into it. A user allowed to
// read only their namespace still gets the outgoing links; without the AppLink CRD, none.
std::vector<json> links_for(client::Client& client, const std::string& ns) {
  try {
    auto all = items(client.list(res::kAppLink, ""));
    if (ns.empty()) return all;
    std::vector<json> out;
    for (auto& link : all) {
      const auto to = link.value("spec", json::object()).value("to", json::object());
      if (namespace_of(link) == ns || to.value("namespace", "") == ns)
        out.push_back(std::move(link));
    }
    return out;
  } catch (const ApiError& e) {
    if (e.not_found()) return {};
    if (!e.forbidden() || ns.empty()) throw;
  }
  return items(client.list(res::kAppLink, ns));
}

Objects from_cluster(Session& session, const std::string& name) {
  auto& client = session.client();
  const auto ns = session.all_namespaces() ? std::string() : session.namespace_name();
  Objects out;
  if (name.empty()) {
    out.applications = items(client.list(res::kApplication, ns));
  } else {
    out.applications.push_back(client.get(res::kApplication, ns, name));
  }
  out.components = items(client.list(res::kComponent, ns));
  out.links = links_for(client, ns);
  return out;
}

const std::vector<std::string> kGraphFormats = {"text", "dot", "mermaid"};

}  // namespace

cxxopts::Options graph_options() {
  auto options = new_options(
      "graph [NAME] [-f FILE]",
      "Show the communication graph: the components of Applications, the communications between "
      "them and the AppLinks across applications. From the cluster (NAME, every Application of "
      "the namespace, or -A), or offline from files with -f (no cluster needed). -o is text "
      "(the default), dot (Graphviz) or mermaid.",
      "  # One application, as a tree\n"
      "  kubectl app graph shop -n demo\n"
      "\n"
      "  # Every application of the namespace, as a Mermaid flowchart\n"
      "  kubectl app graph -n demo -o mermaid\n"
      "\n"
      "  # Every namespace, drawn by Graphviz\n"
      "  kubectl app graph -A -o dot | dot -Tsvg > apps.svg\n"
      "\n"
      "  # Offline, from files: no kubeconfig or cluster needed\n"
      "  kubectl app graph -f samples/links.yaml");
  add_output_flag(options, kGraphFormats);
  options.add_options()("A,all-namespaces", "Every Application of every namespace",
                        cxxopts::value<bool>()->default_value("false"))(
      "f,filename", "Files to read the objects from instead of the cluster ('-' reads stdin)",
      cxxopts::value<std::vector<std::string>>(),
      value_kind::kFile)("positional", "", cxxopts::value<std::vector<std::string>>());
  options.parse_positional({"positional"});
  return options;
}

int run_graph(const Args& args) {
  auto options = graph_options();
  const auto parsed = parse(options, args);
  const auto positional = values(parsed, "positional");
  if (positional.size() > 1) throw UsageError("usage: kubectl app graph [NAME] [-f FILE]");
  const auto name = positional.empty() ? std::string() : positional[0];
  auto format = output_format(parsed);
  if (format.empty()) format = "text";
  check_one_of("--output", format, kGraphFormats);
  Session session(parsed);
  if (session.all_namespaces() && !name.empty())
    throw UsageError("a NAME is looked up in one namespace; drop -A or the NAME");

  Objects objects;
  if (parsed.count("filename")) {
    objects = from_files(parsed);
    if (!name.empty())
      select_from_files(objects, name,
                        parsed.count("namespace") ? parsed["namespace"].as<std::string>() : "");
  } else {
    objects = from_cluster(session, name);
  }
  if (objects.applications.empty()) {
    std::cerr << (parsed.count("filename") ? std::string("No applications found in the files.")
                  : session.all_namespaces()
                      ? std::string("No applications found.")
                      : "No applications found in " + session.namespace_name() + " namespace.")
              << "\n";
    return 0;
  }
  const auto graph = render::make_graph(objects.applications, objects.components, objects.links);
  if (format == "dot") {
    std::cout << render::to_dot(graph);
  } else if (format == "mermaid") {
    std::cout << render::to_mermaid(graph);
  } else {
    std::cout << render::to_text(graph);
  }
  return 0;
}

}  // namespace kapp::cli
