// Part of the `types` stage: the .d.ts wasm-bindgen generated (www/pkg/paxoscope.d.ts)
// types every value of the wasm API, with no `any` (or `unknown`) left outside comments.
// The one place skipped is `InitOutput`, the module's raw exports (pointers and
// externrefs), which the page never calls.
//   node no-any.mjs [path to the .d.ts]
import { readFileSync } from 'node:fs';

const path = process.argv[2] ?? new URL('../../www/pkg/paxoscope.d.ts', import.meta.url).pathname;
// Removed text keeps its line breaks, so the line numbers below are the file's.
const blank = (m) => m.replace(/[^\n]/g, '');
const text = readFileSync(path, 'utf8')
  .replace(/\/\*[\s\S]*?\*\//g, blank)
  .replace(/\/\/[^\n]*/g, '')
  .replace(/export interface InitOutput \{[\s\S]*?\n\}/, blank);
const loose = text.split('\n').map((line, i) => [i + 1, line]).filter(([, line]) => /\b(any|unknown)\b/.test(line));
if (loose.length) {
  console.error(`${path}: the wasm API still has loose types:`);
  for (const [n, line] of loose) console.error(`  ${n}: ${line.trim()}`);
  process.exit(1);
}
if (!/export type StateView\b/.test(text) || !/view\(\): StateView;/.test(text)) {
  console.error(`${path}: the API's types (www/types/api.d.ts) are missing: rebuild with make build`);
  process.exit(1);
}
console.log(`${path}: every value of the wasm API is typed (no any)`);
