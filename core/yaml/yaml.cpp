#include "core/yaml/yaml.h"

#include <cstdint>
#include <cstdio>
#include <regex>
#include <sstream>
#include <unordered_map>
#include <vector>

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include "core/errors.h"
#include "core/util/limits.h"
#include "core/yaml/resolve.h"

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
  if (std::regex_match(s, float_re)) {
    try {
      return std::stod(s);
    } catch (const std::out_of_range&) {
      return s;  // 1e999: go-yaml keeps what ParseFloat refuses as a string, and so do we
    }
  }
  return s;
}

// RFC 6901: "~" and "/" in a key are escaped as "~0" and "~1".
std::string pointer_token(const std::string& key) {
  std::string out;
  for (const char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

// `pointer` names `node` in its document; each node's line goes into `positions` when given.
json to_json(const YAML::Node& node, const std::string& source, const std::string& pointer,
             Positions* positions) {
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
      for (const auto& item : node) {
        const auto at = pointer + "/" + std::to_string(out.size());
        if (positions != nullptr) positions->set(at, item.Mark().line + 1);
        out.push_back(to_json(item, source, at, positions));
      }
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
        const auto at = pointer + "/" + pointer_token(key);
        if (positions != nullptr) positions->set(at, kv.first.Mark().line + 1);
        out[key] = to_json(kv.second, source, at, positions);
      }
      return out;
    }
  }
  return nullptr;
}

// How deep collections may nest. yaml-cpp 0.7 refuses about 500 levels by itself (its parser
// recurses; a DepthGuard stops it) with a message of no use to anyone: we stop first, and say so.
constexpr int kMaxDepth = 400;

std::string too_deep_message(const std::string& where) {
  return where + ": YAML nested more than " + std::to_string(kMaxDepth) +
         " levels deep; refusing it";
}

std::string at(const std::string& source, const YAML::Mark& mark) {
  if (mark.is_null()) return source;
  return source + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

// yaml-cpp's messages, in our words; the library's own text never reaches users.
std::string explain(const std::string& msg) {
  const auto starts = [&](const char* prefix) { return msg.rfind(prefix, 0) == 0; };
  if (starts(YAML::ErrorMsg::END_OF_MAP) || starts(YAML::ErrorMsg::END_OF_MAP_FLOW))
    return "a mapping is not closed; check the braces and indentation";
  if (starts(YAML::ErrorMsg::END_OF_SEQ) || starts(YAML::ErrorMsg::END_OF_SEQ_FLOW))
    return "a list is not closed; check the brackets and indentation";
  if (starts(YAML::ErrorMsg::FLOW_END)) return "a closing bracket or brace has no opening one";
  if (starts(YAML::ErrorMsg::MAP_VALUE) || starts(YAML::ErrorMsg::MAP_KEY))
    return "a key or value is out of place; check the indentation and the colons";
  if (starts(YAML::ErrorMsg::BLOCK_ENTRY))
    return "a list item (-) is out of place; check the indentation";
  if (starts(YAML::ErrorMsg::TAB_IN_INDENTATION))
    return "a tab in the indentation; indent with spaces";
  if (starts(YAML::ErrorMsg::EOF_IN_SCALAR) || starts(YAML::ErrorMsg::SINGLE_QUOTED_CHAR))
    return "a quoted string is not closed";
  if (starts(YAML::ErrorMsg::INVALID_ESCAPE) || starts(YAML::ErrorMsg::INVALID_HEX) ||
      starts(YAML::ErrorMsg::INVALID_UNICODE))
    return "an invalid escape sequence in a double-quoted string";
  if (starts(YAML::ErrorMsg::UNKNOWN_ANCHOR))
    return "an alias (*name) refers to an anchor (&name) not defined before it";
  if (starts(YAML::ErrorMsg::MULTIPLE_ANCHORS) || starts(YAML::ErrorMsg::MULTIPLE_TAGS) ||
      starts(YAML::ErrorMsg::MULTIPLE_ALIASES) || starts(YAML::ErrorMsg::ALIAS_CONTENT))
    return "a node has more than one anchor, tag or alias";
  if (starts(YAML::ErrorMsg::BAD_CONVERSION))
    return "a mapping key is not a plain value (keys must be strings)";
  if (starts(YAML::ErrorMsg::DOC_IN_SCALAR)) return "a document marker (--- or ...) inside a value";
  return "check the syntax here";
}

std::string parse_error(const std::string& source, const YAML::Exception& e) {
  if (dynamic_cast<const YAML::DeepRecursion*>(&e) != nullptr) return too_deep_message(source);
  return at(source, e.mark) + ": malformed YAML: " + explain(e.msg);
}

// The line (1-based) of byte `offset`, for errors found before yaml-cpp sees the text.
int line_of(const std::string& text, std::size_t offset) {
  int line = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i)
    if (text[i] == '\n') ++line;
  return line;
}

