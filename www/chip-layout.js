// @ts-check
// Where the chips of in-flight messages sit on the cluster diagram. A chip keeps its place
// (and its label) for as long as its message is in flight: only new chips are placed, each
// on the free spot nearest the middle of its own link, on its own side of the link so the
// two directions stay apart, clear of nodes, captions, zone titles and the other chips. A
// link carrying more than LINK_CAP messages shows one chip with their count instead.

/** Messages on one link (sender → receiver) drawn one by one; more become one counted chip. */
export const LINK_CAP = 3;
export const CHIP_H = 20;

/** A box by its centre and size, in the picture's pixels. @typedef {{ x: number, y: number, w: number, h: number }} Box */
/** A point of the picture. @typedef {{ x: number, y: number }} Point */
/** A chip to place: its message's key, its link's ends and its label. @typedef {{ key: string | number, from: Point, to: Point, text: string }} Chip */

/**
 * Width of a chip holding `text` (10.5 px monospace, padding included).
 * @param {string | number} text
 */
export const chipWidth = (text) => Math.round(String(text).length * 6.35 + 14);

/**
 * A chip's label: the message type and what tells it apart ("Prepare 1.7", "Request c5#1").
 * @param {{ label?: string, type: string }} m a message in flight
 */
export function chipLabel(m) {
  const [type, detail] = String(m.label || m.type).split(/\s+/);
  return detail ? `${type} ${detail.replace(/^b=/, '').replace(/[:,]$/, '')}` : type;
}

// Along the link (fraction of its length) and across it (pixels, own side first): the
// preferred spots, then, if none is free, a finer sweep of the area around the link.
const ALONG = [0.5, 0.42, 0.58, 0.34, 0.66, 0.27, 0.73, 0.2, 0.8];
const ACROSS = [10, 28, 46, 64, -10, -28, -46];
const SWEEP_ALONG = Array.from({ length: 15 }, (_, i) => 0.15 + i * 0.05);
const SWEEP_ACROSS = Array.from({ length: 21 }, (_, i) => (i % 2 ? 1 : -1) * Math.ceil(i / 2) * 11);

/**
 * How much a box at (x, y) of size w × h overlaps box `o`, margins included.
 * @param {number} x @param {number} y @param {number} w @param {number} h @param {Box} o
 */
function overlapArea(x, y, w, h, o) {
  const ox = (w + o.w) / 2 + 3 - Math.abs(x - o.x);
  const oy = (h + o.h) / 2 + 2 - Math.abs(y - o.y);
  return ox > 0 && oy > 0 ? ox * oy : 0;
}

const CELL = 48;

/**
 * Boxes bucketed by the grid cells they touch (with overlapArea's margins), so a candidate
 * spot is compared only with the boxes near it: the same costs as comparing it with all.
 */
function createGrid() {
  /** @type {Map<number, Array<{ b: Box, weight: number, seen: number }>>} */
  const cells = new Map();
  let stamp = 0;
  /** @type {(b: Box, f: (cell: number) => void) => void} */
  const range = (b, f) => {
    const x0 = Math.floor((b.x - b.w / 2 - 3) / CELL), x1 = Math.floor((b.x + b.w / 2 + 3) / CELL);
    const y0 = Math.floor((b.y - b.h / 2 - 2) / CELL), y1 = Math.floor((b.y + b.h / 2 + 2) / CELL);
    for (let i = x0; i <= x1; i++) for (let j = y0; j <= y1; j++) f(i * 65536 + j);
  };
  return {
    /** @param {{x: number, y: number, w: number, h: number}} b @param {number} weight */
    add(b, weight) {
      const item = { b, weight, seen: 0 };
      range(b, (k) => { const c = cells.get(k); if (c) c.push(item); else cells.set(k, [item]); });
    },
    /** Weighted overlap of box `q` with every box added. @param {Box} q */
    clash(q) {
      stamp++;
      let sum = 0;
      range(q, (k) => {
        const c = cells.get(k);
        if (!c) return;
        for (const it of c) {
          if (it.seen === stamp) continue;
          it.seen = stamp;
          sum += overlapArea(q.x, q.y, q.w, q.h, it.b) * it.weight;
        }
      });
      return sum;
    },
  };
}

