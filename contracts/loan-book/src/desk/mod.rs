//! What the LoanDesk runs on the LoanBook's storage: foreclosure, partial repayment, lender
//! refinance, borrower rollover and the refinance parameter.
//!
//! The LoanBook's fallback runs the LoanDesk's code by `delegatecall` (contracts/loan-desk,
//! which nests [`LoanBook`] and routes its selectors to these methods). The LoanBook's own
//! router never calls them, so none of this is in the LoanBook's code and its size stays
//! under the 90 % standard; motsu tests call them directly. The specification is
//! docs/contracts/loan-desk.md.

pub mod errors;

#[allow(unused_imports)] // the SDK macros expand to code that names `vec!` and `Vec`
use alloc::{vec, vec::Vec};

use alloy_primitives::{Address, U256};
use alloy_sol_types::SolEvent;
use lien_contract_common::{log_words, raw_abi::calldata, raw_abi::AbiWord, terms::LoanTerms};
use lien_math::is_healthy;
use stylus_sdk::prelude::*;

pub use errors::*;

use crate::interfaces::closeUnsoldCall;
use crate::settlement::lender_share;
use crate::storage::{Loan, ACTIVE, FORECLOSED, IN_AUCTION};
use crate::{
    Error, LoanBook, LoanBookNotLender, LoanBookSelfDealing, LoanBookZeroAddress, LoanForeclosed,
    LoanTransferred, ORACLE_UNCERTAIN,
};
use alloy_sol_types::SolCall;

/// The highest refinance minimum APR cut governance may set (10 percentage points).
pub const MAX_REFINANCE_MIN_CUT_BPS: u16 = 1_000;

impl LoanBook {
    /// After an auction's tail passed unsold (the Liquidator checks), gives the NFT to the
    /// current lender. Anyone may call.
    pub fn foreclose(&mut self, loan_id: U256) -> Result<(), Error> {
        let l = self.load_loan(loan_id)?;
        if l.status != IN_AUCTION {
            return Err(Error::status(l.status));
        }
        self.loans.setter(loan_id).set_status(FORECLOSED);
        log_words(
            LoanForeclosed::SIGNATURE_HASH,
            &[loan_id, l.lender.word()],
            &[],
        );
        self.call_or_fail(
            self.liquidator.get(),
            &calldata(closeUnsoldCall::SELECTOR, &[l.auction_id]),
        )?;
        self.release(&l, l.lender)
    }

    /// Hands the lender position of a running loan (active or in auction) to `to`.
    pub fn transfer_loan(&mut self, loan_id: U256, to: Address) -> Result<(), Error> {
        let caller = self.vm().msg_sender();
        let l = self.load_loan(loan_id)?;
        if l.lender != caller {
            return Err(Error::NotLender(LoanBookNotLender {}));
        }
        if l.status != ACTIVE && l.status != IN_AUCTION {
            return Err(Error::status(l.status));
        }
        if to.is_zero() {
            return Err(Error::ZeroAddress(LoanBookZeroAddress {}));
        }
        if to == caller || to == l.borrower {
            return Err(Error::SelfDealing(LoanBookSelfDealing {}));
        }
        self.loans.setter(loan_id).set_lender(to);
        log_words(
            LoanTransferred::SIGNATURE_HASH,
            &[loan_id, caller.word(), to.word()],
            &[],
        );
        Ok(())
    }

    /// Repays part of an active loan (anyone may pay; the caller must have approved the
    /// LoanBook): the interest accrued so far is settled first (the protocol fee on it to the
    /// reserve, the rest to the lender), the remainder lowers the principal, and interest
    /// restarts on the lower principal from now; the due time stays. `amount` must be above the
    /// accrued interest and below the whole debt (`repay` ends a loan). Works while paused and
    /// never reads the oracle. Returns the principal left.
    pub fn repay_part(&mut self, loan_id: U256, amount: U256) -> Result<U256, DeskError> {
        let payer = self.vm().msg_sender();
        let l = self.load_loan(loan_id)?;
        if l.status != ACTIVE {
            return Err(Error::status(l.status).into());
        }
        let now = self.now();
        let debt = l.accrued(now)?;
        let interest = debt.checked_sub(l.principal).ok_or_else(Error::math)?;
        if amount >= debt {
            return Err(DeskError::PartCoversDebt(LoanDeskPartCoversDebt { debt }));
        }
        if amount <= interest {
            return Err(DeskError::PartBelowInterest(LoanDeskPartBelowInterest {
                interest,
            }));
        }
        let (_, fee) = lender_share(debt, l.principal, l.fee_bps)?;
        let to_lender = amount.checked_sub(fee).ok_or_else(Error::math)?;
        let left = debt.checked_sub(amount).ok_or_else(Error::math)?; // amount < debt
        self.rewrite(loan_id, &l, l.lender, left, l.apr_bps, now, l.due)?;
        self.credit(l.lender, l.currency, to_lender)?;
        self.add_reserve(l.currency, fee)?;
        self.add_held(l.currency, amount)?;
        log_words(
            LoanRepaidPart::SIGNATURE_HASH,
            &[loan_id, payer.word()],
            &[amount, interest, left, to_lender, fee],
        );
        self.pull(l.currency, payer, amount)?;
        Ok(left)
    }

