//! Governance parameters of a collection and of the protocol, their hard bounds and the rate
//! limit on changing them (docs/contracts/offer-book.md, "Parameters and hard bounds").
//!
//! The bounds are the OfferBook's constants, restated here so a recommendation can be checked
//! and clamped offline; the proposal the CLI builds is checked again by the contract.

use lien_math::U256;
use serde::{Deserialize, Serialize};

/// One day in seconds.
pub const DAY: u64 = 86_400;

/// A collection's risk and auction parameters (the OfferBook's fields 1–9).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollectionParams {
    /// 1: max principal as a share of the borrow price.
    pub max_ltv_bps: u16,
    /// 2: debt above this share of the liquidation price is unhealthy.
    pub liq_threshold_bps: u16,
    /// 3: penalty on the frozen debt.
    pub liq_penalty_bps: u16,
    /// 4: auction start as a multiple of max(liquidation price, debt).
    pub auction_start_bps: u16,
    /// 5: share of the price kept per auction step.
    pub auction_cut_bps: u16,
    /// 6: longest loan duration.
    pub max_duration: u64,
    /// 7: time after the due time before an overdue loan can be liquidated.
    pub grace_period: u64,
    /// 8: auction step in seconds.
    pub auction_step: u64,
    /// 9: auction length before foreclosure.
    pub auction_tail: u64,
}

impl CollectionParams {
    /// DESIGN.md §10's starting values (LTV 40 %, threshold 65 %, penalty 8 %, start 1.3×,
    /// cut 0.98 per 300 s, tail 1 day, grace 1 day, max duration 90 days).
    pub fn design_defaults() -> Self {
        Self {
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

    /// The first field (1–9) outside the OfferBook's hard bounds, as
    /// `OfferBookParamOutOfBounds(field)` would report it.
    pub fn out_of_bounds(&self) -> Option<u8> {
        let bps = [
            (self.max_ltv_bps, 1, 8_000),
            (
                self.liq_threshold_bps,
                self.max_ltv_bps.saturating_add(1),
                9_000,
            ),
            (self.liq_penalty_bps, 0, 2_000),
            (self.auction_start_bps, 10_000, 30_000),
            (self.auction_cut_bps, 5_000, 9_999),
        ];
        for (i, (v, lo, hi)) in bps.into_iter().enumerate() {
            if v < lo || v > hi {
                return Some(i as u8 + 1);
            }
        }
        let secs = [
            (self.max_duration, DAY, 365 * DAY),
            (self.grace_period, 0, 30 * DAY),
            (self.auction_step, 60, DAY),
            (self.auction_tail, self.auction_step, 30 * DAY),
        ];
        for (i, (v, lo, hi)) in secs.into_iter().enumerate() {
            if v < lo || v > hi {
                return Some(i as u8 + 6);
            }
        }
        None
    }

    /// The bps fields 1–5 in order.
    pub fn bps_fields(&self) -> [u16; 5] {
        [
            self.max_ltv_bps,
            self.liq_threshold_bps,
            self.liq_penalty_bps,
            self.auction_start_bps,
            self.auction_cut_bps,
        ]
    }

    fn with_bps_fields(mut self, f: [u16; 5]) -> Self {
        self.max_ltv_bps = f[0];
        self.liq_threshold_bps = f[1];
        self.liq_penalty_bps = f[2];
        self.auction_start_bps = f[3];
        self.auction_cut_bps = f[4];
        self
    }
}

/// Protocol-wide parameters and the keeper-tip cap of the collection's currency.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProtocolParams {
    /// Protocol fee on interest (to the reserve).
    pub fee_bps: u16,
    /// Keeper tip on the frozen debt.
    pub tip_bps: u16,
    /// Cut of the max LTV while the oracle is Uncertain.
    pub uncertain_haircut_bps: u16,
    /// Per-currency cap on the keeper tip.
    pub tip_cap: U256,
}

impl ProtocolParams {
    /// DESIGN §10: fee 10 % of interest, tip 0.5 %, haircut 50 %.
    pub fn design_defaults(tip_cap: U256) -> Self {
        Self {
            fee_bps: 1_000,
            tip_bps: 50,
            uncertain_haircut_bps: 5_000,
            tip_cap,
        }
    }
}

/// The OfferBook's rate limit on parameter changes (`protocolParams()`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    /// Largest move of a bps field in one change.
    pub max_step_bps: u16,
    /// Shortest time between two changes.
    pub min_change_interval: u64,
}

