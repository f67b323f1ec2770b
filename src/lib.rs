//! Paxoscope: a complete Multi-Paxos replicated state machine, a deterministic simulator
//! around it, safety checkers, and WebAssembly bindings for the browser playground.

#![warn(missing_docs)]

#[cfg(test)]
#[macro_use]
mod api_types;
pub mod check;
pub mod explore;
pub mod json;
pub mod kv;
pub mod paxos;
pub mod sim;
pub mod small_sort;
pub mod vec_map;
pub mod vocabulary;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

#[cfg(all(target_arch = "wasm32", feature = "bench-api"))]
pub mod bench_api;

/// The crate version, reported by the CLI and the page.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