    /// A lender takes over an active, healthy loan with its own open offer (the caller must be
    /// the offer's lender), without the borrower: the OfferBook pays the offer's principal to
    /// the LoanBook, the old lender is paid the debt (principal + interest, less the protocol
    /// fee on the interest) as a claim, and what the offer holds above the debt is credited
    /// back to the new lender. The loan's new principal is the debt now (never more), its APR
    /// the offer's and its due time now + the offer's duration; the borrower is never worse
    /// off: the APR is at most the old one and the due time at least the old one, and either
    /// the APR falls by the governed minimum cut or the due time moves later. The risk
    /// snapshot (threshold, penalty, grace, auction, fee, tip, multiplier) stays; the NFT never
    /// leaves the vault. Not during an auction, not past the due time, not while paused.
    /// Returns the debt paid to the old lender.
    pub fn refinance(&mut self, loan_id: U256, offer_id: U256) -> Result<U256, DeskError> {
        let caller = self.vm().msg_sender();
        let l = self.active_loan(loan_id)?;
        let now = self.now();
        if now >= l.due {
            return Err(DeskError::PastDue(LoanDeskPastDue { due: l.due }));
        }
        let debt = l.accrued(now)?;
        let (price, status) = self.collateral_price(&l)?;
        if status > ORACLE_UNCERTAIN || price.is_zero() {
            return Err(
                Error::OracleUnavailable(crate::LoanBookOracleUnavailable { status }).into(),
            );
        }
        if !is_healthy(debt, price, u64::from(l.liq_threshold_bps)) {
            return Err(DeskError::NotHealthy(LoanDeskNotHealthy {}));
        }
        let t = self.take_into_book(&l, offer_id)?;
        if t.lender != caller {
            return Err(DeskError::NotOfferLender(LoanDeskNotOfferLender {}));
        }
        if caller == l.lender {
            return Err(Error::SelfDealing(crate::LoanBookSelfDealing {}).into());
        }
        if t.principal < debt {
            return Err(DeskError::OfferTooSmall(LoanDeskOfferTooSmall {
                needed: debt,
            }));
        }
        let due = now.checked_add(t.terms.duration).ok_or_else(Error::math)?;
        let min_cut = self.refinance_min_cut().max(1);
        let cut = l.apr_bps.saturating_sub(t.terms.apr_bps);
        let better =
            t.terms.apr_bps <= l.apr_bps && due >= l.due && (cut >= min_cut || due > l.due);
        if !better {
            return Err(DeskError::NotBetter(LoanDeskNotBetter {
                maxAprBps: l.apr_bps.saturating_sub(min_cut),
                minDue: l.due,
            }));
        }
        let (to_old, fee) = lender_share(debt, l.principal, l.fee_bps)?;
        let excess = t.principal.checked_sub(debt).ok_or_else(Error::math)?; // ≥ 0, checked above
        self.rewrite(loan_id, &l, caller, debt, t.terms.apr_bps, now, due)?;
        self.credit(l.lender, l.currency, to_old)?;
        self.add_reserve(l.currency, fee)?;
        self.credit(caller, l.currency, excess)?;
        self.add_held(l.currency, t.principal)?;
        log_words(
            LoanRefinanced::SIGNATURE_HASH,
            &[loan_id, offer_id, caller.word()],
            &[
                l.lender.word(),
                debt,
                to_old,
                fee,
                excess,
                U256::from(t.terms.apr_bps),
                due.word(),
            ],
        );
        Ok(debt)
    }

