// kubectl app get [KIND] [NAME]: tables like kubectl's, or -o yaml|json|name.
#include <iostream>

#include "core/errors.h"
#include "core/util/time.h"
#include "plugin/commands.h"
#include "plugin/kinds.h"
#include "plugin/table.h"
#include "plugin/watch.h"

namespace kapp::cli {
namespace {

using nlohmann::json;

std::string field(const json& o, std::initializer_list<const char*> path,
                  const std::string& fallback = "") {
  const json* at = &o;
  for (const auto* key : path) {
    if (!at->is_object() || !at->contains(key)) return fallback;
    at = &(*at)[key];
  }
  if (at->is_string()) return at->get<std::string>();
  if (at->is_null()) return fallback;
  return at->dump();
}

std::string age(const json& o) {
  const auto created = util::parse_rfc3339(field(o, {"metadata", "creationTimestamp"}));
  return created ? util::human_age(std::chrono::system_clock::now() - *created) : "<unknown>";
}

std::vector<std::string> columns(const client::ResourceType& type, bool wide) {
  if (type.kind == "Application") return {"NAME", "PHASE", "READY", "COMPONENTS", "AGE"};
  if (type.kind == "Component") {
    return wide ? std::vector<std::string>{"NAME",     "APPLICATION", "PHASE", "READY",
                                           "WORKLOAD", "IMAGE",       "AGE"}
                : std::vector<std::string>{"NAME", "APPLICATION", "PHASE", "READY", "AGE"};
  }
  if (type.kind == "AppLink") {
    return wide ? std::vector<std::string>{"NAME", "FROM", "TO", "PHASE", "HOST", "AGE"}
                : std::vector<std::string>{"NAME", "FROM", "TO", "PHASE", "AGE"};
  }
  return wide ? std::vector<std::string>{"NAME", "FLIPS",   "TAILS",  "STREAK",
                                         "SENT", "PENDING", "RECENT", "AGE"}
              : std::vector<std::string>{"NAME", "FLIPS",   "TAILS", "STREAK",
                                         "SENT", "PENDING", "AGE"};
}

std::vector<std::string> row(const client::ResourceType& type, const json& o, bool wide) {
  const auto name = field(o, {"metadata", "name"});
  const auto phase = field(o, {"status", "phase"}, "Pending");
  if (type.kind == "Application") {
    return {name, phase, field(o, {"status", "ready"}, "0/0"),
            field(o, {"status", "componentCount"}, "0"), age(o)};
  }
  if (type.kind == "Component") {
    std::vector<std::string> r = {name, field(o, {"spec", "application"}), phase,
                                  field(o, {"status", "ready"}, "0/0")};
    if (wide)
      r.insert(r.end(),
               {field(o, {"spec", "workload"}, "Deployment"), field(o, {"spec", "image"})});
    r.push_back(age(o));
    return r;
  }
  if (type.kind == "AppLink") {
    // The CRD's printer columns (status.fromRef, toRef, phase, host), from the spec until the
    // controller has written them, so that a new link reads the same as a reconciled one.
    const auto from = field(
        o, {"status", "fromRef"},
        field(o, {"spec", "from", "application"}) + "/" + field(o, {"spec", "from", "component"}));
    const auto to = field(
        o, {"status", "toRef"},
        field(o, {"spec", "to", "namespace"}, field(o, {"metadata", "namespace"})) + "/" +
            field(o, {"spec", "to", "application"}) + "/" + field(o, {"spec", "to", "component"}));
    std::vector<std::string> r = {name, from, to, phase};
    if (wide) r.push_back(field(o, {"status", "host"}, "<none>"));
    r.push_back(age(o));
    return r;
  }
  std::vector<std::string> r = {name,
                                field(o, {"status", "flips"}, "0"),
                                field(o, {"status", "tails"}, "0"),
                                field(o, {"status", "streak"}, "0"),
                                field(o, {"status", "notifications", "sent"}, "0"),
                                field(o, {"status", "notifications", "pending"}, "0")};
  if (wide) r.push_back(field(o, {"status", "recent"}));
  r.push_back(age(o));
  return r;
}

const std::vector<std::string> kGetFormats = {"wide", "yaml", "json", "name"};

}  // namespace

cxxopts::Options get_options() {
  auto options = new_options(
      "get [KIND] [NAME]",
      "Show Applications, Components, AppLinks and CoinFlips. Without KIND, every kind, one table "
      "each. KIND is application (kapp), component (kcomp), applink or coinflip, singular or "
      "plural.",
      "  # Every kind of the namespace, one table each\n"
      "  kubectl app get -n demo\n"
      "\n"
      "  # The Applications of every namespace\n"
      "  kubectl app get applications -A\n"
      "\n"
      "  # One Component as YAML\n"
      "  kubectl app get kcomp cache -n demo -o yaml\n"
      "\n"
      "  # A row per change, until interrupted\n"
      "  kubectl app get applications -n demo --watch");
  add_output_flag(options, kGetFormats);
  options.add_options()("A,all-namespaces",
                        "If present, list the requested object(s) across all namespaces",
                        cxxopts::value<bool>()->default_value("false"))(
      "w,watch", "After listing, print every change until interrupted (needs KIND)",
      cxxopts::value<bool>()->default_value("false"))(
      "show-managed-fields", "Keep metadata.managedFields in -o yaml and -o json",
      cxxopts::value<bool>()->default_value("false"))("positional", "",
                                                      cxxopts::value<std::vector<std::string>>());
  options.parse_positional({"positional"});
  return options;
}

int run_get(const Args& args) {
  auto options = get_options();
  const auto parsed = parse(options, args);
  const auto positional = values(parsed, "positional");
  if (positional.size() > 2) throw UsageError("get takes at most KIND and NAME");
  const bool watch = parsed["watch"].as<bool>();
  const bool managed_fields = parsed["show-managed-fields"].as<bool>();
  if (watch && positional.empty())
    throw UsageError("--watch follows one kind; name it: kubectl app get KIND --watch");
  const auto format = output_format(parsed);
  if (!format.empty()) check_one_of("--output", format, kGetFormats);
  const bool wide = format == "wide";
  Session session(parsed);
  const auto ns = session.all_namespaces() ? std::string() : session.namespace_name();

  std::vector<const client::ResourceType*> kinds = all_kinds();
  if (!positional.empty()) kinds = {&kind_named(positional[0])};
  std::vector<json> objects;
  bool printed_table = false;
  std::string version;  // where --watch picks up
  for (const auto* type : kinds) {
    std::vector<json> found;
    if (positional.size() == 2) {
      found.push_back(session.client().get(*type, ns, positional[1]));
      version = found.back()["metadata"].value("resourceVersion", "");
    } else {
      auto list = session.client().list(*type, ns);
      version = list["metadata"].value("resourceVersion", "");
      for (auto& item : list["items"]) found.push_back(std::move(item));
    }
    for (auto& o : found) {
      o["apiVersion"] = type->api_version();
      o["kind"] = type->kind;
    }
    if (!format.empty() && !wide) {
      objects.insert(objects.end(), found.begin(), found.end());
      continue;
    }
    if (found.empty()) continue;
    Table table(columns(*type, wide), session.all_namespaces());
    for (const auto& o : found)
      table.add(o["metadata"].value("namespace", ""), row(*type, o, wide));
    if (printed_table) std::cout << "\n";
    if (kinds.size() > 1) std::cout << "# " << type->qualified() << "\n";
    table.print(std::cout);
    printed_table = true;
  }
  if (!format.empty() && !wide) {
    print_objects(objects, format, /*as_list=*/positional.size() < 2 && !watch, managed_fields);
  } else if (!printed_table && !watch) {
    std::cerr << (ns.empty() ? std::string("No resources found")
                             : "No resources found in " + ns + " namespace.")
              << "\n";
  }
  if (!watch) return 0;
  std::cout.flush();
  const auto& type = *kinds[0];
  follow(session.client(), type, ns, positional.size() == 2 ? positional[1] : "", version,
         [&](const std::string&, const json& o) {
           if (!format.empty() && !wide) {
             print_objects({o}, format, /*as_list=*/false, managed_fields);
           } else {
             Table table(columns(type, wide), session.all_namespaces());
             table.add(o["metadata"].value("namespace", ""), row(type, o, wide));
             table.print(std::cout, /*header=*/!printed_table);
             printed_table = true;
           }
           std::cout.flush();
           return true;
         });
  return 0;
}

}  // namespace kapp::cli
