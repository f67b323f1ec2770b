#!/usr/bin/env node
// Where the bytes of dist/ are (docs/size.md): the wasm module's code by crate and module,
// its data, its biggest functions, and the page's JS by source module. Run after `make dist`:
//
//   node scripts/size-breakdown.mjs            markdown tables on stdout
//   node scripts/size-breakdown.mjs --top 60   more of the biggest functions
//
// The shipped module has no names. Cargo's own output (target/wasm32-unknown-unknown/
// release/paxoscope.wasm, which make dist leaves behind) still has its name section, so
// this runs the same wasm-bindgen and wasm-opt -Oz as wasm-pack, keeping names (-g), into
// target/size/: the same code byte for byte, with names. Gzip figures of a part are that
// part gzipped alone (gzip -9), so they add up to a little more than the whole.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tools = [path.join(root, '.tools/npm/node_modules/.bin'), path.join(root, '.tools/bin')];
const env = { ...process.env, PATH: [...tools, process.env.PATH].join(path.delimiter) };
const out = path.join(root, 'target/size');
const top = Number(process.argv[process.argv.indexOf('--top') + 1]) || 25;
const gz = (b) => zlib.gzipSync(b, { level: 9 }).length;
const kb = (n) => (n / 1024).toFixed(1);
const pct = (n, t) => `${((100 * n) / t).toFixed(1)} %`;

// --- the wasm module, with names ------------------------------------------------------
const cargoWasm = path.join(root, 'target/wasm32-unknown-unknown/release/paxoscope.wasm');
if (!fs.existsSync(cargoWasm)) {
  console.error(`size-breakdown: ${path.relative(root, cargoWasm)} is missing: run make dist first`);
  process.exit(1);
}
fs.mkdirSync(out, { recursive: true });
execFileSync('wasm-bindgen', ['--target', 'web', '--out-dir', path.join(out, 'bg'), cargoWasm], { env, stdio: 'inherit' });
const named = path.join(out, 'named.wasm');
execFileSync('wasm-opt', ['-Oz', '-g', '--strip-producers', '--strip-target-features',
  path.join(out, 'bg/paxoscope_bg.wasm'), '-o', named], { env, stdio: 'inherit' });

const bytes = fs.readFileSync(named);
let pos = 8;
const leb = () => {
  let r = 0, s = 0, x;
  do { x = bytes[pos++]; r += (x & 0x7f) * 2 ** s; s += 7; } while (x & 0x80);
  return r;
};
const str = () => { const n = leb(); const s = bytes.subarray(pos, pos + n).toString('utf8'); pos += n; return s; };
let importedFuncs = 0;
const bodies = []; // [index among defined functions, bytes]
const segments = [];
const names = new Map();
const sectionSizes = [];
while (pos < bytes.length) {
  const id = bytes[pos++];
  const size = leb();
  const end = pos + size;
  if (id === 0) {
    const name = str();
    sectionSizes.push([`custom "${name}"`, size]);
    while (name === 'name' && pos < end) {
      const sub = bytes[pos++], subSize = leb(), subEnd = pos + subSize;
      if (sub === 1) for (let n = leb(); n > 0; n--) { const i = leb(); names.set(i, str()); }
      pos = subEnd;
    }
  } else {
    sectionSizes.push([['type', 'import', 'function', 'table', 'memory', 'global', 'export', 'start', 'element', 'code', 'data', 'data count'][id - 1] ?? `#${id}`, size]);
  }
  if (id === 2) {
    for (let n = leb(); n > 0; n--) {
      str(); str();
      const kind = bytes[pos++];
      if (kind === 0) { leb(); importedFuncs++; }
      else if (kind === 1) { pos++; const fl = bytes[pos++]; leb(); if (fl & 1) leb(); }
      else if (kind === 2) { const fl = bytes[pos++]; leb(); if (fl & 1) leb(); }
      else if (kind === 3) pos += 2;
    }
  } else if (id === 10) {
    for (let n = leb(), i = 0; i < n; i++) { const s = leb(); bodies.push([i, bytes.subarray(pos, pos + s)]); pos += s; }
  } else if (id === 11) {
    for (let n = leb(); n > 0; n--) {
      const fl = leb();
      if (fl === 0) { while (bytes[pos] !== 0x0b) pos++; pos++; } else if (fl === 2) { leb(); while (bytes[pos] !== 0x0b) pos++; pos++; }
      const s = leb(); segments.push(bytes.subarray(pos, pos + s)); pos += s;
    }
  }
  pos = end;
}
const shipped = fs.readFileSync(path.join(root, 'dist/pkg/paxoscope_bg.wasm'));
const funcs = bodies.map(([i, b]) => ({ name: (names.get(i + importedFuncs) ?? `#${i}`).replace(/\[[0-9a-f]+\]/g, ''), b }));
const codeBytes = funcs.reduce((a, f) => a + f.b.length, 0);
const data = Buffer.concat(segments);

