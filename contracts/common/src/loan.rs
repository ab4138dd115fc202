//! A loan as the LoanBook stores it, and what is derived from it (debt, health).
//!
//! The LoanBook writes a loan in six storage words at origination and two more at
//! liquidation (every new slot costs 22,100 gas, so the small fields ride in the 96 bits an
//! address leaves free in its word, see [`crate::packing::address_with`]). `LoanBook.loanRecord`
//! returns the eight words; the LoanLens decodes them with [`Loan::decode`] for its named
//! views, so the layout is defined here only. Words (each `address | x: u32 | y: u64`
//! unless said otherwise):
//!
//! | # | address | x | y |
//! |---|---|---|---|
//! | 0 | borrower | status (bits 0–7), auctionCutBps (bits 8–23) | due |
//! | 1 | lender | multiplierBps | start |
//! | 2 | collection | gracePeriod | aprBps, liqThresholdBps, liqPenaltyBps, feeBps (16 bits each, from the lowest) |
//! | 3 | currency | auctionStep | auctionTail (bits 0–31), tipBps (32–47), auctionStartBps (48–63) |
//! | 4 | token id (whole word) | | |
//! | 5 | principal (low 128 bits), tip (high 128 bits: the tip cap until liquidation, then the recorded tip) | | |
//! | 6 | keeper (liquidation) | 0 | auction id |
//! | 7 | frozen debt (whole word, liquidation) | | |
//!
//! Range limits, checked when a loan is written: the grace period, auction step and tail fit
//! 32 bits (the OfferBook bounds them to 30 days); the principal fits 128 bits (it is below
//! the oracle price, at most 2^128 − 1, by the LTV check); a currency's keeper-tip cap above
//! 2^128 − 1 is stored as 2^128 − 1 (no tip comes near either).

use alloy_primitives::{Address, U256};
use lien_math::{
    bps_mul_down, bps_mul_up, is_healthy, loan_debt_up, max_debt_down, MathResult,
    DEFAULT_PREMIUM_BPS,
};

use crate::packing::{address_with, b16, limbs, pack16, split_address};
use crate::terms::LoanTerms;

/// Loan status: no loan with this id.
pub const NONE: u8 = 0;
/// Loan status: running.
pub const ACTIVE: u8 = 1;
/// Loan status: collateral in a Dutch auction, debt frozen.
pub const IN_AUCTION: u8 = 2;
/// Loan status: repaid, NFT returned.
pub const REPAID: u8 = 3;
/// Loan status: NFT sold at auction, proceeds divided.
pub const LIQUIDATED: u8 = 4;
/// Loan status: auction ended unsold, NFT given to the lender.
pub const FORECLOSED: u8 = 5;

/// Oracle status `Uncertain` (`Ok` is 0): the highest status whose price values collateral.
pub const ORACLE_UNCERTAIN: u8 = 1;
/// The neutral multiplier (1×), in bps.
pub const ONE_X_BPS: u32 = 10_000;

/// A plain copy of a loan record.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Loan {
    /// Loan status (see the constants).
    pub status: u8,
    /// The borrower (receives the NFT back and any auction surplus).
    pub borrower: Address,
    /// The current lender (position is transferable).
    pub lender: Address,
    /// Loan currency.
    pub currency: Address,
    /// Collateral collection.
    pub collection: Address,
    /// Collateral token.
    pub token_id: U256,
    /// Principal lent.
    pub principal: U256,
    /// Yearly simple interest in bps.
    pub apr_bps: u16,
    /// Start time.
    pub start: u64,
    /// Due time (after it, default interest: APR + `DEFAULT_PREMIUM_BPS`).
    pub due: u64,
    /// Snapshot: grace period.
    pub grace: u64,
    /// Snapshot: liquidation threshold.
    pub liq_threshold_bps: u16,
    /// Snapshot: penalty.
    pub liq_penalty_bps: u16,
    /// Snapshot: protocol fee on interest.
    pub fee_bps: u16,
    /// Snapshot: keeper tip.
    pub tip_bps: u16,
    /// Snapshot: auction start multiplier.
    pub auction_start_bps: u16,
    /// Snapshot: auction cut per step.
    pub auction_cut_bps: u16,
    /// Snapshot: auction step.
    pub auction_step: u64,
    /// Snapshot: auction tail.
    pub auction_tail: u64,
    /// Snapshot: the token's rarity multiplier at origination (10_000 = 1×).
    pub multiplier_bps: u32,
    /// Liquidation: the keeper that triggered it.
    pub keeper: Address,
    /// Liquidation: the debt frozen at the trigger.
    pub frozen_debt: U256,
    /// The currency's keeper-tip cap snapshotted at borrow; from liquidation on, the keeper tip
    /// recorded at the trigger (`min(tipBps × debt, cap)`).
    pub tip: U256,
    /// Liquidation: the auction id.
    pub auction_id: U256,
}

