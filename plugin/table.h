// A kubectl-style table: upper-case headers, columns padded to their widest cell, three spaces
// apart.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace kapp::cli {

class Table {
 public:
  Table(std::vector<std::string> headers, bool with_namespace);
  void add(const std::string& ns, std::vector<std::string> cells);
  // Without the header: the rows --watch adds under a table already printed.
  void print(std::ostream& out, bool header = true) const;

 private:
  std::vector<std::vector<std::string>> rows_;
  bool with_namespace_;
};

}  // namespace kapp::cli
