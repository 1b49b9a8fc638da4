#!/usr/bin/env bash
# Builds the controller-runtime peer (../shared/peers/cr-app) from the Go module proxy into a
# per-machine cache outside the checkout, and prints the binary's path on stdout.
#
#   bench/build-peer.sh        -> /root/.cache/kubectl-app/peer/<key>/cr-app
#
# Like tests/cluster/build-binaries.sh: the key hashes the peer's go.mod, go.sum and Go
# sources (plus this recipe's version), so a change rebuilds and every clone on the machine
# shares one build. The peer's folder is only read (-mod=readonly; it may be read-only).
# Progress goes to stderr; stdout carries only the path.
set -euo pipefail

readonly RECIPE=1
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
src=${PEER_SRC:-$root/../shared/peers/cr-app}
cache_root="${KUBECTL_APP_CACHE:-$HOME/.cache/kubectl-app}/peer"

log() { printf 'build-peer: %s\n' "$*" >&2; }
[[ -f $src/go.sum ]] || { log "error: no peer at $src (set PEER_SRC to the cr-app folder)"; exit 1; }

key=$({
  printf 'recipe=%s arch=%s\n' "$RECIPE" "$(uname -sm)"
  cd "$src" && find . -name '*.go' -o -name go.mod -o -name go.sum | LC_ALL=C sort | xargs cat
} | sha256sum | cut -c1-16)
final=$cache_root/$key
if [[ ! -x $final/cr-app ]]; then
  command -v go >/dev/null || { log "error: go not found in PATH: install Go to build the peer"; exit 1; }
  mkdir -p "$cache_root"
  exec 9>"$cache_root/.lock-$key"
  flock 9 # concurrent callers wait for one build
  if [[ ! -x $final/cr-app ]]; then
    log "building the peer into $final (first time only; about 3 minutes on 2 cores)"
    start=$SECONDS
    mkdir -p "$final"
    (cd "$src" && GOFLAGS=-mod=readonly GOSUMDB=off go build -o "$final/cr-app.part" .)
    mv -f "$final/cr-app.part" "$final/cr-app"
    log "built in $((SECONDS - start))s"
  fi
  exec 9>&-
fi
printf '%s\n' "$final/cr-app"
