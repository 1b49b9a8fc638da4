#!/usr/bin/env bash
# Builds the test control plane (etcd, kube-apiserver, kube-controller-manager,
# kube-scheduler, kwok) from the pinned Go modules under tests/cluster/go into a
# per-machine cache outside the checkout, and prints the bin directory on stdout.
#
#   tests/cluster/build-binaries.sh            -> /root/.cache/kubectl-app/controlplane/<key>
#
# The cache key hashes the modules' go.mod/go.sum (plus this script's recipe
# version), so a version bump rebuilds and every clone on the machine shares one
# build. Progress goes to stderr; stdout carries only the path.
set -euo pipefail

# Bump when the build recipe (flags, binary list) changes, to invalidate caches.
readonly RECIPE=1
readonly BINARIES=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok)

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly SCRIPT_DIR
readonly MOD_DIR="$SCRIPT_DIR/go"
CACHE_ROOT="${KUBECTL_APP_CACHE:-$HOME/.cache/kubectl-app}/controlplane"
readonly CACHE_ROOT

log() { printf 'build-binaries: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# Short content hash of everything that determines the binaries.
cache_key() {
  local m
  {
    printf 'recipe=%s arch=%s\n' "$RECIPE" "$(uname -sm)"
    for m in kubernetes etcd kwok; do
      printf '== %s\n' "$m"
      cat "$MOD_DIR/$m/go.mod" "$MOD_DIR/$m/go.sum"
    done
  } | sha256sum | cut -c1-16
}

complete_in() {
  local dir=$1 b
  for b in "${BINARIES[@]}"; do
    [[ -x "$dir/$b" ]] || return 1
  done
}

# Module and package that produce each binary.
module_of() {
  case $1 in
    etcd) echo etcd ;;
    kwok) echo kwok ;;
    *) echo kubernetes ;;
  esac
}

package_of() {
  case $1 in
    etcd) echo go.etcd.io/etcd/server/v3 ;;
    kwok) echo sigs.k8s.io/kwok/cmd/kwok ;;
    *) echo "k8s.io/kubernetes/cmd/$1" ;;
  esac
}

# Version stamps the release build would set; without them the components
# report v0.0.0-master, which confuses clients that look at /version.
ldflags_of() {
  local flags='-s -w' v
  if [[ $(module_of "$1") == kubernetes ]]; then
    v=$(cd "$MOD_DIR/kubernetes" && go list -m -f '{{.Version}}' k8s.io/kubernetes)
    local major=${v#v}; major=${major%%.*}
    local minor=${v#v"$major".}; minor=${minor%%.*}
    local pkg
    for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
      flags+=" -X $pkg.gitVersion=$v -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor"
      flags+=" -X $pkg.gitTreeState=clean"
    done
  fi
  printf '%s' "$flags"
}

build_one() {
  local name=$1 out=$2 start
  start=$SECONDS
  printf 'build-binaries: building %s ... ' "$name" >&2
  (
    cd "$MOD_DIR/$(module_of "$name")"
    go build -trimpath -ldflags "$(ldflags_of "$name")" -o "$out/$name.part" "$(package_of "$name")"
  ) || { echo "FAILED" >&2; return 1; }
  mv -f "$out/$name.part" "$out/$name"
  printf 'done in %ss\n' "$((SECONDS - start))" >&2
}

# Builds the missing binaries into a staging dir that survives interruption
# (finished binaries are kept), then renames it into place in one step.
build_all() {
  local final=$1 staging=$2 name start=$SECONDS
  command -v go >/dev/null 2>&1 ||
    die "go not found in PATH: install Go (>= 1.24) to build the test control plane"
  export GOFLAGS=-mod=mod GOSUMDB=off
  log "building the control plane into $final (first time only; may take 15+ minutes)"
  mkdir -p "$staging"
  for name in "${BINARIES[@]}"; do
    if [[ -x "$staging/$name" ]]; then
      log "$name already built by an interrupted run, reusing it"
      continue
    fi
    build_one "$name" "$staging"
  done
  rm -f "$staging"/*.part
  mv "$staging" "$final"
  log "all binaries built in $((SECONDS - start))s"
}

main() {
  local key final staging
  key=$(cache_key)
  final="$CACHE_ROOT/$key"
  staging="$CACHE_ROOT/.staging-$key"
  if ! complete_in "$final"; then
    mkdir -p "$CACHE_ROOT"
    # Serialise concurrent callers (parallel test runs) on one build.
    exec 9>"$CACHE_ROOT/.lock-$key"
    flock 9
    if ! complete_in "$final"; then
      # A directory without all binaries cannot come from a finished rename;
      # treat it as foreign debris.
      [[ -e "$final" ]] && rm -rf "$final"
      build_all "$final" "$staging"
    fi
    exec 9>&-
  fi
  printf '%s\n' "$final"
}

main "$@"
