//! Storage records of the LoanBook and their plain-value snapshots.

#[allow(unused_imports)] // the SDK macros expand to code that names `vec!` and `Vec`
use alloc::{vec, vec::Vec};
use alloy_primitives::{Address, U256, U64};
use stylus_sdk::prelude::*;
use stylus_sdk::storage::{StorageAddress, StorageBool, StorageU256, StorageU64};

use crate::params::RiskParams;

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

/// A `U64` storage value as a `u64` (the single limb; cannot fail).
pub fn u64_of(v: U64) -> u64 {
    v.as_limbs()[0]
}

/// A `u16` parameter read back from a `U64` slot (values are stored from `u16`).
pub fn u16_of(v: U64) -> u16 {
    u16::try_from(u64_of(v)).unwrap_or(u16::MAX)
}

/// A listed currency.
#[storage]
pub struct CurrencyRecord {
    /// Whether governance listed it.
    pub listed: StorageBool,
    /// Cap on the keeper tip, in the currency's smallest unit.
    pub tip_cap: StorageU256,
}

/// A listed collection and its parameters.
#[storage]
pub struct CollectionRecord {
    /// Whether governance listed it (existence marker).
    pub listed: StorageBool,
    /// Whether new offers and loans are allowed.
    pub enabled: StorageBool,
    /// The only currency it is lent in (the oracle's quote currency).
    pub currency: StorageAddress,
    /// See [`RiskParams`].
    pub max_ltv_bps: StorageU64,
    /// See [`RiskParams`].
    pub liq_threshold_bps: StorageU64,
    /// See [`RiskParams`].
    pub liq_penalty_bps: StorageU64,
    /// See [`RiskParams`].
    pub auction_start_bps: StorageU64,
    /// See [`RiskParams`].
    pub auction_cut_bps: StorageU64,
    /// See [`RiskParams`].
    pub max_duration: StorageU64,
    /// See [`RiskParams`].
    pub grace_period: StorageU64,
    /// See [`RiskParams`].
    pub auction_step: StorageU64,
    /// See [`RiskParams`].
    pub auction_tail: StorageU64,
    /// Time of the last parameter change (rate limit).
    pub last_change: StorageU64,
}

impl CollectionRecord {
    /// The stored parameters.
    pub fn risk(&self) -> RiskParams {
        RiskParams {
            max_ltv_bps: u16_of(self.max_ltv_bps.get()),
            liq_threshold_bps: u16_of(self.liq_threshold_bps.get()),
            liq_penalty_bps: u16_of(self.liq_penalty_bps.get()),
            auction_start_bps: u16_of(self.auction_start_bps.get()),
            auction_cut_bps: u16_of(self.auction_cut_bps.get()),
            max_duration: u64_of(self.max_duration.get()),
            grace_period: u64_of(self.grace_period.get()),
            auction_step: u64_of(self.auction_step.get()),
            auction_tail: u64_of(self.auction_tail.get()),
        }
    }

    /// Stores `p`.
    pub fn set_risk(&mut self, p: &RiskParams) {
        self.max_ltv_bps.set(U64::from(p.max_ltv_bps));
        self.liq_threshold_bps.set(U64::from(p.liq_threshold_bps));
        self.liq_penalty_bps.set(U64::from(p.liq_penalty_bps));
        self.auction_start_bps.set(U64::from(p.auction_start_bps));
        self.auction_cut_bps.set(U64::from(p.auction_cut_bps));
        self.max_duration.set(U64::from(p.max_duration));
        self.grace_period.set(U64::from(p.grace_period));
        self.auction_step.set(U64::from(p.auction_step));
        self.auction_tail.set(U64::from(p.auction_tail));
    }
}

/// A funded loan offer.
#[storage]
pub struct OfferRecord {
    /// The lender (zero = no such offer).
    pub lender: StorageAddress,
    /// Loan currency.
    pub currency: StorageAddress,
    /// Collateral collection.
    pub collection: StorageAddress,
    /// The token the offer is for (ignored when `any_token`).
    pub token_id: StorageU256,
    /// Collection-wide offer.
    pub any_token: StorageBool,
    /// Still usable (not cancelled, capacity left).
    pub open: StorageBool,
    /// Principal of each loan.
    pub principal: StorageU256,
    /// Yearly simple interest in bps.
    pub apr_bps: StorageU64,
    /// Loan duration in seconds.
    pub duration: StorageU64,
    /// Last second at which the offer can be taken is `expiry - 1`.
    pub expiry: StorageU64,
    /// Number of loans the escrow funds.
    pub capacity: StorageU64,
    /// Number of loans taken so far.
    pub used: StorageU64,
}

