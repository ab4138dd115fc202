//! The LoanBook's loan record: eight storage words whose layout and decoding live in
//! `lien_contract_common::loan` (shared with the LoanLens, which decodes `loanRecord`).

#[allow(unused_imports)] // the SDK macros expand to code that names `vec!` and `Vec`
use alloc::{vec, vec::Vec};
use alloy_primitives::{Address, U256};
use lien_contract_common::loan::{liquidation_word, status_of, with_lender, with_status, with_tip};
pub use lien_contract_common::loan::{
    Loan, ACTIVE, FORECLOSED, IN_AUCTION, LIQUIDATED, NONE, REPAID,
};
use stylus_sdk::prelude::*;
use stylus_sdk::storage::StorageU256;

/// A stored loan: words 0–7 of `lien_contract_common::loan`.
#[storage]
pub struct LoanRecord {
    w0: StorageU256,
    w1: StorageU256,
    w2: StorageU256,
    w3: StorageU256,
    w4: StorageU256,
    w5: StorageU256,
    w6: StorageU256,
    w7: StorageU256,
}

impl LoanRecord {
    /// The eight words as stored (the liquidation words are zero while the loan is active;
    /// only word 0 is read when there is no loan).
    pub fn words(&self) -> [U256; 8] {
        let mut w = [U256::ZERO; 8];
        w[0] = self.w0.get();
        let status = status_of(w[0]);
        if status == NONE {
            return w;
        }
        w[1] = self.w1.get();
        w[2] = self.w2.get();
        w[3] = self.w3.get();
        w[4] = self.w4.get();
        w[5] = self.w5.get();
        if status != ACTIVE {
            w[6] = self.w6.get();
            w[7] = self.w7.get();
        }
        w
    }

    /// A plain copy of the record.
    pub fn fetch(&self) -> Loan {
        Loan::decode(&self.words())
    }

    /// Stores a new active loan (words 0–5 from `Loan::encode_new`).
    pub fn store_new(&mut self, w: [U256; 6]) {
        self.w0.set(w[0]);
        self.w1.set(w[1]);
        self.w2.set(w[2]);
        self.w3.set(w[3]);
        self.w4.set(w[4]);
        self.w5.set(w[5]);
    }

    /// Records a liquidation (status `IN_AUCTION`, the recorded tip, keeper, auction, debt).
    pub fn store_liquidation(
        &mut self,
        keeper: Address,
        frozen_debt: U256,
        tip: U256,
        auction_id: u64,
    ) {
        self.set_status(IN_AUCTION);
        let amounts = self.w5.get();
        self.w5.set(with_tip(amounts, tip));
        self.w6.set(liquidation_word(keeper, auction_id));
        self.w7.set(frozen_debt);
    }

    /// Hands the lender position over.
    pub fn set_lender(&mut self, lender: Address) {
        let w = self.w1.get();
        self.w1.set(with_lender(w, lender));
    }

    /// Sets the status.
    pub fn set_status(&mut self, status: u8) {
        let w = self.w0.get();
        self.w0.set(with_status(w, status));
    }
}
