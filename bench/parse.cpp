// What parsing a watch event costs: each item of `kubectl get KIND -o json` files, wrapped as
// the API server sends it on a watch stream ({"type":"MODIFIED","object":...} on one line),
// parsed with nlohmann's parser (and the callback that leaves out managedFields: what the
// client did before core/util/json_fast.h) and with parse_json_fast. Needs no cluster.
// Usage: bench_parse LIST_JSON... [--rounds N]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/util/files.h"
#include "core/util/json_fast.h"
#include "core/util/limits.h"

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

// Microseconds per event of `parse` over every line, best of `rounds`.
template <typename Parse>
double best_us(const std::vector<std::string>& lines, int rounds, Parse parse) {
  double best = 1e18;
  for (int r = 0; r < rounds; ++r) {
    const auto start = Clock::now();
    std::size_t members = 0;
    for (const auto& line : lines) members += parse(line).size();
    const std::chrono::duration<double, std::micro> took = Clock::now() - start;
    if (members == 0) std::abort();  // keeps the work from being optimised away
    best = std::min(best, took.count() / static_cast<double>(lines.size()));
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  int rounds = 5;
  std::vector<std::string> lines;
  std::size_t bytes = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--rounds" && i + 1 < argc) {
      rounds = std::atoi(argv[++i]);
      continue;
    }
    const auto list = json::parse(kapp::util::read_file(arg, "a list"));
    for (const auto& item : list["items"]) {
      lines.push_back(json({{"type", "MODIFIED"}, {"object", item}}).dump());
      bytes += lines.back().size();
    }
  }
  if (lines.empty()) {
    std::fprintf(stderr, "usage: bench_parse LIST_JSON... [--rounds N]\n");
    return 2;
  }
  const auto slow = best_us(lines, rounds, [](const std::string& line) {
    return kapp::util::parse_json_bounded(line, kapp::util::without_managed_fields(2));
  });
  const auto fast = best_us(
      lines, rounds, [](const std::string& line) { return kapp::util::parse_json_fast(line, 2); });
  std::printf("%zu events, %.0f bytes each on average\n", lines.size(),
              static_cast<double>(bytes) / static_cast<double>(lines.size()));
  std::printf("nlohmann with the managedFields callback: %.1f us per event\n", slow);
  std::printf("parse_json_fast:                          %.1f us per event (%.2fx)\n", fast,
              fast / slow);
}
