//! Fuzzing on several cores: the calling thread and `jobs - 1` worker threads take seeds
//! one at a time and their outcomes are handed back in seed order, so what the caller sees
//! never depends on how many threads ran. Each seed is a run of its own (no state is
//! shared between seeds), which is what makes the parallel result identical to the
//! sequential one.
//!
//! The calling thread runs seeds itself rather than sleeping on the outcomes: on a machine
//! with as many cores as jobs, a collector thread woken for every seed (three context
//! switches a seed) would take its core away from a worker each time.
use super::fuzz::{run_seed, SeedOutcome};
use crate::paxos::Bug;
use crate::vec_map::VecMap;
use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{mpsc, Condvar, Mutex};

/// Seeds a worker may run ahead of the oldest outcome not yet handed back, per thread:
/// bounds the outcomes held for reordering when one seed is slow.
const AHEAD_PER_JOB: u64 = 64;

/// The number of threads to use when not told: the machine's cores.
pub fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// What the threads share: the next seed to take, how far the caller has got, and a stop
/// flag.
struct Shared {
    next: AtomicU64,
    end: u64,
    handed_back: Mutex<u64>,
    moved: Condvar,
    stop: AtomicBool,
    ahead: u64,
}

impl Shared {
    /// The next seed not taken yet, if any is left and nobody asked to stop.
    fn take(&self) -> Option<u64> {
        let seed = self.next.fetch_add(1, Ordering::Relaxed);
        (seed < self.end && !self.stop.load(Ordering::Relaxed)).then_some(seed)
    }

    /// Waits until `seed` is within the window after the oldest outcome not handed back.
    fn wait_for_room(&self, seed: u64) {
        let mut done = self.handed_back.lock().unwrap_or_else(|e| e.into_inner());
        while seed >= *done + self.ahead && !self.stop.load(Ordering::SeqCst) {
            done = self.moved.wait(done).unwrap_or_else(|e| e.into_inner());
        }
    }

    /// The caller has had every outcome before `expected`: wakes a worker waiting for room.
    fn handed_back(&self, expected: u64) {
        *self.handed_back.lock().unwrap_or_else(|e| e.into_inner()) = expected;
        self.moved.notify_all();
    }

    fn finish(&self) {
        self.stop.store(true, Ordering::SeqCst);
        self.moved.notify_all();
    }
}

/// Stops the other threads if this one unwinds (a panicking seed), so nobody waits forever.
struct StopOnPanic<'a>(&'a Shared);

impl Drop for StopOnPanic<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.finish();
        }
    }
}

/// Runs every seed of `seeds` as [`run_seed`] does (`fault_steps` under faults, `bug` on),
/// on `jobs` threads (the calling one among them), and calls `each` with every outcome in
/// increasing seed order. Stops taking new seeds as soon as `each` returns an error, and
/// returns that error.
pub fn run_seeds<E>(
    seeds: Range<u64>,
    fault_steps: u64,
    bug: Option<Bug>,
    jobs: usize,
    mut each: impl FnMut(SeedOutcome) -> Result<(), E>,
) -> Result<(), E> {
    if jobs <= 1 {
        return seeds
            .map(|s| run_seed(s, fault_steps, bug))
            .try_for_each(each);
    }
    let shared = Shared {
        next: AtomicU64::new(seeds.start),
        end: seeds.end,
        handed_back: Mutex::new(seeds.start),
        moved: Condvar::new(),
        stop: AtomicBool::new(false),
        ahead: AHEAD_PER_JOB * jobs as u64,
    };
    std::thread::scope(|scope| {
        let (tx, rx) = mpsc::channel::<SeedOutcome>();
        for _ in 1..jobs {
            let (tx, shared) = (tx.clone(), &shared);
            scope.spawn(move || {
                let _guard = StopOnPanic(shared);
                while let Some(seed) = shared.take() {
                    shared.wait_for_room(seed);
                    if shared.stop.load(Ordering::SeqCst)
                        || tx.send(run_seed(seed, fault_steps, bug)).is_err()
                    {
                        break;
                    }
                }
            });
        }
        drop(tx);
        let _guard = StopOnPanic(&shared);
        let mut order = InOrder {
            waiting: VecMap::new(),
            expected: seeds.start,
        };
        let result = run_and_hand_back(&shared, &rx, &mut order, fault_steps, bug, &mut each);
        shared.finish();
        result
    })
}

/// Outcomes received in any order, waiting for their turn.
struct InOrder {
    waiting: VecMap<u64, SeedOutcome>,
    expected: u64,
}

impl InOrder {
    /// Calls `each` on every outcome whose turn has come; tells the workers how far it got.
    fn hand_back<E>(
        &mut self,
        shared: &Shared,
        each: &mut impl FnMut(SeedOutcome) -> Result<(), E>,
    ) -> Result<(), E> {
        let before = self.expected;
        while let Some(o) = self.waiting.remove(&self.expected) {
            self.expected += 1;
            each(o)?;
        }
        if self.expected != before {
            shared.handed_back(self.expected);
        }
        Ok(())
    }
}

/// The calling thread's part: runs seeds like a worker, and between two of its own seeds
/// hands back what the workers sent; once no seed is left, waits for the workers' last.
fn run_and_hand_back<E>(
    shared: &Shared,
    rx: &mpsc::Receiver<SeedOutcome>,
    order: &mut InOrder,
    fault_steps: u64,
    bug: Option<Bug>,
    each: &mut impl FnMut(SeedOutcome) -> Result<(), E>,
) -> Result<(), E> {
    while let Some(seed) = shared.take() {
        // Like a worker, it does not run too far ahead of the oldest seed still running.
        while seed >= order.expected + shared.ahead {
            let Ok(o) = rx.recv() else { break };
            order.waiting.insert(o.seed, o);
            order.hand_back(shared, each)?;
        }
        order.waiting.insert(seed, run_seed(seed, fault_steps, bug));
        for o in rx.try_iter() {
            order.waiting.insert(o.seed, o);
        }
        order.hand_back(shared, each)?;
    }
    for o in rx {
        order.waiting.insert(o.seed, o);
        order.hand_back(shared, each)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (seed, steps, (invariant, step) of its violation) for each seed, in the order seen.
    type Seen = Vec<(u64, u64, Option<(&'static str, u64)>)>;

    fn summary(jobs: usize, bug: Option<Bug>) -> Seen {
        let mut seen = Vec::new();
        run_seeds::<()>(40..64, 300, bug, jobs, |o| {
            let v = o.violation.as_ref().map(|v| (v.invariant, v.step));
            seen.push((o.seed, o.steps, v));
            Ok(())
        })
        .unwrap();
        seen
    }

    #[test]
    fn outcomes_come_back_in_seed_order_and_equal_the_sequential_ones() {
        for bug in [None, Some(Bug::SmallQuorum)] {
            let one = summary(1, bug);
            assert_eq!(one.len(), 24);
            assert!(one.windows(2).all(|w| w[0].0 + 1 == w[1].0));
            assert_eq!(summary(3, bug), one, "{bug:?}");
        }
        assert!(summary(1, Some(Bug::SmallQuorum))
            .iter()
            .any(|(_, _, v)| v.is_some()));
    }

    #[test]
    fn an_error_from_the_caller_stops_the_run() {
        let mut calls = 0;
        let r = run_seeds(1..10_000, 100, None, 2, |o| {
            calls += 1;
            if o.seed == 5 {
                Err(o.seed)
            } else {
                Ok(())
            }
        });
        assert_eq!(r, Err(5));
        assert_eq!(calls, 5);
    }
}
