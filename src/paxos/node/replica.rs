//! The replica role at a node (rules 6, 8, 9, 10): learn decided slots, apply the decided
//! prefix and answer clients, serve and request catch-up, snapshot and install snapshots.
use super::Node;
use crate::paxos::bugs::Bug;
use crate::paxos::durable::{DurableWrite, Snapshot};
use crate::paxos::event::Event;
use crate::paxos::message::{Addr, Message};
use crate::paxos::step::Ready;
use crate::paxos::value::Value;
use crate::paxos::Slot;

impl Node {
    /// Records a decision at this node's replica and reports it (rule 6). A slot's decided
    /// value never changes at a node: learning it again brings the same value.
    pub(super) fn learn(&mut self, slot: Slot, value: Value, out: &mut Ready) {
        debug_assert!(
            self.agreement_may_break()
                || self
                    .replica
                    .as_ref()
                    .and_then(|r| r.log.get(&slot))
                    .is_none_or(|v| *v == value),
            "slot {slot} learned with a second value"
        );
        let Some(replica) = self.replica.as_mut() else {
            return;
        };
        if replica.decide(slot, value.clone()) {
            out.decided.push((slot, value));
            out.events.push(Event::Decided { slot });
        }
    }

    /// Applies the decided prefix; the leader answers the clients whose commands it applied
    /// (rule 8), and a snapshot is taken when due (rule 10).
    pub(super) fn apply_decided(&mut self, out: &mut Ready) {
        let no_dedup = self.config.bug(Bug::NoDedup);
        let interval = self.config.snapshot_interval_slots;
        let delay = self.reconfig_delay();
        let could_run = self.may_run();
        let Some(replica) = self.replica.as_mut() else {
            return;
        };
        let changes_before = replica.configs.changes().len();
        let first = out.applied.len();
        replica.apply_decided_into(no_dedup, delay, &mut out.applied);
        let reconfigured = replica.configs.changes().len() > changes_before;
        for c in &replica.configs.changes()[changes_before..] {
            out.events.push(Event::ConfigApplied {
                epoch: c.members.epoch,
                from_slot: c.from_slot,
                members: c.members.nodes.iter().map(|n| n.id).collect(),
            });
        }
        let snapshot = replica.take_snapshot_if_due(interval);
        if reconfigured {
            self.drop_lease();
            self.stop_preparing_if_removed();
            self.arm_election_timer_if_added_back(could_run, out);
        }
        let leading = self.is_leader();
        for i in first..out.applied.len() {
            let a = &out.applied[i];
            let (client, seq) = (a.command().client, a.command().seq);
            if !a.executed {
                out.events.push(Event::DuplicateIgnored { client, seq });
            }
            if leading {
                let result = out.applied[i].result.clone();
                let reply = Message::Reply { seq, result };
                self.send(Addr::Client(client), reply, out);
            }
        }
        if let Some(snapshot) = snapshot {
            let index = snapshot.index;
            self.persist(DurableWrite::Snapshot { snapshot }, out);
            out.events.push(Event::SnapshotTaken { index });
            self.truncate_acceptor(index, out);
        }
    }

    /// Rule 9: answers a lagging replica with only what it misses — a snapshot if it is
    /// behind this replica's compaction point, then at most `catchup_batch` entries.
    pub(super) fn on_catch_up(&mut self, from: Addr, from_slot: Slot, out: &mut Ready) {
        let Some(replica) = self.replica.as_ref() else {
            return;
        };
        if from_slot < replica.snapshot_index {
            let snapshot = self.durable_snapshot();
            self.send(from, Message::InstallSnapshot { snapshot }, out);
        }
        let replica = self.replica.as_ref().expect("replica checked above");
        let entries = replica.entries_from(from_slot, self.config.catchup_batch);
        let commit_index = replica.commit_index;
        debug_assert!(entries.len() <= self.config.catchup_batch);
        debug_assert!(entries.last().is_none_or(|(s, _)| *s < commit_index));
        self.send(
            from,
            Message::CatchUpReply {
                entries,
                commit_index,
            },
            out,
        );
    }

    /// Rule 9: learns the entries of a catch-up reply, and asks again if still behind.
    pub(super) fn on_catch_up_reply(
        &mut self,
        from: Addr,
        entries: Vec<(Slot, Value)>,
        commit_index: Slot,
        out: &mut Ready,
    ) {
        debug_assert!(
            entries.windows(2).all(|w| w[0].0 < w[1].0),
            "entries out of order"
        );
        for (slot, value) in entries {
            self.learn(slot, value, out);
        }
        self.apply_decided(out);
        self.follower.catchup_pending = false;
        self.request_catch_up_if_behind(from, commit_index, out);
    }

    /// Rule 10: installs a snapshot that covers more than this replica applied.
    pub(super) fn on_install_snapshot(&mut self, snapshot: &Snapshot, out: &mut Ready) {
        let Some(replica) = self.replica.as_mut() else {
            return;
        };
        if replica.install(snapshot) {
            let index = snapshot.index;
            self.persist(
                DurableWrite::Snapshot {
                    snapshot: snapshot.clone(),
                },
                out,
            );
            out.events.push(Event::SnapshotInstalled { index });
            self.truncate_acceptor(index, out);
            self.apply_decided(out);
        }
        debug_assert!(self.replica.as_ref().expect("replica").applied_index >= snapshot.index);
    }

    /// Rule 9: if `leader_commit` is ahead of what this replica knows, ask `leader` for the
    /// missing entries (one request outstanding at a time).
    pub(super) fn request_catch_up_if_behind(
        &mut self,
        leader: Addr,
        leader_commit: Slot,
        out: &mut Ready,
    ) {
        let Some(replica) = self.replica.as_ref() else {
            return;
        };
        if replica.commit_index < leader_commit && !self.follower.catchup_pending {
            let from_slot = replica.commit_index;
            self.follower.catchup_pending = true;
            out.events.push(Event::RequestedCatchUp { from_slot });
            self.send(leader, Message::CatchUp { from_slot }, out);
        }
    }

    fn durable_snapshot(&self) -> Snapshot {
        self.durable
            .replica
            .as_ref()
            .map(|r| r.snapshot.clone())
            .unwrap_or_default()
    }
}
