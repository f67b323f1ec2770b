//! Breadth-first search over every interleaving: states merge by their canonical
//! fingerprint ([`World::fingerprint`] with the faults spent); each state is stored as its
//! parent and the move that reached it, and rebuilt by replaying its path from the nearest
//! state still on the replay stack, so memory stays a few dozen bytes per state. Every
//! invariant is checked after every move; the first violation is a shortest counterexample.
use super::moves::{enabled, reaches_client, Budget, Move};
use super::{Bounds, Counterexample, Progress};
use crate::check::invariants::InvariantViolation;
use crate::check::verdict;
use crate::sim::{Scenario, World};
use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hash, Hasher};

/// A hasher for keys that are already hashes.
#[derive(Default)]
struct Identity(u64);

impl Hasher for Identity {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 << 8) ^ u64::from(*b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// One state reached: where from and how.
#[derive(Clone, Copy, Debug)]
struct Record {
    /// Index of the parent state (the root is its own parent).
    parent: u32,
    /// The move from the parent.
    how: Move,
    /// Faults spent on the way.
    used: Budget,
}

/// Why a search stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Finish {
    /// Every state within the depth bound was explored.
    Exhausted,
    /// The state cap (memory bound) was hit: the figures are partial.
    StateCap,
    /// A violation was found.
    Violation,
}

/// The breadth-first explorer, advanced a slice at a time (the CLI prints progress and the
/// page's worker answers Stop between slices).
pub struct Explorer {
    base: Scenario,
    bounds: Bounds,
    limit: Budget,
    records: Vec<Record>,
    seen: HashSet<u64, BuildHasherDefault<Identity>>,
    /// The states being expanded: `records[level_start..level_end]`, at depth `depth`.
    level_start: usize,
    level_end: usize,
    next: usize,
    depth: u32,
    /// Transitions taken (states generated, merged or not).
    states: u64,
    /// Worlds of the path to the state expanded last: (record index, world).
    stack: Vec<(u32, World)>,
    moves: Vec<Move>,
    finish: Option<Finish>,
    found: Option<Counterexample>,
    /// Only this invariant counts (the shrinker's search): a state violating another one
    /// is a dead end, neither expanded nor reported.
    target: Option<&'static str>,
}

/// The fingerprint of a world with the faults spent to reach it.
fn key(w: &World, used: Budget) -> u64 {
    let mut h = fnv::FnvHasher::with_key(w.fingerprint());
    used.hash(&mut h);
    h.finish()
}

/// Completed operations in the client history.
fn completed(w: &World) -> usize {
    w.history_counts().1
}

impl Explorer {
    /// An explorer from the state `scenario` ends in (its actions replayed), with checks on.
    pub fn new(scenario: &Scenario, bounds: Bounds) -> Result<Explorer, String> {
        bounds.validate()?;
        let mut base = scenario.clone();
        base.config.check = true;
        let mut root = World::new(base.config.clone(), base.seed)?;
        for (i, a) in crate::sim::action::expand(&base.actions, 1_000_000)?
            .iter()
            .enumerate()
        {
            root.apply(a)
                .map_err(|e| format!("action {} of the scenario cannot be applied: {e}", i + 1))?;
        }
        root.set_lean();
        let mut seen = HashSet::default();
        seen.insert(key(&root, Budget::default()));
        let mut x = Explorer {
            limit: bounds.budget(),
            bounds,
            records: vec![Record {
                parent: 0,
                how: Move::Restart(0),
                used: Budget::default(),
            }],
            seen,
            level_start: 0,
            level_end: 1,
            next: 0,
            depth: 0,
            states: 1,
            stack: Vec::new(),
            moves: Vec::new(),
            finish: None,
            found: None,
            target: None,
            base,
        };
        let first = root.violations().first().cloned().or_else(|| {
            (completed(&root) > 0)
                .then(|| verdict::linearizability(&root.history(), root.step()).1)
                .flatten()
        });
        x.stack.push((0, root));
        if let Some(v) = first {
            x.report(0, v);
        } else if bounds.max_depth == 0 {
            x.finish = Some(Finish::Exhausted);
        }
        Ok(x)
    }

    /// Counts only violations of `invariant` (the shrinker's search for a shorter run
    /// breaking the same invariant): states violating another one are dead ends.
    pub fn only(mut self, invariant: &'static str) -> Explorer {
        self.target = Some(invariant);
        if let Some(c) = &self.found {
            if c.invariant != invariant {
                self.found = None;
                self.finish = Some(Finish::Exhausted);
            }
        }
        self
    }

