//! The wasm module reads actions, scenarios and search bounds with `paxoscope::json::read`
//! (no serde in the module); the CLI and the tests read them with serde. Both must accept
//! the same texts, build the same values, and refuse the same texts with the same message
//! at the same line and column: every preset's scenario, then thousands of variations of
//! each (a field removed, an unknown field added, a value of the wrong type, a key given
//! twice, the text cut short), compact and pretty-printed.
#![cfg(not(target_arch = "wasm32"))]

use paxoscope::explore::Bounds;
use paxoscope::json::read::{from_str, FromJson};
use paxoscope::json::to_json;
use paxoscope::sim::action::Action;
use paxoscope::sim::presets;
use paxoscope::sim::scenario::Scenario;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use std::fmt::Debug;

/// What each reader makes of `text`: the same value, or the same message.
fn compare<T: FromJson + DeserializeOwned + PartialEq + Debug>(text: &str) -> Option<String> {
    let ours = from_str::<T>(text);
    let theirs = serde_json::from_str::<T>(text).map_err(|e| e.to_string());
    (ours != theirs).then(|| format!("{text}\n  ours:  {ours:?}\n  serde: {theirs:?}"))
}

/// Values of other types to put where a value was.
fn wrong_values() -> Vec<Value> {
    vec![
        json!(null),
        json!(true),
        json!(-1),
        json!(1.5),
        json!(5_000_000_000u64),
        json!("text"),
        json!([1]),
        json!({"x": 1}),
        json!(3),
    ]
}

/// Every variation of `v` one edit away, at every depth.
fn variations(v: &Value) -> Vec<Value> {
    let mut out = Vec::new();
    match v {
        Value::Object(map) => {
            for key in map.keys() {
                let mut removed = map.clone();
                removed.shift_remove(key);
                out.push(Value::Object(removed));
                for inner in variations(&map[key]) {
                    let mut changed = map.clone();
                    changed.insert(key.clone(), inner);
                    out.push(Value::Object(changed));
                }
                for wrong in wrong_values() {
                    let mut changed = map.clone();
                    changed.insert(key.clone(), wrong);
                    out.push(Value::Object(changed));
                }
            }
            let mut extra = map.clone();
            extra.insert("colour".into(), json!("red"));
            out.push(Value::Object(extra));
            // serde also reads a struct from an array of its fields in order: the values
            // as an array, then one item short and one item long.
            let values: Vec<Value> = map.values().cloned().collect();
            out.push(Value::Array(values.clone()));
            out.push(Value::Array(
                values[..values.len().saturating_sub(1)].to_vec(),
            ));
            out.push(Value::Array([values, vec![json!(0)]].concat()));
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate().take(4) {
                for inner in variations(item) {
                    let mut changed = items.clone();
                    changed[i] = inner;
                    out.push(Value::Array(changed));
                }
            }
            out.push(Value::Array(vec![]));
        }
        _ => {}
    }
    out
}

/// `text` with its first key written twice (`{"a":1,"a":1,…}`).
fn duplicated_first_key(text: &str) -> Option<String> {
    let v: Value = serde_json::from_str(text).ok()?;
    let (key, value) = v.as_object()?.iter().next()?;
    let member = format!("{}:{}", serde_json::to_string(key).ok()?, value);
    Some(format!("{{{member},{}", &text[1..]))
}

fn check_all<T: FromJson + DeserializeOwned + PartialEq + Debug>(texts: &[String]) {
    let mut problems: Vec<String> = Vec::new();
    let mut count = 0;
    for base in texts {
        let value: Value = serde_json::from_str(base).expect("valid JSON");
        let mut cases: Vec<String> = vec![base.clone()];
        cases.extend(duplicated_first_key(base));
        for v in variations(&value) {
            cases.push(serde_json::to_string(&v).unwrap());
            cases.push(serde_json::to_string_pretty(&v).unwrap());
        }
        for cut in (0..base.len())
            .step_by(7)
            .filter(|c| base.is_char_boundary(*c))
        {
            cases.push(base[..cut].to_string());
        }
        for case in &cases {
            count += 1;
            problems.extend(compare::<T>(case));
        }
    }
    assert!(count > 100, "only {count} cases");
    let shown: Vec<&String> = problems.iter().take(8).collect();
    assert!(
        problems.is_empty(),
        "{} of {count} texts read differently, for example:\n{shown:#?}",
        problems.len()
    );
}

