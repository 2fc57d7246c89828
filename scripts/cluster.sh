#!/usr/bin/env bash
# A 3-node Committed cluster on this machine, for trying failover, catch-up and membership by hand.
#
#   scripts/cluster.sh start     # nodes 1-3: API on :8081-:8083, replication on :9021-:9023
#   scripts/cluster.sh status    # which nodes run, and each one's view of the cluster
#   scripts/cluster.sh stop      # SIGTERM to the nodes this script started (graceful), then waits
#   scripts/cluster.sh kill N    # kill -9 node N (to watch the others elect a new leader)
#   scripts/cluster.sh start N   # start node N again (it catches up from the others)
#   scripts/cluster.sh join N    # add node N (4-9) as a learner, start it, wait for it to catch up, promote it
#   scripts/cluster.sh remove N  # remove node N from the group, then stop it
#
# Files live under CLUSTER_DIR (default ./cluster): nodeN/ is node N's COMMITTED_DATA_DIR,
# nodeN.log its output, nodeN.pid its process id. The script only ever signals process ids it
# wrote itself, and checks that each still is a Committed node before signalling it.
# Builds the node first when committed-server/target/committed-server.jar is missing.
# Set COMMITTED_API_TOKEN (and other COMMITTED_* variables) in the environment to pass them on.
# CLUSTER_API_BASE and CLUSTER_RAFT_BASE (default 8080 and 9020) move the ports: node N uses base + N.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="${CLUSTER_DIR:-$PWD/cluster}"
api_base="${CLUSTER_API_BASE:-8080}"
raft_base="${CLUSTER_RAFT_BASE:-9020}"
api_port() { echo $((api_base + $1)); }
raft_port() { echo $((raft_base + $1)); }
peers="1=127.0.0.1:$(raft_port 1),2=127.0.0.1:$(raft_port 2),3=127.0.0.1:$(raft_port 3)"
jar="$root/committed-server/target/committed-server.jar"
auth=()
if [ -n "${COMMITTED_API_TOKEN:-}" ]; then
  auth=(-H "Authorization: Bearer $COMMITTED_API_TOKEN")
fi

running() { # pid of node $1 when it runs, else nothing
  local f="$dir/node$1.pid" pid
  [ -f "$f" ] || return 0
  pid="$(cat "$f")"
  if kill -0 "$pid" 2>/dev/null \
      && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qE 'committed-node\.sh|committed-server\.jar|io\.committed\.server\.Main'; then
    echo "$pid"
  fi
}

nodes() { # the ids of the nodes this script knows: 1-3 and any that joined
  local n
  for n in 1 2 3 4 5 6 7 8 9; do
    if [ "$n" -le 3 ] || [ -e "$dir/node$n.pid" ] || [ -d "$dir/node$n" ]; then echo "$n"; fi
  done
}

start_node() { # id [join]
  local n="$1" extra=()
  if [ -n "$(running "$n")" ]; then
    echo "node $n already runs (pid $(running "$n"))"
    return
  fi
  if [ "$n" -le 3 ]; then
    extra=(COMMITTED_PEERS="$peers")
  else
    extra=(COMMITTED_JOIN=true) # it starts with no members and waits to be added
  fi
  mkdir -p "$dir/node$n"
  env COMMITTED_NODE_ID="$n" COMMITTED_API_ADDR="127.0.0.1:$(api_port "$n")" COMMITTED_DATA_DIR="$dir/node$n" \
    COMMITTED_PEER_URL="127.0.0.1:$(raft_port "$n")" COMMITTED_ENGINE=raft "${extra[@]}" \
    nohup "$root/scripts/committed-node.sh" >>"$dir/node$n.log" 2>&1 &
  echo $! >"$dir/node$n.pid"
  echo "node $n: pid $!, API http://127.0.0.1:$(api_port "$n"), log $dir/node$n.log"
}

await_ready() { # nodes...: until each answers /ready (it knows a leader and has applied what it knows), or 120 s
  local deadline=$((SECONDS + 120)) n
  for n in "$@"; do
    until curl -fsS "http://127.0.0.1:$(api_port "$n")/ready" >/dev/null 2>&1; do
      if [ -z "$(running "$n")" ]; then echo "node $n exited: see $dir/node$n.log" >&2; return 1; fi
      if [ "$SECONDS" -ge "$deadline" ]; then echo "node $n was not ready within 120 s: see $dir/node$n.log" >&2; return 1; fi
      sleep 0.5
    done
    echo "node $n: ready, $(curl -fsS "${auth[@]}" "http://127.0.0.1:$(api_port "$n")/v1/cluster/status" 2>/dev/null \
      | sed -n 's/.*"role":"\([a-z]*\)".*"leaderId":\([0-9-]*\).*/\1, leader node \2/p')"
  done
}

