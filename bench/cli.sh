#!/usr/bin/env bash
# The CLI side by side with kubectl on the same objects (hyperfine), on the cluster of
# $KUBECONFIG (bench/compare.sh runs it on its own control plane):
#   - `kubectl app get` over 1,000 Applications against `kubectl get applications`;
#   - `kubectl app status` of a 12-component Application (reconciled by kubectl-app's
#     controller) against one `kubectl get` of the same objects.
#
#   KUBECONFIG=... KAPP_BIN=build/kubectl-app bench/cli.sh OUT.md
#
# The 1,000 Applications have no controller (4,000 pods are not what is measured): their
# status is written once through the status subresource, so the columns are filled.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
peers=$(cd "$root/../shared/peers" && pwd)
out=${1:?usage: bench/cli.sh OUT.md}
kapp=$(realpath "${KAPP_BIN:-$root/build/kubectl-app}")
: "${KUBECONFIG:?set KUBECONFIG to the cluster to use}"
runs=${CLI_RUNS:-10}
work=$(mktemp -d /tmp/kapp-cli.XXXXXX)
controller=''
cleanup() {
  [[ -n $controller ]] && kill "$controller" 2>/dev/null || true
  kubectl delete namespace bench-cli-get bench-cli-status --ignore-not-found --timeout=300s >/dev/null 2>&1 || true
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
bench.write_apps_file("bench-cli-get", 1000, 4, work + "/apps.yaml")
with open(work + "/status.yaml", "w") as f:
    for i in range(1000):
        app = bench.application(i, "bench-cli-get", 4)
        comps = [{"name": c["name"], "source": "Inline", "workload": "Deployment", "phase": "Running",
                  "replicas": 1, "readyReplicas": 1} for c in app["spec"]["components"]]
        f.write("---\n" + json.dumps({"apiVersion": app["apiVersion"], "kind": app["kind"],
                                      "metadata": app["metadata"],
                                      "status": {"phase": "Running", "observedGeneration": 1, "ready": "4/4",
                                                 "componentCount": 4, "components": comps}}) + "\n")
bench.write_apps_file("bench-cli-status", 1, 12, work + "/app12.yaml")
PY

log "1,000 Applications"
kubectl create namespace bench-cli-get >/dev/null
kubectl apply --server-side -f "$work/apps.yaml" >/dev/null
kubectl apply --server-side --subresource=status -f "$work/status.yaml" >/dev/null
[[ $("$kapp" get applications -n bench-cli-get -o name | wc -l) == 1000 ]] ||
  { log "kubectl app get did not list 1,000 Applications"; exit 1; }

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
log "hyperfine: get"
hf get -n "kubectl-app get (binary)" "$kapp get applications -n bench-cli-get" \
  -n "kubectl app get (plugin via kubectl)" "kubectl app get applications -n bench-cli-get" \
  -n "kubectl get applications" "kubectl get applications -n bench-cli-get"
log "hyperfine: status"
hf status -n "kubectl-app status (binary)" "$kapp status app-0000 -n bench-cli-status" \
  -n "kubectl app status (plugin via kubectl)" "kubectl app status app-0000 -n bench-cli-status" \
  -n "kubectl get (the same objects)" \
  "kubectl get -n bench-cli-status applications,deployments,services,networkpolicies,events"
{
  printf '# kubectl app against kubectl on the same objects\n\n'
  printf 'hyperfine %s, %s runs after 2 warm-ups, same control plane as the controller table; %s; load average %s.\n\n' \
    "$(hyperfine --version | cut -d' ' -f2)" "$runs" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(cut -d' ' -f1-3 /proc/loadavg)"
  printf '## `get` over 1,000 Applications (4 components each, status filled)\n\n'
  cat "$work/get.md"
  printf '\n## `status` of one Application of 12 components (36 children, 12 pods, its Events)\n\n'
  cat "$work/status.md"
} >"$out"
log "wrote $out"
