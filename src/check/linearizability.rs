//! Linearizability of a client [`History`] against the sequential key-value spec
//! (`put` → `ok`; `get` → the current value; `cas` swaps only when the current value equals
//! `expected`, `None` meaning absent).
//!
//! # Method
//!
//! * **Per key** (P-compositionality, as in Porcupine): every operation touches one key,
//!   so the history is linearizable iff each key's sub-history is. Keys are checked
//!   independently and share one search budget.
//! * **Per key, the Wing & Gong / Lowe search** (WGL), as in Porcupine: invocations and
//!   completions form one list in time order (invocations first at equal times); a
//!   depth-first search repeatedly places an operation whose invocation precedes the first
//!   pending completion, applies it to the model, and backtracks when it reaches a
//!   completion whose operation could not be placed. Configurations — (operations placed,
//!   model state) — that were fully explored without success are memoized and never
//!   explored again. The set placed is stored sparsely (the highest placed operation and
//!   the unplaced "holes" below it, operations being numbered by invocation), which stays
//!   small when few operations are concurrent.
//! * **Unknown outcomes** may take effect any time after their invocation, or never; the
//!   search succeeds once every *completed* operation is placed. They are handled by exact
//!   reductions rather than as +∞ returns:
//!   - an unknown `get` constrains nothing and is dropped;
//!   - an unknown write of `v` only matters until the last completion that could observe
//!     it (a completed get of `v`, a completed cas that swapped from `v` or failed on
//!     another value, or — transitively — an unknown cas expecting `v`): that is its
//!     *deadline*. Any valid order can be changed so that every unknown write either
//!     takes effect before its deadline or never, so at its deadline the search may
//!     declare it never happened; one with no deadline after its invocation is dropped;
//!   - unknown operations are only tried after the completed ones at each step, and only
//!     when the state they produce lets a pending completed operation apply (or feeds an
//!     unknown cas): a completed operation that already applies was tried first;
//!   - values no operation ever tests are interchangeable, and so are unknown operations
//!     with the same effect and deadline: those are used in invocation order only.
//!
//!   A memoized failure also prunes any configuration with the same completed operations
//!   placed and the same state but more unknown operations used up.
//! * **Explanations**: the furthest completion any order reached is where the violation
//!   shows: that operation is reported with the values the key could hold when it had to
//!   take effect and the few operations that explain why.
//! * **Bounded effort**: every attempt to place an operation counts as one step; past
//!   [`CheckOptions::max_steps`] the outcome is [`Outcome::Inconclusive`] instead of a
//!   browser hang. Memory grows with the steps taken (tens of MB for the default budget).
//!
//! Everything is deterministic (ordered maps, sorted output, a fixed hash function used
//! only for lookups), single-threaded and clock-free, so it runs the same in wasm.
use super::history::{History, HistoryError};
use crate::kv::{Op, OpResult};
use fnv::FnvHashMap;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// Default search budget: enough for histories of many thousands of operations with a
/// handful of concurrent clients, small enough to answer within a few seconds in a browser.
pub const DEFAULT_MAX_STEPS: u64 = 2_000_000;

/// At most this many operations are listed in a violation.
const MAX_INVOLVED: usize = 12;
/// At most this many candidate values are listed in a violation.
const MAX_STATES: usize = 8;

/// Tuning knobs for [`check_with`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CheckOptions {
    /// Total search steps allowed over all keys (one step = one attempt to place an
    /// operation). Keys are checked smallest first; when the budget runs out, the key being
    /// searched and all keys not yet searched are reported inconclusive.
    pub max_steps: u64,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            max_steps: DEFAULT_MAX_STEPS,
        }
    }
}

/// The checker's answer for a whole history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LinearizabilityReport {
    /// The verdict.
    pub outcome: Outcome,
    /// One summary per key, sorted by key (empty for a malformed history).
    pub keys: Vec<KeySummary>,
    /// Search steps spent over all keys.
    pub steps: u64,
}

impl LinearizabilityReport {
    /// True if the history is linearizable.
    pub fn is_linearizable(&self) -> bool {
        matches!(self.outcome, Outcome::Linearizable)
    }

    /// The violation, if the history is not linearizable.
    pub fn violation(&self) -> Option<&Violation> {
        match &self.outcome {
            Outcome::Violation(v) => Some(v),
            _ => None,
        }
    }

    /// True if the search budget ran out before a verdict.
    pub fn is_inconclusive(&self) -> bool {
        matches!(self.outcome, Outcome::Inconclusive { .. })
    }
}

impl fmt::Display for LinearizabilityReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.outcome {
            Outcome::Linearizable => {
                let ops: usize = self.keys.iter().map(|k| k.operations).sum();
                write!(
                    f,
                    "linearizable: {ops} operations on {} keys ({} search steps)",
                    self.keys.len(),
                    self.steps
                )
            }
            Outcome::Violation(v) => write!(f, "not linearizable: {}", v.explanation),
            Outcome::Inconclusive { keys, max_steps } => write!(
                f,
                "inconclusive: the search budget of {max_steps} steps ran out before key(s) {} \
                 were decided; no violation was found in the other keys",
                quote_list(keys)
            ),
            Outcome::Malformed { errors } => {
                write!(f, "malformed history:")?;
                for e in errors {
                    write!(f, "\n  {e}")?;
                }
                Ok(())
            }
        }
    }
}

/// The verdict on a history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// Every key's sub-history is linearizable.
    Linearizable,
    /// Some key's sub-history is not; this is the violation that shows up earliest in
    /// logical time (ties: smallest key).
    Violation(Violation),
    /// No violation found, but the budget ran out before these keys (sorted) were decided.
    Inconclusive {
        /// Keys left undecided.
        keys: Vec<String>,
        /// The budget that ran out.
        max_steps: u64,
    },
    /// The history is not well formed (see [`History::validate`]); nothing was checked.
    Malformed {
        /// Every problem found.
        errors: Vec<HistoryError>,
    },
}

/// Why a key's sub-history is not linearizable.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Violation {
    /// The key.
    pub key: String,
    /// Index in `History::entries` of the completed operation no valid order gets past:
    /// every order of the key's operations is stuck at its completion or earlier.
    pub culprit: usize,
    /// Logical time of that completion.
    pub failed_at: u64,
    /// The values the key can hold (over all valid orders of the operations that completed
    /// before it) when the culprit has to take effect; `None` = absent. At most 8.
    pub possible_values: Vec<Option<String>>,
    /// Indices in `History::entries` of the operations that explain the violation (the
    /// culprit, the writes of the value it relied on, the latest operations that finished
    /// before it started, and those concurrent with it), sorted by invocation; at most 12.
    pub involved: Vec<usize>,
    /// A short human-readable explanation (several lines).
    pub explanation: String,
}

/// What happened to one key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct KeySummary {
    /// The key.
    pub key: String,
    /// Operations on the key in the history.
    pub operations: usize,
    /// Of those, operations with unknown outcome.
    pub unknown: usize,
    /// Unknown-outcome operations dropped before the search because nothing could
    /// observe them.
    pub dropped: usize,
    /// Search steps spent on this key.
    pub steps: u64,
    /// The key's verdict.
    pub verdict: KeyVerdict,
}

/// The verdict on one key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyVerdict {
    /// The key's sub-history is linearizable.
    Linearizable,
    /// It is not.
    Violation,
    /// The budget ran out while searching it.
    Inconclusive,
    /// The budget ran out before it was searched.
    Skipped,
}

/// Checks `history` with the default budget ([`DEFAULT_MAX_STEPS`]).
pub fn check(history: &History) -> LinearizabilityReport {
    check_with(history, &CheckOptions::default())
}

