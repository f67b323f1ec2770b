// @ts-check
// Where a node's badge (LEADER, CRASHED, JOINING, …) and the ring's title go in the
// cluster picture (topology.js), so that neither covers a neighbour or leaves the picture.
// On a crowded ring the spot above a node holds its neighbour's caption; the badge then goes
// beside the node (outwards first, level with its top, then with its bottom), or onto the
// node's top edge.

/** The widest badge drawn (CRASHED, REMOVED, …), and its height. */
const BADGE_W = 62;
const BADGE_H = 18;
/** Pixels per character of a zone title (uppercase, spaced), as topology.js measures them. */
export const TITLE_CHAR_W = 7.4;

/**
 * @typedef {{ x: number, y: number, cap?: string }} Spot a node's centre, and where its caption is
 * @typedef {{ pos: Map<string, Spot>, R: number }} Layout the picture's layout (topology.js computeLayout)
 * @typedef {{ l: number, t: number, r: number, b: number }} Box
 */

/**
 * What a badge must keep clear of: every other node and client with its caption.
 * @param {Layout} L
 * @param {string} own the key of the node the badge belongs to (`n3`)
 * @returns {Box[]}
 */
function obstacles(L, own) {
  const R = L.R;
  /** @type {Box[]} */
  const out = [];
  for (const [key, p] of L.pos) {
    if (key === own) continue;
    out.push({ l: p.x - R - 4, t: p.y - R - 4, r: p.x + R + 4, b: p.y + R + 4 });
    if (p.cap === 'right') out.push({ l: p.x + R + 4, t: p.y - 22, r: p.x + R + 96, b: p.y + 22 });
    else if (key[0] === 'c') out.push({ l: p.x - R - 10, t: p.y + R * 0.7, r: p.x + R + 10, b: p.y + R * 0.7 + 18 });
    else out.push({ l: p.x - 38, t: p.y + R + 4, r: p.x + 38, b: p.y + R + 44 }); // up to three caption lines
  }
  return out;
}

/** @param {Box} a @param {Box} b */
function overlap(a, b) {
  return Math.max(0, Math.min(a.r, b.r) - Math.max(a.l, b.l)) * Math.max(0, Math.min(a.b, b.b) - Math.max(a.t, b.t));
}

/**
 * The offset from a node's centre where its badge goes: above the node when that is clear,
 * else beside it (outwards first), else on its top edge, whichever covers least of the
 * other nodes, the captions and the picture's edge.
 * @param {Layout} L
 * @param {string} key the node's key in L.pos (`n3`)
 * @param {number} W the picture's width
 * @param {number} H the picture's height
 * @returns {[number, number]}
 */
export function badgeSpot(L, key, W, H) {
  const p = L.pos.get(key);
  const R = L.R;
  if (!p) return [0, -R - 11];
  const out = p.x >= W / 2 ? 1 : -1;
  const side = R + BADGE_W / 2 + 2;
  /** @type {[number, number][]} */
  const spots = [[0, -R - 11], [out * side, -R * 0.55], [-out * side, -R * 0.55], [out * side, R * 0.5], [-out * side, R * 0.5], [0, -R + 3]];
  const boxes = obstacles(L, key);
  // Its own caption too, below the node or (in a crowded column) beside it.
  if (p.cap === 'right') boxes.push({ l: p.x + R + 4, t: p.y - 22, r: p.x + R + 96, b: p.y + 22 });
  else boxes.push({ l: p.x - 38, t: p.y + R + 4, r: p.x + 38, b: p.y + R + 44 });
  let best = spots[0];
  let bestCost = Infinity;
  spots.forEach(([dx, dy], i) => {
    const b = { l: p.x + dx - BADGE_W / 2, t: p.y + dy - BADGE_H / 2, r: p.x + dx + BADGE_W / 2, b: p.y + dy + BADGE_H / 2 };
    const outside = Math.max(0, -b.l) + Math.max(0, b.r - W) + Math.max(0, -b.t) + Math.max(0, b.b - H);
    // The spots in order of preference: a later one must cover clearly less.
    const cost = boxes.reduce((a, o) => a + overlap(b, o), 0) + outside * 200 + i * 4;
    if (cost < bestCost) { bestCost = cost; best = [dx, dy]; }
  });
  return best;
}

/**
 * The first title of `titles` that fits in `width` pixels (they go from the longest to the
 * shortest); the last one when none does.
 * @param {string[]} titles
 * @param {number} width
 */
export function fitTitle(titles, width) {
  return titles.find((t) => t.length * TITLE_CHAR_W + 8 <= width) ?? titles[titles.length - 1];
}
