//! Storage records of the LoanBook and their plain-value copies.
//!
//! Small fields are packed into 256-bit words (four `u64` limbs, bps values 16 bits each):
//! every storage field costs code in the SDK's generated constructors, so fewer fields keep
//! the contract small. Each record has a plain struct, loaded and stored as a whole.

#[allow(unused_imports)] // the SDK macros expand to code that names `vec!` and `Vec`
use alloc::{vec, vec::Vec};
use alloy_primitives::{Address, U256, U64};
use stylus_sdk::prelude::*;
use stylus_sdk::storage::{StorageAddress, StorageU256, StorageU64};

use crate::params::{ProtocolParams, RiskParams};

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

/// The four limbs of a word.
fn limbs(w: U256) -> [u64; 4] {
    *w.as_limbs()
}

/// 16 bits of `x` starting at bit `shift` (`shift` < 64).
fn b16(x: u64, shift: u32) -> u16 {
    (x >> shift) as u16
}

/// Whether bit `shift` of `x` is set.
fn flag(x: u64, shift: u32) -> bool {
    (x >> shift) & 1 == 1
}

/// Four 16-bit values in one limb.
fn pack16(a: u16, b: u16, c: u16, d: u16) -> u64 {
    u64::from(a) | (u64::from(b) << 16) | (u64::from(c) << 32) | (u64::from(d) << 48)
}

/// A `U64` storage value as a `u64` (the single limb; cannot fail).
pub fn u64_of(v: U64) -> u64 {
    v.as_limbs()[0]
}

/// A listed currency.
#[storage]
pub struct CurrencyRecord {
    /// Cap on the keeper tip, in the currency's smallest unit, plus one (0 = not listed), so
    /// one slot holds both facts.
    pub tip_cap_plus_one: StorageU256,
}

impl CurrencyRecord {
    /// `(listed, tip_cap)`.
    pub fn get(&self) -> (bool, U256) {
        let v = self.tip_cap_plus_one.get();
        (!v.is_zero(), v.saturating_sub(U256::from(1u8)))
    }
}

/// A collection's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Collection {
    /// Listed by governance (existence marker).
    pub listed: bool,
    /// New offers and loans allowed.
    pub enabled: bool,
    /// The only currency it is lent in (the oracle's quote currency).
    pub currency: Address,
    /// The risk and auction parameters.
    pub risk: RiskParams,
    /// Time of the last parameter change (rate limit).
    pub last_change: u64,
}

/// A listed collection, packed.
#[storage]
pub struct CollectionRecord {
    currency: StorageAddress,
    /// `[maxDuration, grace, step, tail]`.
    durations: StorageU256,
    /// `[ltv|threshold|penalty|start, cut|listed<<16|enabled<<17, lastChange, 0]`.
    bps: StorageU256,
}

impl CollectionRecord {
    /// The stored collection.
    pub fn fetch(&self) -> Collection {
        let d = limbs(self.durations.get());
        let b = limbs(self.bps.get());
        Collection {
            listed: flag(b[1], 16),
            enabled: flag(b[1], 17),
            currency: self.currency.get(),
            risk: RiskParams {
                max_ltv_bps: b16(b[0], 0),
                liq_threshold_bps: b16(b[0], 16),
                liq_penalty_bps: b16(b[0], 32),
                auction_start_bps: b16(b[0], 48),
                auction_cut_bps: b16(b[1], 0),
                max_duration: d[0],
                grace_period: d[1],
                auction_step: d[2],
                auction_tail: d[3],
            },
            last_change: b[2],
        }
    }

    /// Stores `c`.
    pub fn put(&mut self, c: &Collection) {
        let r = &c.risk;
        self.currency.set(c.currency);
        self.durations.set(U256::from_limbs([r.max_duration, r.grace_period, r.auction_step, r.auction_tail]));
        let flags = u64::from(r.auction_cut_bps) | (u64::from(c.listed) << 16) | (u64::from(c.enabled) << 17);
        let head = pack16(r.max_ltv_bps, r.liq_threshold_bps, r.liq_penalty_bps, r.auction_start_bps);
        self.bps.set(U256::from_limbs([head, flags, c.last_change, 0]));
    }
}