/// A loan with the snapshot of its risk parameters.
#[storage]
pub struct LoanRecord {
    /// Loan status (see the constants).
    pub status: StorageU64,
    /// The borrower (receives the NFT back and any auction surplus).
    pub borrower: StorageAddress,
    /// The current lender (position is transferable).
    pub lender: StorageAddress,
    /// Loan currency.
    pub currency: StorageAddress,
    /// Collateral collection.
    pub collection: StorageAddress,
    /// Collateral token.
    pub token_id: StorageU256,
    /// Principal lent.
    pub principal: StorageU256,
    /// Yearly simple interest in bps.
    pub apr_bps: StorageU64,
    /// Start time.
    pub start: StorageU64,
    /// Due time (interest stops accruing here).
    pub due: StorageU64,
    /// Snapshot: grace period.
    pub grace: StorageU64,
    /// Snapshot: liquidation threshold.
    pub liq_threshold_bps: StorageU64,
    /// Snapshot: penalty.
    pub liq_penalty_bps: StorageU64,
    /// Snapshot: protocol fee on interest.
    pub fee_bps: StorageU64,
    /// Snapshot: keeper tip.
    pub tip_bps: StorageU64,
    /// Snapshot: auction start multiplier.
    pub auction_start_bps: StorageU64,
    /// Snapshot: auction cut per step.
    pub auction_cut_bps: StorageU64,
    /// Snapshot: auction step.
    pub auction_step: StorageU64,
    /// Snapshot: auction tail.
    pub auction_tail: StorageU64,
    /// Liquidation: the keeper that triggered it.
    pub keeper: StorageAddress,
    /// Liquidation: the debt frozen at the trigger.
    pub frozen_debt: StorageU256,
    /// Liquidation: the keeper tip recorded at the trigger.
    pub tip: StorageU256,
    /// Liquidation: the auction id.
    pub auction_id: StorageU256,
}

/// A plain copy of a loan record.
#[derive(Clone, Copy, Debug)]
pub struct Loan {
    /// See [`LoanRecord`].
    pub status: u8,
    /// See [`LoanRecord`].
    pub borrower: Address,
    /// See [`LoanRecord`].
    pub lender: Address,
    /// See [`LoanRecord`].
    pub currency: Address,
    /// See [`LoanRecord`].
    pub collection: Address,
    /// See [`LoanRecord`].
    pub token_id: U256,
    /// See [`LoanRecord`].
    pub principal: U256,
    /// See [`LoanRecord`].
    pub apr_bps: u16,
    /// See [`LoanRecord`].
    pub start: u64,
    /// See [`LoanRecord`].
    pub due: u64,
    /// See [`LoanRecord`].
    pub grace: u64,
    /// See [`LoanRecord`].
    pub liq_threshold_bps: u16,
    /// See [`LoanRecord`].
    pub liq_penalty_bps: u16,
    /// See [`LoanRecord`].
    pub fee_bps: u16,
    /// See [`LoanRecord`].
    pub tip_bps: u16,
    /// See [`LoanRecord`].
    pub auction_start_bps: u16,
    /// See [`LoanRecord`].
    pub auction_cut_bps: u16,
    /// See [`LoanRecord`].
    pub auction_step: u64,
    /// See [`LoanRecord`].
    pub auction_tail: u64,
    /// See [`LoanRecord`].
    pub keeper: Address,
    /// See [`LoanRecord`].
    pub frozen_debt: U256,
    /// See [`LoanRecord`].
    pub tip: U256,
    /// See [`LoanRecord`].
    pub auction_id: U256,
}

impl LoanRecord {
    /// A plain copy of the record.
    pub fn snapshot(&self) -> Loan {
        Loan {
            status: u8::try_from(u64_of(self.status.get())).unwrap_or(u8::MAX),
            borrower: self.borrower.get(),
            lender: self.lender.get(),
            currency: self.currency.get(),
            collection: self.collection.get(),
            token_id: self.token_id.get(),
            principal: self.principal.get(),
            apr_bps: u16_of(self.apr_bps.get()),
            start: u64_of(self.start.get()),
            due: u64_of(self.due.get()),
            grace: u64_of(self.grace.get()),
            liq_threshold_bps: u16_of(self.liq_threshold_bps.get()),
            liq_penalty_bps: u16_of(self.liq_penalty_bps.get()),
            fee_bps: u16_of(self.fee_bps.get()),
            tip_bps: u16_of(self.tip_bps.get()),
            auction_start_bps: u16_of(self.auction_start_bps.get()),
            auction_cut_bps: u16_of(self.auction_cut_bps.get()),
            auction_step: u64_of(self.auction_step.get()),
            auction_tail: u64_of(self.auction_tail.get()),
            keeper: self.keeper.get(),
            frozen_debt: self.frozen_debt.get(),
            tip: self.tip.get(),
            auction_id: self.auction_id.get(),
        }
    }

    /// Sets the status.
    pub fn set_status(&mut self, status: u8) {
        self.status.set(U64::from(status));
    }
}
