//! `LoanBook`: Lien's loan ledger.
//!
//! Borrowers take an `OfferBook` offer against an NFT that the `CollateralVault` locks (the
//! OfferBook pays the principal out of the lender's escrow); loans are repaid by anyone or
//! liquidated (overdue past grace, or unhealthy by the oracle's liquidation price) into a
//! Dutch auction run by the `Liquidator`, whose settlement the LoanBook divides by a fixed
//! waterfall into pull-claims. The full specification is docs/contracts/loan-book.md.
// The SDK's #[entrypoint] emits an undocumented `user_entrypoint`, hence the allow.
#![allow(missing_docs)]
#![cfg_attr(not(any(test, feature = "export-abi")), no_main, no_std)]
extern crate alloc;

/// Without `std` there is no panic machinery (and less `core::fmt`): a panic, which no input
/// can reach, simply traps. (The LoanDesk, which links the LoanBook as a library, uses this
/// one too.)
#[cfg(all(target_arch = "wasm32", not(any(test, feature = "export-abi"))))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

#[allow(unused_imports)] // the SDK macros expand to code that names `vec!` and `Vec`
use alloc::{vec, vec::Vec};

use alloy_primitives::{Address, U256};
use lien_contract_common::{has_code, log_words, owner, raw_abi::AbiWord, terms::LoanTerms};
use lien_math::{fits_ltv, is_healthy, max_borrow_down};
use stylus_sdk::{
    prelude::*,
    storage::{StorageAddress, StorageMap, StorageU256},
};

pub mod clock;
pub mod desk;
mod errors;
pub mod interfaces;
pub mod settlement;
pub mod storage;
#[cfg(test)]
mod tests;

use alloy_sol_types::{SolCall, SolEvent};
pub use errors::*;
use interfaces::*;
use lien_contract_common::raw_abi::{address, address_word, boolean, calldata, small, word};
use storage::*;
use stylus_sdk::stylus_core::calls::{context::Call, errors::Error as CallError};

/// Oracle status `Ok`.
pub const ORACLE_OK: u8 = 0;
/// Oracle status `Uncertain`.
pub use lien_contract_common::loan::ORACLE_UNCERTAIN;
/// Oracle status `SequencerDown` (down, or within its grace after coming back).
pub const ORACLE_SEQUENCER_DOWN: u8 = 4;
/// Reported status when the oracle call itself failed.
pub const ORACLE_CALL_FAILED: u8 = 255;

/// The LoanBook's storage. The LoanDesk (contracts/loan-desk) nests this struct as its only
/// field, so the desk's code, run by `delegatecall` from the LoanBook's fallback, sees the
/// same layout; with the `library` feature (the desk's build) there is no entrypoint.
#[cfg_attr(not(feature = "library"), entrypoint)]
#[storage]
pub struct LoanBook {
    /// The owner (Governance after deployment).
    pub owner: StorageAddress,
    /// The owner-to-be of a two-step transfer (zero: none).
    pub pending_owner: StorageAddress,
    /// The OfferBook (wired once).
    pub offer_book: StorageAddress,
    /// The collateral vault (wired once; zero until wired).
    pub vault: StorageAddress,
    /// The price oracle (wired once).
    pub oracle: StorageAddress,
    /// The Dutch-auction liquidator (wired once).
    pub liquidator: StorageAddress,
    /// `loanId → record`.
    pub loans: StorageMap<U256, LoanRecord>,
    /// Loans created so far.
    pub loan_count: StorageU256,
    /// Auctions started so far.
    pub auction_count: StorageU256,
    /// `account → currency → amount` withdrawable with `withdraw`.
    pub claimable: StorageMap<Address, StorageMap<Address, StorageU256>>,
    /// `currency → protocol reserve`.
    pub reserve: StorageMap<Address, StorageU256>,
    /// `currency → tokens the book owes` (claimable + reserve).
    pub held: StorageMap<Address, StorageU256>,
    /// The LoanDesk whose code the fallback runs (wired once with the siblings).
    pub desk: StorageAddress,
    /// The least APR cut (bps) a lender refinance must give the borrower when it does not
    /// lengthen the term (governed through the desk; 0 means 1 bps: strictly lower).
    pub refinance_min_cut_bps: StorageU256,
}

