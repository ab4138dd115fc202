//! Lower median of a small set of prices.

use alloy_primitives::U256;

use crate::{MathError, MathResult};

/// The most values [`lower_median`] accepts.
pub const MAX_MEDIAN_INPUTS: usize = 16;

/// The lower median of `values` (the element at index `(n − 1) / 2` once sorted), for
/// `1 ≤ n ≤ 16`. Sorts `values` in place (insertion sort: no allocation, tiny code).
pub fn lower_median(values: &mut [U256]) -> MathResult<U256> {
    if values.is_empty() || values.len() > MAX_MEDIAN_INPUTS {
        return Err(MathError::BadLength);
    }
    for i in 1..values.len() {
        let mut j = i;
        while j > 0 && values[j - 1] > values[j] {
            values.swap(j - 1, j);
            j -= 1;
        }
    }
    Ok(values[(values.len() - 1) / 2])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn us(xs: &[u64]) -> [U256; 5] {
        let mut out = [U256::ZERO; 5];
        for (o, x) in out.iter_mut().zip(xs) {
            *o = U256::from(*x);
        }
        out
    }

    #[test]
    fn odd_and_even_counts() {
        let mut v = us(&[5, 1, 3, 0, 0]);
        assert_eq!(lower_median(&mut v[..3]), Ok(U256::from(3u64)));
        let mut v = us(&[40, 10, 30, 20, 0]);
        assert_eq!(lower_median(&mut v[..4]), Ok(U256::from(20u64)));
        let mut v = us(&[7, 0, 0, 0, 0]);
        assert_eq!(lower_median(&mut v[..1]), Ok(U256::from(7u64)));
    }

    #[test]
    fn one_outlier_among_three_does_not_move_it() {
        let mut v = [U256::from(100u64), U256::MAX, U256::from(101u64)];
        assert_eq!(lower_median(&mut v), Ok(U256::from(101u64)));
    }

    #[test]
    fn length_limits() {
        assert_eq!(lower_median(&mut []), Err(MathError::BadLength));
        let mut v = [U256::ZERO; MAX_MEDIAN_INPUTS + 1];
        assert_eq!(lower_median(&mut v), Err(MathError::BadLength));
        let mut v = [U256::ZERO; MAX_MEDIAN_INPUTS];
        assert_eq!(lower_median(&mut v), Ok(U256::ZERO));
    }
}
