// @ts-check
// The message sequence diagram's canvas: paints a scene (diagram-model.js buildScene) —
// lanes, the recorded future, partitions, violations, every arrow and every send and
// receive — for the part of the diagram in view, and finds what is under the pointer.
// Hundreds of arrows cost a few milliseconds here, where as SVG elements they cost whole
// frames to build and lay out. What people act on stays SVG in diagram.js (the dangling
// ends of messages in flight, the lane events, the keyboard focus).

import { STEP_W, markPath, arrowHead, markFilled, markFill } from './diagram-model.js';

/** @typedef {import('./diagram-model.js').Scene} Scene */
/** @typedef {import('./diagram-model.js').SceneArrow} SceneArrow */
/** @typedef {import('./diagram-model.js').SceneEvent} SceneEvent */
/** @typedef {import('./diagram-model.js').Mark} Mark */
/** What is under the pointer: a send or receive, or an arrow. @typedef {{ dot: SceneEvent, arrow?: undefined } | { arrow: SceneArrow & { title?: string }, dot?: undefined }} Hit */

/** Pixels of an arrow in flight drawn dashed before its end (dashing long arrows is slow). */
const DASHED = 40;
/**
 * Strokes this thin or thinner are drawn 1 px wide: a line of one device pixel is a hairline
 * to Skia's software rasteriser (Chromium without a GPU), about ten times faster than a
 * 1.4 px stroke, which it outlines and fills as a polygon. A diagram window of 600 arrows in
 * flight took 13 ms to rasterise (in the frame's commit) at 1.4 px, about 2 ms at 1 px.
 */
const HAIRLINE = 1.5;
/** @param {number} w */
const strokeWidth = (w) => (w <= HAIRLINE ? 1 : w);

/** @type {Map<string, Path2D>} */
const paths = new Map();
/**
 * A Path2D of a mark of size r at (0, 0), kept: marks repeat.
 * @param {Mark} mark
 * @param {number} r
 */
function markAt(mark, r) {
  const key = `${mark}|${r}`;
  let p = paths.get(key);
  if (!p) { p = new Path2D(markPath(mark, 0, 0, r)); paths.set(key, p); }
  return p;
}

/**
 * Paints `scene` between diagram x = lo and x = hi on `ctx`, whose transform maps diagram
 * coordinates to the canvas. `hover` and `focus` are message indexes drawn thicker.
 * @param {CanvasRenderingContext2D} ctx
 * @param {Scene} scene
 * @param {number} lo
 * @param {number} hi
 * @param {{ hover?: number | null, focus?: number | null }} [emphasis]
 */
