//! Simulated clients: submit put/get/cas commands one at a time, wait, retry with the same
//! (client id, sequence number), and follow leader hints. The pool keeps their retry
//! timers and the history of their operations (what the linearizability check reads).
use super::rng::SimRng;
use super::scenario::SimConfig;
use super::spacetime::Chunks;
use crate::check::history::{History, HistoryEntry};
use crate::json::ToJson;
use crate::kv::{ClientId, Op, OpResult};
use crate::paxos::{Addr, Command, Envelope, Message, NodeId, ReadMode};
use crate::vec_map::VecMap;
use serde::Serialize;
use std::collections::VecDeque;

/// A command the client is waiting on.
#[derive(Clone, Debug, PartialEq, Hash, Eq, Serialize, ToJson)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Pending {
    /// Its sequence number.
    pub seq: u64,
    /// The operation.
    pub op: Op,
    /// History time it was first sent.
    pub invoked_at: u64,
    /// Index of its entry in the history.
    #[serde(skip)]
    pub history_index: usize,
    /// How many times it was sent.
    pub attempts: u32,
    /// Rule 12: a leader answered it from its store under a lease (not through the log).
    #[serde(skip)]
    pub read_locally: bool,
}

/// Rule 12: how a client's last `get` was answered, in a run that reads under leases.
#[derive(Clone, Debug, PartialEq, Hash, Eq, Serialize, ToJson)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ReadAnswer {
    /// The command's sequence number.
    pub seq: u64,
    /// The key read.
    pub key: crate::kv::Text,
    /// The value it got (`None`: absent).
    pub value: Option<crate::kv::Text>,
    /// `lease`: a leader answered alone under its lease; `log`: through a slot of the log.
    pub mode: ReadMode,
}

/// One client.
#[derive(Clone, Debug, PartialEq, Hash, Eq, Serialize, ToJson)]
pub struct Client {
    /// Its id.
    pub id: ClientId,
    /// The node it sends to next.
    pub target: NodeId,
    /// The command in progress.
    pub pending: Option<Pending>,
    /// Sequence number of its next new command.
    #[serde(skip)]
    pub next_seq: u64,
    /// Commands still to submit (scripted or typed by a person).
    pub queue: VecDeque<Op>,
    /// Random commands still to generate.
    pub random_left: u32,
    /// Commands answered so far.
    pub completed: u64,
    /// Rule 12: its last answered `get` and how it was read (runs that read under leases).
    pub last_read: Option<ReadAnswer>,
}

impl Client {
    /// A fresh client that first talks to `target`.
    pub fn new(id: ClientId, target: NodeId, script: Vec<Op>, random_ops: u32) -> Self {
        Client {
            id,
            target,
            pending: None,
            next_seq: 1,
            queue: script.into(),
            random_left: random_ops,
            completed: 0,
            last_read: None,
        }
    }

    /// Whether it has nothing in progress and nothing left to do.
    pub fn is_done(&self) -> bool {
        self.pending.is_none() && self.queue.is_empty() && self.random_left == 0
    }

    /// Picks the next node to try after a timeout: the next proposer after the current one.
    pub fn rotate_target(&mut self, proposers: &[NodeId]) {
        let i = proposers
            .iter()
            .position(|p| *p == self.target)
            .map_or(0, |i| i + 1);
        self.target = proposers[i % proposers.len()];
    }
}

/// The simulated clients, their retry timers and the history of their operations.
#[derive(Clone, Debug)]
pub struct ClientPool {
    clients: Vec<Client>,
    /// Client → the tick its retry timer fires at.
    retry_at: VecMap<ClientId, u64>,
    /// Every operation with its invoke and complete times (kept only when `keep_history`:
    /// it feeds the linearizability check only, so a long unchecked run stays bounded).
    /// Kept in shared chunks: a clone of the pool (every checkpoint of the page's timeline,
    /// every seek) copies a pointer per chunk, not every entry.
    history: Chunks<HistoryEntry>,
    /// How many of the history's entries are complete.
    history_completed: usize,
    /// The history's logical clock: one tick per invocation and per completion.
    clock: u64,
    keep_history: bool,
    /// Rule 12: whether reads may be answered under leases, so each client keeps how its
    /// last read was answered.
    track_reads: bool,
}

