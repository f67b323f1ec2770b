//! Native benchmarks (`cargo bench --bench simulation`, run by `make bench`).
//!
//! Timing lives here and never in tests. Every figure is printed twice: a readable line on
//! stderr, and a machine line `BENCH {json}` on stdout that `scripts/bench.sh` gathers into
//! the one table `make bench` prints. The machine is shared and noisy, so each timed case
//! runs several repetitions from the same warmed-up world (cloned) and reports the median.
//!
//! Sections (docs/benchmarks.md says how each figure is measured):
//! - `sim`: simulation throughput, steady leader with 3, 5 and 9 servers and under random
//!   faults, with and without the invariant checker. Also writes
//!   `$BENCH_OUT/workloads.json` so the browser bench runs exactly the same workloads in
//!   wasm (same configuration, seed, warm-up and step count; the trace digests must match).
//!   And the page's time travel natively (`seek` alone): seeks in the 100,000-step history of
//!   the browser bench's seek rows, and restoring a checkpoint with no replay.
//! - `proto`: protocol efficiency, by counting (no timing): messages per committed command
//!   against the theory 2 × (remote acceptors), with and without batching; bytes sent per
//!   command as the log grows, against a baseline doing what the seed program did.
//! - `explore`: the exhaustive explorer's distinct states per second on one thread, and
//!   each bug's BFS-shortest counterexample length (docs/explorer.md).
//!
//! `cargo bench --bench simulation -- sim` runs one section; `BENCH_QUICK=1` does one
//! repetition of shorter runs (a smoke test of the harness, not a measurement).
use paxoscope::kv::Op;
use paxoscope::paxos::durable::DurableState;
use paxoscope::paxos::{
    Addr, Ballot, Bug, Command, Config, Envelope, Input, Message, Node, TimerKind, Value,
};
use paxoscope::sim::scenario::{Layout, Workload};
use paxoscope::sim::{presets, Action, SimConfig, World};
use serde::Serialize;
use serde_json::json;
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Instant;

fn quick() -> bool {
    std::env::var_os("BENCH_QUICK").is_some_and(|v| !v.is_empty() && v != "0")
}

/// `BENCH_CASE=TEXT`: only the cases whose name contains TEXT (for profiling one of them).
fn case_wanted(name: &str) -> bool {
    std::env::var("BENCH_CASE").map_or(true, |c| name.contains(c.as_str()))
}

fn out_dir() -> std::path::PathBuf {
    let dir = std::env::var_os("BENCH_OUT")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::PathBuf::from("target/bench"));
    std::fs::create_dir_all(&dir).expect("create the bench output folder");
    dir
}

/// Prints one figure: a `BENCH` JSON line on stdout and a readable line on stderr.
fn report(section: &str, name: &str, value: f64, unit: &str, extra: serde_json::Value) {
    let mut j = json!({ "section": section, "name": name, "value": value, "unit": unit });
    if let (Some(o), Some(e)) = (j.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            o.insert(k.clone(), v.clone());
        }
    }
    println!("BENCH {j}");
    eprintln!("  {section:6} {name:58} {value:>14.2} {unit}");
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(|a, b| a.partial_cmp(b).expect("no NaN"));
    let n = xs.len();
    if n % 2 == 1 {
        xs[n / 2]
    } else {
        (xs[n / 2 - 1] + xs[n / 2]) / 2.0
    }
}

fn delivered(w: &World) -> u64 {
    w.stats().delivered.values().sum()
}

// ------------------------------------------------------------------------------------
// Simulation throughput
// ------------------------------------------------------------------------------------

/// One timed workload. The browser bench reads these from workloads.json.
#[derive(Serialize)]
struct Workload_ {
    name: String,
    config: SimConfig,
    seed: u64,
    /// Scheduler steps (`Auto {n: 1}` each) run before timing starts: until this many
    /// commands are committed (so a leader is elected and the pipeline is full).
    warmup_commands: u64,
    /// Scheduler steps timed, each one `world.apply(&Action::Auto { n: 1 })`.
    steps: u64,
    /// Expected results of the timed part (equal in wasm).
    deliveries: u64,
    commands: u64,
    digest: String,
}

