//! Division by small divisors, and the price and lending helpers built on it.
//!
//! [`div_rem_u64`] is a bit-serial long division of a 256-bit value by a 64-bit divisor;
//! [`mul_div2_rem`] (and [`mul2_div2_rem`]) multiply into 384 bits and divide by 32-bit
//! divisors digit by digit.
//! Both are exact, small in wasm, and need no 256/512-bit divider. Contracts whose divisors
//! fit (basis points, seconds, powers of ten up to 10^19) use these to stay small; results
//! equal the general functions'.

use alloy_primitives::U256;

use crate::{MathError, MathResult, BPS};

/// `(⌊x / d⌋, x mod d)`; [`MathError::DivisionByZero`] when `d == 0`.
pub fn div_rem_u64(x: U256, d: u64) -> MathResult<(U256, u64)> {
    if d == 0 {
        return Err(MathError::DivisionByZero);
    }
    let limbs = x.as_limbs();
    let mut q = [0u64; 4];
    let mut r: u64 = 0;
    for (limb, q_limb) in limbs.iter().zip(q.iter_mut()).rev() {
        for bit in (0..64).rev() {
            // r < d, so 2r + 1 < 2^65: the bit shifted out of r is the 65th bit of the value.
            let carry = r >> 63;
            r = (r << 1) | ((limb >> bit) & 1);
            if carry == 1 || r >= d {
                r = r.wrapping_sub(d);
                *q_limb |= 1 << bit;
            }
        }
    }
    Ok((U256::from_limbs(q), r))
}

/// `(⌊x × a × b / (d1 × d2)⌋, whether a remainder was left)`: [`mul_div2_rem`] with the
/// factor `a × b` (exact in 128 bits). The small-divisor twin of [`crate::mul_div_down`]:
/// equal results.
pub fn mul2_div2_rem(x: U256, a: u64, b: u64, d1: u32, d2: u32) -> MathResult<(U256, bool)> {
    mul_div2_rem(x, u128::from(a) * u128::from(b), d1, d2)
}

/// `(⌊x × f / (d1 × d2)⌋, whether a remainder was left)`, exact through a 384-bit product
/// (so it never overflows in the middle). The division is a schoolbook long division by each
/// 32-bit divisor in turn, on 32-bit digits with native `u64` division (24 steps, where a
/// bit-serial division takes 384): `⌊⌊n / d1⌋ / d2⌋ = ⌊n / (d1 d2)⌋`, and the remainder of
/// `n / (d1 d2)` is zero exactly when both partial remainders are.
/// [`MathError::DivisionByZero`] when a divisor is 0, [`MathError::Overflow`] when the quotient
/// needs more than 256 bits.
pub fn mul_div2_rem(x: U256, f: u128, d1: u32, d2: u32) -> MathResult<(U256, bool)> {
    if d1 == 0 || d2 == 0 {
        return Err(MathError::DivisionByZero);
    }
    // n = x × f in six limbs (256 + 128 bits): one pass per 64-bit half of the factor. Each
    // step adds at most (2^64 − 1)^2 + 2 (2^64 − 1) = 2^128 − 1: it never overflows a u128.
    let mut n = [0u64; 6];
    for (j, factor) in [f as u64, (f >> 64) as u64].into_iter().enumerate() {
        let mut carry = 0u128;
        for (i, limb) in x.as_limbs().iter().enumerate() {
            let v = u128::from(n[i + j]) + u128::from(*limb) * u128::from(factor) + carry;
            n[i + j] = v as u64;
            carry = v >> 64;
        }
        n[4 + j] = carry as u64;
    }
    let mut inexact = false;
    for d in [d1, d2] {
        if d == 1 {
            continue;
        }
        let d = u64::from(d);
        // r < d < 2^32, so `r << 32 | digit` fits in a u64.
        let mut r = 0u64;
        for limb in n.iter_mut().rev() {
            let high = (r << 32) | (*limb >> 32);
            let (q_high, r_high) = (high / d, high % d);
            let low = (r_high << 32) | (*limb & 0xFFFF_FFFF);
            *limb = (q_high << 32) | (low / d);
            r = low % d;
        }
        inexact |= r != 0;
    }
    if n[4] != 0 || n[5] != 0 {
        return Err(MathError::Overflow);
    }
    Ok((U256::from_limbs([n[0], n[1], n[2], n[3]]), inexact))
}

/// `⌈x × f / (d1 × d2)⌉` through [`mul_div2_rem`]; errors as there.
pub fn mul_div2_up(x: U256, f: u128, d1: u32, d2: u32) -> MathResult<U256> {
    let (q, inexact) = mul_div2_rem(x, f, d1, d2)?;
    if inexact {
        q.checked_add(U256::from_limbs([1, 0, 0, 0]))
            .ok_or(MathError::Overflow)
    } else {
        Ok(q)
    }
}

/// `⌈x × a × b / (d1 × d2)⌉` through [`mul2_div2_rem`]; errors as there.
pub fn mul2_div2_up(x: U256, a: u64, b: u64, d1: u32, d2: u32) -> MathResult<U256> {
    mul_div2_up(x, u128::from(a) * u128::from(b), d1, d2)
}

