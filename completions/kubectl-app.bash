# Bash completion for kubectl-app run as a command of its own (`kubectl-app get <TAB>`,
# `build/kubectl-app get <TAB>`). `kubectl app <TAB>` needs no set-up beyond kubectl_complete-app
# on PATH (kubectl >= 1.26 calls it); this file asks the same script, so both complete alike.
#
#   source completions/kubectl-app.bash      # in ~/.bashrc, or copy it to
#                                            # /etc/bash_completion.d/kubectl-app
#
#   source <(kubectl app completion bash)   # the same script, printed by the binary
#
# kubectl_complete-app is looked up on PATH first, then beside this file; without either, the
# copy embedded in the binary (`kubectl app completion helper`) runs.

_kubectl_app_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" 2>/dev/null && pwd)

# Runs the completion helper with the given words; KUBECTL_APP names the binary to ask.
_kubectl_app_complete() {
  local completer script
  completer=$(command -v kubectl_complete-app 2>/dev/null) ||
    completer=$_kubectl_app_dir/kubectl_complete-app
  if [[ -x $completer ]]; then
    "$completer" "$@"
  elif [[ -n ${KUBECTL_APP:-} ]]; then
    script=$("$KUBECTL_APP" completion helper 2>/dev/null) && sh -c "$script" kubectl_complete-app "$@"
  elif command -v kubectl-app >/dev/null 2>&1; then
    script=$(kubectl-app completion helper 2>/dev/null) && sh -c "$script" kubectl_complete-app "$@"
  else
    script=$(kubectl app completion helper 2>/dev/null) && sh -c "$script" kubectl_complete-app "$@"
  fi
}

_kubectl_app() {
  local line directive=0 prefix bash_cur cur
  local -a words candidates=()

  # The words as the user sees them: split on blanks only, so that --namespace=demo stays one
  # word (bash also splits on '=' and ':', see COMP_WORDBREAKS).
  read -ra words <<<"${COMP_LINE:0:COMP_POINT}"
  [[ ${COMP_LINE:0:COMP_POINT} =~ [[:space:]]$ ]] && words+=("")
  ((${#words[@]} > 1)) || words+=("")
  cur=${words[-1]}
  bash_cur=${COMP_WORDS[COMP_CWORD]}
  [[ $bash_cur =~ ^[[:space:]]*$ ]] && bash_cur=''

  # Object names come from the binary being completed when it was called by a path.
  local binary=${words[0]}
  [[ $binary == */* ]] || binary=''

  while IFS= read -r line; do
    if [[ $line =~ ^:[0-9]+$ ]]; then
      directive=${line#:}
    elif [[ -n $line ]]; then
      candidates+=("${line%%$'\t'*}")  # drop the description
    fi
  done < <(KUBECTL_APP=${binary:-${KUBECTL_APP:-}} _kubectl_app_complete "${words[@]:1}" 2>/dev/null)

  # bash replaces only its own current word: for "--dry-run=cl" that is "cl".
  prefix=${cur%"$bash_cur"}
  COMPREPLY=()
  for line in "${candidates[@]}"; do
    [[ $line == "$cur"* ]] && COMPREPLY+=("${line#"$prefix"}")
  done
  if ((directive & 2)); then compopt -o nospace 2>/dev/null; fi
  if ((${#COMPREPLY[@]} == 0)) && ! ((directive & 4)); then
    compopt -o default 2>/dev/null  # files, as for -f and --kubeconfig
  fi
  return 0
}

complete -F _kubectl_app kubectl-app
