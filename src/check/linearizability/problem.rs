//! One key's sub-history reduced to what the search needs: interned values, completed and
//! unknown operations in invocation order, the deadlines of unknown writes, twins, and the
//! time-ordered event list (see the module documentation of `linearizability`).
use crate::check::history::{History, HistoryEntry};
use crate::kv::{Op, OpResult};
use crate::vec_map::VecMap;

/// "No such event / operation" in the index lists.
pub(super) const NIL: u32 = u32::MAX;
/// Stands for every value no operation tests, in memo keys.
pub(super) const TOP: u32 = u32::MAX - 1;

/// An operation on one key reduced to what the model needs; values are interned
/// (0 = absent).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Step {
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
    pub(super) fn apply(self, state: u32) -> Option<u32> {
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
pub(super) struct KeyOp {
    /// Index in `History::entries`.
    pub(super) entry: usize,
    pub(super) invoke: u64,
    /// `None` = unknown outcome.
    pub(super) complete: Option<u64>,
    pub(super) step: Step,
}

impl KeyOp {
    /// The value this operation writes when it takes effect (a swap, for `cas`).
    pub(super) fn writes(&self) -> Option<u32> {
        match self.step {
            Step::Put(v) | Step::CasOk(_, v) | Step::CasMaybe(_, v) => Some(v),
            _ => None,
        }
    }
}

/// An entry of the search's event list, which is sorted by time; at equal times calls
/// come first (so touching intervals are concurrent), then returns, then deadlines.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Boundary {
    /// Invocation of completed operation `known[i]`.
    Call(u32),
    /// Completion of completed operation `known[i]`.
    Return(u32),
    /// Deadline of unknown-outcome operation `unknown[i]`: it must have taken effect by
    /// now to matter, so it is taken to have never taken effect if it has not.
    Deadline(u32),
}

/// One key's sub-history, prepared for the search.
pub(super) struct KeyProblem {
    pub(super) key: String,
    /// Completed operations, numbered in invocation order.
    pub(super) known: Vec<KeyOp>,
    /// Unknown-outcome operations kept for the search, numbered in invocation order.
    pub(super) unknown: Vec<KeyOp>,
    /// The event list and each event's time.
    pub(super) events: Vec<Boundary>,
    pub(super) times: Vec<u64>,
    pub(super) call_event: Vec<u32>,
    pub(super) return_event: Vec<u32>,
    pub(super) deadline_event: Vec<u32>,
    /// Previous unknown operation (by invocation) with the same effect and deadline, up
    /// to values no operation tests. Such twins are interchangeable once invoked, so they
    /// are only ever resolved in invocation order: the resolved ones of a group are always
    /// its first few, which makes configurations that differ only by which twins were
    /// used identical.
    pub(super) twin_prev: Vec<u32>,
    /// Per value: some operation tests the state against it (a completed get returned it
    /// or some cas expects it). All other values are interchangeable.
    pub(super) significant: Vec<bool>,
    /// Interned values; `values[0]` is `None` (absent).
    pub(super) values: Vec<Option<String>>,
    pub(super) total: usize,
    pub(super) unknown_total: usize,
    pub(super) dropped: usize,
}

impl KeyProblem {
    /// Prepares the sub-history of `key` (the entries at `indices`) for the search.
    pub(super) fn new(history: &History, key: &str, indices: &[usize]) -> Self {
        let mut values = Values::default();
        let ops = KeyOps::read(history, indices, &mut values);
        let mut dropped = ops.dropped;
        let deadlines = deadlines(&ops.known, &ops.unknown);
        let (unknown, deadlines) = keep_those_that_matter(ops.unknown, deadlines, &mut dropped);
        let significant = significant_values(values.list.len(), &ops.known, &unknown);
        let twin_prev = twins(&unknown, &deadlines, &significant);
        let list = BoundaryList::new(&ops.known, &deadlines);
        KeyProblem {
            key: key.to_string(),
            known: ops.known,
            unknown,
            events: list.events,
            times: list.times,
            call_event: list.call_event,
            return_event: list.return_event,
            deadline_event: list.deadline_event,
            twin_prev,
            significant,
            values: values.list,
            total: indices.len(),
            unknown_total: ops.unknown_total,
            dropped,
        }
    }
}

/// The values of one key, interned: `list[0]` is `None` (absent).
struct Values<'h> {
    list: Vec<Option<String>>,
    ids: VecMap<&'h str, u32>,
}

