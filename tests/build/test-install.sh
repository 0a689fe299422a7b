#!/usr/bin/env bash
# Installs the build into a temporary DESTDIR and checks that what the desktop reads lands where
# it looks for it, and that the installed files agree with each other. Prints TAP.
set -euo pipefail
build="${RTX_BUILD_ROOT:?}"
prefix="${RTX_PREFIX:?}"
dest="$(mktemp -d)"
trap 'rm -rf "$dest"' EXIT

n=0
check() {
  local what="$1"; shift
  n=$((n + 1))
  if "$@" >/dev/null 2>&1; then echo "ok $n $what"; else echo "not ok $n $what"; fi
}

echo "1..14"
if ! DESTDIR="$dest" meson install -C "$build" --no-rebuild >"$dest.log" 2>&1; then
  sed 's/^/# /' "$dest.log"
  echo "Bail out! meson install failed"
  exit 1
fi
rm -f "$dest.log"
root="$dest$prefix"
share="$root/share"

check "the program is in bin/" test -x "$root/bin/realtimex-runtime"
check "the desktop file is in share/applications" \
  test -f "$share/applications/com.realtimex.Runtime.desktop"
check "the installed desktop file is valid" \
  desktop-file-validate "$share/applications/com.realtimex.Runtime.desktop"
check "the desktop file is D-Bus activatable" \
  grep -qx 'DBusActivatable=true' "$share/applications/com.realtimex.Runtime.desktop"
check "the desktop file has the Settings, Start and Stop actions" \
  grep -qx 'Actions=settings;start-server;stop-server;' "$share/applications/com.realtimex.Runtime.desktop"
check "the D-Bus service is in share/dbus-1/services, named after the app id" \
  grep -qx 'Name=com.realtimex.Runtime' "$share/dbus-1/services/com.realtimex.Runtime.service"
check "the D-Bus service starts the installed program as a service" \
  grep -qx "Exec=$prefix/bin/realtimex-runtime --gapplication-service" \
    "$share/dbus-1/services/com.realtimex.Runtime.service"
check "the scalable icon is in hicolor/scalable/apps" \
  test -f "$share/icons/hicolor/scalable/apps/com.realtimex.Runtime.svg"
check "the symbolic icon is in hicolor/symbolic/apps" \
  test -f "$share/icons/hicolor/symbolic/apps/com.realtimex.Runtime-symbolic.svg"
check "the metainfo is in share/metainfo and valid" \
  appstreamcli validate --no-net "$share/metainfo/com.realtimex.Runtime.metainfo.xml"
check "the schema is in share/glib-2.0/schemas" \
  test -f "$share/glib-2.0/schemas/com.realtimex.Runtime.gschema.xml"
check "the installed schema compiles and has the port key" \
  sh -c "glib-compile-schemas --strict '$share/glib-2.0/schemas' &&
         GSETTINGS_SCHEMA_DIR='$share/glib-2.0/schemas' GSETTINGS_BACKEND=memory \
           gsettings get com.realtimex.Runtime port | grep -qx 'uint32 3001'"
check "the German catalogue is in share/locale" \
  test -f "$share/locale/de/LC_MESSAGES/realtimex-runtime.mo"
check "the desktop file carries the German name" \
  grep -q '^Comment\[de\]=' "$share/applications/com.realtimex.Runtime.desktop"