/// What a client did with a message addressed to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reaction {
    /// Nothing: an answer to an older command, or no command waiting.
    Ignored,
    /// Its command `seq` was answered.
    Answered {
        /// The command's sequence number.
        seq: u64,
        /// The operation.
        op: Op,
        /// Its result.
        result: OpResult,
    },
    /// Told who leads: it sends its command there now.
    Redirected,
    /// Told that the node it already sends to leads (a forwarded request came back as a
    /// refusal: the two nodes each believe the other leads). Sending again at once would
    /// bounce the command between them with no time passing, so it waits for its retry
    /// timer, by which time their election timers have settled who leads.
    HintAlreadyFollowed,
    /// Told the node does not lead, with no hint: it should pick the next proposer (and
    /// send there when its retry timer fires).
    Refused,
}

impl ClientPool {
    /// The clients of `config`, each first talking to a proposer in turn, with their
    /// scripted and random work.
    pub fn new(config: &SimConfig, proposers: &[NodeId]) -> Self {
        let clients = (1..=config.clients)
            .map(|id| {
                let script = config
                    .workload
                    .script
                    .iter()
                    .filter(|s| s.client == id)
                    .map(|s| s.op.clone())
                    .collect();
                let target = proposers[(id as usize - 1) % proposers.len()];
                Client::new(id, target, script, config.workload.random_ops)
            })
            .collect();
        ClientPool {
            clients,
            retry_at: VecMap::new(),
            history: Chunks::default(),
            history_completed: 0,
            clock: 0,
            keep_history: config.check,
            track_reads: config.read_mode == ReadMode::Lease
                || config.bugs.has(crate::paxos::Bug::ReadWithoutLease),
        }
    }

    /// Feeds the clients, their history and which retry timers are set (not when they
    /// fire) to `h`: part of the explorer's fingerprint of a state (`crate::explore`).
    pub fn fingerprint<H: std::hash::Hasher>(&self, h: &mut H) {
        use std::hash::Hash;
        self.clients.hash(h);
        for c in self.retry_at.keys() {
            c.hash(h);
        }
        // As the history's entries hash in a `Vec`: the length, then each entry.
        h.write_usize(self.history.len());
        for e in self.history.iter_from(0) {
            e.hash(h);
        }
        self.clock.hash(h);
    }

    /// The clients, by id.
    pub fn clients(&self) -> &[Client] {
        &self.clients
    }

    /// Every operation so far (empty unless checks are on), copied out of the pool.
    pub fn history(&self) -> History {
        History {
            entries: self.history.iter_from(0).cloned().collect(),
        }
    }

    /// How many operations the history holds, and how many of them are complete (without
    /// copying it).
    pub fn history_counts(&self) -> (usize, usize) {
        (self.history.len(), self.history_completed)
    }

    /// Whether every client has nothing in progress and nothing left to do.
    pub fn all_done(&self) -> bool {
        self.clients.iter().all(|c| c.is_done())
    }

    /// The index of client `id`.
    pub fn index(&self, id: ClientId) -> Option<usize> {
        self.clients.iter().position(|c| c.id == id)
    }

    /// Queues `op` for client `i`; returns whether the client is idle (so it can start).
    pub fn queue(&mut self, i: usize, op: Op) -> bool {
        let client = &mut self.clients[i];
        client.queue.push_back(op);
        client.pending.is_none()
    }

    /// Client `i`'s next operation, if it is idle and has work: its queue first, then a
    /// random one drawn by `random(client, seq)` while it has random commands left.
    pub fn next_op(&mut self, i: usize, random: impl FnOnce(ClientId, u64) -> Op) -> Option<Op> {
        let client = &mut self.clients[i];
        if client.pending.is_some() {
            return None;
        }
        match client.queue.pop_front() {
            Some(op) => Some(op),
            None if client.random_left > 0 => {
                client.random_left -= 1;
                Some(random(client.id, client.next_seq))
            }
            None => None,
        }
    }

    /// Client `i` invokes `op` as its next command; returns the command's sequence number.
    pub fn start(&mut self, i: usize, op: Op) -> u64 {
        let client = &mut self.clients[i];
        debug_assert!(
            client.pending.is_none(),
            "c{} starts one command at a time",
            client.id
        );
        let seq = client.next_seq;
        client.next_seq += 1;
        self.clock += 1;
        let history_index = self.history.len();
        if self.keep_history {
            self.history.push(HistoryEntry::unknown(
                client.id,
                seq,
                op.clone(),
                self.clock,
            ));
        }
        client.pending = Some(Pending {
            seq,
            op,
            invoked_at: self.clock,
            history_index,
            attempts: 0,
            read_locally: false,
        });
        seq
    }