/// Checks `history` with explicit options.
pub fn check_with(history: &History, options: &CheckOptions) -> LinearizabilityReport {
    let errors = history.validate();
    if !errors.is_empty() {
        return LinearizabilityReport {
            outcome: Outcome::Malformed { errors },
            keys: Vec::new(),
            steps: 0,
        };
    }
    let mut problems: Vec<KeyProblem> = history
        .indices_by_key()
        .into_iter()
        .map(|(key, indices)| KeyProblem::new(history, key, &indices))
        .collect();
    // Cheap keys first, so one expensive key cannot starve the others of budget.
    problems.sort_by(|a, b| (a.total, &a.key).cmp(&(b.total, &b.key)));

    let mut steps = 0u64;
    let mut keys = Vec::new();
    let mut violations = Vec::new();
    let mut undecided = Vec::new();
    for p in &problems {
        let before = steps;
        let verdict = if steps >= options.max_steps && !p.known.is_empty() {
            KeyVerdict::Skipped
        } else {
            match p.search(options.max_steps, &mut steps) {
                Search::Linearizable => KeyVerdict::Linearizable,
                Search::Exhausted => KeyVerdict::Inconclusive,
                Search::Stuck { event, states } => {
                    violations.push(p.explain(history, event, &states));
                    KeyVerdict::Violation
                }
            }
        };
        if matches!(verdict, KeyVerdict::Inconclusive | KeyVerdict::Skipped) {
            undecided.push(p.key.clone());
        }
        keys.push(KeySummary {
            key: p.key.clone(),
            operations: p.total,
            unknown: p.unknown_total,
            dropped: p.dropped,
            steps: steps - before,
            verdict,
        });
    }
    keys.sort_by(|a, b| a.key.cmp(&b.key));
    undecided.sort();
    violations.sort_by(|a, b| (a.failed_at, &a.key).cmp(&(b.failed_at, &b.key)));

    let outcome = if let Some(v) = violations.into_iter().next() {
        Outcome::Violation(v)
    } else if !undecided.is_empty() {
        Outcome::Inconclusive {
            keys: undecided,
            max_steps: options.max_steps,
        }
    } else {
        Outcome::Linearizable
    };
    LinearizabilityReport {
        outcome,
        keys,
        steps,
    }
}

/// An operation on one key reduced to what the model needs; values are interned
/// (0 = absent).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Step {
    /// `put` (completed or unknown): always applies.
    Put(u32),
    /// Completed `get` that returned this value.
    Get(u32),
    /// Completed `cas(expected, new)` that swapped.
    CasOk(u32, u32),
    /// Completed `cas(expected, _)` that did not swap.
    CasFail(u32),
    /// Unknown-outcome `cas(expected, new)`: swaps or not, as the state dictates.
    CasMaybe(u32, u32),
}

impl Step {
    /// The state after this operation, or `None` if its recorded result is impossible in
    /// `state`.
    fn apply(self, state: u32) -> Option<u32> {
        match self {
            Step::Put(v) => Some(v),
            Step::Get(r) => (state == r).then_some(state),
            Step::CasOk(e, v) => (state == e).then_some(v),
            Step::CasFail(e) => (state != e).then_some(state),
            Step::CasMaybe(e, v) => Some(if state == e { v } else { state }),
        }
    }
}

/// One operation of a key's sub-history.
#[derive(Clone, Copy, Debug)]
struct KeyOp {
    /// Index in `History::entries`.
    entry: usize,
    invoke: u64,
    /// `None` = unknown outcome.
    complete: Option<u64>,
    step: Step,
}

impl KeyOp {
    /// The value this operation writes when it takes effect (a swap, for `cas`).
    fn writes(&self) -> Option<u32> {
        match self.step {
            Step::Put(v) | Step::CasOk(_, v) | Step::CasMaybe(_, v) => Some(v),
            _ => None,
        }
    }
}

/// An entry of the search's event list, which is sorted by time; at equal times calls
/// come first (so touching intervals are concurrent), then returns, then deadlines.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Event {
    /// Invocation of completed operation `known[i]`.
    Call(u32),
    /// Completion of completed operation `known[i]`.
    Return(u32),
    /// Deadline of unknown-outcome operation `unknown[i]`: it must have taken effect by
    /// now to matter, so it is taken to have never taken effect if it has not.
    Deadline(u32),
}

/// Result of searching one key.
enum Search {
    Linearizable,
    /// Not linearizable: `event` (a return) is the furthest point any order reached;
    /// `states` are the model states in which the search got stuck there.
    Stuck {
        event: usize,
        states: BTreeSet<u32>,
    },
    Exhausted,
}

const NIL: u32 = u32::MAX;
/// Stands for every value no operation tests, in memo keys.
const TOP: u32 = u32::MAX - 1;

/// Failed configurations remembered per known part, beyond which older ones are forgotten
/// (forgetting only costs pruning, never correctness).
const MAX_FAILED_PER_KNOWN_PART: usize = 16;

/// One key's sub-history, prepared for the search.
struct KeyProblem {
    key: String,
    /// Completed operations, numbered in invocation order.
    known: Vec<KeyOp>,
    /// Unknown-outcome operations kept for the search, numbered in invocation order.
    unknown: Vec<KeyOp>,
    /// The event list and each event's time.
    events: Vec<Event>,
    times: Vec<u64>,
    call_event: Vec<u32>,
    return_event: Vec<u32>,
    deadline_event: Vec<u32>,
    /// Previous unknown operation (by invocation) with the same effect and deadline, up
    /// to values no operation tests. Such twins are interchangeable once invoked, so they
    /// are only ever resolved in invocation order: the resolved ones of a group are always
    /// its first few, which makes configurations that differ only by which twins were
    /// used identical.
    twin_prev: Vec<u32>,
    /// Per value: some operation tests the state against it (a completed get returned it
    /// or some cas expects it). All other values are interchangeable.
    significant: Vec<bool>,
    /// Interned values; `values[0]` is `None` (absent).
    values: Vec<Option<String>>,
    total: usize,
    unknown_total: usize,
    dropped: usize,
}

