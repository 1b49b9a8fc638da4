#!/usr/bin/env bash
# The demo behind `make demo` (which builds first): brings up the local control plane of
# `make cluster` (or reuses the running one), installs the CRDs, (re)starts the controller in
# the background, creates samples/shop.yaml and shows the application converging until it is
# Running, then samples/links.yaml (two namespaces and an AppLink) until the link is Ready.
#
#   hack/demo.sh          # run the demo (again: every step is idempotent)
#   hack/demo.sh stop     # stop the demo's controller (make cluster-down / demo-down call it)
#
# Environment: BUILD_DIR (build), CLUSTER_DIR (.cluster), DEMO_TIMEOUT (seconds to wait for
# Running, default 120). The controller logs to CLUSTER_DIR/logs/controller.log; its pid is
# kept in CLUSTER_DIR/pids/controller.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly ROOT
BUILD=${BUILD_DIR:-build}
[[ $BUILD == /* ]] || BUILD=$ROOT/$BUILD
readonly BIN=$BUILD/kubectl-app
CLUSTER=$(realpath -m "${CLUSTER_DIR:-$ROOT/.cluster}")
readonly CLUSTER
readonly KUBECONFIG_FILE=$CLUSTER/kubeconfig
readonly PID_FILE=$CLUSTER/pids/controller
readonly LOG_FILE=$CLUSTER/logs/controller.log
readonly SAMPLE=samples/shop.yaml  # relative to ROOT, the working directory
readonly NS=demo APP=shop
readonly LINKS_SAMPLE=samples/links.yaml LINK_NS=team-a LINK=web-to-payments
readonly TIMEOUT=${DEMO_TIMEOUT:-120}

fail() {
  printf 'demo: error: %s\n' "$*" >&2
  exit 1
}
step() { printf '\n==> %s\n' "$*"; }

# kubectl app, against the demo cluster (printed so the commands can be tried by hand).
kapp() { "$BIN" --kubeconfig "$KUBECONFIG_FILE" "$@"; }
show() {
  printf '$ kubectl app %s\n' "$*"
  kapp "$@"
}

# The pid in PID_FILE is still our controller (its command line names this cluster's
# kubeconfig), not an unrelated process that reused the pid.
controller_pid() {
  local pid cmdline
  pid=$(cat "$PID_FILE" 2>/dev/null) || return 1
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  cmdline=$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline") || return 1
  [[ $cmdline == *run-controller*"$KUBECONFIG_FILE"* ]] || return 1
  printf '%s\n' "$pid"
}

stop_controller() {
  local pid deadline
  if ! pid=$(controller_pid); then
    rm -f "$PID_FILE"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$((SECONDS + 15))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    printf 'demo: controller (pid %s) ignored TERM for 15s; killing it\n' "$pid" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$PID_FILE"
  printf 'demo: stopped the controller (pid %s)\n' "$pid" >&2
}

# Detached in its own session so it outlives `make` and a Ctrl-C there; loopback ports picked
# by the kernel, so it clashes neither with other clusters nor with a `make run`.
start_controller() {
  mkdir -p "$(dirname "$PID_FILE")" "$(dirname "$LOG_FILE")"
  : >"$LOG_FILE"
  setsid "$BIN" run-controller --kubeconfig "$KUBECONFIG_FILE" \
    --metrics-bind-address 127.0.0.1:0 --health-probe-bind-address 127.0.0.1:0 \
    </dev/null >>"$LOG_FILE" 2>&1 &
  echo $! >"$PID_FILE"
  local port='' deadline=$((SECONDS + 30))
  until [[ -n $port ]] && curl -fsS --max-time 2 "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; do
    controller_pid >/dev/null || fail "the controller exited at start: $(tail -n 1 "$LOG_FILE")"
    ((SECONDS < deadline)) || fail "the controller was not ready within 30s; see $LOG_FILE"
    port=$(sed -n 's|.*serving /healthz and /readyz on port \([0-9]*\).*|\1|p' "$LOG_FILE" | tail -n 1)
    sleep 0.2
  done
  printf 'controller running (pid %s, /readyz on 127.0.0.1:%s), logs in %s\n' \
    "$(cat "$PID_FILE")" "$port" "$LOG_FILE"
}

WATCHER=''
stop_watcher() {
  [[ -n $WATCHER ]] || return 0
  kill "$WATCHER" 2>/dev/null || true
  wait "$WATCHER" 2>/dev/null || true
  WATCHER=''
}
trap stop_watcher EXIT

# Follows the application with `get --watch` (one table row per change) until its phase is
# Running or Failed, or the deadline passes; then shows its status tree.
wait_running() {
  local fifo line phase='' left rc deadline=$((SECONDS + TIMEOUT))
  fifo=$(mktemp -u "${TMPDIR:-/tmp}/kubectl-app-demo.XXXXXX")
  mkfifo "$fifo"
  printf '$ kubectl app get application %s -n %s --watch\n' "$APP" "$NS"
  "$BIN" --kubeconfig "$KUBECONFIG_FILE" get application "$APP" -n "$NS" --watch >"$fifo" &
  WATCHER=$!
  exec 3<"$fifo"
  rm -f "$fifo"
  while :; do
    left=$((deadline - SECONDS))
    ((left > 0)) || { phase=timeout; break; }
    IFS= read -r -t "$left" line <&3 && rc=0 || rc=$?
    if ((rc > 128)); then phase=timeout; break; fi
    ((rc == 0)) || { phase=ended; break; }
    printf '[%3ds] %s\n' $((SECONDS - START)) "$line"
    read -r _ phase _ <<<"$line"
    [[ $phase == Running || $phase == Failed ]] && break
  done
  exec 3<&-
  stop_watcher
  case $phase in
    Running) echo && show status "$APP" -n "$NS" ;;
    Failed)
      show status "$APP" -n "$NS" || true
      fail "$NS/$APP failed (see the status above and $LOG_FILE)"
      ;;
    timeout) fail "$NS/$APP is not Running after ${TIMEOUT}s; see 'kubectl app status $APP -n $NS' and $LOG_FILE" ;;
    *) fail "watching $NS/$APP stopped before it was Running (see the error above)" ;;
  esac
}

# Polls (with the demo's deadline) until an object's status.phase is one of WANTED; prints it.
wait_phase() {
  local kind=$1 name=$2 ns=$3 wanted=$4 deadline=$((SECONDS + TIMEOUT)) phase=""
  while ((SECONDS < deadline)); do
    phase=$(kapp get "$kind" "$name" -n "$ns" -o json 2>/dev/null |
      sed -n 's/^ *"phase": "\([A-Za-z]*\)".*/\1/p' | tail -1) || true
    [[ " $wanted Failed " == *" $phase "* ]] && break
    sleep 0.5
  done
  printf '%s\n' "${phase:-none}"
}

# The links sample: both applications Running and the AppLink Ready, then both ends' status.
wait_link_ready() {
  local phase app
  for app in team-a/shop team-b/payments; do
    phase=$(wait_phase application "${app#*/}" "${app%/*}" Running)
    [[ $phase == Running ]] || fail "$app is not Running (phase $phase); see $LOG_FILE"
  done
  phase=$(wait_phase applink "$LINK" "$LINK_NS" Ready)
  show get applinks -n "$LINK_NS" -o wide
  [[ $phase == Ready ]] || fail "$LINK_NS/$LINK is not Ready (phase $phase); see 'kubectl app status shop -n $LINK_NS' and $LOG_FILE"
  echo
  show status payments -n team-b
}

run_demo() {
  START=$SECONDS
  cd "$ROOT"
  [[ -x $BIN ]] || fail "$BIN not found; run 'make demo' (or 'make build')"

  step "the local control plane in $CLUSTER"
  # A controller left from an earlier run goes first: up.sh may replace a broken cluster.
  stop_controller 2>/dev/null
  "$ROOT/tests/cluster/up.sh" "$CLUSTER" || fail "the local control plane did not come up (see above)"
  show version

  step "install the CRDs"
  show install
  printf '$ kubectl get crd -l app.kubernetes.io/managed-by=kubectl-app\n'
  kubectl --kubeconfig "$KUBECONFIG_FILE" get crd -l app.kubernetes.io/managed-by=kubectl-app

  step "run the controller in the background (as 'kubectl app run-controller')"
  start_controller

  step "create the sample application ($SAMPLE)"
  show create -f "$SAMPLE"

  step "wait until $NS/$APP is Running (at most ${TIMEOUT}s)"
  wait_running

  step "two teams and a link between them ($LINKS_SAMPLE)"
  show create -f "$LINKS_SAMPLE"
  wait_link_ready
  echo
  show graph -A

  step "the applications"
  show get applications -A
  echo
  show get -n "$NS"

  local down='make demo-down'
  [[ $CLUSTER == "$ROOT/.cluster" ]] || down+=" CLUSTER_DIR=$CLUSTER"
  cat <<EOF

Done in $((SECONDS - START))s. The cluster and the controller stay up:
  export KUBECONFIG=$KUBECONFIG_FILE PATH=$(dirname "$BIN"):\$PATH
  kubectl app status $APP -n $NS; kubectl get kubectl-app -A; kubectl get all -n $NS
Controller logs: $LOG_FILE. Stop everything with '$down'.
EOF
}

case ${1:-run} in
  run) run_demo ;;
  stop) stop_controller ;;
  *) fail "unknown command \"$1\"; use: $0 [run|stop]" ;;
esac
