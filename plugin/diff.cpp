// kubectl app diff -f FILE: what applying FILE would change, shown as kubectl diff shows it
// (kubernetes/kubectl pkg/cmd/diff/diff.go, its server-side path): each object's live state
// (GET; none when absent) and the state a server-side apply dry run returns are written as
// YAML to a LIVE and a MERGED temporary directory, which `diff -u -N` (or the program of
// KUBECTL_EXTERNAL_DIFF) compares with its output passed through. Exit 0: no differences,
// 1: differences, >1: an error (kubectl's CheckDiffErr). The rules of what is written and run
// are in core/objects/diff.h.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "core/errors.h"
#include "core/objects/diff.h"
#include "core/util/files.h"
#include "core/validation/validator.h"
#include "core/yaml/yaml.h"
#include "plugin/commands.h"
#include "plugin/manifests.h"
#include "plugin/write.h"

extern char** environ;

namespace kapp::cli {
namespace {

using nlohmann::json;

// A new directory $TMPDIR/PREFIX-XXXXXX (kubectl's are os.MkdirTemp("", "LIVE-")), removed
// with its files when this goes out of scope, whichever way the verb ends.
class TempDirectory {
 public:
  explicit TempDirectory(const std::string& prefix) {
    std::error_code error;
    const auto base = std::filesystem::temp_directory_path(error);
    auto pattern = ((error ? std::filesystem::path("/tmp") : base) / (prefix + "-XXXXXX")).string();
    if (mkdtemp(pattern.data()) == nullptr) {
      throw Error("cannot create the temporary directory " + pattern + ": " + std::strerror(errno) +
                  "; point TMPDIR at a writable directory");
    }
    path_ = pattern;
  }
  ~TempDirectory() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDirectory(const TempDirectory&) = delete;
  TempDirectory& operator=(const TempDirectory&) = delete;

  const std::string& path() const { return path_; }

  void write(const std::string& name, const std::string& content) const {
    const auto file = path_ + "/" + name;
    std::ofstream out(file, std::ios::binary);
    out << content;
    if (!out.flush())
      throw Error("cannot write " + file + "; check the space left in TMPDIR (" + path_ + ")");
  }

 private:
  std::string path_;
};

// Runs the diff program with stdin from /dev/null and our stdout and stderr, as kubectl's
// exec does; SIGPIPE back to its default (we ignore it), so `| head` ends it quietly.
// Returns its exit status.
int run_program(const objects::DiffCommand& command) {
  std::cout.flush();
  std::cerr.flush();
  std::vector<std::string> words{command.program};
  words.insert(words.end(), command.args.begin(), command.args.end());
  std::vector<char*> argv;
  for (auto& word : words) argv.push_back(word.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF);
  pid_t pid = 0;
  const int rc =
      posix_spawnp(&pid, command.program.c_str(), &actions, &attributes, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  const auto failed = "failed to run \"" + command.program + "\": ";
  if (rc != 0) {
    throw Error(failed + std::strerror(rc) +
                "; install diff, or set KUBECTL_EXTERNAL_DIFF to a diff program on PATH");
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFSIGNALED(status))
    throw Error(failed + "killed by signal " + std::to_string(WTERMSIG(status)));
  return WEXITSTATUS(status);
}

// The YAML of a diff file; an absent object is an empty file, as kubectl writes it.
std::string yaml_of(const json& object, bool show_managed_fields) {
  return object.is_null() ? "" : yaml::dump(objects::diff_view(object, show_managed_fields));
}

int diff(const cxxopts::ParseResult& parsed) {
  const auto extra = values(parsed, "positional");
  if (!extra.empty())
    throw UsageError("unexpected argument \"" + extra[0] + "\"; diff takes only -f FILE");
  if (!parsed.count("filename"))
    throw UsageError("diff needs -f FILE ('-' for stdin); see 'kubectl app diff --help'");
  const bool managed_fields = parsed["show-managed-fields"].as<bool>();
  auto manifests = read_manifests(parsed);
  validation::check_all(manifests);  // the server is asked about valid documents only
  Session session(parsed);
  objects::prepare(manifests, target_namespace(parsed, session, DryRun::None));
  auto& client = session.client();
  const auto plan = resolve(client, std::move(manifests), session.namespace_name());
  const TempDirectory live_dir("LIVE"), merged_dir("MERGED");
  for (const auto& p : plan) {
    const auto& object = p.manifest.object;
    const auto& metadata = object["metadata"];
    json live =
        client.get_if_exists(p.type, metadata.value("namespace", ""), metadata.value("name", ""))
            .value_or(json(nullptr));
    json merged;
    try {
      merged = client.apply(p.type, object, {.dry_run = true});
    } catch (const ApiError& e) {
      throw InputError(p.manifest.describe() + ": " + e.what());
    }
    if (live.is_object() && live["metadata"].contains("deletionTimestamp")) {
      std::cerr << "Warning: Detected changes to resource " << metadata.value("name", "")
                << " which is currently being deleted.\n";
    }
    objects::mask_secret_data(live, merged);
    const auto name = objects::diff_file_name(object);
    live_dir.write(name, yaml_of(live, managed_fields));
    merged_dir.write(name, yaml_of(merged, managed_fields));
  }
  const auto command = objects::diff_command(util::get_env("KUBECTL_EXTERNAL_DIFF"),
                                             live_dir.path(), merged_dir.path());
  const int status = run_program(command);
  if (status > 1) {
    throw Error("failed to run \"" + command.program + "\": exit status " + std::to_string(status) +
                " (its message, if any, is above)");
  }
  return status;
}

}  // namespace

cxxopts::Options diff_options() {
  auto options = new_options(
      "diff -f FILE",
      "Diff the live objects against what applying FILE would make them, computed by the "
      "server (a server-side apply dry run, nothing is written). The output is YAML without "
      "metadata.managedFields. KUBECTL_EXTERNAL_DIFF selects the diff program, as kubectl's "
      "does (\"colordiff -N -u\"); by default \"diff -u -N\". Exit status: 0 no differences, "
      "1 differences, >1 an error.",
      "  # What applying the sample would change\n"
      "  kubectl app diff -f samples/shop.yaml -n demo\n"
      "\n"
      "  # The same through another diff program\n"
      "  KUBECTL_EXTERNAL_DIFF=\"colordiff -N -u\" kubectl app diff -f samples/shop.yaml");
  options.add_options()("f,filename", "Files to diff ('-' reads stdin)",
                        cxxopts::value<std::vector<std::string>>(), value_kind::kFile)(
      "show-managed-fields", "Include metadata.managedFields in the diff",
      cxxopts::value<bool>()->default_value("false"))("positional", "",
                                                      cxxopts::value<std::vector<std::string>>());
  options.parse_positional({"positional"});
  return options;
}

int run_diff(const Args& args) {
  try {
    auto options = diff_options();
    return diff(parse(options, args));
  } catch (const InvalidInput& e) {
    throw InvalidInput(e.problems(), 2);
  } catch (const Error& e) {
    // kubectl's CheckDiffErr: 1 means "differences", so a failure exits 2 (a server's
    // refusal then keeps the "error: " prefix).
    if (e.exit_code() > 1) throw;
    throw Error(e.what(), 2);
  } catch (const std::exception& e) {
    throw Error(std::string("unexpected failure: ") + e.what() +
                    "; please report it with the command you ran",
                2);
  }
}

}  // namespace kapp::cli
