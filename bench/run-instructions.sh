#!/usr/bin/env bash
# Instructions executed per request (valgrind callgrind's Ir count, which the machine's load
# does not change) for GET /api/v1/auth with a valid key, against the bare libsoup server of
# bench/bare-server.c. Each server runs under callgrind; after a 5 s warm-up its counters are
# zeroed, wrk -t1 -c10 drives it for DURATION seconds, and the counters are dumped and divided
# by the requests answered. Extra runtimes (e.g. a build of an older commit) are measured the
# same way, for a before/after.
# Usage: bench/run-instructions.sh [BUILD_DIR] [DURATION] [OTHER_RUNTIME...]
set -euo pipefail
BUILD=${1:-build}
DURATION=${2:-20}
shift $(( $# > 2 ? 2 : $# ))
RUNTIMES=("$BUILD/src/realtimex-runtime" "$@")
BARE=$BUILD/bench/bench-bare-server

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_200() { for _ in $(seq 1800); do [ "$(curl -s -o /dev/null -w '%{http_code}' "$@")" = 200 ] && return 0; sleep 0.1; done; echo "no 200 from $*" >&2; return 1; }

KEY=$("${RUNTIMES[0]}" keys --data-dir "$work" create --name bench 2>/dev/null)

# Prints the instructions per request of one server: measure NAME URL COMMAND...
measure() {
  local name=$1 url=$2; shift 2
  local tag=${name//[^A-Za-z0-9]/_}
  local out="$work/cg.$tag" pid total n
  valgrind --tool=callgrind --callgrind-out-file="$out" "$@" > "$work/log.$tag" 2>&1 & pid=$!
  pids+=("$pid")
  wait_200 -H "Authorization: Bearer $KEY" "$url"
  wrk -t1 -c10 -d5s -H "Authorization: Bearer $KEY" "$url" > /dev/null
  callgrind_control -z "$pid" > /dev/null 2>&1
  n=$(wrk -t1 -c10 -d"${DURATION}s" -H "Authorization: Bearer $KEY" "$url" | awk '/requests in/ { print $1 }')
  callgrind_control -d "$pid" > /dev/null 2>&1
  total=$(callgrind_annotate "$out".1 2>/dev/null | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }')
  kill "$pid"
  awk -v name="$name" -v t="$total" -v n="$n" \
    'BEGIN { printf "%s: %d requests, %.1f k instructions per request\n", name, n, t / n / 1000 }'
}

P=$(free_port)
measure bare "http://127.0.0.1:$P/api/v1/auth" "$BARE" "$P"
for runtime in "${RUNTIMES[@]}"; do
  P=$(free_port)
  measure "$runtime" "http://127.0.0.1:$P/api/v1/auth" "$runtime" --data-dir "$work" --port "$P"
done