// Refuses what is not a YAML text at all: too large, or bytes YAML does not allow (binary
// data, invalid UTF-8). Documents in UTF-16 or UTF-32, which start with a byte order mark
// or a NUL byte, are left to yaml-cpp.
void check_text(const std::string& text, const std::string& source) {
  if (text.size() > util::kMaxInputBytes) {
    throw InputError(source + ": larger than " + util::describe_bytes(util::kMaxInputBytes) +
                     "; refusing it");
  }
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  if (text.size() >= 2 &&
      ((byte(0) == 0xFE && byte(1) == 0xFF) || (byte(0) == 0xFF && byte(1) == 0xFE))) {
    return;
  }
  for (std::size_t i = 0; i < text.size();) {
    const unsigned char c = byte(i);
    std::size_t length = 1;
    bool ok = true;
    if (c < 0x80) {
      ok = c >= 0x20 ? c != 0x7F : (c == '\t' || c == '\n' || c == '\r');
    } else {
      // UTF-8: a lead byte and its continuation bytes, no overlong forms or surrogates.
      unsigned min = 0;
      std::uint32_t cp = 0;
      if ((c & 0xE0) == 0xC0) {
        length = 2, cp = c & 0x1F, min = 0x80;
      } else if ((c & 0xF0) == 0xE0) {
        length = 3, cp = c & 0x0F, min = 0x800;
      } else if ((c & 0xF8) == 0xF0) {
        length = 4, cp = c & 0x07, min = 0x10000;
      } else {
        ok = false;
      }
      for (std::size_t k = 1; ok && k < length; ++k) {
        if (i + k >= text.size() || (byte(i + k) & 0xC0) != 0x80) {
          ok = false;
        } else {
          cp = (cp << 6) | (byte(i + k) & 0x3F);
        }
      }
      if (ok) ok = cp >= min && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
    }
    if (!ok) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02X", c);
      throw InputError(source + ":" + std::to_string(line_of(text, i)) +
                       ": not a YAML or JSON text (byte " + hex +
                       " is not allowed in one); refusing it");
    }
    i += length;
  }
}

// yaml.v3's rule for aliases: while the document decodes to few nodes, nearly all of them may
// come from aliases (99% under 400,000 nodes); the share falls linearly to 10% at 4,000,000.
double allowed_alias_ratio(double decoded) {
  constexpr double low = 400'000, high = 4'000'000;
  if (decoded <= low) return 0.99;
  if (decoded >= high) return 0.10;
  return 0.99 - 0.89 * (decoded - low) / (high - low);
}

// A first pass over the parser's events, before any node is built: it counts the nodes each
// anchor stands for and how deep it goes, so that aliases are expanded only on paper. The
// conversion to JSON, which copies every alias, runs only on documents that pass. yaml-cpp's
// node graph shares aliased nodes, so until that copy nothing grows.
class Bounds : public YAML::EventHandler {
 public:
  explicit Bounds(const std::string& source) : source_(source) {}

