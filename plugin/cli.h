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

// A verb's options, with the global flags already added; `usage` follows "kubectl app ".
cxxopts::Options new_options(const std::string& usage, const std::string& description);
void add_output_flag(cxxopts::Options& options, const std::string& formats);
void add_dry_run_flag(cxxopts::Options& options);

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
  client::Client& client();
  std::string namespace_name();
  bool all_namespaces() const { return all_namespaces_; }

 private:
  client::ConfigOverrides overrides_;
  bool all_namespaces_ = false;
  std::unique_ptr<client::RestConfig> config_;
  std::shared_ptr<client::Client> client_;
};

// Output formats of -o: yaml, json, name (and the verb's own tables).
std::string output_format(const cxxopts::ParseResult& parsed);
// `as_list`: what a listing found, printed as a List even when it is one object or none.
// metadata.managedFields are left out unless `show_managed_fields`, as kubectl does.
void print_objects(const std::vector<nlohmann::json>& objects, const std::string& format,
                   bool as_list = false, bool show_managed_fields = false);
// "kind.group/name" as kubectl prints with -o name.
std::string object_ref(const nlohmann::json& object);

}  // namespace kapp::cli
