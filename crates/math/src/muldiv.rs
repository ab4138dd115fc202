//! `x * y / d` through a 512-bit intermediate, in both rounding directions.

use alloy_primitives::{U256, U512};

use crate::small_div::{mul2_div2_rem, mul2_div2_up};
use crate::{MathError, MathResult, BPS};

/// [`BPS`] as the 32-bit divisor of the small-divisor path.
const BPS_U32: u32 = BPS as u32;

fn widen(x: U256) -> U512 {
    U512::from_limbs([
        x.as_limbs()[0],
        x.as_limbs()[1],
        x.as_limbs()[2],
        x.as_limbs()[3],
        0,
        0,
        0,
        0,
    ])
}

fn narrow(x: U512) -> MathResult<U256> {
    let limbs = x.as_limbs();
    if limbs[4..].iter().any(|&l| l != 0) {
        return Err(MathError::Overflow);
    }
    Ok(U256::from_limbs([limbs[0], limbs[1], limbs[2], limbs[3]]))
}

/// Quotient and remainder of the exact `x * y / d`.
fn mul_div_rem(x: U256, y: U256, d: U256) -> MathResult<(U512, bool)> {
    if d.is_zero() {
        return Err(MathError::DivisionByZero);
    }
    let product = widen(x) * widen(y); // 256 x 256 bits always fits in 512 bits
    let (q, r) = product.div_rem(widen(d));
    Ok((q, !r.is_zero()))
}

/// `⌊x * y / d⌋`; [`MathError::DivisionByZero`] when `d == 0`, [`MathError::Overflow`] when
/// the quotient needs more than 256 bits. Never overflows in the intermediate product.
pub fn mul_div_down(x: U256, y: U256, d: U256) -> MathResult<U256> {
    let (q, _) = mul_div_rem(x, y, d)?;
    narrow(q)
}

/// `⌈x * y / d⌉`; errors as [`mul_div_down`].
pub fn mul_div_up(x: U256, y: U256, d: U256) -> MathResult<U256> {
    let (q, inexact) = mul_div_rem(x, y, d)?;
    let q = narrow(q)?;
    if inexact {
        q.checked_add(U256::from(1u64)).ok_or(MathError::Overflow)
    } else {
        Ok(q)
    }
}

/// `⌊amount * bps / 10_000⌋` (any `bps`, also above 100%). Same result as
/// `mul_div_down(amount, bps, 10_000)`, through the small-divisor path (no 512-bit divider
/// in the contracts that only need basis points).
pub fn bps_mul_down(amount: U256, bps: u64) -> MathResult<U256> {
    Ok(mul2_div2_rem(amount, bps, 1, BPS_U32, 1)?.0)
}

/// `⌈amount * bps / 10_000⌉` (any `bps`, also above 100%); as [`bps_mul_down`], rounded up.
pub fn bps_mul_up(amount: U256, bps: u64) -> MathResult<U256> {
    mul2_div2_up(amount, bps, 1, BPS_U32, 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(x: u64) -> U256 {
        U256::from(x)
    }

    #[test]
    fn rounds_in_the_named_direction() {
        assert_eq!(mul_div_down(u(7), u(3), u(2)), Ok(u(10)));
        assert_eq!(mul_div_up(u(7), u(3), u(2)), Ok(u(11)));
        assert_eq!(mul_div_up(u(6), u(3), u(2)), Ok(u(9)));
    }

    #[test]
    fn survives_a_product_wider_than_256_bits() {
        assert_eq!(mul_div_down(U256::MAX, U256::MAX, U256::MAX), Ok(U256::MAX));
        assert_eq!(
            mul_div_up(U256::MAX, u(2), u(4)),
            Ok((U256::MAX >> 1) + u(1))
        );
    }

    #[test]
    fn reports_zero_divisor_and_overflow() {
        assert_eq!(
            mul_div_down(u(1), u(1), U256::ZERO),
            Err(MathError::DivisionByZero)
        );
        assert_eq!(
            mul_div_down(U256::MAX, u(2), u(1)),
            Err(MathError::Overflow)
        );
        assert_eq!(mul_div_up(U256::MAX, u(1), u(1)), Ok(U256::MAX));
        assert_eq!(mul_div_up(U256::MAX, u(4), u(3)), Err(MathError::Overflow));
    }

    #[test]
    fn bps_helpers() {
        assert_eq!(bps_mul_down(u(999), 5_000), Ok(u(499)));
        assert_eq!(bps_mul_up(u(999), 5_000), Ok(u(500)));
        assert_eq!(bps_mul_down(u(100), 15_000), Ok(u(150)));
    }
}
