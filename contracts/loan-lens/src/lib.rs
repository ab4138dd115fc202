//! `LoanLens`: the named views of Lien's loans.
//!
//! The LoanBook keeps each loan in eight packed storage words and exposes them raw
//! (`loanRecord`); this contract decodes them (`lien_contract_common::loan`, the one definition
//! of the layout) into the views integrators read: `loan`, `loanTerms`, `debt` and `health`
//! (the last with the oracle's `liquidationFloor`). It has no state but the LoanBook's address,
//! no owner and no function that changes anything; a failing LoanBook call's revert data
//! (e.g. `LoanBookUnknownLoan`) passes through unchanged. Keeping the views here leaves the
//! LoanBook room under the code-size limit. Specification: docs/contracts/loan-lens.md.
// The SDK's #[entrypoint] emits an undocumented `user_entrypoint`, hence the allow.
#![allow(missing_docs)]
#![cfg_attr(not(any(test, feature = "export-abi")), no_main, no_std)]
extern crate alloc;

/// Without `std` there is no panic machinery: a panic, which no input can reach, traps.
#[cfg(all(target_arch = "wasm32", not(any(test, feature = "export-abi"))))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

#[allow(unused_imports)] // the SDK macros expand to code that names `vec!` and `Vec`
use alloc::{vec, vec::Vec};

use alloy_primitives::{Address, U256};
use alloy_sol_types::{sol, SolCall};
use lien_contract_common::{
    has_code,
    loan::{Loan, LoanView, TermsView, ACTIVE},
    raw_abi::{address, address_word, calldata, small, word},
};
use stylus_sdk::{prelude::*, storage::StorageAddress, stylus_core::calls::context::Call};

mod errors;
pub use errors::*;

/// Reported oracle status when the oracle call itself failed (as the LoanBook reports it).
pub const ORACLE_CALL_FAILED: u8 = 255;

sol! {
    // LoanBook
    function loanRecord(uint256 loanId) external view returns (uint256[8]);
    function siblings() external view returns (address offerBook, address vault, address oracle,
        address liquidator);
    // price oracle
    function liquidationFloor(address collection) external view returns (uint256 price, uint8 status);
}

/// The lens's storage: the LoanBook it reads.
#[entrypoint]
#[storage]
pub struct LoanLens {
    loan_book: StorageAddress,
}

#[public]
impl LoanLens {
    /// Reads `loan_book` (must be a contract) for its whole life.
    #[constructor]
    pub fn constructor(&mut self, loan_book: Address) -> Result<(), Error> {
        if loan_book.is_zero() || !has_code(self.vm().code_hash(loan_book)) {
            return Err(Error::NoCode(LoanLensNoCode { account: loan_book }));
        }
        self.loan_book.set(loan_book);
        Ok(())
    }

    /// The LoanBook this lens reads.
    pub fn loan_book(&self) -> Address {
        self.loan_book.get()
    }

    /// `(borrower, lender, currency, collection, tokenId, principal, aprBps, start, due,
    /// status, frozenDebt, auctionId, keeper)`.
    pub fn loan(&self, loan_id: U256) -> Result<LoanView, Error> {
        Ok(self.record(loan_id)?.view())
    }

    /// The loan's snapshot: `(gracePeriod, liqThresholdBps, liqPenaltyBps, feeBps, tipBps,
    /// auctionStartBps, auctionCutBps, auctionStep, auctionTail, tip)`.
    pub fn loan_terms(&self, loan_id: U256) -> Result<TermsView, Error> {
        Ok(self.record(loan_id)?.terms_view())
    }

    /// What `repay` would cost now: principal + interest while active (default interest after
    /// the due time), frozen debt + penalty in auction, 0 once closed.
    pub fn debt(&self, loan_id: U256) -> Result<U256, Error> {
        let l = self.record(loan_id)?;
        Ok(l.debt(self.vm().block_timestamp())?)
    }

    /// An active loan's health: `(healthy, debt, maxDebt, oracleStatus)` with `maxDebt =
    /// ⌊collateral price × liqThreshold⌋` (0 when the oracle has no usable price), the
    /// collateral price being `liquidationFloor` × the loan's multiplier snapshot; the status
    /// is 255 when the oracle call failed.
    pub fn health(&self, loan_id: U256) -> Result<(bool, U256, U256, u8), Error> {
        let l = self.record(loan_id)?;
        if l.status != ACTIVE {
            return Err(Error::WrongStatus(LoanLensWrongStatus { status: l.status }));
        }
        let (floor, status) = self.floor(l.collection)?;
        Ok(l.health(floor, status, self.vm().block_timestamp())?)
    }
}

/// Internal helpers (not part of the ABI).
impl LoanLens {
    /// A static call; the callee's revert data, or `LoanLensCallFailed` when it gave none.
    fn view(&self, target: Address, data: &[u8]) -> Result<Vec<u8>, Error> {
        self.vm()
            .static_call(&Call::new(), target, data)
            .map_err(|e| match Vec::<u8>::from(e) {
                reason if reason.is_empty() => Error::CallFailed(LoanLensCallFailed {}),
                reason => Error::Callee(reason),
            })
    }

    /// The loan, decoded from `LoanBook.loanRecord`.
    fn record(&self, loan_id: U256) -> Result<Loan, Error> {
        let reply = self.view(
            self.loan_book.get(),
            &calldata(loanRecordCall::SELECTOR, &[loan_id]),
        )?;
        let mut w = [U256::ZERO; 8];
        for (i, slot) in w.iter_mut().enumerate() {
            *slot = word(&reply, i).ok_or(Error::CallFailed(LoanLensCallFailed {}))?;
        }
        Ok(Loan::decode(&w))
    }

    /// The oracle's `(liquidationFloor, status)` for `collection` (the LoanBook's wired
    /// oracle), or `(0, ORACLE_CALL_FAILED)` when the oracle call fails.
    fn floor(&self, collection: Address) -> Result<(U256, u8), Error> {
        let siblings = self.view(self.loan_book.get(), &calldata(siblingsCall::SELECTOR, &[]))?;
        let oracle = address(&siblings, 2).ok_or(Error::CallFailed(LoanLensCallFailed {}))?;
        let args = [address_word(collection)];
        Ok(self
            .view(oracle, &calldata(liquidationFloorCall::SELECTOR, &args))
            .ok()
            .and_then(|r| Some((word(&r, 0)?, small(&r, 1)?)))
            .unwrap_or((U256::ZERO, ORACLE_CALL_FAILED)))
    }
}
