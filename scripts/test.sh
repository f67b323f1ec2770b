#!/usr/bin/env bash
# `make test`: installs what is missing, then runs every test stage, each under a header,
# going on after a failure. Ends with one PASS/FAIL line per stage and exits non-zero if
# any stage failed.
#
#   scripts/test.sh                 all stages
#   STAGES="fmt clippy" scripts/test.sh   only those (names as in the summary)
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/env.sh
. scripts/env.sh

ALL_STAGES="setup fmt clippy clippy-wasm native native-release wasm-browser wasm-firefox wasm-node dist no-make types e2e e2e-firefox"
STAGES="${STAGES:-$ALL_STAGES}"
# wasm-bindgen-test-runner reads Chromium's capabilities (quiet-network flags) from here.
export WASM_BINDGEN_TEST_WEBDRIVER_JSON="$PAXOSCOPE_ROOT/webdriver.json"
# No colours in logs when not on a terminal.
FMT_COLOR=auto
[ -t 1 ] || { export CARGO_TERM_COLOR=never; FMT_COLOR=never; }

declare -a RESULTS=()
failed=0
passed=0

stage() { # name description command...
  local name="$1" desc="$2" start rc
  shift 2
  case " $STAGES " in *" $name "*) ;; *) return 0 ;; esac
  printf '\n==================== %s: %s ====================\n' "$name" "$desc"
  printf '$ %s\n' "$*"
  start=$SECONDS
  "$@"
  rc=$?
  local took=$((SECONDS - start))
  if [ $rc -eq 0 ]; then
    RESULTS+=("$(printf 'PASS  %-13s %4ds  %s' "$name" "$took" "$desc")")
    passed=$((passed + 1))
  else
    RESULTS+=("$(printf 'FAIL  %-13s %4ds  %s (exit %d)' "$name" "$took" "$desc" "$rc")")
    failed=$((failed + 1))
  fi
  printf -- '---- %s: %s in %ds\n' "$name" "$([ $rc -eq 0 ] && echo PASS || echo "FAIL (exit $rc)")" "$took"
}

run_e2e() {
  (cd tests/e2e && npx --no-install playwright test)
}

# Firefox ESR through geckodriver (both installed by scripts/setup.sh test), with its own
# capabilities file.
run_wasm_firefox() {
  WASM_BINDGEN_TEST_WEBDRIVER_JSON="$PAXOSCOPE_ROOT/webdriver-firefox.json" \
    wasm-pack test --headless --firefox
}

# The page's JS against the .d.ts wasm-bindgen generated into www/pkg (built by dist):
# first that the .d.ts types every value of the API (no `any`; the types come from the
# Rust types, www/types/api.d.ts), then tsc --checkJs over www/*.js and the negative
# fixtures (reads of renamed fields that must fail).
run_types() {
  (cd tests/types && node no-any.mjs && npx --no-install tsc -p tsconfig.json && npx --no-install tsc -p tsconfig.strict.json)
}

# Playwright cannot drive a stock Firefox: the smoke test runs over WebDriver BiDi with
# puppeteer-core (tests/firefox).
run_e2e_firefox() {
  (cd tests/firefox && node --test smoke.test.mjs)
}

stage setup "install missing tools (scripts/setup.sh test)" scripts/setup.sh test
stage fmt "cargo fmt --all --check" cargo fmt --all --check -- --color="$FMT_COLOR"
stage clippy "cargo clippy --workspace --all-targets -- -D warnings" cargo clippy --workspace --all-targets -- -D warnings
# The browser module's own code (src/wasm.rs, src/bench_api.rs, the wasm test suites) only
# compiles for wasm32: lint it there too, with every feature on.
stage clippy-wasm "cargo clippy for wasm32 (the browser module and its tests)" \
  cargo clippy --target wasm32-unknown-unknown --all-targets --all-features -- -D warnings
stage native "cargo test --workspace (native)" cargo test --workspace
# The explorer's searches and shrinks that a debug build runs too slowly (each marked
# `ignore` under debug assertions): the BFS of the heavy bugs, and both seed-layout bugs'
# shrunk fuzz runs within 1.5x their BFS optimum.
stage native-release "cargo test --release --test explore (the searches too slow for a debug build)" cargo test --release --test explore
stage wasm-browser "wasm-pack test --headless --chrome" wasm-pack test --headless --chrome
stage wasm-firefox "wasm-pack test --headless --firefox" run_wasm_firefox
stage wasm-node "wasm-pack test --node" wasm-pack test --node
stage dist "wasm-pack build --release + dist/ (make dist)" make --no-print-directory dist
stage no-make "plain wasm-pack build: same module as make, served by any static server" scripts/no-make.sh
stage types "no any in the wasm API's .d.ts; tsc --checkJs of the page against it (tests/types)" run_types
stage e2e "Playwright end-to-end tests (tests/e2e, system Chromium)" run_e2e
stage e2e-firefox "smoke test in Firefox ESR (tests/firefox, puppeteer-core over BiDi)" run_e2e_firefox

printf '\n==================== summary ====================\n'
printf '%s\n' "${RESULTS[@]}"
printf 'stages: %d passed, %d failed\n' "$passed" "$failed"
[ "$failed" -eq 0 ]
