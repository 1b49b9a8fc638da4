// kubectl app options: the global flags, which every verb takes, as `kubectl options` lists them.
#include <iostream>

#include "plugin/commands.h"

namespace kapp::cli {

cxxopts::Options options_options() {
  return new_options("options", "Print the list of flags inherited by all commands.",
                     "  # Print flags inherited by all commands\n"
                     "  kubectl app options");
}

int run_options(const Args& args) {
  auto options = options_options();
  parse(options, args);
  std::cout << "The following options can be passed to any command:\n\n"
            << flags_text(options, "Global");
  return 0;
}

}  // namespace kapp::cli