    /// The request carrying client `i`'s pending command to its target, counted as one
    /// more attempt; arms the retry timer. Each retry waits twice as long as the last (up
    /// to 8×), so clients back off when the cluster is slow instead of piling retries on it.
    pub fn request(&mut self, i: usize, now: u64, retry_ticks: u64) -> Option<Envelope> {
        let client = &mut self.clients[i];
        let p = client.pending.as_mut()?;
        p.attempts += 1;
        let command = Command {
            client: client.id,
            seq: p.seq,
            op: p.op.clone(),
        };
        let backoff = retry_ticks << (p.attempts - 1).min(3);
        self.retry_at.insert(client.id, now + backoff);
        Some(Envelope {
            from: Addr::Client(client.id),
            to: Addr::Node(client.target),
            msg: Message::Request {
                command,
                forwarded: false,
            },
        })
    }

    /// The clients whose retry timer is due at `now`, in id order; their timers are cleared.
    pub fn take_due(&mut self, now: u64) -> Vec<ClientId> {
        let due: Vec<ClientId> = self
            .retry_at
            .iter()
            .filter(|(_, at)| **at <= now)
            .map(|(c, _)| *c)
            .collect();
        for c in &due {
            self.retry_at.remove(c);
        }
        due
    }

    /// Client `i` gives up on its target and picks the next proposer; returns it.
    pub fn rotate(&mut self, i: usize, proposers: &[NodeId]) -> NodeId {
        self.clients[i].rotate_target(proposers);
        self.clients[i].target
    }

    /// Client `i` receives `msg`: an answer completes its command (in the history too), a
    /// leader hint redirects it.
    pub fn receive(&mut self, i: usize, msg: Message) -> Reaction {
        let client = &mut self.clients[i];
        let Some(pending) = client.pending.as_ref() else {
            return Reaction::Ignored;
        };
        match msg {
            Message::Reply { seq, result } if seq == pending.seq => {
                self.clock += 1;
                if let Some(entry) = self.history.get_mut(pending.history_index) {
                    self.history_completed += 1;
                    entry.complete = Some(self.clock);
                    entry.result = Some(result.clone());
                }
                let done = client.pending.take().expect("pending");
                if let (true, Op::Get { key }, OpResult::Value { value }) =
                    (self.track_reads, &done.op, &result)
                {
                    client.last_read = Some(ReadAnswer {
                        seq,
                        key: key.clone(),
                        value: value.clone(),
                        mode: if done.read_locally {
                            ReadMode::Lease
                        } else {
                            ReadMode::Log
                        },
                    });
                }
                let op = done.op;
                client.completed += 1;
                self.retry_at.remove(&client.id);
                Reaction::Answered { seq, op, result }
            }
            Message::NotLeader { seq, hint } if seq == pending.seq => match hint {
                Some(leader) if leader == client.target => Reaction::HintAlreadyFollowed,
                Some(leader) => {
                    client.target = leader;
                    Reaction::Redirected
                }
                None => Reaction::Refused,
            },
            _ => Reaction::Ignored,
        }
    }

    /// Rule 12: a leader answered client `client`'s command `seq` under its lease.
    pub fn note_local_read(&mut self, client: ClientId, seq: u64) {
        let pending = self
            .clients
            .iter_mut()
            .find(|c| c.id == client)
            .and_then(|c| c.pending.as_mut());
        if let Some(p) = pending.filter(|p| p.seq == seq) {
            p.read_locally = true;
        }
    }

    /// Every client stops taking new work (faults ended: only started commands finish).
    pub fn stop_new_work(&mut self) {
        for c in &mut self.clients {
            c.random_left = 0;
            c.queue.clear();
        }
    }
}

