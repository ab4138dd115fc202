//! Small fields packed into 256-bit words: four `u64` limbs, bps values 16 bits each.

use alloy_primitives::{U256, U64};

/// The four limbs of a word, least significant first.
pub fn limbs(w: U256) -> [u64; 4] {
    *w.as_limbs()
}

/// The 16 bits of `x` starting at bit `shift` (`shift` < 64).
pub fn b16(x: u64, shift: u32) -> u16 {
    (x >> shift) as u16
}

/// Whether bit `shift` of `x` is set.
pub fn flag(x: u64, shift: u32) -> bool {
    (x >> shift) & 1 == 1
}

/// Four 16-bit values in one limb, `a` in the lowest bits.
pub fn pack16(a: u16, b: u16, c: u16, d: u16) -> u64 {
    u64::from(a) | (u64::from(b) << 16) | (u64::from(c) << 32) | (u64::from(d) << 48)
}

/// A `U64` storage value as a `u64` (the single limb; cannot fail).
pub fn u64_of(v: U64) -> u64 {
    v.as_limbs()[0]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pack16_round_trips_every_position() {
        let x = pack16(u16::MAX, 1, 0x8001, 30_000);
        assert_eq!(
            [b16(x, 0), b16(x, 16), b16(x, 32), b16(x, 48)],
            [u16::MAX, 1, 0x8001, 30_000]
        );
        assert!(flag(1 << 17, 17) && !flag(1 << 17, 16));
        assert_eq!(limbs(U256::from_limbs([1, 2, 3, 4])), [1, 2, 3, 4]);
        assert_eq!(u64_of(U64::from(u64::MAX)), u64::MAX);
    }
}
