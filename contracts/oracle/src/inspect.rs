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

    /// `(kind, price, updatedAt, pending, pendingSince, anchor, anchorAt)` of one source
    /// (reporter values; feeds are read live): the accepted and held-back prices and the jump
    /// breaker's band anchor and the start of its period.
    #[allow(clippy::type_complexity)]
    pub fn source(
        &self,
        collection: Address,
        source: Address,
    ) -> (u8, U256, u64, U256, u64, U256, u64) {
        let c = self.collections.getter(collection);
        let s = c.sources.getter(source);
        let m = SourceMeta::unpack(s.meta.get());
        let (price, anchor) = packed::unpack_pair(s.price.get());
        (
            m.kind,
            price,
            m.updated_at,
            packed::unpack_pair(s.pending.get()).0,
            m.pending_since,
            anchor,
            m.anchor_at,
        )
    }

    /// The multiplier in force for a token now (bps; 10_000 once expired or never set).
    pub fn effective_multiplier(&self, collection: Address, token_id: U256) -> u32 {
        let (bps, expires_at) = self.raw_multiplier(collection, token_id);
        effective_multiplier(bps, expires_at, self.now())
    }

    /// `(feed, grace, up)`: the sequencer-uptime feed, its grace period and the gate now.
    pub fn sequencer(&self) -> (Address, u64, bool) {
        (self.sequencer_feed.get(), self.grace(), self.sequencer_up())
    }
}