  void OnDocumentStart(const YAML::Mark& mark) override {
    // yaml-cpp 0.7 starts document after document at a token it cannot place (a stray ','),
    // consuming nothing, forever (jbeder/yaml-cpp#1040, fixed upstream in 0.8.1 by #1319).
    if (mark.pos == last_start_)
      throw InputError(at(source_, mark) +
                       ": malformed YAML: text that is neither a key nor a value (a stray "
                       "',', ']' or '}'?)");
    last_start_ = mark.pos;
    anchors_.clear();
    open_.clear();
    decoded_ = aliased_ = 0;
  }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark&, YAML::anchor_t anchor) override { leaf(anchor); }
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t anchor,
                const std::string&) override {
    leaf(anchor);
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    const auto it = anchors_.find(anchor);
    if (it == anchors_.end()) {
      // yaml-cpp registers an anchor when its node starts: an alias inside the node it names
      // would make the document infinite.
      throw InputError(at(source_, mark) +
                       ": a YAML alias refers to a node that contains it; "
                       "refusing it");
    }
    const auto [nodes, height] = it->second;
    if (static_cast<int>(open_.size()) + height > kMaxDepth) too_deep(mark);
    decoded_ += nodes;
    aliased_ += nodes;
    child_height(height);
    check_aliases();
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    start(mark, anchor);
  }
  void OnSequenceEnd() override { end(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    start(mark, anchor);
  }
  void OnMapEnd() override { end(); }

 private:
  struct Open {
    YAML::anchor_t anchor;
    std::uint64_t decoded_before;
    int height = 0;  // of its deepest child
  };
  struct Anchor {
    std::uint64_t nodes;  // the node and everything under it, aliases expanded
    int height;           // collections nested in it, itself included
  };

  void leaf(YAML::anchor_t anchor) {
    ++decoded_;
    if (anchor != YAML::NullAnchor) anchors_[anchor] = {1, 0};
    check_aliases();
  }
  void start(const YAML::Mark& mark, YAML::anchor_t anchor) {
    if (static_cast<int>(open_.size()) >= kMaxDepth) too_deep(mark);
    open_.push_back({anchor, decoded_});
    ++decoded_;
    check_aliases();
  }
  void end() {
    const auto done = open_.back();
    open_.pop_back();
    const int height = done.height + 1;
    if (done.anchor != YAML::NullAnchor)
      anchors_[done.anchor] = {decoded_ - done.decoded_before, height};
    child_height(height);
  }
  void child_height(int height) {
    if (!open_.empty() && open_.back().height < height) open_.back().height = height;
  }
  void check_aliases() const {
    if (aliased_ <= 100 || decoded_ <= 1000) return;
    const double decoded = static_cast<double>(decoded_);
    const double ratio = allowed_alias_ratio(decoded);
    if (static_cast<double>(aliased_) / decoded <= ratio) return;
    const double times = 1 / (1 - ratio);
    char factor[32];
    std::snprintf(factor, sizeof factor, times >= 10 ? "%.0f" : "%.1f", times);
    throw InputError(source_ + ": YAML aliases expand to more than " + factor +
                     " times the document's size; refusing it (a \"billion laughs\" document?)");
  }
  [[noreturn]] void too_deep(const YAML::Mark& mark) const {
    throw InputError(too_deep_message(at(source_, mark)));
  }

  const std::string& source_;
  std::unordered_map<YAML::anchor_t, Anchor> anchors_;
  std::vector<Open> open_;
  std::uint64_t decoded_ = 0;
  std::uint64_t aliased_ = 0;
  int last_start_ = -1;  // where the last document started
};

// Everything a text must pass before it is converted: every document of it, or the first.
void check_bounds(const std::string& text, const std::string& source, bool all_documents) {
  check_text(text, source);
  std::istringstream in(text);
  YAML::Parser parser(in);
  Bounds bounds(source);
  while (parser.HandleNextDocument(bounds) && all_documents) {
  }
}

// Strings that a YAML reader would take for another type must be quoted when emitted, and so
// must document markers: yaml-cpp writes `---` and `...` plain, which at the start of a line
// (a top-level key) end the document (YAML 1.2 c-forbidden).
bool needs_quotes(const std::string& s) {
  return !plain_reads_as_string(s) || s.rfind("---", 0) == 0 || s.rfind("...", 0) == 0;
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

int Positions::line_of(std::string_view pointer) const {
  while (true) {
    const auto it = lines_.find(std::string(pointer));
    if (it != lines_.end()) return it->second;
    const auto slash = pointer.rfind('/');
    if (slash == std::string_view::npos) return 0;
    pointer = pointer.substr(0, slash);
  }
}

json parse(const std::string& text, const std::string& source) {
  try {
    check_bounds(text, source, false);
    return to_json(YAML::Load(text), source, "", nullptr);
  } catch (const YAML::Exception& e) {
    throw InputError(parse_error(source, e));
  }
}

std::vector<Document> parse_documents(const std::string& text, const std::string& source) {
  std::vector<Document> docs;
  try {
    check_bounds(text, source, true);
    int index = 0;
    for (const auto& node : YAML::LoadAll(text)) {
      ++index;
      auto positions = std::make_shared<Positions>();
      const int line = node.Mark().line + 1;
      positions->set("", line);
      auto doc = to_json(node, source, "", positions.get());
      if (!doc.is_null()) docs.push_back({std::move(doc), line, index, std::move(positions)});
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
