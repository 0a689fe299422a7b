#!/usr/bin/env bash
# Throughput and latency of GET /api/v1/auth with a valid key, against the bare libsoup server of
# bench/bare-server.c answering the same body, in the same run: wrk -t1 -c50, ROUNDS rounds of
# DURATION seconds each, alternating the two servers. Prints one line per run and the medians.
# With PIN=1 (and at least two CPUs), both servers run on CPU 0 and wrk on CPU 1, so that the
# client and the server under test do not take turns on one CPU: on a 2-CPU machine the
# scheduler's choices otherwise swing a round by ±30%.
# Usage: [PIN=1] bench/run-throughput.sh [BUILD_DIR] [DURATION] [ROUNDS]
set -euo pipefail
BUILD=${1:-build}
DURATION=${2:-10}
ROUNDS=${3:-3}
RUNTIME=$BUILD/src/realtimex-runtime
BARE=$BUILD/bench/bench-bare-server

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_200() { for _ in $(seq 200); do [ "$(curl -s -o /dev/null -w '%{http_code}' "$@")" = 200 ] && return 0; sleep 0.05; done; return 1; }

SERVER_CPU=(); CLIENT_CPU=()
if [ "${PIN:-0}" = 1 ] && [ "$(nproc)" -ge 2 ]; then
  SERVER_CPU=(taskset -c 0); CLIENT_CPU=(taskset -c 1)
fi

KEY=$("$RUNTIME" keys --data-dir "$work" create --name bench 2>/dev/null)
# Two free ports, told apart: the kernel may hand out the same one twice in a row, and then one
# server fails to bind while the other answers for both.
P_RT=$(free_port); P_BARE=$(free_port)
while [ "$P_BARE" = "$P_RT" ]; do P_BARE=$(free_port); done
"${SERVER_CPU[@]}" "$RUNTIME" --data-dir "$work" --port "$P_RT" > /dev/null 2>&1 & PID_RT=$!; pids+=($PID_RT)
"${SERVER_CPU[@]}" "$BARE" "$P_BARE" > /dev/null 2>&1 & PID_BARE=$!; pids+=($PID_BARE)
wait_200 -H "Authorization: Bearer $KEY" "http://127.0.0.1:$P_RT/api/v1/auth"
wait_200 "http://127.0.0.1:$P_BARE/api/v1/auth"
# The runtime, and not some other server, answers on its port: it refuses a request without a key.
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$P_RT/api/v1/auth")" = 403 ] ||
  { echo "port $P_RT is not the runtime's" >&2; exit 1; }
kill -0 "$PID_RT" && kill -0 "$PID_BARE" || { echo "a server did not start" >&2; exit 1; }

# CPU time (user + system) of a process, in clock ticks.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
TICK_US=$(( 1000000 / $(getconf CLK_TCK) ))

# Prints "requests/s p99_ms non2xx cpu_us_per_request" for one wrk run against the server PID.
run_wrk() {
  local pid=$1 url=$2; shift 2
  local before after
  before=$(cpu_ticks "$pid")
  "${CLIENT_CPU[@]}" wrk -t1 -c50 -d"${DURATION}s" --latency "$@" "$url" > "$work/wrk.out"
  after=$(cpu_ticks "$pid")
  awk -v ticks=$((after - before)) -v tick_us="$TICK_US" '
    /requests in/ { n = $1 }
    /Requests\/sec:/ { rps = $2 }
    /^ +99%/ { v = $2; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v) } else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 } p99 = v }
    /Non-2xx/ { bad = $NF }
    END { printf "%s %s %s %.2f\n", rps, p99, bad + 0, ticks * tick_us / n }' "$work/wrk.out"
}

echo "round server rps p99_ms non2xx cpu_us_per_request"
: > "$work/bare"; : > "$work/rt"
for round in $(seq "$ROUNDS"); do
  read -r rps p99 bad cpu < <(run_wrk "$PID_BARE" "http://127.0.0.1:$P_BARE/api/v1/auth")
  echo "$round bare $rps $p99 $bad $cpu"; echo "$rps $p99 $cpu" >> "$work/bare"
  read -r rps p99 bad cpu < <(run_wrk "$PID_RT" "http://127.0.0.1:$P_RT/api/v1/auth" \
                                -H "Authorization: Bearer $KEY")
  echo "$round runtime $rps $p99 $bad $cpu"; echo "$rps $p99 $cpu" >> "$work/rt"
done

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
b_rps=$(cut -d' ' -f1 "$work/bare" | median); r_rps=$(cut -d' ' -f1 "$work/rt" | median)
b_p99=$(cut -d' ' -f2 "$work/bare" | median); r_p99=$(cut -d' ' -f2 "$work/rt" | median)
b_cpu=$(cut -d' ' -f3 "$work/bare" | median); r_cpu=$(cut -d' ' -f3 "$work/rt" | median)
echo "median bare:    $b_rps req/s, p99 $b_p99 ms, $b_cpu µs CPU per request"
echo "median runtime: $r_rps req/s, p99 $r_p99 ms, $r_cpu µs CPU per request"
awk -v r="$r_rps" -v b="$b_rps" 'BEGIN { printf "throughput ratio runtime/bare: %.2f\n", r / b }'
awk -v r="$r_cpu" -v b="$b_cpu" 'BEGIN { printf "CPU-per-request ratio bare/runtime: %.2f\n", b / r }'
