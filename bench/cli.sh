#!/usr/bin/env bash
# The CLI side by side with kubectl on the same objects (hyperfine), on the cluster of
# $KUBECONFIG (bench/compare.sh runs it on the cluster of its kubectl-app run at N = 1,000, or
# on a control plane of its own):
#   - `kubectl app get` over 1,000 Applications against `kubectl get applications`;
#   - `kubectl app get -o json` of the same 1,000 against `kubectl get -o json` (whole objects);
#   - `kubectl app status` of a 12-component Application (reconciled by kubectl-app's
#     controller) against one `kubectl get` of the same objects;
#   - the requests each command sends and the API server's time for each (one run at -v=6),
#     which says where the wall time goes.
#
#   KUBECONFIG=... KAPP_BIN=build/kubectl-app bench/cli.sh OUT.md
#
# KAPP_BASELINE_BIN=path/to/an/older/kubectl-app adds that binary to each comparison, on the
# same objects in the same run (a before/after of a change).
#
# Without CLI_GET_NAMESPACE, the 1,000 Applications have no controller (4,000 pods are not what
# is measured): their status is written once through the status subresource, so the columns
# are filled. CLI_GET_NAMESPACE=NS measures `get` over the Applications already in NS instead
# (exactly 1,000 of them) and creates none; CLI_GET_STATUS says in the report what wrote their
# status (default: "as found in NS").
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
peers=$(cd "$root/../shared/peers" && pwd)
out=${1:?usage: bench/cli.sh OUT.md}
kapp=$(realpath "${KAPP_BIN:-$root/build/kubectl-app}")
: "${KUBECONFIG:?set KUBECONFIG to the cluster to use}"
runs=${CLI_RUNS:-10}
get_ns=${CLI_GET_NAMESPACE:-bench-cli-get}
created=(bench-cli-status) # the namespaces this script makes, and deletes
get_status=${CLI_GET_STATUS:-as found in $get_ns}
[[ -n ${CLI_GET_NAMESPACE:-} ]] ||
  { created+=(bench-cli-get) get_status="filled through the status subresource"; }
