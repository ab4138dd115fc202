//! Time-weighted average price: a cumulative `price × seconds` accumulator.

use alloy_primitives::U256;

use crate::{add, sub, MathError, MathResult};

/// The accumulator after `price` held for `elapsed` seconds: `cumulative + price × elapsed`.
pub fn twap_accumulate(cumulative: U256, price: U256, elapsed: u64) -> MathResult<U256> {
    let area = price
        .checked_mul(U256::from(elapsed))
        .ok_or(MathError::Overflow)?;
    add(cumulative, area)
}

/// `⌊(cumulative_now − cumulative_then) / window⌋`: the average price over `window` seconds,
/// rounded down. Errors on a zero window or an accumulator that went backwards.
pub fn twap_average_down(
    cumulative_now: U256,
    cumulative_then: U256,
    window: u64,
) -> MathResult<U256> {
    if window == 0 {
        return Err(MathError::DivisionByZero);
    }
    Ok(sub(cumulative_now, cumulative_then)? / U256::from(window))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn average_of_two_levels() {
        let c = twap_accumulate(U256::ZERO, U256::from(100u64), 60).unwrap();
        let c = twap_accumulate(c, U256::from(40u64), 30).unwrap();
        assert_eq!(twap_average_down(c, U256::ZERO, 90), Ok(U256::from(80u64)));
        assert_eq!(
            twap_average_down(c, U256::ZERO, 0),
            Err(MathError::DivisionByZero)
        );
        assert_eq!(
            twap_average_down(U256::ZERO, c, 1),
            Err(MathError::Underflow)
        );
        assert_eq!(
            twap_accumulate(U256::MAX, U256::from(1u64), 1),
            Err(MathError::Overflow)
        );
    }
}
