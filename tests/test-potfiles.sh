#!/usr/bin/env bash
# po/POTFILES.in lists every file with translatable strings (C files with _(), N_(), C_() or
# NC_(); .ui files with translatable="yes"; the desktop, metainfo and schema files), and every
# file it lists exists. Prints TAP.
set -euo pipefail
export LC_ALL=C
root="${RTX_SOURCE_ROOT:?}"
cd "$root"

listed="$(grep -v '^[[:space:]]*\(#\|$\)' po/POTFILES.in | sort)"
needed="$( {
  grep -rlE '(^|[^A-Za-z0-9_])(N|C|NC)?_\(' src --include='*.c' || true
  grep -rl 'translatable="yes"' ui --include='*.ui' || true
  ls com.realtimex.Runtime.desktop data/*.gschema.xml data/*.metainfo.xml.in 2>/dev/null
} | sort -u)"

echo "1..3"
missing="$(comm -13 <(printf '%s\n' "$listed") <(printf '%s\n' "$needed"))"
if [ -z "$missing" ]; then
  echo "ok 1 every file with translatable strings is in po/POTFILES.in"
else
  echo "not ok 1 files with translatable strings missing from po/POTFILES.in:"
  printf '#   %s\n' $missing
fi

absent=""
for f in $listed; do [ -e "$f" ] || absent="$absent $f"; done
if [ -z "$absent" ]; then
  echo "ok 2 every file in po/POTFILES.in exists"
else
  echo "not ok 2 po/POTFILES.in lists files that do not exist:$absent"
fi

if [ "$(grep -v '^[[:space:]]*\(#\|$\)' po/POTFILES.in)" = "$listed" ]; then
  echo "ok 3 po/POTFILES.in is sorted"
else
  echo "not ok 3 po/POTFILES.in is not sorted (LC_ALL=C sort)"
fi
