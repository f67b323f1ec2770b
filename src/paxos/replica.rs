//! The replica's state machine (rules 6, 8, 10): the decided log, the contiguous decided
//! prefix applied in order to the key-value store with at-most-once sessions, and
//! snapshots that compact the log. Pure data: the node's message handlers for this role
//! are in [`super::node`].
use super::durable::{Session, Snapshot};
use super::membership::ConfigHistory;
use super::step::Applied;
use super::value::Value;
use super::Slot;
use crate::json::ToJson;
use crate::kv::{ClientId, KvStore};
use crate::vec_map::VecMap;
use serde::{Deserialize, Serialize};

/// A replica's volatile state: rebuilt from its snapshot after a restart.
#[derive(Clone, Debug, Default, PartialEq, Hash, Eq, Serialize, ToJson, Deserialize)]
pub struct Replica {
    /// Slots below this were compacted into the snapshot.
    pub snapshot_index: Slot,
    /// Known decided values from `snapshot_index` on (may have holes above `commit_index`).
    pub log: VecMap<Slot, Value>,
    /// Every slot below this is known decided.
    pub commit_index: Slot,
    /// Every slot below this is applied to `kv`.
    pub applied_index: Slot,
    /// The key-value store.
    pub kv: KvStore,
    /// The session table.
    pub sessions: VecMap<ClientId, Session>,
    /// Rule 12: the configurations decided in the applied log, from which slot each governs.
    pub configs: ConfigHistory,
}

impl Replica {
    /// Rebuilds the volatile state from a durable snapshot (restart, rule 10).
    pub fn restore(snapshot: &Snapshot) -> Self {
        Replica {
            snapshot_index: snapshot.index,
            log: VecMap::new(),
            commit_index: snapshot.index,
            applied_index: snapshot.index,
            kv: snapshot.kv.clone(),
            sessions: snapshot.sessions.clone(),
            configs: snapshot.configs.clone(),
        }
    }

    /// Records that `slot` is decided with `value`; returns whether this is news.
    pub fn decide(&mut self, slot: Slot, value: Value) -> bool {
        if slot < self.commit_index || self.log.contains_key(&slot) {
            return false;
        }
        self.log.insert(slot, value);
        self.advance_commit_index();
        debug_assert!(slot < self.commit_index || self.log.contains_key(&slot));
        self.debug_assert_indices();
        true
    }

    /// Moves the commit index over the decided slots that became contiguous.
    fn advance_commit_index(&mut self) {
        while self.holds_next() {
            self.commit_index += 1;
        }
    }

    /// Whether the log holds the slot at the commit index.
    fn holds_next(&self) -> bool {
        let held = at_offset(&self.log, self.snapshot_index, self.commit_index).is_some();
        debug_assert_eq!(held, self.log.contains_key(&self.commit_index));
        held
    }

    /// The order every replica keeps (rules 6 and 10): snapshot index ≤ applied index ≤
    /// commit index, nothing logged below the snapshot, the slots from the snapshot to the
    /// commit index known (checked at both ends), the slot at the commit index not yet.
    pub fn debug_assert_indices(&self) {
        debug_assert!(
            self.snapshot_index <= self.applied_index,
            "applied below snapshot"
        );
        debug_assert!(
            self.applied_index <= self.commit_index,
            "applied past commit"
        );
        debug_assert!(
            self.log
                .keys()
                .next()
                .is_none_or(|s| *s >= self.snapshot_index),
            "log kept below the snapshot"
        );
        debug_assert!(
            !self.log.contains_key(&self.commit_index),
            "commit index stale"
        );
        debug_assert!(
            self.commit_index == self.snapshot_index
                || (self.log.contains_key(&self.snapshot_index)
                    && self.log.contains_key(&(self.commit_index - 1))),
            "a hole below the commit index"
        );
    }