export function paintScene(ctx, scene, lo, hi, { hover = null, focus = null } = {}) {
  const H = scene.height;
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  ctx.globalAlpha = 1;
  ctx.setLineDash([]);
  // Lanes.
  ctx.strokeStyle = '#d0d5dd';
  ctx.lineWidth = 1;
  ctx.beginPath();
  for (const [, y] of scene.ys) { ctx.moveTo(Math.max(lo, scene.x0), y); ctx.lineTo(Math.min(hi, scene.x1), y); }
  ctx.stroke();
  // The recorded future, shaded.
  if (scene.cx < hi) {
    ctx.globalAlpha = 0.7;
    ctx.fillStyle = '#f2f4f7';
    const fx = Math.max(scene.cx, lo);
    ctx.fillRect(fx, 0, Math.min(hi, scene.x1) - fx, H);
    ctx.globalAlpha = 1;
  }
  // Violations: a red band (their words are SVG, in diagram.js).
  for (const v of scene.violations) {
    if (v.x + STEP_W < lo || v.x - STEP_W > hi) continue;
    ctx.fillStyle = '#fdeeee';
    ctx.fillRect(v.x - STEP_W / 2, 0, STEP_W, H);
    ctx.strokeStyle = '#e5484d';
    ctx.lineWidth = 2;
    ctx.beginPath(); ctx.moveTo(v.x, 0); ctx.lineTo(v.x, H); ctx.stroke();
  }
  // Partitions and heals.
  ctx.lineWidth = 1.5;
  ctx.setLineDash([3, 3]);
  for (const c of scene.net) {
    if (c.x < lo - 2 || c.x > hi + 2) continue;
    ctx.globalAlpha = c.opacity;
    ctx.strokeStyle = c.cut ? '#b54708' : '#667085';
    ctx.beginPath(); ctx.moveTo(c.x, 4); ctx.lineTo(c.x, H - 4); ctx.stroke();
  }
  ctx.setLineDash([]);

  // Arrows in flight (under the settled ones): only their visible part, lighter, dashed
  // over their last stretch. Strokes of the same look are batched into one path: a few
  // draw calls per frame instead of two per arrow.
  const lines = new Batch();
  /** @type {SceneArrow[]} */
  const top = []; // the hovered or focused arrow: drawn last, thicker
  /** @type {(SceneArrow & { fork: [number, number] })[]} */
  const forks = [];
  for (const f of scene.flying) {
    if (Math.max(f.x1, f.x2) < lo - 8 || Math.min(f.x1, f.x2) > hi + 8) continue;
    if (f.index === hover || f.index === focus) { top.push(f); continue; }
    flyingInto(lines, f, f.width, lo, hi);
    const fork = f.fork;
    if (fork && fork[0] >= lo - 4 && fork[0] <= hi + 4) forks.push({ ...f, fork });
  }
  lines.stroke(ctx);
  for (const f of forks) forkDot(ctx, f.fork[0], f.fork[1], f.color, f.opacity);

  // Settled and future arrows: the line, then its end (a head when delivered, a cross when lost).
  const heads = new Batch();
  const crosses = new Batch();
  /** @type {SceneArrow[]} */
  const settledForks = [];
  for (const a of scene.arrows) {
    if (Math.max(a.x1, a.x2) < lo - 8 || Math.min(a.x1, a.x2) > hi + 8) continue;
    if (a.index === hover || a.index === focus) { top.push(a); continue; }
    settledInto(lines, heads, crosses, a, a.width, lo, hi);
    if (a.fork) settledForks.push(a);
  }
  lines.stroke(ctx);
  heads.fill(ctx);
  crosses.stroke(ctx);
  for (const a of settledForks) forkDot(ctx, a.x1, a.y1, a.color, a.opacity);
  // The arrow under the pointer or of the focused item, on top.
  for (const a of top) {
    const w = Math.max(a.width, a.index === focus ? 3 : 2.6);
    if (a.state === 'flight') flyingInto(lines, a, w, lo, hi); else settledInto(lines, heads, crosses, a, w, lo, hi);
    lines.stroke(ctx);
    heads.fill(ctx);
    crosses.stroke(ctx);
  }

  // Sends and receives (the lane events people click are SVG, on top): dots, batched.
  const dots = new Batch();
  /** @type {SceneEvent[]} */
  const other = [];
  for (const e of scene.dots) {
    if (e.x < lo - 6 || e.x > hi + 6) continue;
    if (e.mark !== 'dot' || e.selected) { other.push(e); continue; }
    dots.circle(`${e.color}|${e.opacity}`, e.x, e.y, e.r);
  }
  dots.fill(ctx, true);
  for (const e of other) paintMark(ctx, e);
  ctx.globalAlpha = 1;
}

/**
 * Paths grouped by look ("colour|alpha|width|dashed" for strokes, "colour|alpha" for
 * fills), each painted with one call.
 */
