//! A stable 64-bit digest (FNV-1a) of a run's trace, equal natively and in wasm because
//! only bytes, strings and fixed-width integers are fed to it. It is fed from the world's
//! events: each action, each tick, each message sent (its kind), dropped (its id), each
//! crash and restart, and each slot decided.
use super::action::Action;
use super::event::WorldEvent;
use crate::paxos::Message;

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// The JSON of the scheduler's step, by far the most frequent action (the same bytes
/// serde_json writes, as `crate::json` does, so digests are unchanged).
const AUTO_JSON: &str = r#"{"type":"auto"}"#;

/// FNV-1a of a fixed string (length-prefixed, as [`TraceDigest::str`] feeds it) in one
/// step from any state. Each byte changes only the state's low byte before the multiply,
/// and the low byte after a multiply depends only on the low byte before it; so from state
/// `h` the digest ends at `h × PRIME^len + add[h mod 256]`, whatever the high bits.
struct Fixed {
    mul: u64,
    add: [u64; 256],
}

impl Fixed {
    fn new(s: &str) -> Fixed {
        let fed = |h: u64| {
            let mut d = TraceDigest(h);
            d.str(s);
            d.0
        };
        let mul = (0..8 + s.len()).fold(1u64, |m, _| m.wrapping_mul(FNV_PRIME));
        let mut add = [0; 256];
        for (low, a) in (0u64..).zip(add.iter_mut()) {
            *a = fed(low).wrapping_sub(low.wrapping_mul(mul));
        }
        Fixed { mul, add }
    }

    #[inline]
    fn feed(&self, h: u64) -> u64 {
        h.wrapping_mul(self.mul)
            .wrapping_add(self.add[(h & 0xff) as usize])
    }
}

/// The fixed strings the digest is fed most: the scheduler's step, and each message
/// type's name (in the order of [`Message::KINDS`]). Built on first use.
struct Tables {
    auto: Fixed,
    kinds: Vec<Fixed>,
}

fn tables() -> &'static Tables {
    static TABLES: std::sync::OnceLock<Tables> = std::sync::OnceLock::new();
    TABLES.get_or_init(|| Tables {
        auto: Fixed::new(AUTO_JSON),
        kinds: Message::KINDS.iter().map(|k| Fixed::new(k)).collect(),
    })
}

/// `FNV_PRIME^k` for k = 0..=8: the multiplies of a number's zero high bytes at once.
const PRIME_POWERS: [u64; 9] = {
    let mut p = [1u64; 9];
    let mut k = 1;
    while k < 9 {
        p[k] = p[k - 1].wrapping_mul(FNV_PRIME);
        k += 1;
    }
    p
};

/// Running digest of everything observable that happened in a run.
#[derive(Clone, Debug)]
pub struct TraceDigest(u64);

impl Default for TraceDigest {
    fn default() -> Self {
        TraceDigest(FNV_OFFSET)
    }
}

impl TraceDigest {
    /// Feeds what the trace keeps of one event.
    /// Inlined natively into each place that emits an event (`World`'s observers), where
    /// the match folds to that event's arm.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    pub fn observe(&mut self, e: &WorldEvent) {
        match *e {
            WorldEvent::Step { action, .. } => self.action(action),
            WorldEvent::Tick { now } => self.u64(now),
            WorldEvent::Sent { env, .. } => {
                self.0 = tables().kinds[env.msg.kind_index()].feed(self.0);
            }
            WorldEvent::Dropped { id, .. } => self.u64(id),
            WorldEvent::Crashed { node, .. } => {
                self.str("crash");
                self.u64(node as u64);
            }
            WorldEvent::Restarted { node } => {
                self.str("restart");
                self.u64(node.id() as u64);
            }
            WorldEvent::Stepped { ready, .. } => {
                for (slot, _) in &ready.decided {
                    self.u64(*slot);
                }
            }
            _ => {}
        }
    }

    /// Feeds an action as its JSON.
    fn action(&mut self, action: &Action) {
        match action {
            Action::Auto { n: 1 } => self.0 = tables().auto.feed(self.0),
            _ => self.str(&crate::json::to_json(action)),
        }
    }

    /// Feeds a string (length-prefixed so concatenations cannot collide).
    pub fn str(&mut self, s: &str) {
        self.u64(s.len() as u64);
        self.bytes(s.as_bytes());
    }

    /// Feeds a number (its eight bytes, least significant first, as `bytes` would).
    pub fn u64(&mut self, x: u64) {
        // Bytes above the highest nonzero one change nothing before their multiply.
        let significant = (71 - x.leading_zeros() as usize) / 8;
        let mut h = self.0;
        for i in 0..significant {
            h = (h ^ ((x >> (8 * i)) & 0xff)).wrapping_mul(FNV_PRIME);
        }
        self.0 = h.wrapping_mul(PRIME_POWERS[8 - significant]);
    }

    fn bytes(&mut self, bytes: &[u8]) {
        let mut h = self.0;
        for b in bytes {
            h = (h ^ *b as u64).wrapping_mul(FNV_PRIME);
        }
        self.0 = h;
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

    #[test]
    fn the_constant_json_of_a_scheduler_step_is_what_serde_writes() {
        let (mut fast, mut slow) = (TraceDigest::default(), TraceDigest::default());
        fast.action(&Action::Auto { n: 1 });
        slow.str(&serde_json::to_string(&Action::Auto { n: 1 }).unwrap());
        assert_eq!(fast.hex(), slow.hex());
        let mut other = TraceDigest::default();
        other.action(&Action::Auto { n: 2 });
        assert_ne!(other.hex(), fast.hex());
    }

    #[test]
    fn a_fixed_string_in_one_step_is_the_string_byte_by_byte() {
        let states = [
            0,
            1,
            0xff,
            0x100,
            FNV_OFFSET,
            u64::MAX,
            0x0123_4567_89ab_cdef,
        ];
        for s in Message::KINDS.iter().copied().chain([AUTO_JSON, ""]) {
            let fixed = Fixed::new(s);
            for h in states.iter().chain(&[0x5a5a_5a5a_5a5a_5a5a]) {
                let mut slow = TraceDigest(*h);
                slow.str(s);
                assert_eq!(fixed.feed(*h), slow.0, "{s:?} from {h:x}");
            }
        }
    }

    #[test]
    fn a_number_is_fed_as_its_little_endian_bytes() {
        for x in [
            0,
            1,
            0xff,
            0x100,
            0xffff,
            1 << 40,
            0x0123_4567_89ab_cdef,
            u64::MAX,
        ] {
            let (mut number, mut bytes) = (TraceDigest::default(), TraceDigest::default());
            number.u64(x);
            bytes.bytes(&x.to_le_bytes());
            assert_eq!(number.hex(), bytes.hex());
        }
    }
}
