#!/usr/bin/env bash
# Builds krew (kubectl's plugin manager) from the pinned Go module under tests/krew/go into a
# per-machine cache outside the checkout, and prints the path of the kubectl-krew binary.
#
#   tests/krew/build-krew.sh   -> $HOME/.cache/kubectl-app/krew/<key>/kubectl-krew
#
# The key hashes go.mod/go.sum and this recipe, as tests/cluster/build-binaries.sh does for the
# control plane: a version bump rebuilds, every clone on the machine shares one build.
# Progress goes to stderr; stdout carries only the path.
set -euo pipefail

readonly RECIPE=1
MOD_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/go" && pwd)
readonly MOD_DIR
CACHE_ROOT="${KUBECTL_APP_CACHE:-$HOME/.cache/kubectl-app}/krew"
readonly CACHE_ROOT

log() { printf 'build-krew: %s\n' "$*" >&2; }

key=$({
  printf 'recipe=%s arch=%s\n' "$RECIPE" "$(uname -sm)"
  cat "$MOD_DIR/go.mod" "$MOD_DIR/go.sum"
} | sha256sum | cut -c1-16)
bin="$CACHE_ROOT/$key/kubectl-krew"

if [[ ! -x $bin ]]; then
  command -v go >/dev/null 2>&1 || { log "error: go not found in PATH: install Go (>= 1.24)"; exit 1; }
  mkdir -p "$CACHE_ROOT/$key"
  # Serialise concurrent callers on one build; the rename makes a finished binary appear whole.
  exec 9>"$CACHE_ROOT/.lock-$key"
  flock 9
  if [[ ! -x $bin ]]; then
    log "building krew into $CACHE_ROOT/$key (first time only)"
    start=$SECONDS
    (cd "$MOD_DIR" && GOFLAGS=-mod=mod go build -trimpath -ldflags '-s -w' \
      -o "$bin.part" sigs.k8s.io/krew/cmd/krew)
    mv -f "$bin.part" "$bin"
    log "built in $((SECONDS - start))s"
  fi
  exec 9>&-
fi
printf '%s\n' "$bin"
