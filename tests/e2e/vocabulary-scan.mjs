// Finds vocabulary-looking names in JavaScript sources (the page in www/ and the e2e mock),
// for tests/e2e/vocabulary.spec.mjs: every name found must be one the core's vocabulary()
// has (src/vocabulary.rs). Plain Node, no dependencies.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './helpers.mjs';

export const MOCK = path.join(ROOT, 'tests/e2e/fixtures/mock-paxoscope.js');

/** name → category ('kind', 'role', 'phase', 'invariant', 'bug', 'event') of the core's vocabulary. */
export function categories(vocab) {
  const cats = {
    kind: new Set(vocab.messages.map((k) => k.name)),
    role: new Set(vocab.roles.map((t) => t.name)),
    phase: new Set(vocab.phases.map((t) => t.name)),
    invariant: new Set(vocab.invariants.map((t) => t.name)),
    bug: new Set(vocab.bugs.map((t) => t.name)),
    event: new Set((vocab.events || []).map((t) => t.name)),
  };
  return cats;
}

// ------------------------------------------------------------------ a small JS tokenizer
// Enough of JavaScript to find string literals (quotes and the static text of templates),
// identifiers and brackets, skipping comments and regular expressions.
export function tokenize(src) {
  const out = [];
  let i = 0;
  const stack = []; // open template literals: brace depth inside their ${...}
  const regexAllowed = () => {
    const p = out[out.length - 1];
    if (!p) return true;
    if (p.t === 'num' || p.t === 'str') return false;
    if (p.t === 'id') return ['return', 'typeof', 'case', 'of', 'in', 'new', 'delete', 'void', 'throw', 'else'].includes(p.v);
    return !(p.v === ')' || p.v === ']' || p.v === '}');
  };
  const readTemplate = () => { // at the character after ` or after the } closing ${...}
    let text = '';
    while (i < src.length) {
      const c = src[i];
      if (c === '\\') { text += src[i + 1]; i += 2; continue; }
      if (c === '`') { i++; out.push({ t: 'str', v: text }); return; }
      if (c === '$' && src[i + 1] === '{') { i += 2; out.push({ t: 'str', v: text }); stack.push(0); return; }
      text += c; i++;
    }
  };
  while (i < src.length) {
    const c = src[i];
    if (c === '/' && src[i + 1] === '/') { while (i < src.length && src[i] !== '\n') i++; continue; }
    if (c === '/' && src[i + 1] === '*') { i = src.indexOf('*/', i + 2) + 2; if (i < 2) break; continue; }
    if (/\s/.test(c)) { i++; continue; }
    if (c === '\'' || c === '"') {
      let v = ''; i++;
      while (i < src.length && src[i] !== c) { if (src[i] === '\\') { v += src[i + 1]; i += 2; } else v += src[i++]; }
      i++;
      out.push({ t: 'str', v });
      continue;
    }
    if (c === '`') { i++; readTemplate(); continue; }
    if (c === '/' && regexAllowed()) {
      i++;
      let inClass = false;
      while (i < src.length && (inClass || src[i] !== '/')) {
        if (src[i] === '\\') i++;
        else if (src[i] === '[') inClass = true;
        else if (src[i] === ']') inClass = false;
        i++;
      }
      i++;
      while (/[a-z]/.test(src[i] || '')) i++;
      out.push({ t: 'regex' });
      continue;
    }
    const id = /^[A-Za-z_$][\w$]*/.exec(src.slice(i, i + 80));
    if (id) { out.push({ t: 'id', v: id[0] }); i += id[0].length; continue; }
    const num = /^\d[\d._xa-fA-Fe]*/.exec(src.slice(i, i + 40));
    if (num) { out.push({ t: 'num', v: num[0] }); i += num[0].length; continue; }
    if (stack.length && c === '{') stack[stack.length - 1]++;
    if (stack.length && c === '}') {
      if (stack[stack.length - 1] === 0) { stack.pop(); i++; readTemplate(); continue; }
      stack[stack.length - 1]--;
    }
    out.push({ t: 'p', v: c });
    i++;
  }
  return out;
}

const NAME_SHAPED = /^[A-Za-z][\w-]*$/;
/** Object keys whose string value names a core word of one category. */
const KEYED = { event: 'event', invariant: 'invariant', violation: 'invariant', bug: 'bug' };

/**
 * The vocabulary-looking names of one JS file, each with why it must be a core name:
 *  - the string items of an array, the keys of an object literal or the case labels of a
 *    switch, when that collection already names core words of one category ("siblings");
 *  - the argument of `roles.includes(...)` (a role) and `bugs.includes(...)` (a bug);
 *  - the string value of an `event:`, `invariant:`, `violation:` or `bug:` key (the tour's
 *    chapters name event kinds, invariants and bugs that way);
 *  - any PascalCase word of two or more parts in any string (it reads as a message kind).
 */
