// Sharing: the URL-hash codec and the export/import file format.
//
// The hash always encodes the scenario (config + seed + every recorded action) and the
// current step, so opening the link rebuilds exactly the same state:
//   #z=<base64url(deflate-raw(scenario JSON))>&step=57   (CompressionStream available)
//   #j=<base64url(scenario JSON)>&step=57                (plain fallback)
//   #preset=minority-partition[&step=12]                 (a friendly link to a preset, at a step)
//   #tour=one-slot&stop=3                                (a stop of the guided tour)

export const FILE_FORMAT = 'paxoscope-run';

function bytesToB64url(bytes) {
  let bin = '';
  const CH = 0x8000;
  for (let i = 0; i < bytes.length; i += CH) bin += String.fromCharCode(...bytes.subarray(i, i + CH));
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function b64urlToBytes(text) {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error('the link data contains characters that are not base64url');
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((text.length + 3) % 4);
  let bin;
  try { bin = atob(b64); } catch { throw new Error('the link data is not valid base64url'); }
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

async function pipe(bytes, stream) {
  const out = new Response(new Blob([bytes]).stream().pipeThrough(stream));
  return new Uint8Array(await out.arrayBuffer());
}

export const canCompress = typeof CompressionStream === 'function' && typeof DecompressionStream === 'function';

/** The last scenario encoded: a seek changes only the step, so it is not compressed again. */
let lastEncoded = { json: '', data: '' };

/** Encodes a scenario JSON string and a step into a URL hash (with its leading '#'). */
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

/** The hash of a stop of the guided tour (stops count from 1). */
export function tourHash(chapter, stop) {
  return `#tour=${encodeURIComponent(chapter)}&stop=${stop}`;
}

/**
 * Decodes a URL hash. Returns null for an empty hash, {preset, step} for a preset link (step
 * null: the preset's own last step), {tour, stop} for a tour link, or {scenario, step} with
 * the scenario as a JSON string. Throws an Error that says what is wrong with a malformed
 * link.
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

function checkScenarioShape(sc) {
  if (!sc || typeof sc !== 'object' || Array.isArray(sc)) throw new Error('a scenario must be a JSON object');
  for (const k of ['config', 'seed', 'actions']) {
    if (!(k in sc)) throw new Error(`the scenario has no "${k}" field`);
  }
  if (!Array.isArray(sc.actions)) throw new Error('the scenario\'s "actions" must be a list');
}

/** The export file: the scenario plus the step being viewed, self-describing. */
export function runFile(scenarioJson, step, version) {
  const doc = {
    format: FILE_FORMAT, version: 1, paxoscope: version, exported_at: new Date().toISOString(),
    step, scenario: JSON.parse(scenarioJson),
  };
  return JSON.stringify(doc, null, 1);
}

/** Starts a download of the run as a JSON file. */
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
