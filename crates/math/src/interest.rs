//! Simple pro-rata interest of fixed-term loans, with default interest after the due time.

use alloy_primitives::U256;

use crate::small_div::mul_div2_up;
use crate::{add, MathResult, BPS};

/// 365 days, the year of an APR.
pub const SECONDS_PER_YEAR: u64 = 365 * 24 * 60 * 60;

/// Default interest (issue 14, L5): from its due time until liquidation freezes its debt, an
/// overdue loan accrues at its APR plus this many bps a year (+10 percentage points). A
/// constant of the code, so no governance action can change it for any loan.
pub const DEFAULT_PREMIUM_BPS: u32 = 1_000;

// Both divisors of `interest_up` are 32-bit (the small-divisor path needs it).
const _: () = assert!(BPS <= u32::MAX as u64 && SECONDS_PER_YEAR <= u32::MAX as u64);

/// `⌈principal × apr_bps × elapsed / (10_000 × 365 days)⌉`: interest owed, rounded up (the
/// borrower owes it). Computed in one multiplication-then-division (a 384-bit product divided
/// by 10_000 and by the year, both 32-bit) so no precision is lost.
pub fn interest_up(principal: U256, apr_bps: u64, elapsed: u64) -> MathResult<U256> {
    interest_of_bps_seconds_up(principal, u128::from(apr_bps) * u128::from(elapsed))
}

/// `⌈principal × bps_seconds / (10_000 × 365 days)⌉`: the interest of `bps_seconds` (a rate
/// in bps a year times the seconds it applied, summed over the periods), rounded up.
pub fn interest_of_bps_seconds_up(principal: U256, bps_seconds: u128) -> MathResult<U256> {
    mul_div2_up(principal, bps_seconds, BPS as u32, SECONDS_PER_YEAR as u32)
}

/// `principal + interest_up(principal, apr_bps, elapsed)`: the debt, rounded up.
pub fn debt_up(principal: U256, apr_bps: u64, elapsed: u64) -> MathResult<U256> {
    add(principal, interest_up(principal, apr_bps, elapsed)?)
}

/// The bps·seconds a fixed-term loan accrues from `start` to `now`: `apr_bps` a year until
/// the due time, `apr_bps + premium_bps` a year after it:
/// `apr × (min(now, due) − start)⁺ + (apr + premium) × (now − max(due, start))⁺`. Exact (at
/// most 2^98, no rounding).
pub fn accrued_bps_seconds(apr_bps: u32, premium_bps: u32, start: u64, due: u64, now: u64) -> u128 {
    let in_term = now.min(due).saturating_sub(start);
    let overdue = now.saturating_sub(due.max(start));
    let default_rate = u64::from(apr_bps) + u64::from(premium_bps);
    u128::from(apr_bps) * u128::from(in_term) + u128::from(default_rate) * u128::from(overdue)
}

/// The debt of a fixed-term loan at `now`, rounded up (the borrower owes it): `principal +
/// ⌈principal × accrued_bps_seconds / (10_000 × 365 days)⌉` — one rounding over both
/// periods, so the debt is never more than one unit above the exact value. Interest runs at
/// `apr_bps` until `due` and at `apr_bps + premium_bps` after it (default interest).
/// [`crate::MathError::Overflow`] when the debt needs more than 256 bits.
pub fn loan_debt_up(
    principal: U256,
    apr_bps: u32,
    premium_bps: u32,
    start: u64,
    due: u64,
    now: u64,
) -> MathResult<U256> {
    let bps_seconds = accrued_bps_seconds(apr_bps, premium_bps, start, due, now);
    add(
        principal,
        interest_of_bps_seconds_up(principal, bps_seconds)?,
    )
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
    fn default_interest_runs_after_the_due_time() {
        let p = U256::from(1_000_000u64);
        let year = SECONDS_PER_YEAR;
        // in term: exactly the plain debt
        assert_eq!(
            loan_debt_up(p, 1_000, 1_000, 100, 100 + year, 100 + year),
            debt_up(p, 1_000, year)
        );
        // a year overdue at 10 % + 10 %: 100_000 + 200_000
        assert_eq!(
            loan_debt_up(p, 1_000, 1_000, 0, year, 2 * year),
            Ok(U256::from(1_300_000u64))
        );
        // a 0 % loan still accrues the premium once overdue
        assert_eq!(
            loan_debt_up(p, 0, 1_000, 0, year, 2 * year),
            Ok(U256::from(1_100_000u64))
        );
        // before the start nothing accrues
        assert_eq!(loan_debt_up(p, 1_000, 1_000, 500, 600, 400), Ok(p));
        // extremes are exact in u128
        assert_eq!(
            accrued_bps_seconds(u32::MAX, u32::MAX, 0, u64::MAX / 2, u64::MAX),
            u128::from(u32::MAX) * u128::from(u64::MAX / 2)
                + 2 * u128::from(u32::MAX) * u128::from(u64::MAX - u64::MAX / 2)
        );
    }

    #[test]
    fn huge_principal_overflows_as_an_error() {
        assert_eq!(
            debt_up(U256::MAX, 10_000, SECONDS_PER_YEAR),
            Err(crate::MathError::Overflow)
        );
    }
}
