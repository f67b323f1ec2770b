//! An ordered map whose clones share their entries: the invariant checker's maps grow with
//! the run (a few entries per slot and per command), and the page's timeline clones the
//! checker with every world checkpoint and every seek. Kept as sorted chunks behind `Rc`,
//! a clone copies a pointer per chunk, and a change copies only the chunk it touches
//! (`Rc::make_mut`), which for these maps is nearly always the last one.
use std::hash::{Hash, Hasher};
use std::rc::Rc;

/// Entries per chunk: a full last chunk starts a new one; a chunk grown past twice this by
/// inserts in the middle is split in two.
const CHUNK: usize = 64;

/// An ordered map from `K` to `V` in shared, sorted, copy-on-write chunks. Iterates in key
/// order, like [`crate::vec_map::VecMap`], and hashes as one does.
#[derive(Clone)]
pub struct ChunkMap<K, V> {
    /// Every chunk non-empty and sorted; every key of a chunk is below the next chunk's.
    chunks: Vec<Rc<Vec<(K, V)>>>,
    len: usize,
}

impl<K, V> Default for ChunkMap<K, V> {
    fn default() -> Self {
        ChunkMap {
            chunks: Vec::new(),
            len: 0,
        }
    }
}

impl<K: std::fmt::Debug, V: std::fmt::Debug> std::fmt::Debug for ChunkMap<K, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map()
            .entries(
                self.chunks
                    .iter()
                    .flat_map(|c| c.iter().map(|(k, v)| (k, v))),
            )
            .finish()
    }
}

/// Hashes as a `VecMap` (a `Vec` of pairs) with the same entries.
impl<K: Hash, V: Hash> Hash for ChunkMap<K, V> {
    fn hash<H: Hasher>(&self, h: &mut H) {
        h.write_usize(self.len);
        for c in &self.chunks {
            for e in c.iter() {
                e.hash(h);
            }
        }
    }
}

impl<K: Ord + Clone, V: Clone> ChunkMap<K, V> {
    /// How many entries.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The chunk `key` is in or would go in (none while the map is empty).
    fn chunk_of(&self, key: &K) -> Option<usize> {
        if self.chunks.is_empty() {
            return None;
        }
        let after = self.chunks.partition_point(|c| c[0].0 <= *key);
        Some(after.saturating_sub(1))
    }

    /// The value for `key`.
    pub fn get(&self, key: &K) -> Option<&V> {
        let c = &self.chunks[self.chunk_of(key)?];
        let i = c.binary_search_by(|(k, _)| k.cmp(key)).ok()?;
        Some(&c[i].1)
    }

    /// The value for `key`, for changing it (copies its chunk first if a clone shares it).
    pub fn get_mut(&mut self, key: &K) -> Option<&mut V> {
        let ci = self.chunk_of(key)?;
        let i = self.chunks[ci].binary_search_by(|(k, _)| k.cmp(key)).ok()?;
        Some(&mut Rc::make_mut(&mut self.chunks[ci])[i].1)
    }

    /// The value for `key`, inserted with `make` first if there was none.
    pub fn get_or_insert_with(&mut self, key: K, make: impl FnOnce() -> V) -> &mut V {
        let (ci, i) = match self.locate(&key) {
            Ok(at) => at,
            Err(at) => self.insert_at(at, key, make()),
        };
        &mut Rc::make_mut(&mut self.chunks[ci])[i].1
    }

