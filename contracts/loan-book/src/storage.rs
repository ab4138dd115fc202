//! The LoanBook's loan record and its plain-value copy.
//!
//! Small fields are packed into 256-bit words (see `lien_contract_common::packing`): every
//! storage field costs code in the SDK's generated constructors. The risk snapshot is kept in
//! the two words `OfferBook.take` returns (`lien_contract_common::terms`).

#[allow(unused_imports)] // the SDK macros expand to code that names `vec!` and `Vec`
use alloc::{vec, vec::Vec};
use alloy_primitives::{Address, U256};
use lien_contract_common::terms::LoanTerms;
use stylus_sdk::prelude::*;
use stylus_sdk::storage::{StorageAddress, StorageU256};

/// Loan status: no loan with this id.
pub const NONE: u8 = 0;
/// Loan status: running.
pub const ACTIVE: u8 = 1;
/// Loan status: collateral in a Dutch auction, debt frozen.
pub const IN_AUCTION: u8 = 2;
/// Loan status: repaid, NFT returned.
pub const REPAID: u8 = 3;
/// Loan status: NFT sold at auction, proceeds divided.
pub const LIQUIDATED: u8 = 4;
/// Loan status: auction ended unsold, NFT given to the lender.
pub const FORECLOSED: u8 = 5;

/// A plain copy of a loan record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Loan {
    /// Loan status (see the constants).
    pub status: u8,
    /// The borrower (receives the NFT back and any auction surplus).
    pub borrower: Address,
    /// The current lender (position is transferable).
    pub lender: Address,
    /// Loan currency.
    pub currency: Address,
    /// Collateral collection.
    pub collection: Address,
    /// Collateral token.
    pub token_id: U256,
    /// Principal lent.
    pub principal: U256,
    /// Yearly simple interest in bps.
    pub apr_bps: u16,
    /// Start time.
    pub start: u64,
    /// Due time (after it, default interest: APR + `DEFAULT_PREMIUM_BPS`).
    pub due: u64,
    /// Snapshot: grace period.
    pub grace: u64,
    /// Snapshot: liquidation threshold.
    pub liq_threshold_bps: u16,
    /// Snapshot: penalty.
    pub liq_penalty_bps: u16,
    /// Snapshot: protocol fee on interest.
    pub fee_bps: u16,
    /// Snapshot: keeper tip.
    pub tip_bps: u16,
    /// Snapshot: auction start multiplier.
    pub auction_start_bps: u16,
    /// Snapshot: auction cut per step.
    pub auction_cut_bps: u16,
    /// Snapshot: auction step.
    pub auction_step: u64,
    /// Snapshot: auction tail.
    pub auction_tail: u64,
    /// Snapshot: the token's rarity multiplier at origination (10_000 = 1×).
    pub multiplier_bps: u32,
    /// Liquidation: the keeper that triggered it.
    pub keeper: Address,
    /// Liquidation: the debt frozen at the trigger.
    pub frozen_debt: U256,
    /// The currency's keeper-tip cap snapshotted at borrow; from liquidation on, the keeper tip
    /// recorded at the trigger (`min(tipBps × debt, cap)`).
    pub tip: U256,
    /// Liquidation: the auction id.
    pub auction_id: U256,
}

/// A stored loan, packed.
#[storage]
pub struct LoanRecord {
    borrower: StorageAddress,
    lender: StorageAddress,
    currency: StorageAddress,
    collection: StorageAddress,
    token_id: StorageU256,
    principal: StorageU256,
    /// `[start, due, status, auctionId]`.
    times: StorageU256,
    /// The snapshot's `terms` word (`lien_contract_common::terms`).
    terms: StorageU256,
    /// The snapshot's `auction` word.
    auction: StorageU256,
    keeper: StorageAddress,
    frozen_debt: StorageU256,
    tip: StorageU256,
}

impl LoanRecord {
    /// A plain copy of the record.
    pub fn fetch(&self) -> Loan {
        let times = *self.times.get().as_limbs();
        let t = LoanTerms::from_words(self.terms.get(), self.auction.get());
        Loan {
            status: times[2] as u8,
            borrower: self.borrower.get(),
            lender: self.lender.get(),
            currency: self.currency.get(),
            collection: self.collection.get(),
            token_id: self.token_id.get(),
            principal: self.principal.get(),
            apr_bps: t.apr_bps,
            start: times[0],
            due: times[1],
            grace: t.grace_period,
            liq_threshold_bps: t.liq_threshold_bps,
            liq_penalty_bps: t.liq_penalty_bps,
            fee_bps: t.fee_bps,
            tip_bps: t.tip_bps,
            auction_start_bps: t.auction_start_bps,
            auction_cut_bps: t.auction_cut_bps,
            auction_step: t.auction_step,
            auction_tail: t.auction_tail,
            multiplier_bps: t.multiplier_bps,
            keeper: self.keeper.get(),
            frozen_debt: self.frozen_debt.get(),
            tip: self.tip.get(),
            auction_id: U256::from_limbs([times[3], 0, 0, 0]),
        }
    }

    /// Stores a new active loan with its snapshot words and tip cap (the other liquidation
    /// fields stay zero).
    #[allow(clippy::too_many_arguments)]
    pub fn store_new(
        &mut self,
        parties: (Address, Address),
        asset: (Address, Address, U256),
        principal: U256,
        start: u64,
        due: u64,
        words: (U256, U256),
        tip_cap: U256,
    ) {
        self.borrower.set(parties.0);
        self.lender.set(parties.1);
        self.currency.set(asset.0);
        self.collection.set(asset.1);
        self.token_id.set(asset.2);
        self.principal.set(principal);
        self.times
            .set(U256::from_limbs([start, due, u64::from(ACTIVE), 0]));
        self.terms.set(words.0);
        self.auction.set(words.1);
        self.tip.set(tip_cap);
    }

    /// Records a liquidation (status `IN_AUCTION`).
    pub fn store_liquidation(
        &mut self,
        keeper: Address,
        frozen_debt: U256,
        tip: U256,
        auction_id: u64,
    ) {
        let mut times = *self.times.get().as_limbs();
        times[2] = u64::from(IN_AUCTION);
        times[3] = auction_id;
        self.times.set(U256::from_limbs(times));
        self.keeper.set(keeper);
        self.frozen_debt.set(frozen_debt);
        self.tip.set(tip);
    }

    /// The current lender.
    pub fn lender(&self) -> Address {
        self.lender.get()
    }

    /// Hands the lender position over.
    pub fn set_lender(&mut self, lender: Address) {
        self.lender.set(lender);
    }

    /// Sets the status.
    pub fn set_status(&mut self, status: u8) {
        let mut times = *self.times.get().as_limbs();
        times[2] = u64::from(status);
        self.times.set(U256::from_limbs(times));
    }
}
