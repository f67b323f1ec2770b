//! Things a node did in one step, in words a newcomer can follow. The page shows them as
//! a narration; they carry no protocol meaning of their own.
use super::ballot::Ballot;
use super::quorum::QuorumCount;
use super::{NodeId, Slot};
use crate::json::ToJson;
use crate::kv::ClientId;
use serde::{Deserialize, Serialize};
use std::fmt;

/// One explained action of a node.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToJson, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// Rule 2: an acceptor promised a ballot.
    Promised {
        /// The ballot concerned.
        ballot: Ballot,
    },
    /// Rule 2: an acceptor refused a Prepare below its promise.
    RefusedPrepare {
        /// The ballot concerned.
        ballot: Ballot,
        /// The promise that refused it.
        promised: Ballot,
    },
    /// Rule 2/3: an acceptor accepted a value.
    AcceptedValue {
        /// The slot.
        slot: Slot,
        /// The ballot concerned.
        ballot: Ballot,
    },
    /// Rule 2: an acceptor refused an Accept below its promise.
    RefusedAccept {
        /// The slot.
        slot: Slot,
        /// The ballot concerned.
        ballot: Ballot,
        /// The promise that refused it.
        promised: Ballot,
    },
    /// Rule 7: an acceptor refused a Heartbeat below its promise: its sender no longer
    /// leads.
    RefusedHeartbeat {
        /// The heartbeat's ballot.
        ballot: Ballot,
        /// The promise that refused it.
        promised: Ballot,
    },
    /// Rule 7: a proposer's election timer fired (or it got a command and knows no leader)
    /// and it started phase 1.
    StartedElection {
        /// The ballot concerned.
        ballot: Ballot,
    },
    /// Rule 4: a proposer got a quorum of promises and leads; it re-proposed `adopted`
    /// values reported by acceptors and filled `noops` holes.
    BecameLeader {
        /// The ballot concerned.
        ballot: Ballot,
        /// The acceptors that promised it.
        promised_by: Vec<NodeId>,
        /// How many that is, against the quorum and a majority.
        count: QuorumCount,
        /// Values re-proposed from promises.
        adopted: usize,
        /// Holes filled with no-ops.
        noops: usize,
    },
    /// Rule 4: the new leader adopted the highest-ballot value reported for a slot.
    AdoptedValue {
        /// The slot.
        slot: Slot,
        /// The ballot the value was accepted in.
        from_ballot: Ballot,
    },
    /// Rule 7: a proposer saw a higher ballot and stepped down.
    SteppedDown {
        /// The ballot concerned.
        ballot: Ballot,
        /// The higher ballot it saw.
        higher: Ballot,
    },
    /// Rule 6: the leader got a quorum of Accepted for a slot: its value is chosen.
    Chosen {
        /// The slot.
        slot: Slot,
        /// The leader's ballot.
        ballot: Ballot,
        /// The acceptors that accepted it in that ballot.
        accepted_by: Vec<NodeId>,
        /// How many that is, against the quorum and a majority.
        count: QuorumCount,
    },
    /// Rule 6: a slot became known decided at this node.
    Decided {
        /// The slot.
        slot: Slot,
    },
    /// Rule 10: the replica took a snapshot and dropped entries below `index`.
    SnapshotTaken {
        /// First slot not covered.
        index: Slot,
    },
    /// Rule 10: the replica installed a snapshot sent by another node.
    SnapshotInstalled {
        /// First slot not covered.
        index: Slot,
    },
    /// Rule 8: a non-leader forwarded a client request to the leader.
    Forwarded {
        /// The client.
        client: ClientId,
        /// Its sequence number.
        seq: u64,
        /// The leader it forwarded to.
        leader: NodeId,
    },
    /// Rule 8: a retried command was found in the session table and not applied again.
    DuplicateIgnored {
        /// The client.
        client: ClientId,
        /// Its sequence number.
        seq: u64,
    },
    /// Rule 9: the replica lags and asked for the entries it misses.
    RequestedCatchUp {
        /// First slot asked for.
        from_slot: Slot,
    },
    /// Rule 12: the replica applied a reconfiguration: configuration `epoch` governs the
    /// slots from `from_slot` on.
    ConfigApplied {
        /// The new configuration's number.
        epoch: u64,
        /// The first slot it governs.
        from_slot: Slot,
        /// Its members.
        members: Vec<NodeId>,
    },
    /// Rule 12: the leader's promises are no phase-1 quorum of the configuration governing
    /// `slot`, so it runs phase 1 again.
    NewConfigPhase1 {
        /// The first slot it could not propose in.
        slot: Slot,
        /// That slot's configuration.
        epoch: u64,
    },
    /// Rule 12: the leader is not a proposer of the configuration governing `slot`: it
    /// steps down for a member to lead.
    HandedOff {
        /// The first slot it may not propose in.
        slot: Slot,
        /// That slot's configuration.
        epoch: u64,
        /// The proposer it handed the commands it held to.
        successor: Option<NodeId>,
    },
    /// Rule 12: an acceptor got a Prepare from a proposer it knows was removed: it promised
    /// nothing and sent it what it missed instead.
    RefusedRemoved {
        /// The removed proposer.
        proposer: NodeId,
    },
    /// Rule 12 (leases): an acceptor granted a lease to a leader's ballot.
    GrantedLease {
        /// The leader's ballot.
        ballot: Ballot,
        /// The tick of this acceptor's clock the grant runs until.
        until: u64,
    },
    /// Rule 12 (leases): an acceptor held a Prepare back: it granted a lease to another
    /// ballot that has not run out.
    HeldPromise {
        /// The Prepare's ballot.
        ballot: Ballot,
        /// The tick of this acceptor's clock the lease runs until.
        until: u64,
    },
    /// Rule 12 (leases): a restarted acceptor may have granted a lease it forgot, so it
    /// promises nothing new for a whole lease.
    WaitingOutLease {
        /// The tick of this acceptor's clock it waits until.
        until: u64,
    },
    /// Rule 12 (leases): a phase-2 quorum granted the leader a lease: it answers reads alone.
    GotLease {
        /// The leader's ballot.
        ballot: Ballot,
        /// The tick of the leader's clock the lease holds until.
        until: u64,
    },
    /// Rule 12 (leases): the leader answered a read from its own store, without a log round.
    ReadLocally {
        /// The client.
        client: ClientId,
        /// Its sequence number.
        seq: u64,
    },
}

