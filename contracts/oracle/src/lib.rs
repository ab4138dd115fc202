//! `PriceOracle`: Lien's per-collection NFT floor-price aggregator.
//!
//! Sources per collection are push **reporters** (addresses that call `postPrice`) and pull
//! **feeds** (Chainlink `AggregatorV3Interface`). Every read drops zero, future-dated and stale
//! values, requires a quorum, takes the lower median and flags dispersion; reporters' jumps are
//! held back until confirmed; a time-weighted average (TWAP) of the aggregate is rolled on every
//! post and `poke`; an optional L2 sequencer-uptime feed gates everything. `borrowPrice` =
//! min(spot, TWAP) × multiplier, `liquidationPrice` = TWAP × multiplier, both with a status that
//! the LoanBook acts on (the views never revert for Stale / NoQuorum / SequencerDown).
//! The exact pipeline is documented in docs/contracts/oracle.md.
// The SDK's #[entrypoint] emits an undocumented `user_entrypoint`, hence the allow.
#![allow(missing_docs)]
#![cfg_attr(not(any(test, feature = "export-abi")), no_main, no_std)]
extern crate alloc;

/// A panic traps: the call reverts with no data (and std's panic machinery stays out).
#[cfg(all(target_arch = "wasm32", not(any(test, feature = "export-abi"))))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

#[allow(unused_imports)] // the SDK macros expand to code that names `vec!` and `Vec`
use alloc::{vec, vec::Vec};

pub mod abi;
pub mod aggregate;
pub mod clock;
pub mod engine;
pub mod errors;
pub mod feed;
pub mod inspect;
pub mod jump;
pub mod loan_views;
pub mod packed;
pub mod params;
pub mod quote;
pub mod scale;
pub mod window;

#[cfg(test)]
mod tests;

use abi::{num, topic};
use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::SolEvent;
use lien_contract_common::owner::{
    OwnableInvalidOwner, OwnableUnauthorizedAccount, OwnershipTransferStarted, OwnershipTransferred,
};
use stylus_sdk::{
    prelude::*,
    storage::{StorageAddress, StorageArray, StorageMap, StorageU256},
};

use aggregate::{Aggregate, Collector, Observation};
use engine::{effective_multiplier, math};
pub use errors::*;
use jump::Decision;
use packed::SourceMeta;
use params::{Params, MAX_DECIMALS, MAX_SOURCES, SEQUENCER_GRACE_BOUNDS};
use quote::Inputs;
use scale::{normalize, MAX_PRICE};
use window::{Accumulator, CHECKPOINTS};

/// Source kinds as stored and emitted.
pub mod kind {
    /// Not a source.
    pub const NONE: u8 = 0;
    /// A push reporter.
    pub const REPORTER: u8 = 1;
    /// A pull feed (AggregatorV3Interface).
    pub const FEED: u8 = 2;
}

/// Gas given to each feed call (`decimals`, `latestRoundData`); a Chainlink aggregator proxy
/// answers in well under 30k.
pub const FEED_CALL_GAS: u64 = 100_000;
/// Most `(collection, price)` pairs one `postPrices` call may carry.
pub const MAX_BATCH: usize = 32;
/// Largest rarity multiplier, in bps (2×; the low end of the 2–3× cap the research names,
/// after JPEG'd's PIP-58 losses on boosted values; see docs/contracts/oracle.md).
pub const MAX_MULTIPLIER_BPS: u32 = 20_000;
/// Largest raise of a token's multiplier in one change, in bps (0.25×).
pub const MAX_MULTIPLIER_STEP_BPS: u32 = 2_500;
/// Shortest time between a token's multiplier change and a following raise (1 day).
pub const MIN_MULTIPLIER_INTERVAL: u64 = 86_400;
/// Farthest a multiplier's expiry may lie in the future (365 days).
pub const MAX_MULTIPLIER_TTL: u64 = 365 * 86_400;
/// The neutral multiplier (1×).
pub const ONE_BPS: u32 = 10_000;

/// One source of one collection.
#[storage]
pub struct SourceState {
    /// [`packed::SourceMeta`].
    meta: StorageU256,
    /// A reporter's accepted price (zero = none).
    price: StorageU256,
    /// A reporter's held-back price (zero = none).
    pending: StorageU256,
}

