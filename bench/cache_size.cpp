// What the informer caches' transforms save: the size of a realistic Pod (serialized, and the
// heap its json tree takes) as the API server returns it, without managedFields and
// last-applied-configuration (every informer's default), and as the Pod cache keeps it.
// Needs no cluster. Usage: bench_cache_size [POD_JSON] [COPIES]
//
// With --lists, what the controller's caches hold for each `kubectl get KIND -o json` file
// given: objects, their JSON as cached (after the informer's transform) and the heap of
// their json trees, and what the informer holds of each, packed (bench/profile-memory.sh uses
// it to split the cache by kind).
// Usage: bench_cache_size --lists LIST_JSON...
#include <malloc.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/controllers/application/immutable.h"
#include "core/controllers/application/pod_transform.h"
#include "core/engine/packed_object.h"
#include "core/engine/transform.h"
#include "core/util/files.h"

namespace {

using nlohmann::json;

// Heap bytes that `copies` copies of `object` hold (glibc's count of allocated bytes).
double heap_per_copy(const json& object, int copies) {
  const auto before = mallinfo2().uordblks;
  std::vector<json> held(static_cast<std::size_t>(copies), object);
  const auto after = mallinfo2().uordblks;
  return static_cast<double>(after - before) / copies;
}

// What the controller's informer for this kind keeps (core/engine/manager.cpp,
// core/controllers/application/reconciler.cpp): children once applied are slim.
void as_cached(json& object) {
  const auto kind = object.value("kind", "");
  if (kind == "Pod") return kapp::controllers::application::lean_pod(object);
  kapp::engine::strip_bookkeeping(object);
  if (kind == "Deployment" || kind == "StatefulSet" || kind == "Service" ||
      kind == "NetworkPolicy" || kind == "PersistentVolumeClaim")
    object = kapp::engine::slim_owned(object,
                                      kapp::controllers::application::immutable_spec_members(kind));
}

int print_lists(int argc, char** argv) {
  std::printf("%-28s %8s %12s %12s %9s %10s %12s\n", "list", "objects", "JSON (B)", "heap (B)",
              "heap/JSON", "B/object", "packed B/obj");
  for (int i = 2; i < argc; ++i) {
    auto list = json::parse(kapp::util::read_file(argv[i], "list"));
    std::vector<json> items;
    std::size_t bytes = 0, packed = 0;
    for (auto& item : list.value("items", json::array())) {
      as_cached(item);
      bytes += item.dump().size();
      packed += kapp::engine::PackedObject(item).size();
      items.push_back(std::move(item));
    }
    list = json();
    const auto before = mallinfo2().uordblks;
    const std::vector<json> held(items.begin(), items.end());
    const auto heap = static_cast<double>(mallinfo2().uordblks - before);
    const double count = held.empty() ? 1.0 : static_cast<double>(held.size());
    std::printf("%-28s %8zu %12zu %12.0f %9.1f %10.0f %12.0f\n", argv[i], held.size(), bytes, heap,
                bytes ? heap / static_cast<double>(bytes) : 0.0, heap / count,
                static_cast<double>(packed) / count);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::string(argv[1]) == "--lists") return print_lists(argc, argv);
  const std::string path =
      argc > 1 ? argv[1] : std::string(KAPP_SOURCE_DIR) + "/tests/fixtures/objects/pod.json";
  const int copies = argc > 2 ? std::atoi(argv[2]) : 1000;
  const auto full = json::parse(kapp::util::read_file(path, "pod"));
  auto stripped = full;
  kapp::engine::strip_bookkeeping(stripped);
  auto lean = full;
  kapp::controllers::application::lean_pod(lean);
  const double full_bytes = static_cast<double>(full.dump().size());
  const double full_heap = heap_per_copy(full, copies);
  std::printf("%-28s %9s %7s %11s %7s\n", "Pod", "JSON (B)", "ratio", "heap (B)", "ratio");
  const std::pair<const char*, const json*> rows[] = {
      {"as the API server sends it", &full}, {"strip_bookkeeping", &stripped}, {"lean_pod", &lean}};
  for (const auto& [name, object] : rows) {
    const double bytes = static_cast<double>(object->dump().size());
    const double heap = heap_per_copy(*object, copies);
    std::printf("%-28s %9.0f %6.1f%% %11.0f %6.1f%%\n", name, bytes, 100 * bytes / full_bytes, heap,
                100 * heap / full_heap);
  }
}
