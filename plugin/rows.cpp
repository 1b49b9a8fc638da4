#include "plugin/rows.h"

#include <cctype>

#include "core/util/time.h"

namespace kapp::cli {
namespace {

using nlohmann::json;

// A cell as kubectl app prints it: strings as they are, numbers as JSON writes them.
std::string text_of(const json& value, const std::string& fallback) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_null()) return fallback;
  return value.dump();
}

std::string field(const json& o, std::initializer_list<const char*> path,
                  const std::string& fallback = "") {
  const json* at = &o;
  for (const auto* key : path) {
    if (!at->is_object() || !at->contains(key)) return fallback;
    at = &(*at)[key];
  }
  return text_of(*at, fallback);
}

std::string age(const json& o) {
  const auto created = util::parse_rfc3339(field(o, {"metadata", "creationTimestamp"}));
  return created ? util::human_age(std::chrono::system_clock::now() - *created) : "<unknown>";
}

// What row() prints under `header` when the object lacks the field, or nullopt when that comes
// from another field of the object.
std::optional<std::string> default_cell(const client::ResourceType& type,
                                        const std::string& header) {
  if (header == "AGE") return "<unknown>";
  if (header == "PHASE") return "Pending";
  if (header == "READY") return "0/0";
  if (header == "WORKLOAD") return "Deployment";
  if (header == "HOST") return "<none>";
  if (type.kind == "AppLink" && (header == "FROM" || header == "TO")) return std::nullopt;
  if (header == "COMPONENTS" || header == "FLIPS" || header == "TAILS" || header == "STREAK" ||
      header == "SENT" || header == "PENDING")
    return "0";
  return "";  // NAME, APPLICATION, IMAGE, RECENT
}

std::string upper(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

}  // namespace

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

TableRow row_of(const client::ResourceType& type, const json& object, bool wide) {
  auto cells = row(type, object, wide);
  auto name = cells[0];
  return {field(object, {"metadata", "namespace"}), std::move(name), std::move(cells)};
}

std::optional<std::vector<TableRow>> rows_of_table(const client::ResourceType& type,
                                                   const json& table, bool wide) {
  if (!table.is_object() || table.value("kind", "") != "Table" || !table.contains("rows") ||
      !table["rows"].is_array() || !table.contains("columnDefinitions") ||
      !table["columnDefinitions"].is_array())
    return std::nullopt;
  // Where each of our headers is among the server's columns (kubectl upper-cases their names).
  const auto headers = columns(type, wide);
  const auto& definitions = table["columnDefinitions"];
  std::vector<std::size_t> at;
  for (const auto& header : headers) {
    std::size_t i = 0;
    while (i < definitions.size() &&
           !(definitions[i].is_object() && upper(definitions[i].value("name", "")) == header))
      ++i;
    if (i == definitions.size()) return std::nullopt;
    at.push_back(i);
  }
  std::vector<TableRow> rows;
  rows.reserve(table["rows"].size());
  for (const auto& r : table["rows"]) {
    if (!r.is_object() || !r.contains("cells") || !r["cells"].is_array()) return std::nullopt;
    const auto& cells = r["cells"];
    TableRow out;
    out.cells.reserve(headers.size());
    for (std::size_t c = 0; c < headers.size(); ++c) {
      const json& cell = at[c] < cells.size() ? cells[at[c]] : json();
      if (cell.is_null()) {
        const auto fallback = default_cell(type, headers[c]);
        if (!fallback) return std::nullopt;
        out.cells.push_back(*fallback);
      } else {
        out.cells.push_back(text_of(cell, ""));
      }
    }
    out.name = out.cells[0];
    out.namespace_name = field(r, {"object", "metadata", "namespace"});
    rows.push_back(std::move(out));
  }
  return rows;
}

}  // namespace kapp::cli
