#!/usr/bin/env bash
# `make bench`: measures everything in one run and prints ONE table (docs/benchmarks.md says
# how each figure is measured). Installs what it needs first, like `make test`.
#
#   scripts/bench.sh                 everything (about 10 minutes on 2 cores, builds included)
#   BENCH_QUICK=1 scripts/bench.sh   short runs: checks the harness, not a measurement
#   BENCH_PARTS="sim fuzz" scripts/bench.sh   only some parts: sim proto explore memory fuzz size wasm search page
#   (search: the explorer in the Search panel's Web Worker against native; it needs the
#   explore part's explore-search.json, and runs with wasm too)
#
# Every part writes `BENCH {json}` lines; they are gathered in target/bench/results.jsonl and
# scripts/bench-table.mjs turns them into the table (also saved as target/bench/table.md).
# Timing never goes in `make test`: the machine is shared and noisy, so compare figures as
# ratios measured in the same run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/env.sh
. scripts/env.sh

PARTS="${BENCH_PARTS:-sim proto explore memory fuzz size wasm search page}"
OUT=target/bench
RESULTS="$OUT/results.jsonl"
FUZZ_SEEDS="${FUZZ_SEEDS:-2000}"
FUZZ_RUNS="${FUZZ_RUNS:-3}"
[ -n "${BENCH_QUICK:-}" ] && [ "${BENCH_QUICK}" != 0 ] && FUZZ_SEEDS=50
export BENCH_OUT="$PWD/$OUT"
mkdir -p "$OUT"
: >"$RESULTS"
[ -t 1 ] || export CARGO_TERM_COLOR=never

want() { case " $PARTS " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
say() { printf '\n[bench] %s\n' "$*" >&2; }
# collect CMD...: runs CMD, passes its stderr through, keeps its BENCH lines.
collect() {
  "$@" | tee "$OUT/last.log" | sed -n 's/^BENCH //p' >>"$RESULTS"
}
bench_line() { # section name value unit: one JSON line for $RESULTS
  printf '{"section":"%s","name":"%s","value":%s,"unit":"%s"}\n' "$1" "$2" "$3" "$4"
}

say "setup (scripts/setup.sh test: wasm tools, Chromium, Playwright)"
scripts/setup.sh test >&2

{
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(awk '/MemTotal/ {printf "%.1f GB RAM", $2/1048576}' /proc/meminfo)"
  echo "rustc: $(rustc --version)"
  echo "chromium: $(/usr/bin/chromium --version 2>/dev/null | grep -o '[0-9][0-9.]*' | head -n1)"
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo ' (with local changes)')"
} >"$OUT/machine.txt"
cat "$OUT/machine.txt" >&2

# --- native simulation and protocol efficiency --------------------------------------
if want sim || want proto || want explore; then
  filter=()
  want sim && filter+=(sim)
  want proto && filter+=(proto)
  want explore && filter+=(explore)
  say "native benches: cargo bench --bench simulation -- ${filter[*]}"
  collect cargo bench --bench simulation -- "${filter[@]}"
fi

# --- memory ---------------------------------------------------------------------------
if want memory; then
  say "memory: cargo bench --bench memory, under /usr/bin/time -v"
  cargo bench --bench memory --no-run >&2
  bin="$(cargo bench --bench memory --no-run --message-format=json 2>/dev/null | node -e '
    const lines = require("fs").readFileSync(0, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
    const a = lines.find((m) => m.reason === "compiler-artifact" && m.target && m.target.name === "memory" && m.executable);
    if (a) console.log(a.executable);')"
  [ -x "$bin" ] || { echo "[bench] could not find the memory bench binary" >&2; exit 1; }
  if [ -x /usr/bin/time ]; then
    collect /usr/bin/time -v -o "$OUT/memory.time" "$bin" --bench
    rss_kb="$(awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$OUT/memory.time")"
    bench_line memory "max resident set size (/usr/bin/time -v)" "$(awk -v k="$rss_kb" 'BEGIN {printf "%.2f", k/1024}')" MB >>"$RESULTS"
  else
    echo "[bench] /usr/bin/time missing (Debian package time): no max RSS figure" >&2
    collect "$bin" --bench
  fi
  collect "$bin" --bench timeline
fi

