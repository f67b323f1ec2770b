//! The module's global allocator: free lists of small blocks in front of the system
//! allocator (dlmalloc on wasm32). The simulator allocates and frees small blocks at a
//! high rate (each step's messages, timers, writes and events; each message in flight),
//! and dlmalloc, with no per-thread cache like a native malloc's, made allocation about a
//! seventh of a step in the browser (docs/benchmarks.md). A freed block of up to
//! [`SMALL`] bytes goes on the list of its size class and is handed out again by the next
//! allocation of that class: a push and a pop. Blocks on the lists are never given back
//! to dlmalloc; their total is bounded by the most ever live at once per class.
//!
//! Only for wasm32 without threads (the module has no shared memory): the lists are
//! plain statics, read and written by the one thread.
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::UnsafeCell;

/// Size classes are multiples of this (also the alignment served from the lists).
const GRAIN: usize = 16;
/// The largest block served from the lists.
const SMALL: usize = 256;
/// How many size classes there are.
const CLASSES: usize = SMALL / GRAIN;

/// The allocator: one free list per size class, then the system allocator.
pub(super) struct SmallBlocks {
    /// The first free block of each class; a free block holds a pointer to the next.
    free: UnsafeCell<[*mut u8; CLASSES]>,
}

// SAFETY: wasm32 without the atomics feature runs one thread, so the lists are never
// touched from two threads.
unsafe impl Sync for SmallBlocks {}

impl SmallBlocks {
    /// No free blocks yet.
    pub(super) const fn new() -> Self {
        SmallBlocks {
            free: UnsafeCell::new([std::ptr::null_mut(); CLASSES]),
        }
    }
}

/// The size class of `layout`, if its blocks come from the lists.
#[inline(always)]
fn class(layout: Layout) -> Option<usize> {
    let size = layout.size();
    (size != 0 && size <= SMALL && layout.align() <= GRAIN).then(|| (size - 1) / GRAIN)
}

/// The layout a block of class `class` is taken from the system allocator with.
#[inline(always)]
fn class_layout(class: usize) -> Layout {
    // SAFETY: a non-zero multiple of GRAIN, a power of two, far below isize::MAX.
    unsafe { Layout::from_size_align_unchecked((class + 1) * GRAIN, GRAIN) }
}

unsafe impl GlobalAlloc for SmallBlocks {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let Some(c) = class(layout) else {
            return System.alloc(layout);
        };
        let free = &mut *self.free.get();
        let head = free[c];
        if head.is_null() {
            return System.alloc(class_layout(c));
        }
        free[c] = *(head as *mut *mut u8);
        head
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        let Some(c) = class(layout) else {
            return System.dealloc(ptr, layout);
        };
        let free = &mut *self.free.get();
        *(ptr as *mut *mut u8) = free[c];
        free[c] = ptr;
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller guarantees new_size rounded up to the alignment fits isize.
        let new = Layout::from_size_align_unchecked(new_size, layout.align());
        match (class(layout), class(new)) {
            (Some(a), Some(b)) if a == b => ptr,
            (None, None) => System.realloc(ptr, layout, new_size),
            _ => {
                let moved = self.alloc(new);
                if !moved.is_null() {
                    std::ptr::copy_nonoverlapping(ptr, moved, layout.size().min(new_size));
                    self.dealloc(ptr, layout);
                }
                moved
            }
        }
    }
}
