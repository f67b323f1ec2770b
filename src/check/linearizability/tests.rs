//! The checker against hand-made histories, a brute force, a plain reference checker and
//! large generated histories.
use super::explain::MAX_INVOLVED;
use super::problem::KeyProblem;
use super::*;
use crate::check::history::HistoryEntry;
use crate::kv::{ClientId, KvStore};
use crate::kv::{Op, OpResult};
use std::collections::BTreeMap;

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
        expected: expected.map(Into::into),
        value: value.into(),
    }
}
fn val(v: Option<&str>) -> OpResult {
    OpResult::Value {
        value: v.map(Into::into),
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

fn assert_violation(h: &History) -> KeyViolation {
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
        let id = |v: Option<&str>| p.values.iter().position(|x| x.as_deref() == v).unwrap() as u32;
        let step = p.known.iter().find(|o| o.entry == 2).unwrap().step;
        let s = id(start);
        let after = step.apply(s);
        assert!(after.is_some(), "{op} from {start:?} → {result}");
        assert_eq!(after.unwrap(), id(kv.data.get("k").map(|v| &**v)));
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
            let maybe = |rng: &mut Rng| (rng.below(3) > 0).then(|| values[rng.below(3) as usize]);
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
                            15..=17 => kv.data.get(key).map(|v| v.to_string()),
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
        value: Option<&crate::kv::Text>,
        memo: &mut std::collections::HashSet<(u64, Option<crate::kv::Text>)>,
    ) -> bool {
        let open_known = (0..ops.len()).filter(|&i| done & (1 << i) == 0 && !ops[i].is_unknown());
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
                kv.data.insert(ops[i].key().into(), v.clone());
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