/// Everything the oracle keeps about one collection.
#[storage]
pub struct CollectionState {
    /// [`packed::pack_params`]; zero until configured.
    params: StorageU256,
    /// [`packed::pack_twap`]: start, last roll, next checkpoint slot.
    twap: StorageU256,
    /// Aggregate in force since the last roll.
    twap_price: StorageU256,
    /// Σ price × seconds up to the last roll.
    twap_cum: StorageU256,
    /// Ring of [`packed::pack_checkpoint`] words.
    checkpoints: StorageArray<StorageU256, CHECKPOINTS>,
    /// Sources in slots `0..n`, zero after (sources are never the zero address).
    source_list: StorageArray<StorageAddress, MAX_SOURCES>,
    sources: StorageMap<Address, SourceState>,
    /// [`packed::pack_multiplier`] per token id.
    multipliers: StorageMap<U256, StorageU256>,
}

/// The oracle's storage.
#[entrypoint]
#[storage]
pub struct PriceOracle {
    /// The owner (Governance after deployment), with OpenZeppelin `Ownable`'s ABI, errors and
    /// event; kept here (not OZ's `Ownable`) so its event goes through the oracle's one log
    /// encoder instead of the SDK's typed `log`.
    owner: StorageAddress,
    /// The owner-to-be of a two-step transfer (zero: none).
    pending_owner: StorageAddress,
    sequencer_feed: StorageAddress,
    sequencer_grace: StorageU256,
    collections: StorageMap<Address, CollectionState>,
}

#[public]
impl PriceOracle {
    /// Sets the owner (Governance after deployment).
    #[constructor]
    pub fn constructor(&mut self, owner: Address) -> Result<(), Error> {
        self.set_owner(owner)
    }

    /// The owner (OpenZeppelin `Ownable`).
    pub fn owner(&self) -> Address {
        self.owner.get()
    }

    /// The owner-to-be of a transfer in progress (zero: none).
    pub fn pending_owner(&self) -> Address {
        self.pending_owner.get()
    }

    /// Owner only: starts handing ownership to `new_owner` (zero cancels; OpenZeppelin
    /// `Ownable2Step`): the owner keeps control until `new_owner` calls `acceptOwnership`.
    /// There is deliberately no `renounceOwnership`: an ownerless oracle could never be
    /// reconfigured.
    pub fn transfer_ownership(&mut self, new_owner: Address) -> Result<(), Error> {
        self.only_owner()?;
        self.pending_owner.set(new_owner);
        self.emit(
            &[
                OwnershipTransferStarted::SIGNATURE_HASH,
                topic(self.owner.get()),
                topic(new_owner),
            ],
            &[],
        );
        Ok(())
    }

    /// Completes a transfer (the pending owner only: `OwnableUnauthorizedAccount(caller)`).
    pub fn accept_ownership(&mut self) -> Result<(), Error> {
        let account = self.vm().msg_sender();
        if account.is_zero() || account != self.pending_owner.get() {
            return Err(Error::UnauthorizedAccount(OwnableUnauthorizedAccount {
                account,
            }));
        }
        self.pending_owner.set(Address::ZERO);
        self.set_owner(account)
    }

    // ------------------------------------------------------------------ governance

    /// Owner only: adds a push reporter for `collection`. Writes the default parameters
    /// first if the collection has none.
    pub fn add_reporter(&mut self, collection: Address, reporter: Address) -> Result<(), Error> {
        self.add_source(collection, reporter, kind::REPORTER, 0)
    }

    /// Owner only: adds a pull feed for `collection`; reads `decimals()` once (≤ 36), so the
    /// feed must answer now.
    pub fn add_feed(&mut self, collection: Address, feed: Address) -> Result<(), Error> {
        self.only_owner()?;
        if feed.is_zero() {
            return Err(Error::ZeroAddress(OracleZeroAddress {}));
        }
        let decimals = self
            .read(feed, &feed::DECIMALS)
            .and_then(|d| feed::decode_decimals(&d))
            .filter(|d| *d <= MAX_DECIMALS)
            .ok_or(Error::FeedUnreadable(OracleFeedUnreadable { feed }))?;
        self.add_source(collection, feed, kind::FEED, decimals)
    }

    /// Owner only: removes a source (its stored values are erased).
    pub fn remove_source(&mut self, collection: Address, source: Address) -> Result<(), Error> {
        self.only_owner()?;
        if self.kind_of(collection, source) == kind::NONE {
            return Err(Error::UnknownSource(OracleUnknownSource {
                collection,
                source,
            }));
        }
        // Move the last source into the removed one's slot and clear the last slot.
        let n = self.source_count(collection);
        let mut c = self.collections.setter(collection);
        let last = c.source_list.get(n.saturating_sub(1)).unwrap_or_default();
        for i in 0..n {
            if c.source_list.get(i) == Some(source) {
                if let Some(mut slot) = c.source_list.setter(i) {
                    slot.set(last);
                }
            }
        }
        if let Some(mut slot) = c.source_list.setter(n.saturating_sub(1)) {
            slot.set(Address::ZERO);
        }
        let mut s = c.sources.setter(source);
        s.meta.set(U256::ZERO);
        s.price.set(U256::ZERO);
        s.pending.set(U256::ZERO);
        self.emit(
            &[
                SourceRemoved::SIGNATURE_HASH,
                topic(collection),
                topic(source),
            ],
            &[],
        );
        Ok(())
    }