    /// Rule 6: applies the contiguous decided prefix, in order. Rule 8: a command whose
    /// sequence number the session table has seen is not applied again (unless `no_dedup`).
    /// Rule 12: a reconfiguration decided in slot i governs the slots from i +
    /// `reconfig_delay` on (α; 1 with the `reconfig-without-alpha` bug).
    pub fn apply_decided(&mut self, no_dedup: bool, reconfig_delay: u64) -> Vec<Applied> {
        let mut applied = Vec::new();
        self.apply_decided_into(no_dedup, reconfig_delay, &mut applied);
        applied
    }

    /// [`Replica::apply_decided`], appending to `applied` (a node step's own list).
    pub fn apply_decided_into(
        &mut self,
        no_dedup: bool,
        reconfig_delay: u64,
        applied: &mut Vec<Applied>,
    ) {
        debug_assert!(self.applied_index <= self.commit_index);
        while self.applied_index < self.commit_index {
            let slot = self.applied_index;
            let value =
                at_offset(&self.log, self.snapshot_index, slot).unwrap_or_else(|| &self.log[&slot]);
            if let Value::Reconfigure(members) = value {
                self.configs.record(slot, members, reconfig_delay);
            }
            for (index, command) in value.commands().iter().enumerate() {
                let seen = self.sessions.get(&command.client);
                let duplicate = seen.is_some_and(|s| command.seq <= s.seq);
                let (result, executed) = match seen {
                    Some(s) if duplicate && !no_dedup => (s.result.clone(), false),
                    _ => (self.kv.apply(&command.op), true),
                };
                if executed {
                    let session = Session {
                        seq: command.seq.max(seen.map_or(0, |s| s.seq)),
                        result: result.clone(),
                    };
                    self.sessions.insert(command.client, session);
                }
                debug_assert!(self.sessions[&command.client].seq >= command.seq);
                applied.push(Applied {
                    slot,
                    value: value.clone(),
                    index,
                    result,
                    executed,
                });
            }
            self.applied_index += 1;
        }
        debug_assert_eq!(
            self.applied_index, self.commit_index,
            "prefix left unapplied"
        );
    }

    /// Rule 10: a snapshot of everything applied, if `interval` slots were applied since
    /// the last one; the log below it is dropped.
    pub fn take_snapshot_if_due(&mut self, interval: u64) -> Option<Snapshot> {
        if interval == 0 || self.applied_index < self.snapshot_index + interval {
            return None;
        }
        self.compact_to(self.applied_index);
        self.debug_assert_indices();
        Some(self.snapshot())
    }

    /// The current applied state as a snapshot.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            index: self.applied_index,
            kv: self.kv.clone(),
            sessions: self.sessions.clone(),
            configs: self.configs.clone(),
        }
    }

    /// Rule 10: drops the log below `index`, which must be applied; compaction only moves
    /// forward.
    fn compact_to(&mut self, index: Slot) {
        debug_assert!(index >= self.snapshot_index, "compaction goes back");
        debug_assert!(
            index <= self.applied_index,
            "compacting what is not applied"
        );
        self.snapshot_index = index;
        self.log.remove_below(&index);
    }

    /// Rule 10: replaces the state with a newer snapshot from another node; returns
    /// whether it was newer than what is applied here.
    pub fn install(&mut self, snapshot: &Snapshot) -> bool {
        if snapshot.index <= self.applied_index {
            return false;
        }
        self.kv = snapshot.kv.clone();
        self.sessions = snapshot.sessions.clone();
        self.configs = snapshot.configs.clone();
        self.applied_index = snapshot.index;
        self.commit_index = self.commit_index.max(snapshot.index);
        self.compact_to(snapshot.index);
        self.advance_commit_index();
        self.debug_assert_indices();
        true
    }

    /// Rule 9: decided entries from `from` on, at most `max` of them, contiguous.
    pub fn entries_from(&self, from: Slot, max: usize) -> Vec<(Slot, Value)> {
        let start = from.max(self.snapshot_index);
        if start >= self.commit_index {
            return Vec::new();
        }
        let entries: Vec<(Slot, Value)> = self
            .log
            .range(start..self.commit_index)
            .take(max)
            .map(|(s, v)| (*s, v.clone()))
            .collect();
        debug_assert!(
            entries.iter().zip(start..).all(|((s, _), want)| *s == want),
            "catch-up entries are contiguous from {start}"
        );
        entries
    }
}

