// @ts-check
// Sharing: the URL-hash codec and the export/import file format.
//
// The hash always encodes the scenario (config + seed + every recorded action) and the
// current step, so opening the link rebuilds exactly the same state:
//   #z=<base64url(deflate-raw(scenario JSON))>&step=57   (CompressionStream available)
//   #j=<base64url(scenario JSON)>&step=57                (plain fallback)
//   #preset=minority-partition[&step=12]                 (a friendly link to a preset, at a step)
//   #tour=one-slot&stop=3                                (a stop of the guided tour)

export const FILE_FORMAT = 'paxoscope-run';

/** @param {Uint8Array} bytes */
function bytesToB64url(bytes) {
  let bin = '';
  const CH = 0x8000;
  for (let i = 0; i < bytes.length; i += CH) bin += String.fromCharCode(...bytes.subarray(i, i + CH));
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** @param {string} text */
function b64urlToBytes(text) {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error('the link data contains characters that are not base64url');
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((text.length + 3) % 4);
  let bin;
  try { bin = atob(b64); } catch { throw new Error('the link data is not valid base64url'); }
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** @param {Uint8Array<ArrayBuffer>} bytes @param {CompressionStream | DecompressionStream} stream */
async function pipe(bytes, stream) {
  const out = new Response(new Blob([bytes]).stream().pipeThrough(stream));
  return new Uint8Array(await out.arrayBuffer());
}

export const canCompress = typeof CompressionStream === 'function' && typeof DecompressionStream === 'function';

/** The last scenario encoded: a seek changes only the step, so it is not compressed again. */
let lastEncoded = { json: '', data: '' };

/**
 * Encodes a scenario JSON string and a step into a URL hash (with its leading '#').
 * @param {string} scenarioJson
 * @param {number} step
 */
export async function encodeHash(scenarioJson, step) {
  if (lastEncoded.json === scenarioJson) return `#${lastEncoded.data}&step=${step}`;
  const raw = new TextEncoder().encode(scenarioJson);
  let data;
  if (canCompress) {
    try {
      data = 'z=' + bytesToB64url(await pipe(raw, new CompressionStream('deflate-raw')));
    } catch { data = null; }
  }
  if (!data) data = 'j=' + bytesToB64url(raw);
  lastEncoded = { json: scenarioJson, data };
  return `#${data}&step=${step}`;
}

/** The hash of a stop of the guided tour (stops count from 1). @param {string} chapter @param {number} stop */
export function tourHash(chapter, stop) {
  return `#tour=${encodeURIComponent(chapter)}&stop=${stop}`;
}

/**
 * Decodes a URL hash. Returns null for an empty hash, {preset, step} for a preset link (step
 * null: the preset's own last step), {tour, stop} for a tour link, or {scenario, step} with
 * the scenario as a JSON string. Throws an Error that says what is wrong with a malformed
 * link.
 * @param {string} hash
 * @returns {Promise<null | { preset: string, step: number | null, tour?: undefined, scenario?: undefined, stop?: undefined }
 *   | { tour: string, stop: number, preset?: undefined, scenario?: undefined, step?: undefined }
 *   | { scenario: string, step: number | null, preset?: undefined, tour?: undefined, stop?: undefined }>}
 */
export async function decodeHash(hash) {
  const text = (hash || '').replace(/^#/, '');
  if (!text) return null;
  // An in-page anchor (the skip link's #stage), not a run: nothing to open.
  if (/^[A-Za-z][\w-]*$/.test(text) && typeof document !== 'undefined' && document.getElementById(text)) return null;
  const params = new URLSearchParams(text);
  let step = null;
  if (params.has('step')) {
    const st = params.get('step');
    if (!/^\d+$/.test(st)) throw new Error(`the step in the link ("${st}") is not a whole number`);
    step = Number(st);
  }
  if (params.has('preset')) return { preset: params.get('preset'), step };
  if (params.has('tour')) {
    const st = params.has('stop') ? params.get('stop') : '1';
    if (!/^\d+$/.test(st) || Number(st) < 1) throw new Error(`the tour stop in the link ("${st}") is not a stop number (1, 2, …)`);
    return { tour: params.get('tour'), stop: Number(st) };
  }
  let json;
  if (params.has('z')) {
    if (!canCompress) throw new Error('this browser cannot decompress the link (no DecompressionStream)');
    const bytes = b64urlToBytes(params.get('z'));
    try {
      json = new TextDecoder('utf-8', { fatal: true }).decode(await pipe(bytes, new DecompressionStream('deflate-raw')));
    } catch {
      throw new Error('the link data is corrupted (it does not decompress); was it cut short when copied?');
    }
  } else if (params.has('j')) {
    try {
      json = new TextDecoder('utf-8', { fatal: true }).decode(b64urlToBytes(params.get('j')));
    } catch (e) {
      throw new Error(`the link data is corrupted (${e.message})`);
    }
  } else {
    throw new Error('the link has no scenario in it (expected #z=…, #j=…, #preset=… or #tour=…)');
  }
  let parsed;
  try { parsed = JSON.parse(json); } catch { throw new Error('the link data is not a valid scenario (bad JSON)'); }
  checkScenarioShape(parsed);
  return { scenario: json, step };
}

/** @param {any} sc a parsed scenario */
function checkScenarioShape(sc) {
  if (!sc || typeof sc !== 'object' || Array.isArray(sc)) throw new Error('a scenario must be a JSON object');
  for (const k of ['config', 'seed', 'actions']) {
    if (!(k in sc)) throw new Error(`the scenario has no "${k}" field`);
  }
  if (!Array.isArray(sc.actions)) throw new Error('the scenario\'s "actions" must be a list');
}

/**
 * The export file: the scenario plus the step being viewed, self-describing.
 * @param {string} scenarioJson
 * @param {number} step
 * @param {string} version
 */
export function runFile(scenarioJson, step, version) {
  const doc = {
    format: FILE_FORMAT, version: 1, paxoscope: version, exported_at: new Date().toISOString(),
    step, scenario: JSON.parse(scenarioJson),
  };
  return JSON.stringify(doc, null, 1);
}

/**
 * Starts a download of the run as a JSON file; returns its name.
 * @param {string} scenarioJson
 * @param {number} step
 * @param {string} version
 */
export function downloadRun(scenarioJson, step, version) {
  const blob = new Blob([runFile(scenarioJson, step, version)], { type: 'application/json' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = `paxoscope-step-${step}.json`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
  return a.download;
}

/**
 * Parses an imported file's text: either our export format or a bare scenario
 * ({config, seed, actions}). Returns {scenario (JSON string), step|null}; throws a readable Error.
 * @param {string} text
 * @returns {{ scenario: string, step: number | null }}
 */
export function parseRunFile(text, fileName = 'the file') {
  let doc;
  try { doc = JSON.parse(text); } catch (e) {
    throw new Error(`${fileName} is not JSON (${e.message})`);
  }
  if (doc && typeof doc === 'object' && doc.format === FILE_FORMAT) {
    checkScenarioShape(doc.scenario);
    const step = Number.isInteger(doc.step) && doc.step >= 0 ? doc.step : null;
    return { scenario: JSON.stringify(doc.scenario), step };
  }
  if (doc && typeof doc === 'object' && 'config' in doc && 'actions' in doc) {
    checkScenarioShape(doc);
    return { scenario: JSON.stringify(doc), step: null };
  }
  throw new Error(`${fileName} is not a Paxoscope run (expected "format": "${FILE_FORMAT}" or a scenario with config, seed and actions)`);
}

// ---------------------------------------------------------------------------------------
// The core's reasons, in the person's terms.
//
// The core reads a scenario as serde_json would and says what is wrong in serde's words, at
// a line and column ("invalid type: string \"x\", expected struct RawLayout at line 1
// column 31"): the names of Rust types, and a place in text nobody sees. explainScenarioError
// turns that into the field it is about (config.layout), what it holds, and what it must
// hold, with an example.

/** What the core's struct names stand for, with an example of a good value. */
const STRUCTS = /** @type {Record<string, string>} */ ({
  Scenario: 'a scenario: {"config": {…}, "seed": 1, "actions": […]}',
  SimConfig: 'the run\'s settings, an object such as {"layout": {"kind": "servers", "n": 5}, "clients": 2}',
  RawLayout: 'a layout: {"kind": "servers", "n": 5} (1 to 9 servers) or {"kind": "seed"}',
  RawNetworkConfig: 'the network settings, an object such as {"drop_per_mille": 0, "dup_per_mille": 0, "delay_ticks_max": 0}',
  NetworkConfig: 'the network settings, an object such as {"drop_per_mille": 0, "dup_per_mille": 0, "delay_ticks_max": 0}',
  FaultConfig: 'the random faults, an object such as {"crash_per_mille": 0, "restart_per_mille": 0}',
  Workload: 'the workload, an object such as {"script": [], "random_ops": 0, "keys": 1}',
  ScriptedOp: 'a scripted command, an object such as {"client": 1, "op": {"op": "put", "key": "x", "value": "1"}}',
  RawOp: 'a client operation, such as {"op": "put", "key": "x", "value": "1"}, {"op": "get", "key": "x"} or {"op": "cas", "key": "x", "expected": null, "value": "1"}',
  RawAction: 'an action, such as {"type": "step"}, {"type": "deliver", "id": 3} or {"type": "crash", "node": 2}',
  Roles: 'a set of roles: {"proposer": true, "acceptor": true, "replica": true}',
  NodeSpec: 'a node, such as {"id": 4, "roles": {"proposer": true, "acceptor": true, "replica": true}}',
});

/** serde's name of what was expected, said plainly. @param {string} exp */
function expectedText(exp) {
  const st = /^struct (\w+)$/.exec(exp);
  if (st) return STRUCTS[st[1]] || 'an object {…}';
  if (/^(u8|u16|u32|u64|usize)$/.test(exp)) return 'a whole number (0 or more)';
  if (/^(i8|i16|i32|i64|isize)$/.test(exp)) return 'a whole number';
  if (/^(f32|f64)$/.test(exp)) return 'a number';
  return /** @type {Record<string, string>} */ ({ 'a sequence': 'a list [ … ]', 'a boolean': 'true or false', 'a string': 'a text in quotes', unit: 'nothing (null)', 'a map': 'an object {…}' })[exp] || exp;
}

/** serde's name of what was found, said plainly ("string \"x\"" → the text "x"). @param {string} found */
function foundText(found) {
  let m;
  if ((m = /^string (".*")$/.exec(found))) return `the text ${m[1]}`;
  if ((m = /^(?:integer|floating point) `(.*)`$/.exec(found))) return `the number ${m[1]}`;
  if ((m = /^boolean `(.*)`$/.exec(found))) return m[1];
  return /** @type {Record<string, string>} */ ({ sequence: 'a list', map: 'an object', null: 'null' })[found] || found;
}

/** The largest value of a Rust unsigned type, for "must be from 0 to …". */
const MAX_OF = /** @type {Record<string, string>} */ ({ u8: '255', u16: '65535', u32: '4294967295', u64: '18446744073709551615', usize: '4294967295' });

/**
 * @typedef {{ path: (string | number)[], start: number, end: number, stop: number }} Spot
 *   a JSON value of a text: where it starts and ends, and where the core places an error
 *   that comes out of it (past the spaces after it, and past the `}` or `,` that follows)
 */

/**
 * Every value of a JSON text with its place, outermost first; [] when the text is not JSON.
 * @param {string} text
 * @returns {Spot[]}
 */
export function jsonSpots(text) {
  let i = 0;
  /** @type {Spot[]} */
  const spots = [];
  const ws = () => { while (i < text.length && /\s/.test(text[i])) i++; };
  const str = () => {
    const start = i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i));
  };
  /** @param {(string | number)[]} path @param {'}' | ']' | ''} close what holds it */
  const value = (path, close) => {
    ws();
    const spot = { path, start: i, end: i, stop: i };
    spots.push(spot);
    if (text[i] === '{') {
      i++; ws();
      while (i < text.length && text[i] !== '}') {
        const k = str();
        ws(); i++; // ':'
        value([...path, k], '}');
        if (text[i] === ',') i++;
        ws();
      }
      i++;
    } else if (text[i] === '[') {
      i++; ws();
      let n = 0;
      while (i < text.length && text[i] !== ']') {
        value([...path, n++], ']');
        if (text[i] === ',') { i++; ws(); }
      }
      i++;
    } else if (text[i] === '"') {
      str();
    } else {
      while (i < text.length && /[^\s,\]}]/.test(text[i])) i++;
    }
    spot.end = i;
    ws();
    spot.stop = i + (text[i] === close || (close === ']' && text[i] === ',') ? 1 : 0);
    if (close === ']' && text[i] === ',') { let j = i + 1; while (j < text.length && /\s/.test(text[j])) j++; spot.stop = j; }
  };
  try { value([], ''); } catch { return []; }
  return spots;
}

/** @param {unknown} doc @param {(string | number)[]} path */
function valueAt(doc, path) {
  return path.reduce((v, k) => (v && typeof v === 'object' ? /** @type {Record<string, unknown>} */ (v)[k] : undefined), doc);
}

/**
 * The path (["config", "layout"]) of the value of `json` that an error of the core placed
 * at the character offset `at` is about. The place alone can be read two ways: the value
 * that holds it (serde's own errors: a wrong type, a missing field), or the value just
 * before it (a value the core read and then refused, placed by what holds it); `fits` says
 * how well each value fits the message (the best wins), else the first reading wins.
 * @param {string} json
 * @param {number} at
 * @param {(value: any) => number} [fits]
 * @returns {(string | number)[]}
 */
export function jsonPathAt(json, at, fits) {
  const spots = jsonSpots(json);
  const holding = spots.filter((v) => v.start <= at && at <= v.end).pop();
  const before = spots.filter((v) => v.stop === at && v !== holding).reverse();
  const all = [...(holding ? [holding] : []), ...before];
  if (!all.length) return [];
  if (fits) {
    let doc;
    try { doc = JSON.parse(json); } catch { doc = undefined; }
    let best = null, score = 0;
    for (const v of all) {
      const f = fits(valueAt(doc, v.path));
      if (f > score) { score = f; best = v; }
    }
    if (best) return best.path;
  }
  return all[0].path;
}

/** serde's "one of `a`, `b`" as "a", "b". @param {string} list */
function quoted(list) {
  return list.replace(/^one of /, '').replace(/`/g, '"');
}

/** A path as a person reads it: config.layout, actions[3].op. @param {(string | number)[]} path */
function pathText(path) {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${p}`)).join('');
}

