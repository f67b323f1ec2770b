//! An append-mostly list whose clones share their full chunks: the space-time record is
//! cloned with every world checkpoint, so a clone must cost a pointer per chunk, not a copy
//! of the whole history.
use std::sync::Arc;

/// Items per shared chunk.
const CHUNK: usize = 256;

/// A list of `T` stored in shared, copy-on-write chunks of [`CHUNK`] items.
#[derive(Clone, Debug)]
pub struct Chunks<T> {
    chunks: Vec<Arc<Vec<T>>>,
    len: usize,
}

impl<T> Default for Chunks<T> {
    fn default() -> Self {
        Chunks {
            chunks: Vec::new(),
            len: 0,
        }
    }
}

impl<T: Clone> Chunks<T> {
    /// How many items.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Appends `item` and returns its index.
    pub fn push(&mut self, item: T) -> usize {
        if self.len.is_multiple_of(CHUNK) {
            self.chunks.push(Arc::new(Vec::with_capacity(CHUNK)));
        }
        let last = self.chunks.last_mut().expect("a chunk was just ensured");
        Arc::make_mut(last).push(item);
        self.len += 1;
        self.len - 1
    }

    /// The item at `i`.
    pub fn get(&self, i: usize) -> Option<&T> {
        self.chunks.get(i / CHUNK).and_then(|c| c.get(i % CHUNK))
    }

    /// The item at `i`, for changing it (copies its chunk first if a clone shares it).
    pub fn get_mut(&mut self, i: usize) -> Option<&mut T> {
        self.chunks
            .get_mut(i / CHUNK)
            .and_then(|c| Arc::make_mut(c).get_mut(i % CHUNK))
    }

    /// The items from index `from` on, in order.
    pub fn iter_from(&self, from: usize) -> impl Iterator<Item = &T> + '_ {
        let skip = from % CHUNK;
        self.chunks
            .iter()
            .skip(from / CHUNK)
            .flat_map(|c| c.iter())
            .skip(skip)
    }

    /// The first index whose item is not `before` (items must be ordered so that every
    /// item `before` accepts comes first).
    pub fn partition_point(&self, before: impl Fn(&T) -> bool) -> usize {
        let (mut lo, mut hi) = (0, self.len);
        while lo < hi {
            let mid = (lo + hi) / 2;
            if before(self.get(mid).expect("in range")) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clones_share_chunks_and_copy_on_write() {
        let mut a = Chunks::default();
        for i in 0..1000u32 {
            assert_eq!(a.push(i), i as usize);
        }
        let mut b = a.clone();
        *b.get_mut(3).unwrap() = 7;
        b.push(1000);
        assert_eq!(a.get(3), Some(&3));
        assert_eq!(b.get(3), Some(&7));
        assert_eq!((a.len(), b.len()), (1000, 1001));
        assert_eq!(a.iter_from(998).copied().collect::<Vec<_>>(), [998, 999]);
        assert_eq!(a.iter_from(256).next(), Some(&256));
        assert_eq!(a.partition_point(|x| *x < 300), 300);
        assert_eq!(a.get(1000), None);
    }
}
