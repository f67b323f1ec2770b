//! The acceptor role at a node (rules 2, 3, 10): promise and accept by the rules, keep per
//! slot only the highest-ballot accepted value, persist before replying, and drop entries
//! below the safe point.
use super::Node;
use crate::paxos::ballot::Ballot;
use crate::paxos::bugs::Bug;
use crate::paxos::durable::DurableWrite;
use crate::paxos::event::Event;
use crate::paxos::message::{AcceptedEntry, Addr, Message};
use crate::paxos::step::Ready;
use crate::paxos::value::Value;
use crate::paxos::Slot;

impl Node {
    /// Phase 1b (rule 2): promise `ballot` if it is at least every ballot promised so far —
    /// equal is a retransmission from the same proposer, which is safe only because
    /// ballots are unique — and report every value accepted from `from_slot` on (rule 4).
    pub(super) fn on_prepare(
        &mut self,
        from: Addr,
        ballot: Ballot,
        from_slot: Slot,
        out: &mut Ready,
    ) {
        let Some(state) = self.durable.acceptor.as_ref() else {
            return;
        };
        debug_assert!(
            self.sent_by_proposer(from),
            "a Prepare comes from a proposer"
        );
        match state.promised {
            Some(promised) if ballot < promised => {
                out.events.push(Event::RefusedPrepare { ballot, promised });
                self.send(from, Message::Nack { ballot, promised }, out);
            }
            // Rule 12: a lease granted to another ballot holds every promise back; the
            // proposer hears nothing and tries again when its election timer fires.
            _ if self.lease_blocks(ballot) => {
                out.events.push(Event::HeldPromise {
                    ballot,
                    until: self.lease.until,
                });
            }
            promised => {
                let start = from_slot.max(state.truncated_below);
                let accepted = state
                    .accepted
                    .range(start..)
                    .map(|(&slot, (b, v))| AcceptedEntry {
                        slot,
                        ballot: *b,
                        value: v.clone(),
                    })
                    .collect();
                let truncated_below = state.truncated_below;
                if promised != Some(ballot) {
                    self.persist(DurableWrite::Promise { ballot }, out);
                    out.events.push(Event::Promised { ballot });
                }
                debug_assert_eq!(
                    self.promised(),
                    Some(ballot),
                    "rule 2: promised before reply"
                );
                let reply = Message::Promise {
                    ballot,
                    truncated_below,
                    accepted,
                };
                self.send(from, reply, out);
            }
        }
    }

    /// Phase 2b (rules 2 and 3): accept if `ballot` is at least the promise (raising the
    /// promise), store it as the slot's value — it replaces any lower-ballot value — and
    /// reply Accepted; otherwise reply Nack with the promise.
    pub(super) fn on_accept(
        &mut self,
        from: Addr,
        ballot: Ballot,
        slot: Slot,
        value: &Value,
        out: &mut Ready,
    ) {
        let accept_below_promise = self.config.bug(Bug::AcceptBelowPromise);
        let Some(state) = self.durable.acceptor.as_ref() else {
            return;
        };
        debug_assert!(
            self.sent_by_proposer(from),
            "an Accept comes from a proposer"
        );
        let promised = state.promised;
        if let Some(p) = promised {
            if ballot < p && !accept_below_promise {
                out.events.push(Event::RefusedAccept {
                    slot,
                    ballot,
                    promised: p,
                });
                self.send(
                    from,
                    Message::Nack {
                        ballot,
                        promised: p,
                    },
                    out,
                );
                return;
            }
        }
        let below_truncation = slot < state.truncated_below;
        let already = state.accepted.get(&slot).map(|(b, v)| (*b, v == value));
        if promised.is_none_or(|p| ballot > p) {
            self.persist(DurableWrite::Promise { ballot }, out);
        }
        // A slot below the compaction point is chosen already: acknowledge, keep nothing.
        if !below_truncation && already != Some((ballot, true)) {
            let write = DurableWrite::Accept {
                slot,
                ballot,
                value: value.clone(),
            };
            self.persist(write, out);
            out.events.push(Event::AcceptedValue { slot, ballot });
        }
        debug_assert!(
            self.promised() >= Some(ballot),
            "rule 2: accepted above the promise"
        );
        debug_assert!(
            below_truncation || self.accepted_ballot(slot) == Some(ballot),
            "rule 2: acknowledged slot {slot} without holding its value"
        );
        self.send(from, Message::Accepted { ballot, slot }, out);
    }

    /// Rule 7: a Heartbeat below this acceptor's promise comes from a leader that a higher
    /// ballot superseded without its knowing (that ballot's proposer may have crashed
    /// since). Refuse it with a Nack, as an Accept would be refused, so the stale leader
    /// steps down now instead of holding every follower's election timer back while it
    /// cannot get anything chosen.
    pub(super) fn refuse_stale_heartbeat(&mut self, from: Addr, ballot: Ballot, out: &mut Ready) {
        let Some(promised) = self.durable.acceptor.as_ref().and_then(|a| a.promised) else {
            return;
        };
        if ballot < promised {
            out.events
                .push(Event::RefusedHeartbeat { ballot, promised });
            self.send(from, Message::Nack { ballot, promised }, out);
        }
    }

    /// Rule 10: drop accepted entries below `slot`, which the caller knows are chosen and
    /// snapshotted.
    pub(super) fn truncate_acceptor(&mut self, slot: Slot, out: &mut Ready) {
        if let Some(state) = self.durable.acceptor.as_ref() {
            if slot > state.truncated_below {
                self.persist(DurableWrite::Truncate { slot }, out);
            }
            debug_assert!(
                self.first_accepted_slot().is_none_or(|s| s >= slot),
                "rule 10: an entry kept below {slot}"
            );
        }
    }

    /// The acceptor's promise, if it is an acceptor that promised.
    fn promised(&self) -> Option<Ballot> {
        self.durable.acceptor.as_ref().and_then(|a| a.promised)
    }

    /// The lowest slot this acceptor holds a value for, if any.
    fn first_accepted_slot(&self) -> Option<Slot> {
        let accepted = &self.durable.acceptor.as_ref()?.accepted;
        accepted.keys().next().copied()
    }

    /// The ballot this acceptor holds `slot`'s value in, if any.
    fn accepted_ballot(&self, slot: Slot) -> Option<Ballot> {
        let accepted = &self.durable.acceptor.as_ref()?.accepted;
        accepted.get(&slot).map(|(b, _)| *b)
    }

    /// Whether `from` is a node: only proposers send Prepare and Accept (rules 4, 5).
    fn sent_by_proposer(&self, from: Addr) -> bool {
        // Rule 12: a proposer added later may be unknown to this acceptor yet.
        matches!(from, Addr::Node(_))
    }
}
