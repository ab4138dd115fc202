//! `OfferBook`: Lien's lending side.
//!
//! Governance lists currencies and collections with bounded, rate-limited risk parameters;
//! lenders escrow funded offers (token-specific or collection-wide, with a capacity and an
//! expiry) and may cancel them for a refund of the unused escrow. The LoanBook — and only the
//! LoanBook — takes an offer when a borrower borrows: `take` checks the offer and the
//! collection, pays one principal out of escrow to the borrower and returns the loan's terms
//! and risk snapshot. The pause (new offers and borrowing only) lives here. The full
//! specification is docs/contracts/offer-book.md.
// The SDK's #[entrypoint] emits an undocumented `user_entrypoint`, hence the allow.
#![allow(missing_docs)]
#![cfg_attr(
    not(any(test, feature = "export-abi", feature = "test-clock")),
    no_main,
    no_std
)]
extern crate alloc;

/// Without `std` there is no panic machinery (and less `core::fmt`): a panic, which no input
/// can reach, simply traps.
#[cfg(all(
    target_arch = "wasm32",
    not(any(test, feature = "export-abi", feature = "test-clock"))
))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

#[allow(unused_imports)] // the SDK macros expand to code that names `vec!` and `Vec`
use alloc::{vec, vec::Vec};

use alloy_primitives::{Address, U256};
use alloy_sol_types::SolEvent;
use lien_contract_common::{has_code, log_words, owner, raw_abi::AbiWord, terms::LoanTerms};
use stylus_sdk::{
    prelude::*,
    storage::{StorageAddress, StorageMap, StorageU256},
};

pub mod clock;
mod errors;
mod interfaces;
pub mod params;
pub mod storage;
#[cfg(test)]
mod tests;

use alloy_sol_types::SolCall;
pub use errors::*;
use interfaces::*;
use lien_contract_common::raw_abi::{address_word, boolean, calldata, word};
use params::{ProtocolParams, RiskParams};
use storage::*;
use stylus_sdk::stylus_core::calls::context::Call;

/// The OfferBook's storage.
#[entrypoint]
#[storage]
pub struct OfferBook {
    owner: StorageAddress,
    /// The owner-to-be of a two-step transfer (zero: none).
    pending_owner: StorageAddress,
    loan_book: StorageAddress,
    config: ConfigRecord,
    currencies: StorageMap<Address, CurrencyRecord>,
    collections: StorageMap<Address, CollectionRecord>,
    offers: StorageMap<U256, OfferRecord>,
    offer_count: StorageU256,
    /// `currency → open escrow` (the unused principal of every open offer).
    held: StorageMap<Address, StorageU256>,
}