/// `LoanLens.loan`'s values: `(borrower, lender, currency, collection, tokenId, principal,
/// aprBps, start, due, status, frozenDebt, auctionId, keeper)`.
pub type LoanView = (
    Address,
    Address,
    Address,
    Address,
    U256,
    U256,
    u16,
    u64,
    u64,
    u8,
    U256,
    U256,
    Address,
);

/// `LoanLens.loanTerms`'s values: `(gracePeriod, liqThresholdBps, liqPenaltyBps, feeBps, tipBps,
/// auctionStartBps, auctionCutBps, auctionStep, auctionTail, tip)`.
pub type TermsView = (u64, u16, u16, u16, u16, u16, u16, u64, u64, U256);

/// The status held in word 0.
pub fn status_of(head: U256) -> u8 {
    split_address(head).1 as u8
}

/// Word 0 with its status replaced.
pub fn with_status(head: U256, status: u8) -> U256 {
    let mut l = limbs(head);
    l[2] = (l[2] & !(0xFF << 32)) | (u64::from(status) << 32);
    U256::from_limbs(l)
}

/// Word 1 with its lender replaced.
pub fn with_lender(word: U256, lender: Address) -> U256 {
    let (_, x, y) = split_address(word);
    address_with(lender, x, y)
}

/// Word 5 with its tip replaced (capped at 2^128 − 1).
pub fn with_tip(amounts: U256, tip: U256) -> U256 {
    let (a, t) = (limbs(amounts), limbs(cap128(tip)));
    U256::from_limbs([a[0], a[1], t[0], t[1]])
}

/// Word 6: the keeper and the auction id of a liquidation.
pub fn liquidation_word(keeper: Address, auction_id: u64) -> U256 {
    address_with(keeper, 0, auction_id)
}

/// `amount` capped at 2^128 − 1.
fn cap128(amount: U256) -> U256 {
    amount.min(U256::from(u128::MAX))
}

/// The low and the high 128 bits of `w`.
fn halves(w: U256) -> (U256, U256) {
    let l = limbs(w);
    (
        U256::from_limbs([l[0], l[1], 0, 0]),
        U256::from_limbs([l[2], l[3], 0, 0]),
    )
}

impl Loan {
    /// Words 0–5 of a new active loan; `None` when a field is beyond its range (module doc).
    #[allow(clippy::too_many_arguments)]
    pub fn encode_new(
        parties: (Address, Address),
        asset: (Address, Address, U256),
        principal: U256,
        start: u64,
        due: u64,
        t: &LoanTerms,
        tip_cap: U256,
    ) -> Option<[U256; 6]> {
        let u32_of = |v: u64| u32::try_from(v).ok();
        let (grace, step, tail) = (
            u32_of(t.grace_period)?,
            u32_of(t.auction_step)?,
            u32_of(t.auction_tail)?,
        );
        let p = limbs(principal);
        if p[2] != 0 || p[3] != 0 {
            return None;
        }
        let head_x = u32::from(ACTIVE) | (u32::from(t.auction_cut_bps) << 8);
        let rates = pack16(t.apr_bps, t.liq_threshold_bps, t.liq_penalty_bps, t.fee_bps);
        let auction = pack16(0, 0, t.tip_bps, t.auction_start_bps) | u64::from(tail);
        Some([
            address_with(parties.0, head_x, due),
            address_with(parties.1, t.multiplier_bps, start),
            address_with(asset.1, grace, rates),
            address_with(asset.0, step, auction),
            asset.2,
            with_tip(principal, tip_cap),
        ])
    }

