#!/usr/bin/env bash
# Runs the benchmarks against a control plane of their own and prints their results.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
state=$(mktemp -d /tmp/kapp-bench.XXXXXX)
trap '"$root/tests/cluster/down.sh" "$state" >/dev/null 2>&1 || true' EXIT
"$root/tests/cluster/up.sh" "$state" >/dev/null
for threads in 1 4; do
  "$build/bench/bench_client" "$state/kubeconfig" 2000 "$threads"
done
"$build/bench/bench_reconcile" "$state/kubeconfig" 100 4
