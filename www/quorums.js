// Flexible quorums (rule 12) in words: the phase-1 and phase-2 quorum sizes of a run
// (`view.quorums`, computed by the core) and why they must intersect. The page does no
// quorum arithmetic beyond adding the two sizes the core hands it.

/** @typedef {import('./pkg/paxoscope.js').Quorums} Quorums */

/**
 * The run's quorums in a few words for the stage header, the sentence that says why
 * they must (or fail to) intersect, and whether they do.
 * @param {Quorums | undefined} q
 * @returns {{ short: string, why: string, ok: boolean, majority: boolean } | null}
 */
export function quorumSummary(q) {
  if (!q) return null;
  const n = q.acceptors, q1 = q.phase1, q2 = q.phase2;
  const majority = Math.floor(n / 2) + 1;
  const ok = q1 + q2 > n;
  const isMajority = q1 === majority && q2 === majority;
  const short = isMajority
    ? `quorums: majority ${majority} of ${n}`
    : `quorums: phase 1 ${q1}, phase 2 ${q2} of ${n}`;
  const why = ok
    ? `A leader needs promises from ${q1} of the ${n} acceptors (phase 1); a value is chosen once ${q2} accept it (phase 2). ` +
      `${q1} + ${q2} = ${q1 + q2} > ${n}, so every phase-1 quorum shares an acceptor with every phase-2 quorum: ` +
      'each new leader hears of every value that may be chosen. Each command costs one Accept round answered by ' +
      `${q2} acceptor${q2 === 1 ? '' : 's'}.`
    : `Phase 1 needs ${q1} and phase 2 only ${q2} of the ${n} acceptors: ${q1} + ${q2} = ${q1 + q2} is not more than ${n}, ` +
      'so a new leader\'s promises can all come from acceptors that never accepted a chosen value, and it chooses another (the non-intersecting-quorums bug).';
  return { short, why, ok, majority: isMajority };
}

/**
 * The hint under the quorum inputs of the cluster set-up, for `n` acceptors and the sizes
 * typed (blank = a majority); says why a pair is refused before the core refuses it.
 * @param {number} n
 * @param {number | null} q1
 * @param {number | null} q2
 */
export function quorumHint(n, q1, q2) {
  const majority = Math.floor(n / 2) + 1;
  const a = q1 ?? majority, b = q2 ?? majority;
  if (a + b > n) return `${a} + ${b} > ${n}: every phase-1 quorum meets every phase-2 quorum.`;
  return `${a} + ${b} is not more than ${n}: a phase-1 quorum could miss a phase-2 quorum, so this is refused (unless the non-intersecting-quorums bug is on).`;
}
