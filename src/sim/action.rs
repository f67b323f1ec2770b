//! User and scheduler actions: the serialisable list that, with the configuration and the
//! seed, replays a run exactly.
use super::scenario::{per_mille_or_old_percent, renamed};
use crate::json::read::FromJson;
use crate::json::ToJson;
use crate::kv::{ClientId, Op};
use crate::paxos::{Bug, NodeId, NodeSpec, Roles, TimerKind};
use serde::{Deserialize, Serialize};

/// One step of a run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToJson, Deserialize, FromJson)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(tag = "type", rename_all = "snake_case", try_from = "RawAction")]
pub enum Action {
    /// Let the seeded scheduler choose the next event, `n` times (a run of automatic steps
    /// is stored as one action in scenario files; each counts as one step).
    Auto {
        #[serde(skip_serializing_if = "is_one")]
        #[cfg_attr(test, ts(as = "Option<u64>", optional))]
        /// How many automatic steps (1 when absent).
        n: u64,
    },
    /// Deliver in-flight message `id` now.
    Deliver {
        /// The message id.
        id: u64,
    },
    /// Lose in-flight message `id`.
    Drop {
        /// The message id.
        id: u64,
    },
    /// Put a copy of in-flight message `id` in flight.
    Duplicate {
        /// The message id.
        id: u64,
    },
    /// Advance logical time by one tick, firing due timers.
    Tick,
    /// Fire one node's timer now.
    FireTimer {
        /// The node.
        node: NodeId,
        /// Which timer.
        timer: TimerKind,
    },
    /// Crash a node: it loses volatile state and its inbox.
    Crash {
        /// The node.
        node: NodeId,
    },
    /// Restart a crashed node from its durable state.
    Restart {
        /// The node.
        node: NodeId,
    },
    /// Split nodes into groups; nodes not listed form one more group together.
    Partition {
        /// The groups of node ids.
        groups: Vec<Vec<NodeId>>,
    },
    /// Remove every partition.
    Heal,
    /// A client submits a command.
    Submit {
        /// The client.
        client: ClientId,
        /// The operation.
        op: Op,
    },
    /// Change the random network faults.
    SetNetwork {
        /// Chance (per mille) that a message is lost.
        drop_per_mille: u32,
        /// Chance (per mille) that a message is duplicated.
        dup_per_mille: u32,
        /// Maximum delivery delay in ticks.
        delay_ticks_max: u64,
    },
    /// Stop every fault: no more random drops, duplicates, crashes or partitions; heal the
    /// network, restart crashed nodes, and let clients finish what they started (the
    /// fuzzer's healing phase).
    EndFaults,
    /// Switch an injected bug on or off.
    SetBug {
        /// The bug (its kebab-case name in JSON).
        bug: Bug,
        /// On or off.
        enabled: bool,
    },
    /// Rule 12: the operator asks the leader to add node `node` to the configuration (a
    /// new node starts empty and catches up; a node removed earlier comes back).
    AddServer {
        /// The node (1 to 16).
        node: NodeId,
        /// Its roles; a server (proposer + acceptor + replica) when absent.
        #[serde(skip_serializing_if = "Option::is_none")]
        #[cfg_attr(test, ts(optional))]
        roles: Option<Roles>,
    },
    /// Rule 12: the operator asks the leader to remove node `node` from the configuration.
    RemoveServer {
        /// The node.
        node: NodeId,
    },
    /// Rule 12: the operator asks the leader for a configuration of exactly these members,
    /// in one step (several nodes added and removed at once: safe only because a new
    /// configuration governs the slots α after its own).
    Reconfigure {
        /// The members and their roles.
        nodes: Vec<NodeSpec>,
    },
}