class Batch {
  constructor() {
    /** @type {Map<string, number[]>} */
    this.groups = new Map();
  }
  /** @param {string} key */
  get(key) { let g = this.groups.get(key); if (!g) { g = []; this.groups.set(key, g); } return g; }
  /** @param {string} key @param {number} x1 @param {number} y1 @param {number} x2 @param {number} y2 */
  line(key, x1, y1, x2, y2) { this.get(key).push(0, x1, y1, x2, y2); }
  /** @param {string} key @param {[number, number][]} p */
  triangle(key, p) { this.get(key).push(1, p[0][0], p[0][1], p[1][0], p[1][1], p[2][0], p[2][1]); }
  /** @param {string} key @param {number} x @param {number} y @param {number} r */
  cross(key, x, y, r) { this.get(key).push(0, x - r, y - r, x + r, y + r, 0, x + r, y - r, x - r, y + r); }
  /** @param {string} key @param {number} x @param {number} y @param {number} r */
  circle(key, x, y, r) { this.get(key).push(2, x, y, r); }
  /** Traces the shapes of one group. @param {CanvasRenderingContext2D} ctx @param {number[]} g */
  trace(ctx, g) {
    ctx.beginPath();
    for (let i = 0; i < g.length;) {
      const kind = g[i];
      if (kind === 0) { ctx.moveTo(g[i + 1], g[i + 2]); ctx.lineTo(g[i + 3], g[i + 4]); i += 5; }
      else if (kind === 1) { ctx.moveTo(g[i + 1], g[i + 2]); ctx.lineTo(g[i + 3], g[i + 4]); ctx.lineTo(g[i + 5], g[i + 6]); ctx.closePath(); i += 7; }
      else { ctx.moveTo(g[i + 1] + g[i + 3], g[i + 2]); ctx.arc(g[i + 1], g[i + 2], g[i + 3], 0, 2 * Math.PI); i += 4; }
    }
  }
  /** @param {CanvasRenderingContext2D} ctx */
  stroke(ctx) {
    for (const [key, g] of this.groups) {
      const [color, alpha, width, dashed] = key.split('|');
      ctx.strokeStyle = color;
      ctx.globalAlpha = Number(alpha);
      ctx.lineWidth = strokeWidth(Number(width));
      ctx.setLineDash(dashed === '1' ? [4, 3] : []);
      this.trace(ctx, g);
      ctx.stroke();
    }
    ctx.setLineDash([]);
    this.groups.clear();
  }
  /**
   * Fills every group; with `outline`, strokes it too in its colour (the lane dots).
   * @param {CanvasRenderingContext2D} ctx
   */
  fill(ctx, outline = false) {
    for (const [key, g] of this.groups) {
      const [color, alpha] = key.split('|');
      ctx.fillStyle = color;
      ctx.globalAlpha = Number(alpha);
      this.trace(ctx, g);
      ctx.fill();
      if (outline) { ctx.strokeStyle = color; ctx.lineWidth = 1; ctx.stroke(); }
    }
    this.groups.clear();
  }
}

/**
 * Adds an arrow in flight: solid and lighter, then dashed over its last stretch.
 * @param {Batch} lines @param {SceneArrow} f @param {number} width @param {number} lo @param {number} hi
 */
function flyingInto(lines, f, width, lo, hi) {
  const dx = f.x2 - f.x1, dy = f.y2 - f.y1;
  const td = Math.max(0, 1 - DASHED / Math.max(1, Math.hypot(dx, dy)));
  const xd = f.x1 + dx * td, yd = f.y1 + dy * td;
  if (td > 0) clipInto(lines, `${f.color}|${f.opacity * 0.55}|${width}|0`, f.x1, f.y1, xd, yd, lo - 8, hi + 8);
  clipInto(lines, `${f.color}|${f.opacity}|${width}|1`, xd, yd, f.x2, f.y2, lo - 8, hi + 8);
}

/**
 * Adds a settled or future arrow and its end.
 * @param {Batch} lines @param {Batch} heads @param {Batch} crosses @param {SceneArrow} a
 * @param {number} width @param {number} lo @param {number} hi
 */
function settledInto(lines, heads, crosses, a, width, lo, hi) {
  clipInto(lines, `${a.color}|${a.opacity}|${width}|0`, a.x1, a.y1, a.x2, a.y2, lo - 8, hi + 8);
  if (a.fate === 'delivered') heads.triangle(`${a.color}|${a.opacity}`, arrowHead(a.x1, a.y1, a.x2, a.y2));
  else if (a.fate) crosses.cross(`#d92d20|${a.opacity}|2|0`, a.x2, a.y2, 3.6);
}

