//! The LoanLens's custom errors (it emits no events: it has no state to change).
#![allow(missing_docs)] // sol! items are documented here, in one place, and in docs/contracts/loan-lens.md

#[allow(unused_imports)] // the error macro expands to code that names `vec!` and `Vec`
use alloc::{vec, vec::Vec};
use alloy_sol_types::sol;

sol! {
    /// The LoanBook address given at deployment has no code.
    #[derive(Debug)]
    error LoanLensNoCode(address account);
    /// `health` is for active loans; this one has `status`.
    #[derive(Debug)]
    error LoanLensWrongStatus(uint8 status);
    /// A call to the LoanBook reverted without data or returned malformed data.
    #[derive(Debug)]
    error LoanLensCallFailed();
    /// An arithmetic overflow (a debt beyond 256 bits).
    #[derive(Debug)]
    error LoanLensMath();
}

lien_contract_common::contract_errors! {
    /// See [`LoanLensNoCode`].
    NoCode(LoanLensNoCode { account }),
    /// See [`LoanLensWrongStatus`].
    WrongStatus(LoanLensWrongStatus { status }),
    /// See [`LoanLensCallFailed`].
    CallFailed(LoanLensCallFailed {}),
    /// See [`LoanLensMath`].
    Math(LoanLensMath {}),
}

impl From<lien_math::MathError> for Error {
    fn from(_: lien_math::MathError) -> Self {
        Error::Math(LoanLensMath {})
    }
}