api() { # node method path [json]: prints the answer; fails on an error status, printing it
  local n="$1" method="$2" path="$3" out code
  out="$(mktemp)"
  if [ -n "${4:-}" ]; then
    code="$(curl -sS -o "$out" -w '%{http_code}' -X "$method" "${auth[@]}" -H 'Content-Type: application/json' \
      -d "$4" "http://127.0.0.1:$(api_port "$n")$path")"
  else
    code="$(curl -sS -o "$out" -w '%{http_code}' -X "$method" "${auth[@]}" "http://127.0.0.1:$(api_port "$n")$path")"
  fi
  cat "$out"
  rm -f "$out"
  [ "${code:0:1}" = 2 ] || { echo " ($method $path on node $n: HTTP $code)" >&2; return 1; }
}

member() { # a running member among nodes 1-3 that answers
  local n
  for n in 1 2 3; do
    if [ -n "$(running "$n")" ] && curl -fsS "http://127.0.0.1:$(api_port "$n")/health" >/dev/null 2>&1; then
      echo "$n"
      return
    fi
  done
  echo "no node of 1-3 runs: scripts/cluster.sh start" >&2
  return 1
}

last_index() { # node: its lastIndex, or nothing
  api "$1" GET /v1/cluster/status 2>/dev/null | sed -n 's/.*"lastIndex":\([0-9]*\).*/\1/p'
}

stop_all() {
  local n pid pids=()
  for n in $(nodes); do
    pid="$(running "$n")"
    if [ -n "$pid" ]; then
      kill -TERM "$pid"
      pids+=("$pid")
      echo "node $n: SIGTERM sent to pid $pid"
    fi
    rm -f "$dir/node$n.pid"
  done
  for pid in "${pids[@]}"; do
    while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
  done
  echo "stopped"
}

case "${1:-}" in
  start)
    if [ ! -f "$jar" ]; then
      (cd "$root" && mvn -B -ntp -q -pl committed-server -am -DskipTests package)
    fi
    mkdir -p "$dir"
    if [ -n "${2:-}" ]; then
      start_node "$2"
      await_ready "$2"
    else
      for n in 1 2 3; do start_node "$n"; done
      await_ready 1 2 3
    fi
    ;;
  stop) stop_all ;;
  kill)
    n="${2:?usage: cluster.sh kill N}"
    pid="$(running "$n")"
    if [ -z "$pid" ]; then echo "node $n does not run" >&2; exit 1; fi
    kill -KILL "$pid"
    echo "node $n: killed (pid $pid)"
    ;;
  join)
    n="${2:?usage: cluster.sh join N (4-9)}"
    case "$n" in [4-9]) ;; *) echo "join takes a new node id from 4 to 9" >&2; exit 2 ;; esac
    if [ -n "$(ls -A "$dir/node$n" 2>/dev/null)" ]; then
      echo "$dir/node$n has files from before: a joining node starts empty (rm -rf it first)" >&2
      exit 1
    fi
    m="$(member)"
    echo "node $n: added as a learner through node $m"
    api "$m" POST /v1/membership "{\"id\":$n,\"url\":\"127.0.0.1:$(raft_port "$n")\",\"learner\":true}"
    start_node "$n"
    target="$(last_index "$m")"
    target="${target:-0}"
    deadline=$((SECONDS + 120))
    until [ "$(last_index "$n")" -ge "$target" ] 2>/dev/null; do
      if [ "$SECONDS" -ge "$deadline" ]; then echo "node $n did not catch up within 120 s: see $dir/node$n.log" >&2; exit 1; fi
      sleep 0.5
    done
    echo "node $n: caught up to index $target; promoting it to a voter"
    api "$m" POST "/v1/membership/$n/promote"
    api "$m" GET /v1/membership
    echo
    ;;
  remove)
    n="${2:?usage: cluster.sh remove N}"
    m="$(member)"
    api "$m" DELETE "/v1/membership/$n"
    echo "node $n: removed from the group"
    pid="$(running "$n")"
    if [ -n "$pid" ]; then
      kill -TERM "$pid"
      while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
      echo "node $n: stopped (its files stay in $dir/node$n)"
    fi
    rm -f "$dir/node$n.pid"
    ;;
  status)
    for n in $(nodes); do
      pid="$(running "$n")"
      if [ -n "$pid" ]; then
        echo "node $n: pid $pid $(api "$n" GET /v1/cluster/status 2>/dev/null || echo '(not answering)')"
      else
        echo "node $n: not running"
      fi
    done
    ;;
  *)
    sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
