//! Splitting an amount among ranked claims so the parts always sum exactly to it.

use alloy_primitives::U256;

/// Pays `claims` in order, each taking `min(claim, what is left)`; returns the parts and the
/// remainder (what no claim took). `parts.sum() + remainder == amount` always holds, and a part
/// never exceeds its claim, so nothing is created or lost by rounding.
pub fn split_waterfall<const N: usize>(amount: U256, claims: [U256; N]) -> ([U256; N], U256) {
    let mut left = amount;
    let mut parts = [U256::ZERO; N];
    for (part, claim) in parts.iter_mut().zip(claims) {
        *part = claim.min(left);
        left -= *part; // part ≤ left, so this cannot underflow
    }
    (parts, left)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(x: u64) -> U256 {
        U256::from(x)
    }

    #[test]
    fn pays_in_order_and_keeps_the_rest() {
        assert_eq!(
            split_waterfall(u(100), [u(5), u(60), u(10)]),
            ([u(5), u(60), u(10)], u(25))
        );
        assert_eq!(
            split_waterfall(u(50), [u(5), u(60), u(10)]),
            ([u(5), u(45), u(0)], u(0))
        );
        assert_eq!(split_waterfall(u(0), [u(5)]), ([u(0)], u(0)));
    }
}