#[public]
impl LoanBook {
    /// Sets the owner (the Governance contract after deployment).
    #[constructor]
    pub fn constructor(&mut self, owner: Address) -> Result<(), Error> {
        Ok(owner::set_owner(&mut self.owner, owner, false)?)
    }

    // ----- governance -------------------------------------------------------------------

    /// The owner (the Governance contract after deployment).
    pub fn owner(&self) -> Address {
        self.owner.get()
    }

    /// The owner-to-be of a transfer in progress (zero: none).
    pub fn pending_owner(&self) -> Address {
        self.pending_owner.get()
    }

    /// Starts handing ownership to `new_owner` (owner only; zero cancels): the owner keeps
    /// control until `new_owner` calls `acceptOwnership`.
    pub fn transfer_ownership(&mut self, new_owner: Address) -> Result<(), Error> {
        let caller = self.vm().msg_sender();
        Ok(owner::start_transfer(
            &self.owner,
            &mut self.pending_owner,
            caller,
            new_owner,
        )?)
    }

    /// Completes a transfer (the pending owner only).
    pub fn accept_ownership(&mut self) -> Result<(), Error> {
        let caller = self.vm().msg_sender();
        Ok(owner::accept(
            &mut self.owner,
            &mut self.pending_owner,
            caller,
        )?)
    }

    /// Leaves the LoanBook without owner for good (owner only; clears a pending transfer):
    /// afterwards nobody can withdraw the reserve (or wire the siblings, if not yet done).
    pub fn renounce_ownership(&mut self) -> Result<(), Error> {
        let caller = self.vm().msg_sender();
        Ok(owner::renounce(
            &mut self.owner,
            &mut self.pending_owner,
            caller,
        )?)
    }

    /// Wires the OfferBook, vault, oracle, liquidator and LoanDesk once (owner only; all must
    /// be contracts). Nobody can later redirect offers, custody, pricing, settlement or the
    /// desk's code.
    pub fn set_siblings(
        &mut self,
        offer_book: Address,
        vault: Address,
        oracle: Address,
        liquidator: Address,
        desk: Address,
    ) -> Result<(), Error> {
        self.only_owner()?;
        if !self.vault.get().is_zero() {
            return Err(Error::AlreadySet(LoanBookAlreadySet {}));
        }
        for account in [offer_book, vault, oracle, liquidator, desk] {
            self.require_code(account)?;
        }
        self.offer_book.set(offer_book);
        self.vault.set(vault);
        self.oracle.set(oracle);
        self.liquidator.set(liquidator);
        self.desk.set(desk);
        log_words(
            SiblingsSet::SIGNATURE_HASH,
            &[],
            &[
                offer_book.word(),
                vault.word(),
                oracle.word(),
                liquidator.word(),
                desk.word(),
            ],
        );
        Ok(())
    }

    /// Runs every selector the LoanBook does not implement with the LoanDesk's code on the
    /// LoanBook's storage (`delegatecall`; the desk's functions are in abi/LoanDesk.sol, called
    /// at the LoanBook's address). `LoanBookNotWired` before the siblings are set. Value is
    /// refused like everywhere else.
    #[fallback]
    pub fn fallback(&mut self, input: &[u8]) -> stylus_sdk::ArbResult {
        let desk = self.desk.get();
        if desk.is_zero() {
            return Err(Error::NotWired(LoanBookNotWired {}).into());
        }
        // SAFETY: the desk was wired once by the owner and shares this storage layout (it
        // nests `LoanBook`); its code is fixed and nobody can redirect it.
        unsafe { self.vm().delegate_call(&Call::new(), desk, input) }.map_err(|e| match e {
            CallError::Revert(reason) => reason,
            CallError::AbiDecodingFailed(_) => Vec::new(),
        })
    }

