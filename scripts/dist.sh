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

# The page: everything in www/ except the wasm-pack output folder.
(cd "$WWW" && find . -mindepth 1 -maxdepth 1 ! -name pkg -exec cp -R {} "../$DIST/" \;)

# The wasm module and its JS glue; not wasm-pack's package.json, README, .d.ts, .gitignore.
cp "$PKG/paxoscope.js" "$PKG/paxoscope_bg.wasm" "$DIST/pkg/"
[ -d "$PKG/snippets" ] && cp -R "$PKG/snippets" "$DIST/pkg/"
# GitHub Pages: serve files as they are (no Jekyll processing of _-prefixed names).
touch "$DIST/.nojekyll"

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
