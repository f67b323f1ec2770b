//! The replicated state machine: a small key-value store with `put`, `get` and `cas`,
//! plus the client session table that makes every command apply at most once.
use crate::json::read::FromJson;
use crate::json::ToJson;
use crate::vec_map::VecMap;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Identifies a client; together with a sequence number it names one command (rule 8).
pub type ClientId = u32;

/// A key or a value: shared text, so copying a command (the explorer copies a whole world
/// for every move it tries) counts a reference instead of copying the bytes. It reads and
/// writes as a plain string.
pub type Text = std::sync::Arc<str>;

/// A key-value operation, the payload of a client command. Reads go through the log too.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, ToJson, Deserialize, FromJson)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(tag = "op", rename_all = "lowercase", try_from = "RawOp")]
pub enum Op {
    /// Set `key` to `value`.
    Put {
        /// The key.
        key: Text,
        /// The value.
        value: Text,
    },
    /// Read `key` (linearizable: it is ordered in the log like a write).
    Get {
        /// The key.
        key: Text,
    },
    /// Set `key` to `value` only if it currently holds `expected` (`None` = absent).
    Cas {
        /// The key.
        key: Text,
        /// The value the key must hold for the swap (None = absent).
        expected: Option<Text>,
        /// The value.
        value: Text,
    },
}

/// The JSON form of an [`Op`] read flat: serde's internally tagged enums buffer every
/// field in a generic `Content` tree first, which costs tens of KB in the wasm module.
#[derive(Deserialize, FromJson)]
struct RawOp {
    op: String,
    key: Option<String>,
    value: Option<String>,
    #[serde(default)]
    expected: Option<String>,
}

impl TryFrom<RawOp> for Op {
    type Error = String;

    fn try_from(r: RawOp) -> Result<Op, String> {
        let need =
            |v: Option<String>, field: &str| v.ok_or_else(|| format!("missing field `{field}`"));
        Ok(match r.op.as_str() {
            "put" => Op::Put {
                key: need(r.key, "key")?.into(),
                value: need(r.value, "value")?.into(),
            },
            "get" => Op::Get {
                key: need(r.key, "key")?.into(),
            },
            "cas" => Op::Cas {
                key: need(r.key, "key")?.into(),
                expected: r.expected.map(Into::into),
                value: need(r.value, "value")?.into(),
            },
            other => {
                return Err(format!(
                    "unknown variant `{other}`, expected one of `put`, `get`, `cas`"
                ))
            }
        })
    }
}

impl Op {
    /// The key this operation touches (linearizability is checked per key).
    pub fn key(&self) -> &str {
        match self {
            Op::Put { key, .. } | Op::Get { key } | Op::Cas { key, .. } => key,
        }
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Op::Put { key, value } => write!(f, "put {key}={value}"),
            Op::Get { key } => write!(f, "get {key}"),
            Op::Cas {
                key,
                expected,
                value,
            } => write!(
                f,
                "cas {key}:{}→{value}",
                expected.as_deref().unwrap_or("∅")
            ),
        }
    }
}

/// The answer a replica gives for an applied operation.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, ToJson, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(tag = "result", rename_all = "lowercase")]
pub enum OpResult {
    /// A `put` was applied.
    Ok,
    /// A `get` read this value (`None` = key absent).
    Value {
        /// The value.
        value: Option<Text>,
    },
    /// A `cas` either swapped (`ok = true`) or found another value.
    Cas {
        /// Whether the swap happened.
        ok: bool,
    },
}

impl fmt::Display for OpResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OpResult::Ok => write!(f, "ok"),
            OpResult::Value { value } => write!(f, "{}", value.as_deref().unwrap_or("∅")),
            OpResult::Cas { ok } => write!(f, "{}", if *ok { "swapped" } else { "failed" }),
        }
    }
}

/// The key-value store every replica applies decided commands to, in slot order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, ToJson, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct KvStore {
    /// Current contents.
    pub data: VecMap<Text, Text>,
}

impl KvStore {
    /// Applies one operation and returns its result (deterministic: same log ⇒ same state).
    pub fn apply(&mut self, op: &Op) -> OpResult {
        match op {
            Op::Put { key, value } => {
                self.data.insert(key.clone(), value.clone());
                OpResult::Ok
            }
            Op::Get { key } => OpResult::Value {
                value: self.data.get(key).cloned(),
            },
            Op::Cas {
                key,
                expected,
                value,
            } => {
                let ok = self.data.get(key) == expected.as_ref();
                if ok {
                    self.data.insert(key.clone(), value.clone());
                }
                OpResult::Cas { ok }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cas_swaps_only_on_expected_value() {
        let mut kv = KvStore::default();
        let cas = |expected: Option<&str>, value: &str| Op::Cas {
            key: "x".into(),
            expected: expected.map(Into::into),
            value: value.into(),
        };
        assert_eq!(kv.apply(&cas(None, "1")), OpResult::Cas { ok: true });
        assert_eq!(kv.apply(&cas(None, "2")), OpResult::Cas { ok: false });
        assert_eq!(kv.apply(&cas(Some("1"), "2")), OpResult::Cas { ok: true });
        assert_eq!(
            kv.apply(&Op::Get { key: "x".into() }),
            OpResult::Value {
                value: Some("2".into())
            }
        );
    }
}
