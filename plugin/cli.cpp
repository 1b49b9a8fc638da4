#include "plugin/cli.h"

#include <algorithm>
#include <iostream>
#include <sstream>
#include <string_view>

#include "core/client/config.h"
#include "core/errors.h"
#include "core/log.h"
#include "core/yaml/yaml.h"

namespace kapp::cli {

using nlohmann::json;

namespace value_kind {

std::string one_of(const std::vector<std::string>& values) {
  std::string kind = "one-of:";
  for (std::size_t i = 0; i < values.size(); ++i) kind += (i ? "," : "") + values[i];
  return kind;
}

std::string name_of(const std::string& resource) { return "name:" + resource; }

bool known(const std::string& kind) {
  for (const auto* plain : {&kFile, &kNamespace, &kContext, &kCluster, &kUser, &kFree}) {
    if (kind == *plain) return true;
  }
  return (kind.rfind("one-of:", 0) == 0 || kind.rfind("name:", 0) == 0) &&
         kind.find(':') + 1 < kind.size();
}

}  // namespace value_kind

namespace {

namespace kind = value_kind;

// new_options keeps the examples after the description in cxxopts' help string, the only text
// an Options holds besides the program; this mark separates them.
constexpr std::string_view kExamplesMark =
    "\n\x1f"
    "Examples:\n";

const std::vector<std::string> kDryRunValues = {"none", "client", "server"};
const std::vector<std::string> kColors = {"always", "auto", "never"};

// The help string given to cxxopts: what help() prints before the usage it is told to omit.
std::string help_string(const cxxopts::Options& options) {
  auto text = options.help({"\x1f"}, false);  // no such group: the help string alone
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

// `text` wrapped at `width` columns, each line after `indent`; its own line breaks kept.
std::string wrap(const std::string& text, const std::string& indent, std::size_t width) {
  std::string out;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line;
    std::istringstream words(text.substr(start, end - start));
    std::string word;
    while (words >> word) {
      if (!line.empty() && line.size() + 1 + word.size() > width) {
        out += indent + line + "\n";
        line.clear();
      }
      line += (line.empty() ? "" : " ") + word;
    }
    out += (line.empty() ? "" : indent) + line + "\n";
    start = end + 1;
  }
  return out;
}

// The default as pflag prints it: false for booleans, [] for lists, quoted strings, bare numbers.
std::string default_text(const cxxopts::HelpOptionDetails& o) {
  if (o.is_boolean) return o.has_default ? o.default_value : "false";
  if (o.is_container) return "[]";
  const auto& value = o.has_default ? o.default_value : std::string();
  const bool number =
      !value.empty() && value.find_first_not_of("-0123456789.") == std::string::npos;
  return number ? value : "'" + value + "'";
}

}  // namespace

cxxopts::Options new_options(const std::string& usage, const std::string& description,
                             const std::string& examples) {
  cxxopts::Options options("kubectl app " + usage,
                           description + std::string(kExamplesMark) + examples);
  options.custom_help("");
  options.positional_help("");
  options.add_options("Global")("kubeconfig",
                                "Path to the kubeconfig file to use for CLI requests.",
                                cxxopts::value<std::string>(), kind::kFile)(
      "context", "The name of the kubeconfig context to use", cxxopts::value<std::string>(),
      kind::kContext)("cluster", "The name of the kubeconfig cluster to use",
                      cxxopts::value<std::string>(), kind::kCluster)(
      "user", "The name of the kubeconfig user to use", cxxopts::value<std::string>(), kind::kUser)(
      "n,namespace", "If present, the namespace scope for this CLI request",
      cxxopts::value<std::string>(), kind::kNamespace)(
      "request-timeout",
      "The length of time to wait before giving up on a single server request (e.g. 1s, 2m, 3h; "
      "0: the default, 60s)",
      cxxopts::value<std::string>(), kind::kFree)(
      "v", "Log level: 6 logs requests, 7 their headers, 8 their bodies (secrets always redacted)",
      cxxopts::value<int>()->default_value("0"),
      kind::kFree)("color", "Colour output: always, auto or never",
                   cxxopts::value<std::string>()->default_value("auto"),
                   kind::one_of(kColors))("h,help", "Show help for this command");
  return options;
}

void add_output_flag(cxxopts::Options& options, const std::vector<std::string>& formats) {
  std::string list;
  for (const auto& format : formats) list += (list.empty() ? "" : ", ") + format;
  options.add_options()("o,output", "Output format. One of: (" + list + ").",
                        cxxopts::value<std::string>()->default_value(""), kind::one_of(formats));
}

void add_dry_run_flag(cxxopts::Options& options) {
  options.add_options()(
      "dry-run",
      "Must be \"none\", \"server\", or \"client\". If client strategy, only print the object "
      "that would be sent, without sending it. If server strategy, submit server-side request "
      "without persisting the resource. --dry-run alone is client.",
      cxxopts::value<std::string>()->default_value("none")->implicit_value("client"),
      kind::one_of(kDryRunValues));
}

void check_one_of(const std::string& flag, const std::string& value,
                  const std::vector<std::string>& allowed) {
  std::string list;
  for (std::size_t i = 0; i < allowed.size(); ++i) {
    if (allowed[i] == value) return;
    list += (i == 0 ? "" : i + 1 == allowed.size() ? " or " : ", ") + allowed[i];
  }
  throw UsageError("invalid " + flag + " \"" + value + "\"; use " + list);
}

std::string command_of(const cxxopts::Options& options) {
  const auto& program = options.program();
  auto end = program.find(' ', std::string("kubectl app ").size());
  return program.substr(0, end);
}

std::string description_of(const cxxopts::Options& options) {
  const auto text = help_string(options);
  return text.substr(0, text.find(kExamplesMark));
}

std::string examples_of(const cxxopts::Options& options) {
  const auto text = help_string(options);
  const auto at = text.find(kExamplesMark);
  return at == std::string::npos ? "" : text.substr(at + kExamplesMark.size());
}

std::string usage_of(const cxxopts::Options& options) { return options.program() + " [options]"; }

std::string flags_text(const cxxopts::Options& options, const std::string& group) {
  auto flags = options.group_help(group).options;
  std::erase_if(flags, [](const auto& o) { return !o.l.empty() && o.l[0] == "positional"; });
  auto name = [](const cxxopts::HelpOptionDetails& o) { return o.l.empty() ? o.s : o.l[0]; };
  std::sort(flags.begin(), flags.end(),
            [&](const auto& a, const auto& b) { return name(a) < name(b); });
  std::string out;
  for (std::size_t i = 0; i < flags.size(); ++i) {
    const auto& o = flags[i];
    const auto names =
        o.l.empty() ? "-" + o.s : (o.s.empty() ? "" : "-" + o.s + ", ") + "--" + o.l[0];
    out += (i ? "\n" : "") + ("    " + names + "=" + default_text(o) + ":\n") +
           wrap(o.desc, "\t", 100);
  }
  return out;
}

std::string help_text(const cxxopts::Options& options) {
  std::string out = wrap(description_of(options), "", 100);
  const auto examples = examples_of(options);
  if (!examples.empty()) out += "\nExamples:\n" + examples + "\n";
  std::string flags;
  for (const auto& group : options.groups()) {
    if (group != "Global") flags += (flags.empty() ? "" : "\n") + flags_text(options, group);
  }
  if (!flags.empty()) out += "\nOptions:\n" + flags;
  out += "\nUsage:\n  " + usage_of(options) + "\n\n";
  out +=
      "Use \"kubectl app options\" for a list of global command-line options (applies to all "
      "commands).\n";
  return out;
}

std::vector<std::string> values(const cxxopts::ParseResult& parsed, const std::string& name) {
  return parsed.count(name) ? parsed[name].as<std::vector<std::string>>()
                            : std::vector<std::string>{};
}

cxxopts::ParseResult parse(cxxopts::Options& options, const Args& args) {
  // kubectl spells verbosity -v=6, --v=6 or --v 6; cxxopts knows only -v6 and -v 6.
  std::vector<std::string> normalized{"kubectl-app"};
  for (const auto& arg : args) {
    if (arg.rfind("-v=", 0) == 0 || arg.rfind("--v=", 0) == 0) {
      normalized.push_back("-v" + arg.substr(arg.find('=') + 1));
    } else {
      normalized.push_back(arg == "--v" ? "-v" : arg);
    }
  }
  std::vector<char*> argv;
  for (auto& arg : normalized) argv.push_back(arg.data());
  try {
    auto parsed = options.parse(static_cast<int>(argv.size()), argv.data());
    if (parsed.count("help")) {
      std::cout << help_text(options);
      throw HelpShown{};
    }
    log::set_verbosity(parsed["v"].as<int>());
    return parsed;
  } catch (const cxxopts::exceptions::exception& e) {
    throw UsageError(std::string(e.what()) + "; see '" + command_of(options) + " --help'");
  }
}

DryRun dry_run(const cxxopts::ParseResult& parsed) {
  const auto value = parsed["dry-run"].as<std::string>();
  // kubectl still takes the booleans of its old --dry-run.
  if (value == "false") return DryRun::None;
  if (value == "true") return DryRun::Client;
  check_one_of("--dry-run", value, kDryRunValues);
  return value == "none" ? DryRun::None : value == "client" ? DryRun::Client : DryRun::Server;
}

Session::Session(const cxxopts::ParseResult& parsed) {
  auto flag = [&](const char* name) {
    return parsed.count(name) ? parsed[name].as<std::string>() : std::string();
  };
  overrides_ = {flag("kubeconfig"), flag("context"),   flag("cluster"),
                flag("user"),       flag("namespace"), flag("request-timeout")};
  all_namespaces_ = parsed.count("all-namespaces") > 0 && parsed["all-namespaces"].as<bool>();
}

const client::RestConfig& Session::config() {
  if (!config_) config_ = std::make_unique<client::RestConfig>(client::load_config(overrides_));
  return *config_;
}

void Session::set_rate_limit(double qps, int burst) {
  config();
  config_->qps = qps;
  config_->burst = burst;
}

client::Client& Session::client() {
  if (!client_) client_ = client::Client::connect(config());
  return *client_;
}

std::string Session::namespace_name() { return config().namespace_name; }

const std::vector<std::string> kObjectFormats = {"yaml", "json", "name"};

std::string output_format(const cxxopts::ParseResult& parsed) {
  return parsed["output"].as<std::string>();
}

std::string object_ref(const json& object) {
  const auto api_version = object.value("apiVersion", "");
  const auto slash = api_version.find('/');
  std::string kind = object.value("kind", "");
  for (auto& c : kind) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const auto group = slash == std::string::npos ? "" : api_version.substr(0, slash);
  return kind + (group.empty() ? "" : "." + group) + "/" + object["metadata"].value("name", "");
}

void print_objects(const std::vector<json>& given, const std::string& format, bool as_list,
                   bool show_managed_fields) {
  std::vector<json> objects = given;
  if (!show_managed_fields) {
    for (auto& object : objects) {
      if (object.contains("metadata") && object["metadata"].is_object())
        object["metadata"].erase("managedFields");
    }
  }
  const json list = {
      {"apiVersion", "v1"}, {"kind", "List"}, {"items", objects}, {"metadata", json::object()}};
  if (format == "yaml" && !as_list) {
    // Manifests stay a stream of documents, as kubectl apply -f and GitOps tools read them.
    for (std::size_t i = 0; i < objects.size(); ++i)
      std::cout << (i ? "---\n" : "") << yaml::dump(objects[i]);
  } else if (format == "yaml") {
    std::cout << yaml::dump(list);
  } else if (format == "json") {
    std::cout << (objects.size() == 1 && !as_list ? objects[0] : list).dump(4) << "\n";
  } else if (format == "name") {
    for (const auto& object : objects) std::cout << object_ref(object) << "\n";
  } else {
    throw UsageError("unsupported output format \"" + format + "\"; use yaml, json or name");
  }
}

}  // namespace kapp::cli