    /// Sends `amount` of the reserve to `to` (owner only).
    pub fn withdraw_reserve(
        &mut self,
        currency: Address,
        amount: U256,
        to: Address,
    ) -> Result<(), Error> {
        self.only_owner()?;
        if to.is_zero() {
            return Err(Error::ZeroAddress(LoanBookZeroAddress {}));
        }
        if amount.is_zero() {
            return Err(Error::ZeroAmount(LoanBookZeroAmount {}));
        }
        let left = self
            .reserve
            .get(currency)
            .checked_sub(amount)
            .ok_or(Error::InsufficientReserve(LoanBookInsufficientReserve {}))?;
        self.reserve.setter(currency).set(left);
        self.sub_held(currency, amount)?;
        log_words(
            ReserveWithdrawn::SIGNATURE_HASH,
            &[currency.word(), to.word()],
            &[amount],
        );
        self.push(currency, to, amount)
    }

    /// Sends the caller everything claimable in `currency`.
    pub fn withdraw(&mut self, currency: Address) -> Result<U256, Error> {
        let account = self.vm().msg_sender();
        let amount = self.claimable.getter(account).get(currency);
        if amount.is_zero() {
            return Err(Error::NothingToClaim(LoanBookNothingToClaim {}));
        }
        self.claimable
            .setter(account)
            .setter(currency)
            .set(U256::ZERO);
        self.sub_held(currency, amount)?;
        log_words(
            Withdrawn::SIGNATURE_HASH,
            &[account.word(), currency.word()],
            &[amount],
        );
        self.push(currency, account, amount)?;
        Ok(amount)
    }

    // ----- borrowers -------------------------------------------------------------------

    /// Takes a loan from the OfferBook's `offer_id` against `token_id` (approved to the
    /// vault). The OfferBook checks the offer and the collection (its errors come back
    /// unchanged), counts the loan and pays the principal out of escrow to the caller; the
    /// LoanBook then checks the oracle's borrow price against the snapshot's max LTV (cut by
    /// the haircut on an `Uncertain` price), records the loan and locks the NFT in the vault.
    /// Not while the OfferBook is paused.
    pub fn borrow(&mut self, offer_id: U256, token_id: U256) -> Result<U256, Error> {
        let borrower = self.vm().msg_sender();
        let (offer_book, vault) = (self.offer_book.get(), self.vault.get());
        if vault.is_zero() {
            return Err(Error::NotWired(LoanBookNotWired {}));
        }
        // The OfferBook is a sibling wired once by governance; its only external call is the
        // principal's `transfer` in a listed currency, and the SDK rejects re-entry here.
        let t = self.take_offer(offer_book, offer_id, token_id, borrower, borrower)?;
        let (lender, currency, collection, principal, terms) =
            (t.lender, t.currency, t.collection, t.principal, t.terms);
        let multiplier = self.check_ltv(principal, collection, token_id, &terms)?;
        let snapshot = LoanTerms {
            multiplier_bps: multiplier,
            ..terms
        };
        let now = self.now();
        let due = now.checked_add(terms.duration).ok_or_else(Error::math)?;
        let loan_id = next_id(&mut self.loan_count)?;
        let words = Loan::encode_new(
            (borrower, lender),
            (currency, collection, token_id),
            principal,
            now,
            due,
            &snapshot,
            t.tip_cap,
        )
        .ok_or_else(Error::math)?;
        self.loans.setter(loan_id).store_new(words);
        log_words(
            LoanStarted::SIGNATURE_HASH,
            &[loan_id, offer_id, borrower.word()],
            &[lender.word(), token_id, principal, due.word()],
        );
        let args = [
            address_word(collection),
            token_id,
            address_word(borrower),
            loan_id,
        ];
        self.call_or_fail(vault, &calldata(lockCall::SELECTOR, &args))?;
        Ok(loan_id)
    }