fn steady_config(n: u32, check: bool) -> SimConfig {
    SimConfig {
        layout: Layout::Servers { n },
        clients: 8,
        window: 8,
        batch: 1,
        snapshot_interval_slots: 64,
        // A healthy network delivers faster than time passes (the fuzzer's healing phase
        // uses the same 20 per mille). At the default 100 per mille, 5 and more servers with
        // 8 clients fall into congestion collapse: see `collapse` below.
        tick_per_mille: 20,
        workload: Workload {
            script: Vec::new(),
            random_ops: 1_000_000,
            keys: 8,
        },
        check,
        ..SimConfig::default()
    }
}

fn faulty(check: bool) -> SimConfig {
    let mut c = presets::faulty_config();
    c.workload.random_ops = 1_000_000;
    c.check = check;
    c
}

/// Builds the world and runs the warm-up; the timed runs start from clones of it.
fn warmed_up(config: &SimConfig, seed: u64, warmup_commands: u64) -> World {
    let mut w = World::new(config.clone(), seed).expect("bench configuration is valid");
    let mut guard = 0u64;
    while w.stats().commands_committed < warmup_commands {
        w.apply(&Action::Auto { n: 1 }).expect("auto applies");
        guard += 1;
        assert!(
            guard < 10_000_000,
            "warm-up never committed {warmup_commands} commands"
        );
    }
    w
}

/// Runs `steps` scheduler steps; returns (deliveries, commands committed, seconds).
#[inline(never)] // its own frame, for profiling the timed part alone (callgrind --toggle-collect)
fn timed_run(base: &World, steps: u64) -> (u64, u64, f64, String) {
    let mut w = base.clone();
    let (d0, c0) = (delivered(&w), w.stats().commands_committed);
    let auto = Action::Auto { n: 1 };
    let t = Instant::now();
    for _ in 0..steps {
        w.apply(&auto).expect("auto applies");
    }
    let secs = t.elapsed().as_secs_f64();
    (
        delivered(&w) - d0,
        w.stats().commands_committed - c0,
        secs,
        w.trace_digest(),
    )
}

fn bench_sim() {
    eprintln!("simulation throughput (native, one thread)");
    let reps = if quick() { 1 } else { 5 };
    let scale = if quick() { 10 } else { 1 };
    let mut cases: Vec<(String, SimConfig, u64)> = Vec::new();
    for check in [false, true] {
        for n in [3, 5, 9] {
            let steps = if check { 200_000 } else { 600_000 };
            let tag = if check { "check on" } else { "check off" };
            cases.push((
                format!("steady leader, {n} nodes, {tag}"),
                steady_config(n, check),
                steps,
            ));
        }
        let steps = if check { 200_000 } else { 600_000 };
        let tag = if check { "check on" } else { "check off" };
        cases.push((
            format!("random faults, 5 nodes, {tag}"),
            faulty(check),
            steps,
        ));
    }
    let mut workloads = Vec::new();
    for (name, config, steps) in cases {
        if !case_wanted(&name) {
            continue;
        }
        let steps = steps / scale;
        let seed = 7;
        let warmup_commands = 200;
        let base = warmed_up(&config, seed, warmup_commands);
        let mut rates_d = Vec::new();
        let mut rates_c = Vec::new();
        let mut last = (0, 0, String::new());
        for _ in 0..reps {
            let (d, c, secs, digest) = timed_run(&base, steps);
            rates_d.push(d as f64 / secs);
            rates_c.push(c as f64 / secs);
            last = (d, c, digest);
        }
        let extra = json!({ "case": name, "steps": steps, "reps": reps,
            "deliveries": last.0, "commands": last.1, "deliveries_per_step": last.0 as f64 / steps as f64 });
        report(
            "sim",
            &format!("{name}: deliveries/s"),
            median(rates_d),
            "1/s",
            extra.clone(),
        );
        report(
            "sim",
            &format!("{name}: commands/s"),
            median(rates_c),
            "1/s",
            extra,
        );
        workloads.push(Workload_ {
            name,
            config,
            seed,
            warmup_commands,
            steps,
            deliveries: last.0,
            commands: last.1,
            digest: last.2,
        });
    }
    let path = out_dir().join("workloads.json");
    std::fs::write(
        &path,
        serde_json::to_string_pretty(&workloads).expect("json"),
    )
    .expect("write workloads.json");
    eprintln!("  (workloads for the browser bench: {})", path.display());
}

