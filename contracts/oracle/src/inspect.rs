//! Read helpers for tests and host tools. They are deliberately not in the ABI (each public
//! method costs router code; the deployed contract must stay well under 24 KiB compressed):
//! on chain the same facts come from the events.

use super::*;

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
