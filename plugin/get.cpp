// kubectl app get [KIND] [NAME]: tables like kubectl's, or -o yaml|json|name.
#include <iostream>

#include "core/errors.h"
#include "plugin/commands.h"
#include "plugin/kinds.h"
#include "plugin/rows.h"
#include "plugin/table.h"
#include "plugin/watch.h"

namespace kapp::cli {
namespace {

using nlohmann::json;

// Page sizes of a listing. The API server answers a first page from its watch cache and every
// further page from etcd, which costs several times more (Kubernetes 1.33: 40 ms for the first
// 500 Applications, 450 ms for the next 500), so a listing reads everything in as few pages as
// the bound on a response body (64 MiB) allows: rows of a Table are a few hundred bytes (with
// metadata about 1.5 KB), objects a few KB to tens of KB. kubectl asks for 500.
constexpr int kRowPageSize = 10000;
constexpr int kObjectPageSize = 2000;

struct Listing {
  std::vector<TableRow> rows;
  std::string version;  // where --watch picks up
};

Listing list_rows(client::Client& client, const client::ResourceType& type, const std::string& ns,
                  bool wide, bool need_namespace) {
  const auto table = client.list_table(
      type, ns, need_namespace ? client::TableObject::Metadata : client::TableObject::None,
      {.limit = kRowPageSize});
  const auto version = table["metadata"].value("resourceVersion", "");
  if (auto rows = rows_of_table(type, table, wide)) return {std::move(*rows), version};
  Listing listing;
  auto list = client.list(type, ns, {.limit = kObjectPageSize});
  listing.version = list["metadata"].value("resourceVersion", "");
  for (const auto& o : list["items"]) listing.rows.push_back(row_of(type, o, wide));
  return listing;
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
  const bool table_format = format.empty() || wide;
  for (const auto* type : kinds) {
    const auto first = objects.size();
    std::vector<TableRow> rows;
    if (positional.size() == 2) {
      objects.push_back(session.client().get(*type, ns, positional[1]));
      version = objects.back()["metadata"].value("resourceVersion", "");
    } else if (format == "json" || format == "yaml") {
      auto list = session.client().list(*type, ns, {.limit = kObjectPageSize});
      version = list["metadata"].value("resourceVersion", "");
      for (auto& item : list["items"]) objects.push_back(std::move(item));
    } else {
      // A table, or -o name: the Table's cells (NAME's alone for -o name, which prints no
      // namespace).
      auto listing =
          list_rows(session.client(), *type, ns, wide, session.all_namespaces() && table_format);
      version = std::move(listing.version);
      rows = std::move(listing.rows);
      if (!table_format) {
        for (const auto& r : rows) objects.push_back({{"metadata", {{"name", r.name}}}});
      }
    }
    for (auto o = objects.begin() + static_cast<std::ptrdiff_t>(first); o != objects.end(); ++o) {
      (*o)["apiVersion"] = type->api_version();
      (*o)["kind"] = type->kind;
    }
    if (!table_format) continue;
    if (positional.size() == 2) {
      rows.push_back(row_of(*type, objects.back(), wide));
      objects.pop_back();
    }
    if (rows.empty()) continue;
    Table table(columns(*type, wide), session.all_namespaces());
    for (auto& r : rows) table.add(r.namespace_name, std::move(r.cells));
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
