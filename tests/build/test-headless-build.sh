#!/usr/bin/env bash
# A -Dgui=disabled build is a headless runtime with no GTK or libadwaita linked: configure and
# build one beside the main build, then check its binary with ldd and run it. Prints TAP.
set -euo pipefail
src="${RTX_SOURCE_ROOT:?}"
dir="${RTX_HEADLESS_BUILD_DIR:?}"

echo "1..3"
if [ ! -f "$dir/build.ninja" ]; then
  meson setup "$dir" "$src" -Dgui=disabled -Dtests=false >"$dir.log" 2>&1 \
    || { cat "$dir.log" | sed 's/^/# /'; echo "Bail out! meson setup -Dgui=disabled failed"; exit 1; }
fi
if meson compile -C "$dir" >"$dir.log" 2>&1; then
  echo "ok 1 a -Dgui=disabled build compiles"
else
  sed 's/^/# /' "$dir.log"
  echo "not ok 1 a -Dgui=disabled build compiles"
  exit 1
fi

bin="$dir/src/realtimex-runtime"
linked="$(ldd "$bin" | grep -E 'libgtk-4|libadwaita-1|libgdk' || true)"
if [ -z "$linked" ]; then
  echo "ok 2 the headless binary links no GTK or libadwaita"
else
  printf '# %s\n' "$linked"
  echo "not ok 2 the headless binary links no GTK or libadwaita"
fi

# Even with a display, a build without the GUI serves headless.
data="$(mktemp -d)"
trap 'rm -rf "$data" "$data.err"' EXIT
coproc SERVE { DISPLAY="${DISPLAY:-:99}" exec "$bin" --port 0 --data-dir "$data" 2>"$data.err"; }
pid=$SERVE_PID
out=""
read -r -t 60 out <&"${SERVE[0]}" || true
kill -TERM "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
if printf '%s\n' "$out" | grep -q '^Listening on http://127.0.0.1:[0-9]*$'; then
  echo "ok 3 the headless binary serves, even where there is a display"
else
  printf '# output: %s\n' "$out"
  sed 's/^/# stderr: /' "$data.err" || true
  echo "not ok 3 the headless binary serves, even where there is a display"
fi
