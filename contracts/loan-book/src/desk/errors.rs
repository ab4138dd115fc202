//! The LoanDesk's own custom errors and events (documented in docs/contracts/loan-desk.md).
//! The LoanBook's errors (`LoanBook…`) reach a desk caller unchanged through
//! [`DeskError::Callee`].
#![allow(missing_docs)] // sol! expands to items without docs; each one is documented here

#[allow(unused_imports)] // the SDK macros expand to code that names `vec!` and `Vec`
use alloc::{vec, vec::Vec};
use alloy_sol_types::sol;
use lien_math::MathError;

sol! {
    /// Only the loan's borrower may roll it over.
    #[derive(Debug)]
    error LoanDeskNotBorrower();
    /// Only the offer's lender may refinance with it.
    #[derive(Debug)]
    error LoanDeskNotOfferLender();
    /// The offer lends another currency or against another collection than the loan.
    #[derive(Debug)]
    error LoanDeskOfferMismatch();
    /// The offer's principal is below the debt it must pay off.
    #[derive(Debug)]
    error LoanDeskOfferTooSmall(uint256 needed);
    /// The refinance is not strictly better for the borrower: it needs an APR of at most
    /// `maxAprBps` (the governed minimum cut below the loan's), or, at no higher APR, a due
    /// time after `minDue`; never a higher APR or an earlier due time.
    #[derive(Debug)]
    error LoanDeskNotBetter(uint16 maxAprBps, uint64 minDue);
    /// The loan is past its due time: it can be repaid or liquidated, not refinanced.
    #[derive(Debug)]
    error LoanDeskPastDue(uint64 due);
    /// The loan is not healthy (debt above the liquidation threshold of its collateral).
    #[derive(Debug)]
    error LoanDeskNotHealthy();
    /// A partial repayment of the whole debt or more: use `repay`.
    #[derive(Debug)]
    error LoanDeskPartCoversDebt(uint256 debt);
    /// A partial repayment must pay more than the accrued interest.
    #[derive(Debug)]
    error LoanDeskPartBelowInterest(uint256 interest);
    /// The refinance minimum cut is above its hard bound.
    #[derive(Debug)]
    error LoanDeskMinCutOutOfBounds(uint16 max);

    /// Part of a loan was repaid by `payer`: `amount = interest + (principal paid)`, of which
    /// `toLender` is claimable by the lender and `toReserve` is the protocol fee on the interest;
    /// `principalLeft` accrues from now.
    #[derive(Debug)]
    event LoanRepaidPart(uint256 indexed loanId, address indexed payer, uint256 amount, uint256 interest,
        uint256 principalLeft, uint256 toLender, uint256 toReserve);
    /// A lender refinanced a loan with its offer: the old lender was paid `debt` (`toOldLender`
    /// claimable, `toReserve` the fee on the interest), which is the loan's new principal; what
    /// the offer held above the debt, `toNewLender`, was credited back to the new lender.
    #[derive(Debug)]
    event LoanRefinanced(uint256 indexed loanId, uint256 indexed offerId, address indexed newLender,
        address oldLender, uint256 debt, uint256 toOldLender, uint256 toReserve, uint256 toNewLender,
        uint16 aprBps, uint64 due);
    /// The borrower rolled a loan over to an offer: the old lender was paid `debt`
    /// (`toOldLender` claimable, `toReserve` the fee on the interest) and the loan restarted
    /// with `principal` from `newLender`.
    #[derive(Debug)]
    event LoanRolledOver(uint256 indexed loanId, uint256 indexed offerId, address indexed newLender,
        address oldLender, uint256 debt, uint256 toOldLender, uint256 toReserve, uint256 principal, uint64 due);
    /// Governance set the refinance minimum APR cut.
    #[derive(Debug)]
    event RefinanceMinCutSet(uint16 minCutBps);
}

/// Every way a desk call can fail: the desk's own errors, or a LoanBook error (or a callee's
/// revert data) passed through unchanged as `Callee`.
pub mod desk_error {
    use super::*;
    lien_contract_common::contract_errors! {
        /// See [`LoanDeskNotBorrower`].
        NotBorrower(LoanDeskNotBorrower {}),
        /// See [`LoanDeskNotOfferLender`].
        NotOfferLender(LoanDeskNotOfferLender {}),
        /// See [`LoanDeskOfferMismatch`].
        OfferMismatch(LoanDeskOfferMismatch {}),
        /// See [`LoanDeskOfferTooSmall`].
        OfferTooSmall(LoanDeskOfferTooSmall { needed }),
        /// See [`LoanDeskNotBetter`].
        NotBetter(LoanDeskNotBetter { maxAprBps, minDue }),
        /// See [`LoanDeskPastDue`].
        PastDue(LoanDeskPastDue { due }),
        /// See [`LoanDeskNotHealthy`].
        NotHealthy(LoanDeskNotHealthy {}),
        /// See [`LoanDeskPartCoversDebt`].
        PartCoversDebt(LoanDeskPartCoversDebt { debt }),
        /// See [`LoanDeskPartBelowInterest`].
        PartBelowInterest(LoanDeskPartBelowInterest { interest }),
        /// See [`LoanDeskMinCutOutOfBounds`].
        MinCutOutOfBounds(LoanDeskMinCutOutOfBounds { max }),
    }
}

/// A desk call's error.
pub use desk_error::Error as DeskError;

impl From<crate::Error> for DeskError {
    fn from(e: crate::Error) -> Self {
        DeskError::Callee(e.into())
    }
}

impl From<MathError> for DeskError {
    fn from(e: MathError) -> Self {
        crate::Error::from(e).into()
    }
}