    /// Repays a loan for its borrower (anyone may pay; the caller must have approved the
    /// LoanBook). Active: principal + interest. In auction: frozen debt + penalty, and the
    /// auction is cancelled; the keeper's recorded tip is paid out of the penalty. Works while paused and never reads the oracle. The NFT goes back
    /// to the borrower; the lender's part becomes claimable. Returns the amount paid.
    pub fn repay(&mut self, loan_id: U256) -> Result<U256, Error> {
        let payer = self.vm().msg_sender();
        let l = self.load_loan(loan_id)?;
        let (debt, penalty) = match l.status {
            ACTIVE => (self.accrued(&l)?, U256::ZERO),
            IN_AUCTION => (l.frozen_debt, l.penalty()?),
            other => return Err(Error::status(other)),
        };
        let (to_lender, fee) = settlement::lender_share(debt, l.principal, l.fee_bps)?;
        // A repay during an auction pays the keeper its recorded tip out of the penalty (the
        // keeper did its job; `tip` is zero while the loan is active).
        let tip = l.tip.min(penalty);
        let to_reserve = fee
            .checked_add(penalty)
            .and_then(|r| r.checked_sub(tip))
            .ok_or_else(Error::math)?;
        let amount = debt.checked_add(penalty).ok_or_else(Error::math)?;
        self.loans.setter(loan_id).set_status(REPAID);
        self.credit(l.keeper, l.currency, tip)?;
        self.credit(l.lender, l.currency, to_lender)?;
        self.add_reserve(l.currency, to_reserve)?;
        self.add_held(l.currency, amount)?;
        log_words(
            LoanRepaid::SIGNATURE_HASH,
            &[loan_id, payer.word()],
            &[amount, to_lender, to_reserve, tip],
        );
        self.pull(l.currency, payer, amount)?;
        if l.status == IN_AUCTION {
            self.call_or_fail(
                self.liquidator.get(),
                &calldata(cancelCall::SELECTOR, &[l.auction_id]),
            )?;
        }
        self.release(&l, l.borrower)?;
        Ok(amount)
    }

    // ----- keepers ---------------------------------------------------------------------

    /// Sends a loan to auction when it is overdue past its grace period, or unhealthy
    /// (`debt > liq_threshold × collateral price`, oracle `Ok` or `Uncertain`), where the
    /// collateral price is the oracle's `liquidationFloor` × the loan's multiplier snapshot.
    /// Never while the oracle reports `SequencerDown` (sequencer down or within its grace).
    /// Freezes the debt, records the caller for the keeper tip and starts the auction at
    /// `auction_start × max(collateral price, debt)`, its floor (reserve) at the debt: the price counts whenever the oracle has
    /// one, whatever its status (only without any price does the debt alone set the start).
    /// Returns the auction id.
    pub fn liquidate(&mut self, loan_id: U256) -> Result<U256, Error> {
        let keeper = self.vm().msg_sender();
        let l = self.load_loan(loan_id)?;
        if l.status != ACTIVE {
            return Err(Error::status(l.status));
        }
        if keeper == l.borrower {
            return Err(Error::SelfDealing(LoanBookSelfDealing {}));
        }
        let debt = self.accrued(&l)?;
        let overdue = self.now() > l.due.saturating_add(l.grace);
        let (price, status) = self.collateral_price(&l)?;
        if status == ORACLE_SEQUENCER_DOWN {
            return Err(Error::OracleUnavailable(LoanBookOracleUnavailable {
                status,
            }));
        }
        if !overdue {
            if status > ORACLE_UNCERTAIN || price.is_zero() {
                return Err(Error::OracleUnavailable(LoanBookOracleUnavailable {
                    status,
                }));
            }
            if is_healthy(debt, price, u64::from(l.liq_threshold_bps)) {
                return Err(Error::NotLiquidatable(LoanBookNotLiquidatable {}));
            }
        }
        // Start price: auction_start × max(collateral price, frozen debt). A Stale or NoQuorum
        // status still carries the last TWAP, which counts; without any price (0) the frozen
        // debt alone sets the start (overdue path only).
        let basis = price.max(debt);
        let start_price = lien_math::bps_mul_up(basis, u64::from(l.auction_start_bps))?;
        // Until liquidation the `tip` field holds the tip cap snapshotted at borrow (L3).
        let tip = settlement::keeper_tip(debt, l.tip_bps, l.tip)?;
        let auction_id = next_id(&mut self.auction_count)?;
        let auction_id_u64 = u64::try_from(auction_id).map_err(|_| Error::math())?;
        self.loans
            .setter(loan_id)
            .store_liquidation(keeper, debt, tip, auction_id_u64);
        log_words(
            LoanLiquidated::SIGNATURE_HASH,
            &[loan_id, keeper.word(), auction_id],
            &[debt, start_price, overdue.word()],
        );
        let args = [
            loan_id,
            address_word(l.collection),
            l.token_id,
            address_word(l.currency),
            debt,
            start_price,
            // Reserve price (issue 14 L4): the auction never sells below the frozen debt;
            // unsold at the end of the tail, the NFT goes to the lender (foreclose). The start
            // is at least the debt (auction_start_bps ≥ 10_000 on the OfferBook).
            debt,
            U256::from(l.auction_step),
            U256::from(l.auction_cut_bps),
            U256::from(l.auction_tail),
        ];
        let reply = self.call_or_fail(
            self.liquidator.get(),
            &calldata(startAuctionCall::SELECTOR, &args),
        )?;
        let got = word(&reply, 0).ok_or_else(Error::call_failed)?;
        if got != auction_id {
            return Err(Error::AuctionIdMismatch(LoanBookAuctionIdMismatch {
                expected: auction_id,
                got,
            }));
        }
        Ok(auction_id)
    }

