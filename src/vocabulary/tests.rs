//! The catalogue is complete: every message variant, role, invariant and bug the core has is
//! in it, and every name a run shows (message types, stats keys, roles, phases, violations,
//! bugs) is one of its names.
use super::*;
use crate::paxos::{Addr, Message, Roles};
use crate::sim::presets;
use crate::sim::run::Run;
use serde_json::Value as Json;
use std::collections::BTreeSet;

/// The names between backticks in `text`.
fn backticked(text: &str) -> Vec<String> {
    text.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

/// Every variant name of a serde enum, read from the error serde gives for an unknown one
/// ("unknown variant `?`, expected one of `A`, `B`, ..."), so no variant can be forgotten.
fn serde_variants<T: serde::de::DeserializeOwned + std::fmt::Debug>(probe: &str) -> Vec<String> {
    let err = serde_json::from_str::<T>(probe)
        .expect_err("the probe names no variant")
        .to_string();
    let expected = err
        .split_once("expected")
        .unwrap_or_else(|| panic!("not an unknown-variant error: {err}"))
        .1;
    backticked(expected)
}

fn names<T>(items: &[T], name: impl Fn(&T) -> &str) -> Vec<String> {
    items.iter().map(|i| name(i).to_string()).collect()
}

#[test]
fn every_message_variant_is_catalogued_in_declaration_order() {
    let variants = serde_variants::<Message>(r#"{"type":"?"}"#);
    assert_eq!(variants.len(), 13, "{variants:?}");
    assert_eq!(variants, names(&MESSAGES, |k| k.name));
}

#[test]
fn every_bug_is_catalogued() {
    let variants = serde_variants::<Bug>(r#""?""#);
    assert_eq!(variants, names(&bugs(), |t| t.name));
    for bug in Bug::ALL {
        assert!(!bug.description().is_empty());
    }
}

#[test]
fn the_roles_are_the_node_roles_and_the_clients() {
    // Node roles are the fields of `Roles`; the other kind of endpoint is a client.
    let fields = serde_json::to_value(Roles::SERVER).unwrap();
    let mut expected: Vec<String> = fields.as_object().unwrap().keys().cloned().collect();
    let endpoints = serde_variants::<Addr>(r#"{"?":1}"#);
    assert_eq!(endpoints, ["node", "client"]);
    expected.push("client".into());
    assert_eq!(names(&Role::ALL, |r| r.name()), expected);
    assert_eq!(Roles::SERVER.names(), ["proposer", "acceptor", "replica"]);
    let serialized: Vec<Json> = Role::ALL
        .iter()
        .map(|r| serde_json::to_value(r).unwrap())
        .collect();
    assert_eq!(serialized, expected);
}

/// Every `&str` constant of the checkers (src/check) is an invariant name: the catalogue
/// reads `invariants::ALL`, so a constant missing there would be a nameless check.
#[test]
fn every_invariant_constant_is_catalogued() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/check");
    let catalogued = names(&invariants(), |t| t.name);
    let mut found = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            for line in text.lines() {
                let line = line.trim();
                if line.starts_with("pub const") && line.contains(": &str = \"") {
                    let name = line.split('"').nth(1).unwrap().to_string();
                    assert!(
                        catalogued.contains(&name),
                        "{}: invariant {name} is not in check::invariants::ALL",
                        path.display()
                    );
                    found.push(name);
                }
            }
        }
    }
    found.sort();
    let mut all = catalogued.clone();
    all.sort();
    assert_eq!(found, all, "every catalogued invariant has its constant");
}

#[test]
fn names_are_unique_and_rules_exist() {
    let v = vocabulary();
    let lists = [
        names(v.messages, |k| k.name),
        names(&v.roles, |t| t.name),
        v.phases
            .iter()
            .map(|t| {
                serde_json::to_value(t.name)
                    .unwrap()
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect(),
        names(&v.invariants, |t| t.name),
        names(&v.bugs, |t| t.name),
    ];
    for list in &lists {
        let set: BTreeSet<&String> = list.iter().collect();
        assert_eq!(set.len(), list.len(), "duplicate name in {list:?}");
    }
    let rules: Vec<u8> = v.rules.iter().map(|r| r.number).collect();
    assert_eq!(rules, (1..=12).collect::<Vec<u8>>());
    for k in v.messages {
        assert!(!k.from.is_empty() && !k.to.is_empty(), "{}", k.name);
        assert!(!k.rules.is_empty(), "{}", k.name);
        for r in k.rules {
            assert!(
                rules.contains(r),
                "{} serves rule {r}, which is not listed",
                k.name
            );
        }
        for text in [k.when, k.summary, k.description] {
            assert!(text.ends_with('.'), "{}: {text}", k.name);
        }
    }
}

/// Runs every preset and a few faulty swarm seeds; returns their full states.
fn states() -> Vec<Json> {
    let mut out = Vec::new();
    for p in presets::list() {
        let scenario = presets::scenario(&p.name).unwrap();
        let mut s = Run::new(scenario, false).unwrap();
        s.run_until_quiet(3_000).unwrap();
        out.push(serde_json::to_value(s.state(false)).unwrap());
    }
    for seed in 1..=6 {
        let mut config = crate::sim::fuzz::swarm_config(seed, None);
        config.snapshot_interval_slots = 4;
        let scenario = crate::sim::Scenario {
            preset: None,
            config,
            seed,
            actions: vec![crate::sim::Action::Auto { n: 1_500 }],
        };
        let mut s = Run::new(scenario, false).unwrap();
        out.push(serde_json::to_value(s.state(false)).unwrap());
    }
    out
}

fn strings<'a>(items: impl IntoIterator<Item = &'a Json>) -> BTreeSet<String> {
    items
        .into_iter()
        .map(|j| j.as_str().expect("a name").to_string())
        .collect()
}

/// Every message kind the simulator sends, every role, phase, invariant and bug a run
/// shows is catalogued; and every catalogued kind is sent in some run (the page never
/// describes a message the core does not send).
#[test]
fn every_name_a_run_shows_is_catalogued() {
    let v = vocabulary();
    let kinds: BTreeSet<String> = names(v.messages, |k| k.name).into_iter().collect();
    let roles: BTreeSet<String> = names(&v.roles, |t| t.name).into_iter().collect();
    let phases: BTreeSet<String> = v
        .phases
        .iter()
        .map(|t| {
            serde_json::to_value(t.name)
                .unwrap()
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    let invariant_names = names(&v.invariants, |t| t.name);
    let bug_names: BTreeSet<String> = names(&v.bugs, |t| t.name).into_iter().collect();
    let mut sent = BTreeSet::new();
    let mut violated = BTreeSet::new();
    for state in states() {
        for fate in ["sent", "delivered", "dropped", "duplicated"] {
            let map = state["stats"][fate].as_object().unwrap();
            let seen: BTreeSet<String> = map.keys().cloned().collect();
            assert!(seen.is_subset(&kinds), "{fate}: {seen:?}");
            if fate == "sent" {
                sent.extend(seen);
            }
        }
        for m in state["messages"].as_array().unwrap() {
            let kind = m["type"].as_str().unwrap();
            assert!(kinds.contains(kind), "{kind}");
            assert_eq!(m["payload"]["type"], kind, "the payload's tag is the kind");
        }
        for n in state["nodes"].as_array().unwrap() {
            assert!(strings(n["roles"].as_array().unwrap()).is_subset(&roles));
            assert!(
                phases.contains(n["phase"].as_str().unwrap()),
                "{}",
                n["phase"]
            );
        }
        let shown: Vec<&str> = state["invariants"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["name"].as_str().unwrap())
            .collect();
        assert_eq!(shown, invariant_names);
        for viol in state["violations"].as_array().unwrap() {
            violated.insert(viol["invariant"].as_str().unwrap().to_string());
        }
        assert!(strings(state["config"]["bugs"].as_array().unwrap()).is_subset(&bug_names));
    }
    assert_eq!(sent, kinds, "every catalogued kind is sent in some run");
    assert!(
        violated.len() >= 3,
        "the bug presets break invariants: {violated:?}"
    );
    assert!(violated.iter().all(|name| invariant_names.contains(name)));
}

#[test]
fn the_entry_of_a_message_is_its_own_kind() {
    let scenario = presets::scenario("seed-demo").unwrap();
    let mut s = Run::new(scenario, false).unwrap();
    let mut seen = BTreeSet::new();
    for _ in 0..300 {
        for m in s.timeline.world().in_flight() {
            assert_eq!(message_kind(&m.env.msg).name, m.env.msg.kind());
            assert_eq!(
                message_kind(&m.env.msg).client_traffic,
                m.env.msg.is_client_traffic()
            );
            seen.insert(m.env.msg.kind());
        }
        s.apply(&crate::sim::Action::Auto { n: 1 }).unwrap();
    }
    assert!(seen.len() >= 5, "{seen:?}");
}

#[test]
fn the_diagram_s_event_kinds_and_fates_are_named_as_the_json_writes_them() {
    use crate::sim::spacetime::{LaneEventKind, MessageFate};
    for k in LaneEventKind::ALL {
        assert_eq!(serde_json::to_value(k).unwrap(), k.name());
    }
    for f in MessageFate::ALL {
        assert_eq!(serde_json::to_value(f).unwrap(), f.name());
    }
    let events: Vec<&str> = diagram_events().iter().map(|t| t.name).collect();
    assert_eq!(events.len(), LaneEventKind::ALL.len());
    assert_eq!(message_fates().len(), MessageFate::ALL.len());
    // Every kind a run records is catalogued.
    let mut run = Run::new(presets::scenario("leader-crash").unwrap(), true).unwrap();
    run.run_until_quiet(3_000).unwrap();
    let record = run.timeline.spacetime().unwrap();
    for e in record.events().iter_from(0) {
        assert!(events.contains(&e.kind.name()), "{:?}", e.kind);
    }
}

#[test]
fn every_event_variant_has_a_kind_with_a_rule() {
    let variants = serde_variants::<crate::paxos::event::Event>(r#"{"event":"?"}"#);
    assert_eq!(variants, names(&EVENTS, |k| k.name));
    for k in EVENTS {
        assert!(
            RULES.iter().any(|r| r.number == k.rule),
            "{} has rule {}",
            k.name,
            k.rule
        );
        assert!(!k.summary.is_empty());
    }
}

#[test]
fn a_narrated_event_carries_its_kind_rule_and_why() {
    let mut run = Run::new(presets::scenario("seed-demo").unwrap(), true).unwrap();
    let mut seen = BTreeSet::new();
    for _ in 0..60 {
        run.apply(&crate::sim::action::Action::Auto { n: 1 })
            .unwrap();
        for line in run.last_step().events {
            if let Some(kind) = line.event {
                let rule = EVENTS.iter().find(|k| k.name == kind).unwrap().rule;
                assert_eq!(line.rule, Some(rule), "{}", line.text);
                assert!(line.why.as_deref().is_some_and(|w| !w.is_empty()));
                seen.insert(kind);
            }
        }
    }
    for kind in [
        "promised",
        "refused_prepare",
        "stepped_down",
        "became_leader",
        "accepted_value",
        "chosen",
    ] {
        assert!(
            seen.contains(kind),
            "{kind} not narrated in the seed demo's first 60 steps: {seen:?}"
        );
    }
}
