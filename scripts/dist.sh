#!/usr/bin/env bash
# Assembles dist/: a self-contained static copy of the page that works from any sub-path
# (for example https://user.github.io/paxoscope/). Expects www/pkg from
# `wasm-pack build --target web --release --out-dir www/pkg` (make dist does that first).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

WWW=www
PKG=www/pkg
DIST=dist

[ -f "$PKG/paxoscope.js" ] && [ -f "$PKG/paxoscope_bg.wasm" ] ||
  { echo "[dist] ERROR: $PKG is not built; run: make dist" >&2; exit 1; }
[ -f "$WWW/index.html" ] || echo "[dist] WARNING: $WWW/index.html does not exist yet: dist/ will have no page" >&2

rm -rf "$DIST"
mkdir -p "$DIST/pkg"

# The page: everything in www/ except the wasm-pack output folder and the API types
# (www/types: TypeScript declarations for tsc, not served).
(cd "$WWW" && find . -mindepth 1 -maxdepth 1 ! -name pkg ! -name types -exec cp -R {} "../$DIST/" \;)

# The wasm module and its JS glue; not wasm-pack's package.json, README, .d.ts, .gitignore.
cp "$PKG/paxoscope.js" "$PKG/paxoscope_bg.wasm" "$DIST/pkg/"
[ -d "$PKG/snippets" ] && cp -R "$PKG/snippets" "$DIST/pkg/"
# GitHub Pages: serve files as they are (no Jekyll processing of _-prefixed names).
touch "$DIST/.nojekyll"

# Smaller downloads: esbuild (npm, pinned in tools/package.json, installed by setup.sh)
# bundles the page's ES modules into one minified main.js, and minifies the CSS and the
# wasm glue. The glue stays a separate module: main.js loads it with import(). Without
# esbuild, dist/ keeps the plain sources (it works the same, only bigger).
if command -v esbuild >/dev/null 2>&1 && [ -f "$WWW/main.js" ]; then
  meta="$(mktemp)"
  esbuild "$WWW/main.js" --bundle --format=esm --minify --target=es2020 --log-level=warning \
    --metafile="$meta" --outfile="$DIST/main.js" --allow-overwrite
  # The modules now inside main.js are not needed as separate files.
  node -e '
    const path = require("path"), fs = require("fs");
    const meta = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
    for (const input of Object.keys(meta.inputs)) {
      const rel = path.relative(process.argv[2], input);
      if (rel !== "main.js" && !rel.startsWith("..")) fs.rmSync(path.join(process.argv[3], rel), { force: true });
    }' "$meta" "$WWW" "$DIST"
  rm -f "$meta"
  find "$DIST" -name '*.css' -exec esbuild {} --minify --log-level=warning --outfile={} --allow-overwrite \;
  # The other modules, minified in place: the wasm glue and the modules main.js does not
  # import but starts (search-worker.js, a module Web Worker that loads the glue itself).
  find "$DIST" \( -name '*.js' -o -name '*.mjs' \) ! -path "$DIST/main.js" -exec \
    esbuild {} --minify --format=esm --target=es2020 --log-level=warning --outfile={} --allow-overwrite \;
  find "$DIST" -type d -empty -delete
else
  echo "[dist] WARNING: esbuild not found (scripts/setup.sh installs it): JS and CSS are not minified" >&2
fi

# Only relative URLs, so the folder works under any sub-path. Catch the common absolute forms:
# src="/x", href="/x", url(/x), import ... from "/x", import("/x"), fetch("/x").
abs="$(grep -rnoE \
  "(src|href|action)=[\"']/[^/\"']|url\(\s*[\"']?/[^/]|from\s+[\"']/[^/]|import\(\s*[\"']/[^/]|fetch\(\s*[\"']/[^/]" \
  --include='*.html' --include='*.css' --include='*.js' --include='*.mjs' "$DIST" || true)"
if [ -n "$abs" ]; then
  echo "[dist] ERROR: absolute URLs found; dist/ must use relative URLs to work under a sub-path:" >&2
  echo "$abs" >&2
  exit 1
fi

# Sizes: raw and gzipped (gzip -9, what a static host typically serves).
size_row() { # label files...
  local label="$1" raw=0 gz=0 f
  shift
  [ $# -gt 0 ] || { printf '  %-6s %10s\n' "$label" "(none)"; return; }
  for f in "$@"; do
    raw=$((raw + $(wc -c <"$f")))
    gz=$((gz + $(gzip -9 -c "$f" | wc -c)))
  done
  printf '  %-6s %10d bytes raw %10d bytes gzipped  (%d file%s)\n' "$label" "$raw" "$gz" $# "$([ $# -eq 1 ] || echo s)"
}
mapfile -t wasm < <(find "$DIST" -name '*.wasm' | sort)
mapfile -t js < <(find "$DIST" \( -name '*.js' -o -name '*.mjs' \) | sort)
mapfile -t css < <(find "$DIST" -name '*.css' | sort)
mapfile -t all < <(find "$DIST" -type f ! -name .nojekyll | sort)
echo "[dist] wrote $DIST/ ($(find "$DIST" -type f | wc -l) files):"
size_row wasm "${wasm[@]}"
size_row js "${js[@]}"
size_row css "${css[@]}"
size_row total "${all[@]}"
