//! Shrinking (filled in below).
