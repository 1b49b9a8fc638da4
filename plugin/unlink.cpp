// kubectl app unlink NAME: deletes an AppLink as `kubectl app delete applink NAME` does.
#include "core/errors.h"
#include "plugin/commands.h"
#include "plugin/write.h"

namespace kapp::cli {

int run_unlink(const Args& args) {
  auto options = new_options(
      "unlink NAME...",
      "Delete AppLinks. The controller then removes what the link made (the alias Service, the "
      "NetworkPolicy in the target namespace) and its finalizer; --wait waits until it has.");
  add_dry_run_flag(options);
  add_delete_flags(options);
  options.add_options()("positional", "", cxxopts::value<std::vector<std::string>>());
  options.parse_positional({"positional"});
  const auto parsed = parse(options, args);
  const auto names = values(parsed, "positional");
  if (names.empty()) throw UsageError("usage: kubectl app unlink NAME... [flags]");
  Session session(parsed);
  return delete_objects(parsed, session, client::resources::kAppLink, names);
}

}  // namespace kapp::cli
