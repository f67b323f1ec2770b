//! A node: the sans-IO entry point that composes the proposer, acceptor and replica roles
//! (rule 11). It takes one input at a time and returns what the world must do. Each role's
//! handlers live in a child module: [`acceptor`], [`election`] and [`leader`] (the
//! proposer), [`follower`], [`replica`], and [`client`] for requests; [`checks`] states
//! as assertions what they rely on.
mod acceptor;
mod checks;
mod client;
mod election;
mod follower;
mod leader;
mod lease;
mod reconfig;
mod replica;

pub use follower::FollowerState;
pub use lease::AcceptorLease;

use crate::paxos::bugs::Bug;
use crate::paxos::config::{Config, Roles};
use crate::paxos::durable::{
    AcceptorDurable, DurableState, DurableWrite, ProposerDurable, ReplicaDurable,
};
use crate::paxos::event::Event;
use crate::paxos::membership::Membership;
use crate::paxos::message::{Addr, Envelope, Message};
use crate::paxos::proposer::{Phase, Proposer};
use crate::paxos::replica::Replica;
use crate::paxos::step::{Input, Ready, TimerKind};
use crate::paxos::NodeId;
use std::collections::VecDeque;
use std::sync::Arc;

/// One cluster node: its durable state plus the volatile state of each of its roles.
#[derive(Clone, Debug)]
pub struct Node {
    pub(crate) id: NodeId,
    /// The roles it plays (fixed for its life; a configuration may count it or not).
    roles: Roles,
    pub(crate) config: Arc<Config>,
    /// Rule 12: the initial configuration (epoch 0), from `config`.
    initial: Arc<Membership>,
    /// The node's in-memory copy of its durable state.
    pub(crate) durable: DurableState,
    pub(crate) proposer: Option<Proposer>,
    pub(crate) replica: Option<Replica>,
    pub(crate) follower: FollowerState,
    /// Rule 12 (leases): the lease this acceptor granted (volatile: a restart waits it out).
    pub(crate) lease: AcceptorLease,
    /// The node's own clock in ticks, as the world's simulated (drifting) clock shows it
    /// (`set_clock`); only leases read it.
    pub(crate) clock: u64,
    local: VecDeque<Envelope>,
    /// Every bug switched on at some time in this node's life, one bit each: assertions
    /// such a bug breaks are skipped (see `checks.rs`).
    bugs_ran: u32,
}

impl Node {
    /// Builds node `id` from its durable state: empty for a first start, or what survived a
    /// crash for a restart. Volatile state starts empty (the replica from its snapshot).
    pub fn new(id: NodeId, config: Arc<Config>, durable: DurableState) -> Self {
        let roles = config.roles(id);
        Node::joining(id, roles, config, durable)
    }

