//! A node: the sans-IO entry point that composes the proposer, acceptor and replica roles
//! (rule 11). It takes one input at a time and returns what the world must do.
use super::ballot::Ballot;
use super::bugs::Bug;
use super::config::Config;
use super::durable::{
    AcceptorDurable, DurableState, DurableWrite, ProposerDurable, ReplicaDurable,
};
use super::event::Event;
use super::message::{Addr, Envelope, Message};
use super::proposer::{Phase, Proposer};
use super::replica::{Applied, Replica};
use super::value::Value;
use super::{NodeId, Slot};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::sync::Arc;

/// A timer a node asks the world to run. Time is the world's business (no clock here).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TimerKind {
    /// Fires when a proposer heard no leader for a while (rule 7).
    Election,
    /// Fires periodically at the leader (rule 7).
    Heartbeat,
}

/// A timer request. The node never draws random numbers: it says how much jitter it wants
/// and the world draws it from its seeded generator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TimerCmd {
    /// Fire `kind` after `after` ticks plus a uniform random 0..=`jitter` ticks, replacing
    /// any pending timer of that kind.
    Set {
        /// Which timer.
        kind: TimerKind,
        /// Base delay in ticks.
        after: u64,
        /// Maximum extra random delay in ticks.
        jitter: u64,
    },
    /// Cancel the pending timer of that kind.
    Cancel {
        /// Which timer.
        kind: TimerKind,
    },
}

/// One input to a node.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Input {
    /// A message arrived.
    Message(Envelope),
    /// A timer fired.
    Timeout(TimerKind),
}

/// Everything a node asks the world to do after one input. The world must make `persist`
/// stable before it sends `messages` (rule 2: persist before replying).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ready {
    /// Messages to send (never addressed to the node itself: those are handled inside).
    pub messages: Vec<Envelope>,
    /// Durable writes, in order.
    pub persist: Vec<DurableWrite>,
    /// Timers to set or cancel.
    pub timers: Vec<TimerCmd>,
    /// Slots that became known decided at this node, with their values.
    pub decided: Vec<(Slot, Value)>,
    /// Commands the replica applied, in order.
    pub applied: Vec<Applied>,
    /// What happened, for people.
    pub events: Vec<Event>,
}

/// What a node believes about the current leader (rule 7), and catch-up bookkeeping.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowerState {
    /// The node it last heard leading.
    pub leader: Option<NodeId>,
    /// That leader's ballot.
    pub leader_ballot: Option<Ballot>,
    /// A catch-up request is outstanding (rule 9: one at a time).
    pub catchup_pending: bool,
}

/// One cluster node: its durable state plus the volatile state of each of its roles.
#[derive(Clone, Debug)]
pub struct Node {
    pub(crate) id: NodeId,
    pub(crate) config: Arc<Config>,
    /// The node's in-memory copy of its durable state.
    pub(crate) durable: DurableState,
    pub(crate) proposer: Option<Proposer>,
    pub(crate) replica: Option<Replica>,
    pub(crate) follower: FollowerState,
    local: VecDeque<Envelope>,
}

impl Node {
    /// Builds node `id` from its durable state: empty for a first start, or what survived a
    /// crash for a restart. Volatile state starts empty (the replica from its snapshot).
    pub fn new(id: NodeId, config: Arc<Config>, mut durable: DurableState) -> Self {
        let roles = config.roles(id);
        if roles.acceptor && durable.acceptor.is_none() {
            durable.acceptor = Some(AcceptorDurable::default());
        }
        if roles.proposer && durable.proposer.is_none() {
            durable.proposer = Some(ProposerDurable::default());
        }
        if roles.replica && durable.replica.is_none() {
            durable.replica = Some(ReplicaDurable::default());
        }
        let proposer = roles
            .proposer
            .then(|| Proposer::new(durable.proposer.as_ref().map_or(0, |p| p.max_round)));
        let replica = durable
            .replica
            .as_ref()
            .map(|r| Replica::restore(&r.snapshot));
        Node {
            id,
            config,
            durable,
            proposer,
            replica,
            follower: FollowerState::default(),
            local: VecDeque::new(),
        }
    }

    /// Called once after `new`: arms the election timer of a proposer.
    pub fn start(&mut self) -> Ready {
        let mut out = Ready::default();
        if self.proposer.is_some() {
            self.set_election_timer(&mut out);
        }
        out
    }

    /// Handles one input and everything it causes locally (messages to itself are handled
    /// at once), and returns what the world must do.
    pub fn step(&mut self, input: Input) -> Ready {
        let mut out = Ready::default();
        match input {
            Input::Message(env) => self.on_message(env, &mut out),
            Input::Timeout(TimerKind::Election) => self.start_election(&mut out),
            Input::Timeout(TimerKind::Heartbeat) => self.on_heartbeat_timer(&mut out),
        }
        while let Some(env) = self.local.pop_front() {
            self.on_message(env, &mut out);
        }
        out
    }

    /// Replaces the configuration (the world toggles bugs mid-run this way).
    pub fn set_config(&mut self, config: Arc<Config>) {
        self.config = config;
    }

    /// This node's id.
    pub fn id(&self) -> NodeId {
        self.id
    }

    /// The node's in-memory durable state.
    pub fn durable(&self) -> &DurableState {
        &self.durable
    }

    /// The proposer's volatile state, if the node is a proposer.
    pub fn proposer(&self) -> Option<&Proposer> {
        self.proposer.as_ref()
    }

