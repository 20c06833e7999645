#!/usr/bin/env bash
# Run N replicas of Activation Lab behind HAProxy on this machine, without Docker:
# the topology of deploy/compose.yaml with the same deploy/haproxy.cfg.
#
#   deploy/replicas.sh N PORT
#
# starts N `streamlit run dashboard.py` processes on 127.0.0.1 (ports PORT+1 ..
# PORT+N, or $REPLICA_PORTS), waits until each answers /_stcore/health, starts
# HAProxy on $ADDRESS:PORT, hands it the replicas' addresses through its admin
# socket, waits until HAProxy's health checks see every replica up, and prints
# "ready: <url>". It then runs until HAProxy stops or it gets SIGINT/SIGTERM/SIGHUP,
# and stops every process it started on the way out. A replica that dies is
# reported and not restarted: HAProxy sends its sessions to the others.
#
# Environment:
#   ADDRESS        where HAProxy listens (default 0.0.0.0: the students' machines)
#   REPLICA_PORTS  the replicas' ports, space-separated (default PORT+1 .. PORT+N)
#   RUN_DIR        logs, pid files, the admin socket and a `ready` file
#                  (default: a new directory under ${TMPDIR:-/tmp}); kept after exit
#   PYTHON         the Python that has requirements.txt installed (default python3)
#   HAPROXY        the HAProxy binary (default haproxy; Debian: apt-get install haproxy)
#   STARTUP_TIMEOUT  seconds to wait for the replicas and HAProxy (default 120)
set -euo pipefail