    /// Settlement hook (Liquidator only): `proceeds` must already be in the LoanBook's
    /// balance. Divides them tip → lender → reserve → borrower into pull-claims; a lender
    /// shortfall is covered from the reserve up to its balance, the rest emitted as `BadDebt`.
    pub fn on_auction_settled(
        &mut self,
        loan_id: U256,
        proceeds: U256,
        buyer: Address,
    ) -> Result<(), Error> {
        let caller = self.vm().msg_sender();
        if caller.is_zero() || caller != self.liquidator.get() {
            return Err(Error::NotLiquidator(LoanBookNotLiquidator { caller }));
        }
        let l = self.load_loan(loan_id)?;
        if l.status != IN_AUCTION {
            return Err(Error::status(l.status));
        }
        let me = self.vm().contract_address();
        let balance = self
            .balance_of(l.currency, me)
            .ok_or_else(Error::call_failed)?;
        let owed = self
            .held
            .get(l.currency)
            .checked_add(proceeds)
            .ok_or_else(Error::math)?;
        if balance < owed {
            return Err(Error::SettlementUnfunded(LoanBookSettlementUnfunded {}));
        }
        let w = settlement::waterfall(
            proceeds,
            l.frozen_debt,
            l.principal,
            l.fee_bps,
            l.liq_penalty_bps,
            l.tip,
        )?;
        let reserve = self.reserve.get(l.currency);
        let cover = w.shortfall.min(reserve);
        self.loans.setter(loan_id).set_status(LIQUIDATED);
        self.add_held(l.currency, proceeds)?;
        self.credit(l.keeper, l.currency, w.tip)?;
        self.credit(
            l.lender,
            l.currency,
            w.lender.checked_add(cover).ok_or_else(Error::math)?,
        )?;
        self.credit(l.borrower, l.currency, w.borrower)?;
        let new_reserve = reserve
            .checked_sub(cover)
            .and_then(|r| r.checked_add(w.reserve))
            .ok_or_else(Error::math)?;
        self.reserve.setter(l.currency).set(new_reserve);
        log_words(
            AuctionSettled::SIGNATURE_HASH,
            &[loan_id, buyer.word()],
            &[proceeds, w.tip, w.lender, w.reserve, w.borrower],
        );
        if !w.shortfall.is_zero() {
            let loss = w.shortfall.saturating_sub(cover); // cover ≤ shortfall: exact
            log_words(
                BadDebt::SIGNATURE_HASH,
                &[loan_id, l.currency.word()],
                &[cover, loss],
            );
        }
        Ok(())
    }

    // ----- views -----------------------------------------------------------------------

    /// The loan's eight storage words (layout: `lien_contract_common::loan`, docs/contracts/
    /// loan-book.md); words 6–7 are zero until a liquidation. The LoanLens decodes them into
    /// `loan`, `loanTerms`, `debt` and `health`.
    pub fn loan_record(&self, loan_id: U256) -> Result<[U256; 8], Error> {
        let w = self.loans.getter(loan_id).words();
        if lien_contract_common::loan::status_of(w[0]) == NONE {
            return Err(Error::UnknownLoan(LoanBookUnknownLoan { loanId: loan_id }));
        }
        Ok(w)
    }

