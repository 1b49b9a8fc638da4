// YAML <-> JSON. The rest of the program works on nlohmann::json; yaml-cpp stays in yaml.cpp.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace kapp::yaml {

// Parses one YAML (or JSON) document. Throws InputError naming `source` and the line.
nlohmann::json parse(const std::string& text, const std::string& source = "<input>");

// Parses a multi-document stream; empty documents are skipped.
std::vector<nlohmann::json> parse_all(const std::string& text,
                                      const std::string& source = "<input>");

// A document of a stream and the line (1-based) where it starts, for error messages.
struct Document {
  nlohmann::json value;
  int line = 1;
};
std::vector<Document> parse_documents(const std::string& text,
                                      const std::string& source = "<input>");

// Emits block-style YAML; strings that would read back as another type are quoted.
std::string dump(const nlohmann::json& value);

}  // namespace kapp::yaml