impl KeyProblem {
    fn new<'h>(history: &'h History, key: &str, indices: &[usize]) -> Self {
        let mut values: Vec<Option<String>> = vec![None];
        let mut ids: BTreeMap<&'h str, u32> = BTreeMap::new();
        let mut intern = |v: Option<&'h str>| -> u32 {
            match v {
                None => 0,
                Some(s) => *ids.entry(s).or_insert_with(|| {
                    values.push(Some(s.to_string()));
                    (values.len() - 1) as u32
                }),
            }
        };
        let mut known = Vec::new();
        let mut unknown = Vec::new();
        let mut unknown_total = 0;
        let mut dropped = 0;
        for &i in indices {
            let e = &history.entries[i];
            if e.is_unknown() {
                unknown_total += 1;
            }
            let step = match (&e.op, &e.result) {
                (Op::Put { value, .. }, _) => Step::Put(intern(Some(value))),
                (Op::Get { .. }, Some(OpResult::Value { value })) => {
                    Step::Get(intern(value.as_deref()))
                }
                // An unknown get has no effect and nothing to match.
                (Op::Get { .. }, _) => {
                    dropped += 1;
                    continue;
                }
                (
                    Op::Cas {
                        expected, value, ..
                    },
                    r,
                ) => {
                    let ex = intern(expected.as_deref());
                    let v = intern(Some(value));
                    match r {
                        Some(OpResult::Cas { ok: true }) => Step::CasOk(ex, v),
                        Some(_) => Step::CasFail(ex),
                        None => Step::CasMaybe(ex, v),
                    }
                }
            };
            let op = KeyOp {
                entry: i,
                invoke: e.invoke,
                complete: e.complete,
                step,
            };
            if e.is_unknown() {
                unknown.push(op);
            } else {
                known.push(op);
            }
        }
        known.sort_by_key(|o| (o.invoke, o.entry));
        unknown.sort_by_key(|o| (o.invoke, o.entry));

        // Deadlines. An unknown write of v only matters if some operation later sees the
        // state it leaves: a completed get returning v, a completed cas that swapped from
        // v, a completed cas that failed expecting something else, or an unknown cas
        // expecting v (which matters by its own deadline). Any linearization can drop an
        // unknown write that nothing sees before the next write, so each one can be
        // required to take effect before the last completion that could see it, or never.
        let mut seen_by: BTreeMap<u32, u64> = BTreeMap::new();
        let mut failed_by: BTreeMap<u32, u64> = BTreeMap::new();
        for o in &known {
            let t = o.complete.expect("known");
            let slot = match o.step {
                Step::Get(r) => seen_by.entry(r),
                Step::CasOk(e, _) => seen_by.entry(e),
                Step::CasFail(e) => failed_by.entry(e),
                Step::Put(_) => continue,
                Step::CasMaybe(..) => unreachable!("completed cas has a result"),
            };
            let m = slot.or_insert(t);
            *m = (*m).max(t);
        }
        // The latest failed cas, and the latest one with a different expected value.
        let first = failed_by
            .iter()
            .max_by_key(|&(e, t)| (*t, *e))
            .map(|(&e, &t)| (e, t));
        let second = first.and_then(|(fe, _)| {
            failed_by
                .iter()
                .filter(|&(e, _)| *e != fe)
                .map(|(_, &t)| t)
                .max()
        });
        let failed_except = |v: u32| match first {
            Some((e, t)) if e != v => Some(t),
            _ => second,
        };
        let mut deadline: Vec<Option<u64>> = unknown
            .iter()
            .map(|o| {
                let v = o.writes().expect("unknown gets are dropped");
                seen_by.get(&v).copied().max(failed_except(v))
            })
            .collect();
        let mut cas_expecting: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
        for (i, o) in unknown.iter().enumerate() {
            if let Step::CasMaybe(e, _) = o.step {
                cas_expecting.entry(e).or_default().push(i);
            }
        }
        loop {
            let mut changed = false;
            for i in 0..unknown.len() {
                let v = unknown[i].writes().expect("unknown gets are dropped");
                for &c in cas_expecting.get(&v).map_or(&[][..], Vec::as_slice) {
                    if c != i && deadline[c] > deadline[i] {
                        deadline[i] = deadline[c];
                        changed = true;
                    }
                }
            }
            if !changed {
                break;
            }
        }
        let mut kept = Vec::new();
        let mut deadlines = Vec::new();
        for (o, d) in unknown.into_iter().zip(deadline) {
            match d {
                Some(d) if d >= o.invoke => {
                    kept.push(o);
                    deadlines.push(d);
                }
                _ => dropped += 1,
            }
        }
        let unknown = kept;

        let mut significant = vec![false; values.len()];
        significant[0] = true;
        for o in known.iter().chain(&unknown) {
            match o.step {
                Step::Get(r) => significant[r as usize] = true,
                Step::CasOk(e, _) | Step::CasFail(e) | Step::CasMaybe(e, _) => {
                    significant[e as usize] = true
                }
                Step::Put(_) => {}
            }
        }
        let canon = |v: u32| if significant[v as usize] { v } else { TOP };
        let mut twin_prev = vec![NIL; unknown.len()];
        let mut last: BTreeMap<(u32, u32, u64), u32> = BTreeMap::new();
        for i in 0..unknown.len() {
            let shape = match unknown[i].step {
                Step::Put(v) => (TOP, canon(v), deadlines[i]),
                Step::CasMaybe(e, v) => (e, canon(v), deadlines[i]),
                _ => unreachable!("unknown operations are puts and cas"),
            };
            if let Some(j) = last.insert(shape, i as u32) {
                twin_prev[i] = j;
            }
        }

        let mut timed: Vec<(u64, Event)> = Vec::with_capacity(2 * known.len() + unknown.len());
        for (i, o) in known.iter().enumerate() {
            timed.push((o.invoke, Event::Call(i as u32)));
            timed.push((o.complete.expect("known"), Event::Return(i as u32)));
        }
        for (i, &d) in deadlines.iter().enumerate() {
            timed.push((d, Event::Deadline(i as u32)));
        }
        timed.sort_unstable();
        let mut call_event = vec![NIL; known.len()];
        let mut return_event = vec![NIL; known.len()];
        let mut deadline_event = vec![NIL; unknown.len()];
        for (pos, &(_, ev)) in timed.iter().enumerate() {
            let pos = pos as u32;
            match ev {
                Event::Call(i) => call_event[i as usize] = pos,
                Event::Return(i) => return_event[i as usize] = pos,
                Event::Deadline(i) => deadline_event[i as usize] = pos,
            }
        }
        KeyProblem {
            key: key.to_string(),
            known,
            unknown,
            events: timed.iter().map(|&(_, e)| e).collect(),
            times: timed.iter().map(|&(t, _)| t).collect(),
            call_event,
            return_event,
            deadline_event,
            twin_prev,
            significant,
            values,
            total: indices.len(),
            unknown_total,
            dropped,
        }
    }

    /// The search. `steps` is the running total over all keys, `max_steps` its limit.
    fn search(&self, max_steps: u64, steps: &mut u64) -> Search {
        if self.known.is_empty() {
            return Search::Linearizable;
        }
        let mut s = Searcher::new(self);
        let head = self.events.len() as u32;
        let mut cursor = Cursor::Main(s.next[head as usize]);
        loop {
            cursor = match cursor {
                Cursor::Main(e) if e == NIL => Cursor::Backtrack, // unreachable: see `left`
                Cursor::Main(e) => match self.events[e as usize] {
                    Event::Call(k) => {
                        if *steps >= max_steps {
                            return Search::Exhausted;
                        }
                        *steps += 1;
                        let placed = match self.known[k as usize].step.apply(s.state) {
                            Some(new_state) => s.place(Alt::Known(k), new_state),
                            None => false,
                        };
                        if placed && s.left == 0 {
                            return Search::Linearizable;
                        }
                        Cursor::Main(if placed {
                            s.next[head as usize]
                        } else {
                            s.next[e as usize]
                        })
                    }
                    // A deadline: first try "it never took effect".
                    Event::Deadline(w) => Cursor::Omit { w, barrier: e },
                    // A return: the completed operations that may come next are
                    // exhausted; try the unknown ones invoked before it.
                    Event::Return(_) => Cursor::Unknown {
                        u: s.unext[self.unknown.len()],
                        barrier: e,
                    },
                },
                Cursor::Omit { w, barrier } => {
                    if *steps >= max_steps {
                        return Search::Exhausted;
                    }
                    *steps += 1;
                    if s.place(Alt::Omit { u: w, barrier }, s.state) {
                        Cursor::Main(s.next[head as usize])
                    } else {
                        Cursor::Unknown {
                            u: s.unext[self.unknown.len()],
                            barrier,
                        }
                    }
                }
                Cursor::Unknown { u, barrier }
                    if u != NIL
                        && self.unknown[u as usize].invoke <= self.times[barrier as usize] =>
                {
                    if *steps >= max_steps {
                        return Search::Exhausted;
                    }
                    *steps += 1;
                    let new_state = self.unknown[u as usize]
                        .step
                        .apply(s.state)
                        .expect("unknown outcomes always apply");
                    if s.worth_placing(u, new_state, barrier)
                        && s.place(Alt::Unknown { u, barrier }, new_state)
                    {
                        Cursor::Main(s.next[head as usize])
                    } else {
                        Cursor::Unknown {
                            u: s.unext[u as usize],
                            barrier,
                        }
                    }
                }
                Cursor::Unknown { barrier, .. } => {
                    if let Event::Return(_) = self.events[barrier as usize] {
                        // A completion whose operation cannot be placed: dead end.
                        s.stuck_at(barrier as usize);
                    }
                    Cursor::Backtrack
                }
                Cursor::Backtrack => match s.pop() {
                    None => {
                        let event = s.furthest.unwrap_or(self.return_event[0] as usize);
                        return Search::Stuck {
                            event,
                            states: s.stuck_states,
                        };
                    }
                    Some(Alt::Known(k)) => {
                        Cursor::Main(s.next[self.call_event[k as usize] as usize])
                    }
                    Some(Alt::Unknown { u, barrier }) => Cursor::Unknown {
                        u: s.unext[u as usize],
                        barrier,
                    },
                    Some(Alt::Omit { barrier, .. }) => Cursor::Unknown {
                        u: s.unext[self.unknown.len()],
                        barrier,
                    },
                },
            };
        }
    }

    /// Builds the report for a key whose search got stuck at `event`.
    fn explain(&self, history: &History, event: usize, states: &BTreeSet<u32>) -> Violation {
        let Event::Return(c) = self.events[event] else {
            unreachable!("the search only gets stuck at returns")
        };
        let culprit = &self.known[c as usize];
        let failed_at = culprit.complete.expect("known");
        let show = |v: u32| match &self.values[v as usize] {
            Some(s) => s.clone(),
            None => "∅ (absent)".to_string(),
        };
        let holds = states
            .iter()
            .map(|&s| show(s))
            .collect::<Vec<_>>()
            .join(" or ");
        let k = format!("{:?}", self.key);
        let why = match culprit.step {
            Step::Get(r) => format!("it read {}, but {k} holds {holds}", show(r)),
            Step::CasOk(e, _) => format!("it swapped from {}, but {k} holds {holds}", show(e)),
            Step::CasFail(e) => format!(
                "it failed, so {k} cannot have held {}, but {k} holds {holds}",
                show(e)
            ),
            _ => format!("{k} holds {holds}"),
        };

        // Pick the operations that explain it, most telling first.
        let ops: Vec<&KeyOp> = self.known.iter().chain(&self.unknown).collect();
        let mut picked: Vec<usize> = vec![culprit.entry];
        let add = |picked: &mut Vec<usize>, o: &KeyOp| {
            if !picked.contains(&o.entry) && picked.len() < MAX_INVOLVED {
                picked.push(o.entry);
            }
        };
        // The latest writes of the value it relied on.
        let relied = match culprit.step {
            Step::Get(r) if r != 0 => Some(r),
            Step::CasOk(e, _) if e != 0 => Some(e),
            _ => None,
        };
        if let Some(r) = relied {
            let mut writers: Vec<&KeyOp> = ops
                .iter()
                .copied()
                .filter(|o| o.entry != culprit.entry && o.invoke <= failed_at)
                .filter(|o| o.writes() == Some(r))
                .collect();
            writers.sort_by_key(|o| (o.invoke, o.entry));
            for o in writers.iter().rev().take(2) {
                add(&mut picked, o);
            }
        }
        // The last operations that finished before it started (none finished after them
        // and before it).
        let mut before: Vec<&KeyOp> = ops
            .iter()
            .copied()
            .filter(|o| matches!(o.complete, Some(t) if t < culprit.invoke))
            .collect();
        before.sort_by_key(|o| (o.invoke, o.entry));
        let latest_start = before.iter().map(|o| o.invoke).max();
        for o in before.iter().rev() {
            if o.complete >= latest_start {
                add(&mut picked, o);
            }
        }
        // Operations concurrent with it.
        let mut concurrent: Vec<&KeyOp> = ops
            .iter()
            .copied()
            .filter(|o| {
                o.invoke <= failed_at
                    && match o.complete {
                        Some(t) => t >= culprit.invoke,
                        None => true,
                    }
            })
            .collect();
        concurrent.sort_by_key(|o| (o.invoke, o.entry));
        for o in concurrent {
            add(&mut picked, o);
        }
        let mut involved = picked;
        involved.sort_by_key(|&i| (history.entries[i].invoke, i));

        let mut explanation = format!(
            "key {k}: no order of its operations up to t{failed_at} is valid. \
             {} cannot take effect anywhere in its interval: {why}. Operations involved:",
            history.entries[culprit.entry]
        );
        for &i in &involved {
            explanation.push_str(&format!("\n  {}", history.entries[i]));
        }
        Violation {
            key: self.key.clone(),
            culprit: culprit.entry,
            failed_at,
            possible_values: states
                .iter()
                .map(|&s| self.values[s as usize].clone())
                .collect(),
            involved,
            explanation,
        }
    }
}