/// `⌊amount × bps / 10_000⌋`; [`MathError::Overflow`] when `amount × bps` exceeds 256 bits.
pub fn bps_mul_down_small(amount: U256, bps: u64) -> MathResult<U256> {
    let product = amount
        .checked_mul(U256::from_limbs([bps, 0, 0, 0]))
        .ok_or(MathError::Overflow)?;
    Ok(div_rem_u64(product, BPS)?.0)
}

/// Whether `(max − min) × 10_000 > reference × bps`, decided exactly (the spread of
/// `[min, max]` around `reference` exceeds `bps`). [`MathError::Underflow`] when
/// `max < min`, [`MathError::Overflow`] when a product exceeds 256 bits.
pub fn spread_exceeds_bps(min: U256, max: U256, reference: U256, bps: u64) -> MathResult<bool> {
    let width = max.checked_sub(min).ok_or(MathError::Underflow)?;
    let lhs = width
        .checked_mul(U256::from_limbs([BPS, 0, 0, 0]))
        .ok_or(MathError::Overflow)?;
    let rhs = reference
        .checked_mul(U256::from_limbs([bps, 0, 0, 0]))
        .ok_or(MathError::Overflow)?;
    Ok(lhs > rhs)
}

/// `⌊(cumulative_now − cumulative_then) / window⌋`, as [`crate::twap_average_down`].
pub fn twap_average_down_small(
    cumulative_now: U256,
    cumulative_then: U256,
    window: u64,
) -> MathResult<U256> {
    let area = cumulative_now
        .checked_sub(cumulative_then)
        .ok_or(MathError::Underflow)?;
    Ok(div_rem_u64(area, window)?.0)
}

/// `⌊x / 10^exp⌋` (any `exp`; the result is zero once `10^exp > x`).
pub fn div_pow10_down(x: U256, exp: u32) -> U256 {
    let mut x = x;
    let mut left = exp;
    while left > 0 && !x.is_zero() {
        let step = left.min(19); // 10^19 < 2^64
        let (q, _) = div_rem_u64(x, 10u64.pow(step)).unwrap_or((U256::ZERO, 0));
        x = q;
        left -= step;
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{bps_mul_down, spread_bps_up, twap_average_down};

    fn u(x: u64) -> U256 {
        U256::from(x)
    }

    #[test]
    fn division_matches_ruint() {
        let xs = [
            U256::ZERO,
            u(1),
            u(9_999),
            u(10_000),
            U256::MAX,
            U256::MAX - u(12_345),
            U256::from(1u64) << 200,
            u(u64::MAX),
        ];
        let ds = [
            1u64,
            2,
            3,
            7,
            10,
            10_000,
            86_400,
            u64::MAX,
            u64::MAX - 1,
            1 << 63,
        ];
        for x in xs {
            for d in ds {
                let (q, r) = div_rem_u64(x, d).unwrap();
                assert_eq!(q, x / u(d), "{x} / {d}");
                assert_eq!(U256::from(r), x % u(d), "{x} % {d}");
            }
        }
        assert_eq!(div_rem_u64(u(1), 0), Err(MathError::DivisionByZero));
    }

    #[test]
    fn helpers_match_the_general_functions() {
        let big = U256::from(1u64) << 128;
        for (a, b) in [(u(999), 4_000u64), (big, 30_000), (u(7), 10_000), (u(0), 5)] {
            assert_eq!(bps_mul_down_small(a, b), bps_mul_down(a, b));
        }
        assert_eq!(bps_mul_down_small(U256::MAX, 2), Err(MathError::Overflow));
        for (lo, hi, r, bps) in [
            (90u64, 110u64, 100u64, 2_000u64),
            (90, 110, 100, 1_999),
            (85, 100, 100, 1_500),
            (1, 2, 3, 3_333),
            (1, 2, 3, 3_334),
        ] {
            let general = spread_bps_up(u(lo), u(hi), u(r)).unwrap() > u(bps);
            assert_eq!(
                spread_exceeds_bps(u(lo), u(hi), u(r), bps),
                Ok(general),
                "{lo} {hi} {r} {bps}"
            );
        }
        assert_eq!(
            spread_exceeds_bps(u(2), u(1), u(1), 1),
            Err(MathError::Underflow)
        );
        assert_eq!(
            spread_exceeds_bps(U256::ZERO, U256::MAX, u(1), 1),
            Err(MathError::Overflow)
        );
        assert_eq!(
            twap_average_down_small(u(1_000), u(100), 7),
            twap_average_down(u(1_000), u(100), 7)
        );
        assert_eq!(
            twap_average_down_small(u(1), u(2), 7),
            Err(MathError::Underflow)
        );
        assert_eq!(
            twap_average_down_small(u(1), u(0), 0),
            Err(MathError::DivisionByZero)
        );
        let x = U256::from(123_456_789u64) * U256::from(10u64).pow(U256::from(30u64));
        assert_eq!(div_pow10_down(x, 30), u(123_456_789));
        assert_eq!(div_pow10_down(x, 33), u(123_456));
        assert_eq!(div_pow10_down(x, 0), x);
        assert_eq!(div_pow10_down(x, 200), U256::ZERO);
        assert_eq!(
            div_pow10_down(U256::MAX, 19),
            U256::MAX / u(10_000_000_000_000_000_000)
        );
    }
}
