// Parsing the small documents the controller reads most (watch events) with simdjson, then
// building the nlohmann tree the rest of the code reads. nlohmann's own parser, with the
// callback that leaves out managedFields, was a third of the watch streams' CPU (perf at
// N = 300, bench/results/cpu-profile.md); simdjson finds the structure several times faster
// and the tree is built in one pass without a callback per token.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

namespace kapp::util {

// nlohmann's parser callback that leaves out metadata.managedFields of the objects whose own
// keys are at `key_depth` (nlohmann counts the enclosing objects and arrays: 1 for a whole
// object, 2 for the object of a watch event, 3 for the items of a list). Nothing else of that
// name is left out (a spec member or label called managedFields stays).
nlohmann::json::parser_callback_t without_managed_fields(int key_depth);

// The same tree as util::parse_json_bounded(text, without_managed_fields(key_depth)) (or with
// no filter when `key_depth` is 0): the same values, numbers of the same type (unsigned for a
// non-negative integer, as nlohmann's parser; only "-0" comes back unsigned, not signed, and
// compares and dumps the same), the last of duplicate keys, managedFields left out exactly
// where the callback leaves them out, and a discarded value for text that is not JSON or is
// nested deeper than kMaxNestingDepth. Documents over 32 KiB, or that simdjson refuses, are
// parsed by nlohmann's parser. simdjson's parsers (about 14 bytes per byte of the largest
// document each parsed) are shared by all threads, a few kept for reuse. Thread-safe; never
// throws but std::bad_alloc.
nlohmann::json parse_json_fast(std::string_view text, int key_depth = 0);

}  // namespace kapp::util
