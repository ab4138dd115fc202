//! The stair-step exponential Dutch-auction price.

use alloy_primitives::U256;

use crate::muldiv::mul_div_up;
use crate::pow::rpow_up;
use crate::{MathError, MathResult, BPS, RAY};

/// Price of a stair-step exponential auction `elapsed` seconds after it started:
/// `start × (cut_bps / 10_000)^⌊elapsed / step⌋`, never below `floor` (and never above
/// `start`: a `floor` above `start` is clamped to `start`).
///
/// Rounded **up** (the buyer pays at least the curve): the decay factor is `rpow_up`, which is
/// non-increasing in the number of steps, and the final multiplication rounds up. So the price
/// is non-increasing in `elapsed`, constant within a step, `start` at `elapsed < step`, and a
/// positive `start` never decays to a price of zero.
///
/// Errors: `step == 0` is [`MathError::DivisionByZero`]; `cut_bps > 10_000` is
/// [`MathError::BpsOutOfRange`].
pub fn auction_price_up(
    start: U256,
    floor: U256,
    cut_bps: u64,
    step: u64,
    elapsed: u64,
) -> MathResult<U256> {
    if step == 0 {
        return Err(MathError::DivisionByZero);
    }
    if cut_bps > BPS {
        return Err(MathError::BpsOutOfRange);
    }
    let steps = elapsed / step;
    let cut_ray = RAY / U256::from(BPS) * U256::from(cut_bps); // exact: RAY is a multiple of BPS
    let factor = rpow_up(cut_ray, steps)?; // ≤ RAY because cut_ray ≤ RAY
    let decayed = mul_div_up(start, factor, RAY)?; // ≤ start
    Ok(decayed.max(floor.min(start)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(x: u64) -> U256 {
        U256::from(x)
    }

    #[test]
    fn steps_down_by_the_cut() {
        let start = u(1_000_000);
        assert_eq!(auction_price_up(start, u(0), 9_800, 300, 0), Ok(start));
        assert_eq!(auction_price_up(start, u(0), 9_800, 300, 299), Ok(start));
        assert_eq!(
            auction_price_up(start, u(0), 9_800, 300, 300),
            Ok(u(980_000))
        );
        assert_eq!(
            auction_price_up(start, u(0), 9_800, 300, 600),
            Ok(u(960_400))
        );
        assert_eq!(
            auction_price_up(start, u(959_000), 9_800, 300, 900),
            Ok(u(959_000))
        );
    }

    #[test]
    fn tiny_prices_never_reach_zero() {
        assert_eq!(auction_price_up(u(1), u(0), 9_800, 1, 1_000_000), Ok(u(1)));
        assert_eq!(auction_price_up(u(0), u(0), 9_800, 1, 10), Ok(u(0)));
        assert_eq!(auction_price_up(u(100), u(0), 0, 1, 10), Ok(u(0)));
    }

    #[test]
    fn bad_parameters() {
        assert_eq!(
            auction_price_up(u(1), u(0), 9_800, 0, 1),
            Err(MathError::DivisionByZero)
        );
        assert_eq!(
            auction_price_up(u(1), u(0), 10_001, 1, 1),
            Err(MathError::BpsOutOfRange)
        );
        assert_eq!(auction_price_up(u(10), u(20), 5_000, 1, 5), Ok(u(10)));
    }
}