/// The JSON form of an [`Action`], read flat: serde's internally tagged enums buffer every
/// field in a generic `Content` tree first, which costs tens of KB in the wasm module. The
/// checks below keep the strictness of `deny_unknown_fields` for each variant.
#[derive(Deserialize, FromJson)]
#[serde(deny_unknown_fields)]
struct RawAction {
    #[serde(rename = "type")]
    kind: String,
    n: Option<u64>,
    id: Option<u64>,
    node: Option<NodeId>,
    timer: Option<TimerKind>,
    groups: Option<Vec<Vec<NodeId>>>,
    client: Option<ClientId>,
    op: Option<Op>,
    drop_per_mille: Option<u32>,
    dup_per_mille: Option<u32>,
    delay_ticks_max: Option<u64>,
    // The names `set_network` had before probabilities became per mille (still read, so
    // older share links replay).
    drop_pct: Option<u32>,
    dup_pct: Option<u32>,
    max_delay: Option<u64>,
    bug: Option<Bug>,
    enabled: Option<bool>,
    roles: Option<Roles>,
    nodes: Option<Vec<NodeSpec>>,
}

fn need<T>(v: Option<T>, field: &str) -> Result<T, String> {
    v.ok_or_else(|| format!("missing field `{field}`"))
}

/// The fields an action of type `kind` may have (`set_network` also reads the names it
/// had before probabilities became per mille).
fn allowed_fields(kind: &str) -> Result<&'static [&'static str], String> {
    Ok(match kind {
        "auto" => &["n"],
        "deliver" | "drop" | "duplicate" => &["id"],
        "tick" | "heal" | "end_faults" => &[],
        "fire_timer" => &["node", "timer"],
        "crash" | "restart" => &["node"],
        "partition" => &["groups"],
        "submit" => &["client", "op"],
        "set_network" => &[
            "drop_per_mille",
            "dup_per_mille",
            "delay_ticks_max",
            "drop_pct",
            "dup_pct",
            "max_delay",
        ],
        "set_bug" => &["bug", "enabled"],
        "add_server" => &["node", "roles"],
        "remove_server" => &["node"],
        "reconfigure" => &["nodes"],
        other => {
            return Err(format!(
                "unknown variant `{other}`, expected one of `auto`, `deliver`, `drop`, \
                 `duplicate`, `tick`, `fire_timer`, `crash`, `restart`, `partition`, \
                 `heal`, `submit`, `set_network`, `end_faults`, `set_bug`, `add_server`, \
                 `remove_server`, `reconfigure`"
            ))
        }
    })
}

impl RawAction {
    /// Each field name with whether it is present.
    fn present_fields(&self) -> [(&'static str, bool); 17] {
        [
            ("n", self.n.is_some()),
            ("id", self.id.is_some()),
            ("node", self.node.is_some()),
            ("timer", self.timer.is_some()),
            ("groups", self.groups.is_some()),
            ("client", self.client.is_some()),
            ("op", self.op.is_some()),
            ("drop_per_mille", self.drop_per_mille.is_some()),
            ("dup_per_mille", self.dup_per_mille.is_some()),
            ("delay_ticks_max", self.delay_ticks_max.is_some()),
            ("drop_pct", self.drop_pct.is_some()),
            ("dup_pct", self.dup_pct.is_some()),
            ("max_delay", self.max_delay.is_some()),
            ("bug", self.bug.is_some()),
            ("enabled", self.enabled.is_some()),
            ("roles", self.roles.is_some()),
            ("nodes", self.nodes.is_some()),
        ]
    }
}

impl TryFrom<RawAction> for Action {
    type Error = String;

