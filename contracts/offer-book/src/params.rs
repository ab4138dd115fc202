//! Hard bounds of the governance parameters and the rate limit on changing them.
//!
//! Every bound is a constant compiled into the contract, so it is fixed at construction and no
//! governance action can widen it. Each check returns the number of the offending field, which
//! the contract reports in `OfferBookParamOutOfBounds(field)` / `OfferBookStepTooLarge(field)`.

/// One day in seconds.
pub const DAY: u64 = 86_400;
/// Highest max LTV a collection can have (80%).
pub const MAX_LTV_BPS: u16 = 8_000;
/// Highest liquidation threshold (90%); it must also be above the max LTV.
pub const MAX_LIQ_THRESHOLD_BPS: u16 = 9_000;
/// Highest liquidation penalty (20% of the debt).
pub const MAX_PENALTY_BPS: u16 = 2_000;
/// Lowest auction start multiplier (1×).
pub const MIN_AUCTION_START_BPS: u16 = 10_000;
/// Highest auction start multiplier (3×).
pub const MAX_AUCTION_START_BPS: u16 = 30_000;
/// Lowest per-step auction price factor (0.5).
pub const MIN_AUCTION_CUT_BPS: u16 = 5_000;
/// Highest per-step auction price factor (0.9999; 1.0 would never decay).
pub const MAX_AUCTION_CUT_BPS: u16 = 9_999;
/// Shortest loan duration (and lowest `max_duration`).
pub const MIN_DURATION: u64 = DAY;
/// Longest loan duration a collection may allow.
pub const MAX_DURATION: u64 = 365 * DAY;
/// Longest grace period after the due time.
pub const MAX_GRACE: u64 = 30 * DAY;
/// Shortest auction step.
pub const MIN_AUCTION_STEP: u64 = 60;
/// Longest auction step.
pub const MAX_AUCTION_STEP: u64 = DAY;
/// Longest auction tail.
pub const MAX_AUCTION_TAIL: u64 = 30 * DAY;
/// Highest protocol fee on interest (20%).
pub const MAX_FEE_BPS: u16 = 2_000;
/// Highest keeper tip (5% of the debt, before the per-currency cap).
pub const MAX_TIP_BPS: u16 = 500;
/// Lowest haircut of the max LTV when the oracle is `Uncertain` (10%).
pub const MIN_HAIRCUT_BPS: u16 = 1_000;
/// Highest haircut (100%: no borrowing on an `Uncertain` price).
pub const MAX_HAIRCUT_BPS: u16 = 10_000;
/// Longest `min_change_interval`.
pub const MAX_CHANGE_INTERVAL: u64 = 30 * DAY;
/// Highest APR of an offer (500%).
pub const MAX_APR_BPS: u16 = 50_000;
/// Most loans one offer can fund.
pub const MAX_CAPACITY: u64 = 1_000;

/// Field numbers reported by the bound and step errors.
pub mod field {
    /// `maxLtvBps`.
    pub const MAX_LTV: u8 = 1;
    /// `liqThresholdBps`.
    pub const LIQ_THRESHOLD: u8 = 2;
    /// `liqPenaltyBps`.
    pub const PENALTY: u8 = 3;
    /// `auctionStartBps`.
    pub const AUCTION_START: u8 = 4;
    /// `auctionCutBps`.
    pub const AUCTION_CUT: u8 = 5;
    /// `maxDuration`.
    pub const MAX_DURATION: u8 = 6;
    /// `gracePeriod`.
    pub const GRACE: u8 = 7;
    /// `auctionStep`.
    pub const AUCTION_STEP: u8 = 8;
    /// `auctionTail`.
    pub const AUCTION_TAIL: u8 = 9;
    /// `feeBps`.
    pub const FEE: u8 = 10;
    /// `tipBps`.
    pub const TIP: u8 = 11;
    /// `uncertainHaircutBps`.
    pub const HAIRCUT: u8 = 12;
    /// `maxStepBps` (constructor).
    pub const MAX_STEP: u8 = 13;
    /// `minChangeInterval` (constructor).
    pub const CHANGE_INTERVAL: u8 = 14;
}

/// A collection's risk and auction parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RiskParams {
    /// Max principal as a share of the borrow price.
    pub max_ltv_bps: u16,
    /// Debt above this share of the liquidation price makes a loan unhealthy.
    pub liq_threshold_bps: u16,
    /// Penalty on the debt, paid on liquidation or on a repay during an auction.
    pub liq_penalty_bps: u16,
    /// Auction start price as a multiple of the liquidation price.
    pub auction_start_bps: u16,
    /// Auction price factor per step.
    pub auction_cut_bps: u16,
    /// Longest loan duration offers may set.
    pub max_duration: u64,
    /// Time after the due time before an overdue loan can be liquidated.
    pub grace_period: u64,
    /// Auction step length in seconds.
    pub auction_step: u64,
    /// Auction length in seconds before it can be closed unsold.
    pub auction_tail: u64,
}

