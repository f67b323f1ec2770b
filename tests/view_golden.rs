//! The JSON the page and `paxoscope run` see, pinned byte for byte (docs/wasm-api.md).
//!
//! For a few presets at a few steps, the page's `state()`, `view()`, `node(id)` for every
//! node and `logWindow(0, 100)` are compared with `tests/golden/<preset>/<point>.txt`, and
//! `paxoscope run --preset <preset>` (for four of them) with `tests/golden/<preset>/cli.json`. The files hold
//! pretty-printed JSON (what the CLI prints, through serde_json); the page's compact JSON
//! (written by `paxoscope::json`, the module's own writer) is the same text without the
//! whitespace outside strings, and is compared too.
//!
//! A deliberate change of the JSON is documented in docs/wasm-api.md and the files are
//! regenerated with:
//!
//! ```sh
//! PAXOSCOPE_BLESS=1 cargo test --test view_golden
//! ```
//!
//! On a mismatch the actual text is written next to the test's temporary directory
//! (the path is in the failure message) so it can be compared with `diff`.
#![cfg(not(target_arch = "wasm32"))]

use paxoscope::json::{to_json, ToJson};
use paxoscope::sim::action::Action;
use paxoscope::sim::presets;
use paxoscope::sim::run::Run;
use paxoscope::sim::view;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The presets pinned: the seed demo, a crash, a partition, snapshots, and bugs breaking
/// safety (crashed nodes, violations, a failed linearizability check).
const PRESETS: [&str; 6] = [
    "seed-demo",
    "leader-crash",
    "minority-partition",
    "lagging-replica",
    "bug-small-quorum",
    "bug-no-dedup",
];

/// What the page passes to `runUntilQuiet` (www/main.js, `QUIET_MAX_STEPS`).
const PAGE_QUIET_MAX_STEPS: u64 = 20_000;

/// Rows the pinned `logWindow` call asks for, from slot 0.
const LOG_ROWS: u64 = 100;

/// Lines of context shown around the first difference.
const CONTEXT: usize = 3;

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

fn bless() -> bool {
    std::env::var_os("PAXOSCOPE_BLESS").is_some_and(|v| v != "0" && !v.is_empty())
}

fn pretty<T: Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).expect("the view serializes")
}

/// What the wasm module hands the page: `paxoscope::json`'s writer, not serde_json.
fn compact<T: ToJson>(value: &T) -> String {
    to_json(value)
}

/// Pretty JSON without the whitespace outside strings: serde_json's compact form.
fn minify(pretty: &str) -> String {
    let (mut out, mut in_string, mut escaped) = (String::new(), false, false);
    for c in pretty.chars() {
        if in_string {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
        } else if c == '"' {
            in_string = true;
            out.push(c);
        } else if !c.is_whitespace() {
            out.push(c);
        }
    }
    out
}

/// One pinned output: a heading, its pretty JSON and its compact JSON.
struct Section {
    heading: String,
    pretty: String,
    compact: String,
}

impl Section {
    fn new<T: Serialize + ToJson>(heading: String, value: &T) -> Section {
        Section {
            heading,
            pretty: pretty(value),
            compact: compact(value),
        }
    }
}

/// Everything the page reads at the run's current step, as `src/wasm.rs` produces it.
fn page_sections(run: &mut Run) -> Vec<Section> {
    let mut out = vec![
        Section::new("state()".into(), &run.state(true)),
        Section::new("view()".into(), &run.state(false)),
    ];
    let world = run.timeline.world();
    for id in world.node_ids() {
        let node = view::inspect(world, id).expect("the node exists");
        out.push(Section::new(format!("node({id})"), &node));
    }
    let rows = view::log::window(world, 0, LOG_ROWS);
    out.push(Section::new(format!("logWindow(0, {LOG_ROWS})"), &rows));
    out
}

fn render(sections: &[Section]) -> String {
    let mut text = String::new();
    for s in sections {
        text.push_str(&format!("## {}\n{}\n", s.heading, s.pretty));
    }
    text
}