// ------------------------------------------------------------------------------------
// Protocol efficiency
// ------------------------------------------------------------------------------------

/// The messages sent, by kind, and the commands committed while `steps` scheduler steps ran.
struct SentWhile {
    by_kind: Vec<(&'static str, u64)>,
    commands: f64,
}

impl SentWhile {
    fn run(w: &mut World, steps: u64) -> SentWhile {
        let sent0 = w.stats().sent.clone();
        let c0 = w.stats().commands_committed;
        for _ in 0..steps {
            w.apply(&Action::Auto { n: 1 }).expect("auto applies");
        }
        let by_kind = w
            .stats()
            .sent
            .iter()
            .map(|(k, n)| (*k, n - sent0.get(k).copied().unwrap_or(0)))
            .collect();
        let commands = (w.stats().commands_committed - c0) as f64;
        SentWhile { by_kind, commands }
    }

    fn of(&self, kind: &str) -> u64 {
        self.by_kind
            .iter()
            .find(|(k, _)| *k == kind)
            .map_or(0, |(_, n)| *n)
    }

    /// Accept + Accepted: phase 2.
    fn phase2(&self) -> f64 {
        (self.of("Accept") + self.of("Accepted")) as f64
    }

    /// Every message but the clients' own.
    fn protocol(&self) -> u64 {
        self.by_kind
            .iter()
            .filter(|(k, _)| !matches!(*k, "Request" | "Reply" | "NotLeader"))
            .map(|(_, n)| n)
            .sum()
    }
}

/// Messages per committed command in steady state, measured in the simulator.
fn bench_messages() {
    eprintln!("protocol efficiency: messages per committed command (simulator, steady leader)");
    let steps = if quick() { 50_000 } else { 300_000 };
    for n in [3u32, 5, 9] {
        for batch in [1usize, 8] {
            let mut c = steady_config(n, false);
            c.clients = 16;
            c.batch = batch;
            // A small window makes commands queue at the leader, which is when batching acts.
            c.window = 2;
            let mut w = warmed_up(&c, 11, 200);
            let decided = |w: &World| {
                w.node_ids()
                    .filter_map(|id| w.node(id)?.replica().map(|r| r.commit_index))
                    .max()
                    .unwrap_or(0)
            };
            let slots0 = decided(&w);
            let sent = SentWhile::run(&mut w, steps);
            let (diff, commands) = (|k: &str| sent.of(k), sent.commands);
            let (phase2, protocol) = (sent.phase2(), sent.protocol());
            // Slots decided in the window (each a client batch, or a rare no-op).
            let slots = (decided(&w) - slots0) as f64;
            let theory = 2.0 * (n as f64 - 1.0);
            let extra = json!({ "nodes": n, "batch": batch, "theory_per_slot": theory,
                "theory_per_command": theory * slots / commands,
                "commands_per_slot": commands / slots, "heartbeats": diff("Heartbeat") as f64 / commands,
                "all_protocol": protocol as f64 / commands });
            report(
                "proto",
                &format!("{n} nodes, batch {batch}: Accept+Accepted per command"),
                phase2 / commands,
                "msgs",
                extra.clone(),
            );
            report(
                "proto",
                &format!("{n} nodes, batch {batch}: all protocol msgs per command"),
                protocol as f64 / commands,
                "msgs",
                extra,
            );
        }
    }
}

/// Rule 12: messages per committed command as the phase-2 quorum shrinks and grows (five
/// servers, |Q1| = n − |Q2| + 1, batch 1; the leader sends each Accept to |Q2| acceptors,
/// itself first). Theory: 2 × (|Q2| − 1) Accept + Accepted per command.
fn bench_flexible_quorums() {
    eprintln!("protocol efficiency: messages per command by phase-2 quorum (5 servers)");
    let steps = if quick() { 50_000 } else { 300_000 };
    let n = 5usize;
    for q2 in [2usize, 3, 4] {
        let mut c = steady_config(n as u32, false);
        c.clients = 16;
        c.window = 2;
        c.phase1_quorum = Some(n - q2 + 1);
        c.phase2_quorum = Some(q2);
        let mut w = warmed_up(&c, 11, 200);
        let sent = SentWhile::run(&mut w, steps);
        let (diff, commands) = (|k: &str| sent.of(k), sent.commands);
        let (phase2, protocol) = (sent.phase2(), sent.protocol());
        let extra = json!({ "nodes": n, "phase1_quorum": n - q2 + 1, "phase2_quorum": q2,
            "theory_per_command": 2.0 * (q2 as f64 - 1.0),
            "catch_up": (diff("CatchUp") + diff("CatchUpReply")) as f64 / commands,
            "all_protocol": protocol as f64 / commands });
        report(
            "proto",
            &format!("5 nodes, |Q2| = {q2}: Accept+Accepted per command"),
            phase2 / commands,
            "msgs",
            extra.clone(),
        );
        report(
            "proto",
            &format!("5 nodes, |Q2| = {q2}: all protocol msgs per command"),
            protocol as f64 / commands,
            "msgs",
            extra,
        );
    }
}

/// The scheduler's clock against the offered load: with time advancing on 100 per mille of
/// the steps (the default), retransmissions and client retries outgrow what the scheduler
/// delivers per tick and the in-flight set grows without bound; at 20 per mille it stays flat.
fn bench_collapse() {
    eprintln!("congestion: messages in flight after a long steady run (5 servers, 8 clients)");
    let steps = if quick() { 50_000 } else { 200_000 };
    for tick in [20u32, 100] {
        let mut c = steady_config(5, false);
        c.tick_per_mille = tick;
        let mut w = World::new(c, 7).expect("valid");
        for _ in 0..steps {
            w.apply(&Action::Auto { n: 1 }).expect("auto applies");
        }
        let extra = json!({ "tick_per_mille": tick, "steps": steps,
            "commands": w.stats().commands_committed });
        report(
            "proto",
            &format!("in flight after {steps} steps, tick {tick} per mille"),
            w.in_flight().len() as f64,
            "msgs",
            extra.clone(),
        );
        report(
            "proto",
            &format!("commands committed in {steps} steps, tick {tick} per mille"),
            w.stats().commands_committed as f64,
            "cmds",
            extra,
        );
    }
}

/// A minimal synchronous driver of the sans-IO nodes: FIFO delivery, no faults, no time.
struct Cluster {
    nodes: Vec<Node>,
    queue: VecDeque<Envelope>,
    bytes: u64,
    msgs: u64,
}

impl Cluster {
    fn new(config: Config) -> Cluster {
        let config = Arc::new(config);
        let mut c = Cluster {
            nodes: Vec::new(),
            queue: VecDeque::new(),
            bytes: 0,
            msgs: 0,
        };
        for id in config.node_ids() {
            let mut node = Node::new(id, config.clone(), DurableState::default());
            let ready = node.start();
            c.nodes.push(node);
            c.absorb(ready.messages);
        }
        c
    }