    /// Decodes the eight words (words 6–7 are zero until a liquidation).
    pub fn decode(w: &[U256; 8]) -> Loan {
        let (borrower, head_x, due) = split_address(w[0]);
        let (lender, multiplier_bps, start) = split_address(w[1]);
        let (collection, grace, rates) = split_address(w[2]);
        let (currency, step, auction) = split_address(w[3]);
        let (principal, tip) = halves(w[5]);
        let (keeper, _, auction_id) = split_address(w[6]);
        Loan {
            status: head_x as u8,
            borrower,
            lender,
            currency,
            collection,
            token_id: w[4],
            principal,
            apr_bps: b16(rates, 0),
            start,
            due,
            grace: u64::from(grace),
            liq_threshold_bps: b16(rates, 16),
            liq_penalty_bps: b16(rates, 32),
            fee_bps: b16(rates, 48),
            tip_bps: b16(auction, 32),
            auction_start_bps: b16(auction, 48),
            auction_cut_bps: (head_x >> 8) as u16,
            auction_step: u64::from(step),
            auction_tail: auction & 0xFFFF_FFFF,
            multiplier_bps,
            keeper,
            frozen_debt: w[7],
            tip,
            auction_id: U256::from(auction_id),
        }
    }

    /// The loan's terms snapshot as [`LoanTerms`] (what [`Loan::encode_new`] reads; the
    /// offer-only fields `duration`, `max_ltv_bps` and `uncertain_haircut_bps` are 0): a
    /// restructured loan keeps its risk snapshot.
    pub fn snapshot_terms(&self) -> LoanTerms {
        LoanTerms {
            duration: 0,
            apr_bps: self.apr_bps,
            max_ltv_bps: 0,
            uncertain_haircut_bps: 0,
            multiplier_bps: self.multiplier_bps,
            grace_period: self.grace,
            liq_threshold_bps: self.liq_threshold_bps,
            liq_penalty_bps: self.liq_penalty_bps,
            fee_bps: self.fee_bps,
            tip_bps: self.tip_bps,
            auction_start_bps: self.auction_start_bps,
            auction_cut_bps: self.auction_cut_bps,
            auction_step: self.auction_step,
            auction_tail: self.auction_tail,
        }
    }

    /// The values of `LoanLens.loan`.
    pub fn view(&self) -> LoanView {
        (
            self.borrower,
            self.lender,
            self.currency,
            self.collection,
            self.token_id,
            self.principal,
            self.apr_bps,
            self.start,
            self.due,
            self.status,
            self.frozen_debt,
            self.auction_id,
            self.keeper,
        )
    }

    /// The values of `LoanLens.loanTerms`.
    pub fn terms_view(&self) -> TermsView {
        (
            self.grace,
            self.liq_threshold_bps,
            self.liq_penalty_bps,
            self.fee_bps,
            self.tip_bps,
            self.auction_start_bps,
            self.auction_cut_bps,
            self.auction_step,
            self.auction_tail,
            self.tip,
        )
    }

    /// Principal + interest at `now`: the APR until the due time, the APR plus
    /// `DEFAULT_PREMIUM_BPS` after it (default interest), rounded up once.
    pub fn accrued(&self, now: u64) -> MathResult<U256> {
        loan_debt_up(
            self.principal,
            u32::from(self.apr_bps),
            DEFAULT_PREMIUM_BPS,
            self.start,
            self.due,
            now,
        )
    }

    /// The penalty on the frozen debt, rounded up.
    pub fn penalty(&self) -> MathResult<U256> {
        penalty(self.frozen_debt, self.liq_penalty_bps)
    }

