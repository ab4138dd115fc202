//! The keeper's decisions, as pure functions of a loan or auction snapshot.

use alloy::primitives::U256;

/// Loan status `Active` in `ILoanBook.loan(id)`.
pub const STATUS_ACTIVE: u8 = 1;
/// Loan status `InAuction`.
pub const STATUS_IN_AUCTION: u8 = 2;
/// How long before `due + grace` a loan is flagged as nearly overdue.
pub const DUE_WARNING_SECS: u64 = 86_400;

/// What the keeper knows about one loan at one moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LoanSnapshot {
    /// Loan status (1 Active, 2 InAuction, 3 Repaid, 4 Liquidated, 5 Foreclosed).
    pub status: u8,
    /// Current debt.
    pub debt: U256,
    /// Largest debt before the loan is unhealthy (price × liquidation threshold).
    pub max_debt: U256,
    /// `health(id).healthy` as reported by the loan book.
    pub healthy: bool,
    /// Oracle status (0 Ok, 1 Uncertain, others unusable for health liquidations).
    pub oracle_status: u8,
    /// Due time.
    pub due: u64,
    /// Grace period after the due time.
    pub grace: u64,
    /// Block time now.
    pub now: u64,
    /// Whether the keeper is the borrower (who may not liquidate their own loan).
    pub own_loan: bool,
}

/// Why a loan is flagged or liquidated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reason {
    /// Debt above the liquidation limit.
    Unhealthy,
    /// Past due + grace.
    Overdue,
    /// Debt at or above the warning share of the limit.
    NearThreshold,
    /// Within a day of due + grace.
    NearDue,
    /// Unhealthy by the numbers but the oracle status does not allow a liquidation.
    OracleUnavailable,
    /// Liquidatable, but the keeper is the borrower.
    OwnLoan,
}

/// What to do with a loan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Not active (repaid, in auction, closed): nothing to watch.
    Ignore,
    /// Active and fine.
    Watch,
    /// Active, close to a limit: print a warning.
    Warn(Vec<Reason>),
    /// Call `liquidate`.
    Liquidate(Reason),
}

/// Debt as basis points of the limit (`debt × 10000 / maxDebt`), `None` without a limit.
pub fn utilisation_bps(debt: U256, max_debt: U256) -> Option<U256> {
    if max_debt.is_zero() {
        return None;
    }
    debt.checked_mul(U256::from(10_000u64))
        .map(|x| x / max_debt)
}

/// Decides what to do with a loan; `warn_bps` is the share of the limit that triggers a
/// warning (e.g. 9000 = 90%).
pub fn decide(s: &LoanSnapshot, warn_bps: u16) -> Action {
    if s.status != STATUS_ACTIVE {
        return Action::Ignore;
    }
    let deadline = s.due.saturating_add(s.grace);
    let liquidatable = if s.now > deadline {
        Some(Reason::Overdue)
    } else if !s.healthy && s.oracle_status <= 1 && !s.max_debt.is_zero() {
        Some(Reason::Unhealthy)
    } else {
        None
    };
    if let Some(reason) = liquidatable {
        return if s.own_loan {
            Action::Warn(vec![reason, Reason::OwnLoan])
        } else {
            Action::Liquidate(reason)
        };
    }
    let mut reasons = Vec::new();
    if !s.healthy {
        reasons.push(Reason::OracleUnavailable);
    }
    let near = match utilisation_bps(s.debt, s.max_debt) {
        Some(u) => u >= U256::from(warn_bps),
        None => false,
    };
    if near && s.healthy {
        reasons.push(Reason::NearThreshold);
    }
    if s.now.saturating_add(DUE_WARNING_SECS) >= deadline {
        reasons.push(Reason::NearDue);
    }
    if reasons.is_empty() {
        Action::Watch
    } else {
        Action::Warn(reasons)
    }
}