/// The value of `slot` in a replica's `log` whose snapshot is at `snapshot`, for a slot
/// from the snapshot up to one past the commit index: the log holds every slot from the
/// snapshot up to the commit index, so that one is at its distance from the snapshot and
/// needs no search. `None` when the log does not hold it.
fn at_offset(log: &VecMap<Slot, Value>, snapshot: Slot, slot: Slot) -> Option<&Value> {
    let at = usize::try_from(slot.checked_sub(snapshot)?).ok()?;
    log.get_index(at)
        .filter(|(s, _)| **s == slot)
        .map(|(_, v)| v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kv::{Op, OpResult};
    use crate::paxos::value::Command;

    fn put(client: ClientId, seq: u64, value: &str) -> Value {
        Value::Commands(
            vec![Command {
                client,
                seq,
                op: Op::Put {
                    key: "x".into(),
                    value: value.into(),
                },
            }]
            .into(),
        )
    }

    #[test]
    fn applies_only_the_contiguous_prefix_in_order() {
        let mut r = Replica::default();
        assert!(r.decide(1, put(1, 2, "b")));
        assert!(r.apply_decided(false, 8).is_empty(), "slot 0 is a hole");
        assert!(r.decide(0, put(1, 1, "a")));
        let applied = r.apply_decided(false, 8);
        assert_eq!(
            applied.iter().map(|a| a.slot).collect::<Vec<_>>(),
            vec![0, 1]
        );
        assert_eq!(&*r.kv.data["x"], "b");
        assert!(
            !r.decide(0, Value::Noop),
            "a decided slot is never overwritten"
        );
    }

    #[test]
    fn a_retried_command_in_two_slots_is_applied_once() {
        let mut r = Replica::default();
        r.decide(0, put(1, 1, "a"));
        r.decide(1, put(2, 1, "b"));
        r.decide(2, put(1, 1, "a")); // client 1 retried
        let applied = r.apply_decided(false, 8);
        assert_eq!(applied.iter().filter(|a| a.executed).count(), 2);
        assert!(!applied[2].executed);
        assert_eq!(applied[2].result, OpResult::Ok);
        assert_eq!(
            &*r.kv.data["x"], "b",
            "the retry must not overwrite the later put"
        );
    }

    #[test]
    fn without_dedup_the_retry_is_applied_twice() {
        let mut r = Replica::default();
        r.decide(0, put(1, 1, "a"));
        r.decide(1, put(2, 1, "b"));
        r.decide(2, put(1, 1, "a"));
        r.apply_decided(true, 8);
        assert_eq!(&*r.kv.data["x"], "a");
    }

    #[test]
    fn snapshot_compacts_and_install_replaces_state() {
        let mut r = Replica::default();
        for s in 0..4 {
            r.decide(s, put(1, s + 1, &s.to_string()));
        }
        r.apply_decided(false, 8);
        let snap = r.take_snapshot_if_due(4).expect("due after 4 slots");
        assert_eq!(snap.index, 4);
        assert!(r.log.is_empty());
        assert!(r.take_snapshot_if_due(4).is_none());
        let mut lagging = Replica::default();
        assert!(lagging.install(&snap));
        assert_eq!(lagging.kv, r.kv);
        assert_eq!((lagging.applied_index, lagging.commit_index), (4, 4));
        assert!(
            !lagging.install(&snap),
            "an older or equal snapshot is ignored"
        );
        assert!(lagging.entries_from(0, 10).is_empty());
    }
}