    /// Owner only: sets a collection's parameters, packed into one word (like Aave's
    /// reserve-configuration bitmap; see [`packed::params_word`]): bits 0–63 `maxAge`,
    /// 64–127 `confirmDelay`, 128–191 `twapWindow`, 192–199 `minSources`, 200–207 `decimals`,
    /// 208–223 `maxJumpBps`, 224–239 `maxSpreadBps`, 240–255 zero. Each must lie within its hard
    /// bounds; the quote decimals cannot change once the collection has TWAP history.
    pub fn set_params(&mut self, collection: Address, params: U256) -> Result<(), Error> {
        self.only_owner()?;
        let p = packed::params_from_word(params).ok_or(Error::ParamOutOfBounds(
            OracleParamOutOfBounds {
                param: params::index::RESERVED,
            },
        ))?;
        p.check()
            .map_err(|param| Error::ParamOutOfBounds(OracleParamOutOfBounds { param }))?;
        if self.accumulator(collection).start != 0
            && self.params_of(collection).decimals != p.decimals
        {
            return Err(Error::DecimalsLocked(OracleDecimalsLocked { collection }));
        }
        self.write_params(collection, p);
        Ok(())
    }

    /// Owner only: sets token `token_id`'s multiplier to `bps` (1..=20_000; 10_000 = 1×)
    /// until `expires_at` (after now, at most 365 days ahead). After expiry it is 1×.
    /// A raise over the multiplier in force is at most 2_500 bps and needs a day since the
    /// token's previous change; lowering (or extending at the same bps) is never held up.
    pub fn set_multiplier(
        &mut self,
        collection: Address,
        token_id: U256,
        bps: u32,
        expires_at: u64,
    ) -> Result<(), Error> {
        self.only_owner()?;
        let now = self.now();
        if bps == 0
            || bps > MAX_MULTIPLIER_BPS
            || expires_at <= now
            || expires_at - now > MAX_MULTIPLIER_TTL
        {
            return Err(Error::BadMultiplier(OracleBadMultiplier {
                bps,
                expiresAt: expires_at,
            }));
        }
        let (old_bps, old_expiry) = self.raw_multiplier(collection, token_id);
        let current = effective_multiplier(old_bps, old_expiry, now);
        if bps > current {
            if bps - current > MAX_MULTIPLIER_STEP_BPS {
                return Err(Error::MultiplierStepTooLarge(
                    OracleMultiplierStepTooLarge {
                        fromBps: current,
                        toBps: bps,
                    },
                ));
            }
            let changed_at = self.multiplier_changed_at(collection, token_id);
            let next = changed_at.saturating_add(MIN_MULTIPLIER_INTERVAL);
            if changed_at != 0 && now < next {
                return Err(Error::MultiplierTooSoon(OracleMultiplierTooSoon {
                    nextChangeAt: next,
                }));
            }
        }
        let mut c = self.collections.setter(collection);
        c.multipliers
            .setter(token_id)
            .set(packed::pack_multiplier(bps, expires_at, now));
        self.emit(
            &[
                MultiplierSet::SIGNATURE_HASH,
                topic(collection),
                token_id.into(),
            ],
            &[num(bps.into()), num(expires_at)],
        );
        Ok(())
    }

    /// Owner only: sets the L2 sequencer-uptime feed (zero disables the gate) and its grace
    /// period (60..=86_400 s).
    pub fn set_sequencer_feed(&mut self, feed: Address, grace: U256) -> Result<(), Error> {
        self.only_owner()?;
        let (lo, hi) = SEQUENCER_GRACE_BOUNDS;
        if grace < num(lo) || grace > num(hi) {
            return Err(Error::ParamOutOfBounds(OracleParamOutOfBounds {
                param: params::index::SEQUENCER_GRACE,
            }));
        }
        self.sequencer_feed.set(feed);
        self.sequencer_grace.set(grace);
        self.emit(&[SequencerFeedSet::SIGNATURE_HASH, topic(feed)], &[grace]);
        Ok(())
    }

    // ------------------------------------------------------------------ reporters

    /// A reporter posts `price` (> 0, ≤ 2^128 − 1) for `collection`; then the TWAP is rolled.
    pub fn post_price(&mut self, collection: Address, price: U256) -> Result<(), Error> {
        self.post_one(collection, price)
    }

