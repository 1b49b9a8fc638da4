// The CRDs of crds/*.yaml, compiled into the binary (see cmake/embed_crds.cmake).
#pragma once

#include <string_view>
#include <vector>

namespace kapp::crds {

struct EmbeddedFile {
  std::string_view name;
  std::string_view content;
};

const std::vector<EmbeddedFile>& embedded_files();

}  // namespace kapp::crds
