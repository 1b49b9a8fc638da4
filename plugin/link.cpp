// kubectl app link FROM_APP/COMP TO_APP/COMP: an AppLink, created the way `create` creates
// objects, after checking that the source application exists and whether the target consents.
#include <algorithm>
#include <iostream>
#include <optional>
#include <regex>
#include <sstream>

#include "core/controllers/applink/spec.h"
#include "core/errors.h"
#include "core/objects/builders.h"
#include "core/render/applink.h"
#include "plugin/commands.h"
#include "plugin/write.h"

namespace kapp::cli {
namespace {

using nlohmann::json;
namespace res = client::resources;

// Every --port, each possibly a comma list, in order and without repeats.
std::vector<int> ports_of(const cxxopts::ParseResult& parsed) {
  std::vector<int> ports;
  for (const auto& flag : values(parsed, "port")) {
    std::stringstream list(flag);
    for (std::string text; std::getline(list, text, ',');) {
      int port = 0;
      std::size_t used = 0;
      try {
        port = std::stoi(text, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (text.empty() || used != text.size() || port < 1 || port > 65535)
        throw UsageError("--port must be a number from 1 to 65535, not \"" + text + "\"");
      if (std::find(ports.begin(), ports.end(), port) == ports.end()) ports.push_back(port);
    }
  }
  return ports;
}

// A DNS-1123 subdomain of at most 63 characters: the AppLink CRD bounds its names so, since
// its objects carry the name as a label value.
bool is_link_name(const std::string& name) {
  static const std::regex pattern(
      R"([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)");
  return name.size() <= 63 && std::regex_match(name, pattern);
}

// --name, or "<from-app>-<from-comp>-to-<to-app>-<to-comp>".
std::string link_name(const cxxopts::ParseResult& parsed, const controllers::applink::Spec& s) {
  if (parsed.count("name")) {
    const auto name = parsed["name"].as<std::string>();
    if (!is_link_name(name))
      throw UsageError("--name \"" + name +
                       "\" is not a valid AppLink name (lower-case letters, digits, '-' and '.', "
                       "at most 63 characters)");
    return name;
  }
  const auto name = s.from.application + "-" + s.from.component + "-to-" + s.to.application + "-" +
                    s.to.component;
  if (!is_link_name(name))
    throw UsageError("the default link name \"" + name +
                     "\" is not a valid AppLink name (at most 63 characters); choose one with "
                     "--name");
  return name;
}

// The one warning line for a target that will not let the link be Ready yet, or "".
std::string consent_warning(client::Client& client, const controllers::applink::Spec& s) {
  const auto target = s.to.namespace_name + "/" + s.to.application;
  const auto& source_ns = s.from.namespace_name;
  const auto add = "add \"" + source_ns + "\" to its spec.allowLinksFrom";
  std::optional<json> app;
  try {
    app = client.get_if_exists(res::kApplication, s.to.namespace_name, s.to.application);
  } catch (const ApiError& e) {
    if (!e.forbidden()) throw;
    return "Warning: you may not read application " + target +
           ", so whether it accepts links from namespace " + source_ns +
           " is unknown; until its owners " + add + ", the link stays Pending";
  }
  if (!app) {
    return "Warning: application " + target + " not found; the link stays Pending until it " +
           "exists and accepts links from namespace " + source_ns + " (" + add + ")";
  }
  if (!render::accepts_links_from(*app, source_ns)) {
    return "Warning: application " + target + " does not accept links from namespace " + source_ns +
           " yet: " + add + "; the link stays Pending until then";
  }
  return "";
}

}  // namespace

cxxopts::Options link_options() {
  auto options = new_options(
      "link FROM_APP/COMP TO_APP/COMP",
      "Create an AppLink: let component COMP of application FROM_APP (in -n) reach component COMP "
      "of application TO_APP (in --to-namespace). The target application must list the source "
      "namespace in its spec.allowLinksFrom; until it does, the link stays Pending.",
      "  # Let shop's frontend (in team-a) reach payments' api (in team-b) on port 8080\n"
      "  kubectl app link shop/frontend payments/api -n team-a --to-namespace team-b --port 8080\n"
      "\n"
      "  # Two ports, the Service alias and the AppLink's name chosen\n"
      "  kubectl app link shop/frontend cart/api -n team-a --port 7070,7071 --alias cart --name "
      "to-cart\n"
      "\n"
      "  # Print the AppLink without creating it\n"
      "  kubectl app link shop/frontend payments/api -n team-a --dry-run=client -o yaml");
  add_output_flag(options, kObjectFormats);
  add_dry_run_flag(options);
  options.add_options()("to-namespace",
                        "Namespace of the target application; the source's when not given",
                        cxxopts::value<std::string>(), value_kind::kNamespace)(
      "port",
      "A Service port of the target to reach (repeatable, or a comma list); all when not given",
      cxxopts::value<std::vector<std::string>>(), value_kind::kFree)(
      "alias", "Name of the Service the source dials; TO_COMP-TO_NAMESPACE when not given",
      cxxopts::value<std::string>()->default_value(""), value_kind::kFree)(
      "name", "Name of the AppLink; FROM_APP-FROM_COMP-to-TO_APP-TO_COMP when not given",
      cxxopts::value<std::string>(),
      value_kind::kFree)("positional", "", cxxopts::value<std::vector<std::string>>());
  options.parse_positional({"positional"});
  return options;
}

int run_link(const Args& args) {
  auto options = link_options();
  const auto parsed = parse(options, args);
  const auto positional = values(parsed, "positional");
  if (positional.size() != 2)
    throw UsageError("usage: kubectl app link FROM_APP/COMP TO_APP/COMP [flags]");
  const auto mode = dry_run(parsed);
  const auto format = output_format(parsed);
  // The command line is checked before the kubeconfig is read; the namespaces and the name
  // are filled in once known.
  auto link = objects::app_link("", "", positional[0], positional[1], "", ports_of(parsed),
                                parsed["alias"].as<std::string>());
  Session session(parsed);
  const auto ns = target_namespace(parsed, session, mode);
  const auto to_ns = parsed.count("to-namespace") ? parsed["to-namespace"].as<std::string>() : ns;
  if (to_ns.empty()) throw UsageError("--to-namespace must not be empty");
  link["metadata"]["namespace"] = ns;
  link["spec"]["to"]["namespace"] = to_ns;
  const auto spec = controllers::applink::parse_spec(link);
  link["metadata"]["name"] = link_name(parsed, spec);
  std::vector<objects::Manifest> manifests{{link, "flags", 1}};
  objects::prepare(manifests, ns);
  if (mode == DryRun::Client) {
    print_objects({manifests[0].object}, format.empty() ? "yaml" : format);
    return 0;
  }
  auto& client = session.client();
  if (!client.get_if_exists(res::kApplication, ns, spec.from.application)) {
    throw Error("application " + ns + "/" + spec.from.application + " not found; create it first");
  }
  const auto warning = consent_warning(client, spec);
  const auto code = create_objects(session, std::move(manifests), mode, format);
  std::cout.flush();
  if (!warning.empty()) std::cerr << warning << "\n";
  return code;
}

}  // namespace kapp::cli
