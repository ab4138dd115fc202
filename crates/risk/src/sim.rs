//! The Monte Carlo engine: loan books along simulated price paths through Lien's rules.
//!
//! Per path, each collection gets one hourly floor path (the loans of a collection share it).
//! The oracle is rolled once per hour on that path, which gives, per hour, the liquidation
//! price the LoanBook would act on (or none, when the status is not Ok/Uncertain). A loan is
//! then resolved without stepping through every hour: its debt only grows, so over any span
//! of hours the loan stays healthy if it is healthy at the span's largest debt against the
//! span's lowest usable price. One such check covers most loans' whole life; the rest descend
//! through 64-hour blocks to the first unhealthy hour, decided exactly with `is_healthy`.
//! Auctions, bids, the waterfall and the reserve follow (docs/RISK.md, "Rules simulated").
//! Paths run in parallel with rayon; every random draw comes from a seeded ChaCha stream or a
//! hash of (seed, path, loan, hour), so results do not depend on the thread count.

use lien_math::{fits_ltv, is_healthy, max_borrow_down, U256};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};
use rayon::prelude::*;
use serde::Serialize;

use crate::bidders::Bidders;
use crate::model::JumpDiffusion;
use crate::oracle::{self, OracleConfig, Twap};
use crate::params::{CollectionParams, ProtocolParams};
use crate::rules::{self, Loan, OracleStatus, Trigger};
use crate::scenario::{apply_crash, Stress};

/// Seconds per simulated step.
pub const HOUR: u64 = 3_600;
/// Hours per year.
pub const YEAR_HOURS: usize = 365 * 24;
/// Block time of hour 0.
pub const T0: u64 = 1_700_000_000;
const BLOCK: usize = 64;

/// One collection in the simulation.
#[derive(Clone, Debug)]
pub struct Collection {
    /// Name for the report.
    pub name: String,
    /// Price model (already made a martingale if wanted).
    pub model: JumpDiffusion,
    /// Floor at hour 0, in whole currency units.
    pub s0: f64,
    /// The bidder model.
    pub bidders: Bidders,
    /// Risk parameters.
    pub params: CollectionParams,
}

/// Loan-book and run settings.
#[derive(Clone, Debug)]
pub struct Setup {
    /// Collections (loans are split evenly among them).
    pub collections: Vec<Collection>,
    /// Protocol parameters.
    pub protocol: ProtocolParams,
    /// Oracle settings.
    pub oracle: OracleConfig,
    /// Loans in the book.
    pub loans: usize,
    /// Monte Carlo paths.
    pub paths: usize,
    /// Hours over which loans start (one year by default).
    pub horizon_hours: usize,
    /// Reserve at hour 0, in whole currency units.
    pub reserve0: f64,
    /// Seed of every random stream.
    pub seed: u64,
    /// The stress scenario.
    pub stress: Stress,
}

/// How a loan ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum End {
    /// No usable oracle price at its start: never lent.
    NotStarted,
    /// Repaid at the due time.
    Repaid,
    /// Liquidated and sold in the auction.
    Sold,
    /// Liquidated, nobody bid; the lender got the NFT.
    Foreclosed,
}

/// The drawn features of one loan of the book (the same on every path).
#[derive(Clone, Copy, Debug)]
pub struct LoanSpec {
    /// Collection index.
    pub collection: usize,
    /// Start hour.
    pub start_hour: usize,
    /// Duration in days.
    pub days: u64,
    /// APR in bps.
    pub apr_bps: u16,
    /// Share of the max LTV the borrower takes, in bps of it.
    pub utilisation_bps: u16,
}

/// What happened to one loan on one path.
#[derive(Clone, Copy, Debug)]
pub struct LoanResult {
    /// How it ended.
    pub end: End,
    /// Principal lent.
    pub principal: U256,
    /// Hour it was liquidated, if it was.
    pub liquidated_hour: Option<usize>,
    /// Hour the auction sold, if it did.
    pub sold_hour: Option<usize>,
    /// Time of the event that moved the reserve (repay, settlement, foreclosure).
    pub settle_time: u64,
    /// Reserve income (fee, or the waterfall's reserve part).
    pub reserve_in: U256,
    /// The lender's shortfall before the reserve's cover (foreclosure: claim − NFT value).
    pub shortfall: U256,
    /// Whether a reserve may cover the shortfall (auction settlements only).
    pub coverable: bool,
    /// Borrower equity at market value that the auction did not return.
    pub surplus_lost: U256,
}

