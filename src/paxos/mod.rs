//! The Multi-Paxos protocol as sans-IO state machines.
//!
//! A [`node::Node`] composes up to three roles — proposer ([`proposer`]), acceptor and
//! replica ([`replica`]) — and is driven only through [`node::Node::step`]: it takes one
//! [`step::Input`] and returns a [`step::Ready`] with the messages to send, the durable
//! writes that must be made before those messages leave, the timers to set, and what was
//! decided and applied. It never reads a clock, draws a random number or does I/O.
//!
//! Modules depend one way only: the leaves (`ballot`, `bugs`, `quorum`, `config`, `membership`, `value`,
//! `event`, `explain`) under the data (`durable`, `message`, `step`), under the roles' pure state
//! (`proposer`, `replica`), under the hub `node`, whose children hold each role's handlers.

pub mod ballot;
pub mod bugs;
pub mod config;
pub mod durable;
pub mod event;
pub mod explain;
pub mod membership;
pub mod message;
pub mod node;
pub mod proposer;
pub mod quorum;
pub mod replica;
pub mod step;
pub mod value;

pub use ballot::Ballot;
pub use bugs::{Bug, BugInfo, BugSet};
pub use config::{Config, NodeSpec, ReadMode, Roles};
pub use durable::{DurableState, DurableWrite, Snapshot};
pub use membership::{ConfigChange, ConfigHistory, Membership};
pub use message::{Addr, Envelope, Message};
pub use node::Node;
pub use step::{Applied, Input, Ready, TimerCmd, TimerKind};
pub use value::{Command, Value};

/// Identifies a node (proposer, acceptor and/or replica). Ids start at 1.
pub type NodeId = u32;

/// A position in the replicated log. Slots start at 0.
pub type Slot = u64;
