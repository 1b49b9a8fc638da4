// What every verb shares: the global flags (as kubectl's), parsing, the client, output.
#pragma once

#include <memory>
#include <string>
#include <vector>

// Repeatable flags keep their commas (--component name=a,image=b is one value); -f splits its
// own, as kubectl's does.
#define CXXOPTS_VECTOR_DELIMITER '\0'
#include <cxxopts.hpp>
#include <nlohmann/json.hpp>

#include "core/client/client.h"

namespace kapp::cli {

using Args = std::vector<std::string>;

// What a flag's value is, for shell completion (`kubectl app __complete-data`). It rides in
// cxxopts' arg_help, the fourth argument of add_options()(...), which --help does not print
// (kubectl's help shows defaults, not value names). Boolean flags need none; every other flag
// must have one, which tests/integration/completion_test.cpp checks.
namespace value_kind {
inline const std::string kFile = "file";            // a path: the shell completes file names
inline const std::string kNamespace = "namespace";  // a namespace of the cluster
inline const std::string kContext = "context";      // a context, cluster or user of kubeconfig
inline const std::string kCluster = "cluster";
inline const std::string kUser = "user";
inline const std::string kFree = "free";  // anything (a duration, an image, a number...)
// One of `values`, as "one-of:a,b,c"; the verb validates with the same list.
std::string one_of(const std::vector<std::string>& values);
// The name of an object of `resource` (plural, e.g. "applications"), as "name:applications".
std::string name_of(const std::string& resource);
// Whether `kind` is one of the kinds above (the test of the completion data uses it).
bool known(const std::string& kind);
}  // namespace value_kind

// A verb's options, with the global flags (group "Global") already added. `usage` follows
// "kubectl app " ("get [KIND] [NAME]"); `description` is one or more paragraphs; `examples` are
// kubectl's: lines "  # what it does" then "  kubectl app ...", blank lines between examples.
cxxopts::Options new_options(const std::string& usage, const std::string& description,
                             const std::string& examples);
// -o/--output with the formats the verb accepts (what `check_one_of` then validates).
void add_output_flag(cxxopts::Options& options, const std::vector<std::string>& formats);
// --dry-run[=none|client|server], as kubectl's.
void add_dry_run_flag(cxxopts::Options& options);
// Throws UsageError naming `flag` and `allowed` unless `value` is one of them.
void check_one_of(const std::string& flag, const std::string& value,
                  const std::vector<std::string>& allowed);

// A verb's help in kubectl's layout: description, Examples:, Options: (the verb's own flags,
// sorted, "    -o, --output='':" then the description indented by a tab), Usage: and the
// pointer to `kubectl app options` for the global flags.
std::string help_text(const cxxopts::Options& options);
// Options: entries of `group` in kubectl's layout (the global ones for `kubectl app options`).
std::string flags_text(const cxxopts::Options& options, const std::string& group);
// The description and examples given to new_options, and the usage ("kubectl app get ...").
std::string description_of(const cxxopts::Options& options);
std::string examples_of(const cxxopts::Options& options);
std::string usage_of(const cxxopts::Options& options);
// "kubectl app VERB" of a verb's options.
std::string command_of(const cxxopts::Options& options);

// Parses `args` (the verb's arguments); throws UsageError, or HelpShown after printing --help.
cxxopts::ParseResult parse(cxxopts::Options& options, const Args& args);
// The values of a repeatable option (or of the positional arguments); empty when not given.
std::vector<std::string> values(const cxxopts::ParseResult& parsed, const std::string& name);
struct HelpShown {};

enum class DryRun { None, Client, Server };
DryRun dry_run(const cxxopts::ParseResult& parsed);

// The connection to the cluster as the global flags describe it, made when first needed.
class Session {
 public:
  explicit Session(const cxxopts::ParseResult& parsed);
  const client::RestConfig& config();
  // The client's rate limit per resource (RestConfig::qps, ::burst). Before client().
  void set_rate_limit(double qps, int burst);
  client::Client& client();
  std::string namespace_name();
  bool all_namespaces() const { return all_namespaces_; }

 private:
  client::ConfigOverrides overrides_;
  bool all_namespaces_ = false;
  std::unique_ptr<client::RestConfig> config_;
  std::shared_ptr<client::Client> client_;
};

// Output formats of -o: yaml, json, name (and the verb's own tables); print_objects prints
// kObjectFormats.
extern const std::vector<std::string> kObjectFormats;
std::string output_format(const cxxopts::ParseResult& parsed);
// `as_list`: what a listing found, printed as a List even when it is one object or none.
// metadata.managedFields are left out unless `show_managed_fields`, as kubectl does.
void print_objects(const std::vector<nlohmann::json>& objects, const std::string& format,
                   bool as_list = false, bool show_managed_fields = false);
// "kind.group/name" as kubectl prints with -o name.
std::string object_ref(const nlohmann::json& object);

}  // namespace kapp::cli
