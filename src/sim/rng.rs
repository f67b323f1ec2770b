//! The world's one random generator: PCG's 128-bit multiplicative generator with the XSL-RR
//! output (`rand_pcg::Pcg64Mcg`, seeded as `SeedableRng::seed_from_u64` seeds it) and rand
//! 0.8's uniform integer sampling, drawing the same numbers as those crates natively and in
//! wasm (a test compares them). Written out on 64-bit halves: wasm has no 64×64→128
//! multiply, and `u128` arithmetic there goes through a library call (`__multi3`), which
//! made random numbers about a seventh of the simulator's time in the browser
//! (docs/benchmarks.md).

/// The multiplier of `Pcg64Mcg`, high and low halves.
const MUL_HI: u64 = 0x2360_ED05_1FC6_5DA4;
const MUL_LO: u64 = 0x4385_DF64_9FCC_F645;

/// The seeded generator every random choice of the simulator comes from.
#[derive(Clone, Debug)]
pub struct SimRng {
    hi: u64,
    lo: u64,
}

/// The high and low halves of the 128-bit product `a × b`.
#[inline(always)]
fn mul_wide(a: u64, b: u64) -> (u64, u64) {
    #[cfg(target_arch = "wasm32")]
    {
        mul_wide_halves(a, b)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let p = u128::from(a) * u128::from(b);
        ((p >> 64) as u64, p as u64)
    }
}

/// `mul_wide` from 32-bit halves (four 64-bit multiplies, no `u128`).
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
#[inline(always)]
fn mul_wide_halves(a: u64, b: u64) -> (u64, u64) {
    const LOW: u64 = 0xffff_ffff;
    let (a1, a0, b1, b0) = (a >> 32, a & LOW, b >> 32, b & LOW);
    let (p00, p01, p10, p11) = (a0 * b0, a0 * b1, a1 * b0, a1 * b1);
    let mid = (p00 >> 32) + (p01 & LOW) + (p10 & LOW);
    let hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
    (hi, a.wrapping_mul(b))
}

/// `mul_wide(a, b)` for `b` < 2³², the ranges nearly every draw has (a per-mille chance, an
/// index, a delay): two 64-bit multiplies on wasm instead of four.
#[inline(always)]
fn mul_wide_narrow(a: u64, b: u64) -> (u64, u64) {
    #[cfg(target_arch = "wasm32")]
    {
        mul_wide_narrow_halves(a, b)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        mul_wide(a, b)
    }
}

/// `mul_wide_narrow` from the two 32-bit halves of `a` (neither product nor their sum
/// overflows 64 bits when `b` < 2³²).
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
#[inline(always)]
fn mul_wide_narrow_halves(a: u64, b: u64) -> (u64, u64) {
    const LOW: u64 = 0xffff_ffff;
    debug_assert!(b <= LOW, "a narrow factor");
    let mid = (a >> 32) * b + (((a & LOW) * b) >> 32);
    (mid >> 32, a.wrapping_mul(b))
}

impl SimRng {
    /// A generator for `seed` (rand_core's `seed_from_u64`: a PCG32 stream fills the
    /// 16-byte seed; `Pcg64Mcg` keeps it with its low bit set).
    pub fn new(seed: u64) -> Self {
        let mut state = seed;
        let mut bytes = [0u8; 16];
        for chunk in bytes.chunks_mut(4) {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(11_634_580_027_462_260_723);
            let xorshifted = (((state >> 18) ^ state) >> 27) as u32;
            let word = xorshifted.rotate_right((state >> 59) as u32);
            chunk.copy_from_slice(&word.to_le_bytes());
        }
        let s = u128::from_le_bytes(bytes) | 1;
        SimRng {
            hi: (s >> 64) as u64,
            lo: s as u64,
        }
    }

    /// The next 64 random bits: state × multiplier (mod 2¹²⁸), then XSL-RR.
    #[inline(always)]
    fn next_u64(&mut self) -> u64 {
        let (carry, lo) = mul_wide(self.lo, MUL_LO);
        let hi = carry
            .wrapping_add(self.lo.wrapping_mul(MUL_HI))
            .wrapping_add(self.hi.wrapping_mul(MUL_LO));
        self.hi = hi;
        self.lo = lo;
        (hi ^ lo).rotate_right((hi >> 58) as u32)
    }