/// Per-path totals (whole currency units).
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct PathTotals {
    /// Principal lent.
    pub principal: f64,
    /// Loans lent.
    pub loans: usize,
    /// Loans liquidated.
    pub liquidated: usize,
    /// Liquidations that ended in foreclosure.
    pub foreclosed: usize,
    /// Loans that left bad debt after the reserve's cover.
    pub bad_debt_loans: usize,
    /// Lender shortfall before cover.
    pub shortfall: f64,
    /// Bad debt: shortfall the reserve did not cover.
    pub bad_debt: f64,
    /// Borrower surplus lost to auctions.
    pub surplus_lost: f64,
    /// Reserve at the end.
    pub reserve_end: f64,
    /// Lowest reserve reached.
    pub reserve_min: f64,
    /// Whether a shortfall found the reserve empty.
    pub reserve_exhausted: bool,
}

/// What a sample path looked like, for the chart.
#[derive(Clone, Debug, Default, Serialize)]
pub struct SamplePath {
    /// Hourly floor of the first collection.
    pub floor: Vec<f64>,
    /// Hourly TWAP (liquidation price; NaN when unusable).
    pub twap: Vec<f64>,
    /// (hour, floor) of each liquidation of that collection.
    pub liquidations: Vec<(usize, f64)>,
}

/// The result of a run.
#[derive(Clone, Debug, Default)]
pub struct RunResult {
    /// Per-path totals of the whole book.
    pub paths: Vec<PathTotals>,
    /// Per-path totals of each collection's loans (the reserve is the book's).
    pub per_collection: Vec<Vec<PathTotals>>,
    /// Path 0 of collection 0.
    pub sample: SamplePath,
}

/// Whole currency units (18 decimals) → integer money.
pub fn to_wei(x: f64) -> U256 {
    let micro = (x.max(0.0) * 1e6).round();
    U256::from(micro as u128) * U256::from(1_000_000_000_000u64)
}

/// Integer money → whole currency units.
pub fn from_wei(x: U256) -> f64 {
    let micro: u128 = (x / U256::from(1_000_000_000_000u64)).saturating_to();
    micro as f64 / 1e6
}

