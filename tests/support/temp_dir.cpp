#include "tests/support/temp_dir.h"

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "core/util/files.h"

namespace kapp::test {

TempDir::TempDir() {
  auto pattern = (std::filesystem::temp_directory_path() / "kapp-test-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr)
    throw std::runtime_error("cannot create a temporary directory in " + pattern);
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string TempDir::write(const std::string& name, const std::string& content,
                           bool executable) const {
  const auto file = path_ + "/" + name;
  std::filesystem::create_directories(std::filesystem::path(file).parent_path());
  std::ofstream(file, std::ios::binary) << content;
  if (executable) std::filesystem::permissions(file, std::filesystem::perms::owner_all);
  return file;
}

std::string file_content(const std::string& path) {
  return util::read_file_if_exists(path).value_or("");
}

}  // namespace kapp::test