    /// Rule 12: builds node `id` with `roles` whether or not the initial configuration
    /// names it: a server added to the cluster during a run starts this way and catches
    /// up (a snapshot and the entries it misses) before it counts in any quorum.
    pub fn joining(
        id: NodeId,
        roles: Roles,
        config: Arc<Config>,
        mut durable: DurableState,
    ) -> Self {
        debug_assert!(!roles.proposer || roles.replica, "a proposer is a replica");
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
            roles,
            bugs_ran: checks::bug_mask(&config),
            initial: Arc::new(Membership::initial(&config)),
            config,
            durable,
            proposer,
            replica,
            follower: FollowerState::default(),
            lease: AcceptorLease::default(),
            clock: 0,
            local: VecDeque::new(),
        }
    }

    /// Called once after `new`: arms the election timer of a proposer.
    pub fn start(&mut self) -> Ready {
        let mut out = Ready::default();
        self.wait_out_lost_grants(&mut out);
        if self.proposer.is_some() {
            self.set_election_timer(&mut out);
        }
        out
    }

    /// Handles one input and everything it causes locally (messages to itself are handled
    /// at once), and returns what the world must do. The world hands a node only the
    /// messages addressed to it.
    pub fn step(&mut self, input: Input) -> Ready {
        let mut out = Ready::default();
        self.step_into(input, &mut out);
        out
    }

    /// [`Node::step`] into `out`, which must be empty (every list cleared): the world
    /// hands the same buffers to every step, so a step allocates nothing for its lists.
    pub fn step_into(&mut self, input: Input, out: &mut Ready) {
        debug_assert!(out.is_empty(), "a step starts from an empty Ready");
        match input {
            Input::Message(env) => {
                debug_assert_eq!(env.to, Addr::Node(self.id), "delivered to the wrong node");
                self.on_message(env, out)
            }
            Input::Timeout(TimerKind::Election) => self.start_election(out),
            Input::Timeout(TimerKind::Heartbeat) => self.on_heartbeat_timer(out),
            Input::Reconfigure(nodes) => self.on_reconfigure_request(nodes, out),
        }
        while let Some(env) = self.local.pop_front() {
            self.on_message(env, out);
        }
        self.debug_assert_step_done(out);
    }

    /// Replaces the configuration (the world toggles bugs mid-run this way).
    pub fn set_config(&mut self, config: Arc<Config>) {
        self.bugs_ran |= checks::bug_mask(&config);
        self.initial = Arc::new(Membership::initial(&config));
        self.config = config;
    }

    /// Feeds the node's whole state to `h` except its configuration (the same for every
    /// node): the exhaustive explorer's fingerprint of a state (`crate::explore`).
    pub fn fingerprint<H: std::hash::Hasher>(&self, h: &mut H) {
        use std::hash::Hash;
        self.durable.hash(h);
        self.proposer.hash(h);
        self.replica.hash(h);
        self.follower.hash(h);
        self.lease.hash(h);
        self.local.hash(h);
        self.bugs_ran.hash(h);
    }

    /// This node's id.
    pub fn id(&self) -> NodeId {
        self.id
    }

    /// The roles this node plays.
    pub fn roles(&self) -> Roles {
        self.roles
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
    pub(super) fn send(&mut self, to: Addr, msg: Message, out: &mut Ready) {
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
    pub(super) fn persist(&mut self, write: DurableWrite, out: &mut Ready) {
        self.debug_assert_moves_forward(&write);
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

    /// Handles one message addressed to this node: rule 12's refusal of a removed
    /// proposer first, then rule 7 (a proposer that sees a higher ballot steps down), then
    /// the handlers of the roles the message concerns.
    fn on_message(&mut self, env: Envelope, out: &mut Ready) {
        if self.refuse_removed_proposer(&env, out) {
            return;
        }
        if let Some(b) = env.msg.ballot() {
            self.observe_ballot(b, out);
        }
        self.dispatch(env.from, env.msg, out);
    }

    /// Rule 12: a proposer removed from the cluster is not promised anything (its ballot
    /// moves no one); it is told what it missed, and so learns it was removed. It may
    /// instead know more (a later configuration adding it back): it is asked what this
    /// node missed (rule 9). Returns whether `env` was such a Prepare.
    fn refuse_removed_proposer(&mut self, env: &Envelope, out: &mut Ready) -> bool {
        if let (Message::Prepare { from_slot, .. }, Addr::Node(n)) = (&env.msg, env.from) {
            if self.knows_removed(n) {
                out.events.push(Event::RefusedRemoved { proposer: n });
                self.ask_to_catch_up(n, out);
                self.on_catch_up(env.from, *from_slot, out);
                return true;
            }
        }
        false
    }

    /// Hands `msg` from `from` to the handlers of its roles: the acceptor and the proposer
    /// for phases 1 and 2 (rules 2–6), leadership and leases (rules 7 and 12), catch-up
    /// (rules 9 and 10) and client requests (rule 8).
    fn dispatch(&mut self, from: Addr, msg: Message, out: &mut Ready) {
        let from_node = match from {
            Addr::Node(n) => Some(n),
            Addr::Client(_) => None,
        };
        match msg {
            Message::Prepare { ballot, from_slot } => {
                self.on_prepare(from, ballot, from_slot, out);
                self.on_candidate_seen(from, ballot, out);
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
                lease_round,
            } => {
                self.refuse_stale_heartbeat(from, ballot, out);
                if let Some(round) = lease_round {
                    self.grant_lease(from, ballot, round, out);
                }
                self.on_leader_contact(from, ballot, commit_index, safe_point, true, out);
            }
            Message::LeaseGrant { ballot, round } => {
                if let Some(n) = from_node {
                    self.on_lease_grant(n, ballot, round, out);
                }
            }
            Message::CatchUp { from_slot } => self.on_catch_up(from, from_slot, out),
            Message::CatchUpReply {
                entries,
                commit_index,
            } => self.on_catch_up_reply(from, entries, commit_index, out),
            Message::InstallSnapshot { snapshot } => self.on_install_snapshot(&snapshot, out),
            Message::Request { command, forwarded } => {
                self.on_request(from, command, forwarded, out)
            }
            Message::Reply { .. } | Message::NotLeader { .. } => {
                debug_assert!(false, "answers go to clients, never to nodes");
            }
        }
    }
}