baseline=${KAPP_BASELINE_BIN:+$(realpath "$KAPP_BASELINE_BIN")}
work=$(mktemp -d /tmp/kapp-cli.XXXXXX)
controller=''
cleanup() {
  [[ -n $controller ]] && kill "$controller" 2>/dev/null || true
  # compare.sh throws the cluster away after: CLI_KEEP_NAMESPACES=1 spares the deletion's wait.
  [[ ${CLI_KEEP_NAMESPACES:-0} == 1 ]] ||
    kubectl delete namespace "${created[@]}" --ignore-not-found --timeout=300s >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
log() { printf '[cli %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
# kubectl finds the plugin on PATH, as a user's `kubectl app` does.
mkdir -p "$work/bin" && ln -s "$kapp" "$work/bin/kubectl-app"
export PATH=$work/bin:$PATH

# Applications of bench.py's shape (imported, not copied), and their status documents.
python3 - "$peers" "$work" <<'PY'
import json, sys
sys.path.insert(0, sys.argv[1])
import bench  # noqa: E402 - ../shared/peers/bench.py
work = sys.argv[2]
# In four files each, for four kubectl processes at once.
apps = [open("%s/apps.%d.yaml" % (work, k), "w") for k in range(4)]
status = [open("%s/status.%d.yaml" % (work, k), "w") for k in range(4)]
for i in range(1000):
    app = bench.application(i, "bench-cli-get", 4)
    comps = [{"name": c["name"], "source": "Inline", "workload": "Deployment", "phase": "Running",
              "replicas": 1, "readyReplicas": 1} for c in app["spec"]["components"]]
    apps[i % 4].write("---\n" + json.dumps(app) + "\n")
    status[i % 4].write("---\n" + json.dumps({"apiVersion": app["apiVersion"], "kind": app["kind"],
                                              "metadata": app["metadata"],
                                              "status": {"phase": "Running", "observedGeneration": 1, "ready": "4/4",
                                                         "componentCount": 4, "components": comps}}) + "\n")
for f in apps + status:
    f.close()
bench.write_apps_file("bench-cli-status", 1, 12, work + "/app12.yaml")
PY
# apply_all NAME [ARGS...]: the four files NAME.*.yaml applied by four kubectl processes at once
# (one process applying the 1,000 and then their status took 41 s).
apply_all() {
  local pids=() file pid failed=0
  for file in "$work/$1".*.yaml; do
    kubectl apply --server-side "${@:2}" -f "$file" >/dev/null &
    pids+=($!)
  done
  # All waited for before failing: cleanup removes the files the others still read.
  for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
  ((!failed)) || { log "kubectl apply of $1 failed"; return 1; }
}
if [[ -z ${CLI_GET_NAMESPACE:-} ]]; then
  log "1,000 Applications"
  kubectl create namespace bench-cli-get >/dev/null
  apply_all apps
  apply_all status --subresource=status
fi
[[ $("$kapp" get applications -n "$get_ns" -o name | wc -l) == 1000 ]] ||
  { log "kubectl app get did not list 1,000 Applications in $get_ns"; exit 1; }

log "a 12-component Application, reconciled by kubectl-app's controller"
kubectl create namespace bench-cli-status >/dev/null
kubectl apply --server-side -f "$work/app12.yaml" >/dev/null
"$kapp" run-controller --namespace bench-cli-status >"$work/controller.log" 2>&1 &
controller=$!
deadline=$((SECONDS + 300))
until [[ $(kubectl -n bench-cli-status get application app-0000 -o jsonpath='{.status.phase}') == Running ]]; do
  ((SECONDS < deadline)) || { log "app-0000 not Running within 300 s"; tail -5 "$work/controller.log" >&2; exit 1; }
  sleep 1
done
kill "$controller" && wait "$controller" 2>/dev/null || true
controller=''

# Wall time, and the client's own CPU time (user + sys), which a loaded machine does not
# inflate the way it inflates the wall time spent waiting for the API server.
hf() {
  hyperfine --style none --warmup 2 --runs "$runs" --export-json "$work/$1.json" "${@:2}" >/dev/null
  python3 - "$work/$1.json" >"$work/$1.md" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
base = results[-1]  # the kubectl command
print("| command | wall mean ± sd [ms] | min / max [ms] | wall vs kubectl | client CPU (user + sys) [ms] | CPU vs kubectl |")
print("|:---|---:|---:|---:|---:|---:|")
for r in results:
    cpu, base_cpu = r["user"] + r["system"], base["user"] + base["system"]
    print("| `%s` | %.0f ± %.0f | %.0f / %.0f | %.2fx | %.1f | %.2fx |" % (
        r["command"], 1000 * r["mean"], 1000 * r["stddev"], 1000 * r["min"], 1000 * r["max"],
        r["mean"] / base["mean"], 1000 * cpu, cpu / base_cpu))
PY
}
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
log "hyperfine: get"
# The baseline binary's row, when there is one: hyperfine arguments for `LABEL ARGS...`.
before() {
  [[ -n $baseline ]] && printf '%s\n' -n "kubectl-app $1 (baseline binary)" "$baseline ${*:2}"
  return 0
}
mapfile -t before_get < <(before get get applications -n "$get_ns")
mapfile -t before_json < <(before "get -o json" get applications -n "$get_ns" -o json)
mapfile -t before_status < <(before status status app-0000 -n bench-cli-status)
hf get "${before_get[@]}" -n "kubectl-app get (binary)" "$kapp get applications -n $get_ns" \
  -n "kubectl app get (plugin via kubectl)" "kubectl app get applications -n $get_ns" \
  -n "kubectl get applications" "kubectl get applications -n $get_ns"
log "hyperfine: get -o json"
hf json "${before_json[@]}" -n "kubectl-app get -o json (binary)" "$kapp get applications -n $get_ns -o json" \
  -n "kubectl get applications -o json" "kubectl get applications -n $get_ns -o json"
log "hyperfine: status"
hf status "${before_status[@]}" -n "kubectl-app status (binary)" "$kapp status app-0000 -n bench-cli-status" \
  -n "kubectl app status (plugin via kubectl)" "kubectl app status app-0000 -n bench-cli-status" \
  -n "kubectl get (the same objects)" \
  "kubectl get -n bench-cli-status applications,deployments,services,networkpolicies,events"
# Every request of one run at -v=6, with the time the client waited for its answer (kubectl's
# round_trippers line, our "GET URL HTTP/2 200 in N milliseconds"); the GETs of named objects
# of one resource in one row, with their count and their times added.
requests() {
  local label=$1
  shift
  "$@" -v=6 2>&1 >/dev/null | python3 -c '
import re, sys
label, rows = sys.argv[1], []
for line in sys.stdin:
    m = re.search(r"GET (\S+) HTTP/\S+ (\d+) in (\d+) milliseconds", line) or \
        re.search(r"verb=\"GET\" url=\"([^\"]+)\" status=\"(\d+)[^\"]*\" milliseconds=(\d+)", line)
    if not m:
        continue
    path = re.sub(r"^https://[^/]+", "", m.group(1))
    path = re.sub(r"continue=[^&]+", "continue=…", path)
    named = re.match(r"(.*/namespaces/[^/?]+/[^/?]+)/[^/?]+$", path)
    key = named.group(1) + "/NAME" if named else path
    same = [r for r in rows if named and r[0] == key and r[1] == m.group(2)]
    if same:
        same[0][2] += int(m.group(3))
        same[0][3] += 1
    else:
        rows.append([key, m.group(2), int(m.group(3)), 1])
for path, status, ms, n in rows:
    print("| %s | `%s`%s | %s | %d |" % (label, path, " ×%d" % n if n > 1 else "", status, ms))
' "$label"
}
log "requests at -v=6"
{
  printf '| command | request | status | ms |\n|:---|:---|---:|---:|\n'
  requests '`kubectl get applications`' kubectl get applications -n "$get_ns"
  requests '`kubectl get applications -o json`' kubectl get applications -n "$get_ns" -o json
  requests '`kubectl-app get applications`' "$kapp" get applications -n "$get_ns"
  requests '`kubectl-app get applications -A`' "$kapp" get applications -A
  requests '`kubectl-app get applications -o json`' "$kapp" get applications -n "$get_ns" -o json
  requests '`kubectl-app status app-0000`' "$kapp" status app-0000 -n bench-cli-status
  if [[ -n $baseline ]]; then
    requests '`kubectl-app get applications` (baseline)' "$baseline" get applications -n "$get_ns"
    requests '`kubectl-app status app-0000` (baseline)' "$baseline" status app-0000 -n bench-cli-status
  fi
} >"$work/requests.md"
{
  printf '# kubectl app against kubectl on the same objects\n\n'
  printf 'hyperfine %s, %s runs after 2 warm-ups, %s; load average %s at the start, %s at the end (%s cores).\n\n' \
    "$(hyperfine --version | cut -d' ' -f2)" "$runs" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$load_start" "$(cut -d' ' -f1-3 /proc/loadavg)" "$(nproc)"
  printf '## `get` over 1,000 Applications (4 components each, status %s)\n\n' "$get_status"
  cat "$work/get.md"
  printf '\n## `get -o json` of the same 1,000 Applications (whole objects)\n\n'
  cat "$work/json.md"
  printf '\n## `status` of one Application of 12 components (36 children, 12 pods, its Events)\n\n'
  cat "$work/status.md"
  printf '\n## The requests, one run each at -v=6 (ms: until the answer was read)\n\n'
  cat "$work/requests.md"
} >"$out"
log "wrote $out"