    /// What `repay` costs at `now`: principal + interest while active, frozen debt + penalty in
    /// auction, 0 once closed.
    pub fn debt(&self, now: u64) -> MathResult<U256> {
        match self.status {
            ACTIVE => self.accrued(now),
            IN_AUCTION => lien_math::add(self.frozen_debt, self.penalty()?),
            _ => Ok(U256::ZERO),
        }
    }

    /// The collateral's value from the oracle's `liquidationFloor`: floor × the loan's
    /// multiplier snapshot, rounded down (the lower value liquidates sooner).
    pub fn collateral_price(&self, floor: U256) -> MathResult<U256> {
        let bps = if self.multiplier_bps == 0 {
            ONE_X_BPS
        } else {
            self.multiplier_bps
        };
        bps_mul_down(floor, u64::from(bps))
    }

    /// An active loan's health at `now` given the oracle's `(floor, status)`:
    /// `(healthy, debt, maxDebt, status)` with `maxDebt = ⌊collateral price × liqThreshold⌋`
    /// (0 when the status is above `Uncertain`: no usable price).
    pub fn health(&self, floor: U256, status: u8, now: u64) -> MathResult<(bool, U256, U256, u8)> {
        let debt = self.accrued(now)?;
        let usable = status <= ORACLE_UNCERTAIN;
        let price = if usable {
            self.collateral_price(floor)?
        } else {
            U256::ZERO
        };
        let threshold = u64::from(self.liq_threshold_bps);
        let healthy = usable && is_healthy(debt, price, threshold);
        Ok((healthy, debt, max_debt_down(price, threshold)?, status))
    }
}

