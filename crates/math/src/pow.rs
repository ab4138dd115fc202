//! Integer powers of RAY fractions by right-to-left binary exponentiation.
//!
//! For a base `x ≤ RAY` both functions are **non-increasing in the exponent**: every partial
//! product is a monotone rounded multiplication `m(acc, s_b)` applied in increasing bit
//! order, and each squared base `s_{b+1} = m(s_b, s_b)` is at most the accumulator that the
//! lower bits `0..=b` produce. Moving from `n` to `n + 1` therefore replaces an accumulator by
//! something no larger before the same tail of multiplications. The property tests check it.

use alloy_primitives::U256;

use crate::muldiv::{mul_div_down, mul_div_up};
use crate::{MathResult, RAY};

fn rpow_with(x: U256, n: u64, mul: fn(U256, U256, U256) -> MathResult<U256>) -> MathResult<U256> {
    let mut acc = RAY;
    let mut base = x;
    let mut n = n;
    while n > 0 {
        if n & 1 == 1 {
            acc = mul(acc, base, RAY)?;
        }
        n >>= 1;
        if n > 0 {
            base = mul(base, base, RAY)?;
        }
    }
    Ok(acc)
}

/// `x^n` for a RAY-scaled `x`, every multiplication rounded down; `x^0 = RAY`.
pub fn rpow_down(x: U256, n: u64) -> MathResult<U256> {
    rpow_with(x, n, mul_div_down)
}

/// `x^n` for a RAY-scaled `x`, every multiplication rounded up; `x^0 = RAY`.
pub fn rpow_up(x: U256, n: u64) -> MathResult<U256> {
    rpow_with(x, n, mul_div_up)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MathError;

    #[test]
    fn small_powers() {
        let half = RAY / U256::from(2u64);
        assert_eq!(rpow_down(half, 0), Ok(RAY));
        assert_eq!(rpow_down(half, 1), Ok(half));
        assert_eq!(rpow_down(half, 3), Ok(RAY / U256::from(8u64)));
        assert_eq!(rpow_up(RAY, 1_000_000), Ok(RAY));
        assert_eq!(rpow_down(U256::ZERO, 5), Ok(U256::ZERO));
    }

    #[test]
    fn up_is_never_below_down() {
        let x = RAY * U256::from(98u64) / U256::from(100u64);
        for n in 0..300 {
            assert!(rpow_up(x, n).unwrap() >= rpow_down(x, n).unwrap());
        }
    }

    #[test]
    fn overflow_is_an_error() {
        assert_eq!(rpow_down(U256::MAX, 2), Err(MathError::Overflow));
    }
}