/// A choice the search made at some configuration.
#[derive(Clone, Copy, Debug)]
enum Alt {
    /// Completed operation `known[i]` took effect.
    Known(u32),
    /// Unknown operation `unknown[u]` took effect, tried while stopped at `barrier`.
    Unknown { u: u32, barrier: u32 },
    /// Unknown operation `unknown[u]` never took effect (its deadline, event `barrier`,
    /// was reached).
    Omit { u: u32, barrier: u32 },
}

/// Where the search continues.
#[derive(Clone, Copy, Debug)]
enum Cursor {
    /// Trying the completed operation invoked at event `e` (or stopping at a barrier).
    Main(u32),
    /// Trying "unknown operation `w` never took effect" at its deadline `barrier`.
    Omit { w: u32, barrier: u32 },
    /// Trying unknown operation `u` (in invocation order) while stopped at `barrier`.
    Unknown { u: u32, barrier: u32 },
    /// Every choice at this configuration failed.
    Backtrack,
}

/// A configuration: which operations are placed (resp. omitted) and the model state.
/// Completed operations are numbered by invocation, so the set placed is `0..high` minus
/// a few holes; likewise for unknown operations.
struct Config {
    /// `[state, high, holes...]` over completed operations.
    known: Box<[u32]>,
    /// `high` over unknown operations (placed or omitted).
    unknown_high: u32,
    /// Unresolved unknown operations below `unknown_high`, ascending.
    unknown_holes: Box<[u32]>,
}

/// True if every unknown operation resolved in `(a_high, a_holes)` is resolved in
/// `(b_high, b_holes)`.
fn resolved_subset(a_high: u32, a_holes: &[u32], b_high: u32, b_holes: &[u32]) -> bool {
    if a_high > b_high {
        return false;
    }
    let mut a = a_holes.iter().peekable();
    for &h in b_holes.iter().take_while(|&&h| h < a_high) {
        while a.next_if(|&&x| x < h).is_some() {}
        if a.next_if_eq(&&h).is_none() {
            return false;
        }
    }
    true
}

/// Failed configurations: known part → `(unknown_high, unknown_holes)` of each.
type FailedConfigs = FnvHashMap<Box<[u32]>, Vec<(u32, Box<[u32]>)>>;

/// A pushed choice and what to restore when it is taken back.
struct Frame {
    alt: Alt,
    state: u32,
    high: u32,
    unknown_high: u32,
    config: Config,
}

/// The mutable state of one key's search: dancing-links lists of unplaced events and
/// unknown operations, the current configuration, the stack, and the failed configurations.
struct Searcher<'p> {
    p: &'p KeyProblem,
    next: Vec<u32>,
    prev: Vec<u32>,
    unext: Vec<u32>,
    uprev: Vec<u32>,
    state: u32,
    high: u32,
    unknown_high: u32,
    /// Completed operations not yet placed.
    left: usize,
    stack: Vec<Frame>,
    /// Configurations fully explored without success, by known part. A configuration is
    /// pruned if one with the same known part and state and a subset of its resolved
    /// unknown operations failed: everything it could do, that one could too.
    failed: FailedConfigs,
    scratch: Vec<u32>,
    scratch_unknown: Vec<u32>,
    furthest: Option<usize>,
    stuck_states: BTreeSet<u32>,
    /// Per unknown operation: placed or omitted.
    resolved: Vec<bool>,
}

