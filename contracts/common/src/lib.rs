//! Code the Lien contracts share (not a contract itself: no entrypoint, no cdylib).
//!
//! - [`packing`]: small fields in 256-bit words (fewer storage fields keep a contract small);
//! - [`terms`]: the loan-terms snapshot the OfferBook hands the LoanBook at `take`;
//! - [`loan`]: a loan's storage words (LoanBook) and what is derived from them (LoanLens);
//! - [`raw_abi`]: calldata and reply words for the calls between contracts;
//! - [`contract_errors!`]: a contract's `Error` enum with raw-word encoding and callee pass-through;
//! - [`owner`]: a minimal owner with OpenZeppelin `Ownable`'s ABI;
//! - [`log_words`]: events through the raw log host call, from words;
//! - [`has_code`]: whether a code hash belongs to deployed code.
#![cfg_attr(not(test), no_std)]
extern crate alloc;

pub mod errors;
pub mod loan;
pub mod owner;
pub mod packing;
pub mod raw_abi;
pub mod terms;

use alloc::vec::Vec;

/// Emits an event whose fields are all static types, from words: `signature` is the `sol!`
/// event's `SIGNATURE_HASH`, `indexed` its indexed fields and `data` the others, in
/// declaration order (each as [`raw_abi::AbiWord`]). One non-generic routine for every event
/// (the SDK's and alloy's typed encoders cost a few hundred bytes per event type, and the
/// SDK's typed `log` pulls `core::fmt` through an `unwrap`). The contracts' tests compare its
/// logs with the typed events' (`assert_emitted`), so the two cannot drift.
pub fn log_words(
    signature: alloy_primitives::B256,
    indexed: &[alloy_primitives::U256],
    data: &[alloy_primitives::U256],
) {
    let mut topics = Vec::with_capacity(1 + indexed.len());
    topics.push(signature);
    topics.extend(
        indexed
            .iter()
            .map(|w| alloy_primitives::B256::from(w.to_be_bytes::<32>())),
    );
    let mut bytes = Vec::with_capacity(32 * data.len());
    for w in data {
        bytes.extend_from_slice(&w.to_be_bytes::<32>());
    }
    #[allow(deprecated)] // the replacement goes through the `&dyn Host` vtable
    let _ = stylus_sdk::evm::raw_log(&topics, &bytes);
}

/// Whether a code hash belongs to deployed code (not an empty account, not zero).
pub fn has_code(hash: alloy_primitives::B256) -> bool {
    const EMPTY: alloy_primitives::B256 =
        alloy_primitives::b256!("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
    !hash.is_zero() && hash != EMPTY
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_zero_hashes_are_not_code() {
        assert!(!has_code(alloy_primitives::B256::ZERO));
        assert!(!has_code(alloy_primitives::keccak256([])));
        assert!(has_code(alloy_primitives::B256::repeat_byte(1)));
    }
}
