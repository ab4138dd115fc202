//! Property tests of lien-math against a wider reference type (num-bigint).

use lien_math::*;
use num_bigint::BigUint;
use num_traits::{One, Zero};
use proptest::prelude::*;

fn big(x: U256) -> BigUint {
    BigUint::from_bytes_le(&x.to_le_bytes::<32>())
}

fn fits(x: &BigUint) -> Option<U256> {
    let bytes = x.to_bytes_le();
    (bytes.len() <= 32).then(|| U256::from_le_slice(&bytes))
}

/// A U256 drawn from a mix of magnitudes, so edges (0, 1, MAX, powers of two) come up often.
fn any_u256() -> impl Strategy<Value = U256> {
    prop_oneof![
        any::<[u8; 32]>().prop_map(U256::from_le_bytes),
        any::<u128>().prop_map(U256::from),
        any::<u64>().prop_map(U256::from),
        (0u32..256).prop_map(|s| U256::from(1u64) << s as usize),
        Just(U256::ZERO),
        Just(U256::from(1u64)),
        Just(U256::MAX),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 512,
        // failures are recorded here and replayed first on every run (commit the file)
        failure_persistence: Some(Box::new(
            proptest::test_runner::FileFailurePersistence::Direct("tests/properties.proptest-regressions"),
        )),
        ..ProptestConfig::default()
    })]

    #[test]
    fn mul_div_agrees_with_the_u512_reference(x in any_u256(), y in any_u256(), d in any_u256()) {
        let down = mul_div_down(x, y, d);
        let up = mul_div_up(x, y, d);
        if d.is_zero() {
            prop_assert_eq!(down, Err(MathError::DivisionByZero));
            prop_assert_eq!(up, Err(MathError::DivisionByZero));
        } else {
            let product = big(x) * big(y);
            let q = &product / big(d);
            let exact = (&product % big(d)).is_zero();
            let q_up = if exact { q.clone() } else { &q + BigUint::one() };
            prop_assert_eq!(down.ok(), fits(&q));
            prop_assert_eq!(up.ok(), fits(&q_up));
            if let (Ok(a), Ok(b)) = (down, up) {
                prop_assert!(b - a <= U256::from(1u64));
            }
        }
    }

    #[test]
    fn rpow_brackets_the_exact_power(x in 0u64..=10_000, n in 0u64..64) {
        let ray = big(RAY);
        let base = big(RAY) * BigUint::from(x) / BigUint::from(10_000u64);
        // exact x^n in RAY: base^n / RAY^(n-1)
        let exact_num = base.pow(n as u32);
        let scale = ray.pow(n.saturating_sub(1) as u32);
        let (lo, hi) = if n == 0 { (ray.clone(), ray.clone()) } else {
            let q = &exact_num / &scale;
            let r = (&exact_num % &scale).is_zero();
            (q.clone(), if r { q } else { q + BigUint::one() })
        };
        let xr = fits(&base).unwrap();
        let down = big(rpow_down(xr, n).unwrap());
        let up = big(rpow_up(xr, n).unwrap());
        prop_assert!(down <= lo, "down {} > floor {}", down, lo);
        prop_assert!(up >= hi, "up {} < ceil {}", up, hi);
    }

    #[test]
    fn auction_price_is_non_increasing_and_bounded(
        start in any_u256(),
        floor_share in 0u64..=12_000,
        cut_bps in 1u64..=10_000,
        step in 1u64..=7_200,
        t1 in 0u64..2_000_000,
        dt in 0u64..2_000_000,
    ) {
        let floor = mul_div_down(start, U256::from(floor_share), U256::from(10_000u64)).unwrap_or(start);
        let p1 = auction_price_up(start, floor, cut_bps, step, t1);
        let p2 = auction_price_up(start, floor, cut_bps, step, t1 + dt);
        match (p1, p2) {
            (Ok(p1), Ok(p2)) => {
                prop_assert!(p2 <= p1, "price rose: {} -> {}", p1, p2);
                prop_assert!(p1 <= start);
                prop_assert!(p2 >= floor.min(start));
                if !start.is_zero() && cut_bps > 0 { prop_assert!(!p2.is_zero()); }
                // constant within a step
                let same_step = t1 - t1 % step;
                prop_assert_eq!(auction_price_up(start, floor, cut_bps, step, same_step).unwrap(), p1);
            }
            // only a start price so large that start × factor overflows may fail
            (a, b) => prop_assert!(start > U256::MAX >> 90, "{:?} {:?}", a, b),
        }
    }

    #[test]
    fn auction_price_at_start_is_the_start_price(start in any::<u128>(), cut_bps in 0u64..=10_000, step in 1u64..1_000) {
        let start = U256::from(start);
        prop_assert_eq!(auction_price_up(start, U256::ZERO, cut_bps, step, step - 1), Ok(start));
    }

    #[test]
    fn interest_rounds_up_and_is_monotone(
        principal in any::<u128>(), apr in 0u64..=100_000, t in 0u64..=(10 * SECONDS_PER_YEAR),
        dp in any::<u64>(), dapr in 0u64..=1_000, dt in 0u64..=SECONDS_PER_YEAR,
    ) {
        let p = U256::from(principal);
        let i = interest_up(p, apr, t).unwrap();
        let exact_num = big(p) * BigUint::from(apr) * BigUint::from(t);
        let den = BigUint::from(10_000u64) * BigUint::from(SECONDS_PER_YEAR);
        prop_assert!(big(i) * &den >= exact_num, "interest rounded down");
        prop_assert!(big(i) * &den < exact_num + &den, "interest over by more than one unit");
        prop_assert!(interest_up(p, apr, t + dt).unwrap() >= i);
        prop_assert!(interest_up(p, apr + dapr, t).unwrap() >= i);
        prop_assert!(interest_up(p + U256::from(dp), apr, t).unwrap() >= i);
        prop_assert_eq!(debt_up(p, apr, t).unwrap(), p + i);
    }

    #[test]
    fn mul2_div2_agrees_with_the_wide_reference(
        x in any_u256(), a in any::<u64>(), b in any::<u64>(),
        d1 in prop_oneof![any::<u32>(), Just(1u32), Just(10_000u32)],
        d2 in prop_oneof![any::<u32>(), Just(1u32), Just(31_536_000u32)],
    ) {
        let got = small_div::mul2_div2_rem(x, a, b, d1, d2);
        let up = small_div::mul2_div2_up(x, a, b, d1, d2);
        if d1 == 0 || d2 == 0 {
            prop_assert_eq!(got, Err(MathError::DivisionByZero));
            prop_assert_eq!(up, Err(MathError::DivisionByZero));
        } else {
            let product = big(x) * BigUint::from(a) * BigUint::from(b);
            let d = BigUint::from(d1) * BigUint::from(d2);
            let q = &product / &d;
            let inexact = !(&product % &d).is_zero();
            prop_assert_eq!(got.ok(), fits(&q).map(|q| (q, inexact)));
            let q_up = if inexact { &q + BigUint::one() } else { q };
            prop_assert_eq!(up.ok(), fits(&q_up));
        }
    }

    #[test]
    fn mul_div2_with_a_u128_factor_agrees_with_the_wide_reference(
        x in any_u256(), f in any::<u128>(),
        d1 in prop_oneof![any::<u32>(), Just(1u32), Just(10_000u32)],
        d2 in prop_oneof![any::<u32>(), Just(1u32), Just(31_536_000u32)],
    ) {
        let got = small_div::mul_div2_rem(x, f, d1, d2);
        let up = small_div::mul_div2_up(x, f, d1, d2);
        if d1 == 0 || d2 == 0 {
            prop_assert_eq!(got, Err(MathError::DivisionByZero));
            prop_assert_eq!(up, Err(MathError::DivisionByZero));
        } else {
            let product = big(x) * BigUint::from(f);
            let d = BigUint::from(d1) * BigUint::from(d2);
            let q = &product / &d;
            let inexact = !(&product % &d).is_zero();
            prop_assert_eq!(got.ok(), fits(&q).map(|q| (q, inexact)));
            let q_up = if inexact { &q + BigUint::one() } else { q };
            prop_assert_eq!(up.ok(), fits(&q_up));
        }
    }

    #[test]
    fn loan_debt_rounds_up_once_and_keeps_growing_after_due(
        principal in prop_oneof![any::<u128>().prop_map(U256::from), any_u256()],
        apr in prop_oneof![0u32..=65_535, any::<u32>()], premium in prop_oneof![0u32..=10_000, any::<u32>()],
        start in 0u64..=(1 << 40), term in 0u64..=(2 * SECONDS_PER_YEAR),
        t in prop_oneof![0u64..=(4 * SECONDS_PER_YEAR), any::<u64>()], dt in 0u64..=SECONDS_PER_YEAR,
    ) {
        let due = start + term;
        let now = start.saturating_add(t);
        let got = loan_debt_up(principal, apr, premium, start, due, now);
        // the reference: bps-seconds in each period, in arbitrary precision
        let in_term = BigUint::from(now.min(due).saturating_sub(start));
        let overdue = BigUint::from(now.saturating_sub(due));
        let rate_time = BigUint::from(apr) * in_term
            + (BigUint::from(apr) + BigUint::from(premium)) * overdue;
        let num = big(principal) * rate_time;
        let den = BigUint::from(10_000u64) * BigUint::from(SECONDS_PER_YEAR);
        let q = &num / &den;
        let interest = if (&num % &den).is_zero() { q } else { q + BigUint::one() };
        let exact = big(principal) + interest;
        prop_assert_eq!(got.ok(), fits(&exact));
        if let Ok(debt) = got {
            // before the due time it is the plain debt; after it, it never falls
            if now <= due {
                prop_assert_eq!(Ok(debt), debt_up(principal, u64::from(apr), now - start));
            }
            if let Ok(later) = loan_debt_up(principal, apr, premium, start, due, now.saturating_add(dt)) {
                prop_assert!(later >= debt);
                // an overdue loan costs at least what the plain APR would charge
                if let Ok(plain) = loan_debt_up(principal, apr, 0, start, due, now.saturating_add(dt)) {
                    prop_assert!(later >= plain);
                }
            }
        }
    }

    #[test]
    fn bps_helpers_equal_the_general_mul_div(amount in any_u256(), bps in any::<u64>()) {
        let bps_word = U256::from(bps);
        let ten_k = U256::from(10_000u64);
        prop_assert_eq!(bps_mul_down(amount, bps), mul_div_down(amount, bps_word, ten_k));
        prop_assert_eq!(bps_mul_up(amount, bps), mul_div_up(amount, bps_word, ten_k));
    }

    #[test]
    fn payouts_round_down_and_debts_up(amount in any_u256(), bps in 0u64..=20_000) {
        let exact_num = big(amount) * BigUint::from(bps);
        let den = BigUint::from(10_000u64);
        if let Ok(down) = bps_mul_down(amount, bps) { prop_assert!(big(down) * &den <= exact_num); }
        if let Ok(up) = bps_mul_up(amount, bps) { prop_assert!(big(up) * &den >= exact_num); }
    }

    #[test]
    fn ltv_and_health_are_exact(amount in any_u256(), price in any_u256(), bps in 0u64..=10_000) {
        let lhs = big(amount) * BigUint::from(10_000u64);
        let rhs = big(price) * BigUint::from(bps);
        prop_assert_eq!(fits_ltv(amount, price, bps), lhs <= rhs);
        prop_assert_eq!(is_healthy(amount, price, bps), lhs <= rhs);
        if let Ok(max) = max_borrow_down(price, bps) {
            prop_assert!(fits_ltv(max, price, bps), "borrowing the maximum must fit");
            if max < U256::MAX {
                prop_assert!(!fits_ltv(max + U256::from(1u64), price, bps), "the maximum must be the largest");
            }
        }
    }

    #[test]
    fn split_parts_sum_exactly(amount in any_u256(), claims in proptest::array::uniform4(any_u256())) {
        let (parts, rest) = split_waterfall(amount, claims);
        let total = parts.iter().fold(big(rest), |acc, p| acc + big(*p));
        prop_assert_eq!(total, big(amount));
        for (p, c) in parts.iter().zip(claims) { prop_assert!(*p <= c); }
        // a later claim is only paid once every earlier claim is paid in full
        for i in 1..4 {
            if !parts[i].is_zero() { prop_assert_eq!(parts[i - 1], claims[i - 1]); }
        }
    }

    #[test]
    fn median_is_an_input_within_min_and_max(values in proptest::collection::vec(any_u256(), 1..=16)) {
        let mut sorted = values.clone();
        let m = lower_median(&mut sorted).unwrap();
        let min = *values.iter().min().unwrap();
        let max = *values.iter().max().unwrap();
        prop_assert!(min <= m && m <= max);
        prop_assert!(values.contains(&m));
        let below = values.iter().filter(|v| **v < m).count();
        let at_most = values.iter().filter(|v| **v <= m).count();
        let k = (values.len() - 1) / 2;
        prop_assert!(below <= k && k < at_most);
        let mut reversed: Vec<U256> = values.iter().rev().copied().collect();
        prop_assert_eq!(lower_median(&mut reversed).unwrap(), m, "order must not matter");
    }

    #[test]
    fn twap_is_the_time_weighted_mean(levels in proptest::collection::vec((any::<u64>(), 1u64..100_000), 1..8)) {
        let mut cumulative = U256::ZERO;
        let mut weighted = BigUint::zero();
        let mut window = 0u64;
        for (price, secs) in &levels {
            cumulative = twap_accumulate(cumulative, U256::from(*price), *secs).unwrap();
            weighted += BigUint::from(*price) * BigUint::from(*secs);
            window += secs;
        }
        let avg = twap_average_down(cumulative, U256::ZERO, window).unwrap();
        prop_assert_eq!(big(avg), weighted / BigUint::from(window));
    }
}
