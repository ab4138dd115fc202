//! `x × y / d` without a 512-bit intermediate, for callers whose product provably fits in
//! 256 bits (for example a price below 2^128 times basis points or seconds).
//!
//! Whenever `x × y` fits in 256 bits these return exactly what [`crate::mul_div_down`],
//! [`crate::mul_div_up`], [`crate::bps_mul_down`] and [`crate::spread_bps_up`] return; when
//! it does not they return [`MathError::Overflow`] instead of a value. A contract that uses
//! only these links a 256-bit divider and no 512-bit multiply/divide (several KB of wasm).

use alloy_primitives::U256;

use crate::{MathError, MathResult, BPS};

/// `⌊x × y / d⌋`; [`MathError::Overflow`] when `x × y` needs more than 256 bits,
/// [`MathError::DivisionByZero`] when `d == 0`.
pub fn mul_div_down_narrow(x: U256, y: U256, d: U256) -> MathResult<U256> {
    let (q, _) = quotient(x, y, d)?;
    Ok(q)
}

/// `⌈x × y / d⌉`; errors as [`mul_div_down_narrow`].
pub fn mul_div_up_narrow(x: U256, y: U256, d: U256) -> MathResult<U256> {
    let (q, inexact) = quotient(x, y, d)?;
    if inexact {
        q.checked_add(U256::from(1u64)).ok_or(MathError::Overflow)
    } else {
        Ok(q)
    }
}

/// `⌊amount × bps / 10_000⌋` (any `bps`, also above 100%).
pub fn bps_mul_down_narrow(amount: U256, bps: u64) -> MathResult<U256> {
    mul_div_down_narrow(amount, U256::from(bps), U256::from(BPS))
}

/// `⌈(max − min) × 10_000 / reference⌉`, as [`crate::spread_bps_up`].
pub fn spread_bps_up_narrow(min: U256, max: U256, reference: U256) -> MathResult<U256> {
    if reference.is_zero() {
        return Err(MathError::DivisionByZero);
    }
    let width = max.checked_sub(min).ok_or(MathError::Underflow)?;
    mul_div_up_narrow(width, U256::from(BPS), reference)
}

/// Quotient of `x × y / d` and whether a remainder was dropped.
fn quotient(x: U256, y: U256, d: U256) -> MathResult<(U256, bool)> {
    if d.is_zero() {
        return Err(MathError::DivisionByZero);
    }
    let product = x.checked_mul(y).ok_or(MathError::Overflow)?;
    let (q, r) = product.div_rem(d);
    Ok((q, !r.is_zero()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{bps_mul_down, mul_div_down, mul_div_up, spread_bps_up};

    fn u(x: u64) -> U256 {
        U256::from(x)
    }

    #[test]
    fn agrees_with_the_wide_versions_when_the_product_fits() {
        let big = U256::from(1u64) << 128;
        let cases = [
            (u(7), u(3), u(2)),
            (u(6), u(3), u(2)),
            (big - u(1), u(30_000), u(10_000)),
            (big, big - u(1), u(3)),
            (U256::MAX, u(1), u(7)),
            (u(0), u(5), u(9)),
        ];
        for (x, y, d) in cases {
            assert_eq!(mul_div_down_narrow(x, y, d), mul_div_down(x, y, d), "{x} {y} {d}");
            assert_eq!(mul_div_up_narrow(x, y, d), mul_div_up(x, y, d), "{x} {y} {d}");
        }
        assert_eq!(bps_mul_down_narrow(u(999), 4_000), bps_mul_down(u(999), 4_000));
        assert_eq!(bps_mul_down_narrow(big, 30_000), bps_mul_down(big, 30_000));
        assert_eq!(spread_bps_up_narrow(u(90), u(110), u(100)), spread_bps_up(u(90), u(110), u(100)));
        assert_eq!(spread_bps_up_narrow(u(1), u(2), u(3)), spread_bps_up(u(1), u(2), u(3)));
    }

    #[test]
    fn errors() {
        assert_eq!(mul_div_down_narrow(U256::MAX, u(2), u(2)), Err(MathError::Overflow));
        assert_eq!(mul_div_up_narrow(u(1), u(1), U256::ZERO), Err(MathError::DivisionByZero));
        assert_eq!(mul_div_up_narrow(U256::MAX, u(1), u(1)), Ok(U256::MAX));
        assert_eq!(spread_bps_up_narrow(u(2), u(1), u(1)), Err(MathError::Underflow));
        assert_eq!(spread_bps_up_narrow(u(1), u(2), U256::ZERO), Err(MathError::DivisionByZero));
    }
}
