#!/usr/bin/env bash
# Brings up a real, small Kubernetes control plane on loopback for tests:
# etcd, kube-apiserver (TLS, RBAC, token user), kube-controller-manager,
# kube-scheduler and kwok (fake nodes that make pods Running and Ready).
#
#   tests/cluster/up.sh STATE_DIR      # e.g. /tmp/c1; stop with down.sh STATE_DIR
#
# Everything lives in STATE_DIR (see README.md for the layout and the env file).
# Ports are chosen free at start, so several clusters can run side by side.
# Progress goes to stderr; stdout stays empty.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly SCRIPT_DIR
readonly CONTEXT=kubectl-app-test
readonly READY_TIMEOUT=${READY_TIMEOUT:-120}
readonly NODES=(kwok-node-0 kwok-node-1)
# Pods each kwok node takes. The benchmarks raise it (bench/compare.sh: 4,000 pods at N=1,000).
readonly NODE_PODS=${KWOK_NODE_PODS:-250}
# Client-side rate limit of kube-controller-manager and kube-scheduler; empty keeps their
# defaults (20/30 and 50/100 requests per second). The benchmarks raise it so that these
# clients, not the controllers measured, stop being what bounds convergence.
readonly COMPONENT_QPS=${CONTROL_PLANE_CLIENT_QPS:-}
# GOGC of the daemons (etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok);
# empty keeps Go's default of 100. The benchmarks set 400: on two cores the control plane, not
# the controller measured, bounds convergence, and a tenth of kube-apiserver's CPU went to its
# garbage collector (bench/README.md).
readonly DAEMON_GOGC=${CONTROL_PLANE_GOGC:-}
# Extra flags for kube-controller-manager, split on spaces: e.g. to see what its garbage
# collector does, KCM_EXTRA_FLAGS='--v=2 --vmodule=garbagecollector=6,graph_builder=6'.
read -r -a KCM_EXTRA <<<"${KCM_EXTRA_FLAGS:-}"
readonly KCM_EXTRA
# The same for kube-apiserver: e.g. APISERVER_EXTRA_FLAGS=--profiling=true serves
# /debug/pprof (where its CPU goes under a benchmark's load).
read -r -a APISERVER_EXTRA <<<"${APISERVER_EXTRA_FLAGS:-}"
readonly APISERVER_EXTRA
# AUDIT_LOG=1: the API server writes an audit log (JSON lines, one per request past its
# authentication, at the Metadata level: who, what, when, the answer's code; reads other than
# watches left out) to STATE_DIR/logs/audit.log.
readonly AUDIT_LOG=${AUDIT_LOG:-0}
# PersistentVolumes in the static pool (create_volumes); the benchmarks, which claim none, set 0.
readonly PV_COUNT=${PV_COUNT:-40}
readonly SERVICE_CIDR=10.96.0.0/16
readonly SERVICE_IP=10.96.0.1
# Started in this order, stopped in reverse by down.sh.
readonly DAEMONS=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok)
readonly MARKER=.kubectl-app-cluster

