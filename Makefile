# Paxoscope: two commands.
#   make serve   build the wasm module and serve the playground on http://127.0.0.1:8080/
#   make test    every check: fmt, clippy, native tests, wasm tests (Chromium, Firefox, Node), e2e
# Everything the targets need is installed on first use into the git-ignored .tools/
# (see scripts/setup.sh); later runs install nothing.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DELETE_ON_ERROR:
.DEFAULT_GOAL := help

PORT ?= 8080
HOST ?= 127.0.0.1
SEEDS ?= 2000
# The README picture: the seed demo 12 scheduler steps in, proposers duelling in phase 1.
SCREENSHOT_ARGS ?= --press ArrowRight --times 12

# Project-local tools first; the npm binaryen wasm-opt must be the first wasm-opt on PATH.
export PATH := $(CURDIR)/.tools/npm/node_modules/.bin:$(CURDIR)/.tools/bin:$(HOME)/.cargo/bin:$(PATH)

PKG_WASM := www/pkg/paxoscope_bg.wasm
RUST_INPUTS := $(shell find src json-derive/src -name '*.rs') Cargo.toml json-derive/Cargo.toml Cargo.lock

.PHONY: help setup setup-test build serve test dist bench fuzz screenshot clean

help:
	@echo "make serve       build the wasm module and serve www/ on http://$(HOST):$(PORT)/ (PORT=...)"
	@echo "make test        fmt, clippy, native, wasm (Chromium, Firefox, Node), dist, e2e (Chromium, Firefox)"
	@echo "make dist        self-contained static site in dist/ (works under any sub-path)"
	@echo "make fuzz        paxoscope fuzz --seeds $(SEEDS) (SEEDS=...)"
	@echo "make bench       measure everything, print one table (docs/benchmarks.md)"
	@echo "make screenshot  regenerate docs/screenshot.png"
	@echo "make setup       install build tools into .tools/ (make setup-test: test tools too)"

setup:
	@scripts/setup.sh build

setup-test:
	@scripts/setup.sh test

# Rebuilt only when a Rust source, Cargo.toml or Cargo.lock changed, so a second
# `make serve` starts in seconds.
# The wasm module is optimized for size (opt-level z, set for the wasm32 target in
# .cargo/config.toml); native release builds for speed. A plain `wasm-pack build --target
# web --out-dir www/pkg` gives the same bytes (scripts/no-make.sh checks it).
# The module gets the time the build started, so a source saved during the build is newer
# and the next make builds again.
$(PKG_WASM): $(RUST_INPUTS) .cargo/config.toml | setup
	@mkdir -p target && touch target/.wasm-build-start
	wasm-pack build --target web --release --out-dir www/pkg
	@touch -r target/.wasm-build-start $@

build: $(PKG_WASM)

serve: $(PKG_WASM)
	@[ -f www/index.html ] || echo "warning: www/index.html does not exist yet; only www/pkg is served"
	@python3 scripts/serve.py --dir www --host $(HOST) --port $(PORT)

test:
	@scripts/test.sh

dist: $(PKG_WASM)
	@scripts/dist.sh

# One run, one table (docs/benchmarks.md): native simulation, protocol efficiency, memory,
# fuzzer, dist size, wasm in headless Chromium, page. Installs what it needs first.
# BENCH_QUICK=1 for a short smoke run; BENCH_PARTS="sim size" for some parts only.
bench:
	@scripts/bench.sh

# The fuzzer: the `fuzz` command of the CLI (src/bin/paxoscope/).
fuzz:
	cargo run --release --bin paxoscope -- fuzz --seeds $(SEEDS)

screenshot: $(PKG_WASM) setup-test
	node scripts/screenshot.mjs $(SCREENSHOT_ARGS)

clean:
	rm -rf www/pkg dist tests/e2e/screenshots
