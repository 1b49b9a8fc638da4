#!/usr/bin/env bash
# Heap profile of kubectl-app's controller over N Applications of bench.py's workload
# (4 Deployment components each), with heaptrack, on a control plane of its own.
#
#   bench/profile-memory.sh N OUT_DIR      # e.g. bench/profile-memory.sh 1000 /tmp/prof
#
# Starts `run-controller --namespace` under heaptrack, applies the N Applications, waits
# until all are Running plus 35 s, stops the controller with SIGTERM (by pid) and
# writes OUT_DIR/heaptrack.kapp.zst, OUT_DIR/peaks.txt (heaptrack_print: peak consumers),
# OUT_DIR/peak-stacks.txt (every stack with its bytes at the peak) and OUT_DIR/summary.txt
# (VmHWM, the caches by kind from build/bench/bench_cache_size, the cache's share of the peak).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
peers=$(cd "$root/../shared/peers" && pwd)
n=${1:?usage: bench/profile-memory.sh N OUT_DIR}
out=$(mkdir -p "${2:?usage: bench/profile-memory.sh N OUT_DIR}" && cd "$2" && pwd)
build=$(realpath "${BUILD_DIR:-$root/build}")
kapp=$build/kubectl-app
ns=bench-profile
log() { printf '[profile %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

state=$(mktemp -d /tmp/kapp-profile.XXXXXX)
ctl=''
cleanup() {
  [[ -n $ctl ]] && kill -KILL "$ctl" 2>/dev/null || true
  "$root/tests/cluster/down.sh" "$state" >/dev/null 2>&1 || true
}
trap cleanup EXIT
KWOK_NODE_PODS=$(((n * 4 + 1) / 2 + 100)) CONTROL_PLANE_CLIENT_QPS=${BENCH_CLIENT_QPS:-5000} \
  "$root/tests/cluster/up.sh" "$state" 2>/dev/null
export KUBECONFIG=$state/kubeconfig
"$kapp" install >/dev/null
kubectl create namespace "$ns" >/dev/null
python3 -c 'import sys; sys.path.insert(0, sys.argv[1]); import bench; bench.write_apps_file(sys.argv[2], int(sys.argv[3]), 4, sys.argv[4])' \
  "$peers" "$ns" "$n" "$state/apps.yaml"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
heaptrack -o "$out/heaptrack.kapp" "$kapp" run-controller --namespace "$ns" --workers 4 \
  --metrics-bind-address 0 --health-probe-bind-address "127.0.0.1:$port" >"$out/controller.log" 2>&1 &
launcher=$!
# heaptrack runs the controller as its child: that pid is what gets signalled and measured.
deadline=$((SECONDS + 120))
until [[ -n $ctl ]]; do
  for c in $(cat "/proc/$launcher/task/"*/children 2>/dev/null); do
    [[ $(tr '\0' ' ' <"/proc/$c/cmdline" 2>/dev/null) == *run-controller* ]] && ctl=$c
  done
  ((SECONDS < deadline)) || { log "controller did not start"; exit 1; }
  sleep 0.5
done
until curl -fs "http://127.0.0.1:$port/readyz" >/dev/null; do
  ((SECONDS < deadline)) || { log "controller not ready within 120 s"; exit 1; }
  sleep 0.5
done
log "controller pid $ctl ready; applying $n Applications"
t0=$SECONDS
kubectl apply --server-side -f "$state/apps.yaml" >/dev/null
deadline=$((SECONDS + 1800))
while :; do
  running=$(kubectl -n "$ns" get applications -o jsonpath='{range .items[*]}{.status.phase}{"\n"}{end}' | grep -c '^Running$' || true)
  ((running == n)) && break
  ((SECONDS < deadline)) || { log "only $running of $n Running after 1800 s"; exit 1; }
  sleep 5
done
log "all $n Running after $((SECONDS - t0)) s; 35 s more"
sleep 35
hwm=$(awk '/VmHWM/ {print $2}' "/proc/$ctl/status")
rss=$(awk '/VmRSS/ {print $2}' "/proc/$ctl/status")
kill -TERM "$ctl"
wait "$launcher" || true
ctl=''
{
  printf 'N=%s, converged in %s s under heaptrack; controller VmHWM %s KiB, VmRSS at stop %s KiB\n' \
    "$n" "$((SECONDS - t0 - 35))" "$hwm" "$rss"
  printf '\nthe controller'"'"'s caches, by kind: the objects in the namespace at the end, as cached\n'
  lists=()
  for r in applications deployments services networkpolicies pods; do
    kubectl -n "$ns" get "$r" -o json >"$state/$r.json"
    lists+=("$state/$r.json")
  done
  "$build/bench/bench_cache_size" --lists "${lists[@]}" | sed "s|$state/||"
} >"$out/summary.txt"
file=$(ls "$out"/heaptrack.kapp*.zst "$out"/heaptrack.kapp*.gz 2>/dev/null | head -1)
heaptrack_print -f "$file" --print-peaks --peak-limit 25 --sub-peak-limit 8 --print-allocators 0 \
  --print-temporary 0 >"$out/peaks.txt"
heaptrack_print -f "$file" --print-peaks 0 --print-allocators 0 --print-temporary 0 \
  --print-flamegraph "$out/peak-stacks.txt" --flamegraph-cost-type peak >/dev/null
# Share of the peak held by what Informer::store cached (stacks are root first, cost last).
awk '{ total += $NF } /Informer::store/ { cache += $NF }
     END { printf "\nheap at the peak: %.1f MiB, of which %.1f MiB (%.0f%%) allocated under Informer::store\n",
           total / 1048576, cache / 1048576, 100 * cache / total }' "$out/peak-stacks.txt" >>"$out/summary.txt"
cat "$out/summary.txt"
log "wrote $out"