impl Default for Values<'_> {
    fn default() -> Self {
        Values {
            list: vec![None],
            ids: VecMap::new(),
        }
    }
}

impl<'h> Values<'h> {
    /// The number standing for `v`.
    fn intern(&mut self, v: Option<&'h str>) -> u32 {
        match v {
            None => 0,
            Some(s) => *self.ids.entry(s).or_insert_with(|| {
                self.list.push(Some(s.to_string()));
                (self.list.len() - 1) as u32
            }),
        }
    }
}

/// A key's operations as read from the history, before deadlines.
struct KeyOps {
    /// Completed operations, in invocation order.
    known: Vec<KeyOp>,
    /// Unknown-outcome writes (puts and cas), in invocation order.
    unknown: Vec<KeyOp>,
    /// How many operations had an unknown outcome (gets included).
    unknown_total: usize,
    /// How many were dropped as constraining nothing (unknown gets).
    dropped: usize,
}

impl KeyOps {
    /// Reads the entries at `indices`, interning their values.
    fn read<'h>(history: &'h History, indices: &[usize], values: &mut Values<'h>) -> Self {
        let mut ops = KeyOps {
            known: Vec::new(),
            unknown: Vec::new(),
            unknown_total: 0,
            dropped: 0,
        };
        for &i in indices {
            let e = &history.entries[i];
            if e.is_unknown() {
                ops.unknown_total += 1;
            }
            // An unknown get has no effect and nothing to match.
            let Some(step) = step_of(e, values) else {
                ops.dropped += 1;
                continue;
            };
            let op = KeyOp {
                entry: i,
                invoke: e.invoke,
                complete: e.complete,
                step,
            };
            if e.is_unknown() {
                ops.unknown.push(op);
            } else {
                ops.known.push(op);
            }
        }
        crate::small_sort::sort_by_key(&mut ops.known, |o| (o.invoke, o.entry));
        crate::small_sort::sort_by_key(&mut ops.unknown, |o| (o.invoke, o.entry));
        ops
    }
}

/// What entry `e` does to the model, or `None` for an unknown get (which does nothing).
fn step_of<'h>(e: &'h HistoryEntry, values: &mut Values<'h>) -> Option<Step> {
    Some(match (&e.op, &e.result) {
        (Op::Put { value, .. }, _) => Step::Put(values.intern(Some(value))),
        (Op::Get { .. }, Some(OpResult::Value { value })) => {
            Step::Get(values.intern(value.as_deref()))
        }
        (Op::Get { .. }, _) => return None,
        (
            Op::Cas {
                expected, value, ..
            },
            r,
        ) => {
            let ex = values.intern(expected.as_deref());
            let v = values.intern(Some(value));
            match r {
                Some(OpResult::Cas { ok: true }) => Step::CasOk(ex, v),
                Some(_) => Step::CasFail(ex),
                None => Step::CasMaybe(ex, v),
            }
        }
    })
}

/// The deadline of each unknown write (`None`: nothing ever sees it).
///
/// An unknown write of v only matters if some operation later sees the state it leaves:
/// a completed get returning v, a completed cas that swapped from v, a completed cas that
/// failed expecting something else, or an unknown cas expecting v (which matters by its
/// own deadline). Any linearization can drop an unknown write that nothing sees before
/// the next write, so each one can be required to take effect before the last completion
/// that could see it, or never.
fn deadlines(known: &[KeyOp], unknown: &[KeyOp]) -> Vec<Option<u64>> {
    let seen = Observers::of(known);
    let mut deadline: Vec<Option<u64>> = unknown
        .iter()
        .map(|o| seen.last_seeing(o.writes().expect("unknown gets are dropped")))
        .collect();
    extend_through_unknown_cas(unknown, &mut deadline);
    deadline
}

/// When completed operations last observed each value.
struct Observers {
    /// Per value: the latest completion of a get that returned it or a cas that swapped
    /// from it.
    seen_by: VecMap<u32, u64>,
    /// The latest failed cas (expected value, completion).
    first_failed: Option<(u32, u64)>,
    /// The latest completion of a failed cas expecting another value than `first_failed`.
    second_failed: Option<u64>,
}

