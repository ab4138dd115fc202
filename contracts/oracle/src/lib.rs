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
pub mod errors;
pub mod feed;
pub mod jump;
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
use openzeppelin_stylus::access::ownable::Ownable;
use stylus_sdk::{
    prelude::*,
    storage::{StorageAddress, StorageArray, StorageMap, StorageU256},
};

use aggregate::{Aggregate, Collector, Observation};
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
/// Largest rarity multiplier, in bps (3×).
pub const MAX_MULTIPLIER_BPS: u32 = 30_000;
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
    ownable: Ownable,
    sequencer_feed: StorageAddress,
    sequencer_grace: StorageU256,
    collections: StorageMap<Address, CollectionState>,
}

#[public]
impl PriceOracle {
    /// Sets the owner (Governance after deployment).
    #[constructor]
    pub fn constructor(&mut self, owner: Address) -> Result<(), Error> {
        self.ownable.constructor(owner)?;
        Ok(())
    }

    /// The owner (OpenZeppelin `Ownable`).
    pub fn owner(&self) -> Address {
        self.ownable.owner()
    }

    /// Owner only: hands ownership to `new_owner` (not zero). There is deliberately no
    /// `renounceOwnership`: an ownerless oracle could never be reconfigured.
    pub fn transfer_ownership(&mut self, new_owner: Address) -> Result<(), Error> {
        Ok(self.ownable.transfer_ownership(new_owner)?)
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
        self.ownable.only_owner()?;
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
        self.ownable.only_owner()?;
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
        self.ownable.only_owner()?;
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

    /// Owner only: sets token `token_id`'s multiplier to `bps` (1..=30_000; 10_000 = 1×)
    /// until `expires_at` (after now, at most 365 days ahead). After expiry it is 1×.
    pub fn set_multiplier(
        &mut self,
        collection: Address,
        token_id: U256,
        bps: u32,
        expires_at: u64,
    ) -> Result<(), Error> {
        self.ownable.only_owner()?;
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
        let mut c = self.collections.setter(collection);
        c.multipliers
            .setter(token_id)
            .set(packed::pack_multiplier(bps, expires_at));
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
        self.ownable.only_owner()?;
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

    /// A reporter posts several prices at once; all-or-nothing, at most 32 pairs.
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
        for (collection, price) in collections.iter().zip(&prices) {
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

    /// `(TWAP × multiplier, status)`.
    pub fn liquidation_price(
        &self,
        collection: Address,
        token_id: U256,
    ) -> Result<(U256, u8), Error> {
        let q = self.inputs(collection, token_id)?;
        Ok((q.liquidation_price().map_err(math)?, q.status()))
    }
}

// ---------------------------------------------------------------------- inspection
//
// Read helpers for tests and host tools. They are deliberately not in the ABI (each public
// method costs router code; the deployed contract must stay well under 24 KiB compressed):
// on chain the same facts come from the events.

impl PriceOracle {
    /// The spot aggregate for keepers: `(lowerMedian, min, max, fresh, reporting)`.
    pub fn spot(&self, collection: Address) -> Result<(U256, U256, U256, u8, u8), Error> {
        let a = self.aggregate(collection, false)?;
        Ok((a.median, a.min, a.max, a.fresh, a.reporting))
    }

    /// `(twap, young, start, lastRoll, lastAggregate)`: the TWAP now (zero without history),
    /// whether its history is shorter than the window, and the accumulator's state.
    pub fn twap(&self, collection: Address) -> Result<(U256, bool, u64, u64, U256), Error> {
        let (twap, young) = self.twap_now(collection)?;
        let acc = self.accumulator(collection);
        Ok((
            twap.unwrap_or_default(),
            young,
            acc.start,
            acc.time,
            acc.price,
        ))
    }

    /// `(minSources, maxAge, maxJumpBps, confirmDelay, maxSpreadBps, twapWindow, decimals)`
    /// (the defaults until set).
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

    /// The collection's sources, in storage order.
    pub fn sources(&self, collection: Address) -> Vec<Address> {
        let c = self.collections.getter(collection);
        (0..self.source_count(collection))
            .filter_map(|i| c.source_list.get(i))
            .collect()
    }

    /// `(kind, price, updatedAt, pending, pendingSince)` of one source (reporter values;
    /// feeds are read live).
    pub fn source(&self, collection: Address, source: Address) -> (u8, U256, u64, U256, u64) {
        let c = self.collections.getter(collection);
        let s = c.sources.getter(source);
        let m = SourceMeta::unpack(s.meta.get());
        (
            m.kind,
            s.price.get(),
            m.updated_at,
            s.pending.get(),
            m.pending_since,
        )
    }

    /// `(bps, expiresAt, effectiveBps)` of a token's multiplier.
    pub fn multiplier(&self, collection: Address, token_id: U256) -> (u32, u64, u32) {
        let (bps, expires_at) = self.raw_multiplier(collection, token_id);
        (
            bps,
            expires_at,
            effective_multiplier(bps, expires_at, self.now()),
        )
    }

    /// `(feed, grace, up)`: the sequencer-uptime feed, its grace period and the gate now.
    pub fn sequencer(&self) -> (Address, u64, bool) {
        (self.sequencer_feed.get(), self.grace(), self.sequencer_up())
    }
}

// ---------------------------------------------------------------------- internals

fn math(_: lien_math::MathError) -> Error {
    Error::Math(OracleMath {})
}

fn effective_multiplier(bps: u32, expires_at: u64, now: u64) -> u32 {
    if bps != 0 && now < expires_at {
        bps
    } else {
        ONE_BPS
    }
}

impl PriceOracle {
    /// Emits an event given its topics (signature hash first) and data words.
    fn emit(&self, topics: &[B256], data: &[U256]) {
        self.vm()
            .emit_log(&abi::log_data(topics, data), topics.len());
    }

    /// Static call with `selector`; `None` when it reverts.
    /// The call gets at most [`FEED_CALL_GAS`], so a broken or hostile feed cannot consume the
    /// caller's gas and make the price views revert.
    fn read(&self, target: Address, selector: &[u8; 4]) -> Option<Vec<u8>> {
        let ctx = stylus_sdk::stylus_core::calls::context::Call::new().gas(FEED_CALL_GAS);
        self.vm().static_call(&ctx, target, selector).ok()
    }

    /// `latestRoundData()` of `feed`, `None` when it reverts or returns malformed data.
    fn round(&self, feed: Address) -> Option<feed::Round> {
        self.read(feed, &feed::LATEST_ROUND_DATA)
            .and_then(|d| feed::decode_round(&d))
    }

    /// The kind of `source` for `collection` (`kind::NONE` if it is not a source).
    fn kind_of(&self, collection: Address, source: Address) -> u8 {
        SourceMeta::unpack(
            self.collections
                .getter(collection)
                .sources
                .getter(source)
                .meta
                .get(),
        )
        .kind
    }

    /// Number of sources (the index of the first empty slot).
    fn source_count(&self, collection: Address) -> usize {
        let c = self.collections.getter(collection);
        (0..MAX_SOURCES)
            .find(|&i| c.source_list.get(i).unwrap_or_default().is_zero())
            .unwrap_or(MAX_SOURCES)
    }

    fn now(&self) -> u64 {
        clock::now(self.vm().block_timestamp())
    }

    fn params_of(&self, collection: Address) -> Params {
        packed::unpack_params(self.collections.getter(collection).params.get())
            .unwrap_or(params::DEFAULT)
    }

    fn configured(&self, collection: Address) -> bool {
        packed::unpack_params(self.collections.getter(collection).params.get()).is_some()
    }

    fn grace(&self) -> u64 {
        self.sequencer_grace.get().as_limbs()[0]
    }

    fn write_params(&mut self, collection: Address, p: Params) {
        self.collections
            .setter(collection)
            .params
            .set(packed::pack_params(&p));
        let data = [
            num(p.min_sources.into()),
            num(p.max_age),
            num(p.max_jump_bps.into()),
            num(p.confirm_delay),
            num(p.max_spread_bps.into()),
            num(p.twap_window),
            num(p.decimals.into()),
        ];
        self.emit(&[ParamsSet::SIGNATURE_HASH, topic(collection)], &data);
    }

    fn add_source(
        &mut self,
        collection: Address,
        source: Address,
        k: u8,
        feed_decimals: u8,
    ) -> Result<(), Error> {
        self.ownable.only_owner()?;
        if source.is_zero() || collection.is_zero() {
            return Err(Error::ZeroAddress(OracleZeroAddress {}));
        }
        if !self.configured(collection) {
            self.write_params(collection, params::DEFAULT);
        }
        if self.kind_of(collection, source) != kind::NONE {
            return Err(Error::SourceExists(OracleSourceExists {
                collection,
                source,
            }));
        }
        let n = self.source_count(collection);
        let mut c = self.collections.setter(collection);
        let Some(mut slot) = c.source_list.setter(n) else {
            return Err(Error::TooManySources(OracleTooManySources { collection }));
        };
        slot.set(source);
        let meta = SourceMeta {
            kind: k,
            feed_decimals,
            ..SourceMeta::default()
        };
        c.sources.setter(source).meta.set(meta.pack());
        self.emit(
            &[
                SourceAdded::SIGNATURE_HASH,
                topic(collection),
                topic(source),
            ],
            &[num(k.into()), num(feed_decimals.into())],
        );
        Ok(())
    }

    /// The checks of one post: `reporter` reports for `collection` and `0 < price ≤ MAX_PRICE`.
    fn check_post(&self, collection: Address, reporter: Address, price: U256) -> Result<(), Error> {
        if self.kind_of(collection, reporter) != kind::REPORTER {
            return Err(Error::UnauthorizedReporter(OracleUnauthorizedReporter {
                collection,
                reporter,
            }));
        }
        if price.is_zero() || price > MAX_PRICE {
            return Err(Error::BadPrice(OracleBadPrice { collection, price }));
        }
        Ok(())
    }

    fn post_one(&mut self, collection: Address, price: U256) -> Result<(), Error> {
        let reporter = self.vm().msg_sender();
        self.check_post(collection, reporter, price)?;
        let p = self.params_of(collection);
        let now = self.now();
        let mut c = self.collections.setter(collection);
        let mut s = c.sources.setter(reporter);
        let mut meta = SourceMeta::unpack(s.meta.get());
        let accepted = s.price.get();
        let decision = jump::decide(
            accepted,
            s.pending.get(),
            meta.pending_since,
            price,
            now,
            p.max_jump_bps,
            p.confirm_delay,
        );
        match decision {
            Decision::Accept | Decision::Confirm => {
                s.price.set(price);
                s.pending.set(U256::ZERO);
                meta = SourceMeta {
                    updated_at: now,
                    pending_since: 0,
                    pending_at: 0,
                    ..meta
                };
                s.meta.set(meta.pack());
                if decision == Decision::Confirm {
                    self.emit(
                        &[
                            PriceConfirmed::SIGNATURE_HASH,
                            topic(collection),
                            topic(reporter),
                        ],
                        &[price, accepted],
                    );
                } else {
                    self.emit(
                        &[
                            PricePosted::SIGNATURE_HASH,
                            topic(collection),
                            topic(reporter),
                        ],
                        &[price],
                    );
                }
            }
            Decision::Hold { since } => {
                s.pending.set(price);
                meta = SourceMeta {
                    pending_since: since,
                    pending_at: now,
                    ..meta
                };
                s.meta.set(meta.pack());
                self.emit(
                    &[
                        PriceHeldBack::SIGNATURE_HASH,
                        topic(collection),
                        topic(reporter),
                    ],
                    &[price, accepted, num(since)],
                );
            }
        }
        self.roll_twap(collection)
    }

    /// Reads one source. `twap_side` picks the value the TWAP uses (the latest post, held back
    /// or not) instead of the borrow-side value (the accepted one, or a lower held-back one).
    fn observe(
        &self,
        collection: Address,
        source: Address,
        twap_side: bool,
        quote_decimals: u8,
    ) -> Observation {
        let c = self.collections.getter(collection);
        let s = c.sources.getter(source);
        let meta = SourceMeta::unpack(s.meta.get());
        if meta.kind == kind::FEED {
            return match self.round(source) {
                Some(r) => Observation {
                    price: normalize(r.answer, meta.feed_decimals, quote_decimals)
                        .unwrap_or_default(),
                    time: u64::try_from(r.updated_at).unwrap_or(u64::MAX),
                },
                None => Observation::default(),
            };
        }
        let accepted = Observation {
            price: s.price.get(),
            time: meta.updated_at,
        };
        let pending = Observation {
            price: s.pending.get(),
            time: meta.pending_at,
        };
        if pending.price.is_zero() {
            return accepted;
        }
        if twap_side || pending.price < accepted.price {
            pending
        } else {
            accepted
        }
    }

    fn aggregate(&self, collection: Address, twap_side: bool) -> Result<Aggregate, Error> {
        let p = self.params_of(collection);
        let now = self.now();
        let mut collector = Collector::default();
        for i in 0..self.source_count(collection) {
            let source = self
                .collections
                .getter(collection)
                .source_list
                .get(i)
                .unwrap_or_default();
            collector.push(
                self.observe(collection, source, twap_side, p.decimals),
                now,
                p.max_age,
            );
        }
        collector.finish().map_err(math)
    }

    fn accumulator(&self, collection: Address) -> Accumulator {
        let c = self.collections.getter(collection);
        let (start, time, _) = packed::unpack_twap(c.twap.get());
        Accumulator {
            start,
            time,
            price: c.twap_price.get(),
            cum: c.twap_cum.get(),
        }
    }

    fn checkpoint(&self, collection: Address, i: usize) -> (u64, U256) {
        packed::unpack_checkpoint(
            self.collections
                .getter(collection)
                .checkpoints
                .get(i)
                .unwrap_or_default(),
        )
    }

    fn checkpoint_times(&self, collection: Address) -> [u64; CHECKPOINTS] {
        let mut times = [0u64; CHECKPOINTS];
        for (i, t) in times.iter_mut().enumerate() {
            *t = self.checkpoint(collection, i).0;
        }
        times
    }

    /// The TWAP now (`None` without history) and whether the history is shorter than the window.
    fn twap_now(&self, collection: Address) -> Result<(Option<U256>, bool), Error> {
        let acc = self.accumulator(collection);
        if acc.start == 0 {
            return Ok((None, false));
        }
        let now = self.now();
        let window = self.params_of(collection).twap_window;
        let times = self.checkpoint_times(collection);
        let Some(i) = window::pick_checkpoint(&times, now, window) else {
            return Ok((None, false));
        };
        let (cp_time, cp_cum) = self.checkpoint(collection, i);
        let twap = window::average_since(&acc, cp_time, cp_cum, now).map_err(math)?;
        Ok((Some(twap), now.saturating_sub(acc.start) < window))
    }

    /// Accumulates the aggregate in force since the last roll, takes the new TWAP-side
    /// aggregate when it has quorum, and writes a checkpoint when one is due.
    fn roll_twap(&mut self, collection: Address) -> Result<(), Error> {
        let now = self.now();
        let p = self.params_of(collection);
        let agg = self.aggregate(collection, true)?;
        let quorum = agg.fresh >= p.min_sources && agg.fresh > 0;
        let mut acc = self.accumulator(collection);
        let (_, _, next) = packed::unpack_twap(self.collections.getter(collection).twap.get());
        let next = (next as usize) % CHECKPOINTS;
        let newest = self
            .checkpoint(collection, (next + CHECKPOINTS - 1) % CHECKPOINTS)
            .0;
        if acc.start == 0 {
            if !quorum {
                return Ok(());
            }
            acc = Accumulator {
                start: now,
                time: now,
                price: agg.median,
                cum: U256::ZERO,
            };
        } else {
            let elapsed = now
                .checked_sub(acc.time)
                .ok_or(Error::Math(OracleMath {}))?;
            acc.cum = lien_math::twap_accumulate(acc.cum, acc.price, elapsed).map_err(math)?;
            acc.time = now;
            if quorum {
                acc.price = agg.median;
            }
        }
        let due = newest == 0 || window::checkpoint_due(newest, now, p.twap_window);
        let checkpoint = packed::pack_checkpoint(now, acc.cum).ok_or(Error::Math(OracleMath {}))?;
        let mut c = self.collections.setter(collection);
        c.twap_price.set(acc.price);
        c.twap_cum.set(acc.cum);
        let mut next_after = next;
        if due {
            if let Some(mut slot) = c.checkpoints.setter(next) {
                slot.set(checkpoint);
            }
            next_after = (next + 1) % CHECKPOINTS;
        }
        c.twap
            .set(packed::pack_twap(acc.start, acc.time, next_after as u64));
        self.emit(
            &[TwapUpdated::SIGNATURE_HASH, topic(collection)],
            &[acc.price, acc.cum, num(agg.fresh.into())],
        );
        Ok(())
    }

    fn raw_multiplier(&self, collection: Address, token_id: U256) -> (u32, u64) {
        packed::unpack_multiplier(
            self.collections
                .getter(collection)
                .multipliers
                .get(token_id),
        )
    }

    /// Sequencer gate: up (answer 0), a valid `startedAt` not in the future, and more than
    /// `grace` seconds since it. A failing read counts as down. No feed: always up.
    fn sequencer_up(&self) -> bool {
        let feed = self.sequencer_feed.get();
        if feed.is_zero() {
            return true;
        }
        let grace = self.grace();
        let now = self.now();
        match self.round(feed) {
            Some(r) => {
                let Ok(started) = u64::try_from(r.started_at) else {
                    return false;
                };
                r.answer.is_zero() && started != 0 && started <= now && now - started > grace
            }
            None => false,
        }
    }

    fn inputs(&self, collection: Address, token_id: U256) -> Result<Inputs, Error> {
        let p = self.params_of(collection);
        let spot = self.aggregate(collection, false)?;
        let (twap, young) = self.twap_now(collection)?;
        let (bps, expires_at) = self.raw_multiplier(collection, token_id);
        Ok(Inputs {
            sequencer_up: self.sequencer_up(),
            spot,
            min_sources: p.min_sources,
            max_spread_bps: p.max_spread_bps,
            twap,
            young,
            multiplier_bps: effective_multiplier(bps, expires_at, self.now()),
        })
    }
}
