#!/usr/bin/env bash
# Installs what building and testing kubectl-app needs, from Debian's packages.
# Quick when everything is present: apt-get runs only for what is missing.
set -euo pipefail

packages=(
  cmake ninja-build g++ pkg-config clang-format
  libcurl4-openssl-dev libmosquitto-dev libyaml-cpp-dev nlohmann-json3-dev libcxxopts-dev catch2
  openssl mosquitto mosquitto-clients zsh fish
  prometheus  # for promtool, which lints the /metrics output in the unit tests
  graphviz    # for dot, which renders `kubectl app graph -o dot` in the unit tests
  libvalijson-dev           # JSON Schema validation of manifests against the embedded CRDs
  libsimdjson-dev           # parses the watch streams (core/util/json_fast.h)
  clang libclang-rt-14-dev  # libFuzzer for the fuzz targets
  ccache hyperfine python3-matplotlib  # rebuilds; the CLI benchmark; the benchmark plot
)
missing=()
for p in "${packages[@]}"; do
  [ -n "$p" ] || continue
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Go and kubectl come with the machine image (TESTING.md); they are checked, not installed.
for tool in go kubectl; do
  command -v "$tool" >/dev/null || { echo "error: $tool is not on PATH; install it (see tests/cluster/README.md)" >&2; exit 1; }
done
