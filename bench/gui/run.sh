#!/usr/bin/env bash
# The GUI benchmark: memory and launch-to-first-frame time of the runtime's Settings window
# (bench-runtime-window: the real RtxApplication with its runtime, server, keyring and tray,
# KEYS keys in the list) against a bare AdwPreferencesWindow program with the same rows
# (bench-bare-preferences-window), both on the same Xvfb with the same GSK renderer, runs
# alternating. Prints a Markdown table of medians and the ratios.
#   bench/gui/run.sh            (RUNS=7 KEYS=10 RENDERERS="cairo gl")
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${RTX_BUILD_DIR:-$root/build}"

if [ "${RTX_TEST_SESSION:-}" != 1 ]; then
  exec "$root/tools/with-test-session" "$0" "$@"
fi

runs="${RUNS:-7}"
keys="${KEYS:-10}"
renderers="${RENDERERS:-cairo gl}"
data="$(mktemp -d)"
trap 'rm -rf "$data"' EXIT
export GSETTINGS_BACKEND=memory GSETTINGS_SCHEMA_DIR="$build/data" GTK_A11Y=none NO_AT_BRIDGE=1
export KEYS="$keys"

for i in $(seq "$keys"); do
  "$build/src/realtimex-runtime" keys create --name "Key $i" --data-dir "$data" >/dev/null
done

# One measured launch: prints "first_frame_ms rss_kb hwm_kb cpu_ms".
measure() {
  local renderer="$1"; shift
  RTX_BENCH_LAUNCH_US="$(date +%s%6N)" GSK_RENDERER="$renderer" timeout 120 "$@" 2>/dev/null \
    | sed -n 's/^first_frame_ms=\([0-9.]*\) cpu_ms=\([0-9]*\) rss_kb=\([0-9]*\) hwm_kb=\([0-9]*\)$/\1 \3 \4 \2/p'
}

median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

echo "| renderer | program | first frame, wall (ms) | CPU until first frame (ms) | RSS (MB) | peak RSS (MB) |"
echo "| --- | --- | ---: | ---: | ---: | ---: |"
for renderer in $renderers; do
  : >"$data/bare.txt"; : >"$data/runtime.txt"
  for i in $(seq "$runs"); do
    # Alternate which goes first, so neither always meets a warmer cache.
    if [ $((i % 2)) -eq 0 ]; then
      measure "$renderer" "$build/bench/gui/bench-bare-preferences-window" >>"$data/bare.txt"
      measure "$renderer" "$build/bench/gui/bench-runtime-window" "$data" >>"$data/runtime.txt"
    else
      measure "$renderer" "$build/bench/gui/bench-runtime-window" "$data" >>"$data/runtime.txt"
      measure "$renderer" "$build/bench/gui/bench-bare-preferences-window" >>"$data/bare.txt"
    fi
  done
  for prog in bare runtime; do
    t="$(cut -d' ' -f1 "$data/$prog.txt" | median)"
    r="$(cut -d' ' -f2 "$data/$prog.txt" | median)"
    h="$(cut -d' ' -f3 "$data/$prog.txt" | median)"
    c="$(cut -d' ' -f4 "$data/$prog.txt" | median)"
    printf '%s %s %s %s %s %s\n' "$renderer" "$prog" "$t" "$r" "$h" "$c" >>"$data/summary.txt"
    printf '| %s | %s | %.0f | %.0f | %.1f | %.1f |\n' "$renderer" \
      "$([ "$prog" = bare ] && echo 'bare AdwPreferencesWindow' || echo 'RealTimeX Runtime')" \
      "$t" "$c" "$(echo "$r / 1024" | bc -l)" "$(echo "$h / 1024" | bc -l)"
  done
done

echo
echo "| renderer | RSS ratio (runtime / bare) | first-frame ratio, wall | CPU ratio | runs |"
echo "| --- | ---: | ---: | ---: | ---: |"
for renderer in $renderers; do
  read -r _ _ bt br _ bc < <(grep "^$renderer bare " "$data/summary.txt")
  read -r _ _ rt rr _ rc < <(grep "^$renderer runtime " "$data/summary.txt")
  printf '| %s | %.2f | %.2f | %.2f | %s |\n' "$renderer" "$(echo "$rr / $br" | bc -l)" \
    "$(echo "$rt / $bt" | bc -l)" "$(echo "$rc / $bc" | bc -l)" "$runs"
done
