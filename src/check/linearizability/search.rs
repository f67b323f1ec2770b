//! The search of one key (WGL with memoized failed configurations; see the module
//! documentation of `linearizability`): the driver loop over a cursor, and the searcher's
//! dancing-links state, stack and memo.
use super::problem::{Boundary, KeyProblem, Step, NIL, TOP};
use crate::vec_map::VecSet;
use fnv::FnvHashMap;

/// At most this many candidate values are listed in a violation.
const MAX_STATES: usize = 8;

/// Failed configurations remembered per known part, beyond which older ones are forgotten
/// (forgetting only costs pruning, never correctness).
const MAX_FAILED_PER_KNOWN_PART: usize = 16;

/// Result of searching one key.
pub(super) enum Search {
    Linearizable,
    /// Not linearizable: `event` (a return) is the furthest point any order reached;
    /// `states` are the model states in which the search got stuck there.
    Stuck {
        event: usize,
        states: VecSet<u32>,
    },
    Exhausted,
}

/// The search steps shared by every key: one step per attempt to place an operation.
struct Budget<'a> {
    steps: &'a mut u64,
    max_steps: u64,
}

impl Budget<'_> {
    /// Counts one step, or says the budget is spent.
    fn spend(&mut self) -> Result<(), Search> {
        if *self.steps >= self.max_steps {
            return Err(Search::Exhausted);
        }
        *self.steps += 1;
        Ok(())
    }
}

impl KeyProblem {
    /// The search. `steps` is the running total over all keys, `max_steps` its limit.
    pub(super) fn search(&self, max_steps: u64, steps: &mut u64) -> Search {
        if self.known.is_empty() {
            return Search::Linearizable;
        }
        let mut s = Searcher::new(self);
        let mut budget = Budget { steps, max_steps };
        let mut cursor = Cursor::Main(s.first_event());
        loop {
            cursor = match s.advance(cursor, &mut budget) {
                Ok(next) => next,
                Err(done) => return done,
            };
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
    stuck_states: VecSet<u32>,
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
            stuck_states: VecSet::new(),
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
            if let Boundary::Call(k) = self.p.events[x as usize] {
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
            if let Boundary::Call(k) = p.events[x as usize] {
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

impl Searcher<'_> {
    /// The first event not yet placed.
    fn first_event(&self) -> u32 {
        self.next[self.p.events.len()]
    }

    /// The first unknown operation not yet resolved.
    fn first_unknown(&self) -> u32 {
        self.unext[self.p.unknown.len()]
    }

    /// One move of the search from `cursor`: where it continues, or `Err` with the answer.
    fn advance(&mut self, cursor: Cursor, budget: &mut Budget) -> Result<Cursor, Search> {
        match cursor {
            Cursor::Main(e) if e == NIL => Ok(Cursor::Backtrack), // unreachable: see `left`
            Cursor::Main(e) => self.at_event(e, budget),
            Cursor::Omit { w, barrier } => self.try_omit(w, barrier, budget),
            Cursor::Unknown { u, barrier } => self.try_unknown(u, barrier, budget),
            Cursor::Backtrack => self.backtrack(),
        }
    }

    /// At event `e` of the list: place the completed operation invoked there, or stop at
    /// a deadline or a return.
    fn at_event(&mut self, e: u32, budget: &mut Budget) -> Result<Cursor, Search> {
        let p = self.p;
        Ok(match p.events[e as usize] {
            Boundary::Call(k) => {
                budget.spend()?;
                let placed = match p.known[k as usize].step.apply(self.state) {
                    Some(new_state) => self.place(Alt::Known(k), new_state),
                    None => false,
                };
                if placed && self.left == 0 {
                    return Err(Search::Linearizable);
                }
                Cursor::Main(if placed {
                    self.first_event()
                } else {
                    self.next[e as usize]
                })
            }
            // A deadline: first try "it never took effect".
            Boundary::Deadline(w) => Cursor::Omit { w, barrier: e },
            // A return: the completed operations that may come next are exhausted; try
            // the unknown ones invoked before it.
            Boundary::Return(_) => Cursor::Unknown {
                u: self.first_unknown(),
                barrier: e,
            },
        })
    }

    /// At the deadline `barrier` of unknown operation `w`: try "it never took effect",
    /// then the unknown operations.
    fn try_omit(&mut self, w: u32, barrier: u32, budget: &mut Budget) -> Result<Cursor, Search> {
        budget.spend()?;
        Ok(if self.place(Alt::Omit { u: w, barrier }, self.state) {
            Cursor::Main(self.first_event())
        } else {
            Cursor::Unknown {
                u: self.first_unknown(),
                barrier,
            }
        })
    }

    /// Stopped at `barrier`: try unknown operation `u` (and the next ones, invoked before
    /// the barrier); when none is left, a return there is a dead end.
    fn try_unknown(&mut self, u: u32, barrier: u32, budget: &mut Budget) -> Result<Cursor, Search> {
        let p = self.p;
        if u == NIL || p.unknown[u as usize].invoke > p.times[barrier as usize] {
            if let Boundary::Return(_) = p.events[barrier as usize] {
                // A completion whose operation cannot be placed: dead end.
                self.stuck_at(barrier as usize);
            }
            return Ok(Cursor::Backtrack);
        }
        budget.spend()?;
        let new_state = p.unknown[u as usize]
            .step
            .apply(self.state)
            .expect("unknown outcomes always apply");
        Ok(
            if self.worth_placing(u, new_state, barrier)
                && self.place(Alt::Unknown { u, barrier }, new_state)
            {
                Cursor::Main(self.first_event())
            } else {
                Cursor::Unknown {
                    u: self.unext[u as usize],
                    barrier,
                }
            },
        )
    }

    /// Every choice here failed: take back the latest one and try the next alternative
    /// to it; with nothing left to take back, the key is not linearizable.
    fn backtrack(&mut self) -> Result<Cursor, Search> {
        Ok(match self.pop() {
            None => {
                let event = self.furthest.unwrap_or(self.p.return_event[0] as usize);
                return Err(Search::Stuck {
                    event,
                    states: std::mem::take(&mut self.stuck_states),
                });
            }
            Some(Alt::Known(k)) => Cursor::Main(self.next[self.p.call_event[k as usize] as usize]),
            Some(Alt::Unknown { u, barrier }) => Cursor::Unknown {
                u: self.unext[u as usize],
                barrier,
            },
            Some(Alt::Omit { barrier, .. }) => Cursor::Unknown {
                u: self.first_unknown(),
                barrier,
            },
        })
    }
}