/// Whether to bid on an auction now: only when the current price is positive and at most
/// `limit`.
pub fn should_bid(price: U256, limit: Option<U256>) -> bool {
    matches!(limit, Some(l) if !price.is_zero() && price <= l)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn active() -> LoanSnapshot {
        LoanSnapshot {
            status: STATUS_ACTIVE,
            debt: U256::from(50u64),
            max_debt: U256::from(100u64),
            healthy: true,
            oracle_status: 0,
            due: 1_000_000,
            grace: 86_400,
            now: 500_000,
            own_loan: false,
        }
    }

    #[test]
    fn healthy_loans_are_watched() {
        assert_eq!(decide(&active(), 9_000), Action::Watch);
    }

    #[test]
    fn closed_loans_are_ignored() {
        for status in [0, 2, 3, 4, 5] {
            assert_eq!(
                decide(
                    &LoanSnapshot {
                        status,
                        now: u64::MAX,
                        ..active()
                    },
                    9_000
                ),
                Action::Ignore
            );
        }
    }

    #[test]
    fn warns_near_the_threshold() {
        let s = LoanSnapshot {
            debt: U256::from(90u64),
            ..active()
        };
        assert_eq!(decide(&s, 9_000), Action::Warn(vec![Reason::NearThreshold]));
        let s = LoanSnapshot {
            debt: U256::from(89u64),
            ..active()
        };
        assert_eq!(decide(&s, 9_000), Action::Watch);
    }

    #[test]
    fn warns_within_a_day_of_due_plus_grace() {
        let s = LoanSnapshot {
            now: 1_000_000,
            ..active()
        };
        assert_eq!(decide(&s, 9_000), Action::Warn(vec![Reason::NearDue]));
        let s = LoanSnapshot {
            now: 1_000_000 - 1,
            ..active()
        };
        assert_eq!(decide(&s, 9_000), Action::Watch);
    }

    #[test]
    fn liquidates_overdue_loans_even_without_oracle() {
        let s = LoanSnapshot {
            now: 1_086_401,
            oracle_status: 3,
            healthy: false,
            max_debt: U256::ZERO,
            ..active()
        };
        assert_eq!(decide(&s, 9_000), Action::Liquidate(Reason::Overdue));
        let s = LoanSnapshot {
            now: 1_086_400,
            ..active()
        };
        assert_eq!(decide(&s, 9_000), Action::Warn(vec![Reason::NearDue]));
    }

    #[test]
    fn liquidates_unhealthy_loans_with_a_usable_oracle() {
        let s = LoanSnapshot {
            healthy: false,
            debt: U256::from(101u64),
            ..active()
        };
        assert_eq!(decide(&s, 9_000), Action::Liquidate(Reason::Unhealthy));
        let s = LoanSnapshot {
            healthy: false,
            debt: U256::from(101u64),
            oracle_status: 1,
            ..active()
        };
        assert_eq!(decide(&s, 9_000), Action::Liquidate(Reason::Unhealthy));
        let s = LoanSnapshot {
            healthy: false,
            oracle_status: 2,
            ..active()
        };
        assert_eq!(
            decide(&s, 9_000),
            Action::Warn(vec![Reason::OracleUnavailable])
        );
    }

    #[test]
    fn never_liquidates_its_own_loan() {
        let s = LoanSnapshot {
            healthy: false,
            own_loan: true,
            ..active()
        };
        assert_eq!(
            decide(&s, 9_000),
            Action::Warn(vec![Reason::Unhealthy, Reason::OwnLoan])
        );
    }

    #[test]
    fn utilisation_is_checked() {
        assert_eq!(
            utilisation_bps(U256::from(45u64), U256::from(60u64)),
            Some(U256::from(7_500u64))
        );
        assert_eq!(utilisation_bps(U256::from(1u64), U256::ZERO), None);
        assert_eq!(utilisation_bps(U256::MAX, U256::from(1u64)), None);
    }

    #[test]
    fn bids_only_under_the_limit() {
        assert!(should_bid(U256::from(10u64), Some(U256::from(10u64))));
        assert!(!should_bid(U256::from(11u64), Some(U256::from(10u64))));
        assert!(!should_bid(U256::from(1u64), None));
        assert!(!should_bid(U256::ZERO, Some(U256::from(10u64))));
    }
}
