#include "core/yaml/yaml.h"

#include <regex>

#include <yaml-cpp/yaml.h>

#include "core/errors.h"

namespace kapp::yaml {
namespace {

using nlohmann::json;

// Plain scalars are typed by the YAML 1.2 core schema, as Kubernetes' YAML decoder does.
json plain_scalar(const std::string& s) {
  static const std::regex int_re("[-+]?[0-9]+");
  static const std::regex float_re("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  if (std::regex_match(s, int_re)) {
    try {
      return std::stoll(s);
    } catch (const std::out_of_range&) {
      return s;  // too large for an int64: keep the digits rather than lose precision
    }
  }
  if (std::regex_match(s, float_re)) return std::stod(s);
  return s;
}

json to_json(const YAML::Node& node, const std::string& source) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return nullptr;
    case YAML::NodeType::Scalar:
      // A quoted or explicitly tagged string scalar has tag "!" or "tag:yaml.org,2002:str".
      if (node.Tag() == "!" || node.Tag() == "tag:yaml.org,2002:str") return node.Scalar();
      return plain_scalar(node.Scalar());
    case YAML::NodeType::Sequence: {
      json out = json::array();
      for (const auto& item : node) out.push_back(to_json(item, source));
      return out;
    }
    case YAML::NodeType::Map: {
      json out = json::object();
      for (const auto& kv : node) {
        const auto key = kv.first.as<std::string>();
        if (out.contains(key)) {
          throw InputError(source + ":" + std::to_string(kv.first.Mark().line + 1) +
                           ": duplicate key \"" + key + "\"; remove one of them");
        }
        out[key] = to_json(kv.second, source);
      }
      return out;
    }
  }
  return nullptr;
}

std::string parse_error(const std::string& source, const YAML::Exception& e) {
  return source + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1) +
         ": malformed YAML: " + e.msg;
}

// Strings that a YAML reader would take for another type must be quoted when emitted.
bool needs_quotes(const std::string& s) {
  if (s.empty()) return true;
  static const std::regex ambiguous(
      "(y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|\\.inf|\\.nan|0x[0-9a-fA-F]+|0o[0-7]+)");
  return !plain_scalar(s).is_string() || std::regex_match(s, ambiguous);
}

void emit(YAML::Emitter& out, const json& value) {
  switch (value.type()) {
    case json::value_t::object:
      // Empty containers inline (`key: {}`), as kubectl prints them; yaml-cpp's block style
      // would put them on a line of their own.
      if (value.empty()) {
        out << YAML::Flow << YAML::BeginMap << YAML::EndMap;
        break;
      }
      out << YAML::BeginMap;
      for (const auto& [key, item] : value.items()) {
        out << YAML::Key;
        if (needs_quotes(key)) out << YAML::DoubleQuoted;
        out << key << YAML::Value;
        emit(out, item);
      }
      out << YAML::EndMap;
      break;
    case json::value_t::array:
      if (value.empty()) {
        out << YAML::Flow << YAML::BeginSeq << YAML::EndSeq;
        break;
      }
      out << YAML::BeginSeq;
      for (const auto& item : value) emit(out, item);
      out << YAML::EndSeq;
      break;
    case json::value_t::string: {
      const auto& s = value.get_ref<const std::string&>();
      // yaml-cpp's literal block always keeps one final newline (`|`), so only strings that
      // end with exactly one read back unchanged; others are double-quoted with escapes.
      const bool literal_safe = s.size() > 1 && s.back() == '\n' && s[s.size() - 2] != '\n';
      if (s.find('\n') != std::string::npos && literal_safe) {
        out << YAML::Literal << s;
      } else if (s.find('\n') != std::string::npos) {
        out << YAML::DoubleQuoted << s;
      } else {
        if (needs_quotes(s)) out << YAML::DoubleQuoted;
        out << s;
      }
      break;
    }
    case json::value_t::null:
      out << YAML::Null;
      break;
    default:
      out << value.dump();  // numbers and booleans print the same in both languages
  }
}

}  // namespace

json parse(const std::string& text, const std::string& source) {
  try {
    return to_json(YAML::Load(text), source);
  } catch (const YAML::Exception& e) {
    throw InputError(parse_error(source, e));
  }
}

std::vector<Document> parse_documents(const std::string& text, const std::string& source) {
  std::vector<Document> docs;
  try {
    for (const auto& node : YAML::LoadAll(text)) {
      auto doc = to_json(node, source);
      if (!doc.is_null()) docs.push_back({std::move(doc), node.Mark().line + 1});
    }
  } catch (const YAML::Exception& e) {
    throw InputError(parse_error(source, e));
  }
  return docs;
}

std::vector<json> parse_all(const std::string& text, const std::string& source) {
  std::vector<json> docs;
  for (auto& doc : parse_documents(text, source)) docs.push_back(std::move(doc.value));
  return docs;
}

std::string dump(const json& value) {
  YAML::Emitter out;
  out.SetIndent(2);
  out.SetSeqFormat(YAML::Block);
  emit(out, value);
  std::string text = out.c_str();
  if (!text.empty() && text.back() != '\n') text += '\n';
  return text;
}

}  // namespace kapp::yaml