/// A change governance can propose now, toward a target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Proposal {
    /// The parameters to propose (every bps field within `max_step_bps` of the current one).
    pub params: CollectionParams,
    /// Whether the target is reached in this one change.
    pub reaches_target: bool,
    /// Earliest time the OfferBook accepts a change (`lastChange + minChangeInterval`).
    pub allowed_from: u64,
}

/// Why no proposal can be built.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProposalError {
    /// The target breaks a hard bound (field number as the OfferBook reports it).
    OutOfBounds(u8),
    /// Nothing would change.
    NoChange,
}

/// The step toward `target` that the OfferBook accepts in one change: every bps field moves
/// at most `max_step_bps` toward its target (durations are bounded but not step-limited), and
/// the threshold is kept above the LTV. The result is within the hard bounds.
pub fn step_toward(
    current: &CollectionParams,
    target: &CollectionParams,
    limit: &RateLimit,
    last_change: u64,
) -> Result<Proposal, ProposalError> {
    if let Some(field) = target.out_of_bounds() {
        return Err(ProposalError::OutOfBounds(field));
    }
    let step = i64::from(limit.max_step_bps);
    let mut moved = [0u16; 5];
    for (i, (cur, tgt)) in current
        .bps_fields()
        .into_iter()
        .zip(target.bps_fields())
        .enumerate()
    {
        let delta = (i64::from(tgt) - i64::from(cur)).clamp(-step, step);
        moved[i] = (i64::from(cur) + delta) as u16;
    }
    let mut next = target.with_bps_fields(moved);
    // A threshold held back by the step limit must still clear the new LTV: hold the LTV
    // back instead (it can only lower the LTV, which is always safe).
    if next.liq_threshold_bps <= next.max_ltv_bps {
        next.max_ltv_bps = next.liq_threshold_bps.saturating_sub(1).max(1);
    }
    if let Some(field) = next.out_of_bounds() {
        return Err(ProposalError::OutOfBounds(field));
    }
    if next == *current {
        return Err(ProposalError::NoChange);
    }
    Ok(Proposal {
        params: next,
        reaches_target: next == *target,
        allowed_from: last_change.saturating_add(limit.min_change_interval),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_in_bounds_and_bounds_name_the_field() {
        let d = CollectionParams::design_defaults();
        assert_eq!(d.out_of_bounds(), None);
        let bad = CollectionParams {
            liq_threshold_bps: 4_000,
            ..d
        };
        assert_eq!(bad.out_of_bounds(), Some(2));
        let bad = CollectionParams {
            auction_tail: 10,
            ..d
        };
        assert_eq!(bad.out_of_bounds(), Some(9));
    }

    #[test]
    fn steps_are_clamped_and_the_threshold_stays_above_the_ltv() {
        let cur = CollectionParams::design_defaults();
        let limit = RateLimit {
            max_step_bps: 500,
            min_change_interval: DAY,
        };
        let target = CollectionParams {
            max_ltv_bps: 2_500,
            liq_threshold_bps: 4_000,
            auction_cut_bps: 9_700,
            ..cur
        };
        let p = step_toward(&cur, &target, &limit, 1_000).unwrap();
        assert_eq!(p.params.max_ltv_bps, 3_500);
        assert_eq!(p.params.liq_threshold_bps, 6_000);
        assert_eq!(p.params.auction_cut_bps, 9_700);
        assert!(!p.reaches_target);
        assert_eq!(p.allowed_from, 1_000 + DAY);
        // the threshold needs five steps of 500 (6_500 → 4_000)
        let mut at = p;
        for _ in 0..4 {
            at = step_toward(&at.params, &target, &limit, 0).unwrap();
        }
        assert!(at.reaches_target);
        assert_eq!(
            step_toward(&target, &target, &limit, 0),
            Err(ProposalError::NoChange)
        );
        // raising the LTV past a threshold the step limit holds back keeps LTV < threshold
        let up = CollectionParams {
            max_ltv_bps: 7_000,
            liq_threshold_bps: 8_000,
            ..cur
        };
        let tight = RateLimit {
            max_step_bps: 3_000,
            min_change_interval: 0,
        };
        let tight_thr = RateLimit {
            max_step_bps: 1_000,
            ..tight
        };
        assert_eq!(
            step_toward(&cur, &up, &tight, 0)
                .unwrap()
                .params
                .max_ltv_bps,
            7_000
        );
        let p = step_toward(&cur, &up, &tight_thr, 0).unwrap().params;
        assert!(p.max_ltv_bps < p.liq_threshold_bps);
        assert_eq!(p.out_of_bounds(), None);
    }
}
