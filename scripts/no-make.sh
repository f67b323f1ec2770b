#!/usr/bin/env bash
# The path without make, exactly as the README gives it, checked end to end:
#   1. `wasm-pack build --target web --out-dir www/pkg` (here into a copy of www/) gives the
#      same optimized module, byte for byte, as `make build` (the size settings live in
#      Cargo.toml and .cargo/config.toml, not in the Makefile);
#   2. a plain `wasm-pack build --release` (the bundler target) is optimized the same way:
#      cargo compiles the very same module, and after wasm-bindgen and wasm-opt -Oz it is
#      within a few bytes of make's (only the names of its imports differ);
#   3. any static server on www/ (here `python3 -m http.server`) serves a page that loads
#      and runs in a browser (the smoke test of tests/firefox, in Firefox).
# Needs wasm-pack, wasm-bindgen and the npm wasm-opt on PATH (scripts/env.sh puts the
# project's .tools there) and www/pkg built by make (make build).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/env.sh
. scripts/env.sh

say() { printf '[no-make] %s\n' "$*"; }
die() { printf '[no-make] FAIL: %s\n' "$*" >&2; exit 1; }

MADE=www/pkg/paxoscope_bg.wasm
[ -f "$MADE" ] || die "$MADE missing: run make build first (make test's dist stage does)"
# Nothing from the environment may shape the build: only the project's files.
while read -r var; do unset "$var"; done < <(env | grep -oE '^(CARGO_PROFILE_[A-Z_]+|RUSTFLAGS|CARGO_ENCODED_RUSTFLAGS|CARGO_BUILD_RUSTFLAGS)=' | tr -d '=')

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -r www "$work/www"
rm -rf "$work/www/pkg"

say "wasm-pack build --target web --out-dir <copy of www>/pkg"
wasm-pack build --target web --out-dir "$work/www/pkg" >"$work/build.log" 2>&1 ||
  { tail -n 30 "$work/build.log" >&2; die "wasm-pack build --target web failed"; }
if cmp -s "$MADE" "$work/www/pkg/paxoscope_bg.wasm"; then
  say "same module as make build: $(wc -c <"$MADE") bytes, identical"
else
  die "the module differs from make's: $(wc -c <"$MADE") bytes (make) vs $(wc -c <"$work/www/pkg/paxoscope_bg.wasm") bytes (wasm-pack)"
fi

# The module cargo compiled (before wasm-bindgen and wasm-opt) for make's settings.
CARGO_WASM=target/wasm32-unknown-unknown/release/paxoscope.wasm
compiled="$(sha256sum "$CARGO_WASM" | cut -d' ' -f1)"

say "wasm-pack build --release (bundler target)"
wasm-pack build --release --out-dir "$work/bundler" >"$work/bundler.log" 2>&1 ||
  { tail -n 30 "$work/bundler.log" >&2; die "wasm-pack build --release failed"; }
[ "$(sha256sum "$CARGO_WASM" | cut -d' ' -f1)" = "$compiled" ] ||
  die "wasm-pack build --release compiled a different module than make build (other compiler settings)"
made_size=$(wc -c <"$MADE")
plain_size=$(wc -c <"$work/bundler/paxoscope_bg.wasm")
diff_bytes=$((plain_size > made_size ? plain_size - made_size : made_size - plain_size))
# Unoptimized (opt-level 3, no wasm-opt -Oz) the module is tens of kilobytes larger.
[ "$diff_bytes" -le 512 ] ||
  die "wasm-pack build --release gives $plain_size bytes, make $made_size: not the same optimization"
say "wasm-pack build --release: $plain_size bytes (make: $made_size)"

say "python3 -m http.server on the copy of www/, page smoke test in Firefox"
SMOKE_DIR="$work/www" SMOKE_SERVER=python node --test tests/firefox/smoke.test.mjs