/// A random operation for `client`'s command `seq` on the workload's keys: half puts,
/// three in ten gets, two in ten compare-and-sets (often against another client's value).
pub fn random_op(rng: &mut SimRng, config: &SimConfig, client: ClientId, seq: u64) -> Op {
    let key = decimal_text("k", rng.below(config.workload.keys.max(1) as u64), None);
    let value = decimal_text("", client.into(), Some(seq));
    match rng.below(10) {
        0..=4 => Op::Put {
            key: key.into(),
            value: value.into(),
        },
        5..=7 => Op::Get { key: key.into() },
        _ => {
            let expected = match rng.below(3) {
                0 => None,
                _ => {
                    let client = rng.between(1, config.clients.max(1) as u64);
                    Some(decimal_text("", client, Some(rng.between(1, seq))))
                }
            };
            Op::Cas {
                key: key.into(),
                expected: expected.map(Into::into),
                value: value.into(),
            }
        }
    }
}

/// `prefix`, then `a` in decimal, then `.` and `b` if given: what `format!` writes, without
/// its machinery (a random command's text took a sixth of a 3-server run's instructions
/// natively, and more in the size-optimized wasm module).
fn decimal_text(prefix: &str, a: u64, b: Option<u64>) -> String {
    let mut text = String::with_capacity(prefix.len() + 41);
    text.push_str(prefix);
    crate::json::write_u64(a, &mut text);
    if let Some(b) = b {
        text.push('.');
        crate::json::write_u64(b, &mut text);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::scenario::ScriptedOp;

    #[test]
    fn decimal_text_is_what_format_writes() {
        for x in [0, 1, 9, 10, 99, 100, 12_345, u64::from(u32::MAX), u64::MAX] {
            assert_eq!(decimal_text("k", x, None), format!("k{x}"));
            assert_eq!(decimal_text("", x, Some(x / 7)), format!("{x}.{}", x / 7));
        }
    }

    fn put(v: &str) -> Op {
        Op::Put {
            key: "x".into(),
            value: v.into(),
        }
    }

    fn pool() -> ClientPool {
        let mut config = SimConfig {
            clients: 1,
            check: true,
            ..SimConfig::default()
        };
        config.workload.random_ops = 0;
        config.workload.script = vec![ScriptedOp {
            client: 1,
            op: put("a"),
        }];
        ClientPool::new(&config, &[6, 7])
    }

    #[test]
    fn a_command_is_retried_with_backoff_and_answered_once() {
        let mut p = pool();
        let op = p.next_op(0, |_, _| unreachable!("scripted")).unwrap();
        assert_eq!(p.start(0, op), 1);
        assert_eq!(p.next_op(0, |_, _| put("b")), None, "one command at a time");
        let env = p.request(0, 100, 10).unwrap();
        assert_eq!(env.to, Addr::Node(6));
        assert_eq!(p.take_due(109), Vec::<ClientId>::new());
        assert_eq!(p.take_due(110), vec![1]);
        assert_eq!(p.rotate(0, &[6, 7]), 7);
        p.request(0, 110, 10).unwrap();
        assert_eq!(
            p.take_due(129),
            Vec::<ClientId>::new(),
            "the second wait doubles"
        );
        let stale = Message::Reply {
            seq: 0,
            result: OpResult::Ok,
        };
        assert_eq!(p.receive(0, stale), Reaction::Ignored);
        let answer = Message::Reply {
            seq: 1,
            result: OpResult::Ok,
        };
        assert!(matches!(
            p.receive(0, answer.clone()),
            Reaction::Answered { seq: 1, .. }
        ));
        assert_eq!(p.receive(0, answer), Reaction::Ignored, "answered once");
        assert_eq!(
            p.take_due(1_000),
            Vec::<ClientId>::new(),
            "no retry after the answer"
        );
        let history = p.history();
        let entry = &history.entries[0];
        assert_eq!((entry.invoke, entry.complete), (1, Some(2)));
        assert!(p.all_done());
    }

    #[test]
    fn a_leader_hint_redirects_and_a_bare_refusal_asks_to_rotate() {
        let mut p = pool();
        let op = p.next_op(0, |_, _| unreachable!("scripted")).unwrap();
        p.start(0, op);
        let hint = Message::NotLeader {
            seq: 1,
            hint: Some(7),
        };
        assert_eq!(p.receive(0, hint.clone()), Reaction::Redirected);
        assert_eq!(p.request(0, 0, 10).unwrap().to, Addr::Node(7));
        // The same hint again names the node it already sends to: no resend at once.
        assert_eq!(p.receive(0, hint), Reaction::HintAlreadyFollowed);
        let refusal = Message::NotLeader { seq: 1, hint: None };
        assert_eq!(p.receive(0, refusal), Reaction::Refused);
    }
}
