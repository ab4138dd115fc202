//! Simple pro-rata interest of fixed-term loans.

use alloy_primitives::U256;

use crate::small_div::mul2_div2_up;
use crate::{add, MathResult, BPS};

/// 365 days, the year of an APR.
pub const SECONDS_PER_YEAR: u64 = 365 * 24 * 60 * 60;

// Both divisors of `interest_up` are 32-bit (the small-divisor path needs it).
const _: () = assert!(BPS <= u32::MAX as u64 && SECONDS_PER_YEAR <= u32::MAX as u64);

/// `⌈principal × apr_bps × elapsed / (10_000 × 365 days)⌉`: interest owed, rounded up (the
/// borrower owes it). Computed in one multiplication-then-division (a 384-bit product divided
/// by 10_000 and by the year, both 32-bit) so no precision is lost.
pub fn interest_up(principal: U256, apr_bps: u64, elapsed: u64) -> MathResult<U256> {
    mul2_div2_up(
        principal,
        apr_bps,
        elapsed,
        BPS as u32,
        SECONDS_PER_YEAR as u32,
    )
}

/// `principal + interest_up(principal, apr_bps, elapsed)`: the debt, rounded up.
pub fn debt_up(principal: U256, apr_bps: u64, elapsed: u64) -> MathResult<U256> {
    add(principal, interest_up(principal, apr_bps, elapsed)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_year_at_ten_percent() {
        let p = U256::from(1_000_000u64);
        assert_eq!(
            interest_up(p, 1_000, SECONDS_PER_YEAR),
            Ok(U256::from(100_000u64))
        );
        assert_eq!(
            debt_up(p, 1_000, SECONDS_PER_YEAR),
            Ok(U256::from(1_100_000u64))
        );
    }

    #[test]
    fn any_elapsed_time_owes_at_least_one_unit() {
        assert_eq!(interest_up(U256::from(1u64), 1, 1), Ok(U256::from(1u64)));
        assert_eq!(interest_up(U256::from(1u64), 1, 0), Ok(U256::ZERO));
        assert_eq!(interest_up(U256::ZERO, 5_000, 1_000), Ok(U256::ZERO));
    }

    #[test]
    fn huge_principal_overflows_as_an_error() {
        assert_eq!(
            debt_up(U256::MAX, 10_000, SECONDS_PER_YEAR),
            Err(crate::MathError::Overflow)
        );
    }
}
