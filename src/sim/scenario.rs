//! What a run is made of: the simulator configuration, the seed and the actions.
use super::action::Action;
use crate::json::read::FromJson;
use crate::json::ToJson;
use crate::kv::{ClientId, Op};
use crate::paxos::{BugSet, Config, ReadMode};
use serde::{Deserialize, Serialize};

/// Which nodes exist and what they do (rule 11).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToJson, Deserialize, FromJson)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "lowercase", try_from = "RawLayout")]
pub enum Layout {
    /// `n` servers, each proposer + acceptor + replica.
    Servers {
        /// How many servers (1..=9).
        n: u32,
    },
    /// The seed program's layout: acceptors 1–5, proposers (and replicas) 6 and 7.
    Seed,
}

/// The JSON form of a [`Layout`], read flat (see `RawOp` in kv.rs for why).
#[derive(Deserialize, FromJson)]
#[serde(deny_unknown_fields)]
struct RawLayout {
    kind: String,
    n: Option<u32>,
}

impl TryFrom<RawLayout> for Layout {
    type Error = String;

    fn try_from(r: RawLayout) -> Result<Layout, String> {
        match (r.kind.as_str(), r.n) {
            ("servers", Some(n)) => Ok(Layout::Servers { n }),
            ("servers", None) => Err("missing field `n`".into()),
            ("seed", None) => Ok(Layout::Seed),
            ("seed", Some(_)) => Err("unknown field `n`, there are no fields".into()),
            (other, _) => Err(format!(
                "unknown variant `{other}`, expected `servers` or `seed`"
            )),
        }
    }
}

/// Random network faults applied by the scheduler.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, ToJson, Deserialize, FromJson)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(try_from = "RawNetworkConfig")]
pub struct NetworkConfig {
    /// Chance (per mille) that the scheduler loses a message instead of delivering it.
    pub drop_per_mille: u32,
    /// Chance (per mille) that the scheduler duplicates a message as it delivers it.
    pub dup_per_mille: u32,
    /// Messages become deliverable after a random 0..=delay_ticks_max ticks.
    pub delay_ticks_max: u64,
}

/// The JSON form of a [`NetworkConfig`]: the current names, and the names of scenario files
/// and share links written before the rename (`drop_pct` and `dup_pct` in percent,
/// `max_delay`), converted on reading.
#[derive(Default, Deserialize, FromJson)]
#[serde(default, deny_unknown_fields)]
struct RawNetworkConfig {
    drop_per_mille: Option<u32>,
    dup_per_mille: Option<u32>,
    delay_ticks_max: Option<u64>,
    drop_pct: Option<u32>,
    dup_pct: Option<u32>,
    max_delay: Option<u64>,
}

impl TryFrom<RawNetworkConfig> for NetworkConfig {
    type Error = String;

    fn try_from(r: RawNetworkConfig) -> Result<NetworkConfig, String> {
        Ok(NetworkConfig {
            drop_per_mille: per_mille_or_old_percent(r.drop_per_mille, r.drop_pct, "drop")?
                .unwrap_or(0),
            dup_per_mille: per_mille_or_old_percent(r.dup_per_mille, r.dup_pct, "dup")?
                .unwrap_or(0),
            delay_ticks_max: renamed(
                r.delay_ticks_max,
                r.max_delay,
                "delay_ticks_max",
                "max_delay",
            )?
            .unwrap_or(0),
        })
    }
}

/// A field given under its current name or under the name it had before (not both).
pub(crate) fn renamed<T>(
    new: Option<T>,
    old: Option<T>,
    new_name: &str,
    old_name: &str,
) -> Result<Option<T>, String> {
    match (new, old) {
        (Some(_), Some(_)) => Err(format!(
            "`{old_name}` is the old name of `{new_name}`: give only one of them"
        )),
        (new, old) => Ok(new.or(old)),
    }
}

/// A chance given in per mille (`{what}_per_mille`) or in the percent of the older
/// `{what}_pct`, as per mille. An old percent above 100 stays above 1000, so it is still
/// refused by validation.
pub(crate) fn per_mille_or_old_percent(
    per_mille: Option<u32>,
    pct: Option<u32>,
    what: &str,
) -> Result<Option<u32>, String> {
    renamed(
        per_mille,
        pct.map(|p| p.saturating_mul(10)),
        &format!("{what}_per_mille"),
        &format!("{what}_pct"),
    )
}

