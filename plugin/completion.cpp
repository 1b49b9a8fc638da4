// kubectl app completion bash|zsh|fish|helper: shell completion scripts, embedded in the binary
// at build time (completions/), so that an installed binary needs no files beside it.
//
// Every script asks the same helper, completions/kubectl_complete-app, for candidates: kubectl
// (>= 1.26) runs it for `kubectl app <TAB>` when it is on PATH; the scripts for a standalone
// `kubectl-app <TAB>` run it from PATH too, or else the copy this binary prints with `helper`.
#include <iostream>
#include <string_view>
#include <vector>

#include "core/errors.h"
#include "plugin/commands.h"
#include "plugin/kinds.h"

namespace kapp::cli {

namespace embedded {
extern const std::string_view kBashCompletion;    // completions/kubectl-app.bash
extern const std::string_view kCompletionHelper;  // completions/kubectl_complete-app
}  // namespace embedded

namespace {

constexpr std::string_view kZshCompletion = R"zsh(#compdef kubectl-app
# zsh completion for kubectl-app run as a command of its own (`kubectl-app get <TAB>`).
# `kubectl app <TAB>` is completed by kubectl's own completion once kubectl_complete-app is on
# PATH:  kubectl app completion helper > ~/.local/bin/kubectl_complete-app; chmod +x it.
#
#   source <(kubectl app completion zsh)      # in ~/.zshrc, after compinit

# Runs the completion helper with the given words; KUBECTL_APP names the binary to ask.
_kubectl_app_complete() {
  if (( $+commands[kubectl_complete-app] )); then
    kubectl_complete-app "$@"
    return
  fi
  local script
  local -a binary
  if [[ -n ${KUBECTL_APP:-} ]]; then
    binary=("$KUBECTL_APP")
  elif (( $+commands[kubectl-app] )); then
    binary=(kubectl-app)
  else
    binary=(kubectl app)
  fi
  script=$("${binary[@]}" completion helper 2>/dev/null) || return 0
  sh -c "$script" kubectl_complete-app "$@"
}

_kubectl_app() {
  local out line name desc directive=0 binary=${words[1]}
  local -a candidates
  [[ $binary == */* ]] || binary=''  # called by a path: ask that binary for object names
  out=$(KUBECTL_APP=${binary:-${KUBECTL_APP:-}} _kubectl_app_complete "${(@)words[2,CURRENT]}" 2>/dev/null)
  for line in "${(@f)out}"; do
    if [[ $line =~ '^:[0-9]+$' ]]; then
      directive=${line#:}
    elif [[ -n $line ]]; then
      name=${line%%$'\t'*}
      desc=''
      [[ $line == *$'\t'* ]] && desc=${line#*$'\t'}
      candidates+=("${name//:/\\:}${desc:+:$desc}")
    fi
  done
  if (( ${#candidates} )); then
    if (( directive & 2 )); then
      _describe -t kubectl-app 'kubectl app' candidates -S ''
    else
      _describe -t kubectl-app 'kubectl app' candidates
    fi
  elif (( ! (directive & 4) )); then
    _files  # file names, as for -f and --kubeconfig
  fi
}

if [[ ${funcstack[1]} == _kubectl_app ]]; then
  _kubectl_app "$@"
else
  compdef _kubectl_app kubectl-app
fi
)zsh";

constexpr std::string_view kFishCompletion =
    R"fish(# fish completion for kubectl-app run as a command of its own (`kubectl-app get <TAB>`).
# `kubectl app <TAB>` is completed by kubectl's own completion once kubectl_complete-app is on
# PATH:  kubectl app completion helper > ~/.local/bin/kubectl_complete-app; chmod +x it.
#
#   kubectl app completion fish | source
#   kubectl app completion fish > ~/.config/fish/completions/kubectl-app.fish

# Runs the completion helper with the given words; KUBECTL_APP names the binary to ask.
function __kubectl_app_helper
    if type -q kubectl_complete-app
        kubectl_complete-app $argv
        return
    end
    set -l binary kubectl app
    if test -n "$KUBECTL_APP"
        set binary $KUBECTL_APP
    else if type -q kubectl-app
        set binary kubectl-app
    end
    set -l script (command $binary completion helper 2>/dev/null | string collect)
    or return 0
    sh -c "$script" kubectl_complete-app $argv
end

function __kubectl_app_complete
    set -l words (commandline -opc)
    set -l binary $words[1]
    set -e words[1]
    set -l current (commandline -ct)
    # Called by a path: ask that binary for object names.
    string match -q -- '*/*' "$binary"; or set binary "$KUBECTL_APP"
    set -lx KUBECTL_APP $binary
    set -l directive 0
    set -l found 0
    for line in (__kubectl_app_helper $words "$current" 2>/dev/null)
        if string match -qr '^:[0-9]+$' -- $line
            set directive (string sub -s 2 -- $line)
        else if test -n "$line"
            set found 1
            printf '%s\n' $line
        end
    end
    # Nothing offered and file names not ruled out (directive bit 4): files, as for -f.
    if test $found -eq 0; and test (math "floor($directive / 4) % 2") -eq 0
        __fish_complete_path "$current"
    end
end

complete -c kubectl-app -f -a '(__kubectl_app_complete)'
)fish";

const std::vector<std::string> kShells = {"bash", "zsh", "fish", "helper"};

// "bool", "value" (the next word or after =) or "optional" (only after =, as --dry-run=server).
std::string takes(const cxxopts::HelpOptionDetails& flag) {
  if (flag.is_boolean) return "bool";
  return flag.has_implicit ? "optional" : "value";
}

// A description up to its first full stop, for the one line a shell shows beside a candidate.
std::string first_sentence(const std::string& text) {
  const auto end = text.find(". ");
  return end == std::string::npos ? text : text.substr(0, end + 1);
}

// The flag lines of `group` of `options`, under the verb name `verb`.
void print_flags(std::ostream& out, const std::string& verb, const cxxopts::Options& options,
                 const std::string& group) {
  for (const auto& flag : options.group_help(group).options) {
    const auto long_name = flag.l.empty() ? std::string() : flag.l[0];
    if (long_name == "positional") {
      if (!flag.arg_help.empty()) out << "args\t" << verb << "\t" << flag.arg_help << "\n";
      continue;
    }
    out << "flag\t" << verb << "\t" << (flag.s.empty() ? "" : "-" + flag.s) << "\t"
        << (long_name.empty() ? "" : "--" + long_name) << "\t" << takes(flag) << "\t"
        << flag.arg_help << "\t" << first_sentence(flag.desc) << "\n";
  }
}

// What kubectl_complete-app offers, from the verb table and each verb's options.
void print_completion_data(std::ostream& out) {
  for (const auto& verb : verbs()) {
    if (!verb.hidden) out << "verb\t" << verb.name << "\t" << verb.summary << "\n";
  }
  print_flags(out, "*", new_options("", "", ""), "Global");
  for (const auto& verb : verbs()) {
    if (!verb.options) continue;
    const auto options = verb.options();
    for (const auto& group : options.groups()) {
      if (group != "Global") print_flags(out, verb.name, options, group);
    }
  }
  for (const auto& [name, plural] : kind_names()) out << "kind\t" << name << "\t" << plural << "\n";
}

}  // namespace

cxxopts::Options completion_options() {
  auto options =
      new_options("completion SHELL",
                  "Print a shell completion script for bash, zsh or fish; `helper` prints "
                  "kubectl_complete-app, which makes `kubectl app <TAB>` complete in kubectl's own "
                  "completion (kubectl >= 1.26) once it is on PATH and executable.",
                  "  # bash, in ~/.bashrc\n"
                  "  source <(kubectl app completion bash)\n"
                  "\n"
                  "  # zsh, in ~/.zshrc after compinit\n"
                  "  source <(kubectl app completion zsh)\n"
                  "\n"
                  "  # fish\n"
                  "  kubectl app completion fish | source\n"
                  "\n"
                  "  # kubectl app <TAB> through kubectl's own completion\n"
                  "  kubectl app completion helper > ~/.local/bin/kubectl_complete-app\n"
                  "  chmod +x ~/.local/bin/kubectl_complete-app");
  options.add_options()("positional", "", cxxopts::value<std::vector<std::string>>(),
                        value_kind::one_of(kShells));
  options.parse_positional({"positional"});
  return options;
}

int run_completion(const Args& args) {
  auto options = completion_options();
  const auto parsed = parse(options, args);
  const auto positional = values(parsed, "positional");
  if (positional.size() != 1)
    throw UsageError("usage: kubectl app completion bash|zsh|fish|helper");
  const auto& shell = positional[0];
  if (shell == "bash") {
    std::cout << embedded::kBashCompletion;
  } else if (shell == "zsh") {
    std::cout << kZshCompletion;
  } else if (shell == "fish") {
    std::cout << kFishCompletion;
  } else if (shell == "helper") {
    std::cout << embedded::kCompletionHelper;
  } else {
    throw UsageError("unsupported shell \"" + shell +
                     "\"; use bash, zsh or fish (or helper for kubectl_complete-app)");
  }
  return 0;
}

cxxopts::Options complete_data_options() {
  return new_options("__complete-data",
                     "Print what the shell completion offers, from the verbs' own options: "
                     "tab-separated lines \"verb NAME SUMMARY\", \"flag VERB -S --LONG TAKES "
                     "KIND DESCRIPTION\" (VERB * for the global flags; TAKES bool, value or "
                     "optional; KIND a value kind of plugin/cli.h), \"args VERB KIND\" for the "
                     "first argument and \"kind NAME PLURAL\" for every name of our kinds. "
                     "kubectl_complete-app reads it.",
                     "  kubectl app __complete-data");
}

int run_complete_data(const Args& args) {
  auto options = complete_data_options();
  parse(options, args);
  print_completion_data(std::cout);
  return 0;
}

}  // namespace kapp::cli