    /// What `account` can withdraw in `currency`.
    pub fn claimable(&self, account: Address, currency: Address) -> U256 {
        self.claimable.getter(account).get(currency)
    }

    /// The protocol reserve in `currency`.
    pub fn reserve(&self, currency: Address) -> U256 {
        self.reserve.get(currency)
    }

    /// What the LoanBook owes in `currency` (claimable + reserve); its token balance is
    /// never below this.
    pub fn held(&self, currency: Address) -> U256 {
        self.held.get(currency)
    }

    /// `(offerBook, vault, oracle, liquidator, desk)`.
    pub fn siblings(&self) -> (Address, Address, Address, Address, Address) {
        (
            self.offer_book.get(),
            self.vault.get(),
            self.oracle.get(),
            self.liquidator.get(),
            self.desk.get(),
        )
    }

    /// `(loans, auctions)` created so far (ids run from 1 to these).
    pub fn counts(&self) -> (U256, U256) {
        (self.loan_count.get(), self.auction_count.get())
    }
}

/// Increments a counter and returns the new value (ids start at 1).
pub fn next_id(counter: &mut StorageU256) -> Result<U256, Error> {
    let id = counter
        .get()
        .checked_add(U256::from(1u8))
        .ok_or_else(Error::math)?;
    counter.set(id);
    Ok(id)
}

/// What `OfferBook.take` returns: the offer's lender and assets, the principal it paid out,
/// the loan's terms snapshot and the currency's keeper-tip cap.
#[derive(Clone, Copy, Debug)]
pub struct Taken {
    /// The offer's lender (the loan's lender).
    pub lender: Address,
    /// The loan currency.
    pub currency: Address,
    /// The collateral collection.
    pub collection: Address,
    /// The principal paid out.
    pub principal: U256,
    /// The offer's terms with the collection's and protocol's parameters (multiplier 0).
    pub terms: LoanTerms,
    /// The currency's keeper-tip cap now.
    pub tip_cap: U256,
}

/// Internal helpers (not part of the ABI).
impl LoanBook {
    /// The block time as the contract sees it (`clock::now`).
    pub fn now(&self) -> u64 {
        clock::now(self.vm().block_timestamp())
    }

    /// `LoanBookZeroAddress` / `LoanBookNoCode` unless `account` is a deployed contract.
    pub fn require_code(&self, account: Address) -> Result<(), Error> {
        if account.is_zero() {
            return Err(Error::ZeroAddress(LoanBookZeroAddress {}));
        }
        if !has_code(self.vm().code_hash(account)) {
            return Err(Error::NoCode(LoanBookNoCode { account }));
        }
        Ok(())
    }

    /// `OwnableUnauthorizedAccount` unless the caller is the owner.
    pub fn only_owner(&self) -> Result<(), Error> {
        Ok(owner::only_owner(&self.owner, self.vm().msg_sender())?)
    }

    /// The loan, or `LoanBookUnknownLoan`.
    pub fn load_loan(&self, loan_id: U256) -> Result<Loan, Error> {
        let l = self.loans.getter(loan_id).fetch();
        if l.status == NONE {
            return Err(Error::UnknownLoan(LoanBookUnknownLoan { loanId: loan_id }));
        }
        Ok(l)
    }

    /// Principal + interest up to now (`Loan::accrued`: default interest after the due time).
    pub fn accrued(&self, l: &Loan) -> Result<U256, Error> {
        Ok(l.accrued(self.now())?)
    }

    /// The collateral's value (`Loan::collateral_price` of the oracle's `liquidationFloor`)
    /// with the oracle's status; `(0, ORACLE_CALL_FAILED)` when the oracle call fails.
    pub fn collateral_price(&self, l: &Loan) -> Result<(U256, u8), Error> {
        let (floor, status, _) = self.oracle_price(
            liquidationFloorCall::SELECTOR,
            &[address_word(l.collection)],
        );
        Ok((l.collateral_price(floor)?, status))
    }