impl Observers {
    fn of(known: &[KeyOp]) -> Self {
        let mut seen_by: VecMap<u32, u64> = VecMap::new();
        let mut failed_by: VecMap<u32, u64> = VecMap::new();
        for o in known {
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
        let first_failed = failed_by
            .iter()
            .max_by_key(|&(e, t)| (*t, *e))
            .map(|(&e, &t)| (e, t));
        let second_failed = first_failed.and_then(|(fe, _)| {
            failed_by
                .iter()
                .filter(|&(e, _)| *e != fe)
                .map(|(_, &t)| t)
                .max()
        });
        Observers {
            seen_by,
            first_failed,
            second_failed,
        }
    }

    /// The latest completion that could observe a state holding `v`.
    fn last_seeing(&self, v: u32) -> Option<u64> {
        let failed_except = match self.first_failed {
            Some((e, t)) if e != v => Some(t),
            _ => self.second_failed,
        };
        self.seen_by.get(&v).copied().max(failed_except)
    }
}

/// An unknown write of v also matters as long as an unknown cas expecting v does: takes
/// deadlines over from such cas, transitively.
fn extend_through_unknown_cas(unknown: &[KeyOp], deadline: &mut [Option<u64>]) {
    let mut cas_expecting: VecMap<u32, Vec<usize>> = VecMap::new();
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
}

/// The unknown operations with a deadline after their invocation, with their deadlines;
/// the others are counted in `dropped`.
fn keep_those_that_matter(
    unknown: Vec<KeyOp>,
    deadline: Vec<Option<u64>>,
    dropped: &mut usize,
) -> (Vec<KeyOp>, Vec<u64>) {
    let mut kept = Vec::new();
    let mut deadlines = Vec::new();
    for (o, d) in unknown.into_iter().zip(deadline) {
        match d {
            Some(d) if d >= o.invoke => {
                kept.push(o);
                deadlines.push(d);
            }
            _ => *dropped += 1,
        }
    }
    (kept, deadlines)
}

/// Per value: whether some operation tests the state against it (absent always counts).
fn significant_values(count: usize, known: &[KeyOp], unknown: &[KeyOp]) -> Vec<bool> {
    let mut significant = vec![false; count];
    significant[0] = true;
    for o in known.iter().chain(unknown) {
        match o.step {
            Step::Get(r) => significant[r as usize] = true,
            Step::CasOk(e, _) | Step::CasFail(e) | Step::CasMaybe(e, _) => {
                significant[e as usize] = true
            }
            Step::Put(_) => {}
        }
    }
    significant
}

/// Per unknown operation: the previous one with the same effect and deadline, up to
/// values no operation tests (`NIL` if none); see `KeyProblem::twin_prev`.
fn twins(unknown: &[KeyOp], deadlines: &[u64], significant: &[bool]) -> Vec<u32> {
    let canon = |v: u32| if significant[v as usize] { v } else { TOP };
    let mut twin_prev = vec![NIL; unknown.len()];
    let mut last: VecMap<(u32, u32, u64), u32> = VecMap::new();
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
    twin_prev
}

/// The time-ordered event list and where each operation's events sit in it.
struct BoundaryList {
    events: Vec<Boundary>,
    times: Vec<u64>,
    call_event: Vec<u32>,
    return_event: Vec<u32>,
    deadline_event: Vec<u32>,
}

impl BoundaryList {
    fn new(known: &[KeyOp], deadlines: &[u64]) -> Self {
        let mut timed: Vec<(u64, Boundary)> = Vec::with_capacity(2 * known.len() + deadlines.len());
        for (i, o) in known.iter().enumerate() {
            timed.push((o.invoke, Boundary::Call(i as u32)));
            timed.push((o.complete.expect("known"), Boundary::Return(i as u32)));
        }
        for (i, &d) in deadlines.iter().enumerate() {
            timed.push((d, Boundary::Deadline(i as u32)));
        }
        crate::small_sort::sort(&mut timed);
        let mut call_event = vec![NIL; known.len()];
        let mut return_event = vec![NIL; known.len()];
        let mut deadline_event = vec![NIL; deadlines.len()];
        for (pos, &(_, ev)) in timed.iter().enumerate() {
            let pos = pos as u32;
            match ev {
                Boundary::Call(i) => call_event[i as usize] = pos,
                Boundary::Return(i) => return_event[i as usize] = pos,
                Boundary::Deadline(i) => deadline_event[i as usize] = pos,
            }
        }
        BoundaryList {
            events: timed.iter().map(|&(_, e)| e).collect(),
            times: timed.iter().map(|&(t, _)| t).collect(),
            call_event,
            return_event,
            deadline_event,
        }
    }
}