/**
 * Adds the part of segment (x1, y1)–(x2, y2) between x = lo and x = hi to group `key`.
 * @param {Batch} batch @param {string} key @param {number} x1 @param {number} y1
 * @param {number} x2 @param {number} y2 @param {number} lo @param {number} hi
 */
function clipInto(batch, key, x1, y1, x2, y2, lo, hi) {
  if (Math.max(x1, x2) < lo || Math.min(x1, x2) > hi) return;
  const dx = x2 - x1, dy = y2 - y1;
  let t0 = 0, t1 = 1;
  if (dx !== 0) {
    const a = (lo - x1) / dx, b = (hi - x1) / dx;
    t0 = Math.max(0, Math.min(a, b));
    t1 = Math.min(1, Math.max(a, b));
  }
  batch.line(key, x1 + dx * t0, y1 + dy * t0, x1 + dx * t1, y1 + dy * t1);
}

/**
 * A lane event's mark (and the ring of the selected one), as the SVG draws it.
 * @param {CanvasRenderingContext2D} ctx @param {SceneEvent} e
 */
export function paintMark(ctx, e) {
  ctx.globalAlpha = e.opacity;
  ctx.translate(e.x, e.y);
  if (e.selected) {
    ctx.strokeStyle = '#4f46e5';
    ctx.lineWidth = 2;
    ctx.beginPath(); ctx.arc(0, 0, e.r + 4, 0, 2 * Math.PI); ctx.stroke();
  }
  const p = markAt(e.mark, e.r);
  const fill = markFill(e);
  if (fill !== 'none') { ctx.fillStyle = fill; ctx.fill(p); }
  ctx.strokeStyle = e.color;
  ctx.lineWidth = markFilled(e.mark) ? 1.2 : 2.2;
  ctx.stroke(p);
  ctx.translate(-e.x, -e.y);
}

/**
 * The small ring where a duplicate leaves its original's arrow.
 * @param {CanvasRenderingContext2D} ctx @param {number} x @param {number} y @param {string} color @param {number} alpha
 */
function forkDot(ctx, x, y, color, alpha) {
  ctx.globalAlpha = alpha;
  ctx.fillStyle = '#fff';
  ctx.strokeStyle = color;
  ctx.lineWidth = 1.4;
  ctx.beginPath(); ctx.arc(x, y, 2.6, 0, 2 * Math.PI); ctx.fill(); ctx.stroke();
}

/**
 * Distance from (x, y) to the segment (x1, y1)–(x2, y2).
 * @param {number} x @param {number} y @param {number} x1 @param {number} y1 @param {number} x2 @param {number} y2
 */
function toSegment(x, y, x1, y1, x2, y2) {
  const dx = x2 - x1, dy = y2 - y1;
  const t = Math.max(0, Math.min(1, ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy || 1)));
  return Math.hypot(x1 + t * dx - x, y1 + t * dy - y);
}

/**
 * What the canvas shows at (x, y) in diagram coordinates: a send or receive within 5 px
 * ({dot}), else the arrow passing nearest within 5 px ({arrow}, settled or in flight), else
 * null. The nearest wins; among equals, the one painted last (on top).
 * @param {Scene} scene @param {number} x @param {number} y
 * @returns {Hit | null}
 */
export function hitScene(scene, x, y) {
  /** @type {Hit | null} */
  let best = null;
  let bestD = 5;
  for (const e of scene.dots) {
    if (Math.abs(e.x - x) > 5 || Math.abs(e.y - y) > 5) continue;
    const d = Math.hypot(e.x - x, e.y - y);
    if (d <= bestD) { bestD = d; best = { dot: e }; }
  }
  if (best) return best;
  bestD = 5;
  for (const list of /** @type {(SceneArrow & { title?: string })[][]} */ ([scene.arrows, scene.flying])) {
    for (const a of list) {
      if (x < Math.min(a.x1, a.x2) - 5 || x > Math.max(a.x1, a.x2) + 5) continue;
      const d = toSegment(x, y, a.x1, a.y1, a.x2, a.y2);
      if (d <= bestD) { bestD = d; best = { arrow: a }; }
    }
  }
  return best;
}