/// "n1, n2, n3".
fn nodes(ids: &[NodeId]) -> String {
    let names: Vec<String> = ids.iter().map(|n| format!("n{n}")).collect();
    names.join(", ")
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.fmt_acceptor(f)
    }
}

impl Event {
    /// What an acceptor did (rules 2, 3 and 7's Nack); other events fall through to the proposer's.
    fn fmt_acceptor(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Event::Promised { ballot } => write!(
                f,
                "promised b={ballot}: it will refuse any ballot below {ballot} from now on"
            ),
            Event::RefusedPrepare { ballot, promised } => write!(
                f,
                "refused Prepare b={ballot}: it already promised the higher b={promised}"
            ),
            Event::AcceptedValue { slot, ballot } => {
                write!(f, "accepted slot {slot} in b={ballot} (saved to disk before replying)")
            }
            Event::RefusedAccept {
                slot,
                ballot,
                promised,
            } => write!(
                f,
                "refused Accept b={ballot} for slot {slot}: it promised b={promised}"
            ),
            Event::RefusedHeartbeat { ballot, promised } => write!(
                f,
                "refused Heartbeat b={ballot}: it promised b={promised}, so that leader was superseded"
            ),
            _ => self.fmt_proposer(f),
        }
    }

    /// What a proposer did (rules 1, 4, 6 and 7); other events fall through to the replica's.
    fn fmt_proposer(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Event::StartedElection { ballot } => write!(
                f,
                "runs for leader: started phase 1 with b={ballot}"
            ),
            Event::BecameLeader {
                ballot,
                promised_by,
                count,
                adopted,
                noops,
            } => write!(
                f,
                "won promises from {} ({count}) and leads with b={ballot}; re-proposed {adopted} accepted value(s) and filled {noops} hole(s) with no-ops",
                nodes(promised_by)
            ),
            Event::AdoptedValue { slot, from_ballot } => write!(
                f,
                "must re-propose slot {slot}'s value accepted in b={from_ballot}: it may already be chosen"
            ),
            Event::SteppedDown { ballot, higher } => {
                write!(f, "saw higher ballot b={higher} and stopped using b={ballot}")
            }
            Event::Chosen {
                slot,
                ballot,
                accepted_by,
                count,
            } => write!(
                f,
                "got slot {slot} chosen in b={ballot}: accepted by {} ({count})",
                nodes(accepted_by)
            ),
            Event::NewConfigPhase1 { slot, epoch } => write!(
                f,
                "holds no quorum of promises in configuration #{epoch}, which governs slot {slot}: runs phase 1 again"
            ),
            Event::HandedOff {
                slot,
                epoch,
                successor,
            } => {
                write!(
                    f,
                    "is not a proposer of configuration #{epoch}, which governs slot {slot}: steps down for a member to lead"
                )?;
                match successor {
                    Some(s) => write!(f, " (its commands go to n{s})"),
                    None => Ok(()),
                }
            }
            Event::RefusedRemoved { proposer } => write!(
                f,
                "refused n{proposer}'s Prepare: n{proposer} was removed from the cluster; sent it what it missed"
            ),
            _ => self.fmt_replica(f),
        }
    }

    /// What a replica or a node serving clients did (rules 6, 8, 9 and 10).
    fn fmt_replica(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Event::Decided { slot } => write!(f, "learned that slot {slot} is decided"),
            Event::SnapshotTaken { index } => {
                write!(
                    f,
                    "took a snapshot and dropped log entries below slot {index}"
                )
            }
            Event::SnapshotInstalled { index } => {
                write!(f, "installed a snapshot covering every slot below {index}")
            }
            Event::Forwarded {
                client,
                seq,
                leader,
            } => write!(
                f,
                "is not the leader: forwarded c{client}#{seq} to n{leader}"
            ),
            Event::DuplicateIgnored { client, seq } => write!(
                f,
                "skipped c{client}#{seq}: the session table shows it was applied already"
            ),
            Event::RequestedCatchUp { from_slot } => {
                write!(
                    f,
                    "is behind and asked for decided entries from slot {from_slot}"
                )
            }
            Event::ConfigApplied {
                epoch,
                from_slot,
                members,
            } => write!(
                f,
                "applied configuration #{epoch} ({}): it governs the slots from {from_slot} on",
                nodes(members)
            ),
            _ => self.fmt_lease(f),
        }
    }

    /// What a node did about leases (rule 12).
    fn fmt_lease(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Event::GrantedLease { ballot, until } => write!(
                f,
                "granted a lease to b={ballot}: no other ballot until its clock reads {until}"
            ),
            Event::HeldPromise { ballot, until } => write!(
                f,
                "held Prepare b={ballot} back: it granted a lease that runs until its clock reads {until}"
            ),
            Event::WaitingOutLease { until } => write!(
                f,
                "restarted and may have granted a lease it forgot: promises nothing new until its clock reads {until}"
            ),
            Event::GotLease { ballot, until } => write!(
                f,
                "holds a lease for b={ballot} until its clock reads {until}: answers reads alone"
            ),
            Event::ReadLocally { client, seq } => write!(
                f,
                "answered c{client}#{seq} from its own store under its lease, without a log round"
            ),
            _ => unreachable!("every event is written by one of the three"),
        }
    }
}
