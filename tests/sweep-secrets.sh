#!/usr/bin/env bash
# The last test of the suite: every key the tests created (recorded beside the data, in
# $ROOT/keys) and every other secret they handed the runtime (credential payload values, in
# $ROOT/secrets) must be absent, in plaintext, from every database, WAL, journal and log the run
# left: the data dirs, the logs of the CLI tests and meson's own test log. TAP output.
set -u
ROOT=$1
MESON_LOGS=$2
status=0

echo "1..5"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat "$ROOT"/keys/*.txt 2>/dev/null | grep -E '^rtx_[0-9A-Za-z]{46}$' | sort -u > "$work/keys"
# The random part alone too, in case something stored a key without its prefix.
sed 's/^rtx_//' "$work/keys" > "$work/tails"
count=$(wc -l < "$work/keys")
# Other secrets: whole lines of at least 16 characters (rtx_test_record_secret checks that).
cat "$ROOT"/secrets/*.txt 2>/dev/null | grep -E '^.{16,}$' | sort -u > "$work/secrets"
secret_count=$(wc -l < "$work/secrets")

if [ "$count" -ge 10 ]; then
  echo "ok 1 - $count keys were created by the suite"
else
  echo "not ok 1 - only $count keys recorded: the sweep would prove nothing"
  status=1
fi

dbs=$(find "$ROOT/data" -name 'runtime.db' 2>/dev/null | wc -l)
if [ "$dbs" -ge 3 ]; then
  echo "ok 2 - $dbs runtime databases to sweep"
else
  echo "not ok 2 - only $dbs runtime databases found under $ROOT/data"
  status=1
fi

files=()
while IFS= read -r -d '' f; do files+=("$f"); done < <(
  find "$ROOT/data" "$ROOT/logs" -type f -print0 2>/dev/null
  find "$MESON_LOGS" -maxdepth 1 -type f -name '*.txt' -print0 2>/dev/null)
echo "ok 3 - ${#files[@]} files to sweep (databases, WAL files, logs)"

leaks=$(grep -l -a -F -f "$work/keys" -f "$work/tails" "${files[@]}" 2>/dev/null)
if [ -z "$leaks" ]; then
  echo "ok 4 - no plaintext key in any of them"
else
  echo "not ok 4 - plaintext keys found in:"
  printf '#   %s\n' $leaks
  status=1
fi

if [ "$secret_count" -eq 0 ]; then
  echo "not ok 5 - no credential secrets recorded: the sweep would prove nothing about them"
  status=1
else
  leaks=$(grep -l -a -F -f "$work/secrets" "${files[@]}" 2>/dev/null)
  if [ -z "$leaks" ]; then
    echo "ok 5 - none of the $secret_count recorded credential secrets in them"
  else
    echo "not ok 5 - credential secrets found in:"
    printf '#   %s\n' $leaks
    status=1
  fi
fi

exit $status
