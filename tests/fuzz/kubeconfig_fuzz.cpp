// The kubeconfig loader: up to two kubeconfig files merged (the input split at a line "#--"),
// then an exec plugin's output (after a second "#--" line) read as an ExecCredential.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/client/config.h"
#include "core/client/credentials.h"
#include "core/errors.h"

namespace {

std::vector<std::string> split(const std::string& text, const std::string& separator) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (auto at = text.find(separator); at != std::string::npos && parts.size() < 2;
       at = text.find(separator, start)) {
    parts.push_back(text.substr(start, at - start));
    start = at + separator.size();
  }
  parts.push_back(text.substr(start));
  return parts;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto parts = split(std::string(reinterpret_cast<const char*>(data), size), "\n#--\n");
  // Relative paths in the files resolve under a directory that does not exist, so the target
  // reads no file of the machine.
  std::vector<kapp::client::KubeconfigText> files{{"/nonexistent/kapp-fuzz/a", parts[0]}};
  if (parts.size() > 1) files.push_back({"/nonexistent/kapp-fuzz/b", parts[1]});
  kapp::client::ExecConfig exec{.command = "fuzz-plugin"};
  try {
    const auto config = kapp::client::config_from_kubeconfigs(files, {});
    if (config.exec) exec = *config.exec;
  } catch (const kapp::Error&) {
  }
  if (parts.size() > 2) {
    try {
      (void)kapp::client::parse_exec_credential(parts[2], exec);
    } catch (const kapp::Error&) {
    }
  }
  return 0;
}
