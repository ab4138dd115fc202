//! The figures a run reports per collection set and parameter set.

use serde::Serialize;

use crate::sim::RunResult;

/// Summary of a run across its paths.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct Summary {
    /// Paths run.
    pub paths: usize,
    /// Mean loans lent per path.
    pub loans: f64,
    /// Share of loans that ended with bad debt (after the reserve's cover).
    pub p_bad_debt_loan: f64,
    /// Share of paths (books) with any bad debt.
    pub p_bad_debt_book: f64,
    /// Share of loans liquidated.
    pub p_liquidation: f64,
    /// Mean bad debt as a share of the principal lent.
    pub expected_loss: f64,
    /// 99 % quantile of the bad-debt share across paths.
    pub tail_loss_99: f64,
    /// Mean bad debt of the paths at or beyond that quantile (expected shortfall).
    pub expected_shortfall_99: f64,
    /// Mean borrower surplus lost, as a share of the principal lent.
    pub surplus_lost: f64,
    /// Mean lender shortfall before the reserve (whole units per path).
    pub shortfall: f64,
    /// Share of paths where a shortfall found the reserve empty.
    pub p_reserve_exhausted: f64,
    /// Days of expected losses the starting reserve covers (∞ when no loss is expected).
    pub reserve_days: f64,
}

/// Summarises a run, with the starting reserve and the horizon in days.
pub fn summarise(run: &RunResult, reserve0: f64, horizon_days: f64) -> Summary {
    summarise_paths(&run.paths, reserve0, horizon_days)
}

/// Summarises per-path totals (a whole book's, or one collection's).
pub fn summarise_paths(
    paths: &[crate::sim::PathTotals],
    reserve0: f64,
    horizon_days: f64,
) -> Summary {
    let run = RunResult {
        paths: paths.to_vec(),
        ..RunResult::default()
    };
    let run = &run;
    let n = run.paths.len().max(1) as f64;
    let loans: usize = run.paths.iter().map(|p| p.loans).sum();
    let loans_f = loans.max(1) as f64;
    let mut losses: Vec<f64> = run
        .paths
        .iter()
        .map(|p| {
            if p.principal > 0.0 {
                p.bad_debt / p.principal
            } else {
                0.0
            }
        })
        .collect();
    losses.sort_by(f64::total_cmp);
    let q = quantile(&losses, 0.99);
    let tail: Vec<f64> = losses.iter().copied().filter(|&x| x >= q).collect();
    let mean_bad: f64 = run.paths.iter().map(|p| p.bad_debt).sum::<f64>() / n;
    let per_day = mean_bad / horizon_days.max(1.0);
    Summary {
        paths: run.paths.len(),
        loans: loans as f64 / n,
        p_bad_debt_loan: run.paths.iter().map(|p| p.bad_debt_loans).sum::<usize>() as f64 / loans_f,
        p_bad_debt_book: run.paths.iter().filter(|p| p.bad_debt > 0.0).count() as f64 / n,
        p_liquidation: run.paths.iter().map(|p| p.liquidated).sum::<usize>() as f64 / loans_f,
        expected_loss: losses.iter().sum::<f64>() / n,
        tail_loss_99: q,
        expected_shortfall_99: if tail.is_empty() {
            0.0
        } else {
            tail.iter().sum::<f64>() / tail.len() as f64
        },
        surplus_lost: run
            .paths
            .iter()
            .map(|p| {
                if p.principal > 0.0 {
                    p.surplus_lost / p.principal
                } else {
                    0.0
                }
            })
            .sum::<f64>()
            / n,
        shortfall: run.paths.iter().map(|p| p.shortfall).sum::<f64>() / n,
        p_reserve_exhausted: run.paths.iter().filter(|p| p.reserve_exhausted).count() as f64 / n,
        reserve_days: if per_day > 0.0 {
            reserve0 / per_day
        } else {
            f64::INFINITY
        },
    }
}

/// The `q` quantile of sorted values (nearest rank).
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::PathTotals;

    #[test]
    fn quantiles_and_shares() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(quantile(&v, 0.99), 99.0);
        assert_eq!(quantile(&v, 1.0), 100.0);
        let mut run = RunResult::default();
        for i in 0..4 {
            run.paths.push(PathTotals {
                principal: 100.0,
                loans: 10,
                bad_debt_loans: usize::from(i == 3),
                bad_debt: if i == 3 { 8.0 } else { 0.0 },
                ..PathTotals::default()
            });
        }
        let s = summarise(&run, 4.0, 365.0);
        assert_eq!(s.p_bad_debt_book, 0.25);
        assert_eq!(s.p_bad_debt_loan, 1.0 / 40.0);
        assert!((s.expected_loss - 0.02).abs() < 1e-12);
        assert_eq!(s.tail_loss_99, 0.08);
        assert!((s.reserve_days - 4.0 / (2.0 / 365.0)).abs() < 1e-9);
    }
}
