//! Safety checkers: invariants over the simulated world and linearizability of the
//! client history. They read states and traces; they never call into protocol logic.

pub mod chunk_map;
pub mod conflict;
pub mod history;
pub mod invariants;
pub mod linearizability;
pub mod verdict;