    fn absorb(&mut self, messages: Vec<Envelope>) {
        for env in messages {
            if !env.msg.is_client_traffic() {
                self.msgs += 1;
                self.bytes += serde_json::to_vec(&env.msg).expect("json").len() as u64;
            }
            self.queue.push_back(env);
        }
    }

    fn step(&mut self, id: u32, input: Input) {
        let ready = self.nodes[id as usize - 1].step(input);
        self.absorb(ready.messages);
    }

    /// Client 1 sends command `seq` to node 1 and everything is delivered.
    fn submit(&mut self, seq: u64) {
        let env = Envelope {
            from: Addr::Client(1),
            to: Addr::Node(1),
            msg: Message::Request {
                command: command(seq),
                forwarded: false,
            },
        };
        self.step(1, Input::Message(env));
        self.run();
    }

    fn run(&mut self) {
        while let Some(env) = self.queue.pop_front() {
            if let Addr::Node(to) = env.to {
                self.step(to, Input::Message(env));
            }
        }
    }
}

fn command(seq: u64) -> Command {
    Command {
        client: 1,
        seq,
        op: Op::Put {
            key: format!("k{}", seq % 8).into(),
            value: format!("1.{seq}").into(),
        },
    }
}

/// What the seed program sent: for every command a full Prepare + Accept round, and the
/// Accept carrying the whole log. Counted with the same JSON encoding as our messages.
#[derive(Serialize)]
struct SeedAccept<'a> {
    r#type: &'static str,
    ballot: Ballot,
    log: &'a [Value],
}