/**
 * Which value an error message is about, when its place could mean two (jsonPathAt).
 * @param {string} msg
 * @returns {((value: any) => number) | undefined} how well a value fits (0: not at all)
 */
function aboutThis(msg) {
  /** @param {any} v */
  const obj = (v) => !!v && typeof v === 'object' && !Array.isArray(v);
  let m;
  // The values the core reads and then checks itself (a layout, an action, an operation)
  // carry their kind in a tag; their errors are the ones placed after them.
  /** @param {any} v */
  const tagged = (v) => obj(v) && ['kind', 'type', 'op'].some((k) => typeof v[k] === 'string');
  if ((m = /^missing field `(.*)`$/.exec(msg))) { const f = m[1]; return (v) => (obj(v) && !(f in v) ? 1 + Number(tagged(v)) : 0); }
  if ((m = /^unknown field `(.*?)`/.exec(msg))) { const f = m[1]; return (v) => Number(obj(v) && f in v); }
  if ((m = /^unknown (?:variant|bug) `(.*?)`/.exec(msg))) { const name = m[1]; return (v) => Number(v === name || (obj(v) && Object.values(v).includes(name))); }
  return undefined;
}

/**
 * The core's reason a scenario cannot be opened, in the person's terms: which field, what
 * it holds, what it must hold (with an example). Messages that already speak plainly
 * (a setting out of range, an action the run cannot take) keep their words.
 * @param {string} message the core's error message
 * @param {string} json the scenario it was given
 * @returns {string}
 */
