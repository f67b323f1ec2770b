//! One small unstable sort and one small stable sort for the whole crate.
//!
//! The standard library's sorts (driftsort, ipnsort) are fast but large: every element
//! type and comparison they are instantiated for adds several kilobytes of code to the
//! wasm module, about 45 KB for the checkers' ten sort calls. A heapsort is a few hundred
//! bytes per instantiation and `O(n log n)` in the worst case, which the checkers' lists
//! (at most a few thousand operations) do not notice. It is not stable: callers sort by
//! keys that are unique (an operation's index breaks every tie).

use std::cmp::Ordering;

/// Sorts `items` in place by `compare`, like `slice::sort_unstable_by`.
pub fn sort_by<T>(items: &mut [T], mut compare: impl FnMut(&T, &T) -> Ordering) {
    let mut less = |a: &T, b: &T| compare(a, b) == Ordering::Less;
    let len = items.len();
    for start in (0..len / 2).rev() {
        sift_down(items, start, len, &mut less);
    }
    for end in (1..len).rev() {
        items.swap(0, end);
        sift_down(items, 0, end, &mut less);
    }
}

/// Sorts `items` in place by the key `key` gives, like `slice::sort_unstable_by_key`.
pub fn sort_by_key<T, K: Ord>(items: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(items, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `items` in place in their natural order, like `slice::sort_unstable`.
pub fn sort<T: Ord>(items: &mut [T]) {
    sort_by(items, T::cmp);
}

/// Sorts `items` in place by the key `key` gives, keeping equal keys in their order, like
/// `slice::sort_by_key`: a binary insertion sort, a few hundred bytes of code for the
/// short lists it sorts (a configuration's nodes, a run's commands), `O(n log n)`
/// comparisons and at worst `O(n²)` moves (memmove).
pub fn stable_sort_by_key<T, K: Ord>(items: &mut [T], mut key: impl FnMut(&T) -> K) {
    for i in 1..items.len() {
        let k = key(&items[i]);
        // After every element whose key is not greater: equal keys keep their order.
        let at = items[..i].partition_point(|x| key(x) <= k);
        items[at..=i].rotate_right(1);
    }
}

/// Restores the max-heap property below `root` within `items[..end]`.
fn sift_down<T>(
    items: &mut [T],
    mut root: usize,
    end: usize,
    less: &mut impl FnMut(&T, &T) -> bool,
) {
    loop {
        let mut child = 2 * root + 1;
        if child >= end {
            return;
        }
        if child + 1 < end && less(&items[child], &items[child + 1]) {
            child += 1;
        }
        if !less(&items[root], &items[child]) {
            return;
        }
        items.swap(root, child);
        root = child;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_like_the_standard_library() {
        let mut x: u64 = 7;
        for len in [0usize, 1, 2, 3, 10, 100, 1_000] {
            let mut ours: Vec<u64> = (0..len)
                .map(|_| {
                    x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                    (x >> 33) % 50
                })
                .collect();
            let mut theirs = ours.clone();
            sort(&mut ours);
            theirs.sort();
            assert_eq!(ours, theirs, "length {len}");
        }
    }

    #[test]
    fn the_stable_sort_sorts_like_the_standard_library_and_keeps_ties_in_order() {
        let mut x: u64 = 11;
        for len in [0usize, 1, 2, 3, 10, 100, 1_000] {
            let mut ours: Vec<(u64, usize)> = (0..len)
                .map(|i| {
                    x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                    ((x >> 33) % 20, i)
                })
                .collect();
            let mut theirs = ours.clone();
            stable_sort_by_key(&mut ours, |p| p.0);
            theirs.sort_by_key(|p| p.0);
            assert_eq!(ours, theirs, "length {len}");
        }
    }

    #[test]
    fn sorts_by_key_and_by_comparison() {
        let mut pairs = vec![(3, 'c'), (1, 'a'), (2, 'b')];
        sort_by_key(&mut pairs, |p| p.0);
        assert_eq!(pairs, vec![(1, 'a'), (2, 'b'), (3, 'c')]);
        sort_by(&mut pairs, |a, b| b.1.cmp(&a.1));
        assert_eq!(pairs, vec![(3, 'c'), (2, 'b'), (1, 'a')]);
    }
}