fn seed_round_bytes(log: &[Value], remote_acceptors: u64, round: u64) -> (u64, u64) {
    let ballot = Ballot::new(round, 1);
    let prepare = Message::Prepare {
        ballot,
        from_slot: 0,
    };
    let promise = Message::Promise {
        ballot,
        truncated_below: 0,
        accepted: Vec::new(),
    };
    let accept = SeedAccept {
        r#type: "Accept",
        ballot,
        log,
    };
    let accepted = Message::Accepted {
        ballot,
        slot: log.len() as u64 - 1,
    };
    let len = |v: &dyn erased::Json| v.json_len();
    let per_acceptor = len(&prepare) + len(&promise) + len(&accept) + len(&accepted);
    (per_acceptor * remote_acceptors, 4 * remote_acceptors)
}

mod erased {
    pub trait Json {
        fn json_len(&self) -> u64;
    }
    impl<T: serde::Serialize> Json for T {
        fn json_len(&self) -> u64 {
            serde_json::to_vec(self).expect("json").len() as u64
        }
    }
}

/// Bytes per command as the log grows, ours against the seed program's way.
fn bench_bytes() {
    eprintln!("protocol efficiency: bytes per command as the log grows (sans-IO nodes, 5 servers)");
    let points: &[u64] = if quick() {
        &[100, 1_000]
    } else {
        &[100, 1_000, 10_000]
    };
    let window = 100;
    let mut config = Config::servers(5);
    config.snapshot_interval_slots = 0; // the log really grows: no compaction
    let remote = config.acceptors().len() as u64 - 1;
    let mut cluster = Cluster::new(config);
    cluster.step(1, Input::Timeout(TimerKind::Election));
    cluster.run();
    let mut log: Vec<Value> = Vec::new();
    let mut seq = 0;
    for &point in points {
        while (log.len() as u64) < point {
            seq += 1;
            log.push(Value::Commands(vec![command(seq)].into()));
            cluster.submit(seq);
        }
        let (b0, m0) = (cluster.bytes, cluster.msgs);
        let mut base_bytes = 0;
        let mut base_msgs = 0;
        for _ in 0..window {
            seq += 1;
            log.push(Value::Commands(vec![command(seq)].into()));
            cluster.submit(seq);
            let (b, m) = seed_round_bytes(&log, remote, seq);
            base_bytes += b;
            base_msgs += m;
        }
        let ours = (cluster.bytes - b0) as f64 / window as f64;
        let theirs = base_bytes as f64 / window as f64;
        let extra = json!({ "log_entries": point, "msgs_per_command": (cluster.msgs - m0) as f64 / window as f64,
            "baseline_msgs_per_command": base_msgs as f64 / window as f64, "remote_acceptors": remote });
        report(
            "proto",
            &format!("bytes/command at log {point}: ours"),
            ours,
            "B",
            extra.clone(),
        );
        report(
            "proto",
            &format!("bytes/command at log {point}: seed baseline"),
            theirs,
            "B",
            extra,
        );
    }
    let leader_commit = cluster.nodes[0].replica().map_or(0, |r| r.commit_index);
    assert_eq!(leader_commit, log.len() as u64, "every command was decided");
}

/// User CPU time of this process in seconds (Linux `/proc/self/stat`, 100 ticks a second),
/// so a figure "on one core" is not inflated by other work on a shared machine.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after_name = stat.rsplit_once(')')?.1;
    let utime: f64 = after_name.split_whitespace().nth(11)?.parse().ok()?;
    Some(utime / 100.0)
}

/// The exhaustive explorer (docs/explorer.md): distinct states per second of the issue's
/// goal search (3 servers, 2 commands to 2 servers, 1 drop, 1 duplicate, 1 crash) up to a
/// million distinct states on one thread, and the BFS-shortest counterexample of each bug
/// with its default bounds.
fn bench_explore() {
    if case_wanted("goal search") {
        bench_goal_search();
    }
    if case_wanted("worker search") {
        bench_worker_search();
    }
    if case_wanted("counterexamples") {
        bench_counterexamples();
    }
    if case_wanted("shrink") {
        bench_shrink();
    }
}

