#!/usr/bin/env bash
# Measurements of the documents issue (bench/RESULTS.md). Run from the source tree after
# ./tools/test (or ./tools/run) has built build/:
#   bench/rag-bench.sh [tune|quality|ingest|search|ping|crash|all]
# Public text nobody here wrote: Debian's package descriptions (Translation-en), which apt
# fetches with `apt-get update -o Acquire::Languages=en`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
what="${1:-all}"
build=build
work="$(mktemp -d "${TMPDIR:-/tmp}/rtx-rag-bench-XXXXXX")"
trap 'rm -rf "$work"' EXIT

translation() {
  local f
  f="$(ls /var/lib/apt/lists/*bookworm_main_i18n_Translation-en* 2>/dev/null | head -1 || true)"
  if [ -z "$f" ]; then
    apt-get update -o Acquire::Languages=en >&2
    f="$(ls /var/lib/apt/lists/*bookworm_main_i18n_Translation-en* | head -1)"
  fi
  case "$f" in
    *.lz4) lz4cat "$f" ;;
    *.xz) xzcat "$f" ;;
    *.gz) zcat "$f" ;;
    *) cat "$f" ;;
  esac > "$work/Translation-en"
  echo "$work/Translation-en"
}

meson compile -C "$build" bench/rag-bench bench/ping-during-ingest >&2
run() { tools/with-test-session "$@"; }

if [ "$what" = tune ] || [ "$what" = all ]; then
  run "$build/bench/rag-bench" "$(translation)" "$work" tune 3000
fi
if [ "$what" = quality ] || [ "$what" = all ]; then
  run "$build/bench/rag-bench" "$(translation)" "$work" quality 3000
fi
if [ "$what" = ingest ] || [ "$what" = all ]; then
  run "$build/bench/rag-bench" "$(translation)" "$work" ingest 160
fi
if [ "$what" = search ] || [ "$what" = all ]; then
  run "$build/bench/rag-bench" "$(translation)" "$work" search
fi
if [ "$what" = ping ] || [ "$what" = all ]; then
  RTX_EXTRACT_HELPER="$PWD/$build/src/realtimex-runtime" run "$build/bench/ping-during-ingest" "$build/src/realtimex-runtime" "$work"
fi
if [ "$what" = crash ] || [ "$what" = all ]; then
  # The test of tests/api/test-ingest-crash.c, 100 trials instead of 20.
  RTX_CRASH_TRIALS=100 RTX_TEST_ROOT="$work/root" RTX_BINARY="$PWD/$build/src/realtimex-runtime" \
    run "$build/tests/api/test-api-ingest-crash" --verbose 2>&1 | grep -E "trial|^ok|^not ok" | tail -n 102
fi