    /// The replica's volatile state, if the node is a replica.
    pub fn replica(&self) -> Option<&Replica> {
        self.replica.as_ref()
    }

    /// What the node believes about the leader.
    pub fn follower(&self) -> &FollowerState {
        &self.follower
    }

    /// Whether this node currently leads (phase 1 won, not stepped down).
    pub fn is_leader(&self) -> bool {
        matches!(
            self.proposer.as_ref().map(|p| &p.phase),
            Some(Phase::Leading(_))
        )
    }

    /// Sends `msg` to `to`; a message to itself is queued and handled in the same step.
    pub(crate) fn send(&mut self, to: Addr, msg: Message, out: &mut Ready) {
        let env = Envelope {
            from: Addr::Node(self.id),
            to,
            msg,
        };
        if to == Addr::Node(self.id) {
            self.local.push_back(env);
        } else {
            out.messages.push(env);
        }
    }

    /// Rule 2: records a durable change in memory and asks the world to make it stable —
    /// unless an injected bug forgets to.
    pub(crate) fn persist(&mut self, write: DurableWrite, out: &mut Ready) {
        self.durable.apply(&write);
        let forgotten = match write {
            DurableWrite::Promise { .. } => self.config.bug(Bug::ForgetfulAcceptor),
            DurableWrite::ProposerRound { .. } => self.config.bug(Bug::ReuseBallotAfterRestart),
            _ => false,
        };
        if !forgotten {
            out.persist.push(write);
        }
    }

    fn on_message(&mut self, env: Envelope, out: &mut Ready) {
        if let Some(b) = env.msg.ballot() {
            self.observe_ballot(b, out);
        }
        let from = env.from;
        let from_node = match from {
            Addr::Node(n) => Some(n),
            Addr::Client(_) => None,
        };
        match env.msg {
            Message::Prepare { ballot, from_slot } => {
                self.on_prepare(from, ballot, from_slot, out);
                // Someone is running for leader: give it time before running too.
                if self.follower.leader_ballot.is_none_or(|b| ballot > b)
                    && from_node != Some(self.id)
                {
                    if let Some(p) = &self.proposer {
                        if matches!(p.phase, Phase::Following) {
                            self.set_election_timer(out);
                        }
                    }
                }
            }
            Message::Promise {
                ballot,
                truncated_below,
                accepted,
            } => {
                if let Some(n) = from_node {
                    self.on_promise(n, ballot, truncated_below, accepted, out);
                }
            }
            Message::Accept {
                ballot,
                slot,
                value,
                commit_index,
                safe_point,
            } => {
                self.on_accept(from, ballot, slot, &value, out);
                self.on_leader_contact(from, ballot, commit_index, safe_point, false, out);
            }
            Message::Accepted { ballot, slot } => {
                if let Some(n) = from_node {
                    self.on_accepted(n, ballot, slot, out);
                }
            }
            Message::Nack { .. } => {} // observe_ballot already stepped down if needed
            Message::Heartbeat {
                ballot,
                commit_index,
                safe_point,
            } => {
                self.refuse_stale_heartbeat(from, ballot, out);
                self.on_leader_contact(from, ballot, commit_index, safe_point, true, out);
            }
            Message::CatchUp { from_slot } => self.on_catch_up(from, from_slot, out),
            Message::CatchUpReply {
                entries,
                commit_index,
            } => self.on_catch_up_reply(from, entries, commit_index, out),
            Message::InstallSnapshot { snapshot } => self.on_install_snapshot(&snapshot, out),
            Message::Request { command, forwarded } => self.on_request(command, forwarded, out),
            Message::Reply { .. } | Message::NotLeader { .. } => {}
        }
    }

    /// Rules 6, 7, 10 on a follower: an Accept or Heartbeat from a leader at least as new as
    /// the one it knows resets its election timer, tells it which slots are decided — those
    /// it accepted in that very ballot it can mark decided itself, the rest it catches up
    /// on — and how far acceptors may compact.
    fn on_leader_contact(
        &mut self,
        from: Addr,
        ballot: Ballot,
        commit_index: Slot,
        safe_point: Slot,
        heartbeat: bool,
        out: &mut Ready,
    ) {
        let Addr::Node(leader) = from else { return };
        if leader == self.id || self.follower.leader_ballot.is_some_and(|b| ballot < b) {
            return;
        }
        self.follower.leader = Some(leader);
        self.follower.leader_ballot = Some(ballot);
        if heartbeat {
            self.follower.catchup_pending = false;
        }
        if let Some(p) = self.proposer.as_mut() {
            if matches!(p.phase, Phase::Following) {
                p.failed_elections = 0;
                self.set_election_timer(out);
            }
        }
        self.forward_held_commands(leader, out);
        if self.replica.is_some() {
            let mut learned = Vec::new();
            if let (Some(acc), Some(rep)) = (&self.durable.acceptor, &self.replica) {
                let range = rep.commit_index..commit_index.max(rep.commit_index);
                for (slot, (b, v)) in acc.accepted.range(range) {
                    if *b == ballot {
                        learned.push((*slot, v.clone()));
                    }
                }
            }
            for (slot, value) in learned {
                self.learn(slot, value, out);
            }
            self.apply_decided(out);
            self.request_catch_up_if_behind(from, commit_index, out);
        }
        self.truncate_acceptor(safe_point, out);
    }
}