/**
 * The best free spot for chip `c` ({from, to, w, h}) given the boxes already taken (in
 * `grid`: placed chips weigh 4, obstacles their own weight or 2).
 * Boxes are centre-based {x, y, w, h}.
 * @param {{ from: Point, to: Point, w: number, h: number }} c
 * @param {ReturnType<typeof createGrid>} grid
 * @param {number} W the picture's width
 * @param {number} H its height
 * @returns {Box}
 */
function findSpot(c, grid, W, H) {
  const dx = c.to.x - c.from.x, dy = c.to.y - c.from.y;
  const len = Math.hypot(dx, dy) || 1;
  const nx = -dy / len, ny = dx / len;
  /** @type {{x: number, y: number, cost: number, clash: number} | null} */
  let best = null;
  const q = { x: 0, y: 0, w: c.w, h: c.h };
  /** @type {(t: number, o: number, pref: number) => void} */
  const tryAt = (t, o, pref) => {
    const x = c.from.x + dx * t + nx * o;
    const y = c.from.y + dy * t + ny * o;
    if (x - c.w / 2 < 2 || x + c.w / 2 > W - 2 || y - c.h / 2 < 2 || y + c.h / 2 > H - 2) return;
    q.x = x; q.y = y;
    const clash = grid.clash(q);
    const cost = clash + pref;
    if (!best || cost < best.cost) best = { x, y, cost, clash };
  };
  // Preferred: the middle of the link, on its own side.
  ALONG.forEach((t, i) => ACROSS.forEach((o, j) => tryAt(t, o, i * 3 + j * 4)));
  if (!best || best.clash > 0) {
    SWEEP_ALONG.forEach((t) => SWEEP_ACROSS.forEach((o) => tryAt(t, o, 60 + Math.abs(t - 0.5) * 60 + Math.abs(o) * 0.8)));
  }
  if (!best) best = { x: c.from.x + dx / 2, y: c.from.y + dy / 2, cost: 0, clash: 0 };
  return { x: best.x, y: best.y, w: c.w, h: c.h };
}

/** A layout that remembers every chip's spot until its message leaves the network. */
export function createChipLayout() {
  /** @type {Map<string | number, Box>} */
  const spots = new Map();

  /**
   * chips: [{key, from: {x, y}, to: {x, y}, text}], oldest first. obstacles: boxes to keep
   * clear. Returns key → {x, y, w, h}: the remembered spot of every chip still present,
   * and a new one for each new chip.
   * @param {Chip[]} chips
   * @param {Array<Box & { weight?: number }>} obstacles
   * @param {number} W the picture's width
   * @param {number} H its height
   * @returns {Map<string | number, Box>}
   */
  function place(chips, obstacles, W, H) {
    const live = new Set(chips.map((c) => c.key));
    for (const k of [...spots.keys()]) if (!live.has(k)) spots.delete(k);
    if (chips.every((c) => spots.has(c.key))) {
      for (const c of chips) spots.get(c.key).w = chipWidth(c.text);
      return spots;
    }
    const grid = createGrid();
    for (const ob of obstacles) grid.add(ob, ob.weight || 2);
    for (const c of chips) {
      const old = spots.get(c.key);
      if (old) { old.w = chipWidth(c.text); grid.add(old, 4); }
    }
    for (const c of chips) {
      if (spots.has(c.key)) continue;
      const spot = findSpot({ ...c, w: chipWidth(c.text), h: CHIP_H }, grid, W, H);
      spots.set(c.key, spot);
      grid.add(spot, 4);
    }
    return spots;
  }

  return { place, reset: () => spots.clear() };
}
