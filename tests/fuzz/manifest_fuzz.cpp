// `kubectl app create -f` input: YAML or JSON text to manifests, checked and sorted as create
// does, then written back as YAML. Any exception but our own Error is a finding.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/errors.h"
#include "core/objects/manifest.h"
#include "core/yaml/yaml.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    auto manifests = kapp::objects::parse_manifests(text, "fuzz.yaml");
    kapp::objects::prepare(manifests, "default");
    for (const auto& manifest : manifests) (void)kapp::yaml::dump(manifest.object);
  } catch (const kapp::Error&) {
  }
  return 0;
}
