#include "core/util/json_fast.h"

#include <simdjson.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/util/limits.h"

namespace kapp::util {
namespace {

using nlohmann::json;

// simdjson keeps about 14 bytes per byte of the largest document a parser has parsed (its
// tape, structural indexes and string buffer): larger documents go to nlohmann's parser.
constexpr std::size_t kMaxFastBytes = 32 * 1024;
// Parsers kept for reuse: about as many as parse at once on a machine of a few cores (the
// informers' threads parse events, the workers' answers); more are freed after use.
constexpr std::size_t kKeptParsers = 4;

struct FastParser {
  // The parser refuses what nests deeper than kMaxNestingDepth (one level to spare, whichever
  // way simdjson counts the root), so only refused text needs util::json_nesting_depth's
  // scan. Its buffers grow with the documents and keep that depth. If this first allocation
  // fails, the parser is never used (nlohmann's parses instead).
  FastParser() : usable(parser.allocate(4096, kMaxNestingDepth - 1) == simdjson::SUCCESS) {}
  simdjson::dom::parser parser{kMaxFastBytes};
  std::string padded;  // the text and SIMDJSON_PADDING bytes simdjson may read past its end
  bool usable;
};

// Shared by every thread, so memory follows the parses in flight rather than the number of
// threads (an informer per type and namespace).
class ParserPool {
 public:
  std::unique_ptr<FastParser> take() {
    std::lock_guard lock(mutex_);
    if (idle_.empty()) return std::make_unique<FastParser>();
    auto parser = std::move(idle_.back());
    idle_.pop_back();
    return parser;
  }
  void give(std::unique_ptr<FastParser> parser) {
    std::lock_guard lock(mutex_);
    if (parser->usable && idle_.size() < kKeptParsers) idle_.push_back(std::move(parser));
  }

 private:
  std::mutex mutex_;
  std::vector<std::unique_ptr<FastParser>> idle_;
};

// Builds the tree in document order, as nlohmann's parser does, with the state of
// without_managed_fields: the latest key at `key_depth` says whether keys one level deeper
// belong to a metadata member.
class TreeBuilder {
 public:
  explicit TreeBuilder(int key_depth) : key_depth_(key_depth) {}

  // `depth`: how many objects and arrays enclose `element`.
  json build(simdjson::dom::element element, int depth) {
    using simdjson::dom::element_type;
    switch (element.type()) {
      case element_type::OBJECT: {
        json out = json::object();
        auto& members = out.get_ref<json::object_t&>();
        const int key_depth = depth + 1;  // nlohmann counts the object its keys are in
        for (const auto [key, value] : simdjson::dom::object(element)) {
          if (key_depth == key_depth_) in_metadata_ = key == "metadata";
          if (in_metadata_ && key_depth == key_depth_ + 1 && key == "managedFields") continue;
          members[std::string(key)] = build(value, depth + 1);
        }
        return out;
      }
      case element_type::ARRAY: {
        json out = json::array();
        auto& items = out.get_ref<json::array_t&>();
        for (const auto item : simdjson::dom::array(element))
          items.push_back(build(item, depth + 1));
        return out;
      }
      case element_type::STRING:
        return std::string(std::string_view(element));
      case element_type::INT64: {
        // nlohmann's parser makes every integer without a sign unsigned.
        const auto value = int64_t(element);
        return value >= 0 ? json(static_cast<std::uint64_t>(value)) : json(value);
      }
      case element_type::UINT64:
        return uint64_t(element);
      case element_type::DOUBLE:
        return double(element);
      case element_type::BOOL:
        return bool(element);
      case element_type::NULL_VALUE:
        return nullptr;
    }
    return nullptr;
  }

 private:
  int key_depth_;  // 0: keep managedFields
  bool in_metadata_ = false;
};

}  // namespace

json::parser_callback_t without_managed_fields(int key_depth) {
  // Keys come in document order: the latest key at an object's depth is the member that the
  // keys one level deeper belong to.
  return
      [key_depth, in_metadata = false](int depth, json::parse_event_t event, json& parsed) mutable {
        if (event != json::parse_event_t::key) return true;
        if (depth == key_depth) in_metadata = parsed == "metadata";
        return !(in_metadata && depth == key_depth + 1 && parsed == "managedFields");
      };
}

json parse_json_fast(std::string_view text, int key_depth) {
  const auto fallback = [&] {
    return parse_json_bounded(text, key_depth > 0 ? without_managed_fields(key_depth) : nullptr);
  };
  if (text.size() > kMaxFastBytes) return fallback();
  static auto* pool = new ParserPool;  // never destroyed: threads may parse during exit
  auto fast = pool->take();
  fast->padded.assign(text);
  fast->padded.append(simdjson::SIMDJSON_PADDING, '\0');
  simdjson::dom::element root;
  const bool parsed =
      fast->usable &&
      fast->parser.parse(fast->padded.data(), text.size(), false).get(root) == simdjson::SUCCESS;
  // The tree is built before the parser goes back: root points into its buffers.
  // What simdjson refuses (not JSON, or nested too deep) nlohmann's parser judges.
  auto tree = parsed ? TreeBuilder(key_depth).build(root, 0) : fallback();
  pool->give(std::move(fast));
  return tree;
}

}  // namespace kapp::util