/// Protocol-wide parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProtocolParams {
    /// Share of interest that goes to the reserve.
    pub fee_bps: u16,
    /// Keeper tip as a share of the frozen debt (capped per currency).
    pub tip_bps: u16,
    /// Cut of the max LTV while the oracle reports `Uncertain`.
    pub uncertain_haircut_bps: u16,
}

fn within<T: PartialOrd>(value: T, low: T, high: T, field: u8) -> Result<(), u8> {
    if value < low || value > high {
        Err(field)
    } else {
        Ok(())
    }
}

impl RiskParams {
    /// Checks every hard bound; `Err(field)` names the first one violated.
    pub fn check_bounds(&self) -> Result<(), u8> {
        within(self.max_ltv_bps, 1, MAX_LTV_BPS, field::MAX_LTV)?;
        within(
            self.liq_threshold_bps,
            self.max_ltv_bps.saturating_add(1),
            MAX_LIQ_THRESHOLD_BPS,
            field::LIQ_THRESHOLD,
        )?;
        within(self.liq_penalty_bps, 0, MAX_PENALTY_BPS, field::PENALTY)?;
        within(
            self.auction_start_bps,
            MIN_AUCTION_START_BPS,
            MAX_AUCTION_START_BPS,
            field::AUCTION_START,
        )?;
        within(
            self.auction_cut_bps,
            MIN_AUCTION_CUT_BPS,
            MAX_AUCTION_CUT_BPS,
            field::AUCTION_CUT,
        )?;
        within(
            self.max_duration,
            MIN_DURATION,
            MAX_DURATION,
            field::MAX_DURATION,
        )?;
        within(self.grace_period, 0, MAX_GRACE, field::GRACE)?;
        within(
            self.auction_step,
            MIN_AUCTION_STEP,
            MAX_AUCTION_STEP,
            field::AUCTION_STEP,
        )?;
        within(
            self.auction_tail,
            self.auction_step,
            MAX_AUCTION_TAIL,
            field::AUCTION_TAIL,
        )
    }

    /// Checks that no bps field moves by more than `max_step_bps` from `old`.
    pub fn check_steps(&self, old: &RiskParams, max_step_bps: u16) -> Result<(), u8> {
        step(
            old.max_ltv_bps,
            self.max_ltv_bps,
            max_step_bps,
            field::MAX_LTV,
        )?;
        step(
            old.liq_threshold_bps,
            self.liq_threshold_bps,
            max_step_bps,
            field::LIQ_THRESHOLD,
        )?;
        step(
            old.liq_penalty_bps,
            self.liq_penalty_bps,
            max_step_bps,
            field::PENALTY,
        )?;
        step(
            old.auction_start_bps,
            self.auction_start_bps,
            max_step_bps,
            field::AUCTION_START,
        )?;
        step(
            old.auction_cut_bps,
            self.auction_cut_bps,
            max_step_bps,
            field::AUCTION_CUT,
        )
    }
}

impl ProtocolParams {
    /// Checks every hard bound; `Err(field)` names the first one violated.
    pub fn check_bounds(&self) -> Result<(), u8> {
        within(self.fee_bps, 0, MAX_FEE_BPS, field::FEE)?;
        within(self.tip_bps, 0, MAX_TIP_BPS, field::TIP)?;
        within(
            self.uncertain_haircut_bps,
            MIN_HAIRCUT_BPS,
            MAX_HAIRCUT_BPS,
            field::HAIRCUT,
        )
    }

    /// Checks that no field moves by more than `max_step_bps` from `old`.
    pub fn check_steps(&self, old: &ProtocolParams, max_step_bps: u16) -> Result<(), u8> {
        step(old.fee_bps, self.fee_bps, max_step_bps, field::FEE)?;
        step(old.tip_bps, self.tip_bps, max_step_bps, field::TIP)?;
        step(
            old.uncertain_haircut_bps,
            self.uncertain_haircut_bps,
            max_step_bps,
            field::HAIRCUT,
        )
    }
}

/// Checks the constructor's rate-limit settings.
pub fn check_rate_limit(max_step_bps: u16, min_change_interval: u64) -> Result<(), u8> {
    within(max_step_bps, 1, 10_000, field::MAX_STEP)?;
    within(
        min_change_interval,
        0,
        MAX_CHANGE_INTERVAL,
        field::CHANGE_INTERVAL,
    )
}

