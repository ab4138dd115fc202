//! Lien's liquidation and settlement rules, in integer money (U256) on lien-math.
//!
//! Each function is the rule of record in docs/contracts/loan-book.md and liquidator.md,
//! computed with the same lien-math functions the contracts call (`loan_debt_up`, `is_healthy`,
//! `bps_mul_up`, `bps_mul_down`, `auction_price_up`, `split_waterfall`). The division of the
//! proceeds lives in the LoanBook (`settlement.rs`), which another developer owns, so it is
//! re-implemented here from the same lien-math primitives; the replay test
//! (`tests/tests/risk_replay.rs`) runs these rules against the compiled contracts on the dev
//! node and requires every payout to agree to the wei.

use lien_math::{
    add, auction_price_up, bps_mul_down, bps_mul_up, is_healthy, loan_debt_up, split_waterfall,
    sub, MathResult, DEFAULT_PREMIUM_BPS, U256,
};

use crate::params::{CollectionParams, ProtocolParams};

/// Oracle status codes (docs/contracts/oracle.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OracleStatus {
    /// 0: fresh quorum, a full TWAP window, no dispersion.
    Ok,
    /// 1: young TWAP or dispersed sources; liquidations still act on the TWAP.
    Uncertain,
    /// 2: sources report but too few are fresh.
    Stale,
    /// 3: too few sources, or no TWAP history.
    NoQuorum,
    /// 4: the L2 sequencer is down or inside its grace period.
    SequencerDown,
}

impl OracleStatus {
    /// Whether the LoanBook acts on the liquidation price under this status.
    pub fn usable(self) -> bool {
        matches!(self, OracleStatus::Ok | OracleStatus::Uncertain)
    }
}

/// One loan as the LoanBook stores it (only what the rules need).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Loan {
    /// Principal lent.
    pub principal: U256,
    /// Offer APR in bps.
    pub apr_bps: u16,
    /// Block time of `borrow`.
    pub start: u64,
    /// `start + duration`.
    pub due: u64,
}

/// The debt of an active loan at `now` (`loan_debt_up`, as the LoanBook): the APR until the
/// due time, the APR plus `DEFAULT_PREMIUM_BPS` after it (default interest), rounded up once.
pub fn debt_at(loan: &Loan, now: u64) -> MathResult<U256> {
    loan_debt_up(
        loan.principal,
        u32::from(loan.apr_bps),
        DEFAULT_PREMIUM_BPS,
        loan.start,
        loan.due,
        now,
    )
}

/// Whether a loan is overdue past its grace period (`now > due + grace`).
pub fn overdue(loan: &Loan, grace: u64, now: u64) -> bool {
    now > loan.due.saturating_add(grace)
}

/// What `LoanBook.liquidate` decides for an active loan.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trigger {
    /// Healthy (or overdue but still within grace): `LoanBookNotLiquidatable`.
    NotLiquidatable,
    /// Not overdue and the oracle has no usable price: `LoanBookOracleUnavailable`.
    OracleUnavailable,
    /// The loan goes to auction with this frozen debt, start price and keeper tip.
    Liquidate(Liquidation),
}

/// The frozen values of a liquidation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Liquidation {
    /// Debt frozen at liquidation.
    pub debt: U256,
    /// Auction start price.
    pub start_price: U256,
    /// Keeper tip recorded now.
    pub tip: U256,
    /// Whether the overdue path was taken.
    pub overdue: bool,
}

/// `LoanBook.liquidate` at `now` with the oracle's liquidation price and status.
pub fn liquidate(
    loan: &Loan,
    c: &CollectionParams,
    p: &ProtocolParams,
    price: U256,
    status: OracleStatus,
    now: u64,
) -> MathResult<Trigger> {
    let debt = debt_at(loan, now)?;
    let is_overdue = overdue(loan, c.grace_period, now);
    let priced = status.usable() && !price.is_zero();
    if !is_overdue {
        if !priced {
            return Ok(Trigger::OracleUnavailable);
        }
        if is_healthy(debt, price, u64::from(c.liq_threshold_bps)) {
            return Ok(Trigger::NotLiquidatable);
        }
    }
    let basis = if priced { price.max(debt) } else { debt };
    Ok(Trigger::Liquidate(Liquidation {
        debt,
        start_price: bps_mul_up(basis, u64::from(c.auction_start_bps))?,
        tip: keeper_tip_down(debt, p.tip_bps, p.tip_cap)?,
        overdue: is_overdue,
    }))
}

/// `min(⌊debt × tip_bps / 10_000⌋, tip_cap)`.
pub fn keeper_tip_down(debt: U256, tip_bps: u16, tip_cap: U256) -> MathResult<U256> {
    Ok(bps_mul_down(debt, u64::from(tip_bps))?.min(tip_cap))
}

/// The auction price `elapsed` seconds after the start. Its floor (reserve price) is the
/// frozen debt, as the LoanBook starts it (issue 14 L4): the auction never sells below the
/// debt, and unsold at the end of the tail the NFT goes to the lender.
pub fn auction_price(
    start_price: U256,
    frozen_debt: U256,
    c: &CollectionParams,
    elapsed: u64,
) -> MathResult<U256> {
    auction_price_up(
        start_price,
        frozen_debt,
        u64::from(c.auction_cut_bps),
        c.auction_step,
        elapsed,
    )
}

