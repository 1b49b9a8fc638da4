// YAML <-> JSON. The rest of the program works on nlohmann::json; yaml-cpp stays in yaml.cpp.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

namespace kapp::yaml {

// Parses one YAML (or JSON) document. Throws InputError naming `source` and the line.
nlohmann::json parse(const std::string& text, const std::string& source = "<input>");

// Parses a multi-document stream; empty documents are skipped.
std::vector<nlohmann::json> parse_all(const std::string& text,
                                      const std::string& source = "<input>");

// Where each node of a document was in the text, for messages that name a line. Nodes are
// named by JSON pointers (RFC 6901: "/spec/components/1/replicas"; "" is the document); an
// object member is at its key's line, a list item at the item's.
class Positions {
 public:
  void set(const std::string& pointer, int line) { lines_.emplace(pointer, line); }
  // The 1-based line of the node at `pointer`, or of its nearest ancestor in the document
  // (a missing field is reported at its parent's line); 0 when none is known.
  int line_of(std::string_view pointer) const;

 private:
  std::unordered_map<std::string, int> lines_;
};

// A document of a stream, the line (1-based) where it starts and where its nodes are.
struct Document {
  nlohmann::json value;
  int line = 1;
  int index = 1;  // 1-based, among the stream's documents, empty ones counted
  std::shared_ptr<const Positions> positions;
};
std::vector<Document> parse_documents(const std::string& text,
                                      const std::string& source = "<input>");

// Emits block-style YAML; strings that would read back as another type are quoted.
std::string dump(const nlohmann::json& value);

}  // namespace kapp::yaml
