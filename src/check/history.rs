//! The client history: what every client invoked, when, and what it was told.
//!
//! A history is the input of the linearizability checker
//! ([`crate::check::linearizability`]). Times are *logical*: the simulator's global step
//! counter, so they order events but say nothing about wall-clock durations. An entry
//! whose `complete`/`result` is `None` has an *unknown outcome* (the client gave up or the
//! run ended first): the command may or may not have taken effect, at any time after its
//! invocation.
//!
//! The JSON form is specified in `docs/history-format.md`; the serde representation of
//! these types is exactly that format.
use crate::kv::{ClientId, Op, OpResult};
use crate::vec_map::{VecMap, VecSet};
use serde::{Deserialize, Serialize};
use std::fmt;

/// One client command as the client saw it: invocation, and completion if any.
#[derive(Clone, Debug, PartialEq, Hash, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// The client that issued the command.
    pub client: ClientId,
    /// The client's sequence number for the command; `(client, seq)` names it uniquely.
    pub seq: u64,
    /// The operation (it touches exactly one key).
    pub op: Op,
    /// Logical time at which the client submitted the command.
    pub invoke: u64,
    /// Logical time at which the client received the reply, `None` if it never did
    /// (outcome unknown). Serialized as `null`.
    #[serde(default)]
    pub complete: Option<u64>,
    /// The reply, `None` if the outcome is unknown. Serialized as the string `"unknown"`.
    #[serde(default, with = "result_or_unknown")]
    pub result: Option<OpResult>,
}

impl HistoryEntry {
    /// A command that completed at `complete` with `result`.
    pub fn completed(
        client: ClientId,
        seq: u64,
        op: Op,
        invoke: u64,
        complete: u64,
        result: OpResult,
    ) -> Self {
        HistoryEntry {
            client,
            seq,
            op,
            invoke,
            complete: Some(complete),
            result: Some(result),
        }
    }

    /// A command whose outcome is unknown: it may take effect at any time after `invoke`,
    /// or never.
    pub fn unknown(client: ClientId, seq: u64, op: Op, invoke: u64) -> Self {
        HistoryEntry {
            client,
            seq,
            op,
            invoke,
            complete: None,
            result: None,
        }
    }

    /// The key the operation touches.
    pub fn key(&self) -> &str {
        self.op.key()
    }

    /// True if the client never learned the outcome (no result).
    pub fn is_unknown(&self) -> bool {
        self.result.is_none()
    }

    /// True if `self` finished strictly before `other` started (real-time order). Equal
    /// times count as concurrent; an unknown-outcome entry precedes nothing.
    pub fn precedes(&self, other: &HistoryEntry) -> bool {
        matches!(self.complete, Some(c) if c < other.invoke)
    }

    /// True if neither entry precedes the other.
    pub fn overlaps(&self, other: &HistoryEntry) -> bool {
        !self.precedes(other) && !other.precedes(self)
    }
}

impl fmt::Display for HistoryEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "client {} #{}: {}", self.client, self.seq, self.op)?;
        match (&self.result, self.complete) {
            (Some(r), Some(c)) => write!(f, " → {r} [t{}..t{c}]", self.invoke),
            _ => write!(f, " → unknown [t{}..]", self.invoke),
        }
    }
}

/// A client history: every command of a run, in any order (conventionally by `invoke`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct History {
    /// The recorded commands.
    pub entries: Vec<HistoryEntry>,
}