    /// The borrower moves an active loan to a new offer in one transaction: the OfferBook pays
    /// the offer's principal to the LoanBook, the old lender is paid the debt as a claim (less
    /// the protocol fee on the interest), and only the difference moves: the borrower
    /// receives what the new principal exceeds the debt by, or pays (approved to the LoanBook)
    /// what it falls short. The loan keeps its id and its NFT in the vault but is otherwise new:
    /// the offer's lender, APR and duration from now, today's risk parameters and the token's
    /// multiplier, checked against the max LTV like a new borrow. Not during an auction, not
    /// while paused. Returns the new principal.
    pub fn rollover(&mut self, loan_id: U256, offer_id: U256) -> Result<U256, DeskError> {
        let caller = self.vm().msg_sender();
        let l = self.active_loan(loan_id)?;
        if caller != l.borrower {
            return Err(DeskError::NotBorrower(LoanDeskNotBorrower {}));
        }
        let now = self.now();
        let debt = l.accrued(now)?;
        let t = self.take_into_book(&l, offer_id)?;
        let multiplier = self.check_ltv(t.principal, l.collection, l.token_id, &t.terms)?;
        let due = now.checked_add(t.terms.duration).ok_or_else(Error::math)?;
        let snapshot = LoanTerms {
            multiplier_bps: multiplier,
            ..t.terms
        };
        let words = Loan::encode_new(
            (l.borrower, t.lender),
            (l.currency, l.collection, l.token_id),
            t.principal,
            now,
            due,
            &snapshot,
            t.tip_cap,
        )
        .ok_or_else(Error::math)?;
        self.loans.setter(loan_id).store_new(words);
        let (to_old, fee) = lender_share(debt, l.principal, l.fee_bps)?;
        self.credit(l.lender, l.currency, to_old)?;
        self.add_reserve(l.currency, fee)?;
        self.add_held(l.currency, debt)?;
        log_words(
            LoanRolledOver::SIGNATURE_HASH,
            &[loan_id, offer_id, t.lender.word()],
            &[l.lender.word(), debt, to_old, fee, t.principal, due.word()],
        );
        // only the difference moves (checked subtractions: each branch is the one that fits)
        if let Some(surplus) = t.principal.checked_sub(debt).filter(|x| !x.is_zero()) {
            self.push(l.currency, l.borrower, surplus)?;
        } else if let Some(shortfall) = debt.checked_sub(t.principal).filter(|x| !x.is_zero()) {
            self.pull(l.currency, l.borrower, shortfall)?;
        }
        Ok(t.principal)
    }

    /// Sets the least APR cut (bps) a refinance that does not lengthen the term must give
    /// (owner only, at most [`MAX_REFINANCE_MIN_CUT_BPS`]; 0 means strictly lower).
    pub fn set_refinance_min_cut(&mut self, bps: u16) -> Result<(), DeskError> {
        self.only_owner()?;
        if bps > MAX_REFINANCE_MIN_CUT_BPS {
            return Err(DeskError::MinCutOutOfBounds(LoanDeskMinCutOutOfBounds {
                max: MAX_REFINANCE_MIN_CUT_BPS,
            }));
        }
        self.refinance_min_cut_bps.set(U256::from(bps));
        log_words(RefinanceMinCutSet::SIGNATURE_HASH, &[], &[U256::from(bps)]);
        Ok(())
    }

    /// The least APR cut (bps) a refinance must give when it does not lengthen the term.
    pub fn refinance_min_cut(&self) -> u16 {
        u16::try_from(self.refinance_min_cut_bps.get()).unwrap_or(MAX_REFINANCE_MIN_CUT_BPS)
    }

    /// The loan if it is active; `LoanBookWrongStatus` otherwise (an auction or a closed loan).
    fn active_loan(&self, loan_id: U256) -> Result<Loan, Error> {
        let l = self.load_loan(loan_id)?;
        if l.status != ACTIVE {
            return Err(Error::status(l.status));
        }
        Ok(l)
    }

    /// Takes `offer_id` for the loan's borrower and token with the principal paid to the
    /// LoanBook itself: the offer must lend the loan's currency against its collection, and the
    /// LoanBook's balance must rise by exactly the principal.
    fn take_into_book(&mut self, l: &Loan, offer_id: U256) -> Result<crate::Taken, DeskError> {
        let (offer_book, me) = (self.offer_book.get(), self.vm().contract_address());
        let before = self
            .balance_of(l.currency, me)
            .ok_or_else(Error::call_failed)?;
        let t = self.take_offer(offer_book, offer_id, l.token_id, l.borrower, me)?;
        if t.currency != l.currency || t.collection != l.collection {
            return Err(DeskError::OfferMismatch(LoanDeskOfferMismatch {}));
        }
        let after = self
            .balance_of(l.currency, me)
            .ok_or_else(Error::call_failed)?;
        let received = after.checked_sub(before).unwrap_or(U256::ZERO);
        if received != t.principal {
            return Err(Error::TransferMismatch(crate::LoanBookTransferMismatch {
                expected: t.principal,
                received,
            })
            .into());
        }
        Ok(t)
    }

    /// Rewrites an active loan's lender, principal, APR, start and due time, keeping its risk
    /// snapshot, tip cap, borrower and collateral.
    #[allow(clippy::too_many_arguments)]
    fn rewrite(
        &mut self,
        loan_id: U256,
        l: &Loan,
        lender: Address,
        principal: U256,
        apr_bps: u16,
        start: u64,
        due: u64,
    ) -> Result<(), Error> {
        let terms = LoanTerms {
            apr_bps,
            ..l.snapshot_terms()
        };
        let words = Loan::encode_new(
            (l.borrower, lender),
            (l.currency, l.collection, l.token_id),
            principal,
            start,
            due,
            &terms,
            l.tip,
        )
        .ok_or_else(Error::math)?;
        self.loans.setter(loan_id).store_new(words);
        Ok(())
    }
}