// A function's group: its module path to two or three levels (paxoscope::sim::world,
// core::fmt, …); wasm-bindgen's export shims (into which wasm-opt inlines the exported
// function's body) form one group.
const group = (name) => {
  if (/ shim/.test(name)) return 'wasm-bindgen export shims (exported bodies inlined)';
  const m = name.match(/([a-z_][a-z0-9_]*(?:::[A-Za-z_][A-Za-z0-9_]*)+)/);
  if (!m) return 'other';
  const parts = m[1].split('::');
  return parts.slice(0, parts[0] === 'paxoscope' ? 3 : 2).join('::');
};
const crate = (name) => {
  const g = group(name);
  if (g.startsWith('wasm-bindgen')) return g;
  if (g.startsWith('paxoscope::')) return g.split('::').slice(0, 2).join('::');
  return ['core', 'alloc', 'std', 'hashbrown', 'dlmalloc'].includes(g.split('::')[0])
    ? 'Rust std (core, alloc, std, hashbrown, dlmalloc)' : g.split('::')[0];
};
const table = (by) => {
  const m = new Map();
  for (const f of funcs) { const k = by(f.name); (m.get(k) ?? m.set(k, []).get(k)).push(f.b); }
  return [...m].map(([k, bs]) => ({ k, n: bs.length, raw: bs.reduce((a, b) => a + b.length, 0), gz: gz(Buffer.concat(bs)) }))
    .sort((a, b) => b.raw - a.raw);
};

const lines = [];
const say = (s = '') => lines.push(s);
say(`## The wasm module: ${kb(shipped.length)} KB raw, ${kb(gz(shipped))} KB gzipped`);
say();
say('| part | raw KB | gzipped alone, KB |');
say('| --- | ---: | ---: |');
say(`| code (${funcs.length} functions) | ${kb(codeBytes)} | ${kb(gz(Buffer.concat(funcs.map((f) => f.b))))} |`);
say(`| data (strings: descriptions, presets, JSON keys, messages) | ${kb(data.length)} | ${kb(gz(data))} |`);
const rest = shipped.length - codeBytes - data.length;
say(`| the rest (types, imports, exports, tables, section headers) | ${kb(rest)} | |`);
say();
say('### Code by crate');
say();
say('| crate | functions | raw KB | share of code | gzipped alone, KB |');
say('| --- | ---: | ---: | ---: | ---: |');
for (const r of table(crate)) say(`| ${r.k} | ${r.n} | ${kb(r.raw)} | ${pct(r.raw, codeBytes)} | ${kb(r.gz)} |`);
say();
say('### Code by module (the 30 biggest)');
say();
say('| module | functions | raw KB | share of code | gzipped alone, KB |');
say('| --- | ---: | ---: | ---: | ---: |');
for (const r of table(group).slice(0, 30)) say(`| ${r.k} | ${r.n} | ${kb(r.raw)} | ${pct(r.raw, codeBytes)} | ${kb(r.gz)} |`);
say();
say(`### The ${top} biggest functions`);
say();
say('| function | raw bytes |');
say('| --- | ---: |');
for (const f of [...funcs].sort((a, b) => b.b.length - a.b.length).slice(0, top)) {
  say(`| \`${f.name.replace(/::h[0-9a-f]{16}$/, '').replace(/\|/g, '\\|')}\` | ${f.b.length} |`);
}

// --- the page's JS, by source module ---------------------------------------------------
const meta = path.join(out, 'meta.json');
execFileSync('esbuild', [path.join(root, 'www/main.js'), '--bundle', '--format=esm', '--minify', '--target=es2020',
  '--log-level=warning', `--metafile=${meta}`, `--outfile=${path.join(out, 'main.js')}`, '--allow-overwrite'], { env, stdio: 'inherit' });
const output = Object.values(JSON.parse(fs.readFileSync(meta, 'utf8')).outputs).find((o) => o.entryPoint);
const jsRaw = Object.values(output.inputs).reduce((a, i) => a + i.bytesInOutput, 0);
const jsGz = gz(fs.readFileSync(path.join(out, 'main.js')));
say();
say(`## main.js: ${kb(jsRaw)} KB minified, ${kb(jsGz)} KB gzipped`);
say();
say('Bytes each source module adds to the minified bundle (esbuild\'s metafile); its gzipped share is');
say('estimated in proportion (one bundle is gzipped as a whole).');
say();
say('| module | minified KB | ≈ gzipped KB |');
say('| --- | ---: | ---: |');
for (const [k, v] of Object.entries(output.inputs).sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput)) {
  say(`| ${k.replace(/^.*?www\//, 'www/')} | ${kb(v.bytesInOutput)} | ${kb((jsGz * v.bytesInOutput) / jsRaw)} |`);
}

// --- every file of dist/ ----------------------------------------------------------------
const walk = (d) => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]);
const files = walk(path.join(root, 'dist')).filter((f) => !f.endsWith('.nojekyll'))
  .map((f) => { const b = fs.readFileSync(f); return { f: path.relative(root, f), raw: b.length, gz: gz(b) }; })
  .sort((a, b) => b.gz - a.gz);
say();
say(`## dist/: ${kb(files.reduce((a, f) => a + f.gz, 0))} KB gzipped`);
say();
say('| file | raw KB | gzipped KB |');
say('| --- | ---: | ---: |');
for (const f of files) say(`| ${f.f} | ${kb(f.raw)} | ${kb(f.gz)} |`);
console.log(lines.join('\n'));