/// The issue's goal search, up to a million distinct states on one thread.
fn bench_goal_search() {
    use paxoscope::explore::{small_scenario, Bounds, Explorer};
    let cap = if quick() { 50_000 } else { 1_000_000 };
    let bounds = Bounds {
        max_states: cap,
        ..Bounds::default()
    };
    let mut x = Explorer::new(&small_scenario(3, 2, None), bounds).expect("valid bounds");
    let t = Instant::now();
    let cpu = cpu_seconds();
    while !x.run(10_000) {}
    let secs = t.elapsed().as_secs_f64();
    let cpu = cpu.zip(cpu_seconds()).map(|(a, b)| b - a);
    let p = x.progress();
    assert!(
        x.counterexample().is_none(),
        "the correct protocol violates nothing"
    );
    let extra = json!({ "distinct": p.distinct, "transitions": p.states, "depth": p.depth,
        "wall_seconds": secs, "cpu_seconds": cpu });
    if let Some(cpu) = cpu.filter(|c| *c > 0.0) {
        report(
            "explore",
            "distinct states per CPU second (same search, user time of the process)",
            p.distinct as f64 / cpu,
            "states/s",
            extra.clone(),
        );
    }
    report(
        "explore",
        "distinct states/s (3 servers, 2 commands, 1 drop, 1 dup, 1 crash)",
        p.distinct as f64 / secs,
        "states/s",
        extra.clone(),
    );
    report(
        "explore",
        "transitions/s (same search)",
        p.states as f64 / secs,
        "transitions/s",
        extra,
    );
}

/// Each bug's BFS-shortest counterexample with its default bounds.
fn bench_counterexamples() {
    use paxoscope::explore::{starts, Bounds, Explorer};
    for bug in Bug::ALL {
        if quick() && matches!(bug, Bug::NoDedup | Bug::ReconfigWithoutAlpha) {
            continue;
        }
        // Each bug from its own start (docs/explorer.md): two of them start a few steps
        // into their run, which the row gives as `start_steps`.
        let bounds = Bounds::for_bug(Some(bug));
        let start = starts::for_bug(3, Bounds::commands_for_bug(Some(bug)), Some(bug));
        let mut x = Explorer::new(&start, bounds).expect("valid bounds");
        let t = Instant::now();
        while !x.run(10_000) {}
        let secs = t.elapsed().as_secs_f64();
        let c = x
            .counterexample()
            .expect("every bug is found with its bounds");
        let p = x.progress();
        report(
            "explore",
            &format!("BFS-shortest counterexample: {bug}"),
            c.length as f64,
            "moves",
            json!({ "invariant": c.invariant, "distinct": p.distinct, "seconds": secs,
                "start_steps": start.actions.len() }),
        );
    }
}

/// The shrinker (docs/explorer.md, "Shrunk fuzz counterexamples"): each bug's first
/// failing fuzz seed (from 1, 1,500 steps under faults), shrunk; its length before and
/// after and the time, beside the BFS-shortest lengths the rows above give.
fn bench_shrink() {
    use paxoscope::explore::shrink::shrink;
    for bug in Bug::ALL {
        if quick() && matches!(bug, Bug::ReadWithoutLease | Bug::ReconfigWithoutAlpha) {
            continue;
        }
        let Some(run) = (1..=1000)
            .map(|seed| paxoscope::sim::fuzz::run_seed(seed, 1500, Some(bug)))
            .find(|o| o.violation.is_some())
        else {
            continue;
        };
        let t = Instant::now();
        let s = shrink(&run.scenario).expect("a failing run shrinks");
        let secs = t.elapsed().as_secs_f64();
        report(
            "explore",
            &format!("shrunk fuzz counterexample: {bug}"),
            s.after as f64,
            "steps",
            json!({ "invariant": s.invariant, "seed": run.seed, "before": s.before,
                "seconds": secs }),
        );
    }
}