    /// Adds `amount` to what `account` can withdraw in `currency`.
    pub fn credit(
        &mut self,
        account: Address,
        currency: Address,
        amount: U256,
    ) -> Result<(), Error> {
        if amount.is_zero() {
            return Ok(());
        }
        let mut slot = self.claimable.setter(account);
        let new = slot
            .get(currency)
            .checked_add(amount)
            .ok_or_else(Error::math)?;
        slot.setter(currency).set(new);
        Ok(())
    }

    /// Adds `amount` to the reserve in `currency`.
    pub fn add_reserve(&mut self, currency: Address, amount: U256) -> Result<(), Error> {
        let new = self
            .reserve
            .get(currency)
            .checked_add(amount)
            .ok_or_else(Error::math)?;
        self.reserve.setter(currency).set(new);
        Ok(())
    }

    /// Raises what the book owes in `currency` (tokens came in).
    pub fn add_held(&mut self, currency: Address, amount: U256) -> Result<(), Error> {
        let new = self
            .held
            .get(currency)
            .checked_add(amount)
            .ok_or_else(Error::math)?;
        self.held.setter(currency).set(new);
        Ok(())
    }

    /// Lowers what the book owes in `currency` (tokens go out).
    pub fn sub_held(&mut self, currency: Address, amount: U256) -> Result<(), Error> {
        let new = self
            .held
            .get(currency)
            .checked_sub(amount)
            .ok_or_else(Error::math)?;
        self.held.setter(currency).set(new);
        Ok(())
    }

    /// `transferFrom(from, this, amount)`: must return `true` and raise the balance by exactly
    /// `amount` (fee-on-transfer tokens fail with `TransferMismatch`).
    /// (These token helpers are the same in both books on purpose: shared in
    /// lien-contract-common as functions over `&dyn Host`, they cost the LoanBook ~0.9 KB
    /// compressed, measured.)
    pub fn pull(&mut self, currency: Address, from: Address, amount: U256) -> Result<(), Error> {
        let me = self.vm().contract_address();
        let before = self
            .balance_of(currency, me)
            .ok_or_else(Error::transfer_failed)?;
        self.token_call(
            currency,
            transferFromCall::SELECTOR,
            &[address_word(from), address_word(me), amount],
        )?;
        let after = self
            .balance_of(currency, me)
            .ok_or_else(Error::transfer_failed)?;
        let received = after.checked_sub(before).unwrap_or(U256::ZERO);
        if received != amount {
            return Err(Error::TransferMismatch(LoanBookTransferMismatch {
                expected: amount,
                received,
            }));
        }
        Ok(())
    }

    /// `transfer(to, amount)`: must return `true`.
    pub fn push(&mut self, currency: Address, to: Address, amount: U256) -> Result<(), Error> {
        self.token_call(
            currency,
            transferCall::SELECTOR,
            &[address_word(to), amount],
        )
    }

    /// An ERC-20 `transfer`/`transferFrom`: the token's own revert data passes through (e.g.
    /// ERC-6093 `ERC20InsufficientAllowance(spender, allowance, needed)`); `TransferFailed`
    /// when it reverts without data or does not return exactly `true`.
    pub fn token_call(
        &mut self,
        currency: Address,
        selector: [u8; 4],
        args: &[U256],
    ) -> Result<(), Error> {
        match self.call(currency, &calldata(selector, args)) {
            Ok(reply) if boolean(&reply, 0) == Some(true) => Ok(()),
            Err(reason) if !reason.is_empty() => Err(Error::Callee(reason)),
            _ => Err(Error::transfer_failed()),
        }
    }

    /// `balanceOf(account)` of a token; `None` when the call fails or the reply is malformed.
    pub fn balance_of(&self, currency: Address, account: Address) -> Option<U256> {
        let reply = self.view(
            currency,
            &calldata(balanceOfCall::SELECTOR, &[address_word(account)]),
        )?;
        word(&reply, 0)
    }

