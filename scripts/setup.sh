#!/usr/bin/env bash
# Installs every tool Paxoscope needs into the project-local, git-ignored .tools/ folder
# (plus Chromium from Debian when running as root). Idempotent: each step checks what is
# already there, with its version, and skips it.
#
#   scripts/setup.sh          build tools only (what `make serve` and `make dist` need)
#   scripts/setup.sh test     build tools + rustfmt/clippy + Chromium/ChromeDriver + e2e npm packages
#
# Only crates.io, npm, PyPI and Debian registries are reachable on the project's machines,
# so nothing here downloads a prebuilt binary from a release page.
set -euo pipefail

# shellcheck source=scripts/env.sh
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
ROOT="$PAXOSCOPE_ROOT"
TOOLS="$PAXOSCOPE_TOOLS"
MODE="${1:-build}"
case "$MODE" in
  build | test) ;;
  *) echo "usage: $0 [build|test]" >&2; exit 2 ;;
esac

WASM_TARGET=wasm32-unknown-unknown
BINARYEN_VERSION_MAJOR=132 # keep in sync with tools/package.json
CHROMIUM=/usr/bin/chromium
CHROMEDRIVER=/usr/bin/chromedriver

say() { printf '[setup] %s\n' "$*"; }
die() { printf '[setup] ERROR: %s\n' "$*" >&2; exit 1; }
need() { command -v "$1" >/dev/null 2>&1 || die "$1 not found on PATH: $2"; }

mkdir -p "$TOOLS/bin" "$TOOLS/logs"
# Two setups at once (say `make -j test serve`) would race on .tools/: serialize them.
exec 9>"$TOOLS/.setup.lock"
if ! flock -n 9; then
  say "another setup is running; waiting for it"
  flock 9
fi

# --- base toolchain -----------------------------------------------------------------
need cargo "install Rust with rustup (https://rustup.rs) first"
need rustup "install Rust with rustup; the wasm32 target is added with rustup"
need node "install Node.js 20+ (Debian package nodejs)"
need npm "install npm (Debian package npm)"
need python3 "install python3 (Debian package python3), used by scripts/serve.py"

# --- wasm32 target ------------------------------------------------------------------
if rustup target list --installed | grep -qx "$WASM_TARGET"; then
  say "rust target $WASM_TARGET: present"
else
  say "rust target $WASM_TARGET: installing (rustup target add)"
  rustup target add "$WASM_TARGET" || die "rustup target add $WASM_TARGET failed"
fi