/// Where the first difference between two texts is, with a few lines around it.
fn first_difference(expected: &str, actual: &str) -> String {
    let (e, a): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), actual.lines().collect());
    let line = (0..e.len().max(a.len()))
        .find(|i| e.get(*i) != a.get(*i))
        .unwrap_or(0);
    let from = line.saturating_sub(CONTEXT);
    let show = |v: &[&str]| -> String {
        v.iter()
            .enumerate()
            .skip(from)
            .take(2 * CONTEXT + 1)
            .map(|(i, l)| format!("{:>6} {l}\n", i + 1))
            .collect()
    };
    format!(
        "first difference at line {}\n--- expected\n{}+++ actual\n{}",
        line + 1,
        show(&e),
        show(&a)
    )
}

/// Compares `actual` with the golden file `name` (or writes it when blessing); returns
/// a description of the mismatch, if any.
fn check_file(name: &str, actual: &str) -> Option<String> {
    let path = golden_dir().join(name);
    if bless() {
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("golden folder");
        std::fs::write(&path, actual).expect("golden file written");
        return None;
    }
    let expected = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) => {
            return Some(format!(
                "{}: {e} (PAXOSCOPE_BLESS=1 writes it)",
                path.display()
            ))
        }
    };
    if expected == actual {
        return None;
    }
    let out = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("golden-actual")
        .join(name);
    std::fs::create_dir_all(out.parent().expect("a folder")).expect("output folder");
    std::fs::write(&out, actual).expect("actual output written");
    Some(format!(
        "{} differs (actual output: {})\n{}",
        path.display(),
        out.display(),
        first_difference(&expected, actual)
    ))
}

/// The pinned sections of a golden file: (heading, pretty JSON).
fn golden_sections(text: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        match line.strip_prefix("## ") {
            Some(heading) => out.push((heading.to_string(), String::new())),
            None => {
                if let Some((_, body)) = out.last_mut() {
                    body.push_str(line);
                    body.push('\n');
                }
            }
        }
    }
    out
}

/// The compact JSON the page parses must be the golden pretty JSON without whitespace.
fn check_compact(name: &str, sections: &[Section]) -> Option<String> {
    if bless() {
        return None;
    }
    let text = std::fs::read_to_string(golden_dir().join(name)).ok()?;
    let golden = golden_sections(&text);
    if golden.len() != sections.len() {
        return Some(format!(
            "{name}: {} sections pinned, {} produced",
            golden.len(),
            sections.len()
        ));
    }
    golden
        .iter()
        .zip(sections)
        .find(|((heading, body), s)| *heading != s.heading || minify(body) != s.compact)
        .map(|(_, s)| format!("{name}: the page's compact {} differs", s.heading))
}

/// The page's run of `preset` at its pinned points: step 0, the middle and the end of the
/// preset's recorded actions (or 12 narrated steps when it records none), and quiet.
fn page_points(preset: &str) -> Vec<(&'static str, Vec<Section>)> {
    let scenario = presets::scenario(preset).expect("preset");
    let mut run = Run::new(scenario, true).expect("the preset replays");
    let total = run.timeline.total_steps();
    let mut points = Vec::new();
    run.timeline.seek(0).expect("seek to 0");
    points.push(("step-0", page_sections(&mut run)));
    if total >= 2 {
        run.timeline.seek(total / 2).expect("seek to the middle");
        points.push(("middle", page_sections(&mut run)));
        run.timeline.seek(total).expect("seek to the end");
        points.push(("end", page_sections(&mut run)));
    } else {
        run.timeline.seek(total).expect("seek to the end");
        for _ in 0..12 {
            run.apply(&Action::Auto { n: 1 }).expect("auto");
        }
        points.push(("step-12", page_sections(&mut run)));
    }
    run.run_until_quiet(PAGE_QUIET_MAX_STEPS)
        .expect("runs until quiet");
    points.push(("quiet", page_sections(&mut run)));
    points
}