/// A uniform number in [0, 1) from a hash of its coordinates (splitmix64).
pub fn uniform(seed: u64, a: u64, b: u64, c: u64) -> f64 {
    let mut z = seed
        ^ a.wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ b.wrapping_mul(0xC2B2_AE3D_27D4_EB4F)
        ^ c.wrapping_mul(0x1656_67B1_9E37_79F9);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

/// Draws the loan book: start hours uniform over the horizon, durations 30/60/90 days (at
/// most the collection's max), APR 5–40 %, and borrowers taking 60–100 % of the max LTV.
pub fn draw_book(setup: &Setup) -> Vec<LoanSpec> {
    let mut rng = ChaCha8Rng::seed_from_u64(setup.seed ^ 0xB00C);
    let n_coll = setup.collections.len().max(1);
    (0..setup.loans)
        .map(|i| {
            let collection = i % n_coll;
            let max_days = setup.collections[collection].params.max_duration / 86_400;
            let days = [30u64, 60, 90][rng.random_range(0..3)].min(max_days.max(1));
            LoanSpec {
                collection,
                start_hour: rng.random_range(0..setup.horizon_hours.max(1)),
                days,
                apr_bps: rng.random_range(500..=4_000),
                utilisation_bps: rng.random_range(6_000..=10_000),
            }
        })
        .collect()
}

/// One collection's world on one path: floors, posts and what the LoanBook sees each hour.
struct World {
    floor: Vec<f64>,
    floor_wei: Vec<U256>,
    /// Usable liquidation price per hour (`U256::MAX` when unusable).
    liq: Vec<U256>,
    /// Borrow price per hour (zero when borrowing is refused) and whether it is Uncertain.
    borrow: Vec<(U256, bool)>,
    /// Minimum of `liq` per 64-hour block.
    block_min: Vec<U256>,
    /// Whether a keeper or bidder can send a transaction in this hour.
    chain_up: Vec<bool>,
    twap_f: Vec<f64>,
}

impl World {
    fn build(floor: Vec<f64>, cfg: &OracleConfig, stress: &Stress) -> Self {
        let n = floor.len();
        let floor_wei: Vec<U256> = floor.iter().map(|&f| to_wei(f)).collect();
        let mut twap = Twap::new(cfg.twap_window);
        let mut last_post = None;
        let (mut liq, mut borrow, mut chain_up, mut twap_f) = (
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
        );
        for (h, &posted) in floor_wei.iter().enumerate() {
            let now = T0 + h as u64 * HOUR;
            let seq_down = stress.sequencer_down.is_some_and(|w| w.contains(h));
            let seq_ok = match stress.sequencer_down {
                None => true,
                Some(w) if h < w.start => true,
                Some(w) if h < w.start + w.len => false,
                // back up: the gate opens once more than `grace` seconds have passed
                Some(w) => (h - (w.start + w.len)) as u64 * HOUR > cfg.sequencer_grace,
            };
            let posting = !seq_down && !stress.oracle_down.is_some_and(|w| w.contains(h));
            if posting {
                // Rolling only fails on a 256-bit overflow, impossible for 128-bit prices.
                let _ = twap.roll(now, Some(posted));
                last_post = Some(now);
            }
            let read = twap.read(now).ok().flatten();
            let status = oracle::status(cfg, last_post, seq_ok, read.map(|r| r.1), now);
            let price = read.map_or(U256::ZERO, |r| r.0);
            let usable = status.usable() && !price.is_zero();
            liq.push(if usable { price } else { U256::MAX });
            twap_f.push(if usable { from_wei(price) } else { f64::NAN });
            let spot = posted;
            borrow.push(if usable && posting {
                (spot.min(price), status == OracleStatus::Uncertain)
            } else {
                (U256::ZERO, false)
            });
            chain_up.push(!seq_down);
        }
        let block_min = liq
            .chunks(BLOCK)
            .map(|c| c.iter().copied().min().unwrap_or(U256::MAX))
            .collect();
        Self {
            floor,
            floor_wei,
            liq,
            borrow,
            block_min,
            chain_up,
            twap_f,
        }
    }

    /// Lowest usable liquidation price over hours `a..=b`.
    fn min_liq(&self, a: usize, b: usize) -> U256 {
        let mut m = U256::MAX;
        let mut h = a;
        while h <= b {
            if h.is_multiple_of(BLOCK) && h + BLOCK - 1 <= b {
                m = m.min(self.block_min[h / BLOCK]);
                h += BLOCK;
            } else {
                m = m.min(self.liq[h]);
                h += 1;
            }
        }
        m
    }

    /// First hour in `a..=b` at which the loan is unhealthy (and the keeper can act).
    fn first_unhealthy(&self, loan: &Loan, threshold: u64, a: usize, b: usize) -> Option<usize> {
        let b = b.min(self.liq.len() - 1);
        if a > b {
            return None;
        }
        let debt_at = |h: usize| rules::debt_at(loan, T0 + h as u64 * HOUR).unwrap_or(U256::MAX);
        if is_healthy(debt_at(b), self.min_liq(a, b), threshold) {
            return None;
        }
        let mut lo = a;
        while lo <= b {
            let hi = ((lo / BLOCK + 1) * BLOCK - 1).min(b);
            if !is_healthy(debt_at(hi), self.min_liq(lo, hi), threshold) {
                for h in lo..=hi {
                    if self.chain_up[h] && !is_healthy(debt_at(h), self.liq[h], threshold) {
                        return Some(h);
                    }
                }
            }
            lo = hi + 1;
        }
        None
    }
}

/// Simulates the collections' floors for one path (hours `0..=hours`).
fn floors(setup: &Setup, path: usize, hours: usize) -> Vec<Vec<f64>> {
    let mut rng = ChaCha8Rng::seed_from_u64(setup.seed.wrapping_add(path as u64 * 0x1_0001));
    let rho = setup.stress.correlation.clamp(0.0, 1.0);
    let idio = (1.0 - rho * rho).sqrt();
    let n = setup.collections.len();
    let mut ln: Vec<f64> = setup.collections.iter().map(|c| c.s0.ln()).collect();
    let mut out: Vec<Vec<f64>> = setup
        .collections
        .iter()
        .map(|c| {
            let mut v = Vec::with_capacity(hours + 1);
            v.push(c.s0);
            v
        })
        .collect();
    let dt = 1.0 / 24.0;
    for _ in 0..hours {
        let common: f64 = StandardNormal.sample(&mut rng);
        for c in 0..n {
            let own: f64 = StandardNormal.sample(&mut rng);
            ln[c] += setup.collections[c]
                .model
                .step(&mut rng, dt, rho * common + idio * own);
            out[c].push(ln[c].exp());
        }
    }
    if let Some(crash) = setup.stress.crash {
        for (c, path) in out.iter_mut().enumerate() {
            if crash.all_collections || c == 0 {
                apply_crash(path, &crash);
            }
        }
    }
    out
}

/// Resolves one loan on one path.
fn run_loan(
    setup: &Setup,
    world: &World,
    spec: &LoanSpec,
    path: usize,
    index: usize,
) -> LoanResult {
    let coll = &setup.collections[spec.collection];
    let c = &coll.params;
    let p = &setup.protocol;
    let not_started = LoanResult {
        end: End::NotStarted,
        principal: U256::ZERO,
        liquidated_hour: None,
        sold_hour: None,
        settle_time: 0,
        reserve_in: U256::ZERO,
        shortfall: U256::ZERO,
        coverable: false,
        surplus_lost: U256::ZERO,
    };
    let s = spec.start_hour;
    let (price, uncertain) = world.borrow[s];
    if price.is_zero() || !world.chain_up[s] {
        return not_started;
    }
    let mut ltv = u64::from(c.max_ltv_bps);
    if uncertain {
        ltv = ltv * (10_000 - u64::from(p.uncertain_haircut_bps)) / 10_000;
    }
    let ltv = ltv * u64::from(spec.utilisation_bps) / 10_000;
    let principal = max_borrow_down(price, ltv).unwrap_or(U256::ZERO);
    if principal.is_zero() || !fits_ltv(principal, price, ltv) {
        return not_started;
    }
    let start = T0 + s as u64 * HOUR;
    let loan = Loan {
        principal,
        apr_bps: spec.apr_bps,
        start,
        due: start + spec.days * 86_400,
    };
    let due_h = s + spec.days as usize * 24;
    let thr = u64::from(c.liq_threshold_bps);
    let last = world.liq.len() - 1;
    let mut liq_h = world.first_unhealthy(&loan, thr, s + 1, due_h);
    if liq_h.is_none() {
        // At the due time the borrower repays if the NFT is worth more than the debt.
        let debt = rules::debt_at(&loan, loan.due).unwrap_or(U256::MAX);
        if world.floor_wei[due_h.min(last)] >= debt {
            let r = rules::repay_active(&loan, p.fee_bps, loan.due).ok();
            return LoanResult {
                end: End::Repaid,
                principal,
                settle_time: loan.due,
                reserve_in: r.map_or(U256::ZERO, |r| r.reserve),
                ..not_started
            };
        }
        // Default: unhealthy in the grace period, or overdue after it.
        let overdue_h = (c.grace_period.div_ceil(HOUR) as usize + due_h + 1).min(last);
        liq_h = world.first_unhealthy(&loan, thr, due_h + 1, overdue_h - 1);
        if liq_h.is_none() {
            liq_h = (overdue_h..=last).find(|&h| world.chain_up[h]);
        }
    }
    let Some(h) = liq_h else {
        return LoanResult {
            principal,
            ..not_started
        };
    };
    let now = T0 + h as u64 * HOUR;
    let (price, status) = if world.liq[h] == U256::MAX {
        (U256::ZERO, OracleStatus::Stale)
    } else {
        (world.liq[h], OracleStatus::Ok)
    };
    let Ok(Trigger::Liquidate(l)) = rules::liquidate(&loan, c, p, price, status, now) else {
        return LoanResult {
            principal,
            ..not_started
        };
    };
    let discount = coll
        .bidders
        .discount(uniform(setup.seed, path as u64, index as u64, 0));
    let tail_hours = c.auction_tail.div_ceil(HOUR) as usize;
    let mut sale = None;
    for j in h..=(h + tail_hours).min(last) {
        let hour_start = (j - h) as u64 * HOUR;
        if hour_start >= c.auction_tail || !world.chain_up[j] {
            continue;
        }
        if setup.stress.no_bids.is_some_and(|w| w.contains(j))
            || uniform(setup.seed, path as u64, index as u64, j as u64 + 1) >= coll.bidders.presence
        {
            continue;
        }
        let reservation = to_wei(world.floor[j] * (1.0 - discount));
        let hour_end = (hour_start + HOUR).min(c.auction_tail) - 1;
        let at = |e: u64| rules::auction_price(l.start_price, l.debt, c, e).unwrap_or(U256::MAX);
        if at(hour_end) > reservation {
            continue;
        }
        // First step of the hour whose price is within the reservation value.
        let (mut lo, mut hi) = (hour_start / c.auction_step, hour_end / c.auction_step);
        while lo < hi {
            let mid = (lo + hi) / 2;
            if at((mid * c.auction_step).max(hour_start)) <= reservation {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        let elapsed = (lo * c.auction_step).max(hour_start);
        sale = Some((j, elapsed, at(elapsed)));
        break;
    }
    let market = world.floor_wei[h];
    let Some((j, elapsed, proceeds)) = sale else {
        // Foreclosure: the lender takes the NFT at the floor when the tail ends.
        let end_h = (h + tail_hours).min(last);
        let claim =
            rules::lender_share(l.debt, principal, p.fee_bps).map_or(l.debt, |(lender, _)| lender);
        let value = world.floor_wei[end_h];
        return LoanResult {
            end: End::Foreclosed,
            principal,
            liquidated_hour: Some(h),
            settle_time: now + c.auction_tail,
            shortfall: claim.saturating_sub(value),
            surplus_lost: market.saturating_sub(l.debt),
            ..not_started
        };
    };
    let Ok(s) = rules::settle(
        proceeds,
        principal,
        &l,
        p.fee_bps,
        c.liq_penalty_bps,
        U256::ZERO,
    ) else {
        return LoanResult {
            principal,
            ..not_started
        };
    };
    let owed = l.debt.saturating_add(
        lien_math::bps_mul_up(l.debt, u64::from(c.liq_penalty_bps)).unwrap_or(U256::ZERO),
    );
    LoanResult {
        end: End::Sold,
        principal,
        liquidated_hour: Some(h),
        sold_hour: Some(j),
        settle_time: now + elapsed,
        reserve_in: s.reserve,
        shortfall: s.shortfall,
        coverable: true,
        surplus_lost: market.saturating_sub(owed).saturating_sub(s.borrower),
    }
}

/// Adds one settled loan to a total.
fn add(t: &mut PathTotals, r: &LoanResult, cover: U256) {
    t.loans += 1;
    t.principal += from_wei(r.principal);
    t.liquidated += usize::from(r.liquidated_hour.is_some());
    t.foreclosed += usize::from(r.end == End::Foreclosed);
    if !r.shortfall.is_zero() && cover < r.shortfall {
        t.bad_debt_loans += 1;
        t.reserve_exhausted |= r.coverable;
    }
    t.shortfall += from_wei(r.shortfall);
    t.bad_debt += from_wei(r.shortfall - cover);
    t.surplus_lost += from_wei(r.surplus_lost);
}

/// One path's totals: the whole book, then each collection (the reserve is shared).
type PathOut = (PathTotals, Vec<PathTotals>, Option<SamplePath>);

/// Runs one path: every loan, then the reserve in time order.
fn run_path(setup: &Setup, book: &[LoanSpec], path: usize, want_sample: bool) -> PathOut {
    let hours = setup.horizon_hours + 24 * 92 + 24 * 32;
    let worlds: Vec<World> = floors(setup, path, hours)
        .into_iter()
        .map(|f| World::build(f, &setup.oracle, &setup.stress))
        .collect();
    let mut results: Vec<(LoanResult, usize)> = book
        .iter()
        .enumerate()
        .map(|(i, spec)| {
            (
                run_loan(setup, &worlds[spec.collection], spec, path, i),
                spec.collection,
            )
        })
        .collect();
    let mut sample = want_sample.then(|| SamplePath {
        floor: worlds[0].floor.clone(),
        twap: worlds[0].twap_f.clone(),
        liquidations: Vec::new(),
    });
    if let Some(s) = sample.as_mut() {
        for (r, c) in &results {
            if let (Some(h), 0) = (r.liquidated_hour, *c) {
                s.liquidations.push((h, worlds[0].floor[h]));
            }
        }
    }
    results.retain(|(r, _)| r.end != End::NotStarted);
    results.sort_by_key(|(r, _)| r.settle_time);
    let mut t = PathTotals::default();
    let mut per = vec![PathTotals::default(); setup.collections.len()];
    let mut reserve = to_wei(setup.reserve0);
    let mut reserve_min = reserve;
    for (r, c) in &results {
        let cover = if r.coverable {
            r.shortfall.min(reserve)
        } else {
            U256::ZERO
        };
        add(&mut t, r, cover);
        add(&mut per[*c], r, cover);
        reserve = reserve - cover + r.reserve_in;
        reserve_min = reserve_min.min(reserve);
    }
    t.reserve_end = from_wei(reserve);
    t.reserve_min = from_wei(reserve_min);
    (t, per, sample)
}

/// Runs every path in parallel.
pub fn run(setup: &Setup) -> RunResult {
    let book = draw_book(setup);
    run_with_book(setup, &book)
}

/// Runs every path in parallel on a given book.
pub fn run_with_book(setup: &Setup, book: &[LoanSpec]) -> RunResult {
    let out: Vec<PathOut> = (0..setup.paths)
        .into_par_iter()
        .map(|p| run_path(setup, book, p, p == 0))
        .collect();
    let mut result = RunResult {
        per_collection: vec![Vec::with_capacity(out.len()); setup.collections.len()],
        ..RunResult::default()
    };
    for (t, per, s) in out {
        result.paths.push(t);
        for (c, pt) in per.into_iter().enumerate() {
            result.per_collection[c].push(pt);
        }
        if let Some(s) = s {
            result.sample = s;
        }
    }
    result
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::scenario::Scenario;

    pub(crate) fn small_setup(scenario: Scenario, params: CollectionParams) -> Setup {
        Setup {
            collections: vec![Collection {
                name: "test".into(),
                model: JumpDiffusion {
                    mu: 0.0,
                    sigma: 0.04,
                    lambda: 0.1,
                    p_up: 0.3,
                    mean_up: 0.06,
                    mean_down: 0.1,
                }
                .martingale(),
                s0: 10.0,
                bidders: Bidders::default(),
                params,
            }],
            protocol: ProtocolParams::design_defaults(to_wei(5.0)),
            oracle: OracleConfig::default(),
            loans: 300,
            paths: 8,
            horizon_hours: 24 * 60,
            reserve0: 0.0,
            seed: 42,
            stress: scenario.stress(24 * 40),
        }
    }

    #[test]
    fn a_crash_liquidates_more_than_the_base_case_and_runs_are_reproducible() {
        let d = CollectionParams::design_defaults();
        let base = run(&small_setup(Scenario::Base, d));
        let crash = run(&small_setup(Scenario::Crash60, d));
        let liq = |r: &RunResult| r.paths.iter().map(|p| p.liquidated).sum::<usize>();
        assert!(
            liq(&crash) > liq(&base),
            "{} vs {}",
            liq(&crash),
            liq(&base)
        );
        let again = run(&small_setup(Scenario::Crash60, d));
        assert_eq!(
            crash.paths.iter().map(|p| p.bad_debt).collect::<Vec<_>>(),
            again.paths.iter().map(|p| p.bad_debt).collect::<Vec<_>>()
        );
        assert!(!crash.sample.floor.is_empty());
        for (k, p) in crash.paths.iter().enumerate() {
            let per = &crash.per_collection[0][k];
            assert_eq!((per.loans, per.liquidated), (p.loans, p.liquidated));
            assert_eq!(per.bad_debt, p.bad_debt);
        }
    }

    #[test]
    fn no_bidders_means_foreclosure() {
        let d = CollectionParams::design_defaults();
        let mut s = small_setup(Scenario::Crash60, d);
        s.collections[0].bidders.presence = 0.0;
        let r = run(&s);
        let (liq, fc): (usize, usize) = r
            .paths
            .iter()
            .fold((0, 0), |a, p| (a.0 + p.liquidated, a.1 + p.foreclosed));
        assert!(liq > 0);
        assert_eq!(liq, fc);
    }

    #[test]
    fn the_block_search_finds_the_first_unhealthy_hour() {
        let cfg = OracleConfig {
            twap_window: 3_600,
            ..OracleConfig::default()
        };
        let mut floor = vec![100.0; 400];
        for (h, f) in floor.iter_mut().enumerate().skip(200) {
            *f = 100.0 - (h - 200) as f64 * 0.5;
        }
        let w = World::build(floor, &cfg, &Stress::default());
        let loan = Loan {
            principal: to_wei(40.0),
            apr_bps: 0,
            start: T0,
            due: T0 + 400 * HOUR,
        };
        let got = w.first_unhealthy(&loan, 6_500, 1, 399);
        let brute = (1..=399).find(|&h| !is_healthy(loan.principal, w.liq[h], 6_500));
        assert_eq!(got, brute);
        assert!(got.is_some());
    }
}
