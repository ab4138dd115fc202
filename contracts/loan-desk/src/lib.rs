//! `LoanDesk`: the LoanBook's second code. The LoanBook's fallback runs it by `delegatecall`
//! on the LoanBook's own storage, so integrators call these functions at the LoanBook's
//! address (abi/LoanDesk.sol): refinance by a lender, rollover by the borrower, partial
//! repayment, foreclosure of an unsold auction and the refinance parameter. The logic lives in
//! `lien_loan_book::desk` (tested there with motsu and on the dev node); this crate only routes
//! the selectors. The specification is docs/contracts/loan-desk.md.
//!
//! Called directly (not through the LoanBook) the desk runs on its own empty storage: nothing
//! is wired, so every state-changing function fails (`LoanBookNotWired`, `LoanBookUnknownLoan`
//! or, for the owner's setter, `OwnableUnauthorizedAccount`), and it holds no funds or NFTs.
// The SDK's #[entrypoint] emits an undocumented `user_entrypoint`, hence the allow.
#![allow(missing_docs)]
#![cfg_attr(not(any(test, feature = "export-abi")), no_main, no_std)]
extern crate alloc;

// The panic handler (a trap) comes with the LoanBook library.

#[allow(unused_imports)] // the SDK macros expand to code that names `vec!` and `Vec`
use alloc::{vec, vec::Vec};

use alloy_primitives::{Address, U256};
use lien_loan_book::{desk::DeskError, Error, LoanBook};
use stylus_sdk::prelude::*;

/// The desk's storage: exactly the LoanBook's (the only field, at slot 0).
#[entrypoint]
#[storage]
pub struct LoanDesk {
    book: LoanBook,
}

#[public]
impl LoanDesk {
    /// Repays part of an active loan; returns the principal left (`LoanBook::repay_part`).
    pub fn repay_part(&mut self, loan_id: U256, amount: U256) -> Result<U256, DeskError> {
        self.book.repay_part(loan_id, amount)
    }

    /// A lender takes over an active, healthy loan with its own offer on better terms for the
    /// borrower; returns the debt paid to the old lender (`LoanBook::refinance`).
    pub fn refinance(&mut self, loan_id: U256, offer_id: U256) -> Result<U256, DeskError> {
        self.book.refinance(loan_id, offer_id)
    }

    /// The borrower moves an active loan to a new offer; only the difference moves; returns
    /// the new principal (`LoanBook::rollover`).
    pub fn rollover(&mut self, loan_id: U256, offer_id: U256) -> Result<U256, DeskError> {
        self.book.rollover(loan_id, offer_id)
    }

    /// Hands the lender position of a running loan to `to` (`LoanBook::transfer_loan`).
    pub fn transfer_loan(&mut self, loan_id: U256, to: Address) -> Result<(), Error> {
        self.book.transfer_loan(loan_id, to)
    }

    /// After an unsold auction's tail, gives the NFT to the current lender (`LoanBook::foreclose`).
    pub fn foreclose(&mut self, loan_id: U256) -> Result<(), Error> {
        self.book.foreclose(loan_id)
    }

    /// Sets the refinance minimum APR cut (owner only, at most 1,000 bps).
    pub fn set_refinance_min_cut(&mut self, min_cut_bps: u16) -> Result<(), DeskError> {
        self.book.set_refinance_min_cut(min_cut_bps)
    }

    /// The least APR cut (bps) a refinance must give when it does not lengthen the term.
    pub fn refinance_min_cut(&self) -> u16 {
        self.book.refinance_min_cut()
    }
}
