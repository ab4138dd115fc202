//! Searching the parameters that keep the probability of bad debt under a target.
//!
//! Every candidate runs on the same paths, book and bidder draws (common random numbers), so
//! differences between candidates are the parameters' and not noise. The search: first the
//! auction curve (start, cut, step) at the current LTV and threshold, then the LTV with the
//! threshold `gap` above it, over a grid. The recommendation is the highest LTV whose
//! per-loan probability of bad debt is at most the target, breaking ties by lower expected
//! loss.

use serde::Serialize;

use crate::metrics::{summarise, Summary};
use crate::params::CollectionParams;
use crate::sim::{self, Setup};

/// One evaluated candidate.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Point {
    /// Its parameters.
    pub params: CollectionParams,
    /// Its figures.
    pub summary: Summary,
}

/// The outcome of a search.
#[derive(Clone, Debug, Serialize)]
pub struct Recommendation {
    /// The target: largest acceptable per-loan probability of bad debt.
    pub target: f64,
    /// The recommended parameters (the safest grid point when none meets the target).
    pub params: CollectionParams,
    /// Their figures.
    pub summary: Summary,
    /// Whether the recommendation meets the target.
    pub meets_target: bool,
    /// Every LTV grid point (for the LTV-vs-bad-debt curve).
    pub ltv_curve: Vec<Point>,
    /// Every auction candidate tried.
    pub auctions: Vec<Point>,
}

/// Auction curves tried: (start bps, cut bps, step s).
pub const AUCTION_CANDIDATES: [(u16, u16, u64); 4] = [
    (13_000, 9_800, 300),
    (12_000, 9_800, 300),
    (11_500, 9_700, 300),
    (11_000, 9_900, 120),
];

/// Evaluates one parameter set (applied to every collection of `setup`) on `book`.
pub fn evaluate(setup: &Setup, book: &[sim::LoanSpec], params: CollectionParams) -> Summary {
    let mut s = setup.clone();
    for c in &mut s.collections {
        c.params = params;
    }
    let run = sim::run_with_book(&s, book);
    summarise(&run, s.reserve0, s.horizon_hours as f64 / 24.0)
}

/// Runs the search from `current`, with the threshold `gap_bps` above each LTV.
pub fn search(
    setup: &Setup,
    current: CollectionParams,
    target: f64,
    gap_bps: u16,
) -> Recommendation {
    let book = sim::draw_book(setup);
    let auctions: Vec<Point> = AUCTION_CANDIDATES
        .iter()
        .map(|&(start, cut, step)| {
            let params = CollectionParams {
                auction_start_bps: start,
                auction_cut_bps: cut,
                auction_step: step,
                ..current
            };
            Point {
                params,
                summary: evaluate(setup, &book, params),
            }
        })
        .collect();
    let best_auction = auctions
        .iter()
        .min_by(|a, b| {
            (
                a.summary.p_bad_debt_loan,
                a.summary.expected_loss,
                a.summary.surplus_lost,
            )
                .partial_cmp(&(
                    b.summary.p_bad_debt_loan,
                    b.summary.expected_loss,
                    b.summary.surplus_lost,
                ))
                .unwrap_or(std::cmp::Ordering::Equal)
        })
        .map_or(current, |p| p.params);
    let ltv_curve: Vec<Point> = (1..=16u16)
        .map(|k| k * 500)
        .map(|ltv| {
            let params = CollectionParams {
                max_ltv_bps: ltv,
                liq_threshold_bps: (ltv + gap_bps).min(9_000).max(ltv + 1),
                ..best_auction
            };
            Point {
                params,
                summary: evaluate(setup, &book, params),
            }
        })
        .filter(|p| p.params.out_of_bounds().is_none())
        .collect();
    let ok = ltv_curve
        .iter()
        .filter(|p| p.summary.p_bad_debt_loan <= target)
        .max_by_key(|p| p.params.max_ltv_bps);
    let (chosen, meets) = match ok {
        Some(p) => (*p, true),
        None => (
            *ltv_curve
                .iter()
                .min_by(|a, b| {
                    a.summary
                        .p_bad_debt_loan
                        .total_cmp(&b.summary.p_bad_debt_loan)
                })
                .unwrap_or(&auctions[0]),
            false,
        ),
    };
    Recommendation {
        target,
        params: chosen.params,
        summary: chosen.summary,
        meets_target: meets,
        ltv_curve,
        auctions,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;

    #[test]
    fn higher_ltv_never_lowers_bad_debt_and_the_pick_meets_the_target() {
        let d = CollectionParams::design_defaults();
        let mut setup = crate::sim::tests::small_setup(Scenario::Crash60, d);
        setup.loans = 120;
        setup.paths = 4;
        let r = search(&setup, d, 0.02, 2_000);
        assert_eq!(r.ltv_curve.len(), 16); // LTV 500 … 8_000, threshold min(LTV + 20 %, 90 %)
        let first = r.ltv_curve.first().unwrap().summary.p_bad_debt_loan;
        let last = r.ltv_curve.last().unwrap().summary.p_bad_debt_loan;
        assert!(last >= first, "{first} → {last}");
        if r.meets_target {
            assert!(r.summary.p_bad_debt_loan <= 0.02);
            assert_eq!(r.params.out_of_bounds(), None);
        }
    }
}