/// Random crashes and partitions applied by the scheduler, each a chance per scheduler step.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, ToJson, Deserialize, FromJson)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(default, deny_unknown_fields)]
pub struct FaultConfig {
    /// Chance (per mille) to crash a random live node.
    #[serde(alias = "crash")]
    pub crash_per_mille: u32,
    /// Chance (per mille) to restart a random crashed node.
    #[serde(alias = "restart")]
    pub restart_per_mille: u32,
    /// Chance (per mille) to split the nodes into two random groups.
    #[serde(alias = "partition")]
    pub partition_per_mille: u32,
    /// Chance (per mille) to heal all partitions.
    #[serde(alias = "heal")]
    pub heal_per_mille: u32,
}

/// One scripted client command, submitted when the world starts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToJson, Deserialize, FromJson)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct ScriptedOp {
    /// The client.
    pub client: ClientId,
    /// Its operation.
    pub op: Op,
}

/// What clients do on their own.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, ToJson, Deserialize, FromJson)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(default, deny_unknown_fields)]
pub struct Workload {
    /// Commands each client submits at the start, in order.
    pub script: Vec<ScriptedOp>,
    /// Random put/get/cas commands each client submits after its script.
    pub random_ops: u32,
    /// Random commands use keys `k0..k{keys-1}`.
    pub keys: u32,
}

/// The whole configuration of a simulated run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToJson, Deserialize, FromJson)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(default, deny_unknown_fields)]
pub struct SimConfig {
    /// Nodes and roles.
    pub layout: Layout,
    /// Number of clients (ids 1..=clients).
    pub clients: u32,
    /// Rule 5: pipelining window.
    pub window: u64,
    /// Rule 5: commands per slot.
    pub batch: usize,
    /// Rule 10: snapshot every this many slots (0 = never).
    #[serde(alias = "snapshot_interval")]
    pub snapshot_interval_slots: u64,
    /// Rule 7: election timeout in ticks.
    #[serde(alias = "election_timeout")]
    pub election_timeout_ticks: u64,
    /// Rule 7: heartbeat interval in ticks.
    #[serde(alias = "heartbeat_interval")]
    pub heartbeat_interval_ticks: u64,
    /// Ticks a client waits for an answer before retrying (doubled on each retry, up to 8×).
    #[serde(alias = "client_retry")]
    pub client_retry_ticks: u64,
    /// Chance (per mille) the scheduler advances time although messages are deliverable.
    pub tick_per_mille: u32,
    /// Rule 12 (flexible quorums): acceptors in a phase-1 quorum; absent = a majority.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub phase1_quorum: Option<usize>,
    /// Rule 12 (flexible quorums): acceptors in a phase-2 quorum; absent = a majority.
    /// |Q1| + |Q2| must be more than the acceptors (unless that bug is on).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub phase2_quorum: Option<usize>,
    /// Rule 12 (reads): `log` (default) or `lease`; absent = `log`.
    #[serde(skip_serializing_if = "ReadMode::is_log")]
    #[cfg_attr(test, ts(as = "Option<ReadMode>", optional))]
    pub read_mode: ReadMode,
    /// Rule 12 (leases): how long a lease an acceptor grants, in ticks of its clock
    /// (2..=1000); absent = 20.
    #[serde(skip_serializing_if = "is_default_lease")]
    #[cfg_attr(test, ts(as = "Option<u64>", optional))]
    pub lease_ticks: u64,
    /// Rule 12 (leases): each node's clock runs at 1000 ± up to this many per mille of the
    /// world's time (0..=200, seeded), and the lease allows for it; absent = 0.
    #[serde(skip_serializing_if = "is_zero")]
    #[cfg_attr(test, ts(as = "Option<u32>", optional))]
    pub clock_drift_per_mille: u32,
    /// Injected bugs (by kebab-case name in JSON).
    pub bugs: BugSet,
    /// Random network faults.
    pub network: NetworkConfig,
    /// Random crashes and partitions.
    pub faults: FaultConfig,
    /// Client behaviour.
    pub workload: Workload,
    /// Run the invariant checkers after every step.
    pub check: bool,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            layout: Layout::Servers { n: 5 },
            clients: 2,
            window: 8,
            batch: 1,
            snapshot_interval_slots: 64,
            election_timeout_ticks: 10,
            heartbeat_interval_ticks: 3,
            client_retry_ticks: 30,
            tick_per_mille: 100,
            phase1_quorum: None,
            phase2_quorum: None,
            read_mode: ReadMode::Log,
            lease_ticks: DEFAULT_LEASE_TICKS,
            clock_drift_per_mille: 0,
            bugs: BugSet::default(),
            network: NetworkConfig {
                drop_per_mille: 0,
                dup_per_mille: 0,
                delay_ticks_max: 1,
            },
            faults: FaultConfig::default(),
            workload: Workload::default(),
            check: true,
        }
    }
}

