//! Memory benchmark (`cargo bench --bench memory`, run by `make bench`): 1,000,000 committed
//! commands on 5 servers with compaction on (snapshot every 64 slots) and the invariant
//! checker off. A counting global allocator records the bytes live at every moment; the
//! peak must stay bounded however long the run is (goal: 64 MB). `make bench` also runs
//! this binary under `/usr/bin/time -v` for the process's maximum resident set size.
//!
//! `cargo bench --bench memory -- timeline` measures instead the page's timeline of a
//! 100,000-step history (the seek bench's: 5 servers, 3 clients, checker on, space-time
//! record kept): the live heap its checkpoints, record and world hold (no goal; separate,
//! because it is bigger than the steady run's bound and would set the process's peak).
//!
//! Prints `BENCH {json}` lines on stdout (see benches/simulation.rs) and a readable trace of
//! live memory every 100,000 commands on stderr, which shows whether anything grows.
use paxoscope::sim::scenario::{Layout, Workload};
use paxoscope::sim::{Action, SimConfig, World};
use serde_json::json;
use std::alloc::{GlobalAlloc, Layout as AllocLayout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

#[cfg_attr(target_arch = "wasm32", allow(dead_code))]
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: AllocLayout) -> *mut u8 {
        let p = System.alloc(layout);
        if !p.is_null() {
            let live = LIVE.fetch_add(layout.size(), Relaxed) + layout.size();
            PEAK.fetch_max(live, Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: AllocLayout) {
        System.dealloc(ptr, layout);
        LIVE.fetch_sub(layout.size(), Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: AllocLayout, new_size: usize) -> *mut u8 {
        let p = System.realloc(ptr, layout, new_size);
        if !p.is_null() {
            if new_size >= layout.size() {
                let live =
                    LIVE.fetch_add(new_size - layout.size(), Relaxed) + new_size - layout.size();
                PEAK.fetch_max(live, Relaxed);
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Relaxed);
            }
        }
        p
    }
}

// Natively only: the wasm32 build (linted by `make test`, never run) has the module's own
// allocator (src/wasm.rs), and a crate has one global allocator.
#[cfg_attr(not(target_arch = "wasm32"), global_allocator)]
#[cfg_attr(target_arch = "wasm32", allow(dead_code))]
static GLOBAL: Counting = Counting;

const MB: f64 = 1024.0 * 1024.0;

fn report(name: &str, value: f64, unit: &str, extra: serde_json::Value) {
    let mut j = json!({ "section": "memory", "name": name, "value": value, "unit": unit });
    if let (Some(o), Some(e)) = (j.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            o.insert(k.clone(), v.clone());
        }
    }
    println!("BENCH {j}");
    eprintln!("  memory {name:58} {value:>14.2} {unit}");
}

/// The live heap of the page's timeline of a 100,000-step history (see the module doc).
fn timeline(quick: bool) {
    use paxoscope::sim::run::Run;
    use paxoscope::sim::Scenario;
    let steps: u64 = if quick { 20_000 } else { 100_000 };
    let json = format!(
        r#"{{"config":{{"layout":{{"kind":"servers","n":5}},"clients":3,"workload":{{"random_ops":100000,"keys":3}},"check":true}},"seed":1,"actions":[{{"type":"auto","n":{steps}}}]}}"#
    );
    let scenario = Scenario::from_json(&json).expect("the bench scenario is valid");
    let before = LIVE.load(Relaxed);
    let mut run = Run::new(scenario, true).expect("the bench scenario runs");
    run.frame();
    let live = (LIVE.load(Relaxed) - before) as f64 / MB;
    let t = &run.timeline;
    let extra = json!({ "history_steps": steps, "checkpoint_interval": t.checkpoint_interval(),
        "history_entries": t.world().history().len() });
    report(
        &format!("live heap of a {steps}-step timeline (page's seek set-up)"),
        live,
        "MB",
        extra,
    );
}

fn main() {
    let quick = std::env::var_os("BENCH_QUICK").is_some_and(|v| !v.is_empty() && v != "0");
    if std::env::args().any(|a| a == "timeline") {
        return timeline(quick);
    }
    let target: u64 = if quick { 100_000 } else { 1_000_000 };
    let config = SimConfig {
        layout: Layout::Servers { n: 5 },
        clients: 8,
        snapshot_interval_slots: 64,
        tick_per_mille: 20,
        workload: Workload {
            script: Vec::new(),
            random_ops: 1_000_000,
            keys: 8,
        },
        check: false,
        ..SimConfig::default()
    };
    eprintln!(
        "memory: {target} committed commands, 5 servers, snapshot every 64 slots, checker off"
    );
    let mut world = World::new(config, 7).expect("valid configuration");
    let mut next_mark = target / 10;
    let mut steps = 0u64;
    let mut samples = Vec::new();
    let auto = Action::Auto { n: 1 };
    while world.stats().commands_committed < target {
        world.apply(&auto).expect("auto applies");
        steps += 1;
        if world.stats().commands_committed >= next_mark {
            let live = LIVE.load(Relaxed) as f64 / MB;
            eprintln!(
                "  {:>9} commands {:>10} steps  live {:7.2} MB  peak {:7.2} MB  in flight {:3}  history {}",
                world.stats().commands_committed,
                steps,
                live,
                PEAK.load(Relaxed) as f64 / MB,
                world.in_flight().len(),
                world.history().len()
            );
            samples.push(live);
            next_mark += target / 10;
        }
    }
    let extra = json!({ "commands": world.stats().commands_committed, "steps": steps,
        "live_mb_every_tenth": samples, "history_entries": world.history().len() });
    report(
        &format!("peak heap, {target} commands (counting allocator)"),
        PEAK.load(Relaxed) as f64 / MB,
        "MB",
        extra.clone(),
    );
    report(
        &format!("live heap at the end of {target} commands"),
        LIVE.load(Relaxed) as f64 / MB,
        "MB",
        extra,
    );
    let first = samples.first().copied().unwrap_or(0.0);
    let last = samples.last().copied().unwrap_or(0.0);
    report(
        "live heap growth, first tenth to end",
        last - first,
        "MB",
        json!({}),
    );
}