    /// Inserts `value` for `key`; returns the value it replaced, if any.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.locate(&key) {
            Ok((ci, i)) => {
                let slot = &mut Rc::make_mut(&mut self.chunks[ci])[i].1;
                Some(std::mem::replace(slot, value))
            }
            Err(at) => {
                self.insert_at(at, key, value);
                None
            }
        }
    }

    /// Where `key` is (`Ok`: chunk, index) or would be inserted (`Err`). Checks the end
    /// first: most inserts append.
    fn locate(&self, key: &K) -> Result<(usize, usize), (usize, usize)> {
        let Some(last) = self.chunks.last() else {
            return Err((0, 0));
        };
        let end = (self.chunks.len() - 1, last.len());
        if last[last.len() - 1].0 < *key {
            return Err(end);
        }
        let ci = self.chunk_of(key).expect("not empty");
        match self.chunks[ci].binary_search_by(|(k, _)| k.cmp(key)) {
            Ok(i) => Ok((ci, i)),
            Err(i) => Err((ci, i)),
        }
    }

    /// Inserts a new entry where [`ChunkMap::locate`] said; returns where it ended up.
    fn insert_at(&mut self, (ci, i): (usize, usize), key: K, value: V) -> (usize, usize) {
        self.len += 1;
        let appending =
            ci + 1 >= self.chunks.len() && self.chunks.get(ci).is_none_or(|c| i == c.len());
        if appending && self.chunks.last().is_none_or(|c| c.len() >= CHUNK) {
            self.chunks.push(Rc::new(Vec::with_capacity(CHUNK)));
            let at = self.chunks.len() - 1;
            Rc::make_mut(&mut self.chunks[at]).push((key, value));
            return (at, 0);
        }
        let chunk = Rc::make_mut(&mut self.chunks[ci]);
        chunk.insert(i, (key, value));
        if chunk.len() <= 2 * CHUNK {
            return (ci, i);
        }
        let upper = chunk.split_off(CHUNK);
        self.chunks.insert(ci + 1, Rc::new(upper));
        if i < CHUNK {
            (ci, i)
        } else {
            (ci + 1, i - CHUNK)
        }
    }

    /// Keeps only the entries for which `keep` says yes (a chunk all of whose entries stay
    /// is not copied).
    pub fn retain(&mut self, mut keep: impl FnMut(&K, &V) -> bool) {
        for c in &mut self.chunks {
            if c.iter().all(|(k, v)| keep(k, v)) {
                continue;
            }
            Rc::make_mut(c).retain(|(k, v)| keep(k, v));
        }
        self.chunks.retain(|c| !c.is_empty());
        self.len = self.chunks.iter().map(|c| c.len()).sum();
    }

    /// The entries in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.chunks
            .iter()
            .flat_map(|c| c.iter().map(|(k, v)| (k, v)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vec_map::VecMap;

    /// The same operations on a `VecMap` and a `ChunkMap` give the same maps, and a clone
    /// is untouched by changes to the original.
    #[test]
    fn behaves_as_a_vec_map_and_clones_share_until_changed() {
        let mut want: VecMap<u32, u32> = VecMap::new();
        let mut got: ChunkMap<u32, u32> = ChunkMap::default();
        let mut x: u64 = 1;
        let mut snapshots = Vec::new();
        for n in 0..5000u32 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let r = (x >> 33) as u32;
            // Mostly appends, as the checker's maps grow; some inserts and updates anywhere.
            let key = if r.is_multiple_of(4) {
                r % (n + 1)
            } else {
                n * 2 + 1
            };
            assert_eq!(got.insert(key, r), want.insert(key, r));
            if r.is_multiple_of(7) {
                *got.get_or_insert_with(r % 300, || 0) += 1;
                *want.entry(r % 300).or_default() += 1;
            }
            if n.is_multiple_of(500) {
                snapshots.push((got.clone(), want.clone()));
            }
            if n % 1000 == 999 {
                got.retain(|k, _| k % 5 != 0);
                want.retain(|k, _| k % 5 != 0);
            }
        }
        for (g, w) in snapshots.iter().chain([(got, want)].iter()) {
            assert_eq!(g.len(), w.len());
            let pairs: Vec<_> = g.iter().collect();
            assert_eq!(pairs, w.iter().collect::<Vec<_>>());
            assert!(w.iter().all(|(k, v)| g.get(k) == Some(v)));
            assert!(g.get(&u32::MAX).is_none());
            let hash = |x: &dyn Fn(&mut fnv::FnvHasher)| {
                let mut h = fnv::FnvHasher::default();
                x(&mut h);
                h.finish()
            };
            assert_eq!(hash(&|h| g.hash(h)), hash(&|h| w.hash(h)));
        }
    }
}