START_US=${EPOCHREALTIME//[!0-9]/}
STATE='' BIN='' PKI='' LOGS='' PIDS=''
ETCD_PORT='' ETCD_PEER_PORT='' API_PORT='' KCM_PORT='' SCHED_PORT=''
CURRENT_DAEMON=''   # whose log to show if a step fails
CRD_ARGS=()         # -f FILE for each upstream CRD
SUCCEEDED=0

log() {
  local ms=$(((${EPOCHREALTIME//[!0-9]/} - START_US) / 1000))
  printf '[up %3d.%ds] %s\n' $((ms / 1000)) $((ms % 1000 / 100)) "$*" >&2
}

# Prints the reason and the tail of the daemon log that explains it, then exits;
# the EXIT trap stops whatever was started.
fail() {
  log "FAILED: $1"
  local daemon=${2:-$CURRENT_DAEMON}
  if [[ -n $daemon && -f $LOGS/$daemon.log ]]; then
    printf '%s\n' "---- last 40 lines of $LOGS/$daemon.log ----" >&2
    tail -n 40 "$LOGS/$daemon.log" >&2
    printf '%s\n' "----" >&2
  fi
  if [[ $daemon == kube-apiserver && -f $LOGS/readyz.last ]]; then
    printf '%s\n' "---- failing /readyz checks ----" >&2
    grep -v '^\[+\]' "$LOGS/readyz.last" >&2 || true
  fi
  exit 1
}

on_exit() {
  local rc=$?
  ((SUCCEEDED)) && return
  [[ -n $STATE && -f $STATE/$MARKER ]] || exit "$rc"
  log "stopping what was started; logs are kept in $LOGS (remove with: $SCRIPT_DIR/down.sh $STATE)"
  KEEP_CLUSTER_LOGS=1 "$SCRIPT_DIR/down.sh" "$STATE" >&2 || true
  exit "$((rc == 0 ? 1 : rc))"
}

alive() {
  local pid
  pid=$(cat "$PIDS/$1" 2>/dev/null) || return 1
  kill -0 "$pid" 2>/dev/null
}

# Polls "$@" until it succeeds; gives up at the deadline or as soon as the
# daemon we wait for has exited (no point waiting for a dead process).
wait_for() {
  local what=$1 timeout=$2
  shift 2
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if [[ -n $CURRENT_DAEMON ]] && ! alive "$CURRENT_DAEMON"; then
      fail "$CURRENT_DAEMON exited while waiting for $what"
    fi
    ((SECONDS < deadline)) || fail "timed out after ${timeout}s waiting for $what"
    sleep 0.2
  done
}

# kubectl as cluster admin.
kc() { kubectl --kubeconfig "$STATE/kubeconfig" --request-timeout=20s "$@"; }

api_ready() {
  curl -fsS --max-time 5 --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" \
    "https://127.0.0.1:$API_PORT/readyz" >/dev/null
}

# An earlier up.sh left a complete cluster whose daemons all run and answer.
already_running() {
  [[ -f $STATE/env && -f $STATE/$MARKER ]] || return 1
  local d
  for d in "${DAEMONS[@]}"; do alive "$d" || return 1; done
  API_PORT=$(sed -n 's/^APISERVER_PORT=//p' "$STATE/env")
  api_ready
}

prepare_state_dir() {
  if [[ -e $STATE && ! -f $STATE/$MARKER ]] && [[ -n $(ls -A "$STATE" 2>/dev/null) ]]; then
    fail "$STATE exists, is not empty and was not created by up.sh; refusing to use it"
  fi
  if [[ -f $STATE/$MARKER ]]; then
    log "$STATE holds a stopped or broken cluster; cleaning it up and starting fresh"
    "$SCRIPT_DIR/down.sh" "$STATE" >&2
    rm -rf "$STATE"
  fi
  mkdir -p "$STATE" "$PKI" "$LOGS" "$PIDS" "$STATE/cmds" "$STATE/etcd" "$STATE/components"
  chmod 700 "$STATE"
  : >"$STATE/$MARKER"
}

# Free loopback ports, outside the kernel's ephemeral range (32768+) so that
# outgoing connections of the starting daemons cannot take them first. A port
# is free here when it binds and no other up.sh reserved it in the last 120s
# (the registry closes the gap between choosing a port and a daemon binding it
# when several clusters start at once).
pick_ports() {
  local ports
  ports=$(python3 - "${TMPDIR:-/tmp}/kubectl-app-ports-$(id -u)" <<'EOF'
import fcntl, random, socket, sys, time
registry, now, ttl = sys.argv[1], time.time(), 120
with open(registry, "a+") as f:
    fcntl.flock(f, fcntl.LOCK_EX)
    f.seek(0)
    held = {}
    for line in f:
        port, _, until = line.partition(" ")
        if until.strip() and float(until) > now:
            held[int(port)] = float(until)
    ports = []
    while len(ports) < 5:
        p = random.randint(20000, 32000)
        if p in ports or p in held:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", p))
            except OSError:
                continue
        ports.append(p)
    held.update((p, now + ttl) for p in ports)
    f.seek(0)
    f.truncate()
    f.writelines(f"{p} {u}\n" for p, u in held.items())
print(*ports)
EOF
  ) || fail "choosing free ports"
  read -r ETCD_PORT ETCD_PEER_PORT API_PORT KCM_PORT SCHED_PORT <<<"$ports"
  log "ports: etcd $ETCD_PORT (peer $ETCD_PEER_PORT), apiserver $API_PORT, controller-manager $KCM_PORT, scheduler $SCHED_PORT"
}

# ---- PKI ----------------------------------------------------------------

new_ec_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

# new_ca NAME CN: self-signed CA key + certificate.
new_ca() {
  local name=$1 cn=$2
  new_ec_key "$PKI/$name.key"
  openssl req -new -key "$PKI/$name.key" -subj "/CN=$cn" -out "$PKI/$name.csr" 2>/dev/null
  openssl x509 -req -in "$PKI/$name.csr" -signkey "$PKI/$name.key" -days 3650 -sha256 \
    -set_serial "0x$(openssl rand -hex 12)" -out "$PKI/$name.crt" -extfile <(printf '%s\n' \
      'basicConstraints=critical,CA:TRUE' 'keyUsage=critical,keyCertSign,cRLSign,digitalSignature' \
      'subjectKeyIdentifier=hash') 2>/dev/null
  rm -f "$PKI/$name.csr"
}

# sign NAME SUBJECT EXTENSIONS [CA]: key + certificate signed by CA (default: the cluster CA).
sign() {
  local name=$1 subj=$2 ext=$3 ca=${4:-ca}
  new_ec_key "$PKI/$name.key"
  openssl req -new -key "$PKI/$name.key" -subj "$subj" -out "$PKI/$name.csr" 2>/dev/null
  openssl x509 -req -in "$PKI/$name.csr" -CA "$PKI/$ca.crt" -CAkey "$PKI/$ca.key" \
    -set_serial "0x$(openssl rand -hex 12)" -days 365 -sha256 \
    -extfile <(printf '%s\n' "$ext") -out "$PKI/$name.crt" 2>/dev/null
  rm -f "$PKI/$name.csr"
}

client_ext() {
  printf '%s\n' 'basicConstraints=critical,CA:FALSE' 'keyUsage=critical,digitalSignature' \
    'extendedKeyUsage=clientAuth'
}

make_pki() {
  new_ca ca kubectl-app-test-ca

  sign apiserver "/CN=kube-apiserver" "$(printf '%s\n' 'basicConstraints=critical,CA:FALSE' \
    'keyUsage=critical,digitalSignature' 'extendedKeyUsage=serverAuth' \
    "subjectAltName=IP:127.0.0.1,IP:::1,IP:$SERVICE_IP,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local")"
  # system:masters bypasses RBAC: the admin of the test cluster.
  sign admin "/O=system:masters/CN=admin" "$(client_ext)"
  # The components get the identities their bootstrap RBAC roles are bound to.
  sign kube-controller-manager "/CN=system:kube-controller-manager" "$(client_ext)"
  sign kube-scheduler "/CN=system:kube-scheduler" "$(client_ext)"
  # Request-header (front proxy) authentication: nothing here proxies, but
  # without it the controller-manager and scheduler log errors about the
  # missing requestheader CA forever, and aggregated APIs would not work.
  new_ca front-proxy-ca kubectl-app-test-front-proxy-ca
  sign front-proxy-client "/CN=front-proxy-client" "$(client_ext)" front-proxy-ca

  # Service account tokens are signed with this pair (RSA: the common choice).
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$PKI/sa.key" 2>/dev/null
  openssl pkey -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null

  # The static-token user: random per cluster, no RBAC bindings (tests grant
  # what they need), so it demonstrates denials.
  openssl rand -hex 32 | tr -d '\n' >"$STATE/tester.token"
  printf '%s,tester,tester-uid,"testers"\n' "$(cat "$STATE/tester.token")" >"$PKI/tokens.csv"
  chmod 600 "$PKI"/*.key "$STATE/tester.token" "$PKI/tokens.csv"
  log "PKI written to $PKI"
}

b64() { base64 -w0 <"$1"; }

# write_kubeconfig FILE USER-YAML: a one-context kubeconfig for this cluster,
# with the CA inline so the file stays valid when copied elsewhere.
write_kubeconfig() {
  local file=$1 user=$2
  cat >"$file" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: $CONTEXT
  cluster:
    server: https://127.0.0.1:$API_PORT
    certificate-authority-data: $(b64 "$PKI/ca.crt")
contexts:
- name: $CONTEXT
  context:
    cluster: $CONTEXT
    user: ${user%%:*}
current-context: $CONTEXT
users:
- name: ${user%%:*}
  user:
${user#*:}
EOF
  chmod 600 "$file"
}

cert_user() {
  printf '%s:    client-certificate-data: %s\n    client-key-data: %s' \
    "$1" "$(b64 "$PKI/$2.crt")" "$(b64 "$PKI/$2.key")"
}

write_kubeconfigs() {
  write_kubeconfig "$STATE/kubeconfig" "$(cert_user admin admin)"
  write_kubeconfig "$STATE/tester.kubeconfig" "tester:    token: $(cat "$STATE/tester.token")"
  local c
  for c in kube-controller-manager kube-scheduler; do
    write_kubeconfig "$STATE/components/$c.kubeconfig" "$(cert_user "$c" "$c")"
  done
}

# ---- daemons -------------------------------------------------------------

# Detached in its own session (setsid), so it outlives this script and a
# Ctrl-C here does not reach it; down.sh stops it by the pid file.
start_daemon() {
  local name=$1
  shift
  CURRENT_DAEMON=$name
  local env=()
  [[ -z $DAEMON_GOGC ]] || env=(GOGC="$DAEMON_GOGC")
  setsid env "${env[@]}" "$@" </dev/null >"$LOGS/$name.log" 2>&1 &
  echo $! >"$PIDS/$name"
  # The command line, NUL-separated, so a fault test can start the daemon again as it was.
  printf '%s\0' "$@" >"$STATE/cmds/$name"
}

start_etcd() {
  # No fsync and a short raft log: test data needs no durability, and this
  # keeps etcd fast and small on slow disks.
  start_daemon etcd "$BIN/etcd" --name=default --data-dir="$STATE/etcd" \
    --listen-client-urls="http://127.0.0.1:$ETCD_PORT" --advertise-client-urls="http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster="default=http://127.0.0.1:$ETCD_PEER_PORT" --initial-cluster-state=new \
    --unsafe-no-fsync=true --snapshot-count=10000
  wait_for "etcd /health" "$READY_TIMEOUT" etcd_healthy
  log "etcd ready"
}

etcd_healthy() {
  local health
  health=$(curl -fsS --max-time 2 "http://127.0.0.1:$ETCD_PORT/health") && [[ $health == *'"health":"true"'* ]]
}

# The policy of AUDIT_LOG=1: every request but get and list, without bodies.
write_audit_policy() {
  cat >"$STATE/components/audit-policy.yaml" <<'EOF'
apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
- level: None
  verbs: [get, list]
- level: Metadata
EOF
}

start_apiserver() {
  local audit=()
  if [[ $AUDIT_LOG == 1 ]]; then
    write_audit_policy
    audit=(--audit-policy-file="$STATE/components/audit-policy.yaml"
      --audit-log-path="$LOGS/audit.log" --audit-log-format=json --audit-log-mode=blocking)
  fi
  # --endpoint-reconciler-type=none: loopback addresses are not valid
  # Endpoints, and nothing here routes to the kubernetes Service anyway.
  start_daemon kube-apiserver "$BIN/kube-apiserver" \
    --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
    --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$API_PORT" \
    --endpoint-reconciler-type=none \
    --cert-dir="$STATE/components/apiserver" \
    --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" \
    --client-ca-file="$PKI/ca.crt" --token-auth-file="$PKI/tokens.csv" \
    --requestheader-client-ca-file="$PKI/front-proxy-ca.crt" --requestheader-allowed-names=front-proxy-client \
    --requestheader-username-headers=X-Remote-User --requestheader-group-headers=X-Remote-Group \
    --requestheader-extra-headers-prefix=X-Remote-Extra- \
    --proxy-client-cert-file="$PKI/front-proxy-client.crt" --proxy-client-key-file="$PKI/front-proxy-client.key" \
    --authorization-mode=Node,RBAC \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$PKI/sa.pub" --service-account-signing-key-file="$PKI/sa.key" \
    --service-cluster-ip-range="$SERVICE_CIDR" \
    --allow-privileged=true --profiling=false "${audit[@]}" "${APISERVER_EXTRA[@]}"
  wait_for "kube-apiserver /readyz" "$READY_TIMEOUT" api_ready_or_explain
  log "kube-apiserver ready at https://127.0.0.1:$API_PORT"
}

# Keeps the latest verbose /readyz answer so a timeout shows which check hangs.
api_ready_or_explain() {
  api_ready && return 0
  curl -sS --max-time 5 --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" \
    "https://127.0.0.1:$API_PORT/readyz?verbose" >"$LOGS/readyz.last" 2>&1 || true
  return 1
}

# Both use client certificates with their own identities; leader election is
# off because each cluster has exactly one of each. A StatefulSet's pod often
# meets its claim still unbound ("pod has unbound immediate
# PersistentVolumeClaims") and waits in the scheduler's unschedulable pool for
# the claim's update to requeue it. Should that requeue be missed (a suspect,
# not a proven cause, of one CI failure; upstream kubernetes#87145), the
# scheduler retries once the pod has waited
# --pod-max-in-unschedulable-pods-duration (5 min by default, longer than a
# test waits), checked every 30 s: 15 s (a deprecated flag, still served by
# 1.33) bounds that stall to 45 s. The benchmarks' pods claim no volumes.
start_controllers() {
  local kcm_kc="$STATE/components/kube-controller-manager.kubeconfig"
  local sched_kc="$STATE/components/kube-scheduler.kubeconfig"
  local qps=()
  [[ -n $COMPONENT_QPS ]] && qps=(--kube-api-qps="$COMPONENT_QPS" --kube-api-burst="$((2 * COMPONENT_QPS))")
  start_daemon kube-controller-manager "$BIN/kube-controller-manager" "${qps[@]}" \
    --kubeconfig="$kcm_kc" --authentication-kubeconfig="$kcm_kc" --authorization-kubeconfig="$kcm_kc" \
    --bind-address=127.0.0.1 --secure-port="$KCM_PORT" --cert-dir="$STATE/components/controller-manager" \
    --leader-elect=false --use-service-account-credentials=true \
    --service-account-private-key-file="$PKI/sa.key" --root-ca-file="$PKI/ca.crt" \
    --cluster-signing-cert-file="$PKI/ca.crt" --cluster-signing-key-file="$PKI/ca.key" \
    --cluster-name="$CONTEXT" --service-cluster-ip-range="$SERVICE_CIDR" --profiling=false \
    "${KCM_EXTRA[@]}"
  start_daemon kube-scheduler "$BIN/kube-scheduler" "${qps[@]}" \
    --kubeconfig="$sched_kc" --authentication-kubeconfig="$sched_kc" --authorization-kubeconfig="$sched_kc" \
    --bind-address=127.0.0.1 --secure-port="$SCHED_PORT" --cert-dir="$STATE/components/scheduler" \
    --leader-elect=false --profiling=false --pod-max-in-unschedulable-pods-duration=15s
  CURRENT_DAEMON=kube-controller-manager
  wait_for "kube-controller-manager /healthz" "$READY_TIMEOUT" healthz "$KCM_PORT"
  CURRENT_DAEMON=kube-scheduler
  wait_for "kube-scheduler /healthz" "$READY_TIMEOUT" healthz "$SCHED_PORT"
  log "kube-controller-manager and kube-scheduler healthy"
}

healthz() { curl -fsSk --max-time 2 "https://127.0.0.1:$1/healthz" >/dev/null; }

# Fake nodes with room for plenty of pods; kwok manages the ones annotated
# kwok.x-k8s.io/node=fake and plays its default stages on them and their pods.
create_nodes() {
  local n
  for n in "${NODES[@]}"; do
    cat <<EOF
---
apiVersion: v1
kind: Node
metadata:
  name: $n
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: "0"
  labels:
    type: kwok
    kubernetes.io/hostname: $n
    kubernetes.io/os: linux
    kubernetes.io/arch: amd64
    kubernetes.io/role: agent
    node-role.kubernetes.io/agent: ""
status:
  capacity: {cpu: "32", memory: 256Gi, pods: "$NODE_PODS", ephemeral-storage: 500Gi}
  allocatable: {cpu: "32", memory: 256Gi, pods: "$NODE_PODS", ephemeral-storage: 500Gi}
EOF
  done >"$STATE/components/nodes.yaml"
  CURRENT_DAEMON=kube-apiserver
  kc create -f "$STATE/components/nodes.yaml" >/dev/null || fail "creating the kwok nodes"
}

# No storage provisioner runs here: a pool of PersistentVolumes (no storage class, so claims
# without one bind to them statically) lets StatefulSets with volume claims start.
create_volumes() {
  local i
  ((PV_COUNT > 0)) || return 0
  for i in $(seq 0 $((PV_COUNT - 1))); do
    cat <<EOF
---
apiVersion: v1
kind: PersistentVolume
metadata:
  name: pv-$i
  labels: {kubectl-app.io/test-volume: "true"}
spec:
  capacity: {storage: 10Gi}
  accessModes: [ReadWriteOnce, ReadOnlyMany, ReadWriteMany]
  persistentVolumeReclaimPolicy: Retain
  storageClassName: ""
  hostPath: {path: /tmp/kubectl-app-pv-$i}
EOF
  done >"$STATE/components/volumes.yaml"
  kc create -f "$STATE/components/volumes.yaml" >/dev/null || fail "creating the PersistentVolumes"
}

start_kwok() {
  # KWOK_WORKDIR keeps kwok from reading a user's ~/.kwok/kwok.yaml. A non-zero
  # lease duration makes kwok renew node leases like a kubelet; with the
  # default 0 it neither renews them nor heartbeats often (its default stage
  # then waits 10 minutes), so the node controller flips the nodes NotReady
  # every ~40s (seen with v0.7.0).
  KWOK_WORKDIR="$STATE/components/kwok" start_daemon kwok "$BIN/kwok" \
    --kubeconfig="$STATE/kubeconfig" \
    --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
    --node-lease-duration-seconds=40 --cidr=10.244.0.1/16
}

# ---- cluster contents ------------------------------------------------------

crd_dir() {
  local shared=${SHARED_DIR:-}
  if [[ -z $shared ]]; then
    local top
    top=$(git -C "$SCRIPT_DIR" rev-parse --show-toplevel 2>/dev/null) || top=$(cd "$SCRIPT_DIR/../.." && pwd)
    shared="$top/../shared"
  fi
  printf '%s/fixtures/upstream-crds' "$shared"
}

# Resolved before anything starts, so a missing folder fails in a second.
find_crds() {
  local dir f
  dir=$(crd_dir)
  for f in "$dir"/*.yaml; do
    [[ -f $f ]] && CRD_ARGS+=(-f "$f")
  done
  ((${#CRD_ARGS[@]})) || fail "no CRDs found in $dir (set SHARED_DIR to the folder holding fixtures/upstream-crds)"
}

install_crds() {
  local names
  CURRENT_DAEMON=kube-apiserver
  # Server-side apply: the Prometheus CRD is too large for the last-applied annotation.
  names=$(kc apply --server-side --force-conflicts -o name "${CRD_ARGS[@]}") ||
    fail "applying the CRDs"
  # Polled rather than `kubectl wait`, which errors out on a CRD whose status
  # has no conditions yet (the usual state right after creation).
  # shellcheck disable=SC2086 # one argument per CRD name
  wait_for "the CRDs to be established" "$READY_TIMEOUT" crds_established $names
  log "CRDs established: $(printf '%s\n' "$names" | sed 's|.*/||' | paste -sd' ')"
}

crds_established() {
  local status
  status=$(kc get "$@" -o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="Established")].status}{" "}{end}')
  [[ $(grep -o True <<<"$status" | wc -l) -eq $# ]]
}

wait_cluster_ready() {
  CURRENT_DAEMON=kube-controller-manager
  wait_for "the default ServiceAccount" "$READY_TIMEOUT" kc -n default get serviceaccount default
  log "default namespace and ServiceAccount present"
  CURRENT_DAEMON=kwok
  wait_for "kwok nodes Ready" "$READY_TIMEOUT" nodes_ready
  log "nodes Ready: ${NODES[*]}"
}

nodes_ready() {
  local n
  for n in "${NODES[@]}"; do
    [[ $(kc get node "$n" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}') == True ]] || return 1
  done
}

write_env() {
  {
    printf '# Written by tests/cluster/up.sh; shell-sourceable (set -a; . env; set +a).\n'
    local kv
    for kv in \
      "STATE_DIR=$STATE" \
      "KUBECONFIG=$STATE/kubeconfig" \
      "KUBE_CONTEXT=$CONTEXT" \
      "APISERVER_URL=https://127.0.0.1:$API_PORT" \
      "APISERVER_PORT=$API_PORT" \
      "CA_FILE=$PKI/ca.crt" \
      "ADMIN_CERT_FILE=$PKI/admin.crt" \
      "ADMIN_KEY_FILE=$PKI/admin.key" \
      "TESTER_KUBECONFIG=$STATE/tester.kubeconfig" \
      "TESTER_TOKEN_FILE=$STATE/tester.token" \
      "TESTER_USER=tester" \
      "TESTER_GROUP=testers" \
      "ETCD_URL=http://127.0.0.1:$ETCD_PORT" \
      "ETCD_CLIENT_PORT=$ETCD_PORT" \
      "ETCD_PEER_PORT=$ETCD_PEER_PORT" \
      "CONTROLLER_MANAGER_PORT=$KCM_PORT" \
      "SCHEDULER_PORT=$SCHED_PORT" \
      "KWOK_NODES=$(IFS=,; echo "${NODES[*]}")" \
      "BIN_DIR=$BIN" \
      "LOG_DIR=$LOGS"; do
      printf '%s=%q\n' "${kv%%=*}" "${kv#*=}"
    done
  } >"$STATE/env"
}

main() {
  [[ $# -eq 1 && -n $1 ]] || { echo "usage: $0 STATE_DIR" >&2; exit 2; }
  local tool
  for tool in kubectl openssl curl python3 setsid; do
    command -v "$tool" >/dev/null || { echo "up.sh: $tool not found in PATH" >&2; exit 1; }
  done
  STATE=$(realpath -m "$1")
  PKI=$STATE/pki LOGS=$STATE/logs PIDS=$STATE/pids
  if already_running; then
    log "a healthy cluster is already running in $STATE (KUBECONFIG=$STATE/kubeconfig)"
    SUCCEEDED=1
    return 0
  fi
  trap on_exit EXIT
  trap 'log "interrupted"; exit 130' INT TERM
  log "starting a test cluster in $STATE"
  find_crds
  BIN=$("$SCRIPT_DIR/build-binaries.sh") || fail "building the control plane binaries"
  log "binaries: $BIN"
  prepare_state_dir
  pick_ports
  make_pki
  write_kubeconfigs
  start_etcd
  start_apiserver
  start_controllers
  create_nodes
  create_volumes
  start_kwok
  install_crds
  wait_cluster_ready
  write_env
  SUCCEEDED=1
  log "cluster ready: export KUBECONFIG=$STATE/kubeconfig (context $CONTEXT); stop with $SCRIPT_DIR/down.sh $STATE"
}

main "$@"
