// The rows `kubectl app get` prints for our kinds, kubectl's columns with our defaults: from a
// whole object (what --watch receives), or from the cells of the API server's Table (what a
// listing asks for, as kubectl get does: the server then encodes a few cells per object instead
// of the object).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/client/resource.h"

namespace kapp::cli {

// The headers, NAME first (-o wide adds the CRD's priority-1 columns).
std::vector<std::string> columns(const client::ResourceType& type, bool wide);
// The cells of one object under those headers.
std::vector<std::string> row(const client::ResourceType& type, const nlohmann::json& object,
                             bool wide);

struct TableRow {
  std::string namespace_name;  // from the row's metadata, when the Table carries it
  std::string name;
  std::vector<std::string> cells;  // under columns(type, wide)
};

// The row of one object (as the Table would give it, from row()).
TableRow row_of(const client::ResourceType& type, const nlohmann::json& object, bool wide);

// The rows of a meta.k8s.io/v1 Table of `type` (Client::list_table), the same cells row()
// gives for each object: a cell the server leaves empty (a status not written yet) takes row()'s
// default, and the server's AGE (the same humanized duration kubectl prints) is kept. nullopt
// when the Table cannot give them: not a Table, a column missing (a CRD other than ours), or an
// empty cell whose default comes from the object (a new AppLink's FROM and TO, read from its
// spec): the caller then lists the objects.
std::optional<std::vector<TableRow>> rows_of_table(const client::ResourceType& type,
                                                   const nlohmann::json& table, bool wide);

}  // namespace kapp::cli
