#include "plugin/cli.h"

#include <iostream>
#include <regex>

#include "core/client/config.h"
#include "core/errors.h"
#include "core/log.h"
#include "core/yaml/yaml.h"

namespace kapp::cli {

using nlohmann::json;

cxxopts::Options new_options(const std::string& usage, const std::string& description) {
  // A blank line between the description and "Usage:", as kubectl's help has.
  cxxopts::Options options("kubectl app " + usage, description + "\n");
  options.custom_help("[flags]");
  options.positional_help("");
  options.add_options("Global")("kubeconfig", "Path to the kubeconfig file",
                                cxxopts::value<std::string>())(
      "context", "The kubeconfig context to use", cxxopts::value<std::string>())(
      "cluster", "The kubeconfig cluster to use", cxxopts::value<std::string>())(
      "user", "The kubeconfig user to use", cxxopts::value<std::string>())(
      "n,namespace", "The namespace scope for this request", cxxopts::value<std::string>())(
      "request-timeout", "How long to wait for a single server request (0: the default, 60s)",
      cxxopts::value<std::string>())(
      "v", "Log level: 6 logs requests, 7 their headers, 8 their bodies (secrets always redacted)",
      cxxopts::value<int>()->default_value("0"))(
      "color", "Colour output: always, auto or never",
      cxxopts::value<std::string>()->default_value("auto"))("h,help", "Show help for this command");
  return options;
}

void add_output_flag(cxxopts::Options& options, const std::string& formats) {
  options.add_options()("o,output", "Output format: " + formats,
                        cxxopts::value<std::string>()->default_value(""));
}

void add_dry_run_flag(cxxopts::Options& options) {
  options.add_options()(
      "dry-run", "none, client (print only) or server (validated by the server, not persisted)",
      cxxopts::value<std::string>()->default_value("none")->implicit_value("client"));
}

namespace {

// "kubectl app VERB" of a verb's options, whose program is "kubectl app VERB [ARGS...]".
std::string command_of(const cxxopts::Options& options) {
  const auto& program = options.program();
  auto end = program.find(' ', std::string("kubectl app ").size());
  return program.substr(0, end);
}

// cxxopts' help without the `(default: "")` of flags whose default is empty (kubectl shows no
// default for them), wherever the line wrapping put it.
std::string help_text(const cxxopts::Options& options) {
  static const std::regex empty_default(R"(\s+\(default:\s+""\))");
  return std::regex_replace(options.help(), empty_default, "");
}

}  // namespace

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
  if (value == "none" || value == "false") return DryRun::None;
  if (value == "client" || value == "true") return DryRun::Client;
  if (value == "server") return DryRun::Server;
  throw UsageError("invalid --dry-run \"" + value + "\"; use none, client or server");
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

client::Client& Session::client() {
  if (!client_) client_ = client::Client::connect(config());
  return *client_;
}

std::string Session::namespace_name() { return config().namespace_name; }

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