# --- fuzzer ---------------------------------------------------------------------------
# The same seeds on 1 thread and on every core (--jobs), FUZZ_RUNS times each, the job
# counts alternated; each job count's figures are those of its median run (by elapsed time).
# Every run must report the same steps and violations (the result does not depend on --jobs).
if want fuzz; then
  cargo build --release --bin paxoscope >&2
  jobs="$(nproc)"
  counts=1
  [ "$jobs" -gt 1 ] && counts="1 $jobs"
  fuzz_runs="$OUT/fuzz-runs.jsonl"
  : >"$fuzz_runs"
  for run in $(seq "$FUZZ_RUNS"); do
    for j in $counts; do
      say "fuzzer: target/release/paxoscope fuzz --seeds $FUZZ_SEEDS --jobs $j (run $run of $FUZZ_RUNS)"
      last="$(target/release/paxoscope fuzz --seeds "$FUZZ_SEEDS" --jobs "$j" 2>/dev/null | tail -n1)"
      echo "  $last" >&2
      echo "$last" >>"$fuzz_runs"
    done
  done
  node -e '
    const runs = require("fs").readFileSync(process.argv[1], "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
    const same = runs.every((r) => r.total_steps === runs[0].total_steps && r.violations === runs[0].violations);
    if (!same) console.error("[bench] fuzz runs differ in steps or violations: " + JSON.stringify(runs.map((r) => [r.jobs, r.total_steps, r.violations])));
    for (const jobs of [...new Set(runs.map((r) => r.jobs))]) {
      const mine = runs.filter((r) => r.jobs === jobs).sort((a, b) => a.elapsed_ms - b.elapsed_ms);
      const r = mine[(mine.length - 1) >> 1];
      const s = r.elapsed_ms / 1000;
      const runs_ms = runs.filter((x) => x.jobs === jobs).map((x) => x.elapsed_ms);
      const line = (name, value, unit) => console.log(JSON.stringify({ section: "fuzz", name, value, unit,
        jobs: r.jobs, seeds: r.seeds, total_steps: r.total_steps, elapsed_ms: r.elapsed_ms, runs_ms,
        violations: r.violations }));
      const j = `${r.jobs} job${r.jobs === 1 ? "" : "s"}`;
      line(`seeds/s, ${j}`, r.seeds / s, "1/s");
      line(`steps/s (checker on), ${j}`, r.total_steps / s, "1/s");
      line(`violations in ${r.seeds} seeds, ${j}`, r.violations, "");
    }
  ' "$fuzz_runs" >>"$RESULTS"
fi

# --- wasm build, dist size --------------------------------------------------------------
if want size || want wasm || want page; then
  say "wasm build and dist/ (make dist)"
  make --no-print-directory dist >&2
fi
if want wasm || want page; then
  # The page's files with a module that also exports BenchWorld (src/bench_api.rs), which
  # the shipped module leaves out: built with the bench-api feature into target/bench/www.
  say "wasm build with the benchmark hook: wasm-pack build -- --features bench-api"
  rm -rf "$OUT/www" && mkdir -p "$OUT/www" && cp -R www/. "$OUT/www/" && rm -rf "$OUT/www/pkg"
  wasm-pack build --target web --release --out-dir "$PWD/$OUT/www/pkg" -- --features bench-api >&2
  export BENCH_WWW="$PWD/$OUT/www"
fi
if want size; then
  node -e '
    const fs = require("fs"), zlib = require("zlib"), path = require("path");
    const walk = (d) => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]);
    const files = walk("dist");
    const kinds = { wasm: /\.wasm$/, js: /\.m?js$/, css: /\.css$/, html: /\.html$/ };
    let total = { raw: 0, gz: 0 };
    for (const [kind, re] of Object.entries(kinds)) {
      const fs_ = files.filter((f) => re.test(f));
      const raw = fs_.reduce((a, f) => a + fs.statSync(f).size, 0);
      const gz = fs_.reduce((a, f) => a + zlib.gzipSync(fs.readFileSync(f), { level: 9 }).length, 0);
      total.raw += raw; total.gz += gz;
      console.log("BENCH " + JSON.stringify({ section: "size", name: `${kind} gzipped`, value: gz / 1024, unit: "KB", raw_kb: raw / 1024, files: fs_.length }));
    }
    console.log("BENCH " + JSON.stringify({ section: "size", name: "wasm + JS + CSS + HTML gzipped", value: total.gz / 1024, unit: "KB", raw_kb: total.raw / 1024 }));
  ' | tee >(sed -n 's/^BENCH //p' >>"$RESULTS") | sed 's/^BENCH /  /' >&2
fi

# --- browser ------------------------------------------------------------------------------
if want search && ! want wasm && ! want page; then
  say "wasm build for the Search panel's worker (make build)"
  make --no-print-directory build >&2
fi
if want wasm || want page || want search; then
  parts=()
  want wasm && parts+=(wasm)
  want search && parts+=(search)
  want page && parts+=(page)
  say "headless Chromium: node scripts/bench-browser.mjs ${parts[*]}"
  collect node scripts/bench-browser.mjs "${parts[@]}"
fi

say "results: $RESULTS"
node scripts/bench-table.mjs "$RESULTS" "$OUT/machine.txt" | tee "$OUT/table.md"
