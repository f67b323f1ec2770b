// Words for newcomers: what each message type and role means, and the colour of each
// message type (the same colours in the diagram, the legend, the list and the stats).

export const MESSAGE_TYPES = {
  Prepare: {
    color: '#6d5dfc', family: 'Phase 1',
    short: 'A proposer asks acceptors to promise to ignore lower ballots.',
    long: 'Phase 1a. A would-be leader picks a ballot b higher than any it has seen and asks every acceptor to promise to ignore ballots lower than b. It is how leadership is taken over.',
  },
  Promise: {
    color: '#a26bf5', family: 'Phase 1',
    short: 'An acceptor promises, and reports what it already accepted.',
    long: 'Phase 1b. The acceptor promises never again to accept a ballot lower than b, persists that promise, and reports for every slot the value it accepted with the highest ballot. A new leader must re-propose those values: one of them may already be chosen.',
  },
  Accept: {
    color: '#1e88e5', family: 'Phase 2',
    short: 'The leader asks acceptors to accept a value for a slot.',
    long: 'Phase 2a. The leader asks acceptors to accept a value for one slot under its ballot. In steady state only this phase runs: phase 1 happens once per leadership.',
  },
  Accepted: {
    color: '#12a594', family: 'Phase 2',
    short: 'An acceptor accepted (and persisted) the value.',
    long: 'Phase 2b. The acceptor accepted the value and wrote it to durable storage before answering. When a quorum (a majority) has accepted the same ballot for a slot, that value is chosen forever.',
  },
  Nack: {
    color: '#e5484d', family: 'Refusal',
    short: 'Refused: the acceptor promised a higher ballot.',
    long: 'A refusal. The acceptor has already promised a higher ballot, so it ignores this one. The proposer learns it is out of date and steps down.',
  },
  Heartbeat: {
    color: '#8b97a8', family: 'Leader',
    short: 'The leader is alive; it also tells how far the log is committed.',
    long: 'The leader is alive. Heartbeats keep the other proposers\' election timers from firing and carry the commit index, so followers learn which slots are decided.',
  },
  Commit: {
    color: '#2f9e44', family: 'Learning',
    short: 'Tells learners which slots are chosen.',
    long: 'Tells learners and replicas that a slot\'s value is chosen, so they can apply the decided prefix of the log to their key-value store.',
  },
  Decide: {
    color: '#2f9e44', family: 'Learning',
    short: 'Tells learners a slot\'s value is chosen.',
    long: 'Tells learners and replicas that a slot\'s value is chosen, so they can apply the decided prefix of the log to their key-value store.',
  },
  CatchUp: {
    color: '#f5a524', family: 'Catch-up',
    short: 'A lagging replica asks for the decided entries it misses.',
    long: 'A lagging or restarted replica asks for the decided entries it misses — only those, never the whole log (the seed program\'s main flaw).',
  },
  CatchUpReply: {
    color: '#d9822b', family: 'Catch-up',
    short: 'The decided entries a lagging replica asked for.',
    long: 'The decided entries a lagging replica asked for. If it is behind the compaction point it gets a snapshot instead.',
  },
  InstallSnapshot: {
    color: '#b8591a', family: 'Catch-up',
    short: 'A state-machine snapshot for a replica behind compaction.',
    long: 'The key-value store image (and session table) at a compaction point, sent to a replica that is behind it: the log entries it would need were compacted away.',
  },
  Snapshot: {
    color: '#b8591a', family: 'Catch-up',
    short: 'A state-machine snapshot for a replica behind compaction.',
    long: 'The key-value store image at a compaction point, sent to a replica that is behind it: the log entries it would need were compacted away.',
  },
  Request: {
    color: '#0f9d58', family: 'Client',
    short: 'A client command (client id + sequence number).',
    long: 'A client command: put, get or cas, tagged with (client id, sequence number) so replicas apply it at most once even when the client retries. A non-leader forwards or redirects it to the leader.',
  },
  Reply: {
    color: '#5f8d3a', family: 'Client',
    short: 'The answer to a client command.',
    long: 'The answer to a client command, sent once the command is chosen and applied. A retry of an applied command is answered from the session table.',
  },
  NotLeader: {
    color: '#7aa35a', family: 'Client',
    short: 'Not the leader: try that node instead.',
    long: 'The node is not the leader and tells the client which node it believes is, so the client retries there.',
  },
  Redirect: {
    color: '#7aa35a', family: 'Client',
    short: 'Not the leader: try that node instead.',
    long: 'The node is not the leader and tells the client which node it believes is.',
  },
};

const FALLBACK_COLORS = ['#c2410c', '#0e7490', '#9d174d', '#4d7c0f', '#6b21a8', '#155e75'];

/** Colour of a message type; unknown types get a stable colour from their name. */
export function typeColor(type) {
  if (MESSAGE_TYPES[type]) return MESSAGE_TYPES[type].color;
  let hsh = 0;
  for (const ch of String(type)) hsh = (hsh * 31 + ch.charCodeAt(0)) >>> 0;
  return FALLBACK_COLORS[hsh % FALLBACK_COLORS.length];
}

export function typeInfo(type) {
  return MESSAGE_TYPES[type] || { color: typeColor(type), family: 'Other', short: '', long: '' };
}

export const ROLES = {
  proposer: 'Proposer: becomes leader with phase 1 (Prepare/Promise), then proposes client commands into log slots with phase 2 (Accept/Accepted).',
  acceptor: 'Acceptor: the memory of the protocol. It promises ballots and accepts values, and persists both before answering.',
  replica: 'Replica (learner): learns which value each slot has chosen and applies the decided prefix of the log, in order, to its key-value store.',
  learner: 'Learner: learns which value each slot has chosen.',
  client: 'Client: submits put / get / cas commands and waits for the answer, retrying if it hears nothing.',
};

export const PHASES = {
  none: 'not a proposer',
  idle: 'idle',
  following: 'following',
  preparing: 'preparing (phase 1)',
  leading: 'leading',
  crashed: 'crashed',
};

/** The legend order: the protocol's story from election to clients. */
export const LEGEND_ORDER = ['Prepare', 'Promise', 'Accept', 'Accepted', 'Nack', 'Heartbeat',
  'Commit', 'Decide', 'CatchUp', 'CatchUpReply', 'InstallSnapshot', 'Snapshot', 'Request', 'Reply', 'NotLeader', 'Redirect'];
