// kubectl-app: finds the verb (plugin/verbs.cpp), runs it, and turns every error into one line and
// an exit code.
#include <csignal>
#include <cstring>
#include <iostream>
#include <set>
#include <string>

#include "core/errors.h"
#include "plugin/commands.h"

namespace {

using kapp::cli::Args;

// Global flags may come before the verb (kubectl app -n demo get); skip them and their values.
std::size_t find_verb(const Args& args) {
  std::set<std::string> with_value = {"--v", "-o", "--output"};
  const auto global = kapp::cli::new_options("", "", "");
  for (const auto& flag : global.group_help("Global").options) {
    if (flag.is_boolean) continue;
    if (!flag.s.empty()) with_value.insert("-" + flag.s);
    if (!flag.l.empty()) with_value.insert("--" + flag.l[0]);
  }
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i].empty() || args[i][0] != '-') return i;
    if (with_value.count(args[i])) ++i;
  }
  return args.size();
}

int run(const Args& all) {
  const auto at = find_verb(all);
  if (at == all.size()) {
    std::cout << kapp::cli::top_help_text();
    const bool asked = !all.empty() && (all.back() == "-h" || all.back() == "--help");
    return asked ? 0 : 1;
  }
  const auto& name = all[at];
  if (name == "help") {
    std::cout << kapp::cli::top_help_text();
    return 0;
  }
  Args rest(all.begin(), all.begin() + static_cast<long>(at));
  rest.insert(rest.end(), all.begin() + static_cast<long>(at) + 1, all.end());
  for (const auto& verb : kapp::cli::verbs()) {
    if (name == verb.name) return verb.run(rest);
  }
  throw kapp::UsageError("unknown verb \"" + name + "\"; run 'kubectl app --help' for the list");
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);  // a closed pipe is a write error, not a crash
  const Args args(argv + 1, argv + argc);
  try {
    return run(args);
  } catch (const kapp::cli::HelpShown&) {
    return 0;
  } catch (const kapp::ApiError& e) {
    // As kubectl: the server's refusal speaks for itself ("Error from server (NotFound): ..."),
    // without the "error: " of failures found on this side.
    const std::string message = e.what();
    std::cerr << (message.rfind("Error from server", 0) == 0 ? "" : "error: ") << message << "\n";
    return e.exit_code();
  } catch (const kapp::InvalidInput& e) {
    for (const auto& problem : e.problems()) std::cerr << "error: " << problem << "\n";
    return e.exit_code();
  } catch (const kapp::Error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return e.exit_code();
  } catch (const std::exception& e) {
    std::cerr << "error: unexpected failure: " << e.what()
              << "; please report it with the command you ran\n";
    return 1;
  }
}
