#include "plugin/table.h"

#include <algorithm>

namespace kapp::cli {

Table::Table(std::vector<std::string> headers, bool with_namespace)
    : with_namespace_(with_namespace) {
  if (with_namespace_) headers.insert(headers.begin(), "NAMESPACE");
  rows_.push_back(std::move(headers));
}

void Table::add(const std::string& ns, std::vector<std::string> cells) {
  if (with_namespace_) cells.insert(cells.begin(), ns);
  rows_.push_back(std::move(cells));
}

void Table::print(std::ostream& out, bool header) const {
  std::vector<std::size_t> widths(rows_[0].size(), 0);
  for (const auto& row : rows_) {
    for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i)
      widths[i] = std::max(widths[i], row[i].size());
  }
  for (std::size_t r = header ? 0 : 1; r < rows_.size(); ++r) {
    const auto& row = rows_[r];
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(widths[i] - row[i].size() + 3, ' ');
    }
    out << line << "\n";
  }
}

}  // namespace kapp::cli