impl History {
    /// An empty history.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends an entry.
    pub fn push(&mut self, entry: HistoryEntry) {
        self.entries.push(entry);
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True if there are no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Number of entries whose outcome is unknown.
    pub fn unknown_count(&self) -> usize {
        self.entries.iter().filter(|e| e.is_unknown()).count()
    }

    /// The distinct keys touched, sorted.
    pub fn keys(&self) -> Vec<&str> {
        let keys: VecSet<&str> = self.entries.iter().map(HistoryEntry::key).collect();
        keys.into_iter().collect()
    }

    /// Indices into `entries`, grouped by key (keys sorted, indices ascending).
    pub fn indices_by_key(&self) -> VecMap<&str, Vec<usize>> {
        let mut map: VecMap<&str, Vec<usize>> = VecMap::new();
        for (i, e) in self.entries.iter().enumerate() {
            map.entry(e.key()).or_default().push(i);
        }
        map
    }

    /// Checks that the history is well formed: `complete` and `result` are both present
    /// or both absent, `complete >= invoke`, the result kind matches the operation
    /// (`put` → `ok`, `get` → `value`, `cas` → `cas`), and no `(client, seq)` repeats.
    /// Returns every problem found, in entry order (empty = well formed).
    pub fn validate(&self) -> Vec<HistoryError> {
        let mut errors = Vec::new();
        let mut seen: VecMap<(ClientId, u64), usize> = VecMap::new();
        for (i, e) in self.entries.iter().enumerate() {
            let mut err = |message: String| errors.push(HistoryError { entry: i, message });
            if let Some(first) = seen.insert((e.client, e.seq), i) {
                err(format!(
                    "client {} seq {} already recorded as entry {first}",
                    e.client, e.seq
                ));
            }
            match (e.complete, &e.result) {
                (Some(c), Some(r)) => {
                    if c < e.invoke {
                        err(format!(
                            "completes at t{c}, before its invocation at t{}",
                            e.invoke
                        ));
                    }
                    let fits = matches!(
                        (&e.op, r),
                        (Op::Put { .. }, OpResult::Ok)
                            | (Op::Get { .. }, OpResult::Value { .. })
                            | (Op::Cas { .. }, OpResult::Cas { .. })
                    );
                    if !fits {
                        err(format!(
                            "result \"{r}\" does not fit operation \"{}\"",
                            e.op
                        ));
                    }
                }
                (None, None) => {}
                (Some(_), None) => err("has a completion time but no result".into()),
                (None, Some(_)) => err("has a result but no completion time".into()),
            }
        }
        errors
    }
}

impl From<Vec<HistoryEntry>> for History {
    fn from(entries: Vec<HistoryEntry>) -> Self {
        History { entries }
    }
}

/// One problem found by [`History::validate`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, crate::json::ToJson, Deserialize)]
pub struct HistoryError {
    /// Index of the offending entry in `History::entries`.
    pub entry: usize,
    /// What is wrong with it.
    pub message: String,
}

impl fmt::Display for HistoryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "entry {}: {}", self.entry, self.message)
    }
}

/// A history file: the history of one seeded run, `{"seed": .., "entries": [..]}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryFile {
    /// The simulator seed that produced the run.
    pub seed: u64,
    /// The run's client history (its `entries` appear at the top level of the object).
    #[serde(flatten)]
    pub history: History,
}

impl HistoryFile {
    /// Serializes to one line of JSON (no trailing newline).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a history always serializes")
    }

    /// Parses one history object.
    pub fn from_json(text: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// Parses a stream of history objects separated by whitespace (e.g. JSON Lines, one
    /// object per seed); a single object is a stream of one.
    pub fn parse_stream(text: &str) -> Result<Vec<Self>, serde_json::Error> {
        serde_json::Deserializer::from_str(text)
            .into_iter::<Self>()
            .collect()
    }
}

/// Serde adapter for `HistoryEntry::result`: `None` ⇔ `"unknown"` (also reads `null`),
/// `Some(r)` ⇔ `OpResult`'s own representation, e.g. `{"result":"ok"}`.
mod result_or_unknown {
    use crate::kv::OpResult;
    use serde::de::{self, MapAccess, Visitor};
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use std::fmt;

