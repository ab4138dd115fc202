//! Hand-rolled ABI encoding of the oracle's events and errors.
//!
//! Every event and error field is a static type, so an encoding is a selector (errors) or a
//! list of topics (events) followed by 32-byte words. One non-generic encoder replaces the
//! generic encoder the SDK instantiates per event and per error (kilobytes of wasm); the tests
//! check that the bytes equal `alloy_sol_types`' encoding of the `sol!` definitions.

use alloc::vec::Vec;

use alloy_primitives::{Address, B256, U256};

/// An address as an ABI word (left-padded).
pub fn addr(a: Address) -> U256 {
    U256::from_be_bytes(a.into_word().0)
}

/// An unsigned integer of at most 64 bits as an ABI word.
pub fn num(x: u64) -> U256 {
    U256::from_limbs([x, 0, 0, 0])
}

/// An address as an indexed-event topic.
pub fn topic(a: Address) -> B256 {
    a.into_word()
}

/// `selector ‖ args` (custom-error revert data).
pub fn error_data(selector: [u8; 4], args: &[U256]) -> Vec<u8> {
    let mut out = Vec::with_capacity(4 + 32 * args.len());
    out.extend_from_slice(&selector);
    for a in args {
        out.extend_from_slice(&a.to_be_bytes::<32>());
    }
    out
}

/// `topics ‖ data` in the layout of the `emit_log` host call.
pub fn log_data(topics: &[B256], data: &[U256]) -> Vec<u8> {
    let mut out = Vec::with_capacity(32 * (topics.len() + data.len()));
    for t in topics {
        out.extend_from_slice(t.as_slice());
    }
    for d in data {
        out.extend_from_slice(&d.to_be_bytes::<32>());
    }
    out
}