# --- wasm-bindgen-cli, exactly the version in Cargo.lock -----------------------------
[ -f "$ROOT/Cargo.lock" ] || die "Cargo.lock missing: it pins the wasm-bindgen version (run cargo generate-lockfile)"
WBG_VERSION="$(awk '
  /^\[\[package\]\]/ { name = "" }
  /^name = / { gsub(/"/, "", $3); name = $3 }
  /^version = / && name == "wasm-bindgen" { gsub(/"/, "", $3); print $3; exit }
' "$ROOT/Cargo.lock")"
[ -n "$WBG_VERSION" ] || die "could not find the wasm-bindgen version in Cargo.lock"
have_wbg="$("$TOOLS/bin/wasm-bindgen" --version 2>/dev/null | awk '{print $2}' || true)"
if [ "$have_wbg" = "$WBG_VERSION" ]; then
  say "wasm-bindgen-cli $WBG_VERSION: present (matches Cargo.lock)"
else
  if [ -n "$have_wbg" ]; then
    say "wasm-bindgen-cli: .tools has $have_wbg but Cargo.lock wants $WBG_VERSION: reinstalling (~2 min)"
  else
    say "wasm-bindgen-cli $WBG_VERSION: installing with cargo install (~2 min; log .tools/logs/wasm-bindgen-cli.log)"
  fi
  # No --locked: its lockfile pins a webpki-roots version the reachable registry lacks.
  if ! cargo install --root "$TOOLS" wasm-bindgen-cli --version "=$WBG_VERSION" --force \
    >"$TOOLS/logs/wasm-bindgen-cli.log" 2>&1; then
    tail -n 30 "$TOOLS/logs/wasm-bindgen-cli.log" >&2
    die "cargo install wasm-bindgen-cli --version =$WBG_VERSION failed (full log: .tools/logs/wasm-bindgen-cli.log)"
  fi
  have_wbg="$("$TOOLS/bin/wasm-bindgen" --version | awk '{print $2}')"
  [ "$have_wbg" = "$WBG_VERSION" ] || die "installed wasm-bindgen reports $have_wbg, expected $WBG_VERSION"
fi

# --- wasm-pack ----------------------------------------------------------------------
if have_wp="$("$TOOLS/bin/wasm-pack" --version 2>/dev/null)"; then
  say "$have_wp: present"
else
  say "wasm-pack: installing with cargo install (~2 min; log .tools/logs/wasm-pack.log)"
  if ! cargo install --root "$TOOLS" wasm-pack >"$TOOLS/logs/wasm-pack.log" 2>&1; then
    tail -n 30 "$TOOLS/logs/wasm-pack.log" >&2
    die "cargo install wasm-pack failed (full log: .tools/logs/wasm-pack.log)"
  fi
  say "$("$TOOLS/bin/wasm-pack" --version): installed"
fi

# --- npm packages, reinstalled only when their lock file changed ----------------------
# npm_ci DIR LABEL: `npm ci` in DIR unless DIR/node_modules was installed from the same lock.
npm_ci() {
  local dir="$1" label="$2" stamp="$1/node_modules/.paxoscope-lock.sha256" want
  want="$(sha256sum "$dir/package-lock.json" | awk '{print $1}')"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    say "$label: present (node_modules matches package-lock.json)"
    return 0
  fi
  say "$label: npm ci in ${dir#"$ROOT"/}"
  if ! (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error); then
    die "npm ci failed in ${dir#"$ROOT"/}"
  fi
  echo "$want" >"$stamp"
}

# --- wasm-opt from the npm binaryen package ------------------------------------------
# tools/package.json + package-lock.json pin it; they are copied into .tools/npm so the
# node_modules folder stays inside the git-ignored .tools/.
mkdir -p "$TOOLS/npm"
for f in package.json package-lock.json; do
  cmp -s "$ROOT/tools/$f" "$TOOLS/npm/$f" || cp "$ROOT/tools/$f" "$TOOLS/npm/$f"
done
npm_ci "$TOOLS/npm" "binaryen (wasm-opt)"
WASM_OPT="$TOOLS/npm/node_modules/.bin/wasm-opt"
opt_version="$("$WASM_OPT" --version 2>/dev/null || true)"
case "$opt_version" in
  *"version $BINARYEN_VERSION_MAJOR"*) say "wasm-opt: $opt_version" ;;
  *) die "wasm-opt from npm binaryen does not work (got: '${opt_version:-nothing}'); delete .tools/npm and retry" ;;
esac
first_opt="$(command -v wasm-opt || true)"
[ "$first_opt" = "$WASM_OPT" ] || die "the first wasm-opt on PATH is $first_opt, not $WASM_OPT (check scripts/env.sh)"
# esbuild (same npm install) bundles and minifies the page for make dist.
esbuild_version="$("$TOOLS/npm/node_modules/.bin/esbuild" --version 2>/dev/null || true)"
[ -n "$esbuild_version" ] || die "esbuild from npm does not run; delete .tools/npm and retry"
say "esbuild: $esbuild_version"

if [ "$MODE" = build ]; then
  say "build tools ready"
  exit 0
fi

# --- rustfmt and clippy -------------------------------------------------------------
missing_components=()
for c in rustfmt clippy; do
  rustup component list --installed 2>/dev/null | grep -q "^$c" || missing_components+=("$c")
done
if [ ${#missing_components[@]} -eq 0 ]; then
  say "rustfmt, clippy: present"
else
  say "rustup components ${missing_components[*]}: installing"
  rustup component add "${missing_components[@]}" || die "rustup component add ${missing_components[*]} failed"
fi

# --- Chromium + ChromeDriver from Debian -----------------------------------------------
if [ -x "$CHROMIUM" ] && [ -x "$CHROMEDRIVER" ]; then
  say "chromium, chromium-driver: present"
elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  say "chromium, chromium-driver: installing with apt-get (~1 min; log .tools/logs/apt.log)"
  if ! { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver; } \
    >"$TOOLS/logs/apt.log" 2>&1; then
    tail -n 30 "$TOOLS/logs/apt.log" >&2
    die "apt-get install chromium chromium-driver failed (full log: .tools/logs/apt.log)"
  fi
else
  die "Chromium and ChromeDriver are missing and this is not root: ask an administrator to run
        sudo apt-get update && sudo apt-get install -y chromium chromium-driver
        (Debian packages chromium and chromium-driver; they provide $CHROMIUM and $CHROMEDRIVER)"
fi
chromium_v="$("$CHROMIUM" --version 2>/dev/null | grep -o '[0-9][0-9]*\.[0-9.]*' | head -n1 || true)"
driver_v="$("$CHROMEDRIVER" --version 2>/dev/null | grep -o '[0-9][0-9]*\.[0-9.]*' | head -n1 || true)"
if [ "${chromium_v%%.*}" != "${driver_v%%.*}" ]; then
  die "Chromium ($chromium_v) and ChromeDriver ($driver_v) differ in major version: apt-get install -y chromium chromium-driver"
fi
say "chromium $chromium_v, chromedriver $driver_v"

# --- end-to-end test packages (Playwright, using the system Chromium) -------------------
npm_ci "$ROOT/tests/e2e" "e2e npm packages (@playwright/test)"

say "test tools ready"
