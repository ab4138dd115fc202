//! Per-collection parameters: defaults (DESIGN §10) and the hard bounds enforced on set.

/// Most sources one collection may have (also the most values the median sorts).
pub const MAX_SOURCES: usize = 10;

/// One collection's aggregation parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Params {
    /// Fresh sources needed for a price (quorum), `1..=MAX_SOURCES`.
    pub min_sources: u8,
    /// Oldest acceptable source timestamp, in seconds.
    pub max_age: u64,
    /// Largest move of a reporter's post against its last accepted value that is taken at once.
    pub max_jump_bps: u16,
    /// Seconds a held-back post must persist before a consistent post confirms it.
    pub confirm_delay: u64,
    /// Largest `(max − min) / median` before the status turns `Uncertain`.
    pub max_spread_bps: u16,
    /// TWAP window in seconds.
    pub twap_window: u64,
    /// Decimals of the quote currency (prices are in its smallest unit).
    pub decimals: u8,
}

/// The starting parameters (DESIGN §10; confirm delay from research §1.8 step 6).
pub const DEFAULT: Params = Params {
    min_sources: 3,
    max_age: 3_600,
    max_jump_bps: 2_000,
    confirm_delay: 1_800,
    max_spread_bps: 1_500,
    twap_window: 86_400,
    decimals: 18,
};

/// Index of each parameter in `OracleParamOutOfBounds(uint8 param)`.
pub mod index {
    /// `min_sources`.
    pub const MIN_SOURCES: u8 = 0;
    /// `max_age`.
    pub const MAX_AGE: u8 = 1;
    /// `max_jump_bps`.
    pub const MAX_JUMP: u8 = 2;
    /// `confirm_delay`.
    pub const CONFIRM_DELAY: u8 = 3;
    /// `max_spread_bps`.
    pub const MAX_SPREAD: u8 = 4;
    /// `twap_window`.
    pub const TWAP_WINDOW: u8 = 5;
    /// `decimals`.
    pub const DECIMALS: u8 = 6;
    /// The sequencer grace period of `setSequencerFeed`.
    pub const SEQUENCER_GRACE: u8 = 7;
    /// Reserved bits 240–255 of the `setParams` word are not zero.
    pub const RESERVED: u8 = 8;
}

/// Bounds of the sequencer grace period, in seconds.
pub const SEQUENCER_GRACE_BOUNDS: (u64, u64) = (60, 86_400);
/// Most decimals a quote currency or a feed may have.
pub const MAX_DECIMALS: u8 = 36;

impl Params {
    /// `Ok` when every parameter is within its hard bounds, else the index of the first that
    /// is not (see [`index`]).
    pub fn check(&self) -> Result<(), u8> {
        let inside = |v: u64, lo: u64, hi: u64| lo <= v && v <= hi;
        if !inside(self.min_sources.into(), 1, MAX_SOURCES as u64) {
            return Err(index::MIN_SOURCES);
        }
        if !inside(self.max_age, 60, 172_800) {
            return Err(index::MAX_AGE);
        }
        if !inside(self.max_jump_bps.into(), 100, 10_000) {
            return Err(index::MAX_JUMP);
        }
        if !inside(self.confirm_delay, 60, 86_400) {
            return Err(index::CONFIRM_DELAY);
        }
        if !inside(self.max_spread_bps.into(), 100, 10_000) {
            return Err(index::MAX_SPREAD);
        }
        if !inside(self.twap_window, 600, 604_800) {
            return Err(index::TWAP_WINDOW);
        }
        if self.decimals > MAX_DECIMALS {
            return Err(index::DECIMALS);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_inside_and_each_bound_is_enforced() {
        assert_eq!(DEFAULT.check(), Ok(()));
        let cases: [(Params, u8); 12] = [
            (
                Params {
                    min_sources: 0,
                    ..DEFAULT
                },
                index::MIN_SOURCES,
            ),
            (
                Params {
                    min_sources: 11,
                    ..DEFAULT
                },
                index::MIN_SOURCES,
            ),
            (
                Params {
                    max_age: 59,
                    ..DEFAULT
                },
                index::MAX_AGE,
            ),
            (
                Params {
                    max_age: 172_801,
                    ..DEFAULT
                },
                index::MAX_AGE,
            ),
            (
                Params {
                    max_jump_bps: 99,
                    ..DEFAULT
                },
                index::MAX_JUMP,
            ),
            (
                Params {
                    max_jump_bps: 10_001,
                    ..DEFAULT
                },
                index::MAX_JUMP,
            ),
            (
                Params {
                    confirm_delay: 59,
                    ..DEFAULT
                },
                index::CONFIRM_DELAY,
            ),
            (
                Params {
                    max_spread_bps: 99,
                    ..DEFAULT
                },
                index::MAX_SPREAD,
            ),
            (
                Params {
                    max_spread_bps: 10_001,
                    ..DEFAULT
                },
                index::MAX_SPREAD,
            ),
            (
                Params {
                    twap_window: 599,
                    ..DEFAULT
                },
                index::TWAP_WINDOW,
            ),
            (
                Params {
                    twap_window: 604_801,
                    ..DEFAULT
                },
                index::TWAP_WINDOW,
            ),
            (
                Params {
                    decimals: 37,
                    ..DEFAULT
                },
                index::DECIMALS,
            ),
        ];
        for (p, i) in cases {
            assert_eq!(p.check(), Err(i), "{p:?}");
        }
        let edges = Params {
            min_sources: 10,
            max_age: 60,
            max_jump_bps: 10_000,
            confirm_delay: 86_400,
            max_spread_bps: 100,
            twap_window: 604_800,
            decimals: 36,
        };
        assert_eq!(edges.check(), Ok(()));
    }
}