impl<'p> Searcher<'p> {
    fn new(p: &'p KeyProblem) -> Self {
        // Circular lists with the sentinel at index `len`.
        let ring = |len: usize| -> (Vec<u32>, Vec<u32>) {
            let n = len as u32;
            let next = (0..=n)
                .map(|i| {
                    if i == n {
                        if n == 0 {
                            NIL
                        } else {
                            0
                        }
                    } else if i + 1 < n {
                        i + 1
                    } else {
                        NIL
                    }
                })
                .collect();
            let prev = (0..=n)
                .map(|i| {
                    if i == 0 {
                        n
                    } else if i == n {
                        NIL
                    } else {
                        i - 1
                    }
                })
                .collect();
            (next, prev)
        };
        let (next, prev) = ring(p.events.len());
        let (unext, uprev) = ring(p.unknown.len());
        Searcher {
            p,
            next,
            prev,
            unext,
            uprev,
            state: 0, // every key starts absent
            high: 0,
            unknown_high: 0,
            left: p.known.len(),
            stack: Vec::new(),
            failed: FnvHashMap::default(),
            scratch: Vec::new(),
            scratch_unknown: Vec::new(),
            furthest: None,
            stuck_states: BTreeSet::new(),
            resolved: vec![false; p.unknown.len()],
        }
    }

    fn unlink(next: &mut [u32], prev: &mut [u32], e: u32) {
        let (p, x) = (prev[e as usize], next[e as usize]);
        next[p as usize] = x;
        if x != NIL {
            prev[x as usize] = p;
        }
    }

    fn relink(next: &mut [u32], prev: &mut [u32], e: u32) {
        let (p, x) = (prev[e as usize], next[e as usize]);
        next[p as usize] = e;
        if x != NIL {
            prev[x as usize] = e;
        }
    }

    fn lift(&mut self, alt: Alt) {
        match alt {
            Alt::Known(k) => {
                Self::unlink(
                    &mut self.next,
                    &mut self.prev,
                    self.p.call_event[k as usize],
                );
                Self::unlink(
                    &mut self.next,
                    &mut self.prev,
                    self.p.return_event[k as usize],
                );
            }
            Alt::Unknown { u, .. } | Alt::Omit { u, .. } => {
                self.resolved[u as usize] = true;
                Self::unlink(&mut self.unext, &mut self.uprev, u);
                Self::unlink(
                    &mut self.next,
                    &mut self.prev,
                    self.p.deadline_event[u as usize],
                );
            }
        }
    }

    fn unlift(&mut self, alt: Alt) {
        match alt {
            Alt::Known(k) => {
                Self::relink(
                    &mut self.next,
                    &mut self.prev,
                    self.p.return_event[k as usize],
                );
                Self::relink(
                    &mut self.next,
                    &mut self.prev,
                    self.p.call_event[k as usize],
                );
            }
            Alt::Unknown { u, .. } | Alt::Omit { u, .. } => {
                Self::relink(
                    &mut self.next,
                    &mut self.prev,
                    self.p.deadline_event[u as usize],
                );
                Self::relink(&mut self.unext, &mut self.uprev, u);
                self.resolved[u as usize] = false;
            }
        }
    }

    /// Tries `alt` leading to `new_state`: applies it unless the resulting configuration
    /// is known to fail. Returns whether it was applied.
    fn place(&mut self, alt: Alt, new_state: u32) -> bool {
        self.lift(alt);
        let (high, unknown_high) = match alt {
            Alt::Known(k) => (self.high.max(k + 1), self.unknown_high),
            Alt::Unknown { u, .. } | Alt::Omit { u, .. } => {
                (self.high, self.unknown_high.max(u + 1))
            }
        };
        // Holes: the unplaced calls below `high` come first among the calls left, in
        // operation order; likewise the unresolved unknown operations below `unknown_high`.
        self.scratch.clear();
        let canon = if self.p.significant[new_state as usize] {
            new_state
        } else {
            TOP
        };
        self.scratch.extend([canon, high]);
        let mut x = self.next[self.p.events.len()];
        while x != NIL {
            if let Event::Call(k) = self.p.events[x as usize] {
                if k >= high {
                    break;
                }
                self.scratch.push(k);
            }
            x = self.next[x as usize];
        }
        self.scratch_unknown.clear();
        let mut u = self.unext[self.p.unknown.len()];
        while u != NIL && u < unknown_high {
            self.scratch_unknown.push(u);
            u = self.unext[u as usize];
        }
        let pruned = self
            .failed
            .get(self.scratch.as_slice())
            .is_some_and(|list| {
                list.iter().any(|(h, holes)| {
                    resolved_subset(*h, holes, unknown_high, &self.scratch_unknown)
                })
            });
        if pruned {
            self.unlift(alt);
            return false;
        }
        self.stack.push(Frame {
            alt,
            state: self.state,
            high: self.high,
            unknown_high: self.unknown_high,
            config: Config {
                known: self.scratch.as_slice().into(),
                unknown_high,
                unknown_holes: self.scratch_unknown.as_slice().into(),
            },
        });
        self.state = new_state;
        self.high = high;
        self.unknown_high = unknown_high;
        if let Alt::Known(_) = alt {
            self.left -= 1;
        }
        true
    }

    /// Takes back the latest choice, remembering its configuration as failed.
    fn pop(&mut self) -> Option<Alt> {
        let frame = self.stack.pop()?;
        let list = self.failed.entry(frame.config.known).or_default();
        let (h, holes) = (frame.config.unknown_high, frame.config.unknown_holes);
        // Keep only minimal entries: drop those this one subsumes.
        list.retain(|(bh, bholes)| !resolved_subset(h, &holes, *bh, bholes));
        if list.len() >= MAX_FAILED_PER_KNOWN_PART {
            list.remove(0);
        }
        list.push((h, holes));
        self.unlift(frame.alt);
        self.state = frame.state;
        self.high = frame.high;
        self.unknown_high = frame.unknown_high;
        if let Alt::Known(_) = frame.alt {
            self.left += 1;
        }
        Some(frame.alt)
    }

    /// Whether placing unknown operation `u` (leading to `new_state`) at this configuration,
    /// stopped at `barrier` after every other kind of choice failed, can help. Only if it
    /// changes the state, no earlier twin is unresolved, and the new state lets a
    /// pending completed operation apply that cannot apply now, or is what an available
    /// unknown cas expects. (In any valid continuation, the unknown operations placed
    /// before the next completed one either matter to it this way or can be left to
    /// their deadlines; a completed one that applies now was already tried first.)
    fn worth_placing(&self, u: u32, new_state: u32, barrier: u32) -> bool {
        let p = self.p;
        let now = p.times[barrier as usize];
        if new_state == self.state {
            return false;
        }
        let prev = p.twin_prev[u as usize];
        if prev != NIL && !self.resolved[prev as usize] {
            return false;
        }
        let mut x = self.next[p.events.len()];
        while x != barrier && x != NIL {
            if let Event::Call(k) = p.events[x as usize] {
                let step = p.known[k as usize].step;
                if step.apply(self.state).is_none() && step.apply(new_state).is_some() {
                    return true;
                }
            }
            x = self.next[x as usize];
        }
        let mut y = self.unext[p.unknown.len()];
        while y != NIL && p.unknown[y as usize].invoke <= now {
            if let Step::CasMaybe(e, _) = p.unknown[y as usize].step {
                if y != u && e == new_state {
                    return true;
                }
            }
            y = self.unext[y as usize];
        }
        false
    }

    /// Records a dead end at return event `pos` in the current state.
    fn stuck_at(&mut self, pos: usize) {
        if self.furthest < Some(pos) {
            self.furthest = Some(pos);
            self.stuck_states.clear();
        }
        if self.furthest == Some(pos) && self.stuck_states.len() < MAX_STATES {
            self.stuck_states.insert(self.state);
        }
    }
}