/// A funded loan offer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Offer {
    /// The lender (zero = no such offer).
    pub lender: Address,
    /// Loan currency.
    pub currency: Address,
    /// Collateral collection.
    pub collection: Address,
    /// The token the offer is for (ignored when `any_token`).
    pub token_id: U256,
    /// Principal of each loan.
    pub principal: U256,
    /// Collection-wide offer.
    pub any_token: bool,
    /// Still usable (not cancelled, capacity left).
    pub open: bool,
    /// Yearly simple interest in bps.
    pub apr_bps: u16,
    /// Loan duration in seconds.
    pub duration: u64,
    /// The offer can be taken while `now < expiry`.
    pub expiry: u64,
    /// Number of loans the escrow funds.
    pub capacity: u32,
    /// Number of loans taken so far.
    pub used: u32,
}

/// A stored offer, packed.
#[storage]
pub struct OfferRecord {
    lender: StorageAddress,
    currency: StorageAddress,
    collection: StorageAddress,
    token_id: StorageU256,
    principal: StorageU256,
    /// `[duration, expiry, capacity|used<<32, apr|anyToken<<16|open<<17]`.
    terms: StorageU256,
}

impl OfferRecord {
    /// The stored offer.
    pub fn fetch(&self) -> Offer {
        let t = limbs(self.terms.get());
        Offer {
            lender: self.lender.get(),
            currency: self.currency.get(),
            collection: self.collection.get(),
            token_id: self.token_id.get(),
            principal: self.principal.get(),
            any_token: flag(t[3], 16),
            open: flag(t[3], 17),
            apr_bps: b16(t[3], 0),
            duration: t[0],
            expiry: t[1],
            capacity: t[2] as u32,
            used: (t[2] >> 32) as u32,
        }
    }

    /// Stores `o`.
    pub fn put(&mut self, o: &Offer) {
        self.lender.set(o.lender);
        self.currency.set(o.currency);
        self.collection.set(o.collection);
        self.token_id.set(o.token_id);
        self.principal.set(o.principal);
        self.set_terms(o);
    }

    /// Stores only the packed word (the part `borrow` and `cancel_offer` change).
    pub fn set_terms(&mut self, o: &Offer) {
        let counts = u64::from(o.capacity) | (u64::from(o.used) << 32);
        let flags = u64::from(o.apr_bps) | (u64::from(o.any_token) << 16) | (u64::from(o.open) << 17);
        self.terms.set(U256::from_limbs([o.duration, o.expiry, counts, flags]));
    }
}

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
    /// Due time (interest stops accruing here).
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
    /// Liquidation: the keeper that triggered it.
    pub keeper: Address,
    /// Liquidation: the debt frozen at the trigger.
    pub frozen_debt: U256,
    /// Liquidation: the keeper tip recorded at the trigger.
    pub tip: U256,
    /// Liquidation: the auction id.
    pub auction_id: U256,
}

/// A stored loan, packed.
#[storage]
pub struct LoanRecord {
    status: StorageU64,
    borrower: StorageAddress,
    lender: StorageAddress,
    currency: StorageAddress,
    collection: StorageAddress,
    token_id: StorageU256,
    principal: StorageU256,
    /// `[start, due, grace, apr|threshold|penalty|fee]`.
    times: StorageU256,
    /// `[step, tail, tipBps|startBps|cut, 0]`.
    auction: StorageU256,
    keeper: StorageAddress,
    frozen_debt: StorageU256,
    tip: StorageU256,
    auction_id: StorageU256,
}

impl LoanRecord {
    /// A plain copy of the record.
    pub fn fetch(&self) -> Loan {
        let t = limbs(self.times.get());
        let a = limbs(self.auction.get());
        Loan {
            status: u64_of(self.status.get()) as u8,
            borrower: self.borrower.get(),
            lender: self.lender.get(),
            currency: self.currency.get(),
            collection: self.collection.get(),
            token_id: self.token_id.get(),
            principal: self.principal.get(),
            apr_bps: b16(t[3], 0),
            start: t[0],
            due: t[1],
            grace: t[2],
            liq_threshold_bps: b16(t[3], 16),
            liq_penalty_bps: b16(t[3], 32),
            fee_bps: b16(t[3], 48),
            tip_bps: b16(a[2], 0),
            auction_start_bps: b16(a[2], 16),
            auction_cut_bps: b16(a[2], 32),
            auction_step: a[0],
            auction_tail: a[1],
            keeper: self.keeper.get(),
            frozen_debt: self.frozen_debt.get(),
            tip: self.tip.get(),
            auction_id: self.auction_id.get(),
        }
    }

