#include <catch2/catch.hpp>

#include <unistd.h>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "core/errors.h"
#include "core/util/files.h"
#include "core/util/limits.h"

using kapp::InputError;

namespace {

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("kapp-yaml-limits-" + std::to_string(getpid()) + "-" + name))
      .string();
}

}  // namespace

TEST_CASE("an oversize file is refused before it is read") {
  const auto path = temp_path("big.yaml");
  { std::ofstream(path) << "a: 1\n"; }
  std::filesystem::resize_file(path, kapp::util::kMaxInputBytes + 1);  // sparse: no disk used
  CHECK_THROWS_MATCHES(kapp::util::read_file(path, "file"), InputError,
                       Catch::Message(path + ": larger than 32 MiB; refusing it"));
  std::filesystem::remove(path);
}

TEST_CASE("oversize stdin is refused once it passes the limit") {
  std::istringstream in(std::string(1000, 'x'));
  CHECK_THROWS_MATCHES(kapp::util::read_stream(in, "<stdin>", 999), InputError,
                       Catch::Message("<stdin>: larger than 999 bytes; refusing it"));
  std::istringstream small("a: 1\n");
  CHECK(kapp::util::read_stream(small, "<stdin>", 999) == "a: 1\n");
}
