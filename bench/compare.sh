#!/usr/bin/env bash
# kubectl-app's controller side by side with the controller-runtime peer and the floor, each on
# a control plane of its own, and the CLI against kubectl (bench/cli.sh). See bench/README.md.
#
#   bench/compare.sh [N...]        # default: 100 300 1000 Applications of 4 components
#
# For each N, in one run: kubectl-app, then the peer, then the floor (the children kubectl-app
# made, applied straight by kubectl), each by ../shared/peers/bench.py (through harness.py,
# which leaves the namespace to the cluster's end) on a fresh cluster; at N = 1,000 the CLI
# comparison follows kubectl-app's run, on its cluster.
# Writes bench/results/$BENCH_NAME.md (the table, with machine, versions, commands and date),
# $BENCH_NAME.png (plot) and $BENCH_NAME/*.json (bench.py's raw results).
#
# Environment: BUILD_DIR (kubectl-app's build), BENCH_NAME (default controllers),
# BENCH_STEADY (steady-state seconds, default 120), BENCH_STEADY_SIZES (the sizes that hold
# the steady windows; default the largest), BENCH_CLI=0 to skip the CLI comparison,
# BENCH_CLI_RUNS (hyperfine runs of each CLI command, default 5),
# BENCH_CLIENT_QPS (kube-controller-manager's and kube-scheduler's client QPS, default 5000),
# BENCH_GOGC (the control plane's daemons' GOGC, default 400; empty: Go's default),
# BENCH_KCM_FLAGS (kube-controller-manager's extra flags; default: only the controllers the
# runs need; empty: all on).
set -euo pipefail
# bench.py refuses to start while any kubectl-app or cr-app controller runs on the machine
# (it reads /proc), and other checkouts' tests run theirs: the whole run, cluster included,
# gets a PID namespace of its own, where it sees only its own processes (and ends them all).
if [[ -z ${KAPP_BENCH_PIDNS:-} ]]; then
  exec unshare --pid --fork --mount-proc env KAPP_BENCH_PIDNS=1 "$0" "$@"
