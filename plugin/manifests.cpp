#include "plugin/manifests.h"

#include <iostream>
#include <iterator>
#include <sstream>

#include "core/errors.h"
#include "core/util/files.h"

namespace kapp::cli {

std::vector<objects::Manifest> read_manifests(const cxxopts::ParseResult& parsed) {
  std::vector<objects::Manifest> manifests;
  std::vector<std::string> sources;
  for (const auto& flag : values(parsed, "filename")) {
    std::stringstream list(flag);
    for (std::string file; std::getline(list, file, ',');) {
      if (file.empty()) continue;
      const auto source = file == "-" ? std::string("<stdin>") : file;
      const auto text =
          file == "-" ? util::read_stream(std::cin, source) : util::read_file(file, "file");
      auto found = objects::parse_manifests(text, source);
      std::move(found.begin(), found.end(), std::back_inserter(manifests));
      sources.push_back(source);
    }
  }
  if (manifests.empty() && !sources.empty()) {
    throw InputError(sources.front() + ":1: no objects in " +
                     (sources.size() == 1 ? "the file" : "the files") +
                     "; pass a file with at least one document");
  }
  return manifests;
}

}  // namespace kapp::cli
