//! A stable 64-bit digest (FNV-1a) of a run's trace, equal natively and in wasm because
//! only bytes, strings and fixed-width integers are fed to it.

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// Running digest of everything observable that happened in a run.
#[derive(Clone, Debug)]
pub struct TraceDigest(u64);

impl Default for TraceDigest {
    fn default() -> Self {
        TraceDigest(FNV_OFFSET)
    }
}

impl TraceDigest {
    /// Feeds a string (length-prefixed so concatenations cannot collide).
    pub fn str(&mut self, s: &str) {
        self.u64(s.len() as u64);
        self.bytes(s.as_bytes());
    }

    /// Feeds a number.
    pub fn u64(&mut self, x: u64) {
        self.bytes(&x.to_le_bytes());
    }

    fn bytes(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ *b as u64).wrapping_mul(FNV_PRIME);
        }
    }

    /// The digest so far, as 16 hex digits.
    pub fn hex(&self) -> String {
        format!("{:016x}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_of_known_input_and_order_sensitivity() {
        let mut d = TraceDigest::default();
        d.bytes(b"a");
        assert_eq!(d.hex(), "af63dc4c8601ec8c"); // published FNV-1a 64 of "a"
        let (mut x, mut y) = (TraceDigest::default(), TraceDigest::default());
        x.str("ab");
        x.str("c");
        y.str("a");
        y.str("bc");
        assert_ne!(x.hex(), y.hex());
    }
}
