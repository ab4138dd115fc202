//! Chainlink `AggregatorV3Interface` calls, encoded and decoded by hand (a failing call or
//! malformed return data is "no value", never a revert).

use alloy_primitives::{I256, U256};

/// `decimals()` selector.
pub const DECIMALS: [u8; 4] = [0x31, 0x3c, 0xe5, 0x67];
/// `latestRoundData()` selector.
pub const LATEST_ROUND_DATA: [u8; 4] = [0xfe, 0xaf, 0x96, 0x8c];

/// The fields of `latestRoundData()` the oracle uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Round {
    /// `answer`.
    pub answer: I256,
    /// `startedAt`.
    pub started_at: U256,
    /// `updatedAt`.
    pub updated_at: U256,
}

fn word(data: &[u8], i: usize) -> Option<[u8; 32]> {
    let start = i.checked_mul(32)?;
    data.get(start..start.checked_add(32)?)?.try_into().ok()
}

/// Whether an ABI word holds a `uint80` (its top 22 bytes are zero).
fn is_uint80(w: &[u8; 32]) -> bool {
    w.iter().take(22).all(|b| *b == 0)
}

/// Decodes `(uint80, int256, uint256, uint256, uint80)`; `None` unless exactly five words
/// with both round ids below 2^80.
pub fn decode_round(data: &[u8]) -> Option<Round> {
    if data.len() != 5 * 32 || !is_uint80(&word(data, 0)?) || !is_uint80(&word(data, 4)?) {
        return None;
    }
    Some(Round {
        answer: I256::from_raw(U256::from_be_bytes(word(data, 1)?)),
        started_at: U256::from_be_bytes(word(data, 2)?),
        updated_at: U256::from_be_bytes(word(data, 3)?),
    })
}

/// Decodes a `uint8` return; `None` unless exactly one word below 256.
pub fn decode_decimals(data: &[u8]) -> Option<u8> {
    let w = word(data, 0)?;
    if data.len() != 32 || w.iter().take(31).any(|b| *b != 0) {
        return None;
    }
    Some(w[31])
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::keccak256;

    #[test]
    fn selectors_match_the_signatures() {
        assert_eq!(keccak256("decimals()")[..4], DECIMALS);
        assert_eq!(keccak256("latestRoundData()")[..4], LATEST_ROUND_DATA);
    }

    #[test]
    fn decodes_and_rejects() {
        let mut d = [0u8; 160];
        d[31] = 7;
        d[63] = 0xff;
        d[32..63].fill(0xff); // answer = -1
        d[95] = 5;
        d[127] = 9;
        let r = decode_round(&d).unwrap();
        assert_eq!(
            (r.answer, r.started_at, r.updated_at),
            (I256::MINUS_ONE, U256::from(5), U256::from(9))
        );
        assert_eq!(decode_round(&d[..128]), None);
        d[21] = 1; // round id ≥ 2^80
        assert_eq!(decode_round(&d), None);
        let mut w = [0u8; 32];
        w[31] = 8;
        assert_eq!(decode_decimals(&w), Some(8));
        w[30] = 1;
        assert_eq!(decode_decimals(&w), None);
        assert_eq!(decode_decimals(&w[..31]), None);
    }
}
