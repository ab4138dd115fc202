//! Normalising a Chainlink-style answer to the collection's quote decimals.

use alloy_primitives::{I256, U256};
use lien_math::small_div::div_pow10_down;

/// `10^exp`, or `None` past 2^256.
fn pow10(exp: u8) -> Option<U256> {
    let mut r = U256::from(1u64);
    for _ in 0..exp {
        r = r.checked_mul(U256::from(10u64))?;
    }
    Some(r)
}

/// Largest price the oracle accepts (2^128 − 1): keeps `price × seconds` and
/// `price × multiplier` far from 256-bit overflow.
pub const MAX_PRICE: U256 = U256::from_limbs([u64::MAX, u64::MAX, 0, 0]);

/// `answer` (with `feed_decimals`) in units of `quote_decimals`, rounded down; `None` for a
/// non-positive answer, or a result that is zero or above [`MAX_PRICE`].
pub fn normalize(answer: I256, feed_decimals: u8, quote_decimals: u8) -> Option<U256> {
    if !answer.is_positive() {
        return None;
    }
    let raw = answer.into_raw();
    let scaled = if quote_decimals >= feed_decimals {
        raw.checked_mul(pow10(quote_decimals - feed_decimals)?)?
    } else {
        div_pow10_down(raw, u32::from(feed_decimals - quote_decimals))
    };
    (!scaled.is_zero() && scaled <= MAX_PRICE).then_some(scaled)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn i(x: i64) -> I256 {
        I256::try_from(x).unwrap()
    }

    #[test]
    fn scales_both_ways_and_rejects_bad_answers() {
        assert_eq!(
            normalize(i(12_345_678_900), 8, 18),
            Some(U256::from(123_456_789_000_000_000_000u128))
        );
        assert_eq!(normalize(i(1_999), 3, 0), Some(U256::from(1)));
        assert_eq!(normalize(i(999), 3, 0), None);
        assert_eq!(normalize(i(0), 8, 18), None);
        assert_eq!(normalize(i(-5), 8, 18), None);
        assert_eq!(normalize(I256::MAX, 0, 0), None);
        assert_eq!(normalize(i(7), 18, 18), Some(U256::from(7)));
    }
}
