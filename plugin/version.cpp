// kubectl app version: the client's version, and the server's when it answers.
#include <iostream>

#include "core/errors.h"
#include "core/yaml/yaml.h"
#include "plugin/commands.h"

namespace kapp::cli {

namespace {
const std::vector<std::string> kVersionFormats = {"yaml", "json"};
}  // namespace

cxxopts::Options version_options() {
  auto options =
      new_options("version", "Print the client version, and the server's when reachable.",
                  "  # The client and the server versions\n"
                  "  kubectl app version\n"
                  "\n"
                  "  # The client version only, as JSON\n"
                  "  kubectl app version --client -o json");
  options.add_options()("client", "Print only the client version",
                        cxxopts::value<bool>()->default_value("false"));
  add_output_flag(options, kVersionFormats);
  return options;
}

int run_version(const Args& args) {
  auto options = version_options();
  const auto parsed = parse(options, args);
  const auto format = output_format(parsed);
  if (!format.empty()) check_one_of("--output", format, kVersionFormats);

  nlohmann::json out = {
      {"clientVersion", {{"gitVersion", "v" KAPP_VERSION}, {"platform", "linux/amd64"}}}};
  std::string server_error;
  if (!parsed["client"].as<bool>()) {
    try {
      Session session(parsed);
      out["serverVersion"] = session.client().get_path("/version");
    } catch (const Error& e) {
      server_error = e.what();
    }
  }
  if (format == "json") {
    std::cout << out.dump(2) << "\n";
  } else if (format == "yaml") {
    std::cout << yaml::dump(out);
  } else {
    std::cout << "Client Version: v" KAPP_VERSION "\n";
    if (out.contains("serverVersion")) {
      std::cout << "Server Version: " << out["serverVersion"].value("gitVersion", "unknown")
                << "\n";
    }
  }
  if (!server_error.empty())
    std::cerr << "warning: server version unavailable: " << server_error << "\n";
  return 0;
}

}  // namespace kapp::cli
