//! The loan-terms snapshot the OfferBook hands the LoanBook when an offer is taken.
//!
//! `OfferBook.take` returns it as two words (`terms`, `auction`) so the cross-contract ABI
//! stays small; the LoanBook stores the same words in the loan (risk parameters are fixed per
//! loan at origination). Layout, limbs least significant first:
//!
//! - `terms = [duration, gracePeriod, aprBps|liqThresholdBps|liqPenaltyBps|feeBps,
//!   maxLtvBps|uncertainHaircutBps|multiplierBps (32 bits)]`
//! - `auction = [auctionStep, auctionTail, tipBps|auctionStartBps|auctionCutBps, 0]`

use alloy_primitives::U256;

use crate::packing::{b16, limbs, pack16};

/// Everything a loan fixes at origination, from its offer, collection and the protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct LoanTerms {
    /// Loan duration in seconds (from the offer).
    pub duration: u64,
    /// Yearly simple interest in bps (from the offer).
    pub apr_bps: u16,
    /// The collection's max LTV at origination.
    pub max_ltv_bps: u16,
    /// The protocol's haircut of the max LTV on an `Uncertain` price.
    pub uncertain_haircut_bps: u16,
    /// The token's rarity multiplier at origination (the oracle's `multiplierOf`; 10_000 =
    /// 1×). The OfferBook leaves it 0; the LoanBook sets it in the loan's snapshot and
    /// values the collateral with it for the loan's life (0 reads as 1×).
    pub multiplier_bps: u32,
    /// Time after the due time before an overdue loan can be liquidated.
    pub grace_period: u64,
    /// Liquidation threshold.
    pub liq_threshold_bps: u16,
    /// Liquidation penalty.
    pub liq_penalty_bps: u16,
    /// Protocol fee on interest.
    pub fee_bps: u16,
    /// Keeper tip on the frozen debt.
    pub tip_bps: u16,
    /// Auction start multiplier.
    pub auction_start_bps: u16,
    /// Auction price factor per step.
    pub auction_cut_bps: u16,
    /// Auction step in seconds.
    pub auction_step: u64,
    /// Auction length before it can be closed unsold.
    pub auction_tail: u64,
}

impl LoanTerms {
    /// The `(terms, auction)` words.
    pub fn to_words(&self) -> (U256, U256) {
        let rates = pack16(
            self.apr_bps,
            self.liq_threshold_bps,
            self.liq_penalty_bps,
            self.fee_bps,
        );
        let ltv = pack16(self.max_ltv_bps, self.uncertain_haircut_bps, 0, 0)
            | (u64::from(self.multiplier_bps) << 32);
        let terms = U256::from_limbs([self.duration, self.grace_period, rates, ltv]);
        let auction_bps = pack16(
            self.tip_bps,
            self.auction_start_bps,
            self.auction_cut_bps,
            0,
        );
        let auction = U256::from_limbs([self.auction_step, self.auction_tail, auction_bps, 0]);
        (terms, auction)
    }

    /// Decodes the `(terms, auction)` words.
    pub fn from_words(terms: U256, auction: U256) -> Self {
        let t = limbs(terms);
        let a = limbs(auction);
        LoanTerms {
            duration: t[0],
            grace_period: t[1],
            apr_bps: b16(t[2], 0),
            liq_threshold_bps: b16(t[2], 16),
            liq_penalty_bps: b16(t[2], 32),
            fee_bps: b16(t[2], 48),
            max_ltv_bps: b16(t[3], 0),
            uncertain_haircut_bps: b16(t[3], 16),
            multiplier_bps: (t[3] >> 32) as u32,
            auction_step: a[0],
            auction_tail: a[1],
            tip_bps: b16(a[2], 0),
            auction_start_bps: b16(a[2], 16),
            auction_cut_bps: b16(a[2], 32),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_round_trip_extreme_values() {
        let t = LoanTerms {
            duration: u64::MAX,
            apr_bps: u16::MAX,
            max_ltv_bps: 1,
            uncertain_haircut_bps: 10_000,
            grace_period: 0,
            liq_threshold_bps: 0x8001,
            liq_penalty_bps: 2_000,
            fee_bps: u16::MAX - 1,
            tip_bps: 500,
            auction_start_bps: 30_000,
            auction_cut_bps: 9_999,
            auction_step: 1,
            auction_tail: u64::MAX - 1,
            multiplier_bps: u32::MAX,
        };
        let (a, b) = t.to_words();
        assert_eq!(LoanTerms::from_words(a, b), t);
        assert_eq!(
            LoanTerms::from_words(U256::ZERO, U256::ZERO),
            LoanTerms::default()
        );
    }
}
