// kubectl app unlink NAME: deletes an AppLink as `kubectl app delete applink NAME` does.
#include "core/errors.h"
#include "plugin/commands.h"
#include "plugin/write.h"

namespace kapp::cli {

cxxopts::Options unlink_options() {
  auto options = new_options(
      "unlink NAME...",
      "Delete AppLinks. The controller then removes what the link made (the alias Service, the "
      "NetworkPolicy in the target namespace) and its finalizer; --wait waits until it has.",
      "  # Delete an AppLink and wait until the controller has removed the alias and the policy\n"
      "  kubectl app unlink shop-frontend-to-payments-api -n team-a --wait\n"
      "\n"
      "  # What would be deleted, checked by the server\n"
      "  kubectl app unlink shop-frontend-to-payments-api -n team-a --dry-run=server");
  add_dry_run_flag(options);
  add_delete_flags(options);
  options.add_options()("positional", "", cxxopts::value<std::vector<std::string>>());
  options.parse_positional({"positional"});
  return options;
}

int run_unlink(const Args& args) {
  auto options = unlink_options();
  const auto parsed = parse(options, args);
  const auto names = values(parsed, "positional");
  if (names.empty()) throw UsageError("usage: kubectl app unlink NAME... [flags]");
  Session session(parsed);
  return delete_objects(parsed, session, client::resources::kAppLink, names);
}

}  // namespace kapp::cli