#[public]
impl OfferBook {
    /// Sets the owner, the rate limit (fixed for the contract's life) and the protocol
    /// parameters. Bounds: `1 ≤ maxStepBps ≤ 10000`, `minChangeInterval ≤ 30 days`, see
    /// `set_protocol_params` for the rest.
    #[constructor]
    pub fn constructor(
        &mut self,
        owner: Address,
        max_step_bps: u16,
        min_change_interval: u64,
        fee_bps: u16,
        tip_bps: u16,
        uncertain_haircut_bps: u16,
    ) -> Result<(), Error> {
        owner::set_owner(&mut self.owner, owner, false)?;
        params::check_rate_limit(max_step_bps, min_change_interval).map_err(Error::bounds)?;
        let protocol = ProtocolParams {
            fee_bps,
            tip_bps,
            uncertain_haircut_bps,
        };
        protocol.check_bounds().map_err(Error::bounds)?;
        let last_change = self.now();
        self.config.put(&Config {
            protocol,
            max_step_bps,
            min_change_interval,
            last_change,
            paused: false,
        });
        emit_protocol(&protocol);
        Ok(())
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

    /// Gives up ownership for good (owner only; clears a pending transfer): nothing can be
    /// listed or tuned afterwards.
    pub fn renounce_ownership(&mut self) -> Result<(), Error> {
        let caller = self.vm().msg_sender();
        Ok(owner::renounce(
            &mut self.owner,
            &mut self.pending_owner,
            caller,
        )?)
    }

    /// Wires the LoanBook, the only caller of `take`, once (owner only; must be a contract).
    pub fn set_loan_book(&mut self, loan_book: Address) -> Result<(), Error> {
        self.only_owner()?;
        if !self.loan_book.get().is_zero() {
            return Err(Error::AlreadySet(OfferBookAlreadySet {}));
        }
        self.require_code(loan_book)?;
        self.loan_book.set(loan_book);
        log_words(LoanBookSet::SIGNATURE_HASH, &[], &[loan_book.word()]);
        Ok(())
    }

    /// Stops `create_offer` and `take` (so new borrowing) (owner only). Nothing else is
    /// affected: cancels, repayments, liquidations and claims go on.
    pub fn pause(&mut self) -> Result<(), Error> {
        self.set_paused(true)
    }

    /// Resumes `create_offer` and `take` (owner only).
    pub fn unpause(&mut self) -> Result<(), Error> {
        self.set_paused(false)
    }

    /// Lists `currency` (an ERC-20 contract) or updates its keeper-tip cap (owner only; an
    /// update at most once per `min_change_interval`, `OfferBookChangeTooSoon` otherwise).
    pub fn set_currency(&mut self, currency: Address, tip_cap: U256) -> Result<(), Error> {
        self.only_owner()?;
        self.require_code(currency)?;
        let stored = tip_cap
            .checked_add(U256::from(1u8))
            .ok_or_else(Error::math)?;
        let record = self.currencies.getter(currency);
        let (listed, changed_at) = (record.get().0, record.changed_at());
        // A change of a listed currency's cap waits `min_change_interval` like every other
        // parameter (issue 14 L3); open loans keep the cap they snapshotted at borrow.
        let now = if listed {
            self.rate_limited(changed_at, &self.config.fetch())?
        } else {
            self.now()
        };
        let mut record = self.currencies.setter(currency);
        record.tip_cap_plus_one.set(stored);
        record.set_changed_at(now);
        log_words(CurrencySet::SIGNATURE_HASH, &[currency.word()], &[tip_cap]);
        Ok(())
    }

    /// Lists `collection` for lending in the listed `currency`, enabled, with parameters
    /// inside the hard bounds (owner only). Starts the rate-limit interval.
    #[allow(clippy::too_many_arguments)]
    pub fn list_collection(
        &mut self,
        collection: Address,
        currency: Address,
        max_ltv_bps: u16,
        liq_threshold_bps: u16,
        liq_penalty_bps: u16,
        auction_start_bps: u16,
        auction_cut_bps: u16,
        max_duration: u64,
        grace_period: u64,
        auction_step: u64,
        auction_tail: u64,
    ) -> Result<(), Error> {
        self.only_owner()?;
        self.require_code(collection)?;
        if !self.currencies.getter(currency).get().0 {
            return Err(Error::CurrencyNotListed(OfferBookCurrencyNotListed {
                currency,
            }));
        }
        if self.collections.getter(collection).fetch().listed {
            return Err(Error::AlreadyListed(OfferBookAlreadyListed { collection }));
        }
        let risk = RiskParams {
            max_ltv_bps,
            liq_threshold_bps,
            liq_penalty_bps,
            auction_start_bps,
            auction_cut_bps,
            max_duration,
            grace_period,
            auction_step,
            auction_tail,
        };
        risk.check_bounds().map_err(Error::bounds)?;
        let c = Collection {
            listed: true,
            enabled: true,
            currency,
            risk,
            last_change: self.now(),
        };
        self.collections.setter(collection).put(&c);
        log_words(
            CollectionListed::SIGNATURE_HASH,
            &[collection.word(), currency.word()],
            &[],
        );
        emit_params(collection, &risk);
        Ok(())
    }

    /// Changes a listed collection's parameters (owner only): inside the hard bounds, each
    /// bps field moving by at most `max_step_bps`, at most once per `min_change_interval`.
    /// Existing loans keep their snapshot.
    #[allow(clippy::too_many_arguments)]
    pub fn set_collection_params(
        &mut self,
        collection: Address,
        max_ltv_bps: u16,
        liq_threshold_bps: u16,
        liq_penalty_bps: u16,
        auction_start_bps: u16,
        auction_cut_bps: u16,
        max_duration: u64,
        grace_period: u64,
        auction_step: u64,
        auction_tail: u64,
    ) -> Result<(), Error> {
        self.only_owner()?;
        let mut c = self.collections.getter(collection).fetch();
        if !c.listed {
            return Err(Error::not_listed(collection));
        }
        let config = self.config.fetch();
        let now = self.rate_limited(c.last_change, &config)?;
        let risk = RiskParams {
            max_ltv_bps,
            liq_threshold_bps,
            liq_penalty_bps,
            auction_start_bps,
            auction_cut_bps,
            max_duration,
            grace_period,
            auction_step,
            auction_tail,
        };
        risk.check_bounds().map_err(Error::bounds)?;
        risk.check_steps(&c.risk, config.max_step_bps)
            .map_err(Error::step)?;
        c.risk = risk;
        c.last_change = now;
        self.collections.setter(collection).put(&c);
        emit_params(collection, &risk);
        Ok(())
    }

    /// Enables or disables new offers and loans on a listed collection (owner only; not
    /// rate-limited, so it works as an emergency brake). Existing loans are unaffected.
    pub fn set_collection_enabled(
        &mut self,
        collection: Address,
        enabled: bool,
    ) -> Result<(), Error> {
        self.only_owner()?;
        let mut c = self.collections.getter(collection).fetch();
        if !c.listed {
            return Err(Error::not_listed(collection));
        }
        c.enabled = enabled;
        self.collections.setter(collection).put(&c);
        log_words(
            CollectionEnabled::SIGNATURE_HASH,
            &[collection.word()],
            &[enabled.word()],
        );
        Ok(())
    }

    /// Sets the protocol fee on interest (≤ 2000), the keeper tip (≤ 500) and the haircut of
    /// the max LTV on an `Uncertain` price (1000..=10000), rate-limited like the collection
    /// parameters (owner only). Existing loans keep their snapshot.
    pub fn set_protocol_params(
        &mut self,
        fee_bps: u16,
        tip_bps: u16,
        uncertain_haircut_bps: u16,
    ) -> Result<(), Error> {
        self.only_owner()?;
        let mut config = self.config.fetch();
        let now = self.rate_limited(config.last_change, &config)?;
        let protocol = ProtocolParams {
            fee_bps,
            tip_bps,
            uncertain_haircut_bps,
        };
        protocol.check_bounds().map_err(Error::bounds)?;
        protocol
            .check_steps(&config.protocol, config.max_step_bps)
            .map_err(Error::step)?;
        config.protocol = protocol;
        config.last_change = now;
        self.config.put(&config);
        emit_protocol(&protocol);
        Ok(())
    }

    // ----- lenders ---------------------------------------------------------------------

    /// Creates a funded offer and pulls `principal × capacity` of `currency` from the caller
    /// (who must have approved the OfferBook). `any_token` makes it collection-wide (then
    /// `token_id` is ignored). Not while paused.
    #[allow(clippy::too_many_arguments)]
    pub fn create_offer(
        &mut self,
        currency: Address,
        collection: Address,
        token_id: U256,
        any_token: bool,
        principal: U256,
        apr_bps: u16,
        duration: u64,
        expiry: u64,
        capacity: u64,
    ) -> Result<U256, Error> {
        self.not_paused()?;
        let lender = self.vm().msg_sender();
        let c = self.usable_collection(collection)?;
        if c.currency != currency {
            return Err(Error::WrongCurrency(OfferBookWrongCurrency {}));
        }
        if principal.is_zero() {
            return Err(Error::ZeroAmount(OfferBookZeroAmount {}));
        }
        if apr_bps > params::MAX_APR_BPS {
            return Err(Error::BadApr(OfferBookBadApr {}));
        }
        if duration < params::MIN_DURATION || duration > c.risk.max_duration {
            return Err(Error::BadDuration(OfferBookBadDuration {}));
        }
        if expiry <= self.now() {
            return Err(Error::BadExpiry(OfferBookBadExpiry {}));
        }
        if capacity == 0 || capacity > params::MAX_CAPACITY {
            return Err(Error::BadCapacity(OfferBookBadCapacity {}));
        }
        let escrow = principal
            .checked_mul(U256::from(capacity))
            .ok_or_else(Error::math)?;
        let offer_id = self
            .offer_count
            .get()
            .checked_add(U256::from(1u8))
            .ok_or_else(Error::math)?;
        self.offer_count.set(offer_id);
        let offer = Offer {
            lender,
            currency,
            collection,
            token_id,
            principal,
            any_token,
            open: true,
            apr_bps,
            duration,
            expiry,
            capacity: capacity as u32, // ≤ MAX_CAPACITY
            used: 0,
        };
        self.offers.setter(offer_id).put(&offer);
        self.add_held(currency, escrow)?;
        log_words(
            OfferCreated::SIGNATURE_HASH,
            &[offer_id, lender.word(), collection.word()],
            &[
                currency.word(),
                token_id,
                any_token.word(),
                principal,
                u64::from(apr_bps).word(),
                duration.word(),
                expiry.word(),
                capacity.word(),
            ],
        );
        self.pull(currency, lender, escrow)?;
        Ok(offer_id)
    }

    /// Closes the caller's offer and refunds the unused escrow to the caller. Works while
    /// paused and after expiry.
    pub fn cancel_offer(&mut self, offer_id: U256) -> Result<U256, Error> {
        let caller = self.vm().msg_sender();
        let mut o = self.load_offer(offer_id)?;
        if o.lender != caller {
            return Err(Error::NotLender(OfferBookNotLender {}));
        }
        if !o.open {
            return Err(Error::OfferClosed(OfferBookOfferClosed {}));
        }
        let left = o.capacity.saturating_sub(o.used);
        let refund = o
            .principal
            .checked_mul(U256::from(left))
            .ok_or_else(Error::math)?;
        o.open = false;
        self.offers.setter(offer_id).set_terms(&o);
        let currency = o.currency;
        self.sub_held(currency, refund)?;
        log_words(OfferCancelled::SIGNATURE_HASH, &[offer_id], &[refund]);
        self.push(currency, caller, refund)?;
        Ok(refund)
    }

    // ----- the LoanBook ----------------------------------------------------------------

    /// Takes one loan out of `offer_id` for `borrower` against `token_id` (LoanBook only):
    /// not paused; the offer exists, is open and unexpired, matches the token unless
    /// collection-wide; the borrower is not the lender; the collection is listed and enabled
    /// and still allows the offer's duration. Counts the loan against the capacity and pays
    /// the principal out of escrow to `payee` (the borrower for a new loan; the LoanBook
    /// itself for a refinance or a rollover, which pays the old lender out of it). Returns `(lender, currency, collection,
    /// principal, terms, auction, tipCap)`: the two words are the loan's snapshot of the
    /// offer, the collection's parameters and the protocol parameters
    /// (`lien_contract_common::terms`), and `tipCap` the currency's keeper-tip cap now, which
    /// the LoanBook snapshots too.
    #[allow(clippy::type_complexity)]
    pub fn take(
        &mut self,
        offer_id: U256,
        token_id: U256,
        borrower: Address,
        payee: Address,
    ) -> Result<(Address, Address, Address, U256, U256, U256, U256), Error> {
        let caller = self.vm().msg_sender();
        if caller.is_zero() || caller != self.loan_book.get() {
            return Err(Error::NotLoanBook(OfferBookNotLoanBook { caller }));
        }
        self.not_paused()?;
        let mut o = self.load_offer(offer_id)?;
        if !o.open {
            return Err(Error::OfferClosed(OfferBookOfferClosed {}));
        }
        if self.now() >= o.expiry {
            return Err(Error::OfferExpired(OfferBookOfferExpired {}));
        }
        if !o.any_token && o.token_id != token_id {
            return Err(Error::WrongToken(OfferBookWrongToken {}));
        }
        if borrower == o.lender {
            return Err(Error::SelfDealing(OfferBookSelfDealing {}));
        }
        let risk = self.usable_collection(o.collection)?.risk;
        if o.duration > risk.max_duration {
            return Err(Error::BadDuration(OfferBookBadDuration {}));
        }
        let protocol = self.config.fetch().protocol;
        o.used = o.used.saturating_add(1); // used < capacity ≤ 1000 while open
        if o.used >= o.capacity {
            o.open = false;
        }
        self.offers.setter(offer_id).set_terms(&o);
        self.sub_held(o.currency, o.principal)?;
        log_words(
            OfferTaken::SIGNATURE_HASH,
            &[offer_id, borrower.word()],
            &[token_id, u64::from(o.used).word()],
        );
        let snapshot = LoanTerms {
            duration: o.duration,
            apr_bps: o.apr_bps,
            max_ltv_bps: risk.max_ltv_bps,
            uncertain_haircut_bps: protocol.uncertain_haircut_bps,
            grace_period: risk.grace_period,
            liq_threshold_bps: risk.liq_threshold_bps,
            liq_penalty_bps: risk.liq_penalty_bps,
            fee_bps: protocol.fee_bps,
            tip_bps: protocol.tip_bps,
            auction_start_bps: risk.auction_start_bps,
            auction_cut_bps: risk.auction_cut_bps,
            auction_step: risk.auction_step,
            auction_tail: risk.auction_tail,
            multiplier_bps: 0, // the LoanBook writes the snapshot
        };
        self.push(o.currency, payee, o.principal)?;
        let (terms, auction) = snapshot.to_words();
        let (_, tip_cap) = self.currencies.getter(o.currency).get();
        Ok((
            o.lender,
            o.currency,
            o.collection,
            o.principal,
            terms,
            auction,
            tip_cap,
        ))
    }

    // ----- views -----------------------------------------------------------------------

    /// `(lender, currency, collection, tokenId, anyToken, principal, aprBps, duration,
    /// expiry, capacity, used, open)`.
    #[allow(clippy::type_complexity)]
    pub fn offer(
        &self,
        offer_id: U256,
    ) -> Result<
        (
            Address,
            Address,
            Address,
            U256,
            bool,
            U256,
            u16,
            u64,
            u64,
            u64,
            u64,
            bool,
        ),
        Error,
    > {
        let o = self.load_offer(offer_id)?;
        Ok((
            o.lender,
            o.currency,
            o.collection,
            o.token_id,
            o.any_token,
            o.principal,
            o.apr_bps,
            o.duration,
            o.expiry,
            u64::from(o.capacity),
            u64::from(o.used),
            o.open,
        ))
    }

    /// `(listed, enabled, currency, maxLtvBps, liqThresholdBps, liqPenaltyBps,
    /// auctionStartBps, auctionCutBps, maxDuration, gracePeriod, auctionStep, auctionTail,
    /// lastChange)`.
    #[allow(clippy::type_complexity)]
    pub fn params(
        &self,
        collection: Address,
    ) -> (
        bool,
        bool,
        Address,
        u16,
        u16,
        u16,
        u16,
        u16,
        u64,
        u64,
        u64,
        u64,
        u64,
    ) {
        let c = self.collections.getter(collection).fetch();
        let p = c.risk;
        (
            c.listed,
            c.enabled,
            c.currency,
            p.max_ltv_bps,
            p.liq_threshold_bps,
            p.liq_penalty_bps,
            p.auction_start_bps,
            p.auction_cut_bps,
            p.max_duration,
            p.grace_period,
            p.auction_step,
            p.auction_tail,
            c.last_change,
        )
    }

    /// `(feeBps, tipBps, uncertainHaircutBps, maxStepBps, minChangeInterval, lastChange)`.
    pub fn protocol_params(&self) -> (u16, u16, u16, u16, u64, u64) {
        let c = self.config.fetch();
        let p = c.protocol;
        (
            p.fee_bps,
            p.tip_bps,
            p.uncertain_haircut_bps,
            c.max_step_bps,
            c.min_change_interval,
            c.last_change,
        )
    }

    /// `(listed, tipCap)` of a currency.
    pub fn currency_info(&self, currency: Address) -> (bool, U256) {
        self.currencies.getter(currency).get()
    }

    /// The open escrow in `currency`; the OfferBook's token balance is never below it.
    pub fn held(&self, currency: Address) -> U256 {
        self.held.get(currency)
    }

    /// The wired LoanBook (zero until `set_loan_book`).
    pub fn loan_book(&self) -> Address {
        self.loan_book.get()
    }

    /// Whether new offers and borrowing are paused.
    pub fn paused(&self) -> bool {
        self.config.fetch().paused
    }

    /// Offers created so far (ids run from 1 to this).
    pub fn offer_count(&self) -> U256 {
        self.offer_count.get()
    }
}

/// Emits `ProtocolParamsSet`.
fn emit_protocol(p: &ProtocolParams) {
    let words = [p.fee_bps, p.tip_bps, p.uncertain_haircut_bps].map(|bps| u64::from(bps).word());
    log_words(ProtocolParamsSet::SIGNATURE_HASH, &[], &words);
}

/// Emits `CollectionParamsSet`.
fn emit_params(collection: Address, p: &RiskParams) {
    let bps = [
        p.max_ltv_bps,
        p.liq_threshold_bps,
        p.liq_penalty_bps,
        p.auction_start_bps,
        p.auction_cut_bps,
    ];
    let times = [
        p.max_duration,
        p.grace_period,
        p.auction_step,
        p.auction_tail,
    ];
    let mut data = [U256::ZERO; 9];
    for (slot, value) in data
        .iter_mut()
        .zip(bps.iter().map(|b| u64::from(*b)).chain(times))
    {
        *slot = value.word();
    }
    log_words(
        CollectionParamsSet::SIGNATURE_HASH,
        &[collection.word()],
        &data,
    );
}

/// Internal helpers (not part of the ABI).
impl OfferBook {
    fn now(&self) -> u64 {
        clock::now(self.vm().block_timestamp())
    }

