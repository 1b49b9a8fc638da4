#!/usr/bin/env bash
# The krew install, for real: packs the binary under test as a release (hack/release.sh), builds
# krew from tests/krew/go (cached), installs the plugin with
#   kubectl krew install --manifest=DIST/krew-manifest.yaml --archive=DIST/...tar.gz
# into a temporary KREW_ROOT, then runs `kubectl app version` through kubectl with only
# KREW_ROOT/bin (and kubectl's own directory) on PATH, and checks the completion helper.
#
#   tests/krew/krew_test.sh BUILD/kubectl-app
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
binary=$(realpath "${1:?usage: krew_test.sh PATH/TO/kubectl-app}")

fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }

kubectl_path=$(command -v kubectl) || fail "kubectl not found in PATH"
krew=$("$ROOT/tests/krew/build-krew.sh")

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/path"
ln -s "$krew" "$work/path/kubectl-krew"
ln -s "$kubectl_path" "$work/path/kubectl"

# A PATH with kubectl, kubectl-krew and the installed plugin only (plus the system's tools), so
# `kubectl app` can only be the copy krew installed. HOME too is ours: krew writes nothing else.
export KREW_ROOT="$work/krew" HOME="$work/home" KUBECONFIG="$work/no-kubeconfig"
export PATH="$KREW_ROOT/bin:$work/path:/usr/bin:/bin"
mkdir -p "$HOME"

KAPP_BINARY="$binary" DIST_DIR="$work/dist" "$ROOT/hack/release.sh" 2>"$work/release.log" ||
  fail "hack/release.sh failed: $(cat "$work/release.log")"
version=$(sed -n 's/^  version: \(v[0-9.]*\)$/\1/p' "$work/dist/krew-manifest.yaml")
archive="$work/dist/kubectl-app_${version}_linux_amd64.tar.gz"
[[ -f $archive ]] || fail "no $archive; dist holds: $(ls "$work/dist")"

kubectl krew install --manifest="$work/dist/krew-manifest.yaml" --archive="$archive" \
  </dev/null >"$work/install.log" 2>&1 || fail "krew install failed: $(cat "$work/install.log")"

installed=$(command -v kubectl-app) || fail "kubectl-app is not on PATH after krew install"
[[ $installed == "$KREW_ROOT/bin/kubectl-app" ]] || fail "kubectl-app resolves to $installed"
out=$(kubectl app version --client 2>&1) || fail "kubectl app version exited $?: $out"
[[ $out == "Client Version: $version" ]] ||
  fail "kubectl app version printed '$out', expected 'Client Version: $version'"
# (`kubectl krew list` needs the plugin index, a git clone: the receipt says the same offline.)
grep -q "^  version: $version\$" "$KREW_ROOT/receipts/app.yaml" ||
  fail "no receipt of app $version in $KREW_ROOT/receipts"

# The completion helper, linked onto PATH as the manifest's caveats say, answers for verbs.
store="$KREW_ROOT/store/app/$version"
[[ -x $store/kubectl_complete-app ]] || fail "$store/kubectl_complete-app missing or not executable"
[[ -f $store/LICENSE ]] || fail "$store/LICENSE missing"
ln -sf "$store/kubectl_complete-app" "$KREW_ROOT/bin/kubectl_complete-app"
verbs=$(kubectl_complete-app '' 2>&1) || fail "kubectl_complete-app exited $?: $verbs"
grep -q '^version' <<<"$verbs" || fail "kubectl_complete-app '' does not offer version: $verbs"

printf 'ok: krew installed kubectl-app %s from %s\n' "$version" "$(basename "$archive")"
