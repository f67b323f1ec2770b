//! The deterministic world the protocol runs in: a network where every in-flight message
//! can be delivered, dropped or duplicated in any order, partitions, crashes and restarts,
//! logical time and timers, clients, and one seeded random generator. A run is a function
//! of (scenario configuration, seed, list of actions), natively and in wasm alike.

pub mod action;
pub mod checking;
pub mod client;
pub mod digest;
pub mod event;
pub mod fuzz;
#[cfg(not(target_arch = "wasm32"))]
pub mod fuzz_pool;
pub mod fuzz_reconfig;
pub mod liveness;
pub mod narration;
pub mod network;
pub mod presets;
mod reused;
pub mod rng;
pub mod run;
pub mod scenario;
pub mod spacetime;
pub mod stats;
pub mod timeline;
pub mod view;
pub mod why;
pub mod world;

pub use action::Action;
pub use scenario::{Layout, Scenario, SimConfig};
pub use world::World;
