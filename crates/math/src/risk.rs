//! Loan-to-value, health and price-dispersion checks.
//!
//! Comparisons are made exactly in 320 bits (`a × 10_000 ≤ b × bps`), so no rounding can
//! make an unsafe position look safe.

use alloy_primitives::U256;

use crate::muldiv::mul_div_up;
use crate::{MathError, MathResult, BPS};

/// `⌊price × ltv_bps / 10_000⌋`: the most a borrower may take against `price`.
pub fn max_borrow_down(price: U256, ltv_bps: u64) -> MathResult<U256> {
    crate::bps_mul_down(price, ltv_bps)
}

/// Whether `principal ≤ price × ltv_bps / 10_000`, decided exactly.
pub fn fits_ltv(principal: U256, price: U256, ltv_bps: u64) -> bool {
    at_most_fraction(principal, price, ltv_bps)
}

/// Whether a loan is healthy: `debt ≤ price × threshold_bps / 10_000`, decided exactly.
/// A loan with zero debt is always healthy; a positive debt against a zero price is not.
pub fn is_healthy(debt: U256, price: U256, threshold_bps: u64) -> bool {
    at_most_fraction(debt, price, threshold_bps)
}

/// `amount × 10_000 ≤ price × bps` in 320-bit arithmetic (a 256-bit value times a 64-bit one).
fn at_most_fraction(amount: U256, price: U256, bps: u64) -> bool {
    let lhs =
        amount.widening_mul::<64, 1, 320, 5>(alloy_primitives::ruint::Uint::<64, 1>::from(BPS));
    let rhs =
        price.widening_mul::<64, 1, 320, 5>(alloy_primitives::ruint::Uint::<64, 1>::from(bps));
    lhs <= rhs
}

/// `⌈(max − min) × 10_000 / reference⌉`: the spread of a set of prices around a reference
/// (the median), rounded up so a borderline dispersion is flagged.
pub fn spread_bps_up(min: U256, max: U256, reference: U256) -> MathResult<U256> {
    if reference.is_zero() {
        return Err(MathError::DivisionByZero);
    }
    let width = max.checked_sub(min).ok_or(MathError::Underflow)?;
    mul_div_up(width, U256::from(BPS), reference)
}

/// `⌊debt × 1e18 / (price × threshold_bps / 10_000)⌋`-style health factor is deliberately not
/// offered: contracts compare with [`is_healthy`], which has no rounding at all. This helper
/// gives the largest debt a price can carry at a threshold, rounded down, for views.
pub fn max_debt_down(price: U256, threshold_bps: u64) -> MathResult<U256> {
    crate::bps_mul_down(price, threshold_bps)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(x: u64) -> U256 {
        U256::from(x)
    }

    #[test]
    fn ltv_edges_are_exact() {
        assert!(fits_ltv(u(40), u(100), 4_000));
        assert!(!fits_ltv(u(41), u(100), 4_000));
        assert!(fits_ltv(u(0), u(0), 0));
        assert!(!fits_ltv(u(1), u(0), 8_000));
        assert!(fits_ltv(U256::MAX / u(2), U256::MAX, 5_000));
        assert!(!fits_ltv(U256::MAX / u(2) + u(1), U256::MAX, 5_000));
        assert_eq!(max_borrow_down(u(999), 4_000), Ok(u(399)));
    }

    #[test]
    fn health_edges() {
        assert!(is_healthy(u(65), u(100), 6_500));
        assert!(!is_healthy(u(66), u(100), 6_500));
        assert!(is_healthy(U256::MAX, U256::MAX, 10_000));
        assert_eq!(max_debt_down(u(100), 6_500), Ok(u(65)));
    }

    #[test]
    fn spread() {
        assert_eq!(spread_bps_up(u(90), u(110), u(100)), Ok(u(2_000)));
        assert_eq!(spread_bps_up(u(1), u(2), u(3)), Ok(u(3_334)));
        assert_eq!(
            spread_bps_up(u(1), u(2), u(0)),
            Err(MathError::DivisionByZero)
        );
        assert_eq!(spread_bps_up(u(3), u(2), u(1)), Err(MathError::Underflow));
    }
}
