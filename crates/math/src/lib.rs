//! Lien's fixed-point and lending math.
//!
//! `no_std`, no floats (Stylus rejects float instructions), no panics on any input: every
//! fallible operation returns [`MathError`]. Every function that rounds says which way in its
//! name (`_down` / `_up`), and callers pick the direction that favours the protocol: what a
//! user owes rounds up, what a user receives rounds down.
//!
//! Scales: [`WAD`] (1e18), [`RAY`] (1e27), [`BPS`] (1e4).
#![no_std]
#![forbid(unsafe_code)]

pub mod auction;
pub mod interest;
pub mod median;
pub mod muldiv;
pub mod pow;
pub mod risk;
pub mod small_div;
pub mod twap;
pub mod waterfall;

pub use alloy_primitives::U256;
pub use auction::auction_price_up;
pub use interest::{
    accrued_bps_seconds, debt_up, interest_of_bps_seconds_up, interest_up, loan_debt_up,
    DEFAULT_PREMIUM_BPS, SECONDS_PER_YEAR,
};
pub use median::{lower_median, MAX_MEDIAN_INPUTS};
pub use muldiv::{bps_mul_down, bps_mul_up, mul_div_down, mul_div_up};
pub use pow::{rpow_down, rpow_up};
pub use risk::{fits_ltv, is_healthy, max_borrow_down, max_debt_down, spread_bps_up};
pub use twap::{twap_accumulate, twap_average_down};
pub use waterfall::split_waterfall;

/// 1e18: the scale of amounts and prices expressed as WAD fractions.
pub const WAD: U256 = U256::from_limbs([1_000_000_000_000_000_000, 0, 0, 0]);
/// 1e27: the scale of auction decay factors and other high-precision ratios.
pub const RAY: U256 = U256::from_limbs([0x9fd0_803c_e800_0000, 0x33b2e3c, 0, 0]);
/// 1e4: basis points; 10_000 bps = 100%.
pub const BPS: u64 = 10_000;

/// Why a math operation could not produce a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MathError {
    /// The exact result does not fit in 256 bits.
    Overflow,
    /// A subtraction would go below zero.
    Underflow,
    /// A divisor (or a period) was zero.
    DivisionByZero,
    /// A basis-point argument exceeded 10_000 where a fraction of one is required.
    BpsOutOfRange,
    /// An input list was empty or longer than the function accepts.
    BadLength,
}

/// Result alias for this crate.
pub type MathResult<T> = Result<T, MathError>;

/// `a + b`, or [`MathError::Overflow`].
pub fn add(a: U256, b: U256) -> MathResult<U256> {
    a.checked_add(b).ok_or(MathError::Overflow)
}

/// `a - b`, or [`MathError::Underflow`].
pub fn sub(a: U256, b: U256) -> MathResult<U256> {
    a.checked_sub(b).ok_or(MathError::Underflow)
}

/// `a * b`, or [`MathError::Overflow`].
pub fn mul(a: U256, b: U256) -> MathResult<U256> {
    a.checked_mul(b).ok_or(MathError::Overflow)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_are_the_decimal_powers() {
        assert_eq!(WAD, U256::from(10u64).pow(U256::from(18u64)));
        assert_eq!(RAY, U256::from(10u64).pow(U256::from(27u64)));
    }

    #[test]
    fn checked_helpers_report_the_failure() {
        assert_eq!(add(U256::MAX, U256::from(1u64)), Err(MathError::Overflow));
        assert_eq!(sub(U256::ZERO, U256::from(1u64)), Err(MathError::Underflow));
        assert_eq!(mul(U256::MAX, U256::from(2u64)), Err(MathError::Overflow));
        assert_eq!(
            add(U256::from(2u64), U256::from(3u64)),
            Ok(U256::from(5u64))
        );
    }
}
