#!/usr/bin/env bash
# System calls per request of GET /api/v1/auth with a valid key, for the runtime and for the bare
# libsoup server of bench/bare-server.c: strace -c attached to each server while wrk -t1 -c1
# drives it for 2 s. Counts, not times, so the machine's load does not change them (the request
# counts under strace do depend on it).
# Usage: bench/syscalls-per-request.sh [BUILD_DIR]
set -euo pipefail
BUILD=${1:-build}
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_up() { for _ in $(seq 100); do curl -s -o /dev/null "$1" && return 0; sleep 0.1; done; return 1; }

KEY=$("$BUILD/src/realtimex-runtime" keys --data-dir "$work" create --name bench 2>/dev/null)
P_RT=$(free_port); P_BARE=$(free_port)
while [ "$P_BARE" = "$P_RT" ]; do P_BARE=$(free_port); done
"$BUILD/src/realtimex-runtime" --data-dir "$work" --port "$P_RT" > /dev/null 2>&1 & PID_RT=$!; pids+=($PID_RT)
"$BUILD/bench/bench-bare-server" "$P_BARE" > /dev/null 2>&1 & PID_BARE=$!; pids+=($PID_BARE)
wait_up "http://127.0.0.1:$P_RT/api/ping"; wait_up "http://127.0.0.1:$P_BARE/api/ping"

measure() {
  local name=$1 pid=$2 url=$3; shift 3
  local n sp
  wrk -t1 -c1 -d1s "$@" "$url" > /dev/null
  strace -f -c -p "$pid" -o "$work/strace.$name" & sp=$!
  sleep 0.5
  n=$(wrk -t1 -c1 -d2s "$@" "$url" | awk '/requests in/ { print $1 }')
  kill -INT "$sp"; wait "$sp" 2>/dev/null || true
  awk -v name="$name" -v n="$n" '
    NR > 2 && $NF ~ /^[a-z_0-9]+$/ && $NF != "total" && $4 / n >= 0.01 { calls = calls sprintf(" %s %.2f", $NF, $4 / n); total += $4 }
    END { printf "%s: %d requests in 2 s; %.2f system calls per request:%s\n", name, n, total / n, calls }' "$work/strace.$name"
}

measure bare "$PID_BARE" "http://127.0.0.1:$P_BARE/api/v1/auth"
measure runtime "$PID_RT" "http://127.0.0.1:$P_RT/api/v1/auth" -H "Authorization: Bearer $KEY"
