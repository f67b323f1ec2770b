//! What the log holds: client commands, batched per slot, or a no-op filling a hole.
use crate::kv::{ClientId, Op};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A client command (rule 8): the (client id, sequence number) pair identifies it so a
/// replica applies it at most once, however many times it is retried.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Command {
    /// The client that issued it.
    pub client: ClientId,
    /// The client's sequence number, increasing by one per new command.
    pub seq: u64,
    /// The key-value operation.
    pub op: Op,
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.op)
    }
}

/// The value proposed for one slot (rule 5: a slot may carry a batch of commands).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(tag = "kind", content = "commands", rename_all = "lowercase")]
pub enum Value {
    /// Fills a hole a new leader found in the log (rule 4).
    Noop,
    /// One or more client commands, applied in order. Shared, not copied: a value lives in
    /// the leader's proposal, every Accept, every acceptor's memory and disk and every
    /// replica's log, so cloning it is a reference-count increment (half the simulator's
    /// allocations otherwise; JSON form unchanged). Build one with `vec![...].into()`.
    Commands(std::sync::Arc<[Command]>),
}

impl Value {
    /// The commands in this value (none for a no-op).
    pub fn commands(&self) -> &[Command] {
        match self {
            Value::Noop => &[],
            Value::Commands(c) => &c[..],
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Noop => f.write_str("no-op"),
            Value::Commands(cmds) => {
                for (i, c) in cmds.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    write!(f, "{c}")?;
                }
                Ok(())
            }
        }
    }
}
