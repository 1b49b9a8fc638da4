#!/usr/bin/env bash
# Stops a test cluster started by up.sh and removes its STATE_DIR.
#
#   tests/cluster/down.sh STATE_DIR
#
# Keeps the directory (logs, certificates, kubeconfigs; not the etcd data) when
# KEEP_CLUSTER_LOGS=1 or STATE_DIR/keep exists, e.g. after a failed test.
# Succeeds when the cluster is already down or STATE_DIR does not exist.
set -euo pipefail

# Reverse start order: clients of the API server first, etcd last.
readonly STOP_ORDER=(kwok kube-scheduler kube-controller-manager kube-apiserver etcd)
readonly STOP_TIMEOUT=${STOP_TIMEOUT:-15}
readonly MARKER=.kubectl-app-cluster

log() { printf 'down: %s\n' "$*" >&2; }

# The pid still belongs to a daemon of this cluster (every daemon's command
# line names a path in STATE_DIR), not to an unrelated process that reused it.
ours() {
  local pid=$1 state=$2 cmdline
  cmdline=$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline") || return 1
  [[ $cmdline == *"$state/"* ]]
}

# TERM, then KILL after the deadline.
stop_one() {
  local name=$1 pidfile=$2 state=$3 pid deadline
  pid=$(cat "$pidfile" 2>/dev/null) || return 0
  [[ $pid =~ ^[0-9]+$ ]] || { rm -f "$pidfile"; return 0; }
  if ! ours "$pid" "$state"; then
    rm -f "$pidfile"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$((SECONDS + STOP_TIMEOUT))
  while ours "$pid" "$state" && ((SECONDS < deadline)); do
    sleep 0.1
  done
  if ours "$pid" "$state"; then
    log "$name (pid $pid) ignored TERM for ${STOP_TIMEOUT}s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
    while ours "$pid" "$state"; do sleep 0.1; done
  fi
  rm -f "$pidfile"
  log "stopped $name (pid $pid)"
}

main() {
  [[ $# -eq 1 && -n $1 ]] || { echo "usage: $0 STATE_DIR" >&2; exit 2; }
  local state name
  state=$(realpath -m "$1")
  if [[ ! -d $state ]]; then
    log "$state does not exist; nothing to stop"
    return 0
  fi
  if [[ ! -f $state/$MARKER ]]; then
    log "$state was not created by up.sh; leaving it alone"
    return 0
  fi
  for name in "${STOP_ORDER[@]}"; do
    stop_one "$name" "$state/pids/$name" "$state"
  done
  if [[ ${KEEP_CLUSTER_LOGS:-0} == 1 || -e $state/keep ]]; then
    # The etcd data is large and useless once the cluster is gone.
    rm -rf "$state/etcd"
    log "kept $state (logs in $state/logs)"
  else
    rm -rf "$state"
    log "removed $state"
  fi
}

main "$@"
