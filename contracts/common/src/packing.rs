//! Small fields packed into 256-bit words: four `u64` limbs, bps values 16 bits each.

use alloy_primitives::{Address, U256, U64};

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

/// A word holding an address in its low 160 bits and 96 more bits of small fields: `x` in
/// bits 160–191, `y` in bits 192–255 (big-endian bytes: `y ‖ x ‖ address`).
pub fn address_with(a: Address, x: u32, y: u64) -> U256 {
    let mut b = [0u8; 32];
    b[..8].copy_from_slice(&y.to_be_bytes());
    b[8..12].copy_from_slice(&x.to_be_bytes());
    b[12..].copy_from_slice(a.as_slice());
    U256::from_be_bytes(b)
}

/// Splits a word written by [`address_with`] into `(address, x, y)`.
pub fn split_address(w: U256) -> (Address, u32, u64) {
    let b = w.to_be_bytes::<32>();
    let l = limbs(w);
    (Address::from_slice(&b[12..]), (l[2] >> 32) as u32, l[3])
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

    #[test]
    fn address_words_round_trip_and_keep_the_address_where_abi_puts_it() {
        let a = Address::from([0xA5; 20]);
        let b = Address::from([
            1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
        ]);
        for (addr, x, y) in [
            (a, u32::MAX, u64::MAX),
            (b, 7, 1 << 63),
            (Address::ZERO, 0, 0),
        ] {
            let w = address_with(addr, x, y);
            assert_eq!(split_address(w), (addr, x, y));
            // the low 160 bits are the address as an ABI word holds it
            let low = w & ((U256::from(1u8) << 160) - U256::from(1u8));
            assert_eq!(low, U256::from_be_slice(addr.as_slice()));
            assert_eq!(w >> 160, (U256::from(y) << 32) | U256::from(x));
        }
    }
}