    /// The oracle's `(price, status, multiplierBps)` from `borrowQuote` (`liquidationFloor`
    /// has no third word: 0), or `(0, ORACLE_CALL_FAILED, 0)` when the call fails or the
    /// reply is malformed.
    pub fn oracle_price(&self, selector: [u8; 4], args: &[U256]) -> (U256, u8, u32) {
        self.view(self.oracle.get(), &calldata(selector, args))
            .and_then(|r| {
                let bps = word(&r, 2).map_or(Some(0), |w| u32::try_from(w).ok())?;
                Some((word(&r, 0)?, small(&r, 1)?, bps))
            })
            .unwrap_or((U256::ZERO, ORACLE_CALL_FAILED, 0))
    }

    /// `OfferBook.take(offerId, tokenId, borrower, payee)`: the OfferBook checks the offer and
    /// the collection (its errors come back unchanged), counts the loan and pays the principal
    /// to `payee`; the reply decoded.
    pub fn take_offer(
        &mut self,
        offer_book: Address,
        offer_id: U256,
        token_id: U256,
        borrower: Address,
        payee: Address,
    ) -> Result<Taken, Error> {
        let args = [
            offer_id,
            token_id,
            address_word(borrower),
            address_word(payee),
        ];
        let reply = self
            .call(offer_book, &calldata(takeCall::SELECTOR, &args))
            .map_err(Error::callee)?;
        (|| {
            Some(Taken {
                lender: address(&reply, 0)?,
                currency: address(&reply, 1)?,
                collection: address(&reply, 2)?,
                principal: word(&reply, 3)?,
                terms: LoanTerms::from_words(word(&reply, 4)?, word(&reply, 5)?),
                tip_cap: word(&reply, 6)?,
            })
        })()
        .ok_or_else(Error::call_failed)
    }

    /// Checks `principal` against the oracle's borrow price of the token and the offer's max
    /// LTV (cut by the haircut on an `Uncertain` price); returns the token's multiplier, which
    /// the loan snapshots (its collateral is valued with it for its whole life, whatever
    /// governance sets later). One oracle read: `borrowQuote`.
    pub fn check_ltv(
        &self,
        principal: U256,
        collection: Address,
        token_id: U256,
        terms: &LoanTerms,
    ) -> Result<u32, Error> {
        let asset = [address_word(collection), token_id];
        let (price, status, multiplier) = self.oracle_price(borrowQuoteCall::SELECTOR, &asset);
        let ltv = match status {
            ORACLE_OK => u64::from(terms.max_ltv_bps),
            ORACLE_UNCERTAIN => {
                let keep = 10_000u64.saturating_sub(u64::from(terms.uncertain_haircut_bps));
                u64::from(terms.max_ltv_bps).saturating_mul(keep) / 10_000
            }
            other => {
                return Err(Error::OracleUnavailable(LoanBookOracleUnavailable {
                    status: other,
                }))
            }
        };
        if !fits_ltv(principal, price, ltv) {
            let max = max_borrow_down(price, ltv)?;
            return Err(Error::LtvExceeded(LoanBookLtvExceeded {
                maxPrincipal: max,
            }));
        }
        Ok(multiplier)
    }

    /// `vault.release(collection, tokenId, to)` for the loan's NFT.
    pub fn release(&mut self, l: &Loan, to: Address) -> Result<(), Error> {
        let args = [address_word(l.collection), l.token_id, address_word(to)];
        self.call_or_fail(self.vault.get(), &calldata(releaseCall::SELECTOR, &args))
            .map(|_| ())
    }

    /// A state-changing call (the SDK flushes the storage cache first); the reply, or the
    /// callee's revert data.
    pub fn call(&mut self, target: Address, data: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
        self.vm()
            .call(&Call::new(), target, data)
            .map_err(|e| match e {
                CallError::Revert(reason) => reason,
                CallError::AbiDecodingFailed(_) => Vec::new(),
            })
    }

    /// [`Self::call`], a failure passing the callee's revert data through (`LoanBookCallFailed`
    /// when it gave none).
    pub fn call_or_fail(&mut self, target: Address, data: &[u8]) -> Result<Vec<u8>, Error> {
        self.call(target, data).map_err(Error::callee)
    }

    /// A static call; `None` when it reverts.
    pub fn view(&self, target: Address, data: &[u8]) -> Option<Vec<u8>> {
        self.vm().static_call(&Call::new(), target, data).ok()
    }
}
