// docs/user-guide: every `console` block of every page runs, in order, through the real kubectl
// with the plugin on PATH, against the local control plane with the controllers running. Each
// command's exit status and the output the page shows are checked (the guide's README says how
// a block reads: `...` any lines, `<...>` any text within a line, `# exit N` the status).
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <regex>
#include <sstream>

#include "tests/support/cluster.h"
#include "tests/support/controller.h"

using namespace kapp::test;

namespace {

namespace fs = std::filesystem;

struct Step {
  std::string command;
  int exit_code = 0;
  std::vector<std::string> expected;  // the output lines the page shows
};

// The lines of `text`, each without its trailing blanks.
std::vector<std::string> trimmed_lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    line.erase(line.find_last_not_of(" \t\r") + 1);
    lines.push_back(line);
  }
  return lines;
}

std::vector<Step> steps_of(const std::string& markdown) {
  static const std::regex exit_note(R"(\s+# exit (\d+)$)");
  std::vector<Step> steps;
  bool in_console = false;
  for (const auto& line : trimmed_lines_of(markdown)) {
    if (!in_console) {
      in_console = line == "```console";
    } else if (line == "```") {
      in_console = false;
    } else if (line.rfind("$ ", 0) == 0) {
      Step step{line.substr(2)};
      std::smatch m;
      if (std::regex_search(step.command, m, exit_note)) {
        step.exit_code = std::stoi(m[1]);
        step.command = m.prefix();
      }
      steps.push_back(step);
    } else if (!steps.empty()) {
      steps.back().expected.push_back(line);
    }
  }
  return steps;
}

// A shown line as a regular expression: `<...>` is any text, the rest literal.
std::regex pattern_of(const std::string& shown) {
  static const std::regex special(R"([.^$|()\[\]{}*+?\\])");
  std::string pattern;
  std::size_t from = 0;
  for (auto at = shown.find("<...>"); at != std::string::npos; at = shown.find("<...>", from)) {
    pattern += std::regex_replace(shown.substr(from, at - from), special, R"(\$&)") + ".*";
    from = at + 5;
  }
  return std::regex(pattern + std::regex_replace(shown.substr(from), special, R"(\$&)"));
}

// Whether `actual` (all its lines) is what `shown` shows, `...` standing for any lines.
bool shows(const std::vector<std::string>& shown, std::size_t s,
           const std::vector<std::string>& actual, std::size_t a) {
  if (s == shown.size()) return a == actual.size();
  if (shown[s] == "...") {
    for (std::size_t skip = a; skip <= actual.size(); ++skip)
      if (shows(shown, s + 1, actual, skip)) return true;
    return false;
  }
  return a < actual.size() && std::regex_match(actual[a], pattern_of(shown[s])) &&
         shows(shown, s + 1, actual, a + 1);
}

// PATH with a directory holding `kubectl-app`, so `kubectl app` finds the binary under test.
std::string path_with_plugin(const TempDir& dir) {
  fs::create_symlink(KAPP_BINARY, fs::path(dir.path()) / "kubectl-app");
  return dir.path() + ":" + std::getenv("PATH");
}

std::vector<fs::path> guide_pages() {
  std::vector<fs::path> pages;
  for (const auto& entry : fs::directory_iterator(fs::path(KAPP_SOURCE_DIR) / "docs/user-guide"))
    if (entry.path().extension() == ".md" && entry.path().filename() != "README.md")
      pages.push_back(entry.path());
  std::sort(pages.begin(), pages.end());
  return pages;
}

}  // namespace

TEST_CASE("a shown block matches output with skipped lines and wildcards") {
  CHECK(shows({"a", "...", "c <...> e"}, 0, {"a", "b", "b", "c d e"}, 0));
  CHECK(shows({}, 0, {}, 0));
  CHECK_FALSE(shows({}, 0, {"unexpected"}, 0));
  CHECK_FALSE(shows({"a", "c"}, 0, {"a", "b", "c"}, 0));
  CHECK_FALSE(shows({"a(1)"}, 0, {"a1"}, 0));
}

TEST_CASE("every page of the user guide has a worked example, and each one runs as shown") {
  install_crds();
  const std::vector<std::string> namespaces = {"demo", "team-a", "team-b"};  // the samples'
  RunningControllers controllers(namespaces);
  TempDir bin;
  const std::map<std::string, std::string> env = {{"PATH", path_with_plugin(bin)},
                                                  {"KUBECONFIG", admin_kubeconfig()}};
  const auto pages = guide_pages();
  REQUIRE(pages.size() >= 17);  // one page per verb
  for (const auto& page : pages) {
    const auto steps = steps_of(file_content(page));
    INFO("page " << page.filename().string());
    CHECK_FALSE(steps.empty());
    for (const auto& step : steps) {
      const auto result =
          run({"sh", "-c", "cd '" KAPP_SOURCE_DIR "' && " + step.command + " 2>&1"}, env);
      INFO("$ " << step.command << "\n" << result.out);
      CHECK(result.exit_code == step.exit_code);
      CHECK(shows(step.expected, 0, trimmed_lines_of(result.out), 0));
    }
  }
  std::vector<std::string> cleanup = {"delete", "namespace", "--ignore-not-found", "--wait",
                                      "--timeout=120s"};
  cleanup.insert(cleanup.end(), namespaces.begin(), namespaces.end());
  CHECK(kubectl(cleanup).exit_code == 0);
}