/// The penalty on a frozen debt, rounded up.
pub fn penalty(debt: U256, penalty_bps: u16) -> MathResult<U256> {
    bps_mul_up(debt, u64::from(penalty_bps))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms() -> LoanTerms {
        LoanTerms {
            duration: 30 * 86_400,
            apr_bps: 50_000,
            max_ltv_bps: 4_000,
            uncertain_haircut_bps: 5_000,
            multiplier_bps: u32::MAX,
            grace_period: 30 * 86_400,
            liq_threshold_bps: 9_000,
            liq_penalty_bps: 2_000,
            fee_bps: 0xFFFF,
            tip_bps: 500,
            auction_start_bps: 30_000,
            auction_cut_bps: 9_999,
            auction_step: 86_400,
            auction_tail: u64::from(u32::MAX),
        }
    }

    fn words(t: &LoanTerms, principal: U256, tip_cap: U256) -> Option<[U256; 8]> {
        let six = Loan::encode_new(
            (Address::repeat_byte(1), Address::repeat_byte(2)),
            (Address::repeat_byte(3), Address::repeat_byte(4), U256::MAX),
            principal,
            u64::MAX - 1,
            u64::MAX,
            t,
            tip_cap,
        )?;
        let mut w = [U256::ZERO; 8];
        w[..6].copy_from_slice(&six);
        Some(w)
    }

    #[test]
    fn a_new_loan_round_trips_at_the_limits_of_every_field() {
        let t = terms();
        let max_principal = U256::from(u128::MAX);
        let w = words(&t, max_principal, U256::MAX).expect("in range");
        let l = Loan::decode(&w);
        assert_eq!(
            (l.status, l.borrower, l.lender, l.currency, l.collection),
            (
                ACTIVE,
                Address::repeat_byte(1),
                Address::repeat_byte(2),
                Address::repeat_byte(3),
                Address::repeat_byte(4)
            )
        );
        assert_eq!(
            (l.token_id, l.principal, l.start, l.due),
            (U256::MAX, max_principal, u64::MAX - 1, u64::MAX)
        );
        assert_eq!(
            l.tip,
            U256::from(u128::MAX),
            "a cap beyond 128 bits is stored capped"
        );
        assert_eq!(
            (
                l.apr_bps,
                l.liq_threshold_bps,
                l.liq_penalty_bps,
                l.fee_bps,
                l.tip_bps
            ),
            (
                t.apr_bps,
                t.liq_threshold_bps,
                t.liq_penalty_bps,
                t.fee_bps,
                t.tip_bps
            )
        );
        assert_eq!(
            (
                l.auction_start_bps,
                l.auction_cut_bps,
                l.auction_step,
                l.auction_tail
            ),
            (
                t.auction_start_bps,
                t.auction_cut_bps,
                t.auction_step,
                t.auction_tail
            )
        );
        assert_eq!(
            (l.grace, l.multiplier_bps),
            (t.grace_period, t.multiplier_bps)
        );
        assert_eq!(
            (l.keeper, l.frozen_debt, l.auction_id),
            (Address::ZERO, U256::ZERO, U256::ZERO)
        );
    }

    #[test]
    fn out_of_range_fields_are_refused() {
        let t = terms();
        assert!(words(&t, U256::from(u128::MAX) + U256::from(1u8), U256::ZERO).is_none());
        for bad in [
            LoanTerms {
                grace_period: 1 << 32,
                ..t
            },
            LoanTerms {
                auction_step: 1 << 32,
                ..t
            },
            LoanTerms {
                auction_tail: 1 << 32,
                ..t
            },
        ] {
            assert!(words(&bad, U256::from(1u8), U256::ZERO).is_none());
        }
    }

    #[test]
    fn status_lender_tip_and_liquidation_updates_touch_only_their_fields() {
        let t = terms();
        let mut w = words(&t, U256::from(7u8), U256::from(9u8)).expect("in range");
        let before = Loan::decode(&w);
        w[0] = with_status(w[0], IN_AUCTION);
        w[1] = with_lender(w[1], Address::repeat_byte(0xEE));
        w[5] = with_tip(w[5], U256::from(5u8));
        w[6] = liquidation_word(Address::repeat_byte(0xAB), u64::MAX);
        w[7] = U256::MAX;
        assert_eq!(status_of(w[0]), IN_AUCTION);
        let after = Loan::decode(&w);
        assert_eq!(
            after,
            Loan {
                status: IN_AUCTION,
                lender: Address::repeat_byte(0xEE),
                tip: U256::from(5u8),
                keeper: Address::repeat_byte(0xAB),
                auction_id: U256::from(u64::MAX),
                frozen_debt: U256::MAX,
                ..before
            }
        );
    }

    #[test]
    fn debt_and_health_follow_the_status_and_the_snapshot() {
        let t = LoanTerms {
            apr_bps: 1_000,
            multiplier_bps: 0,
            liq_threshold_bps: 6_500,
            liq_penalty_bps: 800,
            ..terms()
        };
        let mut w = words(&t, U256::from(1_000u32), U256::ZERO).expect("in range");
        let (start, due) = (100u64, 100 + 365 * 86_400);
        w[0] = address_with(Address::repeat_byte(1), u32::from(ACTIVE), due);
        w[1] = address_with(Address::repeat_byte(2), 0, start);
        let l = Loan::decode(&w);
        assert_eq!(l.debt(due), Ok(U256::from(1_100u32)), "10% over a year");
        // 1,100 of debt against 65% of the floor (1× with no multiplier): healthy at 1,693.
        assert_eq!(
            l.health(U256::from(1_693u32), 0, due),
            Ok((true, U256::from(1_100u32), U256::from(1_100u32), 0))
        );
        assert!(!l.health(U256::from(1_692u32), 1, due).expect("health").0);
        assert_eq!(
            l.health(U256::from(9_999u32), 2, due),
            Ok((false, U256::from(1_100u32), U256::ZERO, 2)),
            "a stale price is not usable"
        );
        let frozen = Loan {
            status: IN_AUCTION,
            frozen_debt: U256::from(1_000u32),
            ..l
        };
        assert_eq!(
            frozen.debt(due),
            Ok(U256::from(1_080u32)),
            "frozen debt + 8% penalty"
        );
        assert_eq!(
            Loan {
                status: REPAID,
                ..l
            }
            .debt(due),
            Ok(U256::ZERO)
        );
    }
}