/// `(to_lender, fee)`: `fee = ⌈(debt − principal) × fee_bps⌉`, `to_lender = debt − fee`.
pub fn lender_share(debt: U256, principal: U256, fee_bps: u16) -> MathResult<(U256, U256)> {
    let fee = bps_mul_up(sub(debt, principal)?, u64::from(fee_bps))?;
    Ok((sub(debt, fee)?, fee))
}

/// What a repayment pays and where it goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Repayment {
    /// What the payer pays.
    pub amount: U256,
    /// The lender's claim.
    pub lender: U256,
    /// Fee on interest (+ penalty when repaid during an auction) to the reserve.
    pub reserve: U256,
}

/// `LoanBook.repay` of an active loan at `now`.
pub fn repay_active(loan: &Loan, fee_bps: u16, now: u64) -> MathResult<Repayment> {
    let debt = debt_at(loan, now)?;
    let (lender, fee) = lender_share(debt, loan.principal, fee_bps)?;
    Ok(Repayment {
        amount: debt,
        lender,
        reserve: fee,
    })
}

/// The division of an auction's proceeds, with the reserve's cover of a lender shortfall.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Settlement {
    /// (1) keeper tip.
    pub tip: U256,
    /// (2) lender's waterfall part (without the cover).
    pub lender: U256,
    /// (3) to the reserve: at most fee + penalty.
    pub reserve: U256,
    /// (4) what is left, to the borrower.
    pub borrower: U256,
    /// The lender's claim the proceeds did not reach.
    pub shortfall: U256,
    /// The part of the shortfall the reserve paid (`min(shortfall, reserve before)`).
    pub cover: U256,
    /// What nobody covered: `shortfall − cover` (the `BadDebt` event's last field).
    pub bad_debt: U256,
}

/// `LoanBook.onAuctionSettled`: proceeds split tip → lender → reserve → borrower, then the
/// reserve (its balance before this settlement is `reserve_before`) covers the shortfall.
pub fn settle(
    proceeds: U256,
    principal: U256,
    liq: &Liquidation,
    fee_bps: u16,
    penalty_bps: u16,
    reserve_before: U256,
) -> MathResult<Settlement> {
    let (lender_claim, fee) = lender_share(liq.debt, principal, fee_bps)?;
    let reserve_claim = add(fee, bps_mul_up(liq.debt, u64::from(penalty_bps))?)?;
    let ([tip, lender, reserve], borrower) =
        split_waterfall(proceeds, [liq.tip, lender_claim, reserve_claim]);
    let shortfall = sub(lender_claim, lender)?;
    let cover = shortfall.min(reserve_before);
    Ok(Settlement {
        tip,
        lender,
        reserve,
        borrower,
        shortfall,
        cover,
        bad_debt: shortfall - cover,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(x: u64) -> U256 {
        U256::from(x)
    }

    fn params() -> (CollectionParams, ProtocolParams) {
        (
            CollectionParams::design_defaults(),
            ProtocolParams::design_defaults(u(5)),
        )
    }

    #[test]
    fn healthy_unhealthy_and_overdue() {
        let (c, p) = params();
        let loan = Loan {
            principal: u(40_000),
            apr_bps: 0,
            start: 0,
            due: 86_400,
        };
        // 40_000 ≤ 65 % of 61_539 (= 40_000.35) → healthy; at 61_538 → unhealthy.
        assert_eq!(
            liquidate(&loan, &c, &p, u(61_539), OracleStatus::Ok, 10),
            Ok(Trigger::NotLiquidatable)
        );
        let Ok(Trigger::Liquidate(l)) = liquidate(&loan, &c, &p, u(61_538), OracleStatus::Ok, 10)
        else {
            panic!("must liquidate")
        };
        // start = ⌈61_538 × 1.3⌉, tip = min(⌊40_000 × 0.5 %⌋, 5).
        assert_eq!((l.debt, l.start_price, l.tip), (u(40_000), u(80_000), u(5)));
        assert_eq!(
            liquidate(&loan, &c, &p, u(1), OracleStatus::Stale, 10),
            Ok(Trigger::OracleUnavailable)
        );
        // overdue past grace: liquidates on the debt alone, even with the oracle down.
        let Ok(Trigger::Liquidate(l)) = liquidate(
            &loan,
            &c,
            &p,
            U256::ZERO,
            OracleStatus::SequencerDown,
            86_400 + c.grace_period + 1,
        ) else {
            panic!("overdue must liquidate")
        };
        assert!(l.overdue);
        // A 0 % loan still accrues default interest once overdue: ⌈40_000 × 1_000 bps ×
        // (grace + 1 s) / year⌉ = 11, so the debt is 40_011 and the start ⌈40_011 × 1.3⌉.
        assert_eq!((l.debt, l.start_price), (u(40_011), u(52_015)));
    }

    #[test]
    fn settlement_parts_sum_and_the_reserve_covers() {
        let liq = Liquidation {
            debt: u(1_100),
            start_price: u(0),
            tip: u(5),
            overdue: false,
        };
        let s = settle(u(2_000), u(1_000), &liq, 1_000, 800, u(0)).unwrap();
        assert_eq!(
            (s.tip, s.lender, s.reserve, s.borrower),
            (u(5), u(1_090), u(98), u(807))
        );
        let s = settle(u(600), u(1_000), &liq, 1_000, 800, u(300)).unwrap();
        assert_eq!(
            (s.lender, s.shortfall, s.cover, s.bad_debt),
            (u(595), u(495), u(300), u(195))
        );
        assert_eq!(s.tip + s.lender + s.reserve + s.borrower, u(600));
    }
}
