//! Counters of a run: messages by type and fate, commands submitted and committed, kept
//! from the world's events.
use super::event::WorldEvent;
use crate::json::ToJson;
use crate::kv::ClientId;
use crate::paxos::Message;
use crate::vec_map::VecMap;
use serde::Serialize;

/// Message and command counters.
#[derive(Clone, Debug, Default, Serialize, ToJson)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Stats {
    /// Messages sent, by type.
    pub sent: VecMap<&'static str, u64>,
    /// Messages delivered, by type.
    pub delivered: VecMap<&'static str, u64>,
    /// Messages lost (dropped, partitioned, or sent to a crashed node), by type.
    pub dropped: VecMap<&'static str, u64>,
    /// Messages duplicated, by type.
    pub duplicated: VecMap<&'static str, u64>,
    /// Client commands submitted (first attempts only).
    pub commands_submitted: u64,
    /// Distinct client commands decided in some slot.
    pub commands_committed: u64,
    /// Protocol (non-client) messages sent per committed command.
    pub messages_per_command: f64,
    /// Running total of protocol messages sent (what `messages_per_command` divides), so
    /// `refresh` after every step does not walk the `sent` map.
    #[serde(skip)]
    protocol_sent: u64,
    /// Per client, the highest sequence number decided so far (what
    /// `commands_committed` counts up to).
    #[serde(skip)]
    committed_seq: VecMap<ClientId, u64>,
    /// Where each message type's count is in `sent`, `delivered`, `dropped` and
    /// `duplicated` (in that order): its place + 1, or 0 while absent, by
    /// [`Message::kind_index`]. Counting a message is then an index, not a search.
    #[serde(skip)]
    places: [[u8; KIND_COUNT]; 4],
}

/// How many message types there are.
const KIND_COUNT: usize = Message::KINDS.len();

/// The four counters by type in [`Stats::places`], in order.
const SENT: usize = 0;
const DELIVERED: usize = 1;
const DROPPED: usize = 2;
const DUPLICATED: usize = 3;

impl Stats {
    /// Counts one message of type `kind` (its [`Message::kind_index`]) in the counter
    /// `which` (SENT, DELIVERED, DROPPED or DUPLICATED); inlined natively like
    /// [`Stats::observe`], where `which` is a constant.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn count(&mut self, which: usize, kind: usize) {
        let map = match which {
            SENT => &mut self.sent,
            DELIVERED => &mut self.delivered,
            DROPPED => &mut self.dropped,
            _ => &mut self.duplicated,
        };
        count(map, &mut self.places[which], kind);
    }

    /// Counts what one event changes, and keeps `messages_per_command` current.
    /// Inlined natively into each place that emits an event (`World`'s observers), where
    /// the match folds to that event's arm.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    pub fn observe(&mut self, e: &WorldEvent) {
        match *e {
            WorldEvent::Sent { env, lost, .. } => {
                let kind = env.msg.kind_index();
                self.count(SENT, kind);
                if !env.msg.is_client_traffic() {
                    self.protocol_sent += 1;
                }
                if lost {
                    self.count(DROPPED, kind);
                }
            }
            WorldEvent::Delivered { env, .. } => self.count(DELIVERED, env.msg.kind_index()),
            WorldEvent::Unreachable { env, .. } | WorldEvent::Dropped { env, .. } => {
                self.count(DROPPED, env.msg.kind_index())
            }
            WorldEvent::Duplicated { env, .. } => self.count(DUPLICATED, env.msg.kind_index()),
            WorldEvent::Crashed { lost, .. } => {
                for m in lost {
                    self.count(DROPPED, m.env.msg.kind_index());
                }
            }
            WorldEvent::Stepped { ready, .. } => {
                if ready.decided.is_empty() {
                    return;
                }
                for (_, value) in &ready.decided {
                    for c in value.commands() {
                        self.committed(c.client, c.seq);
                    }
                }
            }
            WorldEvent::CommandSubmitted { .. } => self.commands_submitted += 1,
            _ => return,
        }
        // Only a message sent or a slot decided changes the ratio.
        if matches!(e, WorldEvent::Sent { .. } | WorldEvent::Stepped { .. }) {
            self.refresh();
        }
    }

    /// Client `client`'s command `seq` was decided: it and every earlier one of the client
    /// count as committed.
    fn committed(&mut self, client: ClientId, seq: u64) {
        let highest = self.committed_seq.entry(client).or_insert(0);
        if seq > *highest {
            self.commands_committed += seq - *highest;
            *highest = seq;
        }
    }

    /// Counts one message of type `kind` in `map`.
    pub fn bump(map: &mut VecMap<&'static str, u64>, kind: &'static str) {
        // A kind is one of a dozen static names: find it by address first, which is what
        // nearly every call needs, before the ordered search that compares the text.
        if let Some((_, n)) = map.iter_mut().find(|(k, _)| std::ptr::eq(**k, kind)) {
            *n += 1;
            return;
        }
        *map.entry(kind).or_insert(0) += 1;
    }

    /// Counts one message sent of type `kind`; `protocol` is false for client traffic.
    pub fn count_sent(&mut self, kind: &'static str, protocol: bool) {
        Self::bump(&mut self.sent, kind);
        if protocol {
            self.protocol_sent += 1;
        }
    }

    /// Protocol messages sent (client requests and replies excluded).
    pub fn protocol_messages_sent(&self) -> u64 {
        self.sent
            .iter()
            .filter(|(k, _)| !matches!(**k, "Request" | "Reply" | "NotLeader"))
            .map(|(_, v)| v)
            .sum()
    }

    /// Recomputes the derived ratio.
    pub fn refresh(&mut self) {
        self.messages_per_command = if self.commands_committed == 0 {
            0.0
        } else {
            self.protocol_sent as f64 / self.commands_committed as f64
        };
    }
}

/// Counts one message of type `kind` (its [`Message::kind_index`]) in `map`, where
/// `places` notes each type's place.
#[inline]
fn count(map: &mut VecMap<&'static str, u64>, places: &mut [u8; KIND_COUNT], kind: usize) {
    let place = (places[kind] as usize).checked_sub(1);
    if let Some((k, n)) = place.and_then(|i| map.get_index_mut(i)) {
        debug_assert_eq!(*k, Message::KINDS[kind], "a type's place is noted");
        *n += 1;
        return;
    }
    count_new(map, places, kind);
}

/// [`count`] for a type not counted yet in `map` (its place is 0).
#[cold]
#[inline(never)]
fn count_new(map: &mut VecMap<&'static str, u64>, places: &mut [u8; KIND_COUNT], kind: usize) {
    let name = Message::KINDS[kind];
    // It goes after the types whose names sort before its own, and moves the others on.
    let at = map.keys().filter(|k| **k < name).count();
    for place in places.iter_mut() {
        if *place as usize > at {
            *place += 1;
        }
    }
    places[kind] = at as u8 + 1;
    map.insert(name, 1);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_running_protocol_total_matches_the_map() {
        let mut s = Stats::default();
        for (kind, protocol) in [("Accept", true), ("Request", false), ("Accepted", true)] {
            s.count_sent(kind, protocol);
        }
        s.count_sent("Reply", false);
        s.commands_committed = 1;
        s.refresh();
        assert_eq!(s.protocol_messages_sent(), 2);
        assert_eq!(s.messages_per_command, 2.0);
    }
}