/// The lease length unless configured (two election timeouts).
pub const DEFAULT_LEASE_TICKS: u64 = 20;

fn is_default_lease(ticks: &u64) -> bool {
    *ticks == DEFAULT_LEASE_TICKS
}

fn is_zero(v: &u32) -> bool {
    *v == 0
}

fn in_range(name: &str, v: u64, lo: u64, hi: u64) -> Result<(), String> {
    if v < lo || v > hi {
        Err(format!("{name} must be between {lo} and {hi}, got {v}"))
    } else {
        Ok(())
    }
}

impl SimConfig {
    /// The protocol configuration it describes, or a clear error for out-of-range settings.
    pub fn cluster(&self) -> Result<Config, String> {
        let mut c = match self.layout {
            Layout::Servers { n } => {
                in_range("cluster size", n as u64, 1, 9)?;
                Config::servers(n)
            }
            Layout::Seed => Config::seed_layout(),
        };
        c.window = self.window;
        c.batch = self.batch;
        c.snapshot_interval_slots = self.snapshot_interval_slots;
        c.election_timeout_ticks = self.election_timeout_ticks;
        c.heartbeat_interval_ticks = self.heartbeat_interval_ticks;
        c.phase1_quorum = self.phase1_quorum;
        c.phase2_quorum = self.phase2_quorum;
        c.read_mode = self.read_mode;
        c.lease_ticks = self.lease_ticks;
        c.clock_drift_per_mille = self.clock_drift_per_mille;
        c.bugs = self.bugs.clone();
        c.validate()?;
        Ok(c)
    }

    /// Checks every setting; the error names the one out of range.
    pub fn validate(&self) -> Result<Config, String> {
        in_range("clients", self.clients as u64, 0, 16)?;
        in_range("client_retry_ticks", self.client_retry_ticks, 1, 10_000)?;
        in_range("tick_per_mille", self.tick_per_mille as u64, 0, 1000)?;
        in_range(
            "network.drop_per_mille",
            self.network.drop_per_mille as u64,
            0,
            1000,
        )?;
        in_range(
            "network.dup_per_mille",
            self.network.dup_per_mille as u64,
            0,
            1000,
        )?;
        in_range(
            "network.delay_ticks_max",
            self.network.delay_ticks_max,
            0,
            20,
        )?;
        for (name, v) in [
            ("faults.crash_per_mille", self.faults.crash_per_mille),
            ("faults.restart_per_mille", self.faults.restart_per_mille),
            (
                "faults.partition_per_mille",
                self.faults.partition_per_mille,
            ),
            ("faults.heal_per_mille", self.faults.heal_per_mille),
        ] {
            in_range(name, v as u64, 0, 1000)?;
        }
        in_range(
            "workload.random_ops",
            self.workload.random_ops as u64,
            0,
            1_000_000,
        )?;
        in_range("workload.keys", self.workload.keys as u64, 0, 1000)?;
        if self.workload.random_ops > 0 && self.workload.keys == 0 {
            return Err("workload.keys must be at least 1 when random_ops > 0".into());
        }
        for s in &self.workload.script {
            if s.client == 0 || s.client > self.clients {
                return Err(format!(
                    "scripted client {} does not exist (clients: 1..={})",
                    s.client, self.clients
                ));
            }
        }
        self.cluster()
    }
}

/// A complete, replayable run: configuration + seed + actions (what a share link holds).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToJson, Deserialize, FromJson)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// The preset it came from, if any (for display only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preset: Option<String>,
    /// The configuration.
    #[serde(default)]
    pub config: SimConfig,
    /// The seed of the world's random generator.
    #[serde(default)]
    pub seed: u64,
    /// The actions taken, in order.
    #[serde(default)]
    pub actions: Vec<Action>,
}

impl Scenario {
    /// Parses a scenario from JSON with a message that says what is wrong.
    pub fn from_json(text: &str) -> Result<Scenario, String> {
        let s: Scenario = crate::json::read::from_str(text)
            .map_err(|e| format!("not a valid Paxoscope scenario: {e}"))?;
        s.config.validate()?;
        Ok(s)
    }
}
