// The work queue with many delayed keys pending (every object's periodic resync, back-offs):
// the cost of add_after and of a get() while N timers wait. Needs no cluster.
// Usage: bench_work_queue [N...]   (default 1000 10000 100000)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/engine/work_queue.h"

namespace {

using Clock = std::chrono::steady_clock;

double ns_per(Clock::duration took, int n) {
  return std::chrono::duration<double, std::nano>(took).count() / n;
}

void run(int n) {
  kapp::engine::WorkQueue queue;
  std::vector<std::string> keys;
  for (int i = 0; i < n; ++i)
    keys.push_back("ns-" + std::to_string(i % 97) + "/obj-" + std::to_string(i));
  auto start = Clock::now();
  for (int i = 0; i < n; ++i)  // spread over an hour: none is due during the run
    queue.add_after(keys[i], std::chrono::milliseconds(1800000 + (i * 7919) % 1800000));
  const auto add_took = Clock::now() - start;

  constexpr int kGets = 2000;
  start = Clock::now();
  for (int i = 0; i < kGets; ++i) {
    queue.add("hot/key");
    const auto item = queue.get();
    queue.done(item->key);
  }
  const auto get_took = Clock::now() - start;
  std::printf("work queue, %7d delayed keys: add_after %8.0f ns, get with them pending %10.0f ns\n",
              n, ns_per(add_took, n), ns_per(get_took, kGets));
  queue.shut_down();
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> sizes;
  for (int i = 1; i < argc; ++i) sizes.push_back(std::atoi(argv[i]));
  if (sizes.empty()) sizes = {1000, 10000, 100000};
  for (int n : sizes) run(n);
}
