// --help in kubectl's layout, rendered from each verb's own options (plugin/cli.cpp).
#include <catch2/catch.hpp>

#include <sstream>

#include "plugin/commands.h"

using kapp::cli::check_one_of;
using kapp::cli::create_options;
using kapp::cli::description_of;
using kapp::cli::examples_of;
using kapp::cli::flags_text;
using kapp::cli::get_options;
using kapp::cli::help_text;
using kapp::cli::options_options;
using kapp::cli::top_help_text;
using kapp::cli::usage_of;
using kapp::cli::verbs;
using kapp::cli::version_options;
namespace value_kind = kapp::cli::value_kind;

TEST_CASE("help of a verb has kubectl's sections and flag layout") {
  CHECK(help_text(version_options()) ==
        "Print the client version, and the server's when reachable.\n"
        "\n"
        "Examples:\n"
        "  # The client and the server versions\n"
        "  kubectl app version\n"
        "\n"
        "  # The client version only, as JSON\n"
        "  kubectl app version --client -o json\n"
        "\n"
        "Options:\n"
        "    --client=false:\n"
        "\tPrint only the client version\n"
        "\n"
        "    -o, --output='':\n"
        "\tOutput format. One of: (yaml, json).\n"
        "\n"
        "Usage:\n"
        "  kubectl app version [options]\n"
        "\n"
        "Use \"kubectl app options\" for a list of global command-line options (applies to all "
        "commands).\n");
}

TEST_CASE("help shows defaults as kubectl does: lists [], booleans, numbers, quoted strings") {
  const auto help = help_text(create_options());
  INFO(help);
  CHECK_THAT(help, Catch::Contains("\n    -f, --filename=[]:\n\tFiles to create objects from"));
  CHECK_THAT(help, Catch::Contains("\n    --replicas=1:\n\tcomponent: replicas\n"));
  CHECK_THAT(help, Catch::Contains("\n    --interval='2s':\n"));
  CHECK_THAT(help, Catch::Contains("\n    --dry-run='none':\n\tMust be \"none\""));
  CHECK_THAT(help, Catch::Contains("\n    --seed='':\n"));
  CHECK_THAT(help_text(get_options()), Catch::Contains("\n    -w, --watch=false:\n"));
  CHECK_THAT(help, !Catch::Contains(" arg"));
  CHECK_THAT(help, !Catch::Contains("positional"));
  CHECK_THAT(help, !Catch::Contains("--kubeconfig"));  // global: kubectl app options
}

TEST_CASE("help wraps long flag descriptions at 100 columns, each line indented by a tab") {
  const auto help = help_text(create_options());
  const auto at = help.find("    --dry-run='none':\n");
  REQUIRE(at != std::string::npos);
  const auto end = help.find("\n\n", at);
  std::istringstream lines(help.substr(at, end - at));
  std::string line;
  std::getline(lines, line);
  int count = 0;
  while (std::getline(lines, line)) {
    ++count;
    CHECK(line[0] == '\t');
    CHECK(line.size() <= 101);
  }
  CHECK(count == 3);
}

TEST_CASE("every verb has a description, examples of its own command and a usage line") {
  for (const auto& verb : verbs()) {
    INFO(verb.name);
    REQUIRE(verb.options != nullptr);
    const auto options = verb.options();
    const std::string command = std::string("kubectl app ") + verb.name;
    CHECK(description_of(options).size() > 20);
    CHECK_THAT(examples_of(options), Catch::StartsWith("  "));
    CHECK_THAT(examples_of(options), Catch::Contains("  " + command));
    CHECK_THAT(usage_of(options), Catch::StartsWith(command) && Catch::EndsWith(" [options]"));
    const auto help = help_text(options);
    CHECK_THAT(help, Catch::Contains("\n\nExamples:\n  "));
    CHECK_THAT(help, Catch::Contains("\n\nUsage:\n  " + command));
    CHECK_THAT(help, Catch::EndsWith("(applies to all commands).\n"));
    CHECK_THAT(help, !Catch::Contains("\n\n\n"));
  }
}

TEST_CASE("the top-level help lists every verb but the hidden ones, with usage") {
  const auto help = top_help_text();
  for (const auto& verb : verbs()) {
    INFO(verb.name);
    CHECK((help.find(std::string("\n  ") + verb.name + " ") != std::string::npos) == !verb.hidden);
  }
  CHECK_THAT(help, Catch::Contains("\nExamples:\n  # "));
  CHECK_THAT(help, Catch::Contains("\nUsage:\n  kubectl app [flags] [options]\n"));
}

TEST_CASE("kubectl app options lists the global flags as kubectl options does") {
  const auto flags = flags_text(options_options(), "Global");
  CHECK_THAT(flags, Catch::StartsWith("    --cluster='':\n\tThe name of the kubeconfig cluster"));
  CHECK_THAT(flags, Catch::Contains("\n    -n, --namespace='':\n"));
  CHECK_THAT(flags, Catch::Contains("\n    -v=0:\n"));
}

TEST_CASE("an enumerated flag refuses other values, naming the flag and the values") {
  CHECK_NOTHROW(check_one_of("--output", "dot", {"text", "dot", "mermaid"}));
  CHECK_THROWS_WITH(check_one_of("--output", "svg", {"text", "dot", "mermaid"}),
                    "invalid --output \"svg\"; use text, dot or mermaid");
}

TEST_CASE("value kinds are known by name, lists and object names, and nothing else") {
  CHECK(value_kind::known(value_kind::kFile));
  CHECK(value_kind::known(value_kind::one_of({"a", "b"})));
  CHECK(value_kind::one_of({"a", "b"}) == "one-of:a,b");
  CHECK(value_kind::known(value_kind::name_of("applications")));
  CHECK_FALSE(value_kind::known(""));
  CHECK_FALSE(value_kind::known("one-of:"));
  CHECK_FALSE(value_kind::known("arg"));
}