fn quote_list(keys: &[String]) -> String {
    keys.iter()
        .map(|k| format!("{k:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::history::HistoryEntry;
    use crate::kv::{ClientId, KvStore};

    fn put(key: &str, value: &str) -> Op {
        Op::Put {
            key: key.into(),
            value: value.into(),
        }
    }
    fn get(key: &str) -> Op {
        Op::Get { key: key.into() }
    }
    fn cas(key: &str, expected: Option<&str>, value: &str) -> Op {
        Op::Cas {
            key: key.into(),
            expected: expected.map(String::from),
            value: value.into(),
        }
    }
    fn val(v: Option<&str>) -> OpResult {
        OpResult::Value {
            value: v.map(String::from),
        }
    }

    /// `(client, op, invoke, completion and result)`.
    type Row = (ClientId, Op, u64, Option<(u64, OpResult)>);

    /// Builds a history from `(client, op, invoke, complete/result)` rows; sequence
    /// numbers are assigned per client in row order.
    fn hist(rows: Vec<Row>) -> History {
        let mut seqs: BTreeMap<ClientId, u64> = BTreeMap::new();
        let mut h = History::new();
        for (client, op, invoke, done) in rows {
            let seq = seqs.entry(client).or_default();
            h.push(match done {
                Some((t, r)) => HistoryEntry::completed(client, *seq, op, invoke, t, r),
                None => HistoryEntry::unknown(client, *seq, op, invoke),
            });
            *seq += 1;
        }
        h
    }

    fn ok(t: u64) -> Option<(u64, OpResult)> {
        Some((t, OpResult::Ok))
    }
    fn read(t: u64, v: Option<&str>) -> Option<(u64, OpResult)> {
        Some((t, val(v)))
    }
    fn swapped(t: u64, ok: bool) -> Option<(u64, OpResult)> {
        Some((t, OpResult::Cas { ok }))
    }

    fn assert_linearizable(h: &History) {
        let r = check(h);
        assert!(r.is_linearizable(), "expected linearizable, got: {r}");
    }

    fn assert_violation(h: &History) -> Violation {
        let r = check(h);
        r.violation()
            .unwrap_or_else(|| panic!("expected a violation, got: {r}"))
            .clone()
    }

    #[test]
    fn empty_history_is_linearizable() {
        assert_linearizable(&History::new());
    }

    #[test]
    fn sequential_history_is_accepted() {
        assert_linearizable(&hist(vec![
            (1, get("x"), 1, read(2, None)),
            (1, put("x", "1"), 3, ok(4)),
            (2, get("x"), 5, read(6, Some("1"))),
            (2, put("x", "2"), 7, ok(8)),
            (1, get("x"), 9, read(10, Some("2"))),
            (1, get("y"), 11, read(12, None)),
        ]));
    }

    #[test]
    fn concurrent_put_and_gets_may_see_either_value() {
        assert_linearizable(&hist(vec![
            (1, put("x", "1"), 1, ok(10)),
            (3, get("x"), 2, read(9, None)),
            // Touching intervals (equal times) count as concurrent.
            (2, get("x"), 10, read(12, None)),
            (2, get("x"), 13, read(14, Some("1"))),
            (3, put("x", "2"), 15, ok(17)),
            (1, get("x"), 16, read(18, Some("2"))),
            (2, get("x"), 16, read(17, Some("1"))),
        ]));
        assert_linearizable(&hist(vec![
            (1, put("x", "1"), 1, ok(10)),
            (2, get("x"), 2, read(3, Some("1"))),
            (3, get("x"), 2, read(9, Some("1"))),
        ]));
    }

    #[test]
    fn cas_chains_are_accepted() {
        assert_linearizable(&hist(vec![
            (1, cas("x", None, "1"), 1, swapped(2, true)),
            (1, cas("x", Some("1"), "2"), 3, swapped(4, true)),
            (2, cas("x", Some("1"), "3"), 5, swapped(6, false)),
            (2, get("x"), 7, read(8, Some("2"))),
            // Two concurrent cas from the same expected value: exactly one wins.
            (1, cas("x", Some("2"), "a"), 9, swapped(12, false)),
            (2, cas("x", Some("2"), "b"), 10, swapped(11, true)),
            (3, get("x"), 13, read(14, Some("b"))),
        ]));
    }

    #[test]
    fn unknown_put_observed_later_is_accepted() {
        assert_linearizable(&hist(vec![
            (1, put("x", "1"), 1, None),
            (2, get("x"), 2, read(3, None)),
            (2, put("x", "2"), 4, ok(5)),
            // The unknown put took effect late, after the completed put.
            (2, get("x"), 10, read(11, Some("1"))),
        ]));
    }

    #[test]
    fn unknown_put_never_observed_is_accepted() {
        assert_linearizable(&hist(vec![
            (1, put("x", "1"), 1, ok(2)),
            (2, put("x", "2"), 3, None),
            (1, get("x"), 4, read(5, Some("1"))),
            (3, get("x"), 6, read(7, Some("1"))),
        ]));
        // Same with failed cas on the key, so the unknown put is not dropped up front.
        let h = hist(vec![
            (1, put("x", "1"), 1, ok(2)),
            (2, put("x", "2"), 3, None),
            (1, cas("x", Some("9"), "3"), 4, swapped(5, false)),
            (3, get("x"), 6, read(7, Some("1"))),
        ]);
        assert_eq!(check(&h).keys[0].dropped, 0);
        assert_linearizable(&h);
    }

    #[test]
    fn unknown_operations_can_explain_a_failed_cas_and_a_chain() {
        // The failed cas is only possible if the unknown put took effect before it.
        let mut rows = vec![
            (1, put("x", "1"), 1, ok(2)),
            (3, cas("x", Some("1"), "9"), 5, swapped(6, false)),
        ];
        assert_violation(&hist(rows.clone()));
        rows.push((2, put("x", "2"), 3, None));
        assert_linearizable(&hist(rows));
        // Two unknown cas in a chain explain the final read.
        assert_linearizable(&hist(vec![
            (1, put("x", "1"), 1, ok(2)),
            (2, cas("x", Some("2"), "3"), 3, None),
            (3, cas("x", Some("1"), "2"), 4, None),
            (1, get("x"), 9, read(10, Some("3"))),
        ]));
    }

    #[test]
    fn stale_read_after_completed_put_is_rejected() {
        let h = hist(vec![
            (1, put("x", "1"), 1, ok(2)),
            (2, get("x"), 3, read(4, None)),
        ]);
        let v = assert_violation(&h);
        assert_eq!((v.key.as_str(), v.culprit, v.failed_at), ("x", 1, 4));
        assert_eq!(v.possible_values, vec![Some("1".to_string())]);
        assert_eq!(v.involved, vec![0, 1]);
    }

    #[test]
    fn read_of_a_value_never_written_is_rejected() {
        let v = assert_violation(&hist(vec![
            (1, put("x", "1"), 1, ok(2)),
            (2, get("x"), 1, read(4, Some("7"))),
        ]));
        assert_eq!(v.culprit, 1);
        assert!(v.explanation.contains("it read 7"), "{}", v.explanation);
    }

    #[test]
    fn cas_succeeding_twice_from_the_same_value_is_rejected() {
        let v = assert_violation(&hist(vec![
            (1, put("x", "0"), 1, ok(2)),
            (1, cas("x", Some("0"), "1"), 3, swapped(6, true)),
            (2, cas("x", Some("0"), "2"), 4, swapped(5, true)),
        ]));
        assert_eq!(v.failed_at, 6);
        assert_eq!(v.involved, vec![0, 1, 2]);
    }

    #[test]
    fn reapplied_put_observed_after_a_later_put_is_rejected() {
        // "put x=1 (done), put x=2 (done), get x → 1": a duplicate of the first put
        // re-applied after the second would produce exactly this.
        let h = hist(vec![
            (1, put("x", "1"), 1, ok(2)),
            (2, put("x", "2"), 3, ok(4)),
            (3, get("x"), 5, read(6, Some("1"))),
        ]);
        let v = assert_violation(&h);
        assert_eq!(v.culprit, 2);
        assert_eq!(v.possible_values, vec![Some("2".to_string())]);
        assert_eq!(v.involved, vec![0, 1, 2]);
        let text = check(&h).to_string();
        assert!(text.starts_with("not linearizable: key \"x\""), "{text}");
        assert!(text.contains("it read 1, but \"x\" holds 2"), "{text}");
    }

    #[test]
    fn unknown_put_cannot_take_effect_before_its_invocation() {
        assert_violation(&hist(vec![
            (1, get("x"), 1, read(2, Some("1"))),
            (2, put("x", "1"), 3, None),
        ]));
    }

    #[test]
    fn keys_are_independent_and_the_earliest_violation_is_reported() {
        let h = hist(vec![
            (1, put("a", "1"), 1, ok(2)),
            (2, put("b", "1"), 1, ok(2)),
            (1, get("b"), 3, read(4, None)),
            (2, get("a"), 5, read(6, Some("2"))),
            (3, get("c"), 5, read(6, None)),
        ]);
        let r = check(&h);
        let v = r.violation().expect("violation");
        assert_eq!((v.key.as_str(), v.culprit), ("b", 2));
        let verdicts: Vec<_> = r.keys.iter().map(|k| (k.key.as_str(), k.verdict)).collect();
        assert_eq!(
            verdicts,
            vec![
                ("a", KeyVerdict::Violation),
                ("b", KeyVerdict::Violation),
                ("c", KeyVerdict::Linearizable),
            ]
        );
        assert_eq!(check(&h), r, "deterministic");
    }

    #[test]
    fn budget_exhaustion_is_inconclusive() {
        let h = hist(vec![
            (1, put("x", "1"), 1, ok(4)),
            (2, put("x", "2"), 2, ok(5)),
            (3, get("x"), 3, read(6, Some("2"))),
            (1, get("y"), 7, read(8, None)),
        ]);
        let r = check_with(&h, &CheckOptions { max_steps: 2 });
        assert!(r.is_inconclusive(), "{r}");
        assert_eq!(
            r.outcome,
            Outcome::Inconclusive {
                keys: vec!["x".into()],
                max_steps: 2
            }
        );
        let r = check_with(&h, &CheckOptions { max_steps: 0 });
        assert_eq!(
            r.outcome,
            Outcome::Inconclusive {
                keys: vec!["x".into(), "y".into()],
                max_steps: 0
            }
        );
        assert!(check(&h).is_linearizable());
    }

    #[test]
    fn malformed_history_is_reported_not_checked() {
        let h = hist(vec![(1, get("x"), 1, ok(2))]);
        let r = check(&h);
        assert!(matches!(&r.outcome, Outcome::Malformed { errors } if errors.len() == 1));
        assert!(r.to_string().starts_with("malformed history:"));
    }

    #[test]
    fn report_serializes_with_an_outcome_tag() {
        let h = hist(vec![
            (1, put("x", "1"), 1, ok(2)),
            (2, get("x"), 3, read(4, None)),
        ]);
        let json = serde_json::to_value(check(&h)).unwrap();
        assert_eq!(json["outcome"]["outcome"], "violation");
        assert_eq!(json["outcome"]["culprit"], 1);
        assert_eq!(json["keys"][0]["verdict"], "violation");
        let json = serde_json::to_value(check(&History::new())).unwrap();
        assert_eq!(json["outcome"]["outcome"], "linearizable");
    }

    /// splitmix64: a tiny seeded generator for the generated tests.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
    }

    #[test]
    fn compact_model_agrees_with_kv_store() {
        let mut rng = Rng(11);
        let vals = [None, Some("a"), Some("b")];
        for _ in 0..500 {
            let start = vals[rng.below(3) as usize];
            let mut kv = KvStore::default();
            if let Some(s) = start {
                kv.apply(&put("k", s));
            }
            let op = match rng.below(3) {
                0 => put("k", "a"),
                1 => get("k"),
                _ => cas("k", vals[rng.below(3) as usize], "b"),
            };
            let result = kv.apply(&op);
            let h = hist(vec![
                (1, put("k", "a"), 1, ok(2)),
                (1, put("k", "b"), 3, ok(4)),
                (2, op.clone(), 10, Some((11, result.clone()))),
            ]);
            // Rebuild the same thing through the checker's reduction and step.
            let p = KeyProblem::new(&h, "k", &[0, 1, 2]);
            let id =
                |v: Option<&str>| p.values.iter().position(|x| x.as_deref() == v).unwrap() as u32;
            let step = p.known.iter().find(|o| o.entry == 2).unwrap().step;
            let s = id(start);
            let after = step.apply(s);
            assert!(after.is_some(), "{op} from {start:?} → {result}");
            assert_eq!(after.unwrap(), id(kv.data.get("k").map(String::as_str)));
        }
    }

    /// Exhaustive reference: tries every subset of unknown operations and every order
    /// consistent with real time, replaying on `KvStore`.
    fn brute_force(h: &History) -> bool {
        let n = h.entries.len();
        let unknown: Vec<usize> = (0..n).filter(|&i| h.entries[i].is_unknown()).collect();
        fn go(h: &History, left: &mut Vec<usize>, kv: &KvStore) -> bool {
            if left.is_empty() {
                return true;
            }
            for k in 0..left.len() {
                let i = left[k];
                let e = &h.entries[i];
                if left.iter().any(|&j| h.entries[j].precedes(e)) {
                    continue;
                }
                let mut next = kv.clone();
                let r = next.apply(&e.op);
                if e.result.as_ref().is_some_and(|want| *want != r) {
                    continue;
                }
                left.remove(k);
                let found = go(h, left, &next);
                left.insert(k, i);
                if found {
                    return true;
                }
            }
            false
        }
        (0..1u32 << unknown.len()).any(|mask| {
            let mut left: Vec<usize> = (0..n)
                .filter(|i| match unknown.iter().position(|u| u == i) {
                    Some(b) => mask & (1 << b) != 0,
                    None => true,
                })
                .collect();
            go(h, &mut left, &KvStore::default())
        })
    }

    #[test]
    fn agrees_with_brute_force_on_small_random_histories() {
        let mut rng = Rng(2024);
        let values = ["1", "2", "3"];
        let (mut accepted, mut rejected) = (0, 0);
        for _ in 0..3000 {
            let n = 1 + rng.below(7) as usize;
            let mut rows = Vec::new();
            for c in 0..n {
                let v = values[rng.below(3) as usize];
                let maybe =
                    |rng: &mut Rng| (rng.below(3) > 0).then(|| values[rng.below(3) as usize]);
                let (op, result) = match rng.below(3) {
                    0 => (put("x", v), OpResult::Ok),
                    1 => (get("x"), val(maybe(&mut rng))),
                    _ => (
                        cas("x", maybe(&mut rng), v),
                        OpResult::Cas {
                            ok: rng.below(2) == 0,
                        },
                    ),
                };
                let invoke = rng.below(12);
                let done = (rng.below(4) > 0).then(|| (invoke + rng.below(6), result));
                rows.push((c as ClientId, op, invoke, done));
            }
            let h = hist(rows);
            let expected = brute_force(&h);
            let r = check(&h);
            assert_eq!(r.is_linearizable(), expected, "{h:#?}\n{r}");
            if expected {
                accepted += 1;
            } else {
                rejected += 1;
            }
        }
        assert!(accepted > 300 && rejected > 300, "{accepted} / {rejected}");
    }

    /// The shape of a simulated workload.
    struct Workload {
        clients: usize,
        keys: usize,
        ops: usize,
        /// One in `loss` commands loses its reply, and one in `loss` is abandoned before
        /// taking effect (half of those take effect much later, half never).
        loss: u64,
        /// Values are drawn from `0..n` if set, else every written value is unique.
        domain: Option<u64>,
    }

    /// Simulates clients against a sequential store: each operation takes effect at a
    /// random moment between its invocation and completion, so the history is
    /// linearizable by construction.
    fn simulate(seed: u64, w: &Workload) -> History {
        struct Pending {
            entry: usize,
            applied: Option<OpResult>,
        }
        let keys = ["a", "b", "c", "d", "e"];
        let mut rng = Rng(seed);
        let mut kv = KvStore::default();
        let mut entries: Vec<HistoryEntry> = Vec::new();
        let mut pending: Vec<Option<Pending>> = (0..w.clients).map(|_| None).collect();
        let mut seqs = vec![0u64; w.clients];
        let mut ghosts: Vec<Op> = Vec::new();
        let mut written = 0u64;
        let mut time = 0u64;
        while entries.len() < w.ops || pending.iter().any(Option::is_some) {
            time += 1;
            if !ghosts.is_empty() && rng.below(40) == 0 {
                let g = ghosts.swap_remove(rng.below(ghosts.len() as u64) as usize);
                kv.apply(&g);
            }
            let c = rng.below(w.clients as u64) as usize;
            match pending[c].take() {
                None if entries.len() < w.ops => {
                    let key = keys[rng.below(w.keys as u64) as usize];
                    written += 1;
                    let value = |rng: &mut Rng| match w.domain {
                        Some(d) => rng.below(d).to_string(),
                        None => format!("v{}", rng.below(written)),
                    };
                    let fresh = match w.domain {
                        Some(_) => value(&mut rng),
                        None => format!("v{written}"),
                    };
                    let op = match rng.below(20) {
                        0..=7 => get(key),
                        8..=14 => put(key, &fresh),
                        n => {
                            let expected = match n {
                                15..=17 => kv.data.get(key).cloned(),
                                18 => None,
                                _ => Some(value(&mut rng)),
                            };
                            cas(key, expected.as_deref(), &fresh)
                        }
                    };
                    entries.push(HistoryEntry::unknown(c as ClientId, seqs[c], op, time));
                    seqs[c] += 1;
                    pending[c] = Some(Pending {
                        entry: entries.len() - 1,
                        applied: None,
                    });
                }
                None => {}
                Some(mut p) => match p.applied.take() {
                    None if rng.below(w.loss) == 0 => {
                        if rng.below(2) == 0 {
                            ghosts.push(entries[p.entry].op.clone());
                        }
                    }
                    None => {
                        p.applied = Some(kv.apply(&entries[p.entry].op));
                        pending[c] = Some(p);
                    }
                    Some(_) if rng.below(w.loss) == 0 => {} // reply lost
                    Some(r) => {
                        entries[p.entry].complete = Some(time);
                        entries[p.entry].result = Some(r);
                    }
                },
            }
        }
        History::from(entries)
    }

    /// 5 clients, 3 keys, about 1.3% of commands with unknown outcome, unique values.
    fn generated_history(seed: u64, ops: usize) -> History {
        simulate(
            seed,
            &Workload {
                clients: 5,
                keys: 3,
                ops,
                loss: 150,
                domain: None,
            },
        )
    }

    /// A plain Porcupine-style reference: per key, depth-first over "which operation
    /// takes effect next" with unknown ones optional, memoized on (set placed, value).
    /// At most 64 operations per key.
    fn reference(h: &History) -> bool {
        fn dfs(
            ops: &[&HistoryEntry],
            done: u64,
            value: Option<&String>,
            memo: &mut std::collections::HashSet<(u64, Option<String>)>,
        ) -> bool {
            let open_known =
                (0..ops.len()).filter(|&i| done & (1 << i) == 0 && !ops[i].is_unknown());
            let Some(first_return) = open_known.filter_map(|i| ops[i].complete).min() else {
                return true;
            };
            if !memo.insert((done, value.cloned())) {
                return false;
            }
            for i in 0..ops.len() {
                if done & (1 << i) != 0 || ops[i].invoke > first_return {
                    continue;
                }
                let mut kv = KvStore::default();
                if let Some(v) = value {
                    kv.data.insert(ops[i].key().to_string(), v.clone());
                }
                let r = kv.apply(&ops[i].op);
                if ops[i].result.as_ref().is_some_and(|want| *want != r) {
                    continue;
                }
                if dfs(ops, done | (1 << i), kv.data.values().next(), memo) {
                    return true;
                }
            }
            false
        }
        h.indices_by_key().values().all(|idx| {
            let ops: Vec<&HistoryEntry> = idx.iter().map(|&i| &h.entries[i]).collect();
            assert!(ops.len() <= 64);
            dfs(&ops, 0, None, &mut std::collections::HashSet::new())
        })
    }

    #[test]
    fn agrees_with_a_plain_reference_on_medium_histories() {
        let mut rng = Rng(99);
        let (mut accepted, mut rejected) = (0, 0);
        for seed in 0..150 {
            let w = Workload {
                clients: 2 + (seed % 3) as usize,
                keys: 1 + (seed % 2) as usize,
                ops: 30,
                loss: 4 + seed % 5,
                domain: Some(2 + seed % 3),
            };
            let mut h = simulate(seed, &w);
            assert!(check(&h).is_linearizable(), "seed {seed}: {}", check(&h));
            // Corrupt one or two completed results.
            for _ in 0..1 + rng.below(2) {
                let i = rng.below(h.len() as u64) as usize;
                let v = (rng.below(4) > 0).then(|| rng.below(3).to_string());
                h.entries[i].result = match (&h.entries[i].op, &h.entries[i].result) {
                    (Op::Get { .. }, Some(_)) => Some(val(v.as_deref())),
                    (Op::Cas { .. }, Some(OpResult::Cas { ok })) => Some(OpResult::Cas { ok: !ok }),
                    (_, r) => r.clone(),
                };
            }
            let expected = reference(&h);
            let r = check(&h);
            assert_eq!(r.is_linearizable(), expected, "seed {seed}: {h:#?}\n{r}");
            if expected {
                accepted += 1;
            } else {
                rejected += 1;
            }
        }
        assert!(accepted > 10 && rejected > 10, "{accepted} / {rejected}");
    }

    #[test]
    fn generated_history_of_5000_ops_is_accepted_and_a_corrupted_read_is_caught() {
        let h = generated_history(7, 5000);
        assert_eq!(h.len(), 5000);
        assert!(h.unknown_count() > 10, "{}", h.unknown_count());
        let r = check(&h);
        assert!(r.is_linearizable(), "{r}");
        assert_eq!(r.keys.len(), 3);

        // Corrupt one read in the middle into a stale one: it returns the value of a put P
        // although another put Q started after P finished and finished before the read.
        let puts: Vec<usize> = (0..h.len())
            .filter(|&i| matches!(h.entries[i].op, Op::Put { .. }) && !h.entries[i].is_unknown())
            .collect();
        let target = (h.len() / 2..h.len())
            .filter(|&g| matches!(h.entries[g].op, Op::Get { .. }) && !h.entries[g].is_unknown())
            .find_map(|g| {
                let on_key = |i: &&usize| h.entries[**i].key() == h.entries[g].key();
                let q = puts
                    .iter()
                    .filter(on_key)
                    .filter(|&&q| h.entries[q].precedes(&h.entries[g]))
                    .max_by_key(|&&q| h.entries[q].invoke)?;
                let p = puts
                    .iter()
                    .filter(on_key)
                    .filter(|&&p| h.entries[p].precedes(&h.entries[*q]))
                    .max_by_key(|&&p| h.entries[p].invoke)?;
                Some((g, *p))
            })
            .expect("a read to corrupt");
        let (g, p) = target;
        let Op::Put { value, .. } = &h.entries[p].op else {
            unreachable!()
        };
        let mut bad = h.clone();
        bad.entries[g].result = Some(val(Some(value)));
        let r = check(&bad);
        let v = r.violation().unwrap_or_else(|| panic!("{r}"));
        assert_eq!(v.culprit, g);
        assert_eq!(v.failed_at, bad.entries[g].complete.unwrap());
        assert!(v.involved.contains(&g) && v.involved.len() <= MAX_INVOLVED);

        // A read of a value nobody wrote.
        let mut bad = h.clone();
        bad.entries[g].result = Some(val(Some("never written")));
        assert_eq!(check(&bad).violation().map(|v| v.culprit), Some(g));
    }
}