    fn try_from(r: RawAction) -> Result<Action, String> {
        let allowed = allowed_fields(&r.kind)?;
        let present = r.present_fields();
        if let Some((field, _)) = present.iter().find(|(f, p)| *p && !allowed.contains(f)) {
            return Err(format!(
                "unknown field `{field}` for `{}`, expected {}",
                r.kind,
                if allowed.is_empty() {
                    "no fields".to_string()
                } else {
                    allowed.join(", ")
                }
            ));
        }
        Ok(match r.kind.as_str() {
            "auto" => Action::Auto {
                n: r.n.unwrap_or(1),
            },
            "deliver" => Action::Deliver {
                id: need(r.id, "id")?,
            },
            "drop" => Action::Drop {
                id: need(r.id, "id")?,
            },
            "duplicate" => Action::Duplicate {
                id: need(r.id, "id")?,
            },
            "tick" => Action::Tick,
            "heal" => Action::Heal,
            "end_faults" => Action::EndFaults,
            "fire_timer" => Action::FireTimer {
                node: need(r.node, "node")?,
                timer: need(r.timer, "timer")?,
            },
            "crash" => Action::Crash {
                node: need(r.node, "node")?,
            },
            "restart" => Action::Restart {
                node: need(r.node, "node")?,
            },
            "partition" => Action::Partition {
                groups: need(r.groups, "groups")?,
            },
            "submit" => Action::Submit {
                client: need(r.client, "client")?,
                op: need(r.op, "op")?,
            },
            "set_network" => set_network(&r)?,
            "add_server" => Action::AddServer {
                node: need(r.node, "node")?,
                roles: r.roles,
            },
            "remove_server" => Action::RemoveServer {
                node: need(r.node, "node")?,
            },
            "reconfigure" => Action::Reconfigure {
                nodes: need(r.nodes, "nodes")?,
            },
            _ => Action::SetBug {
                bug: need(r.bug, "bug")?,
                enabled: need(r.enabled, "enabled")?,
            },
        })
    }
}

/// A `set_network` action, from its current field names or from the older ones.
fn set_network(r: &RawAction) -> Result<Action, String> {
    Ok(Action::SetNetwork {
        drop_per_mille: need(
            per_mille_or_old_percent(r.drop_per_mille, r.drop_pct, "drop")?,
            "drop_per_mille",
        )?,
        dup_per_mille: need(
            per_mille_or_old_percent(r.dup_per_mille, r.dup_pct, "dup")?,
            "dup_per_mille",
        )?,
        delay_ticks_max: need(
            renamed(
                r.delay_ticks_max,
                r.max_delay,
                "delay_ticks_max",
                "max_delay",
            )?,
            "delay_ticks_max",
        )?,
    })
}

fn is_one(n: &u64) -> bool {
    *n == 1
}

/// Merges consecutive automatic steps into one `Auto { n }` (for compact share links).
pub fn compress(actions: &[Action]) -> Vec<Action> {
    let mut out: Vec<Action> = Vec::new();
    for a in actions {
        match (out.last_mut(), a) {
            (Some(Action::Auto { n }), Action::Auto { n: m }) => *n += m,
            _ => out.push(a.clone()),
        }
    }
    out
}

/// Expands `Auto { n }` into `n` single steps, refusing absurd counts.
pub fn expand(actions: &[Action], max_steps: u64) -> Result<Vec<Action>, String> {
    let total: u64 = actions
        .iter()
        .map(|a| match a {
            Action::Auto { n } => *n,
            _ => 1,
        })
        .sum();
    if total > max_steps {
        return Err(format!(
            "the scenario has {total} steps; at most {max_steps} are supported"
        ));
    }
    let mut out = Vec::with_capacity(total as usize);
    for a in actions {
        match a {
            Action::Auto { n } => out.extend((0..*n).map(|_| Action::Auto { n: 1 })),
            other => out.push(other.clone()),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::scenario::Layout;

    fn every_action() -> Vec<Action> {
        vec![
            Action::Auto { n: 1 },
            Action::Auto { n: 57 },
            Action::Deliver { id: 3 },
            Action::Drop { id: 4 },
            Action::Duplicate { id: 5 },
            Action::Tick,
            Action::FireTimer {
                node: 2,
                timer: TimerKind::Heartbeat,
            },
            Action::Crash { node: 1 },
            Action::Restart { node: 1 },
            Action::Partition {
                groups: vec![vec![1, 2], vec![3]],
            },
            Action::Heal,
            Action::Submit {
                client: 1,
                op: Op::Cas {
                    key: "x".into(),
                    expected: None,
                    value: "1".into(),
                },
            },
            Action::Submit {
                client: 2,
                op: Op::Get { key: "y".into() },
            },
            Action::AddServer {
                node: 6,
                roles: None,
            },
            Action::AddServer {
                node: 7,
                roles: Some(Roles::ACCEPTOR),
            },
            Action::RemoveServer { node: 2 },
            Action::Reconfigure {
                nodes: vec![
                    NodeSpec {
                        id: 1,
                        roles: Roles::SERVER,
                    },
                    NodeSpec {
                        id: 8,
                        roles: Roles::ACCEPTOR,
                    },
                ],
            },
            Action::SetNetwork {
                drop_per_mille: 100,
                dup_per_mille: 5,
                delay_ticks_max: 3,
            },
            Action::EndFaults,
            Action::SetBug {
                bug: Bug::SmallQuorum,
                enabled: true,
            },
        ]
    }

    #[test]
    fn every_action_reads_back_what_it_writes() {
        for a in every_action() {
            let text = serde_json::to_string(&a).unwrap();
            let back: Action = serde_json::from_str(&text).unwrap();
            assert_eq!(back, a, "{text}");
        }
        let auto: Action = serde_json::from_str(r#"{"type":"auto"}"#).unwrap();
        assert_eq!(auto, Action::Auto { n: 1 });
    }

    #[test]
    fn malformed_actions_are_refused_with_the_reason() {
        let err = |text: &str| {
            serde_json::from_str::<Action>(text)
                .unwrap_err()
                .to_string()
        };
        assert!(err(r#"{"type":"teleport"}"#).contains("unknown variant `teleport`"));
        assert!(err(r#"{"type":"deliver"}"#).contains("missing field `id`"));
        assert!(err(r#"{"type":"tick","id":3}"#).contains("unknown field `id`"));
        assert!(err(r#"{"type":"crash","node":1,"color":"red"}"#).contains("unknown field"));
        assert!(
            err(r#"{"type":"submit","client":1,"op":{"op":"put","key":"x"}}"#)
                .contains("missing field `value`")
        );
        assert!(err(r#"{"id":3}"#).contains("missing field `type`"));
        assert!(err(r#"{"type":"set_bug","bug":"typo","enabled":true}"#).contains("unknown bug"));
        assert!(
            err(r#"{"type":"set_network","drop_per_mille":1,"dup_per_mille":1}"#)
                .contains("missing field `delay_ticks_max`")
        );
        let both = r#"{"type":"set_network","drop_pct":1,"drop_per_mille":1,
            "dup_per_mille":0,"delay_ticks_max":0}"#;
        assert!(err(both).contains("give only one"));
    }

    #[test]
    fn set_network_in_the_old_percent_form_reads_as_per_mille() {
        let old: Action = serde_json::from_str(
            r#"{"type":"set_network","drop_pct":10,"dup_pct":5,"max_delay":3}"#,
        )
        .unwrap();
        assert_eq!(
            old,
            Action::SetNetwork {
                drop_per_mille: 100,
                dup_per_mille: 50,
                delay_ticks_max: 3,
            }
        );
        assert_eq!(
            serde_json::to_string(&old).unwrap(),
            r#"{"type":"set_network","drop_per_mille":100,"dup_per_mille":50,"delay_ticks_max":3}"#
        );
    }

    #[test]
    fn layouts_read_flat_and_strictly() {
        let servers: Layout = serde_json::from_str(r#"{"kind":"servers","n":3}"#).unwrap();
        assert_eq!(servers, Layout::Servers { n: 3 });
        let seed: Layout = serde_json::from_str(r#"{"kind":"seed"}"#).unwrap();
        assert_eq!(seed, Layout::Seed);
        for text in [
            r#"{"kind":"servers"}"#,
            r#"{"kind":"seed","n":3}"#,
            r#"{"kind":"ring"}"#,
        ] {
            assert!(serde_json::from_str::<Layout>(text).is_err(), "{text}");
        }
        for l in [Layout::Servers { n: 7 }, Layout::Seed] {
            let text = serde_json::to_string(&l).unwrap();
            assert_eq!(serde_json::from_str::<Layout>(&text).unwrap(), l);
        }
    }
}