    /// Stores a new loan (status and terms; the liquidation fields stay zero).
    pub fn store_new(&mut self, l: &Loan) {
        self.set_status(l.status);
        self.borrower.set(l.borrower);
        self.lender.set(l.lender);
        self.currency.set(l.currency);
        self.collection.set(l.collection);
        self.token_id.set(l.token_id);
        self.principal.set(l.principal);
        let rates = pack16(l.apr_bps, l.liq_threshold_bps, l.liq_penalty_bps, l.fee_bps);
        self.times.set(U256::from_limbs([l.start, l.due, l.grace, rates]));
        let auction = pack16(l.tip_bps, l.auction_start_bps, l.auction_cut_bps, 0);
        self.auction.set(U256::from_limbs([l.auction_step, l.auction_tail, auction, 0]));
    }

    /// Records a liquidation.
    pub fn store_liquidation(&mut self, keeper: Address, frozen_debt: U256, tip: U256, auction_id: U256) {
        self.set_status(IN_AUCTION);
        self.keeper.set(keeper);
        self.frozen_debt.set(frozen_debt);
        self.tip.set(tip);
        self.auction_id.set(auction_id);
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
        self.status.set(U64::from(status));
    }
}

/// Protocol-wide configuration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Config {
    /// Fee, tip and haircut.
    pub protocol: ProtocolParams,
    /// Rate limit: largest move of a bps field per change (fixed at construction).
    pub max_step_bps: u16,
    /// Rate limit: shortest time between changes (fixed at construction).
    pub min_change_interval: u64,
    /// Time of the last protocol-parameter change.
    pub last_change: u64,
    /// New offers and borrowing are stopped.
    pub paused: bool,
}

/// The configuration, packed in one word:
/// `[fee|tip|haircut|maxStep, minChangeInterval, lastChange, paused]`.
#[storage]
pub struct ConfigRecord {
    word: StorageU256,
}

impl ConfigRecord {
    /// The stored configuration.
    pub fn fetch(&self) -> Config {
        let w = limbs(self.word.get());
        Config {
            protocol: ProtocolParams {
                fee_bps: b16(w[0], 0),
                tip_bps: b16(w[0], 16),
                uncertain_haircut_bps: b16(w[0], 32),
            },
            max_step_bps: b16(w[0], 48),
            min_change_interval: w[1],
            last_change: w[2],
            paused: w[3] == 1,
        }
    }

    /// Stores `c`.
    pub fn put(&mut self, c: &Config) {
        let p = &c.protocol;
        let head = pack16(p.fee_bps, p.tip_bps, p.uncertain_haircut_bps, c.max_step_bps);
        self.word.set(U256::from_limbs([head, c.min_change_interval, c.last_change, u64::from(c.paused)]));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packing_round_trips_extreme_values() {
        let risk = RiskParams {
            max_ltv_bps: u16::MAX,
            liq_threshold_bps: 1,
            liq_penalty_bps: 0x8001,
            auction_start_bps: 30_000,
            auction_cut_bps: 9_999,
            max_duration: u64::MAX,
            grace_period: 0,
            auction_step: 1,
            auction_tail: u64::MAX - 1,
        };
        let c = Collection { listed: true, enabled: false, currency: Address::repeat_byte(7), risk, last_change: 42 };
        let head = pack16(risk.max_ltv_bps, risk.liq_threshold_bps, risk.liq_penalty_bps, risk.auction_start_bps);
        assert_eq!(b16(head, 0), u16::MAX);
        assert_eq!(b16(head, 16), 1);
        assert_eq!(b16(head, 32), 0x8001);
        assert_eq!(b16(head, 48), 30_000);
        assert!(c.listed && !c.enabled);
        assert!(flag(1 << 17, 17) && !flag(1 << 17, 16));
    }
}
