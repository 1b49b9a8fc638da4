// The watch stream decoder: bytes from the server, cut into chunks at the places the first
// input byte picks, decoded by Client::watch into events.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/client/resource.h"
#include "core/errors.h"
#include "tests/support/fake_transport.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t chunk = 1 + data[0];
  const std::string body(reinterpret_cast<const char*>(data + 1), size - 1);
  std::vector<std::string> chunks;
  for (std::size_t at = 0; at < body.size(); at += chunk) chunks.push_back(body.substr(at, chunk));
  kapp::test::FakeClient api;
  api.transport.answer({.chunks = chunks});
  try {
    api.client->watch(kapp::client::resources::kConfigMap, "demo", {},
                      [](const kapp::client::WatchEvent& event) { return !event.type.empty(); });
  } catch (const kapp::Error&) {
  }
  return 0;
}
