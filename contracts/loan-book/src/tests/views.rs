//! The LoanLens's four views, mirrored on the LoanBook for these unit tests only.
//!
//! On chain, `loan`, `loanTerms`, `debt` and `health` live in the LoanLens (contracts/
//! loan-lens), which decodes `LoanBook.loanRecord` with `lien_contract_common::loan`; motsu
//! cannot host that second contract against this one in these tests, so the same shared
//! functions are called here on the record the LoanBook holds, with the same results and
//! errors (a non-active `health` is a `WrongStatus`, as `LoanLensWrongStatus` on chain). The
//! end-to-end suites (tests/) read the real LoanLens on the dev node.
use alloy_primitives::U256;
use alloy_sol_types::SolCall;
use lien_contract_common::loan::{LoanView, TermsView};

use crate::{storage::ACTIVE, Error, LoanBook};

impl LoanBook {
    /// `LoanLens.loan`.
    pub fn loan(&self, loan_id: U256) -> Result<LoanView, Error> {
        Ok(self.load_loan(loan_id)?.view())
    }

    /// `LoanLens.loanTerms`.
    pub fn loan_terms(&self, loan_id: U256) -> Result<TermsView, Error> {
        Ok(self.load_loan(loan_id)?.terms_view())
    }

    /// `LoanLens.debt`.
    pub fn debt(&self, loan_id: U256) -> Result<U256, Error> {
        let l = self.load_loan(loan_id)?;
        Ok(l.debt(self.now())?)
    }

    /// `LoanLens.health` (the same oracle read as `liquidate`).
    pub fn health(&self, loan_id: U256) -> Result<(bool, U256, U256, u8), Error> {
        let l = self.load_loan(loan_id)?;
        if l.status != ACTIVE {
            return Err(Error::status(l.status));
        }
        let (floor, status, _) = self.oracle_price(
            crate::interfaces::liquidationFloorCall::SELECTOR,
            &[lien_contract_common::raw_abi::address_word(l.collection)],
        );
        Ok(l.health(floor, status, self.now())?)
    }
}
