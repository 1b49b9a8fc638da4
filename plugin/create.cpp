// kubectl app create: objects from files (-f), or an Application, Component or CoinFlip from
// flags. Every object is checked (here, then by the server in a dry run) before any is sent,
// so one bad document writes nothing.
#include <iostream>

#include "core/engine/object.h"
#include "core/errors.h"
#include "core/objects/builders.h"
#include "core/objects/manifest.h"
#include "core/validation/validator.h"
#include "plugin/commands.h"
#include "plugin/manifests.h"
#include "plugin/write.h"

namespace kapp::cli {
namespace {

using nlohmann::json;
using objects::Manifest;

using engine::name_of;
using engine::namespace_of;

bool created_in(const std::vector<Planned>& plan, const std::string& kind, const std::string& ns,
                const std::string& name) {
  for (const auto& p : plan) {
    const auto& o = p.manifest.object;
    if (o.value("kind", "") == kind && name_of(o) == name && (ns.empty() || namespace_of(o) == ns))
      return true;
  }
  return false;
}

}  // namespace

std::vector<Planned> resolve(client::Client& client, std::vector<Manifest> manifests,
                             const std::string& ns) {
  std::vector<Planned> plan;
  for (auto& m : manifests) {
    client::ResourceType type;
    try {
      type = client.resource_for(m.object["apiVersion"], m.object["kind"]);
    } catch (const ApiError&) {
      throw;
    } catch (const Error& e) {
      throw InputError(m.describe() + ": " + e.what());
    }
    if (type.namespaced && namespace_of(m.object).empty()) m.object["metadata"]["namespace"] = ns;
    if (!type.namespaced) m.object["metadata"].erase("namespace");
    plan.push_back({std::move(m), type});
  }
  return plan;
}

namespace {

// SPEC: a Component's Application must exist first (or come in the same input).
void check_applications_exist(client::Client& client, const std::vector<Planned>& plan) {
  for (const auto& p : plan) {
    const auto& o = p.manifest.object;
    if (o.value("kind", "") != "Component" || !objects::is_ours(o)) continue;
    const auto app = o["spec"].value("application", "");
    if (created_in(plan, "Application", namespace_of(o), app)) continue;
    if (!client.get_if_exists(client::resources::kApplication, namespace_of(o), app)) {
      throw InputError(p.manifest.describe() + ": its Application " + namespace_of(o) + "/" + app +
                       " does not exist; create the Application first (or in the same input)");
    }
  }
}

// The server checks each object against its schema and CEL rules without storing anything.
void validate_on_server(client::Client& client, const std::vector<Planned>& plan) {
  for (const auto& p : plan) {
    try {
      client.apply(p.type, p.manifest.object, {.dry_run = true});
    } catch (const ApiError& e) {
      // An object in a namespace this same input creates cannot be dry-run before it exists.
      const bool namespace_pending =
          e.not_found() && created_in(plan, "Namespace", "", namespace_of(p.manifest.object));
      if (!namespace_pending) throw InputError(p.manifest.describe() + ": " + e.what());
    }
  }
}

// What the user's input did to an object: its resourceVersion is no guide, as the server also
// writes when an apply changes only metadata.managedFields (a Namespace whose applied fields
// are all the server's gets a "before-first-apply" entry on the next apply; entries of one
// manager for the object and its status subresource are re-ordered and re-stamped), and the
// controller may write the status in between. So compare what the user sees.
json user_visible(json object) {
  object.erase("status");
  if (object.contains("metadata") && object["metadata"].is_object()) {
    for (const auto* field : {"managedFields", "resourceVersion", "generation"})
      object["metadata"].erase(field);
  }
  return object;
}

std::string verb_for(const std::optional<json>& before, const json& after) {
  if (!before) return "created";
  return user_visible(*before) == user_visible(after) ? "unchanged" : "configured";
}

int create_from_files(const cxxopts::ParseResult& parsed, DryRun mode, const std::string& format) {
  auto manifests = read_manifests(parsed);
  validation::check_all(manifests);  // nothing is sent when one document is bad
  Session session(parsed);
  objects::prepare(manifests, target_namespace(parsed, session, mode));
  if (mode == DryRun::Client) {
    std::vector<json> out;
    for (const auto& m : manifests) out.push_back(m.object);
    print_objects(out, format.empty() ? "yaml" : format);
    return 0;
  }
  return create_objects(session, std::move(manifests), mode, format);
}

json object_from_flags(const cxxopts::ParseResult& parsed,
                       const std::vector<std::string>& positional, const std::string& ns) {
  if (positional[0] == "coinflip") {
    if (positional.size() != 2)
      throw UsageError("usage: kubectl app create coinflip NAME --notify URL [flags]");
    objects::CoinFlipFlags flags;
    flags.interval = parsed["interval"].as<std::string>();
    flags.threshold = parsed["threshold"].as<int>();
    flags.notify = parsed["notify"].as<std::string>();
    if (flags.notify.empty())
      throw UsageError(
          "create coinflip needs --notify URL (mqtt://host:port/topic or http(s)://...)");
    if (parsed.count("seed")) flags.seed = parsed["seed"].as<long long>();
    if (parsed.count("max-flips")) flags.max_flips = parsed["max-flips"].as<long long>();
    flags.credentials_secret = parsed["credentials-secret"].as<std::string>();
    return objects::coinflip(positional[1], ns, flags);
  }
  const auto components = values(parsed, "component");
  if (positional[0] == "component") {
    if (positional.size() != 2)
      throw UsageError("usage: kubectl app create component NAME --app APP --image IMAGE");
    const auto app = parsed["app"].as<std::string>();
    if (app.empty()) throw UsageError("create component needs --app, the Application it joins");
    std::string spec = "name=" + positional[1] + ",image=" + parsed["image"].as<std::string>() +
                       ",replicas=" + std::to_string(parsed["replicas"].as<int>());
    for (const auto& port : values(parsed, "port")) spec += ",port=" + port;
    return objects::component(ns, app, objects::component_from_flag(spec));
  }
  if (positional.size() != 1)
    throw UsageError("usage: kubectl app create NAME --component name=...,image=... [flags]");
  if (components.empty())
    throw UsageError("an application needs at least one --component name=NAME,image=IMAGE");
  std::vector<json> built, communications;
  for (const auto& c : components) built.push_back(objects::component_from_flag(c));
  for (const auto& k : values(parsed, "communication"))
    communications.push_back(objects::communication_from_flag(k));
  return objects::application(positional[0], ns, built, communications);
}

}  // namespace

int create_objects(Session& session, std::vector<Manifest> manifests, DryRun mode,
                   const std::string& format) {
  auto& client = session.client();
  const auto plan = resolve(client, std::move(manifests), session.namespace_name());
  check_applications_exist(client, plan);
  validate_on_server(client, plan);
  std::vector<json> results;
  for (const auto& p : plan) {
    const auto& o = p.manifest.object;
    if (mode == DryRun::Server) {
      results.push_back(client.apply(p.type, o, {.dry_run = true}));
      if (format.empty()) std::cout << object_ref(o) << " serverside-applied (server dry run)\n";
      continue;
    }
    const auto before = client.get_if_exists(p.type, namespace_of(o), name_of(o));
    auto after = client.apply(p.type, o);
    if (format.empty()) std::cout << object_ref(o) << " " << verb_for(before, after) << "\n";
    results.push_back(std::move(after));
  }
  if (!format.empty()) print_objects(results, format);
  return 0;
}

// A client-side dry run needs no kubeconfig: -n, or "default".
std::string target_namespace(const cxxopts::ParseResult& parsed, Session& session, DryRun mode) {
  if (parsed.count("namespace")) return parsed["namespace"].as<std::string>();
  return mode == DryRun::Client ? "default" : session.namespace_name();
}

cxxopts::Options create_options() {
  namespace kind = value_kind;
  auto options = new_options(
      "create (-f FILE | NAME --component ... | component NAME | coinflip NAME)",
      "Create or update Applications, Components, AppLinks and CoinFlips from files (YAML or "
      "JSON, several documents, '-' for stdin) or from flags.",
      "  # Create the objects of a file (several documents, YAML or JSON)\n"
      "  kubectl app create -f samples/shop.yaml\n"
      "\n"
      "  # Print what would be sent, without a cluster\n"
      "  kubectl app create -f samples/shop.yaml --dry-run=client -o yaml\n"
      "\n"
      "  # An Application with two components and a communication between them\n"
      "  kubectl app create shop --component name=web,image=nginx:1.27,port=80 \\\n"
      "      --component name=db,image=postgres:16,port=5432 --communication 'web->db:5432'\n"
      "\n"
      "  # A component joining an existing Application\n"
      "  kubectl app create component cache --app shop --image redis:7 --port 6379\n"
      "\n"
      "  # A coin flip that notifies a webhook after 3 tails in a row\n"
      "  kubectl app create coinflip coin --interval 5s --notify https://example.com/hook");
  add_output_flag(options, kObjectFormats);
  add_dry_run_flag(options);
  options.add_options()("f,filename", "Files to create objects from ('-' reads stdin)",
                        cxxopts::value<std::vector<std::string>>(), kind::kFile)(
      "component",
      "An inline component: "
      "name=,image=,replicas=,port=[name:]port[:target],expose=,metrics=PORTNAME,"
      "workload=,volume=name:path:size (repeatable)",
      cxxopts::value<std::vector<std::string>>(),
      kind::kFree)("communication", "FROM->TO[:PORT,...] (repeatable)",
                   cxxopts::value<std::vector<std::string>>(), kind::kFree)(
      "app", "component: the Application it joins",
      cxxopts::value<std::string>()->default_value(""), kind::name_of("applications"))(
      "image", "component: the image", cxxopts::value<std::string>()->default_value(""),
      kind::kFree)("replicas", "component: replicas", cxxopts::value<int>()->default_value("1"),
                   kind::kFree)("port", "component: [name:]port[:targetPort] (repeatable)",
                                cxxopts::value<std::vector<std::string>>(), kind::kFree)(
      "interval", "coinflip: time between flips",
      cxxopts::value<std::string>()->default_value("2s"),
      kind::kFree)("threshold", "coinflip: consecutive tails that notify",
                   cxxopts::value<int>()->default_value("3"),
                   kind::kFree)("notify", "coinflip: mqtt://host:port/topic or http(s):// webhook",
                                cxxopts::value<std::string>()->default_value(""), kind::kFree)(
      "seed", "coinflip: seed for a reproducible sequence", cxxopts::value<long long>(),
      kind::kFree)("max-flips", "coinflip: stop after this many flips", cxxopts::value<long long>(),
                   kind::kFree)(
      "credentials-secret", "coinflip: Secret with username and password for the queue",
      cxxopts::value<std::string>()->default_value(""),
      kind::name_of("secrets"))("positional", "", cxxopts::value<std::vector<std::string>>());
  options.parse_positional({"positional"});
  return options;
}

int run_create(const Args& args) {
  auto options = create_options();
  const auto parsed = parse(options, args);
  const auto mode = dry_run(parsed);
  const auto format = output_format(parsed);
  const auto positional = values(parsed, "positional");
  if (parsed.count("filename")) {
    if (!positional.empty()) throw UsageError("give either -f FILE or a NAME, not both");
    return create_from_files(parsed, mode, format);
  }
  if (positional.empty())
    throw UsageError("nothing to create; pass -f FILE, or see 'kubectl app create --help'");
  Session session(parsed);
  const auto ns = target_namespace(parsed, session, mode);
  const auto object = object_from_flags(parsed, positional, ns);
  std::vector<Manifest> manifests{{object, "flags", 1}};
  validation::check_all(manifests);
  objects::prepare(manifests, ns);
  if (mode == DryRun::Client) {
    print_objects({manifests[0].object}, format.empty() ? "yaml" : format);
    return 0;
  }
  return create_objects(session, std::move(manifests), mode, format);
}

}  // namespace kapp::cli