usage() { echo "usage: $0 N PORT   (N replicas behind HAProxy listening on PORT)" >&2; exit 2; }
[ $# -eq 2 ] || usage
N=$1
PORT=$2
[[ $N =~ ^[1-9][0-9]*$ ]] && [ "$N" -le 64 ] || { echo "N must be 1..64, got '$N'" >&2; exit 2; }
[[ $PORT =~ ^[1-9][0-9]*$ ]] && [ "$PORT" -le 65535 ] || { echo "PORT must be 1..65535, got '$PORT'" >&2; exit 2; }

DEPLOY=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$DEPLOY")
CFG="$DEPLOY/haproxy.cfg"
ADDRESS=${ADDRESS:-0.0.0.0}
PYTHON=${PYTHON:-python3}
HAPROXY=${HAPROXY:-haproxy}
STARTUP_TIMEOUT=${STARTUP_TIMEOUT:-120}

if ! command -v "$HAPROXY" >/dev/null 2>&1; then
  echo "HAProxy not found ('$HAPROXY'); on Debian/Ubuntu: apt-get install haproxy" >&2
  exit 3
fi

if [ -n "${REPLICA_PORTS:-}" ]; then
  read -r -a PORTS <<<"$REPLICA_PORTS"
  [ "${#PORTS[@]}" -eq "$N" ] || { echo "REPLICA_PORTS lists ${#PORTS[@]} ports for $N replicas" >&2; exit 2; }
else
  PORTS=()
  for ((k = 1; k <= N; k++)); do PORTS+=($((PORT + k))); done
fi

RUN_DIR=${RUN_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/activation-lab-replicas.XXXXXX")}
mkdir -p "$RUN_DIR"
RUN_DIR=$(cd "$RUN_DIR" && pwd)
SOCKET="$RUN_DIR/haproxy.sock"
rm -f "$RUN_DIR/ready" "$SOCKET"

REPLICA_PIDS=()
HAPROXY_PID=""

cleanup() {
  local status=$?
  trap - EXIT INT TERM HUP
  rm -f "$RUN_DIR/ready"
  local pids=()
  [ -n "$HAPROXY_PID" ] && pids+=("$HAPROXY_PID")
  pids+=("${REPLICA_PIDS[@]}")
  if [ "${#pids[@]}" -gt 0 ]; then
    kill -TERM "${pids[@]}" 2>/dev/null || true
    for _ in $(seq 50); do
      local alive=0
      for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
      [ "$alive" -eq 0 ] && break
      sleep 0.2
    done
    kill -KILL "${pids[@]}" 2>/dev/null || true
    wait 2>/dev/null || true
  fi
  rm -f "$SOCKET"
  echo "stopped (logs in $RUN_DIR)" >&2
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# `http_ok URL`: true when URL answers 200.
http_ok() {
  "$PYTHON" -c 'import sys, urllib.request
try:
    sys.exit(0 if urllib.request.urlopen(sys.argv[1], timeout=2).status == 200 else 1)
except Exception:
    sys.exit(1)' "$1"
}

# `admin COMMAND`: send one command to HAProxy's admin socket and print the answer.
admin() {
  "$PYTHON" -c 'import socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(5)
s.connect(sys.argv[1])
s.sendall(sys.argv[2].encode() + b"\n")
out = b""
while chunk := s.recv(65536):
    out += chunk
sys.stdout.write(out.decode())' "$SOCKET" "$1"
}

cd "$ROOT"
for ((k = 1; k <= N; k++)); do
  p=${PORTS[k - 1]}
  "$PYTHON" -m streamlit run dashboard.py \
    --server.address 127.0.0.1 --server.port "$p" \
    --server.headless true --server.fileWatcherType none \
    >"$RUN_DIR/replica-$k.log" 2>&1 &
  REPLICA_PIDS+=($!)
  echo "$!" >"$RUN_DIR/replica-$k.pid"
  echo "$p" >"$RUN_DIR/replica-$k.port"
  echo "replica app$k: pid $!, http://127.0.0.1:$p" >&2
done

deadline=$((SECONDS + STARTUP_TIMEOUT))
for ((k = 1; k <= N; k++)); do
  until http_ok "http://127.0.0.1:${PORTS[k - 1]}/_stcore/health"; do
    if ! kill -0 "${REPLICA_PIDS[k - 1]}" 2>/dev/null; then
      echo "replica app$k exited during start-up; see $RUN_DIR/replica-$k.log" >&2
      exit 1
    fi
    [ "$SECONDS" -lt "$deadline" ] || { echo "replica app$k not healthy after ${STARTUP_TIMEOUT}s" >&2; exit 1; }
    sleep 0.5
  done
done

REPLICAS=$N BIND="$ADDRESS:$PORT" STATS_SOCKET="$SOCKET" \
  "$HAPROXY" -db -f "$CFG" >"$RUN_DIR/haproxy.log" 2>&1 &
HAPROXY_PID=$!
echo "$HAPROXY_PID" >"$RUN_DIR/haproxy.pid"
until [ -S "$SOCKET" ]; do
  kill -0 "$HAPROXY_PID" 2>/dev/null || { echo "HAProxy exited; see $RUN_DIR/haproxy.log" >&2; cat "$RUN_DIR/haproxy.log" >&2; exit 1; }
  [ "$SECONDS" -lt "$deadline" ] || { echo "HAProxy did not open $SOCKET" >&2; exit 1; }
  sleep 0.1
done

# Fill the template's slots (haproxy.cfg starts them in maintenance).
for ((k = 1; k <= N; k++)); do
  admin "set server replicas/app$k addr 127.0.0.1 port ${PORTS[k - 1]}" >/dev/null
  admin "set server replicas/app$k state ready" >/dev/null
done
# Wait for HAProxy's own health checks to pass on every replica.
until [ "$(admin "show stat" | awk -F, '$1 == "replicas" && $2 ~ /^app[0-9]+$/ && $18 == "UP"' | wc -l)" -eq "$N" ]; do
  kill -0 "$HAPROXY_PID" 2>/dev/null || { echo "HAProxy exited; see $RUN_DIR/haproxy.log" >&2; exit 1; }
  [ "$SECONDS" -lt "$deadline" ] || { echo "HAProxy does not see every replica up:" >&2; admin "show stat" >&2; exit 1; }
  sleep 0.2
done

URL_HOST=$ADDRESS
[ "$URL_HOST" = "0.0.0.0" ] && URL_HOST=127.0.0.1
echo "http://$URL_HOST:$PORT" >"$RUN_DIR/ready"
echo "ready: http://$URL_HOST:$PORT  ($N replicas; run directory $RUN_DIR)"

# Run until HAProxy stops; report replicas that die (HAProxy routes around them).
declare -A REPORTED=()
while kill -0 "$HAPROXY_PID" 2>/dev/null; do
  wait -n || true
  for ((k = 1; k <= N; k++)); do
    if [ -z "${REPORTED[$k]:-}" ] && ! kill -0 "${REPLICA_PIDS[k - 1]}" 2>/dev/null; then
      REPORTED[$k]=1
      echo "replica app$k (pid ${REPLICA_PIDS[k - 1]}) exited; HAProxy sends its sessions to the others" >&2
    fi
  done
done
echo "HAProxy exited; see $RUN_DIR/haproxy.log" >&2
exit 1
