//! Memory kept between steps for reuse, not state: a clone of its owner (a world, a
//! network) starts with none, so cloning a checkpoint copies no buffers.

/// A buffer kept for its memory; cloned, it is empty (`T::default()`).
#[derive(Debug, Default)]
pub(crate) struct Reused<T>(pub(crate) T);

impl<T: Default> Clone for Reused<T> {
    fn clone(&self) -> Self {
        Reused(T::default())
    }
}
