#!/usr/bin/env bash
# The command line, as a person uses it: the real binary, the real keyring (from
# tools/with-test-session), a real headless server and curl. TAP output.
set -u

BIN=${RTX_BINARY:?RTX_BINARY is set by tests/meson.build}
ROOT=${RTX_TEST_ROOT:?RTX_TEST_ROOT is set by tests/meson.build}
DATA="$ROOT/data/cli-$$"
LOGS="$ROOT/logs"
KEYLOG="$ROOT/keys/cli-$$.txt"
mkdir -p "$DATA" "$LOGS" "$ROOT/keys"

n=0
failed=0
ok () { n=$((n + 1)); echo "ok $n - $1"; }
not_ok () { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do echo "# $l"; done; }
check () { local what=$1; shift; if "$@"; then ok "$what"; else not_ok "$what"; fi; }
record () { printf '%s\n' "$1" >> "$KEYLOG"; }

rtx () { "$BIN" "$@" --data-dir "$DATA"; }
http_code () { curl -s -o "$DATA/../body-$$" -w '%{http_code}' "$@"; }
body () { cat "$DATA/../body-$$"; }

SERVER_PID=
cleanup () { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; rm -f "$DATA/../body-$$"; }
trap cleanup EXIT

start_server () {
  local out=$1; shift
  "$BIN" --headless --port 0 --data-dir "$DATA" "$@" > "$out" 2>> "$LOGS/cli-server-$$.log" &
  SERVER_PID=$!
  for _ in $(seq 100); do
    PORT=$(sed -n 's#^Listening on http://127\.0\.0\.1:\([0-9]*\)$#\1#p' "$out")
    [ -n "$PORT" ] && return 0
    sleep 0.05
  done
  return 1
}

echo "1..24"

# --help everywhere, exit 0.
check "--help exits 0 and names the keys command" \
  bash -c "'$BIN' --help | grep -q keys"
check "keys create --help documents --name and --admin" \
  bash -c "'$BIN' keys create --help | grep -q -- '--admin'"

# keys create prints the key alone on stdout.
KEY=$(rtx keys create --name demo 2> "$LOGS/cli-create-$$.err")
record "$KEY"
check "keys create prints one well-formed key on stdout" \
  bash -c "[[ '$KEY' =~ ^rtx_[0-9A-Za-z]{46}\$ ]]"
check "keys create explains on stderr, without the key" \
  bash -c "grep -q 'Created key 1' '$LOGS/cli-create-$$.err' && ! grep -qF '$KEY' '$LOGS/cli-create-$$.err'"

start_server "$LOGS/cli-server-$$.out"
check "--headless --port 0 prints the address it listens on" test -n "${PORT:-}"
URL="http://127.0.0.1:$PORT"

code=$(http_code "$URL/api/ping")
check "GET /api/ping answers {\"online\":true}" \
  bash -c "[ '$code' = 200 ] && [ '$(body)' = '{\"online\":true}' ]"

code=$(http_code -H "Authorization: Bearer $KEY" "$URL/api/v1/auth")
check "the new key authenticates" \
  bash -c "[ '$code' = 200 ] && [ '$(body)' = '{\"authenticated\":true}' ]"

TYPO="${KEY:0:20}$([ "${KEY:20:1}" = a ] && echo b || echo a)${KEY:21}"
code=$(http_code -H "Authorization: Bearer $TYPO" "$URL/api/v1/auth")
check "a key with one character changed is refused with 403" \
  bash -c "[ '$code' = 403 ] && [ '$(body)' = '{\"success\":false,\"error\":\"No valid api key found.\"}' ]"

COPY=$(rtx keys copy 1 2>/dev/null)
check "keys copy returns the same key from the keyring" test "$COPY" = "$KEY"

NEW=$(rtx keys rotate 1 2> "$LOGS/cli-rotate-$$.err")
record "$NEW"
check "keys rotate prints a different, well-formed key" \
  bash -c "[[ '$NEW' =~ ^rtx_[0-9A-Za-z]{46}\$ ]] && [ '$NEW' != '$KEY' ]"
code=$(http_code -H "Authorization: Bearer $NEW" "$URL/api/v1/auth")
code_old=$(http_code -H "Authorization: Bearer $KEY" "$URL/api/v1/auth")
check "after rotation both keys work until the old one is deactivated" \
  bash -c "[ '$code' = 200 ] && [ '$code_old' = 200 ]"

