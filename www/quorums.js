// @ts-check
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

/** @typedef {import('./pkg/paxoscope.js').StateView} StateView */

/**
 * Rule 12 (leases): the run's read mode and the leader's lease for the stage header, or
 * null in a run that reads through the log. The times come from the core: `held_until`
 * on the leader's own clock, `expires_at` in world ticks.
 * @param {StateView} view
 * @returns {{ short: string, why: string, held: boolean } | null}
 */
export function leaseSummary(view) {
  const cfg = /** @type {Partial<import('./pkg/paxoscope.js').SimConfig>} */ (view.config || {});
  const withLease = (view.nodes || []).filter((n) => n.lease);
  if (cfg.read_mode !== 'lease' && !withLease.length) return null;
  const holder = withLease.find((n) => n.lease && n.lease.held_until != null);
  const drift = cfg.clock_drift_per_mille || 0;
  const clocks = drift ? ` Each node's clock runs within ±${drift / 10}% of true time; the leader keeps only what is safe under that drift.` : '';
  if (!holder || !holder.lease) {
    const reader = withLease.find((n) => n.lease && n.lease.reads_locally);
    if (reader) {
      return {
        short: `reads: n${reader.id} reads alone without a lease`,
        why: `n${reader.id} answers reads from its own store although no phase-2 quorum granted it a lease (the read-without-lease bug): after another leader is elected it serves stale values.`,
        held: false,
      };
    }
    return {
      short: 'reads: lease mode, no lease held',
      why: `Reads go through the log until a phase-2 quorum grants the leader a lease (each heartbeat asks for one).${clocks}`,
      held: false,
    };
  }
  const l = holder.lease;
  const left = l.expires_at != null ? l.expires_at - view.now : null;
  return {
    short: `lease: n${holder.id} until t=${l.expires_at}${left != null ? ` (${left} left)` : ''}`,
    why: `A phase-2 quorum granted n${holder.id} a lease: every acceptor that granted it promises no other ballot until its own clock runs out, so no other leader can be elected meanwhile. ` +
      `n${holder.id} answers gets alone, without a round of the log, until its clock (now ${l.clock}) reads ${l.held_until}: world tick ${l.expires_at}.${clocks}`,
    held: true,
  };
}