/// The search the browser bench runs in the page's Web Worker (scripts/bench-browser.mjs,
/// section `search`), natively on one thread: the goal search up to a cap a worker reaches
/// in about a minute. Its start, bounds and figures go to `$BENCH_OUT/explore-search.json`,
/// so the worker runs exactly this search (equal transition counts prove it) and the
/// wasm/native ratio compares like with like.
fn bench_worker_search() {
    use paxoscope::explore::{small_scenario, Bounds, Explorer};
    let cap = if quick() { 20_000 } else { 300_000 };
    let bounds = Bounds {
        max_states: cap,
        ..Bounds::default()
    };
    let start = small_scenario(3, 2, None);
    let mut x = Explorer::new(&start, bounds).expect("valid bounds");
    let t = Instant::now();
    while !x.run(10_000) {}
    let secs = t.elapsed().as_secs_f64();
    let p = x.progress();
    report(
        "explore",
        &format!("distinct states/s, first {cap} states (the worker's search, native)"),
        p.distinct as f64 / secs,
        "states/s",
        json!({ "distinct": p.distinct, "transitions": p.states, "seconds": secs }),
    );
    let spec = json!({ "scenario": start, "bounds": bounds, "distinct": p.distinct,
        "transitions": p.states, "native_states_per_s": p.distinct as f64 / secs });
    std::fs::write(out_dir().join("explore-search.json"), spec.to_string())
        .expect("write explore-search.json");
}

/// The page's time travel, natively (run with section `sim`, or alone as `seek`): the 100,000-step history of the
/// page's seek bench (scripts/bench-browser.mjs: 5 servers, 3 clients, checker on, the
/// space-time record kept), built as `Playground.fromScenario` builds it, then 40 seeks to
/// the same pseudo-random steps; and seeks to checkpoint steps only, which replay nothing:
/// what restoring a checkpoint costs (its clone and the drop of the world it replaces).
fn bench_seek() {
    use paxoscope::sim::run::Run;
    use paxoscope::sim::Scenario;
    let steps: u64 = if quick() { 20_000 } else { 100_000 };
    let json = format!(
        r#"{{"config":{{"layout":{{"kind":"servers","n":5}},"clients":3,"workload":{{"random_ops":100000,"keys":3}},"check":true}},"seed":1,"actions":[{{"type":"auto","n":{steps}}}]}}"#
    );
    let scenario = Scenario::from_json(&json).expect("the bench scenario is valid");
    let t = Instant::now();
    let mut run = Run::new(scenario, true).expect("the bench scenario runs");
    let build_ms = t.elapsed().as_secs_f64() * 1e3;
    run.frame();
    let mut x: u64 = 12345;
    let mut times = Vec::new();
    for _ in 0..40 {
        x = (x * 1103515245 + 12345) % 2147483648;
        let to = (x as f64 / 2147483648.0 * (steps + 1) as f64).floor() as u64;
        let t = Instant::now();
        run.timeline.seek(to).expect("a recorded step");
        times.push(t.elapsed().as_secs_f64() * 1e3);
    }
    let interval = run.timeline.checkpoint_interval();
    let checkpoints = steps / interval;
    let mut restores = Vec::new();
    for i in 0..40 {
        let to = (i * 7 % checkpoints) * interval;
        run.timeline.seek(to + 1).expect("a recorded step");
        let t = Instant::now();
        run.timeline.seek(to).expect("a checkpoint step");
        restores.push(t.elapsed().as_secs_f64() * 1e3);
    }
    let extra = json!({ "history_steps": steps, "seeks": times.len(), "build_ms": build_ms,
        "checkpoint_interval": interval, "checkpoints": checkpoints + 1 });
    let name = format!("seek in a {steps}-step history (native)");
    report(
        "sim",
        &format!("{name} p50"),
        median(times.clone()),
        "ms",
        extra.clone(),
    );
    let max = times.iter().copied().fold(0.0, f64::max);
    report("sim", &format!("{name} max"), max, "ms", extra.clone());
    report(
        "sim",
        "restore a checkpoint (clone + drop, no replay) p50",
        median(restores),
        "ms",
        extra,
    );
}

fn main() {
    let filter: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let want = |s: &str| filter.is_empty() || filter.iter().any(|f| s.contains(f.as_str()));
    if want("sim") {
        bench_sim();
    }
    if want("sim seek") {
        bench_seek();
    }
    if want("explore") {
        bench_explore();
    }
    if want("proto") {
        bench_messages();
        bench_flexible_quorums();
        bench_collapse();
        bench_bytes();
    }
}