#[test]
fn the_page_json_is_byte_identical_to_the_golden_files() {
    let mut problems = Vec::new();
    for preset in PRESETS {
        for (point, sections) in page_points(preset) {
            let name = format!("{preset}/{point}.txt");
            problems.extend(check_compact(&name, &sections));
            problems.extend(check_file(&name, &render(&sections)));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

/// The presets whose `paxoscope run` output is pinned (the others' long runs would only
/// repeat what the page's `quiet` point pins): a clean exit and a violation exit.
const CLI_PRESETS: [&str; 4] = [
    "seed-demo",
    "lagging-replica",
    "bug-small-quorum",
    "bug-no-dedup",
];

#[test]
fn paxoscope_run_prints_the_golden_state() {
    let mut problems = Vec::new();
    for preset in CLI_PRESETS {
        let out = Command::new(env!("CARGO_BIN_EXE_paxoscope"))
            .args(["run", "--preset", preset])
            .output()
            .expect("the binary runs");
        let expected_code = if preset.starts_with("bug-") { 1 } else { 0 };
        assert_eq!(
            out.status.code(),
            Some(expected_code),
            "{preset}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8(out.stdout).expect("UTF-8 output");
        problems.extend(check_file(&format!("{preset}/cli.json"), &stdout));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

#[test]
fn minify_gives_serde_json_compact_form() {
    let value = serde_json::json!({ "a b": [1, 2.5, null], "q": "say \"hi\" \\ ok", "e": {} });
    assert_eq!(
        minify(&pretty(&value)),
        serde_json::to_string(&value).unwrap()
    );
}

/// Rule 12 on the page: each row of `logWindow` carries the epoch of the configuration
/// that governs its slot (absent for epoch 0) and marks the slot a reconfiguration was
/// decided in; a replica's `volatile.replica.configs` lists what it knows. Not a golden
/// file: no pinned preset reconfigures.
#[test]
fn the_log_window_marks_each_reconfiguration_and_the_epoch_of_each_slot() {
    let scenario = presets::scenario("replace-leader").expect("preset");
    let run = Run::new(scenario, true).expect("the preset replays");
    let world = run.timeline.world();
    let configs = world.config_history();
    assert_eq!(configs.len(), 1, "the preset reconfigures once");
    let from = configs[0].from_slot;
    let win = view::log::window(world, 0, from + 4);
    let decided: Vec<u64> = win
        .rows
        .iter()
        .filter(|r| r.reconfigure == Some(1))
        .map(|r| r.slot)
        .collect();
    assert_eq!(decided.len(), 1, "one slot decided configuration #1");
    let window = world.config().window;
    assert_eq!(
        decided[0] + window,
        from,
        "it governs α = {window} slots later"
    );
    for row in &win.rows {
        let want = u64::from(row.slot >= from);
        assert_eq!(row.epoch, want, "slot {}", row.slot);
    }
    let json = serde_json::to_value(&win.rows[0]).unwrap();
    assert!(json.get("epoch").is_none() && json.get("reconfigure").is_none());
    let json = serde_json::to_value(&win.rows[from as usize]).unwrap();
    assert_eq!(json["epoch"], 1);
    let leader = world.leader().expect("a leader");
    let node = view::inspect(world, leader).expect("the leader");
    let node = serde_json::to_value(&node).unwrap();
    assert_eq!(node["volatile"]["replica"]["configs"][0]["from_slot"], from);
}

/// Rule 12 on the page: after a reconfiguration `quorums` counts the acceptors of the latest
/// configuration decided (grow-3-to-5 ends with 5), not those of the initial layout.
#[test]
fn the_quorums_shown_are_those_of_the_latest_configuration() {
    let scenario = presets::scenario("grow-3-to-5").expect("preset");
    let mut run = Run::new(scenario, true).expect("the preset replays");
    let before = serde_json::to_value(run.state(false)).unwrap();
    assert_eq!(before["configs"].as_array().map(Vec::len), Some(1));
    assert_eq!(before["quorums"]["acceptors"], 5);
    assert_eq!(before["quorums"]["phase1"], 3);
    run.timeline.seek(0).expect("seek to 0");
    let start = serde_json::to_value(run.state(false)).unwrap();
    assert_eq!(start["quorums"]["acceptors"], 3);
}