export function explainScenarioError(message, json) {
  let msg = String(message).replace(/^not a valid Paxoscope scenario: /, '');
  /** @type {(string | number)[]} */
  let path = [];
  const pos = / at line (\d+) column (\d+)$/.exec(msg);
  if (pos) {
    msg = msg.slice(0, pos.index);
    const lines = json.split('\n');
    const line = Number(pos[1]), col = Number(pos[2]);
    // The column counts bytes; outside ASCII the place found may be a little off.
    const at = lines.slice(0, line - 1).reduce((a, l) => a + l.length + 1, 0) + col;
    path = jsonPathAt(json, at, aboutThis(msg));
  }
  const where = path.length ? `"${pathText(path)}"` : 'the scenario';
  let m;
  if ((m = /^invalid type: (.*), expected (.*)$/.exec(msg))) {
    return `${where} is ${foundText(m[1])}, but it must be ${expectedText(m[2])}`;
  }
  if ((m = /^invalid value: integer `(.*)`, expected (\w+)$/.exec(msg))) {
    return `${where} is ${m[1]}, but it must be a whole number from 0 to ${MAX_OF[m[2]] || 'its maximum'}`;
  }
  if ((m = /^missing field `(.*)`$/.exec(msg))) {
    return `${where} has no "${m[1]}" field, and it needs one`;
  }
  if ((m = /^unknown field `(.*)`, (?:expected (.*)|there are no fields)$/.exec(msg))) {
    const allowed = m[2] ? `; the fields it may have are ${quoted(m[2])}` : '';
    return `${where} has a field "${m[1]}" that Paxoscope does not know (a typo, or a file from another version?)${allowed}`;
  }
  if ((m = /^unknown variant `(.*)`, expected (.*)$/.exec(msg))) {
    return `${where} says "${m[1]}", which is not one of the names allowed there: ${quoted(m[2])}`;
  }
  if ((m = /^unknown bug `(.*)`, expected (.*)$/.exec(msg))) {
    return `${where} says "${m[1]}", which is not one of the bugs Paxoscope can inject: ${quoted(m[2])}`;
  }
  // A setting out of range, named as the core names it: said with its field and its range.
  if ((m = /^([\w. ]+) must be between (\d+) and (\d+), (?:got|not) (\d+)$/.exec(msg))) {
    const field = m[1] === 'cluster size' ? 'config.layout.n' : `config.${m[1]}`;
    const what = m[1] === 'cluster size' ? `the cluster size ("${field}")` : `"${field}"`;
    return `${what} is ${m[4]}, but it must be from ${m[2]} to ${m[3]}`;
  }
  if ((m = /^duplicate field `(.*)`$/.exec(msg))) {
    return `${where} has the field "${m[1]}" twice`;
  }
  if ((m = /^invalid length (\d+), expected (.*) with (\d+) elements$/.exec(msg))) {
    return `${where} is a list of ${m[1]}, but it must be ${expectedText(m[2])}`;
  }
  if (/^(expected value|EOF while parsing|trailing characters|key must be a string)/.test(msg)) {
    return `the scenario is not valid JSON (${msg}${pos ? ` at line ${pos[1]}, column ${pos[2]}` : ''})`;
  }
  // A setting out of range, an action that cannot be replayed, …: the core's own words,
  // which name the setting (and the field, when the core placed it).
  msg = msg.replace(/`([^`]*)`/g, '"$1"');
  return path.length ? `${where}: ${msg}` : msg;
}