#[test]
fn scenarios_read_the_same() {
    let mut texts: Vec<String> = presets::list()
        .iter()
        .map(|p| to_json(&presets::scenario(&p.name).expect("preset")))
        .collect();
    // Names of older scenario files and share links, still read.
    texts.push(
        r#"{"config":{"layout":{"kind":"seed"},"snapshot_interval":8,"election_timeout":12,
        "heartbeat_interval":4,"client_retry":20,"network":{"drop_pct":5,"dup_pct":1,
        "max_delay":2},"faults":{"crash":1,"restart":2,"partition":3,"heal":4},
        "workload":{"script":[{"client":1,"op":{"op":"cas","key":"k","expected":null,
        "value":"v"}}],"random_ops":3,"keys":2},"bugs":["no-dedup"]},"seed":9,
        "actions":[{"type":"set_network","drop_pct":5,"dup_pct":0,"max_delay":1}]}"#
            .into(),
    );
    texts.push(r#"{}"#.into());
    check_all::<Scenario>(&texts);
}

#[test]
fn actions_read_the_same() {
    let mut texts: Vec<String> = Vec::new();
    for p in presets::list() {
        let scenario = presets::scenario(&p.name).expect("preset");
        texts.extend(scenario.actions.iter().map(to_json));
    }
    texts.sort();
    texts.dedup();
    texts.extend(
        [
            r#"{"type":"auto"}"#,
            r#"{"type":"deliver","id":4}"#,
            r#"{"type":"fire_timer","node":2,"timer":"election"}"#,
            r#"{"type":"partition","groups":[[1,2],[3]]}"#,
            r#"{"type":"submit","client":1,"op":{"op":"put","key":"x","value":"1"}}"#,
            r#"{"type":"submit","client":1,"op":{"op":"get","key":"x","extra":1}}"#,
            r#"{"type":"set_network","drop_per_mille":10,"dup_per_mille":0,"delay_ticks_max":2}"#,
            r#"{"type":"set_bug","bug":"small-quorum","enabled":true}"#,
            r#"{"type":"add_server","node":6,"roles":{"proposer":false,"acceptor":true,"replica":false}}"#,
            r#"{"type":"reconfigure","nodes":[{"id":1,"roles":{"proposer":true,"acceptor":true,"replica":true}}]}"#,
            r#"{"type":"end_faults"}"#,
        ]
        .map(String::from),
    );
    check_all::<Action>(&texts);
}

#[test]
fn bounds_read_the_same() {
    let texts = vec![
        to_json(&Bounds::default()),
        r#"{"max_depth":6,"max_states":1000,"drops":0,"dups":0,"crashes":1}"#.to_string(),
        to_json(&Bounds::for_bug(Some(paxoscope::paxos::Bug::ReadWithoutLease))),
        r#"{"max_depth":6,"max_states":1000,"drops":0,"dups":0,"crashes":1,"reconfigs":1,"partitions":2,"timers":0}"#.to_string(),
        r#"{"max_depth":6,"max_states":1000,"drops":0,"dups":0,"crashes":1,"timers":-1}"#.to_string(),
    ];
    check_all::<Bounds>(&texts);
}

#[test]
fn syntax_errors_read_the_same() {
    let texts = [
        "",
        " ",
        "{",
        "[",
        "{\"type\"",
        "{\"type\":",
        "{\"type\":\"auto\"",
        "{\"type\":\"auto\",}",
        "{\"type\" \"auto\"}",
        "{\"type\":\"auto\" \"n\":1}",
        "{type:1}",
        "{\"type\":\"auto\"} x",
        "{\"type\":\"a\\qb\"}",
        "{\"type\":\"a\\u12\"}",
        "{\"type\":\"\\ud800\"}",
        "{\"type\":\"a\u{1}b\"}",
        "{\"type\":\"auto\",\"n\":01}",
        "{\"type\":\"auto\",\"n\":-}",
        "{\"type\":\"auto\",\"n\":1.}",
        "{\"type\":\"auto\",\"n\":1e}",
        "{\"type\":\"auto\",\"n\":tru}",
        "{\"type\":\"auto\",\"n\":nul}",
        "nul",
        "\"\\ud83d\\ude00\"",
    ];
    let mut problems: Vec<String> = Vec::new();
    for t in texts {
        problems.extend(compare::<Action>(t));
    }
    assert!(problems.is_empty(), "{problems:#?}");
}
