//! Fuzzing on several cores: worker threads take seeds one at a time and their outcomes are
//! handed back in seed order, so what the caller sees never depends on how many threads ran.
//! Each seed is a run of its own (no state is shared between seeds), which is what makes
//! the parallel result identical to the sequential one.
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

/// What the workers share: the next seed to take, how far the caller has got, and a stop flag.
struct Shared {
    next: AtomicU64,
    handed_back: Mutex<u64>,
    moved: Condvar,
    stop: AtomicBool,
    ahead: u64,
}

impl Shared {
    /// Waits until `seed` is within the window after the oldest outcome not handed back.
    fn wait_for_room(&self, seed: u64) {
        let mut done = self.handed_back.lock().unwrap_or_else(|e| e.into_inner());
        while seed >= *done + self.ahead && !self.stop.load(Ordering::SeqCst) {
            done = self.moved.wait(done).unwrap_or_else(|e| e.into_inner());
        }
    }

    fn finish(&self) {
        self.stop.store(true, Ordering::SeqCst);
        self.moved.notify_all();
    }
}

/// Stops the other workers if this one unwinds (a panicking seed), so nobody waits forever.
struct StopOnPanic<'a>(&'a Shared);

impl Drop for StopOnPanic<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.finish();
        }
    }
}

/// Runs every seed of `seeds` as [`run_seed`] does (`fault_steps` under faults, `bug` on),
/// on `jobs` threads, and calls `each` with every outcome in increasing seed order. Stops
/// taking new seeds as soon as `each` returns an error, and returns that error.
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
        handed_back: Mutex::new(seeds.start),
        moved: Condvar::new(),
        stop: AtomicBool::new(false),
        ahead: AHEAD_PER_JOB * jobs as u64,
    };
    let end = seeds.end;
    std::thread::scope(|scope| {
        let (tx, rx) = mpsc::channel::<SeedOutcome>();
        for _ in 0..jobs {
            let (tx, shared) = (tx.clone(), &shared);
            scope.spawn(move || {
                let _guard = StopOnPanic(shared);
                loop {
                    let seed = shared.next.fetch_add(1, Ordering::SeqCst);
                    if seed >= end || shared.stop.load(Ordering::SeqCst) {
                        break;
                    }
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
        let result = hand_back_in_order(seeds.start, &rx, &shared, &mut each);
        shared.finish();
        result
    })
}

/// Receives outcomes in any order and calls `each` on them in seed order from `first`.
fn hand_back_in_order<E>(
    first: u64,
    rx: &mpsc::Receiver<SeedOutcome>,
    shared: &Shared,
    each: &mut impl FnMut(SeedOutcome) -> Result<(), E>,
) -> Result<(), E> {
    let mut waiting: VecMap<u64, SeedOutcome> = VecMap::new();
    let mut expected = first;
    for outcome in rx {
        waiting.insert(outcome.seed, outcome);
        while let Some(o) = waiting.remove(&expected) {
            expected += 1;
            each(o)?;
            *shared.handed_back.lock().unwrap_or_else(|e| e.into_inner()) = expected;
            shared.moved.notify_all();
        }
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