export function namesToCheck(src, cats) {
  const toks = tokenize(src);
  const found = []; // { name, want: category, why }
  const frames = [];
  const isOpen = (t) => t.t === 'p' && '([{'.includes(t.v);
  const isClose = (t) => t.t === 'p' && ')]}'.includes(t.v);
  for (let k = 0; k < toks.length; k++) {
    const t = toks[k], prev = toks[k - 1], next = toks[k + 1];
    if (isOpen(t)) { frames.push({ open: t.v, items: [], keys: [], cases: [] }); continue; }
    if (isClose(t)) {
      const f = frames.pop();
      if (f) checkSiblings(f);
      continue;
    }
    const f = frames[frames.length - 1];
    if (t.t === 'str') {
      for (const w of t.v.match(/\b[A-Z][a-z]+(?:[A-Z][a-z]+)+\b/g) || []) {
        if (!cats.kind.has(w) && !JS_WORDS.has(w)) found.push({ name: w, want: 'kind', why: `"${w}" reads as a message kind` });
      }
    }
    if (t.t === 'id' && t.v === 'includes' && prev && prev.v === '.' && next && next.v === '(') {
      const recv = toks[k - 2], arg = toks[k + 2], close = toks[k + 3];
      if (arg && arg.t === 'str' && close && close.v === ')' && recv && recv.t === 'id') {
        const want = { roles: 'role', bugs: 'bug' }[recv.v];
        if (want) found.push({ name: arg.v, want, why: `${recv.v}.includes('${arg.v}')` });
      }
    }
    if (t.t === 'str' && prev && prev.v === ':' && toks[k - 2] && toks[k - 2].t === 'id' && NAME_SHAPED.test(t.v)) {
      const want = KEYED[toks[k - 2].v];
      if (want) found.push({ name: t.v, want, why: `${toks[k - 2].v}: '${t.v}'` });
    }
    if (!f) continue;
    if (f.open === '[' && t.t === 'str' && prev && (prev.v === '[' || prev.v === ',') && next && (next.v === ',' || next.v === ']')) f.items.push(t.v);
    if (f.open === '{' && (t.t === 'str' || t.t === 'id') && prev && (prev.v === '{' || prev.v === ',') && next && next.v === ':') f.keys.push(t.v);
    if (f.open === '{' && t.t === 'str' && prev && prev.v === 'case') f.cases.push(t.v);
  }
  function checkSiblings(f) {
    for (const [list, what, min] of [[f.items, 'array', 1], [f.keys, 'object', 2], [f.cases, 'switch', 1]]) {
      const names = list.filter((x) => NAME_SHAPED.test(x));
      if (names.length < 2) continue;
      for (const [cat, set] of Object.entries(cats)) {
        if (cat === 'event') continue; // event kinds ('decided', 'chosen') are everyday words: keyed only
        const hits = names.filter((x) => set.has(x));
        if (hits.length < min) continue;
        for (const x of names) if (!set.has(x)) found.push({ name: x, want: cat, why: `${what} beside ${cat}s ${hits.slice(0, 3).join(', ')}` });
      }
    }
  }
  return found;
}

/** Multi-part capitalised words that are JavaScript and DOM names, not protocol messages. */
const JS_WORDS = new Set(['WebAssembly', 'RuntimeError', 'ArrowRight', 'ArrowLeft', 'ArrowUp', 'ArrowDown', 'PageUp', 'PageDown',
  'JavaScript', 'TypeError', 'SyntaxError', 'DataView', 'TextDecoder', 'TextEncoder', 'ResizeObserver', 'DecompressionStream', 'CompressionStream']);

export function sources() {
  const js = (dir) => readdirSync(path.join(ROOT, dir)).filter((f) => f.endsWith('.js')).map((f) => path.join(ROOT, dir, f));
  return [...js('www'), ...js('www/tour'), MOCK];
}

/** "www/x.js: 'Commit' is not a kind of the core (object beside kinds Prepare, ...)" for every bad name. */
export function foreignNames(vocab) {
  const cats = categories(vocab);
  const bad = [];
  for (const file of sources()) {
    for (const n of namesToCheck(readFileSync(file, 'utf8'), cats)) {
      if (!cats[n.want].has(n.name)) bad.push(`${path.relative(ROOT, file)}: '${n.name}' is not a ${n.want} of the core (${n.why})`);
    }
  }
  return bad;
}

