//! Peer contracts for the OfferBook tests: a stand-in LoanBook (a contract, so `setLoanBook`
//! accepts it) that forwards raw calldata such as `take`, and a wallet-like caller that
//! sends value.
#![allow(missing_docs)]

use alloc::vec::Vec;

use alloy_primitives::{Address, U256};
use stylus_sdk::{abi::Bytes, call::RawCall, prelude::*, storage::StorageU256};

/// Stands in for the LoanBook: forwards calldata to the OfferBook as its own call.
#[storage]
pub struct LoanBookStandIn {
    calls: StorageU256,
}

unsafe impl TopLevelStorage for LoanBookStandIn {}

#[public]
impl LoanBookStandIn {
    /// Calls `target` with `data`; the reply, or the callee's revert data unchanged.
    pub fn forward(&mut self, target: Address, data: Bytes) -> Result<Bytes, Vec<u8>> {
        self.calls.set(self.calls.get() + U256::from(1));
        #[allow(deprecated)]
        let result = unsafe { RawCall::new().call(target, &data) };
        result.map(Bytes::from)
    }
}

/// Forwards raw calldata with value, as a wallet would (to test non-payable functions).
#[storage]
pub struct ValueCaller {
    calls: StorageU256,
}

unsafe impl TopLevelStorage for ValueCaller {}

#[public]
impl ValueCaller {
    /// Calls `target` with `data` and `value`; returns whether it reverted, and the revert
    /// data (motsu replaces an empty revert with a "function not found" text).
    #[payable]
    pub fn call_with_value(&mut self, target: Address, data: Bytes, value: U256) -> (bool, Bytes) {
        self.calls.set(self.calls.get() + U256::from(1));
        #[allow(deprecated)]
        let result = unsafe { RawCall::new_with_value(value).call(target, &data) };
        match result {
            Ok(out) => (false, out.into()),
            Err(err) => (true, err.into()),
        }
    }
}