    /// The figures so far.
    pub fn progress(&self) -> Progress {
        Progress {
            states: self.states,
            distinct: self.records.len() as u64,
            depth: self.depth,
            frontier: (self.level_end - self.next + self.records.len() - self.level_end) as u64,
        }
    }

    /// How the search ended, once it did.
    pub fn finish(&self) -> Option<Finish> {
        self.finish
    }

    /// The shortest counterexample, once one was found.
    pub fn counterexample(&self) -> Option<&Counterexample> {
        self.found.as_ref()
    }

    /// Expands up to `budget` more states; returns whether the search has ended.
    pub fn run(&mut self, mut budget: u64) -> bool {
        while self.finish.is_none() && budget > 0 {
            if self.next == self.level_end {
                if self.level_end == self.records.len() || self.depth + 1 >= self.bounds.max_depth {
                    self.finish = Some(Finish::Exhausted);
                    break;
                }
                self.level_start = self.level_end;
                self.level_end = self.records.len();
                self.next = self.level_start;
                self.depth += 1;
            }
            let s = self.next;
            self.next += 1;
            budget -= 1;
            self.expand(s as u32);
        }
        self.finish.is_some()
    }

    /// The path of record `s` from the root: record indices, root first.
    fn path(&self, s: u32) -> Vec<u32> {
        let mut p = vec![s];
        let mut at = s;
        while at != 0 {
            at = self.records[at as usize].parent;
            p.push(at);
        }
        p.reverse();
        p
    }

    /// Makes the top of the replay stack the world of record `s`.
    fn rebuild(&mut self, s: u32) {
        let path = self.path(s);
        let keep = path
            .iter()
            .zip(&self.stack)
            .take_while(|(p, (q, _))| *p == q)
            .count();
        self.stack.truncate(keep);
        for &r in &path[keep..] {
            let from = &self.stack.last().expect("the root stays").1;
            let action = self.records[r as usize].how.action(from);
            let mut w = from.clone();
            w.apply(&action).expect("a recorded move replays");
            self.stack.push((r, w));
        }
    }

    /// Every move from record `s`: new states are recorded, each checked.
    fn expand(&mut self, s: u32) {
        self.rebuild(s);
        let used = self.records[s as usize].used;
        let mut moves = std::mem::take(&mut self.moves);
        let parent = &self.stack.last().expect("rebuilt").1;
        enabled(parent, used, self.limit, &mut moves);
        let done_before = completed(parent);
        for &m in &moves {
            let parent = &self.stack.last().expect("rebuilt").1;
            let to_client = reaches_client(parent, m);
            let action = m.action(parent);
            let mut w = parent.clone();
            w.apply(&action).expect("an enabled move applies");
            self.states += 1;
            let spent = m.spend(used, self.limit);
            let mut violation = w.violations().first().cloned();
            if violation.is_none() && to_client && completed(&w) > done_before {
                violation = verdict::linearizability(&w.history(), w.step()).1;
            }
            if violation
                .as_ref()
                .is_some_and(|v| self.target.is_some_and(|t| t != v.invariant))
            {
                continue;
            }
            let fresh = self.seen.insert(key(&w, spent));
            if fresh || violation.is_some() {
                self.records.push(Record {
                    parent: s,
                    how: m,
                    used: spent,
                });
            }
            if let Some(v) = violation {
                self.report(self.records.len() as u32 - 1, v);
                break;
            }
            if self.records.len() as u64 >= self.bounds.max_states {
                self.finish = Some(Finish::StateCap);
                break;
            }
        }
        self.moves = moves;
    }

    /// Ends the search on `v`, found in record `s` (a child of the state on top of the
    /// replay stack, whose worlds are those of its path).
    fn report(&mut self, s: u32, v: InvariantViolation) {
        let path = self.path(s);
        let mut scenario = self.base.clone();
        scenario
            .actions
            .extend(path[1..].iter().zip(&self.stack).map(|(r, (at, w))| {
                debug_assert_eq!(self.records[*r as usize].parent, *at, "the path's worlds");
                self.records[*r as usize].how.action(w)
            }));
        self.found = Some(Counterexample {
            invariant: v.invariant,
            message: v.message,
            length: path.len() - 1,
            scenario,
        });
        self.finish = Some(Finish::Violation);
    }
}