    /// A uniform number in `low..=high`, as rand 0.8 draws it (widening multiply, rejection
    /// zone approximated from the leading zeros).
    fn inclusive(&mut self, low: u64, high: u64) -> u64 {
        assert!(low <= high, "an empty range of random numbers");
        let range = high.wrapping_sub(low).wrapping_add(1);
        if range == 0 {
            return self.next_u64();
        }
        let zone = (range << range.leading_zeros()).wrapping_sub(1);
        let narrow = range <= 0xffff_ffff;
        loop {
            let x = self.next_u64();
            let (hi, lo) = if narrow {
                mul_wide_narrow(x, range)
            } else {
                mul_wide(x, range)
            };
            if lo <= zone {
                return low.wrapping_add(hi);
            }
        }
    }

    /// A uniform number in `0..n` (`n` > 0).
    #[inline(always)]
    pub fn below(&mut self, n: u64) -> u64 {
        assert!(n > 0, "an empty range of random numbers");
        self.inclusive(0, n - 1)
    }

    /// A uniform number in `lo..=hi`.
    pub fn between(&mut self, lo: u64, hi: u64) -> u64 {
        self.inclusive(lo, hi)
    }

    /// True with probability `per_mille` / 1000 (draws nothing when it is 0).
    #[inline(always)]
    pub fn chance(&mut self, per_mille: u32) -> bool {
        per_mille > 0 && self.below(1000) < per_mille as u64
    }

    /// A uniformly chosen index into a collection of `len` > 0 items.
    #[inline(always)]
    pub fn index(&mut self, len: usize) -> usize {
        self.below(len as u64) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_pcg::Pcg64Mcg;

    #[test]
    fn same_seed_same_numbers_and_known_first_draws() {
        let mut a = SimRng::new(7);
        let mut b = SimRng::new(7);
        let xs: Vec<u64> = (0..5).map(|_| a.below(1000)).collect();
        let ys: Vec<u64> = (0..5).map(|_| b.below(1000)).collect();
        assert_eq!(xs, ys);
        assert!(xs.iter().all(|x| *x < 1000));
        assert_ne!(SimRng::new(8).below(1 << 40), SimRng::new(7).below(1 << 40));
        assert!(!SimRng::new(1).chance(0));
    }

    /// The same numbers as `rand_pcg::Pcg64Mcg` with rand's `gen_range`, which the
    /// simulator used before (so every recorded digest and golden file stays the same).
    #[test]
    fn draws_what_rand_pcg_and_gen_range_draw() {
        let ranges: [(u64, u64); 9] = [
            (0, 0),
            (0, 1),
            (0, 999),
            (1, 6),
            (3, 17),
            (0, (1 << 40) - 1),
            (5, u64::MAX / 3),
            (0, u64::MAX - 1),
            (0, u64::MAX),
        ];
        for seed in [0, 1, 7, 42, 0x5eed_f00d_cafe_d00d, u64::MAX] {
            let mut ours = SimRng::new(seed);
            let mut theirs = Pcg64Mcg::seed_from_u64(seed);
            for i in 0..20_000 {
                let (lo, hi) = ranges[i % ranges.len()];
                if i % 3 == 0 && hi < u64::MAX {
                    assert_eq!(
                        ours.below(hi + 1),
                        theirs.gen_range(0..hi + 1),
                        "seed {seed}"
                    );
                } else {
                    assert_eq!(
                        ours.between(lo, hi),
                        theirs.gen_range(lo..=hi),
                        "seed {seed}"
                    );
                }
            }
        }
    }

    /// The wasm build's 64×64→128 multiply equals the native one.
    #[test]
    fn the_halves_multiply_like_u128() {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..100_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let y = x.rotate_left(23) ^ 0xdead_beef;
            for (a, b) in [
                (x, y),
                (x, u64::MAX),
                (u64::MAX, u64::MAX),
                (x, 0),
                (x >> 33, y),
            ] {
                assert_eq!(mul_wide_halves(a, b), mul_wide(a, b));
            }
            for b in [0, 1, 1000, y & 0xffff_ffff, 0xffff_ffff] {
                assert_eq!(mul_wide_narrow_halves(x, b), mul_wide(x, b));
                assert_eq!(mul_wide_narrow_halves(u64::MAX, b), mul_wide(u64::MAX, b));
            }
        }
    }
}