    pub fn serialize<S: Serializer>(r: &Option<OpResult>, s: S) -> Result<S::Ok, S::Error> {
        match r {
            Some(r) => r.serialize(s),
            None => s.serialize_str("unknown"),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<OpResult>, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Option<OpResult>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("\"unknown\", null or a result object")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                if v == "unknown" {
                    Ok(None)
                } else {
                    Err(E::invalid_value(de::Unexpected::Str(v), &self))
                }
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                OpResult::deserialize(de::value::MapAccessDeserializer::new(map)).map(Some)
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn put(key: &str, value: &str) -> Op {
        Op::Put {
            key: key.into(),
            value: value.into(),
        }
    }

    #[test]
    fn json_shape_matches_the_documented_format() {
        let file = HistoryFile {
            seed: 7,
            history: History::from(vec![
                HistoryEntry::completed(1, 0, put("x", "1"), 3, 9, OpResult::Ok),
                HistoryEntry::unknown(2, 4, put("x", "2"), 5),
                HistoryEntry::completed(
                    3,
                    1,
                    Op::Get { key: "x".into() },
                    10,
                    12,
                    OpResult::Value { value: None },
                ),
                HistoryEntry::completed(
                    3,
                    2,
                    Op::Cas {
                        key: "x".into(),
                        expected: None,
                        value: "5".into(),
                    },
                    13,
                    14,
                    OpResult::Cas { ok: false },
                ),
            ]),
        };
        let json = file.to_json();
        assert_eq!(
            json,
            concat!(
                r#"{"seed":7,"entries":["#,
                r#"{"client":1,"seq":0,"op":{"op":"put","key":"x","value":"1"},"invoke":3,"complete":9,"result":{"result":"ok"}},"#,
                r#"{"client":2,"seq":4,"op":{"op":"put","key":"x","value":"2"},"invoke":5,"complete":null,"result":"unknown"},"#,
                r#"{"client":3,"seq":1,"op":{"op":"get","key":"x"},"invoke":10,"complete":12,"result":{"result":"value","value":null}},"#,
                r#"{"client":3,"seq":2,"op":{"op":"cas","key":"x","expected":null,"value":"5"},"invoke":13,"complete":14,"result":{"result":"cas","ok":false}}"#,
                "]}"
            )
        );
        assert_eq!(HistoryFile::from_json(&json).unwrap(), file);
    }

    #[test]
    fn reads_absent_or_null_outcome_as_unknown_and_streams_of_seeds() {
        let text = r#"
            {"seed":1,"entries":[{"client":1,"seq":0,"op":{"op":"get","key":"k"},"invoke":1}]}
            {"seed":2,"entries":[{"client":1,"seq":0,"op":{"op":"get","key":"k"},"invoke":1,
                                  "complete":null,"result":null}]}
        "#;
        let files = HistoryFile::parse_stream(text).unwrap();
        assert_eq!(files.len(), 2);
        assert_eq!(files[1].seed, 2);
        for f in &files {
            assert!(f.history.entries[0].is_unknown());
            assert_eq!(f.history.entries[0].complete, None);
        }
        assert!(HistoryFile::from_json(
            r#"{"seed":1,"entries":[{"client":1,"seq":0,"op":{"op":"get","key":"k"},"invoke":1,"complete":2,"result":"maybe"}]}"#
        )
        .is_err());
    }

    #[test]
    fn validate_reports_malformed_entries() {
        let mut h = History::new();
        h.push(HistoryEntry::completed(
            1,
            0,
            put("x", "1"),
            5,
            4,
            OpResult::Ok,
        ));
        h.push(HistoryEntry::completed(
            1,
            1,
            Op::Get { key: "x".into() },
            6,
            7,
            OpResult::Ok,
        ));
        h.push(HistoryEntry::unknown(1, 1, put("y", "1"), 8));
        let mut half = HistoryEntry::unknown(2, 0, put("y", "2"), 9);
        half.complete = Some(10);
        h.push(half);
        let errors: Vec<usize> = h.validate().iter().map(|e| e.entry).collect();
        assert_eq!(errors, vec![0, 1, 2, 3]);
        assert_eq!(h.keys(), vec!["x", "y"]);
        assert_eq!(h.indices_by_key()["y"], vec![2, 3]);
        assert_eq!(h.unknown_count(), 2);
    }

    #[test]
    fn real_time_order_treats_ties_and_unknowns_as_concurrent() {
        let a = HistoryEntry::completed(1, 0, put("x", "1"), 1, 3, OpResult::Ok);
        let b = HistoryEntry::completed(2, 0, put("x", "2"), 3, 4, OpResult::Ok);
        let c = HistoryEntry::completed(2, 1, put("x", "3"), 5, 6, OpResult::Ok);
        let u = HistoryEntry::unknown(3, 0, put("x", "4"), 2);
        assert!(a.overlaps(&b));
        assert!(a.precedes(&c) && !c.precedes(&a));
        assert!(!u.precedes(&c) && u.overlaps(&c));
        assert_eq!(u.to_string(), "client 3 #0: put x=4 → unknown [t2..]");
        assert_eq!(a.to_string(), "client 1 #0: put x=1 → ok [t1..t3]");
    }
}
