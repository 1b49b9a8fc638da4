// Requests per second for small GETs against a real API server, through the same client and
// connection pool kubectl-app uses. Usage: bench_client KUBECONFIG [REQUESTS] [THREADS]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

#include "core/client/client.h"
#include "core/errors.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s KUBECONFIG [REQUESTS] [THREADS]\n", argv[0]);
    return 2;
  }
  const int requests = argc > 2 ? std::atoi(argv[2]) : 2000;
  const int threads = argc > 3 ? std::atoi(argv[3]) : 1;
  try {
    auto config = kapp::client::load_config({.kubeconfig = argv[1]});
    config.qps = 0;  // measure the client, not its rate limiter
    auto client = kapp::client::Client::connect(config);
    client->get_path("/api/v1/namespaces/default");  // warm the connection
    const auto start = std::chrono::steady_clock::now();
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
      workers.emplace_back([&] {
        for (int i = 0; i < requests / threads; ++i) client->get_path("/api/v1/namespaces/default");
      });
    }
    for (auto& w : workers) w.join();
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("%d GETs with %d thread(s) in %.2fs: %.0f requests/s\n", requests, threads, seconds,
                requests / seconds);
  } catch (const kapp::Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
