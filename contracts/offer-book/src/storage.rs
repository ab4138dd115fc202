//! Storage records of the OfferBook and their plain-value copies.
//!
//! Small fields are packed into 256-bit words (see `lien_contract_common::packing`): every
//! storage field costs code in the SDK's generated constructors, so fewer fields keep the
//! contract small. Each record has a plain struct, loaded and stored as a whole.

#[allow(unused_imports)] // the SDK macros expand to code that names `vec!` and `Vec`
use alloc::{vec, vec::Vec};
use alloy_primitives::{Address, U256};
use lien_contract_common::packing::{address_with, b16, flag, limbs, pack16, split_address};
use stylus_sdk::prelude::*;
use stylus_sdk::storage::{StorageAddress, StorageU256};

use crate::params::{ProtocolParams, RiskParams};

/// A listed currency.
#[storage]
pub struct CurrencyRecord {
    /// Cap on the keeper tip, in the currency's smallest unit, plus one (0 = not listed), so
    /// one slot holds both facts.
    pub tip_cap_plus_one: StorageU256,
    /// Time of the last `setCurrency` (rate limit).
    changed_at: StorageU256,
}

impl CurrencyRecord {
    /// `(listed, tip_cap)`.
    pub fn get(&self) -> (bool, U256) {
        let v = self.tip_cap_plus_one.get();
        (!v.is_zero(), v.saturating_sub(U256::from(1u8)))
    }

    /// Time of the last `setCurrency`.
    pub fn changed_at(&self) -> u64 {
        self.changed_at.get().as_limbs()[0]
    }

    /// Records the time of a `setCurrency`.
    pub fn set_changed_at(&mut self, now: u64) {
        self.changed_at.set(U256::from(now));
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

/// A listed collection, packed into two words (`take` reads both at every borrow, each a cold
/// read): `currency | x: gracePeriod | y: maxDuration`, and `[ltv|threshold|penalty|start,
/// cut|listed<<16|enabled<<17, lastChange, auctionStep | auctionTail<<32]`. The durations are
/// bounded (`params::MAX_DURATION` is 365 days, the others 30 days or less) and checked before
/// they are stored, so 32 bits hold each.
#[storage]
pub struct CollectionRecord {
    currency: StorageU256,
    bps: StorageU256,
}

/// A bounded duration in 32 bits (the bounds are checked before storing; saturates otherwise).
fn secs32(v: u64) -> u32 {
    u32::try_from(v).unwrap_or(u32::MAX)
}

impl CollectionRecord {
    /// The stored collection.
    pub fn fetch(&self) -> Collection {
        let (currency, grace, max_duration) = split_address(self.currency.get());
        let b = limbs(self.bps.get());
        Collection {
            listed: flag(b[1], 16),
            enabled: flag(b[1], 17),
            currency,
            risk: RiskParams {
                max_ltv_bps: b16(b[0], 0),
                liq_threshold_bps: b16(b[0], 16),
                liq_penalty_bps: b16(b[0], 32),
                auction_start_bps: b16(b[0], 48),
                auction_cut_bps: b16(b[1], 0),
                max_duration,
                grace_period: u64::from(grace),
                auction_step: b[3] & 0xFFFF_FFFF,
                auction_tail: b[3] >> 32,
            },
            last_change: b[2],
        }
    }

    /// Stores `c`.
    pub fn put(&mut self, c: &Collection) {
        let r = &c.risk;
        self.currency.set(address_with(
            c.currency,
            secs32(r.grace_period),
            r.max_duration,
        ));
        let flags = u64::from(r.auction_cut_bps)
            | (u64::from(c.listed) << 16)
            | (u64::from(c.enabled) << 17);
        let head = pack16(
            r.max_ltv_bps,
            r.liq_threshold_bps,
            r.liq_penalty_bps,
            r.auction_start_bps,
        );
        let times = u64::from(secs32(r.auction_step)) | (u64::from(secs32(r.auction_tail)) << 32);
        self.bps
            .set(U256::from_limbs([head, flags, c.last_change, times]));
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

/// A stored offer, packed into five words (a fresh slot costs 22,100 gas at `createOffer`): the
/// small fields ride in the 96 bits an address leaves free (`packing::address_with`):
/// `lender | x: aprBps, anyToken (bit 16) | y: expiry`, `currency | x: capacity (bits 0–15),
/// used (16–30), open (bit 31) | y: duration`, then collection, tokenId, principal. `take` and
/// `cancelOffer` rewrite the currency word only. Capacity ≤ `MAX_CAPACITY` (1,000) and used ≤
/// capacity, checked before storing, so both fit their bits.
#[storage]
pub struct OfferRecord {
    lender: StorageU256,
    currency: StorageU256,
    collection: StorageAddress,
    token_id: StorageU256,
    principal: StorageU256,
}

impl OfferRecord {
    /// The stored offer.
    pub fn fetch(&self) -> Offer {
        let (lender, flags, expiry) = split_address(self.lender.get());
        let (currency, counts, duration) = split_address(self.currency.get());
        Offer {
            lender,
            currency,
            collection: self.collection.get(),
            token_id: self.token_id.get(),
            principal: self.principal.get(),
            any_token: flags & (1 << 16) != 0,
            open: counts & (1 << 31) != 0,
            apr_bps: flags as u16,
            duration,
            expiry,
            capacity: counts & 0xFFFF,
            used: (counts >> 16) & 0x7FFF,
        }
    }

    /// Stores `o`.
    pub fn put(&mut self, o: &Offer) {
        let flags = u32::from(o.apr_bps) | (u32::from(o.any_token) << 16);
        self.lender.set(address_with(o.lender, flags, o.expiry));
        self.collection.set(o.collection);
        self.token_id.set(o.token_id);
        self.principal.set(o.principal);
        self.set_terms(o);
    }

    /// Stores only the word `take` and `cancel_offer` change (currency, duration, counts).
    pub fn set_terms(&mut self, o: &Offer) {
        let counts = (o.capacity & 0xFFFF) | ((o.used & 0x7FFF) << 16) | (u32::from(o.open) << 31);
        self.currency
            .set(address_with(o.currency, counts, o.duration));
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
        let head = pack16(
            p.fee_bps,
            p.tip_bps,
            p.uncertain_haircut_bps,
            c.max_step_bps,
        );
        self.word.set(U256::from_limbs([
            head,
            c.min_change_interval,
            c.last_change,
            u64::from(c.paused),
        ]));
    }
}