fi
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${BUILD_DIR:-$root/build}" && pwd)
peers=$(cd "$root/../shared/peers" && pwd)
name=${BENCH_NAME:-controllers}
steady=${BENCH_STEADY:-120}
qps=${BENCH_CLIENT_QPS:-5000}
gogc=${BENCH_GOGC-400}
sizes=("$@")
((${#sizes[@]})) || sizes=(100 300 1000)
results=$root/bench/results
raw=$results/$name
log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

peer_bin=$("$root/bench/build-peer.sh")
largest=$(printf '%s\n' "${sizes[@]}" | sort -n | tail -1)
# Steady windows (one per controller) at the smaller sizes too would add 8 minutes: by
# default only the largest size, where the cache and the resync are largest, holds them.
steady_sizes=${BENCH_STEADY_SIZES:-$largest}
# Two kwok nodes with room for the largest run's pods (4 per Application) and some spare.
node_pods=$(((largest * 4 + 1) / 2 + 100))
work=$(mktemp -d /tmp/kapp-bench.XXXXXX) state=
# KEEP_CLUSTER_LOGS=1 keeps every cluster's logs (down.sh keeps the folder), and so $work.
trap '[[ -z $state ]] || "$root/tests/cluster/down.sh" "$state" >/dev/null 2>&1 || true
      [[ ${KEEP_CLUSTER_LOGS:-} == 1 ]] || rm -rf "$work"' EXIT
started=$(date -u +%Y-%m-%dT%H:%M:%SZ) t_start=$SECONDS load_start=$(cut -d' ' -f1-3 /proc/loadavg)
# kube-controller-manager runs the controllers that turn Deployments into available pods and
# keep a namespace usable, nothing else: the rest cost the API server and the machine's two cores
# work none of the three runs asks for (one Endpoints and EndpointSlice per Service, a
# ServiceCIDR status apply per Service, the garbage collector's graph of every object; in
# an A/B of one floor run each at N = 300: 65 s with these, 80 s with all but the Endpoints).
kcm_flags=${BENCH_KCM_FLAGS---controllers=deployment-controller,replicaset-controller,serviceaccount-controller,serviceaccount-token-controller,namespace-controller,node-lifecycle-controller,clusterrole-aggregation-controller,root-ca-certificate-publisher-controller}
export KAPP_BIN=$build/kubectl-app PEER_BIN=$peer_bin BENCH_PEERS=$peers
# Every run gets a control plane of its own, stopped after it: no run pays for the objects
# an earlier one left, and no run waits for its namespace's deletion (harness.py).
cluster_up() {
  state=$(mktemp -d "$work/cluster.XXXXXX")
  log "control plane in $state (client QPS $qps, GOGC ${gogc:-100}, $node_pods pods per node, $kcm_flags)"
  # No PersistentVolumes: the benchmark's Applications claim none, and their 40 creates were a
  # quarter of a control plane's start.
  KWOK_NODE_PODS=$node_pods CONTROL_PLANE_CLIENT_QPS=$qps CONTROL_PLANE_GOGC=$gogc KCM_EXTRA_FLAGS=$kcm_flags PV_COUNT=0 \
    "$root/tests/cluster/up.sh" "$state" 2>/dev/null
  export KUBECONFIG=$state/kubeconfig CLUSTER_PIDS=$state/pids BENCH_LOGDIR=$state/bench-logs
  mkdir -p "$BENCH_LOGDIR"
  "$KAPP_BIN" install >/dev/null
  apiserver_version=$("$(sed -n 's/^BIN_DIR=//p' "$state/env")/kube-apiserver" --version 2>/dev/null | cut -d' ' -f2)
}
cluster_down() {
  "$root/tests/cluster/down.sh" "$state" >/dev/null 2>&1 || true
  state=
}

rm -rf "$raw"
mkdir -p "$raw"
bench() { python3 "$root/bench/harness.py" "$@"; }
# The table and plot of what has finished: written after each N, so a run stopped early
# still leaves the sizes it completed.
write_report() {
  {
    printf '# kubectl-app vs the controller-runtime peer vs the floor\n\n'
    printf 'How to read this: ../README.md. Raw results of each run: [%s/](%s/).\n\n' "$name" "$name"
    printf '| | |\n|---|---|\n'
    printf '| date | %s (controllers: %d s; %s; whole run: %d s) |\n' "$started" "$controllers_s" \
      "$cli_time" "$((SECONDS - t_start))"
    printf '| machine | %s, %s cores, %s GiB; load average %s at the start, %s at the end |\n' \
      "$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)" "$(nproc)" \
      "$(awk '/MemTotal/ {printf "%.0f", $2 / 1048576}' /proc/meminfo)" "$load_start" \
      "$(cut -d' ' -f1-3 /proc/loadavg)"
    printf '| kubectl-app | %s (%s) |\n' "$(git -C "$root" describe --always --dirty)" "$KAPP_BIN"
    printf '| peer | cr-app: %s (%s) |\n' \
      "$(grep -E '^\s*(sigs.k8s.io/controller-runtime|k8s.io/client-go) ' "$peers/cr-app/go.mod" | xargs | sed 's/ \(k8s\|sigs\)/, \1/')" \
      "$(go version "$peer_bin" 2>/dev/null | awk '{print $NF}')"
    printf '| control plane | kube-apiserver %s, etcd and kwok from tests/cluster/go, all at GOGC=%s; kube-controller-manager and kube-scheduler at --kube-api-qps=%s --kube-api-burst=%s, kube-controller-manager with `%s`; 2 kwok nodes of %s pods |\n' \
      "$apiserver_version" "${gogc:-100}" \
      "$qps" "$((2 * qps))" "${kcm_flags:-(defaults)}" "$node_pods"
    printf '| commands | on a fresh control plane each, through bench/harness.py (namespaces left to the cluster'"'"'s end; the once-a-second convergence poll reads a watch'"'"'s copy of the collection, bench/watch.py): `bench.py run --controller a --n N --steady S --export children`, `bench.py run --controller b --n N --steady S`, `bench.py floor --children children --n N` for N in %s, S = %s s at N in %s and 0 otherwise; `bench.py report` |\n' \
      "${sizes[*]}" "$steady" "$steady_sizes"
    printf '| controllers | a: `%s`; b: `%s` (bench.py adds --namespace, --workers 4, ports; the peer also gets --kube-api-qps 50 --kube-api-burst 100, kubectl-app'"'"'s own limit) |\n' \
      "kubectl-app run-controller" "cr-app"
    ((${#failed[@]})) && printf '| failed | %s |\n' "${failed[*]}"
    printf '\n![convergence and peak RSS against N](%s.png)\n\n' "$name"
    bench report "$raw"
  } >"$results/$name.md"
  /usr/bin/python3 "$root/bench/plot.py" "$raw" "$results/$name.png" # Debian's python3-matplotlib
}

failed=() controllers_s=0 cli_s=0 cli_time="CLI: not run"
# The CLI comparison on the current cluster; with a namespace, over the 1,000 Applications in it.
cli() {
  log "CLI: kubectl app against kubectl (hyperfine)${1:+, over the Applications of $1}"
  # Five runs of each command, not cli.sh's ten: the binary's wall time is 0.05x to 0.33x
  # kubectl's, and the ten took 20 s more of a run that the issue wants within 30 minutes.
  CLI_GET_NAMESPACE=${1:-} CLI_GET_STATUS="written by kubectl-app's controller, which converged them" \
    CLI_KEEP_NAMESPACES=1 CLI_RUNS=${BENCH_CLI_RUNS:-5} "$root/bench/cli.sh" "$results/$name-cli.md" ||
    failed+=("CLI comparison")
}
# It runs on the cluster of kubectl-app's run at N = 1,000, over the Applications that run
# converged (no control plane and 1,000 creates of its own: 45 s); without that size, first,
# on a cluster of its own.
cli_at=none
[[ ${BENCH_CLI:-1} == 0 ]] || { cli_at=own cli_time="CLI: not run yet"; }
[[ $cli_at == own && " ${sizes[*]} " == *" 1000 "* ]] && cli_at=1000
if [[ $cli_at == own ]]; then
  t=$SECONDS
  cluster_up
  cli
  cluster_down
  cli_time="CLI: $((SECONDS - t)) s, its control plane included"
fi
t_controllers=$SECONDS
for n in "${sizes[@]}"; do
  children=$work/children-n$n.json
  hold=0
  [[ " $steady_sizes " == *" $n "* ]] && hold=$steady
  cluster_up
  log "N=$n: kubectl-app (steady window $hold s)"
  bench run --controller a --n "$n" --steady "$hold" --export "$children" \
    --out "$raw/n$n-a-r1.json" || failed+=("N=$n kubectl-app")
  if [[ $cli_at == "$n" ]]; then
    t=$SECONDS
    # The run's namespace if it converged; if not, the CLI makes 1,000 Applications of its own.
    converged_ns=$(python3 -c 'import json, sys; r = json.load(open(sys.argv[1]))
print(r["namespace"] if r.get("converged") else "")' "$raw/n$n-a-r1.json" 2>/dev/null) || converged_ns=
    [[ -n $converged_ns ]] || log "N=$n: kubectl-app's run did not converge: the CLI creates its own Applications"
    cli "$converged_ns"
    cli_s=$((SECONDS - t))
    cli_time="CLI: $cli_s s"
  fi
  cluster_down
  cluster_up
  log "N=$n: controller-runtime peer (steady window $hold s)"
  bench run --controller b --n "$n" --steady "$hold" --out "$raw/n$n-b-r1.json" ||
    failed+=("N=$n peer")
  cluster_down
  log "N=$n: floor"
  if [[ -f $children ]]; then
    cluster_up
    bench floor --children "$children" --n "$n" --out "$raw/n$n-floor-r1.json" || failed+=("N=$n floor")
    cluster_down
  else
    failed+=("N=$n floor (no children exported)")
  fi
  controllers_s=$((SECONDS - t_controllers))
  [[ $cli_at == own ]] || controllers_s=$((controllers_s - cli_s))  # cli_s: 0 until it ran
  log "N=$n done after $controllers_s s; writing $results/$name.md and $name.png"
  write_report || failed+=("report after N=$n")
done

log "done in $((SECONDS - t_start)) s: $results/$name.md"
((${#failed[@]} == 0)) || { log "failed: ${failed[*]}"; exit 1; }
