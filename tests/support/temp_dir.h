// A temporary directory for one test, removed with everything in it when the test ends.
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

}  // namespace kapp::test