    fn require_code(&self, account: Address) -> Result<(), Error> {
        if account.is_zero() {
            return Err(Error::ZeroAddress(OfferBookZeroAddress {}));
        }
        if !has_code(self.vm().code_hash(account)) {
            return Err(Error::NoCode(OfferBookNoCode { account }));
        }
        Ok(())
    }

    fn only_owner(&self) -> Result<(), Error> {
        Ok(owner::only_owner(&self.owner, self.vm().msg_sender())?)
    }

    fn set_paused(&mut self, paused: bool) -> Result<(), Error> {
        self.only_owner()?;
        let mut config = self.config.fetch();
        if config.paused == paused {
            return Err(Error::PauseUnchanged(OfferBookPauseUnchanged {}));
        }
        config.paused = paused;
        self.config.put(&config);
        log_words(PausedSet::SIGNATURE_HASH, &[], &[paused.word()]);
        Ok(())
    }

    fn not_paused(&self) -> Result<(), Error> {
        if self.config.fetch().paused {
            return Err(Error::Paused(OfferBookPaused {}));
        }
        Ok(())
    }

    /// Fails with `ChangeTooSoon` unless `min_change_interval` passed since `last`; returns now.
    fn rate_limited(&self, last: u64, config: &Config) -> Result<u64, Error> {
        let now = self.now();
        let next = last.saturating_add(config.min_change_interval);
        if now < next {
            return Err(Error::ChangeTooSoon(OfferBookChangeTooSoon {
                nextAllowed: next,
            }));
        }
        Ok(now)
    }

