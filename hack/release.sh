#!/usr/bin/env bash
# Cuts a release: builds kubectl-app (RelWithDebInfo, stripped), packs it with the completion
# helper and LICENSE into DIST_DIR/kubectl-app_v<version>_linux_amd64.tar.gz, and writes
# DIST_DIR/krew-manifest.yaml from krew-manifest.yaml (the template) with the version, the
# archive's uri and its sha256. The version is CMakeLists.txt's project(VERSION).
#
#   hack/release.sh                          # make release: builds into build-release/
#   KAPP_BINARY=build/kubectl-app DIST_DIR=/tmp/d hack/release.sh   # packs a built binary
#
# RELEASE_URL is where the archive will be downloaded from (default: the GitHub release of the
# version). The archive is reproducible: fixed order, owner and mtime (SOURCE_DATE_EPOCH).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly ROOT
DIST_DIR=${DIST_DIR:-$ROOT/dist}
BUILD_DIR=${RELEASE_BUILD_DIR:-$ROOT/build-release}

die() { printf 'release: error: %s\n' "$*" >&2; exit 1; }

version=$(sed -n 's/^project(kubectl-app VERSION \([0-9][0-9.]*\).*/\1/p' "$ROOT/CMakeLists.txt")
[[ -n $version ]] || die "no project(kubectl-app VERSION x.y.z) in CMakeLists.txt"
tag="v$version"
platform=linux_amd64
[[ $(uname -sm) == "Linux x86_64" ]] || die "releases are built on linux/amd64, not $(uname -sm)"
archive="kubectl-app_${tag}_${platform}.tar.gz"
RELEASE_URL=${RELEASE_URL:-https://github.com/kubectl-app/kubectl-app/releases/download/$tag}

binary=${KAPP_BINARY:-}
if [[ -z $binary ]]; then
  cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKAPP_TESTS=OFF >&2
  cmake --build "$BUILD_DIR" --target kubectl-app -j "${JOBS:-1}" >&2
  binary="$BUILD_DIR/kubectl-app"
fi
[[ -x $binary ]] || die "$binary is not an executable; build it first"

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
strip --strip-all -o "$stage/kubectl-app" "$binary"
"$binary" completion helper >"$stage/kubectl_complete-app"
cp "$ROOT/LICENSE" "$stage/LICENSE"
chmod 0755 "$stage/kubectl-app" "$stage/kubectl_complete-app"
chmod 0644 "$stage/LICENSE"

mkdir -p "$DIST_DIR"
epoch=${SOURCE_DATE_EPOCH:-$(git -C "$ROOT" log -1 --format=%ct 2>/dev/null || echo 0)}
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" -C "$stage" \
  -cf - kubectl-app kubectl_complete-app LICENSE | gzip -9n >"$DIST_DIR/$archive"
sha=$(sha256sum "$DIST_DIR/$archive" | cut -d' ' -f1)

# The template is a valid manifest for its own version, one platform, and a placeholder
# checksum: its version string is replaced everywhere (uri, caveats), then uri and sha256.
template="$ROOT/krew-manifest.yaml"
old=$(sed -n 's/^  version: \(v[0-9][0-9.]*\)$/\1/p' "$template")
[[ -n $old ]] || die "$template has no 'spec.version: vX.Y.Z' line"
[[ $(grep -c '^ *uri: ' "$template") == 1 && $(grep -c '^ *sha256: ' "$template") == 1 ]] ||
  die "$template must have one platform (linux/amd64), the one a release builds"
sed -e "s/${old//./\\.}/$tag/g" \
  -e "s|^\( *uri: \).*|\1$RELEASE_URL/$archive|" \
  -e "s|^\( *sha256: \).*|\1\"$sha\"|" \
  "$template" >"$DIST_DIR/krew-manifest.yaml"

printf 'release: %s\n' "$DIST_DIR/$archive" "$DIST_DIR/krew-manifest.yaml" >&2
printf 'release: sha256 %s\n' "$sha" >&2
