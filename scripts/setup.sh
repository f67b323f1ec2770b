#!/usr/bin/env bash
# Installs every tool Paxoscope needs into the project-local, git-ignored .tools/ folder
# (plus Chromium from Debian when running as root). Idempotent: each step checks what is
# already there, with its version, and skips it.
#
#   scripts/setup.sh          build tools only (what `make serve` and `make dist` need)
#   scripts/setup.sh test     build tools + rustfmt/clippy + Chromium/ChromeDriver + Firefox
#                             ESR/geckodriver + the npm packages of the e2e tests and the type check
#
# A wasm-bindgen or wasm-pack already on PATH is used when its version matches; otherwise
# the pinned version is installed into .tools/bin, which scripts/env.sh puts first on PATH.
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
WASM_PACK_VERSION=0.15.1    # a wasm-pack 0.15.x already on PATH is used as is
GECKODRIVER_VERSION=0.37.1  # from crates.io; Firefox itself is Debian's firefox-esr
CHROMIUM=/usr/bin/chromium
CHROMEDRIVER=/usr/bin/chromedriver
FIREFOX=/usr/bin/firefox-esr

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
# tool_version CMD: the version CMD --version reports (its second word), or nothing.
tool_version() { "$1" --version 2>/dev/null | awk 'NR == 1 {print $2}' || true; }
# A wasm-bindgen on PATH (outside .tools too) is reused when it and the test runner beside
# it have exactly the Cargo.lock version; stale copies in .tools/bin that would shadow it
# are removed. Otherwise the Cargo.lock version is installed into .tools/bin.
reuse_wbg=""
while read -r cand; do
  dir="$(dirname "$cand")"
  if [ "$(tool_version "$cand")" = "$WBG_VERSION" ] &&
    [ "$(tool_version "$dir/wasm-bindgen-test-runner")" = "$WBG_VERSION" ]; then
    reuse_wbg="$cand"
    break
  fi
done < <(type -aP wasm-bindgen | awk '!seen[$0]++')
if [ -n "$reuse_wbg" ]; then
  if [ "$reuse_wbg" != "$TOOLS/bin/wasm-bindgen" ] && [ -e "$TOOLS/bin/wasm-bindgen" ]; then
    say "wasm-bindgen-cli: .tools has $(tool_version "$TOOLS/bin/wasm-bindgen"), $reuse_wbg matches: removing the .tools copy"
    rm -f "$TOOLS/bin/wasm-bindgen" "$TOOLS/bin/wasm-bindgen-test-runner" "$TOOLS/bin/wasm2es6js"
  fi
  say "wasm-bindgen-cli $WBG_VERSION: present ($reuse_wbg, matches Cargo.lock)"
else
  have_wbg="$(tool_version "$TOOLS/bin/wasm-bindgen")"
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
  have_wbg="$(tool_version "$TOOLS/bin/wasm-bindgen")"
  [ "$have_wbg" = "$WBG_VERSION" ] || die "installed wasm-bindgen reports $have_wbg, expected $WBG_VERSION"
fi
first_wbg="$(command -v wasm-bindgen || true)"
[ "$(tool_version "$first_wbg")" = "$WBG_VERSION" ] ||
  die "the first wasm-bindgen on PATH ($first_wbg) is not $WBG_VERSION: remove it or put .tools/bin first (scripts/env.sh)"

# --- wasm-pack ----------------------------------------------------------------------
# Any wasm-pack of the pinned minor series already on PATH will do.
have_wp="$(tool_version wasm-pack)"
if [ "${have_wp%.*}" = "${WASM_PACK_VERSION%.*}" ]; then
  say "wasm-pack $have_wp: present ($(command -v wasm-pack))"
else
  [ -n "$have_wp" ] && say "wasm-pack: $(command -v wasm-pack) is $have_wp, not ${WASM_PACK_VERSION%.*}.x"
  say "wasm-pack $WASM_PACK_VERSION: installing with cargo install (~2 min; log .tools/logs/wasm-pack.log)"
  if ! cargo install --root "$TOOLS" wasm-pack --version "=$WASM_PACK_VERSION" --force \
    >"$TOOLS/logs/wasm-pack.log" 2>&1; then
    tail -n 30 "$TOOLS/logs/wasm-pack.log" >&2
    die "cargo install wasm-pack --version =$WASM_PACK_VERSION failed (full log: .tools/logs/wasm-pack.log)"
  fi
  say "wasm-pack $(tool_version "$TOOLS/bin/wasm-pack"): installed"
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

# --- Firefox ESR from Debian, geckodriver from crates.io --------------------------------
if [ -x "$FIREFOX" ]; then
  say "firefox-esr: present"
elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  say "firefox-esr: installing with apt-get (~1 min; log .tools/logs/apt-firefox.log)"
  if ! { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y -o DPkg::Lock::Timeout=600 firefox-esr; } \
    >"$TOOLS/logs/apt-firefox.log" 2>&1; then
    tail -n 30 "$TOOLS/logs/apt-firefox.log" >&2
    die "apt-get install firefox-esr failed (full log: .tools/logs/apt-firefox.log)"
  fi
else
  die "Firefox ESR is missing and this is not root: ask an administrator to run
        sudo apt-get update && sudo apt-get install -y firefox-esr
        (Debian package firefox-esr; it provides $FIREFOX)"
fi
firefox_v="$("$FIREFOX" --version 2>/dev/null | grep -o '[0-9][0-9]*\.[0-9.]*' | head -n1 || true)"
[ -n "$firefox_v" ] || die "$FIREFOX does not run (try: $FIREFOX --version)"
have_gd="$(tool_version geckodriver)"
if [ "$have_gd" = "$GECKODRIVER_VERSION" ]; then
  say "geckodriver $have_gd: present ($(command -v geckodriver))"
else
  say "geckodriver $GECKODRIVER_VERSION: installing with cargo install (~3 min; log .tools/logs/geckodriver.log)"
  if ! cargo install --root "$TOOLS" geckodriver --version "=$GECKODRIVER_VERSION" --force \
    >"$TOOLS/logs/geckodriver.log" 2>&1; then
    tail -n 30 "$TOOLS/logs/geckodriver.log" >&2
    die "cargo install geckodriver --version =$GECKODRIVER_VERSION failed (full log: .tools/logs/geckodriver.log)"
  fi
fi
say "firefox-esr $firefox_v, geckodriver $(tool_version geckodriver)"

# --- npm packages of the tests ------------------------------------------------------------
# Playwright drives the system Chromium; it cannot drive a stock Firefox, so the Firefox
# smoke test uses puppeteer-core over WebDriver BiDi. TypeScript type-checks the page.
npm_ci "$ROOT/tests/e2e" "e2e npm packages (@playwright/test)"
npm_ci "$ROOT/tests/firefox" "Firefox smoke test npm packages (puppeteer-core)"
npm_ci "$ROOT/tests/types" "type check npm packages (typescript)"

say "test tools ready"
