// Differential: parse_json_fast must build what nlohmann's parser builds from the same bytes
// (the same tree, or a discarded value for both), with managedFields left out at the depth
// the first input byte picks.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/util/json_fast.h"
#include "core/util/limits.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const int key_depth = data[0] % 4;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  const auto fast = kapp::util::parse_json_fast(text, key_depth);
  const auto reference = kapp::util::parse_json_bounded(
      text, key_depth > 0 ? kapp::util::without_managed_fields(key_depth) : nullptr);
  if (fast.is_discarded() != reference.is_discarded()) std::abort();
  if (!fast.is_discarded() && (fast != reference || fast.dump() != reference.dump())) std::abort();
  return 0;
}