    /// A reporter posts several prices at once; all-or-nothing, at most 32 pairs, each
    /// collection at most once.
    pub fn post_prices(
        &mut self,
        collections: Vec<Address>,
        prices: Vec<U256>,
    ) -> Result<(), Error> {
        if collections.len() != prices.len() || collections.len() > MAX_BATCH {
            return Err(Error::BadBatch(OracleBadBatch {
                collections: U256::from(collections.len()),
                prices: U256::from(prices.len()),
            }));
        }
        // Every pair is checked before any is applied: a bad pair leaves no partial effect.
        let reporter = self.vm().msg_sender();
        for (i, (collection, price)) in collections.iter().zip(&prices).enumerate() {
            if collections.iter().take(i).any(|c| c == collection) {
                return Err(Error::DuplicateCollection(OracleDuplicateCollection {
                    collection: *collection,
                }));
            }
            self.check_post(*collection, reporter, *price)?;
        }
        for (collection, price) in collections.into_iter().zip(prices) {
            self.post_one(collection, price)?;
        }
        Ok(())
    }

    /// Anyone: rolls the collection's TWAP with the current sources (pull feeds have no
    /// other way to reach it).
    pub fn poke(&mut self, collection: Address) -> Result<(), Error> {
        self.roll_twap(collection)
    }

    // ------------------------------------------------------------------ prices

    /// `(min(spot, TWAP) × multiplier, status)`; see the module docs and docs/contracts/oracle.md.
    pub fn borrow_price(&self, collection: Address, token_id: U256) -> Result<(U256, u8), Error> {
        let q = self.inputs(collection, token_id)?;
        Ok((q.borrow_price().map_err(math)?, q.status()))
    }

    /// `(borrowPrice, status, multiplierBps)` in one read: the LoanBook checks a borrow against
    /// the price and snapshots the multiplier already in it (the one in force now; 10_000 when
    /// none is set or it expired).
    pub fn borrow_quote(
        &self,
        collection: Address,
        token_id: U256,
    ) -> Result<(U256, u8, u32), Error> {
        let q = self.inputs(collection, token_id)?;
        Ok((
            q.borrow_price().map_err(math)?,
            q.status(),
            q.multiplier_bps,
        ))
    }

    /// `(TWAP × multiplier, status)`.
    pub fn liquidation_price(
        &self,
        collection: Address,
        token_id: U256,
    ) -> Result<(U256, u8), Error> {
        let q = self.inputs(collection, token_id)?;
        Ok((q.liquidation_price().map_err(math)?, q.status()))
    }

    // ------------------------------------------------------------------ configuration views

    /// A collection's parameters `(minSources, maxAge, maxJumpBps, confirmDelay,
    /// maxSpreadBps, twapWindow, decimals)` (the defaults until set).
    #[allow(clippy::type_complexity)]
    pub fn params(&self, collection: Address) -> (u8, u64, u16, u64, u16, u64, u8) {
        let p = self.params_of(collection);
        (
            p.min_sources,
            p.max_age,
            p.max_jump_bps,
            p.confirm_delay,
            p.max_spread_bps,
            p.twap_window,
            p.decimals,
        )
    }

    /// The collection's sources (reporters and feeds), in storage order.
    pub fn sources(&self, collection: Address) -> Vec<Address> {
        let c = self.collections.getter(collection);
        (0..self.source_count(collection))
            .filter_map(|i| c.source_list.get(i))
            .collect()
    }

    /// A token's multiplier record `(bps, expiresAt, changedAt)` as last set (zeros if never):
    /// it applies while `now < expiresAt`; `changedAt` starts the interval before a raise.
    pub fn multiplier(&self, collection: Address, token_id: U256) -> (u32, u64, u64) {
        let (bps, expires_at) = self.raw_multiplier(collection, token_id);
        (
            bps,
            expires_at,
            self.multiplier_changed_at(collection, token_id),
        )
    }

    /// The multiplier in force for `tokenId` now, in bps (10_000 when none is set or it
    /// expired). The LoanBook snapshots it into a loan at origination.
    pub fn multiplier_of(&self, collection: Address, token_id: U256) -> U256 {
        U256::from(self.multiplier_now(collection, token_id))
    }

    /// `(TWAP, status)`: the liquidation price without any multiplier. The LoanBook values a
    /// loan's collateral as this × the loan's multiplier snapshot.
    pub fn liquidation_floor(&self, collection: Address) -> Result<(U256, u8), Error> {
        self.floor_quote(collection)
    }
}
