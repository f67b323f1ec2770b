//! What the log holds: client commands, batched per slot, a no-op filling a hole, or a
//! reconfiguration (rule 12).
use super::membership::Membership;
use crate::json::ToJson;
use crate::kv::{ClientId, Op};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A client command (rule 8): the (client id, sequence number) pair identifies it so a
/// replica applies it at most once, however many times it is retried.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, ToJson, Deserialize)]
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

/// The value proposed for one slot (rule 5: a slot may carry a batch of commands; rule 12:
/// or a new configuration). In JSON `{"kind": "noop"}`, `{"kind": "commands", "commands":
/// [...]}` or `{"kind": "reconfigure", "members": {...}}`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, ToJson, Deserialize)]
#[serde(into = "ValueJson", try_from = "RawValue")]
pub enum Value {
    /// Fills a hole a new leader found in the log (rule 4).
    Noop,
    /// One or more client commands, applied in order. Shared, not copied: a value lives in
    /// the leader's proposal, every Accept, every acceptor's memory and disk and every
    /// replica's log, so cloning it is a reference-count increment (half the simulator's
    /// allocations otherwise; JSON form unchanged). Build one with `vec![...].into()`.
    Commands(std::sync::Arc<[Command]>),
    /// Rule 12: the configuration that governs the slots from this one's + α on.
    Reconfigure(std::sync::Arc<Membership>),
}

/// The JSON form of a [`Value`] (and its TypeScript type).
#[derive(Serialize, ToJson)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[cfg_attr(test, ts(rename = "Value"))]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum ValueJson {
    /// A no-op.
    Noop,
    /// Client commands.
    Commands {
        /// The commands, applied in order.
        #[cfg_attr(test, ts(as = "Vec<Command>"))]
        commands: std::sync::Arc<[Command]>,
    },
    /// A new configuration.
    Reconfigure {
        /// The configuration.
        #[cfg_attr(test, ts(as = "Membership"))]
        members: std::sync::Arc<Membership>,
    },
}

#[cfg(test)]
ts_as!(impl<> Value => ValueJson);

impl From<Value> for ValueJson {
    fn from(v: Value) -> ValueJson {
        match v {
            Value::Noop => ValueJson::Noop,
            Value::Commands(commands) => ValueJson::Commands { commands },
            Value::Reconfigure(members) => ValueJson::Reconfigure { members },
        }
    }
}

/// A [`Value`] read flat (serde's internally tagged enums buffer every field first, which
/// costs size in the wasm module).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawValue {
    kind: String,
    commands: Option<Vec<Command>>,
    members: Option<Membership>,
}

impl TryFrom<RawValue> for Value {
    type Error = String;

    fn try_from(r: RawValue) -> Result<Value, String> {
        match (r.kind.as_str(), r.commands, r.members) {
            ("noop", None, None) => Ok(Value::Noop),
            ("commands", Some(c), None) => Ok(Value::Commands(c.into())),
            ("reconfigure", None, Some(m)) => Ok(Value::Reconfigure(m.into())),
            (k @ ("noop" | "commands" | "reconfigure"), _, _) => {
                Err(format!("a `{k}` value has the wrong fields"))
            }
            (other, _, _) => Err(format!(
                "unknown kind `{other}`, expected one of `noop`, `commands`, `reconfigure`"
            )),
        }
    }
}

impl Value {
    /// The commands in this value (none for a no-op).
    pub fn commands(&self) -> &[Command] {
        match self {
            Value::Noop | Value::Reconfigure(_) => &[],
            Value::Commands(c) => &c[..],
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Noop => f.write_str("no-op"),
            Value::Reconfigure(m) => {
                let ids: Vec<String> = m.nodes.iter().map(|n| format!("n{}", n.id)).collect();
                write!(f, "reconfigure #{} → {}", m.epoch, ids.join(","))
            }
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
