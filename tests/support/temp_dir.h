// A temporary directory for one test, removed with everything in it when the test ends; and
// reading a file back.
#pragma once

#include <string>

namespace kapp::test {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  // Writes a file (mode 0755 when executable) and returns its path.
  std::string write(const std::string& name, const std::string& content,
                    bool executable = false) const;

 private:
  std::string path_;
};

// The whole content of the file at `path`; "" when it cannot be read.
std::string file_content(const std::string& path);

}  // namespace kapp::test
