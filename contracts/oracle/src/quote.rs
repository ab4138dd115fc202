//! Turning a collection's aggregate, TWAP and a token multiplier into the two published
//! prices and their status.

use alloy_primitives::U256;
use lien_math::{
    small_div::{bps_mul_down_small, spread_exceeds_bps},
    MathError,
};

use crate::aggregate::Aggregate;

/// Status codes of `borrowPrice` / `liquidationPrice`.
pub mod status {
    /// Quorum of fresh sources that agree, full TWAP window, sequencer up.
    pub const OK: u8 = 0;
    /// Quorum, but the sources disagree beyond `max_spread_bps` or the TWAP history is
    /// shorter than its window.
    pub const UNCERTAIN: u8 = 1;
    /// Enough sources report, but too few of them are fresh.
    pub const STALE: u8 = 2;
    /// Too few sources report at all, or no aggregate has ever been accepted.
    pub const NO_QUORUM: u8 = 3;
    /// The L2 sequencer is down or inside its grace period after coming back.
    pub const SEQUENCER_DOWN: u8 = 4;
}

/// Everything a quote depends on.
#[derive(Clone, Copy, Debug)]
pub struct Inputs {
    /// Sequencer up and past its grace period (or no sequencer feed configured).
    pub sequencer_up: bool,
    /// The spot aggregate of the borrow-side source values.
    pub spot: Aggregate,
    /// Quorum.
    pub min_sources: u8,
    /// Dispersion limit.
    pub max_spread_bps: u16,
    /// The TWAP, or `None` before the first accepted aggregate.
    pub twap: Option<U256>,
    /// The TWAP history is shorter than its window.
    pub young: bool,
    /// The token's multiplier in bps (10_000 = 1×).
    pub multiplier_bps: u32,
}

impl Inputs {
    fn quorum(&self) -> bool {
        self.spot.fresh >= self.min_sources && self.spot.fresh > 0
    }

    fn dispersed(&self) -> bool {
        // `(max − min) / median > max_spread`, decided exactly; an overflow counts as dispersed.
        spread_exceeds_bps(
            self.spot.min,
            self.spot.max,
            self.spot.median,
            self.max_spread_bps.into(),
        )
        .unwrap_or(true)
    }

    /// The status, first match wins: SequencerDown, then Stale / NoQuorum for the spot,
    /// NoQuorum without any TWAP, Uncertain (dispersed or young TWAP), else Ok.
    pub fn status(&self) -> u8 {
        if !self.sequencer_up {
            status::SEQUENCER_DOWN
        } else if !self.quorum() {
            if self.spot.reporting >= self.min_sources {
                status::STALE
            } else {
                status::NO_QUORUM
            }
        } else if self.twap.is_none() {
            status::NO_QUORUM
        } else if self.dispersed() || self.young {
            status::UNCERTAIN
        } else {
            status::OK
        }
    }

    /// `min(spot, TWAP) × multiplier`, where spot is the lower median, or the lowest fresh
    /// value when the sources are dispersed. Zero without quorum or without a TWAP.
    pub fn borrow_price(&self) -> Result<U256, MathError> {
        let Some(twap) = self.twap else {
            return Ok(U256::ZERO);
        };
        if !self.quorum() {
            return Ok(U256::ZERO);
        }
        let spot = if self.dispersed() {
            self.spot.min
        } else {
            self.spot.median
        };
        bps_mul_down_small(spot.min(twap), self.multiplier_bps.into())
    }

    /// `TWAP × multiplier`; zero before the first accepted aggregate.
    pub fn liquidation_price(&self) -> Result<U256, MathError> {
        match self.twap {
            Some(twap) => bps_mul_down_small(twap, self.multiplier_bps.into()),
            None => Ok(U256::ZERO),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agg(fresh: u8, reporting: u8, median: u64, min: u64, max: u64) -> Aggregate {
        Aggregate {
            fresh,
            reporting,
            median: U256::from(median),
            min: U256::from(min),
            max: U256::from(max),
        }
    }

    fn base() -> Inputs {
        Inputs {
            sequencer_up: true,
            spot: agg(3, 3, 100, 95, 105),
            min_sources: 3,
            max_spread_bps: 1_500,
            twap: Some(U256::from(98)),
            young: false,
            multiplier_bps: 10_000,
        }
    }

    #[test]
    fn statuses_in_priority_order() {
        assert_eq!(base().status(), status::OK);
        assert_eq!(
            Inputs {
                young: true,
                ..base()
            }
            .status(),
            status::UNCERTAIN
        );
        assert_eq!(
            Inputs {
                spot: agg(3, 3, 100, 80, 116),
                ..base()
            }
            .status(),
            status::UNCERTAIN
        );
        assert_eq!(
            Inputs {
                spot: agg(3, 3, 100, 85, 100),
                ..base()
            }
            .status(),
            status::OK
        );
        assert_eq!(
            Inputs {
                twap: None,
                ..base()
            }
            .status(),
            status::NO_QUORUM
        );
        assert_eq!(
            Inputs {
                spot: agg(2, 3, 100, 95, 105),
                ..base()
            }
            .status(),
            status::STALE
        );
        assert_eq!(
            Inputs {
                spot: agg(2, 2, 100, 95, 105),
                ..base()
            }
            .status(),
            status::NO_QUORUM
        );
        assert_eq!(
            Inputs {
                sequencer_up: false,
                spot: agg(0, 0, 0, 0, 0),
                ..base()
            }
            .status(),
            status::SEQUENCER_DOWN
        );
    }

    #[test]
    fn prices() {
        assert_eq!(base().borrow_price(), Ok(U256::from(98)));
        assert_eq!(base().liquidation_price(), Ok(U256::from(98)));
        let dispersed = Inputs {
            spot: agg(3, 3, 100, 80, 130),
            ..base()
        };
        assert_eq!(dispersed.borrow_price(), Ok(U256::from(80)));
        let rare = Inputs {
            multiplier_bps: 15_000,
            ..base()
        };
        assert_eq!(
            (rare.borrow_price(), rare.liquidation_price()),
            (Ok(U256::from(147)), Ok(U256::from(147)))
        );
        let thin = Inputs {
            spot: agg(2, 3, 100, 95, 105),
            ..base()
        };
        assert_eq!(
            (thin.borrow_price(), thin.liquidation_price()),
            (Ok(U256::ZERO), Ok(U256::from(98)))
        );
        let fresh_start = Inputs {
            twap: None,
            ..base()
        };
        assert_eq!(
            (fresh_start.borrow_price(), fresh_start.liquidation_price()),
            (Ok(U256::ZERO), Ok(U256::ZERO))
        );
    }
}