fn step(old: u16, new: u16, max_step: u16, field: u8) -> Result<(), u8> {
    if old.abs_diff(new) > max_step {
        Err(field)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// DESIGN §10 starting values.
    pub(crate) fn default_risk() -> RiskParams {
        RiskParams {
            max_ltv_bps: 4_000,
            liq_threshold_bps: 6_500,
            liq_penalty_bps: 800,
            auction_start_bps: 13_000,
            auction_cut_bps: 9_800,
            max_duration: 90 * DAY,
            grace_period: DAY,
            auction_step: 300,
            auction_tail: DAY,
        }
    }

    #[test]
    fn defaults_are_in_bounds() {
        assert_eq!(default_risk().check_bounds(), Ok(()));
        let p = ProtocolParams {
            fee_bps: 1_000,
            tip_bps: 50,
            uncertain_haircut_bps: 5_000,
        };
        assert_eq!(p.check_bounds(), Ok(()));
    }

    #[test]
    fn each_bound_names_its_field() {
        type Case = (fn(&mut RiskParams), u8);
        let cases: [Case; 13] = [
            (|p| p.max_ltv_bps = 0, field::MAX_LTV),
            (|p| p.max_ltv_bps = MAX_LTV_BPS + 1, field::MAX_LTV),
            (
                |p| p.liq_threshold_bps = p.max_ltv_bps,
                field::LIQ_THRESHOLD,
            ),
            (
                |p| p.liq_threshold_bps = MAX_LIQ_THRESHOLD_BPS + 1,
                field::LIQ_THRESHOLD,
            ),
            (|p| p.liq_penalty_bps = MAX_PENALTY_BPS + 1, field::PENALTY),
            (|p| p.auction_start_bps = 9_999, field::AUCTION_START),
            (|p| p.auction_cut_bps = 10_000, field::AUCTION_CUT),
            (|p| p.max_duration = MIN_DURATION - 1, field::MAX_DURATION),
            (|p| p.max_duration = MAX_DURATION + 1, field::MAX_DURATION),
            (|p| p.grace_period = MAX_GRACE + 1, field::GRACE),
            (|p| p.auction_step = 59, field::AUCTION_STEP),
            (|p| p.auction_tail = p.auction_step - 1, field::AUCTION_TAIL),
            (
                |p| p.auction_tail = MAX_AUCTION_TAIL + 1,
                field::AUCTION_TAIL,
            ),
        ];
        for (mutate, expected) in cases {
            let mut p = default_risk();
            mutate(&mut p);
            assert_eq!(p.check_bounds(), Err(expected));
        }
        let edges = RiskParams {
            max_ltv_bps: MAX_LTV_BPS,
            liq_threshold_bps: MAX_LIQ_THRESHOLD_BPS,
            liq_penalty_bps: MAX_PENALTY_BPS,
            ..default_risk()
        };
        assert_eq!(edges.check_bounds(), Ok(()));
    }

    #[test]
    fn protocol_bounds() {
        let ok = ProtocolParams {
            fee_bps: MAX_FEE_BPS,
            tip_bps: MAX_TIP_BPS,
            uncertain_haircut_bps: MIN_HAIRCUT_BPS,
        };
        assert_eq!(ok.check_bounds(), Ok(()));
        assert_eq!(
            ProtocolParams {
                fee_bps: MAX_FEE_BPS + 1,
                ..ok
            }
            .check_bounds(),
            Err(field::FEE)
        );
        assert_eq!(
            ProtocolParams {
                tip_bps: MAX_TIP_BPS + 1,
                ..ok
            }
            .check_bounds(),
            Err(field::TIP)
        );
        assert_eq!(
            ProtocolParams {
                uncertain_haircut_bps: 999,
                ..ok
            }
            .check_bounds(),
            Err(field::HAIRCUT)
        );
        assert_eq!(
            ProtocolParams {
                uncertain_haircut_bps: 10_001,
                ..ok
            }
            .check_bounds(),
            Err(field::HAIRCUT)
        );
    }

    #[test]
    fn steps_are_limited_both_ways() {
        let old = default_risk();
        let up = RiskParams {
            max_ltv_bps: 4_500,
            ..old
        };
        assert_eq!(up.check_steps(&old, 500), Ok(()));
        assert_eq!(up.check_steps(&old, 499), Err(field::MAX_LTV));
        let down = RiskParams {
            auction_cut_bps: 9_000,
            ..old
        };
        assert_eq!(down.check_steps(&old, 500), Err(field::AUCTION_CUT));
        let p = ProtocolParams {
            fee_bps: 1_000,
            tip_bps: 50,
            uncertain_haircut_bps: 5_000,
        };
        let q = ProtocolParams {
            fee_bps: 1_600,
            ..p
        };
        assert_eq!(q.check_steps(&p, 500), Err(field::FEE));
        assert_eq!(q.check_steps(&p, 600), Ok(()));
    }

    #[test]
    fn rate_limit_settings() {
        assert_eq!(check_rate_limit(500, DAY), Ok(()));
        assert_eq!(check_rate_limit(0, DAY), Err(field::MAX_STEP));
        assert_eq!(check_rate_limit(10_001, DAY), Err(field::MAX_STEP));
        assert_eq!(
            check_rate_limit(500, MAX_CHANGE_INTERVAL + 1),
            Err(field::CHANGE_INTERVAL)
        );
    }
}