    /// A listed, enabled collection.
    fn usable_collection(&self, collection: Address) -> Result<Collection, Error> {
        let c = self.collections.getter(collection).fetch();
        if !c.listed {
            return Err(Error::not_listed(collection));
        }
        if !c.enabled {
            return Err(Error::CollectionDisabled(OfferBookCollectionDisabled {
                collection,
            }));
        }
        Ok(c)
    }

    /// An offer that exists.
    fn load_offer(&self, offer_id: U256) -> Result<Offer, Error> {
        let o = self.offers.getter(offer_id).fetch();
        if o.lender.is_zero() {
            return Err(Error::UnknownOffer(OfferBookUnknownOffer {
                offerId: offer_id,
            }));
        }
        Ok(o)
    }

    fn add_held(&mut self, currency: Address, amount: U256) -> Result<(), Error> {
        let new = self
            .held
            .get(currency)
            .checked_add(amount)
            .ok_or_else(Error::math)?;
        self.held.setter(currency).set(new);
        Ok(())
    }

    fn sub_held(&mut self, currency: Address, amount: U256) -> Result<(), Error> {
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
    fn pull(&mut self, currency: Address, from: Address, amount: U256) -> Result<(), Error> {
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
            return Err(Error::TransferMismatch(OfferBookTransferMismatch {
                expected: amount,
                received,
            }));
        }
        Ok(())
    }

    /// `transfer(to, amount)`: must return `true`.
    fn push(&mut self, currency: Address, to: Address, amount: U256) -> Result<(), Error> {
        self.token_call(
            currency,
            transferCall::SELECTOR,
            &[address_word(to), amount],
        )
    }

    /// An ERC-20 `transfer`/`transferFrom` (the SDK flushes the storage cache first):
    /// `TransferFailed` unless it returns exactly `true`.
    fn token_call(
        &mut self,
        currency: Address,
        selector: [u8; 4],
        args: &[U256],
    ) -> Result<(), Error> {
        match self
            .vm()
            .call(&Call::new(), currency, &calldata(selector, args))
        {
            Ok(reply) if boolean(&reply, 0) == Some(true) => Ok(()),
            _ => Err(Error::transfer_failed()),
        }
    }

    /// `balanceOf(account)` of a token; `None` when the call fails or the reply is malformed.
    fn balance_of(&self, currency: Address, account: Address) -> Option<U256> {
        let data = calldata(balanceOfCall::SELECTOR, &[address_word(account)]);
        let reply = self.vm().static_call(&Call::new(), currency, &data).ok()?;
        word(&reply, 0)
    }
}
