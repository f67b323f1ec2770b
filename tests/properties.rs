//! Property tests: ballot ordering, and acceptor monotonicity under arbitrary message
//! sequences (rules 1–3).
#![cfg(not(target_arch = "wasm32"))]

use paxoscope::kv::Op;
use paxoscope::paxos::durable::DurableState;
use paxoscope::paxos::{Addr, Ballot, Command, Config, Envelope, Input, Message, Node, Value};
use proptest::prelude::*;
use std::cmp::Ordering;
use std::sync::Arc;

fn ballot() -> impl Strategy<Value = Ballot> {
    (0u64..6, 1u32..4).prop_map(|(r, p)| Ballot::new(r, p))
}

proptest! {
    #[test]
    fn ballots_are_ordered_by_round_then_proposer(a in ballot(), b in ballot()) {
        let expected = a.round.cmp(&b.round).then(a.proposer.cmp(&b.proposer));
        prop_assert_eq!(a.cmp(&b), expected);
        prop_assert_eq!(a == b, expected == Ordering::Equal);
        prop_assert_eq!(b.cmp(&a), expected.reverse());
    }

    #[test]
    fn acceptor_state_only_moves_forward(
        ops in prop::collection::vec((any::<bool>(), ballot(), 0u64..4, 0u8..3), 1..60),
        crash_at in prop::option::of(0usize..60),
    ) {
        let config = Arc::new(Config::seed_layout());
        let mut node = Node::new(1, config.clone(), DurableState::default());
        let mut disk = DurableState::default();
        let mut promised: Option<Ballot> = None;
        let mut accepted_ballot = std::collections::BTreeMap::new();
        for (i, (is_prepare, b, slot, v)) in ops.into_iter().enumerate() {
            if crash_at == Some(i) {
                node = Node::new(1, config.clone(), disk.clone());
            }
            let msg = if is_prepare {
                Message::Prepare { ballot: b, from_slot: 0 }
            } else {
                let op = Op::Put { key: "k".into(), value: v.to_string().into() };
                Message::Accept {
                    ballot: b, slot, value: Value::Commands(vec![Command { client: 1, seq: 1, op }].into()),
                    commit_index: 0, safe_point: 0,
                }
            };
            let r = node.step(Input::Message(Envelope { from: Addr::Node(6), to: Addr::Node(1), msg }));
            for w in &r.persist { disk.apply(w); }
            let refused = r.messages.iter().any(|e| matches!(e.msg, Message::Nack { .. }));
            // Rule 2: refused exactly when below the promise.
            prop_assert_eq!(refused, promised.is_some_and(|p| b < p));
            let state = node.durable().acceptor.clone().unwrap();
            // The promise never goes down, crashes included (it is on disk).
            prop_assert!(state.promised >= promised);
            let on_disk = disk.acceptor.clone().unwrap_or_default();
            prop_assert_eq!(&state, &on_disk, "memory and disk agree after every step");
            promised = state.promised;
            for (s, (ab, _)) in &state.accepted {
                // Rule 3: a slot's accepted ballot only grows, and never exceeds the promise.
                let before = accepted_ballot.insert(*s, *ab);
                prop_assert!(before.is_none_or(|x| x <= *ab));
                prop_assert!(Some(*ab) <= promised);
            }
        }
    }
}
