//! How a repayment and an auction's proceeds are divided (pure functions).
//!
//! Rounding favours the protocol: the fee on interest and the penalty round up, the keeper
//! tip rounds down. Every split is exact: the parts always add up to what was paid.

use lien_math::{add, bps_mul_down, bps_mul_up, split_waterfall, sub, MathResult, U256};

/// The lender's and the reserve's share of a debt: `(to_lender, fee)` with
/// `fee = ⌈(debt − principal) × fee_bps⌉` and `to_lender = debt − fee`.
pub fn lender_share(debt: U256, principal: U256, fee_bps: u16) -> MathResult<(U256, U256)> {
    let interest = sub(debt, principal)?;
    let fee = bps_mul_up(interest, u64::from(fee_bps))?;
    Ok((sub(debt, fee)?, fee))
}

/// The keeper tip recorded at liquidation: `min(⌊debt × tip_bps⌋, tip_cap)`.
pub fn keeper_tip(debt: U256, tip_bps: u16, tip_cap: U256) -> MathResult<U256> {
    Ok(bps_mul_down(debt, u64::from(tip_bps))?.min(tip_cap))
}

pub use lien_contract_common::loan::penalty;

/// The division of an auction's proceeds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Waterfall {
    /// (1) to the keeper that triggered the liquidation.
    pub tip: U256,
    /// (2) to the lender: at most principal + interest − fee.
    pub lender: U256,
    /// (3) to the reserve: at most fee + penalty.
    pub reserve: U256,
    /// (4) what is left, to the borrower.
    pub borrower: U256,
    /// The part of the lender's claim the proceeds did not cover.
    pub shortfall: U256,
}

/// Splits `proceeds` in the order tip → lender → reserve → borrower. `tip + lender + reserve +
/// borrower == proceeds` always.
pub fn waterfall(
    proceeds: U256,
    debt: U256,
    principal: U256,
    fee_bps: u16,
    penalty_bps: u16,
    tip: U256,
) -> MathResult<Waterfall> {
    let (lender_claim, fee) = lender_share(debt, principal, fee_bps)?;
    let reserve_claim = add(fee, penalty(debt, penalty_bps)?)?;
    let ([tip, lender, reserve], borrower) =
        split_waterfall(proceeds, [tip, lender_claim, reserve_claim]);
    Ok(Waterfall {
        tip,
        lender,
        reserve,
        borrower,
        shortfall: sub(lender_claim, lender)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(x: u64) -> U256 {
        U256::from(x)
    }

    #[test]
    fn lender_share_takes_the_fee_on_interest_rounded_up() {
        assert_eq!(
            lender_share(u(1_105), u(1_000), 1_000),
            Ok((u(1_094), u(11)))
        );
        assert_eq!(
            lender_share(u(1_000), u(1_000), 1_000),
            Ok((u(1_000), u(0)))
        );
        assert!(lender_share(u(999), u(1_000), 1_000).is_err());
    }

    #[test]
    fn tip_is_capped() {
        assert_eq!(keeper_tip(u(10_000), 50, u(1_000)), Ok(u(50)));
        assert_eq!(keeper_tip(u(10_000), 50, u(20)), Ok(u(20)));
        assert_eq!(keeper_tip(U256::MAX, 500, u(7)), Ok(u(7)));
    }

    #[test]
    fn full_waterfall_with_surplus() {
        // debt 1_100 (100 interest), fee 10% → 10, penalty 8% → 88, tip 5.
        let w = waterfall(u(2_000), u(1_100), u(1_000), 1_000, 800, u(5)).expect("split");
        assert_eq!(
            w,
            Waterfall {
                tip: u(5),
                lender: u(1_090),
                reserve: u(98),
                borrower: u(807),
                shortfall: u(0)
            }
        );
        assert_eq!(w.tip + w.lender + w.reserve + w.borrower, u(2_000));
    }

    #[test]
    fn short_proceeds_leave_a_shortfall() {
        let w = waterfall(u(600), u(1_100), u(1_000), 1_000, 800, u(5)).expect("split");
        assert_eq!(
            w,
            Waterfall {
                tip: u(5),
                lender: u(595),
                reserve: u(0),
                borrower: u(0),
                shortfall: u(495)
            }
        );
        let w = waterfall(u(3), u(1_100), u(1_000), 1_000, 800, u(5)).expect("split");
        assert_eq!((w.tip, w.lender, w.shortfall), (u(3), u(0), u(1_090)));
    }

    #[test]
    fn parts_always_sum_to_the_proceeds() {
        for proceeds in [0u64, 1, 7, 999, 1_094, 1_095, 1_189, 1_190, 5_000, 1 << 40] {
            let w = waterfall(u(proceeds), u(1_100), u(1_000), 2_000, 2_000, u(33)).expect("split");
            assert_eq!(w.tip + w.lender + w.reserve + w.borrower, u(proceeds));
        }
    }
}
