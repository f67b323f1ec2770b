//! The wasm module writes its JSON with `paxoscope::json` (no serde in the module); the
//! CLI, the golden files and the TypeScript types follow the serde derives. Both must give
//! the same bytes for everything the module hands the page: every export, on every preset,
//! at many steps (docs/wasm-api.md). The golden files pin a few of these points; this
//! covers every preset and the explorer's answers.
#![cfg(not(target_arch = "wasm32"))]

use paxoscope::explore::{self, Bounds};
use paxoscope::json::{to_json, ToJson};
use paxoscope::paxos::Bug;
use paxoscope::sim::action::Action;
use paxoscope::sim::run::Run;
use paxoscope::sim::{presets, view};
use paxoscope::vocabulary;
use serde::Serialize;

/// The module's JSON of `value` must equal serde_json's.
fn same<T: Serialize + ToJson + ?Sized>(what: &str, value: &T) {
    let ours = to_json(value);
    let theirs = serde_json::to_string(value).expect("serializes");
    if ours != theirs {
        let at = ours
            .bytes()
            .zip(theirs.bytes())
            .position(|(a, b)| a != b)
            .unwrap_or(ours.len().min(theirs.len()));
        let from = at.saturating_sub(80);
        panic!(
            "{what}: the module's JSON differs from serde_json's at byte {at}\n  ours:   …{}\n  serde:  …{}",
            &ours[from..(at + 80).min(ours.len())],
            &theirs[from..(at + 80).min(theirs.len())]
        );
    }
}

/// Every per-step export of the page at the run's current step.
fn page_exports(what: &str, run: &mut Run) {
    same(&format!("{what} state()"), &run.state(true));
    same(&format!("{what} view()"), &run.state(false));
    same(&format!("{what} viewPlaying()"), &run.state_playing());
    same(&format!("{what} viewLean()"), &run.frame());
    let world = run.timeline.world();
    for m in world.in_flight() {
        let one = view::message(world, m.id).expect("in flight");
        same(&format!("{what} message({})", m.id), &one);
    }
    same(&format!("{what} last step"), &run.last_step());
    same(&format!("{what} scenario()"), &run.timeline.scenario());
    let world = run.timeline.world();
    for id in world.node_ids() {
        let node = view::inspect(world, id).expect("the node exists");
        same(&format!("{what} node({id})"), &node);
    }
    same(
        &format!("{what} logWindow"),
        &view::log::window(world, 0, 2000),
    );
    let step = run.timeline.step();
    if let Ok(window) = view::spacetime::window(&run.timeline, step.saturating_sub(300), step) {
        same(&format!("{what} spacetime()"), &window);
    }
    let below = run
        .timeline
        .spacetime()
        .map_or(0, |r| r.messages().len() / 2) as u32;
    let from = step.saturating_sub(300);
    let held = view::spacetime::Held {
        below,
        through: Some(from + 100),
    };
    if let Ok(mut window) = view::spacetime::window_since(&run.timeline, from, step, held) {
        window.generation = Some(3);
        same(&format!("{what} spacetimeSince()"), &window);
    }
    if let Some(record) = run.timeline.spacetime() {
        let events = record.events().len() as u32;
        for index in [0, events / 3, events / 2, events.saturating_sub(1)] {
            if let Some(past) = record.causal_past(index) {
                same(&format!("{what} causalPast({index})"), &past);
            }
        }
    }
}

#[test]
fn every_preset_at_many_steps() {
    for preset in presets::list() {
        let scenario = presets::scenario(&preset.name).expect("preset");
        let mut run = Run::new(scenario, true).expect("the preset replays");
        let total = run.timeline.total_steps();
        for k in 0..=4 {
            run.timeline.seek(total * k / 4).expect("seek");
            page_exports(&format!("{} at {}/4", preset.name, k), &mut run);
        }
        for _ in 0..40 {
            run.apply(&Action::Auto { n: 7 }).expect("auto");
        }
        page_exports(&format!("{} +280 steps", preset.name), &mut run);
        run.run_until_quiet(20_000).expect("quiet");
        page_exports(&format!("{} quiet", preset.name), &mut run);
    }
}

#[test]
fn a_faulty_run_with_every_kind_of_message() {
    let mut config = presets::faulty_config();
    config.check = true;
    let scenario = paxoscope::sim::scenario::Scenario {
        preset: None,
        config,
        seed: 7,
        actions: vec![Action::Auto { n: 3000 }],
    };
    let mut run = Run::new(scenario, true).expect("replays");
    for k in 0..=6 {
        let total = run.timeline.total_steps();
        run.timeline.seek(total * k / 6).expect("seek");
        page_exports(&format!("faulty at {k}/6"), &mut run);
    }
}

#[test]
fn the_catalogues_and_the_explorer() {
    same("presets()", &presets::list());
    same("bugs()", &vocabulary::bugs());
    same("vocabulary()", &vocabulary::vocabulary());
    same("boundsForBug(null)", &Bounds::for_bug(None));
    for bug in Bug::ALL {
        same(
            &format!("boundsForBug({bug:?})"),
            &Bounds::for_bug(Some(bug)),
        );
        let seed = explore::page::swarm_seed(1, Some(bug));
        same(&format!("swarmSeed(1, {bug:?})"), &seed);
    }
    same("swarmSeed(3, null)", &explore::page::swarm_seed(3, None));
    let mut search = explore::page::PageSearch::for_bug(Bug::SmallQuorum).expect("search");
    same("status() before", &search.status());
    same("found() before", &search.found());
    while !search.explorer.run(1000) {}
    same("status() after", &search.status());
    same("found() after", &search.found());
    let found = search.found().expect("a counterexample");
    let shrunk = explore::shrink::shrink(&found.scenario).expect("shrinks");
    same("shrink()", &shrunk);
}
