//! Quorum arithmetic: how many acceptors make a phase-1 or phase-2 quorum.

/// Size of a majority quorum among `acceptors` acceptors; any two such quorums intersect.
/// With `small_quorum_bug` the quorum is one smaller (the injected `small-quorum` bug).
pub fn quorum_size(acceptors: usize, small_quorum_bug: bool) -> usize {
    let majority = acceptors / 2 + 1;
    if small_quorum_bug {
        (majority - 1).max(1)
    } else {
        majority
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn majority_table() {
        // (acceptors, majority, with bug)
        let table = [
            (1, 1, 1),
            (2, 2, 1),
            (3, 2, 1),
            (4, 3, 2),
            (5, 3, 2),
            (7, 4, 3),
            (9, 5, 4),
        ];
        for (n, majority, buggy) in table {
            assert_eq!(quorum_size(n, false), majority, "n={n}");
            assert_eq!(quorum_size(n, true), buggy, "n={n} with bug");
            // Two correct quorums always intersect; two buggy ones need not (n >= 2).
            assert!(2 * majority > n);
        }
        assert!(2 * quorum_size(4, true) <= 4);
    }
}
