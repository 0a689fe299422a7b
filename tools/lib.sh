# shellcheck shell=bash
# Shared helpers for tools/run and tools/test. Source it; do not run it.
# Everything they print goes to stderr, so that stdout belongs to the program
# (KEY=$(./tools/run keys create --name demo) captures the key alone).

RTX_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RTX_BUILD_DIR="$RTX_ROOT/build"
# tools/run installs here, so that the desktop finds the .desktop file, icons, schema and D-Bus
# service (~/.local/share is on its search paths) without root.
RTX_PREFIX="${RTX_PREFIX:-$HOME/.local}"

rtx_say() { printf '==> %s\n' "$*" >&2; }
rtx_die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# The Debian packages named in tools/debian-packages.txt, one per line.
rtx_debian_packages() {
  local line pkg
  while IFS= read -r line || [ -n "$line" ]; do
    line="${line%%#*}"
    for pkg in $line; do
      printf '%s\n' "$pkg"
    done
  done < "$RTX_ROOT/tools/debian-packages.txt"
}

# Run a command as root: directly when we are root, else through sudo.
rtx_as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif [ -t 0 ]; then
    sudo "$@"
  else
    # No terminal to ask for a password on (CI): fail instead of hanging.
    sudo -n "$@"
  fi
}

rtx_install_debian_packages() {
  local pkg status missing=()
  while IFS= read -r pkg; do
    case "$pkg" in
      nodejs|npm)
        rtx_say "skipping Debian package '$pkg': the machine's own Node.js is used"
        continue ;;
    esac
    status="$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)"
    if [ "$status" != "install ok installed" ]; then
      missing+=("$pkg")
    fi
  done < <(rtx_debian_packages)

  if [ "${#missing[@]}" -eq 0 ]; then
    rtx_say "Debian packages: all present"
    return 0
  fi
  if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null 2>&1; then
    rtx_die "missing Debian packages and neither root nor sudo to install them; as root run:
  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
  fi
  rtx_say "installing Debian packages: ${missing[*]}"
  rtx_as_root env DEBIAN_FRONTEND=noninteractive apt-get update >&2 \
    || rtx_die "apt-get update failed"
  rtx_as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends "${missing[@]}" >&2 \
    || rtx_die "apt-get install failed for: ${missing[*]}"
}

# npm ci in every folder with a package-lock.json whose node_modules is
# missing or older than the lockfile.
rtx_install_npm_packages() {
  local lock dir stamp found=0
  while IFS= read -r -d '' lock; do
    found=1
    dir="$(dirname "$lock")"
    stamp="$dir/node_modules/.package-lock.json"
    [ -e "$stamp" ] || stamp="$dir/node_modules"
    if [ -e "$stamp" ] && ! [ "$lock" -nt "$stamp" ]; then
      continue
    fi
    command -v npm >/dev/null 2>&1 \
      || rtx_die "npm not found; install Node.js 20 with npm (not Debian's nodejs/npm packages)"
    rtx_say "npm ci in ${dir#"$RTX_ROOT"/}"
    (cd "$dir" && npm ci --no-audit --no-fund >&2) || rtx_die "npm ci failed in $dir"
    # A lockfile without dependencies leaves no node_modules; mark it done.
    mkdir -p "$dir/node_modules"
  done < <(find "$RTX_ROOT" \
             \( -name node_modules -o -name .git \
                -o -path "$RTX_ROOT/build" -o -path "$RTX_ROOT/_build" \) -prune \
             -o -name package-lock.json -type f -print0)
  if [ "$found" -eq 0 ]; then
    rtx_say "npm packages: no package-lock.json, nothing to install"
  fi
}

rtx_install_deps() {
  rtx_install_debian_packages
  rtx_install_npm_packages
}

# Configure build/ once (again when RTX_MESON_ARGS is set), then compile.
rtx_build() {
  local args=()
  if [ -n "${RTX_MESON_ARGS:-}" ]; then
    read -r -a args <<< "$RTX_MESON_ARGS"
  fi
  cd "$RTX_ROOT" || rtx_die "cannot enter $RTX_ROOT"
  if [ ! -f "$RTX_BUILD_DIR/build.ninja" ]; then
    rtx_say "meson setup build --prefix=$RTX_PREFIX ${args[*]}"
    meson setup "$RTX_BUILD_DIR" --prefix="$RTX_PREFIX" "${args[@]}" >&2 \
      || rtx_die "meson setup failed"
  elif ! grep -qxF "$RTX_PREFIX" "$RTX_BUILD_DIR/.rtx-prefix" 2>/dev/null; then
    rtx_say "meson configure build -Dprefix=$RTX_PREFIX"
    meson configure "$RTX_BUILD_DIR" -Dprefix="$RTX_PREFIX" "${args[@]}" >&2 \
      || rtx_die "meson configure failed"
  elif [ "${#args[@]}" -gt 0 ]; then
    rtx_say "meson setup --reconfigure build ${args[*]}"
    meson setup --reconfigure "$RTX_BUILD_DIR" "${args[@]}" >&2 || rtx_die "meson setup --reconfigure failed"
  fi
  printf '%s\n' "$RTX_PREFIX" > "$RTX_BUILD_DIR/.rtx-prefix"
  rtx_say "meson compile -C build"
  meson compile -C "$RTX_BUILD_DIR" >&2 || rtx_die "build failed"
}

# Install into $RTX_PREFIX (~/.local by default): the program, and for the desktop app its
# .desktop file, icons, schema, D-Bus service, metainfo and translations.
rtx_install() {
  rtx_say "meson install -C build (into $RTX_PREFIX)"
  meson install -C "$RTX_BUILD_DIR" --no-rebuild >&2 || rtx_die "meson install failed"
}

# Whether build/ has the desktop app (GTK 4 and libadwaita were found).
rtx_have_gui() {
  grep -q '^#define HAVE_GUI' "$RTX_BUILD_DIR/config.h" 2>/dev/null
}