# Deactivate from another process while the server runs: the very next request is refused.
rtx keys deactivate 1 2>/dev/null
check "keys deactivate exits 0" test $? -eq 0
code=$(http_code -H "Authorization: Bearer $KEY" "$URL/api/v1/auth")
check "the running server refuses the deactivated key at once" test "$code" = 403
code=$(http_code -H "x-api-key: $NEW" "$URL/api/v1/auth")
check "the replacement still works (through x-api-key too)" test "$code" = 200

LIST=$(rtx keys list --json 2>/dev/null)
check "keys list --json shows both keys, the first deactivated, and no secret" \
  node -e '
    const keys = JSON.parse(process.argv[1]);
    const ok = keys.length === 2 && keys[0].active === false && keys[0].deactivatedBy &&
      keys[1].active === true && keys[1].replacesKeyId === 1 && keys[1].name === "demo" &&
      !/rtx_[0-9A-Za-z]{46}/.test(process.argv[1]);
    process.exit(ok ? 0 : 1);' "$LIST"
check "keys list shows a readable table with the deactivation" \
  bash -c "'$BIN' keys list --data-dir '$DATA' | grep -q 'deactivated'"

"$BIN" keys copy 1 --data-dir "$DATA" > /dev/null 2> "$LOGS/cli-copygone-$$.err"; z=$?
check "keys copy of a deactivated key exits 1 and says why" \
  bash -c "[ $z = 1 ] && grep -q deactivated '$LOGS/cli-copygone-$$.err'"

"$BIN" keys copy abc --data-dir "$DATA" >/dev/null 2>&1; a=$?
"$BIN" keys create --data-dir "$DATA" >/dev/null 2>&1; b=$?
"$BIN" keys frobnicate --data-dir "$DATA" >/dev/null 2>&1; c=$?
"$BIN" --headless --port 70000 --data-dir "$DATA" >/dev/null 2>&1; d=$?
check "usage errors exit 2 (bad id, missing --name, unknown command, bad port)" \
  bash -c "[ $a = 2 ] && [ $b = 2 ] && [ $c = 2 ] && [ $d = 2 ]"
"$BIN" keys copy 999 --data-dir "$DATA" > /dev/null 2> "$LOGS/cli-missing-$$.err"; e=$?
check "a missing key id exits 1 with a message" \
  bash -c "[ $e = 1 ] && grep -q 999 '$LOGS/cli-missing-$$.err'"

"$BIN" --headless --port "$PORT" --data-dir "$DATA" > /dev/null 2> "$LOGS/cli-busy-$$.err"; f=$?
check "a port already in use exits 1 with a clear message" \
  bash -c "[ $f = 1 ] && grep -qi 'in use' '$LOGS/cli-busy-$$.err'"

kill -TERM "$SERVER_PID"
for _ in $(seq 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.05; done
wait "$SERVER_PID"; g=$?
SERVER_PID=
check "SIGTERM stops the server cleanly (exit 0)" test "$g" = 0

OTHER="$ROOT/data/cli-env-$$"
K2=$(RTX_DATA_DIR="$OTHER" "$BIN" keys create --name env 2>/dev/null)
record "$K2"
check "RTX_DATA_DIR chooses the data directory" test -f "$OTHER/runtime.db"

# Without a Secret Service: the key is printed once, works, and cannot be copied.
NOBUS="unix:path=/nonexistent/rtx-no-bus"
K3=$(DBUS_SESSION_BUS_ADDRESS=$NOBUS "$BIN" keys create --name offline --data-dir "$DATA" \
       2> "$LOGS/cli-nokeyring-$$.err")
record "$K3"
check "without a keyring, keys create still prints a key and says it is shown only once" \
  bash -c "[[ '$K3' =~ ^rtx_ ]] && grep -q 'shown only now' '$LOGS/cli-nokeyring-$$.err'"
DBUS_SESSION_BUS_ADDRESS=$NOBUS "$BIN" keys copy 3 --data-dir "$DATA" > /dev/null \
  2> "$LOGS/cli-nocopy-$$.err"; h=$?
check "and keys copy explains why it cannot show that key" \
  bash -c "[ $h = 1 ] && grep -q 'no keyring' '$LOGS/cli-nocopy-$$.err'"

[ "$failed" = 0 ]
