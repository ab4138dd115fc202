//! `lien risk …`: the risk lab (lien-risk) — fit, simulate, stress, recommend, report; a
//! benchmark; and a Governance proposal from a recommendation.

use std::path::PathBuf;
use std::time::Instant;

use alloy::primitives::{Address, Bytes, U256};
use alloy::sol_types::SolCall;
use clap::Subcommand;
use lien_client::bindings::{IGovernance, IOfferBook};
use lien_risk::{
    data, estimate,
    oracle::OracleConfig,
    params::{step_toward, CollectionParams, ProposalError, ProtocolParams, RateLimit},
    report::{self, Input},
    scenario::{self, Scenario},
    sim,
};

use crate::ctx::{call_err, CliError, CliResult, Ctx, Globals};
use crate::input::parse_address;
use crate::tx;

/// Risk-lab commands.
#[derive(Debug, Subcommand)]
pub enum RiskCmd {
    /// Fit each price history, simulate a loan book for a year under every named scenario,
    /// search the recommended parameters and write report.md / report.html / report.json.
    Run {
        /// Price history CSV (timestamp, floor_price[, volume, bid_depth]); repeat for
        /// several collections.
        #[arg(long = "data", required = true)]
        data: Vec<PathBuf>,
        /// Where to write the report.
        #[arg(long, default_value = "target/risk-report")]
        out: PathBuf,
        /// Loans in the simulated book.
        #[arg(long, default_value_t = 2_000)]
        loans: usize,
        /// Monte Carlo paths per scenario.
        #[arg(long, default_value_t = 200)]
        paths: usize,
        /// Loans per candidate in the recommendation search.
        #[arg(long, default_value_t = 500)]
        search_loans: usize,
        /// Paths per candidate in the recommendation search.
        #[arg(long, default_value_t = 60)]
        search_paths: usize,
        /// Largest acceptable per-loan probability of bad debt (0.01 = 1 %).
        #[arg(long, default_value_t = 0.01)]
        target: f64,
        /// Scenario the recommendation must survive.
        #[arg(long, default_value = "crash-60")]
        design: String,
        /// Liquidation threshold above the max LTV in the search (bps).
        #[arg(long, default_value_t = 2_000)]
        gap_bps: u16,
        /// Reserve at the start, in whole currency units.
        #[arg(long, default_value_t = 0.0)]
        reserve: f64,
        /// Seed of every random draw.
        #[arg(long, default_value_t = 18)]
        seed: u64,
        /// Compare with this collection's parameters on the deployment (reads the
        /// OfferBook's `params`, `protocolParams` and `currencyInfo` through --rpc-url).
        #[arg(long)]
        collection: Option<String>,
    },
    /// Benchmark: a book of N loans through one year of hourly steps per path.
    Bench {
        /// Loans.
        #[arg(long, default_value_t = 100_000)]
        loans: usize,
        /// Paths (each is a full year for the whole book).
        #[arg(long, default_value_t = 1)]
        paths: usize,
        /// Collections the loans are split over.
        #[arg(long, default_value_t = 4)]
        collections: usize,
    },
    /// Propose the recommendation of a report to Governance as
    /// `setCollectionParams(...)` on the OfferBook, moved only as far as the rate limit
    /// allows in one change.
    Propose {
        /// report.json written by `lien risk run`.
        #[arg(long)]
        report: PathBuf,
        /// The collection to change.
        #[arg(long)]
        collection: String,
        /// Print the calldata instead of sending the proposal.
        #[arg(long)]
        dry_run: bool,
    },
}

/// Runs a risk command (connects to a node only when it needs one).
pub async fn run(g: &Globals, cmd: RiskCmd) -> anyhow::Result<()> {
    match cmd {
        RiskCmd::Run {
            data,
            out,
            loans,
            paths,
            search_loans,
            search_paths,
            target,
            design,
            gap_bps,
            reserve,
            seed,
            collection,
        } => {
            let design = Scenario::parse(&design).ok_or_else(|| {
                anyhow::anyhow!(
                    "unknown scenario {design:?}; one of: {}",
                    scenario::ALL.map(Scenario::name).join(", ")
                )
            })?;
            anyhow::ensure!(
                target > 0.0 && target < 1.0,
                "--target is a probability in (0, 1)"
            );
            anyhow::ensure!(
                loans > 0 && paths > 0,
                "--loans and --paths must be positive"
            );
            let mut collections = Vec::new();
            for path in &data {
                let obs = data::read_csv(path)?;
                let fit = estimate::fit(&obs);
                let name = path
                    .file_stem()
                    .map_or("collection".into(), |s| s.to_string_lossy().into_owned());
                println!(
                    "{name}: {} returns over {:.0} days, σ {:.4}/√day, {:.3} jumps/day ({} detected), annual vol {:.0} %",
                    fit.returns,
                    fit.days,
                    fit.model.sigma,
                    fit.model.lambda,
                    fit.jumps,
                    100.0 * fit.model.annual_vol()
                );
                collections.push((name, fit));
            }
            let (params, protocol, source) = match collection {
                None => (
                    CollectionParams::design_defaults(),
                    ProtocolParams::design_defaults(sim::to_wei(5.0)),
                    "design defaults".to_owned(),
                ),
                Some(c) => {
                    let ctx = g.connect().await?;
                    let c = parse_address(&c)?;
                    let (params, protocol, _, _) = onchain(&ctx, c).await?;
                    (params, protocol, format!("on-chain {c}"))
                }
            };
            let input = Input {
                collections,
                params,
                params_source: source,
                protocol,
                oracle: OracleConfig::default(),
                loans,
                paths,
                search_loans,
                search_paths,
                seed,
                reserve0: reserve,
                target,
                gap_bps,
                scenarios: scenario::ALL.to_vec(),
                design_scenario: design,
            };
            let started = Instant::now();
            println!(
                "simulating {loans} loans × {paths} paths × {} scenarios, then the search ({search_loans} loans × {search_paths} paths per candidate)…",
                input.scenarios.len()
            );
            let r = report::analyse(&input);
            for s in &r.scenarios {
                println!(
                    "  {:<20} P(bad debt)/loan {:>7.3} %  expected loss {:>7.3} %  99 % tail {:>7.3} %",
                    s.scenario,
                    100.0 * s.summary.p_bad_debt_loan,
                    100.0 * s.summary.expected_loss,
                    100.0 * s.summary.tail_loss_99
                );
            }
            let rec = &r.recommendation;
            println!(
                "recommended under {}: max LTV {} bps, threshold {} bps, auction start {} bps, cut {} bps per {} s ({}; P(bad debt)/loan {:.3} %)",
                r.design_scenario,
                rec.params.max_ltv_bps,
                rec.params.liq_threshold_bps,
                rec.params.auction_start_bps,
                rec.params.auction_cut_bps,
                rec.params.auction_step,
                if rec.meets_target { "meets the target" } else { "target NOT met" },
                100.0 * rec.summary.p_bad_debt_loan
            );
            for p in report::write(&r, &out)? {
                println!("wrote {}", p.display());
            }
            println!("done in {:.1} s", started.elapsed().as_secs_f64());
        }
        RiskCmd::Bench {
            loans,
            paths,
            collections,
        } => bench(loans, paths, collections.max(1)),
        RiskCmd::Propose {
            report,
            collection,
            dry_run,
        } => propose(g, &report, &collection, dry_run).await?,
    }
    Ok(())
}

/// Reads a collection's parameters, the protocol's, the rate limit and the last change.
async fn onchain(
    ctx: &Ctx,
    collection: Address,
) -> CliResult<(CollectionParams, ProtocolParams, RateLimit, u64)> {
    let d = ctx.deployment()?;
    let book = IOfferBook::new(d.contracts.offer_book, &ctx.provider);
    let p = book
        .params(collection)
        .call()
        .await
        .map_err(call_err("params"))?;
    if !p.listed {
        return Err(CliError::Missing(format!(
            "collection {collection} is not listed on the offer book {}",
            d.contracts.offer_book
        )));
    }
    let pp = book
        .protocolParams()
        .call()
        .await
        .map_err(call_err("protocolParams"))?;
    let cap = book
        .currencyInfo(p.currency)
        .call()
        .await
        .map_err(call_err("currencyInfo"))?;
    let params = CollectionParams {
        max_ltv_bps: p.max_ltv_bps,
        liq_threshold_bps: p.liq_threshold_bps,
        liq_penalty_bps: p.liq_penalty_bps,
        auction_start_bps: p.auction_start_bps,
        auction_cut_bps: p.auction_cut_bps,
        max_duration: p.max_duration,
        grace_period: p.grace_period,
        auction_step: p.auction_step,
        auction_tail: p.auction_tail,
    };
    let protocol = ProtocolParams {
        fee_bps: pp.fee_bps,
        tip_bps: pp.tip_bps,
        uncertain_haircut_bps: pp.uncertain_haircut_bps,
        tip_cap: lien_math::U256::from_be_bytes(cap.tip_cap.to_be_bytes::<32>()),
    };
    let limit = RateLimit {
        max_step_bps: pp.max_step_bps,
        min_change_interval: pp.min_change_interval,
    };
    Ok((params, protocol, limit, p.last_change))
}

fn bench(loans: usize, paths: usize, collections: usize) {
    let model = lien_risk::model::JumpDiffusion {
        mu: 0.0,
        sigma: 0.04,
        lambda: 0.1,
        p_up: 0.3,
        mean_up: 0.06,
        mean_down: 0.1,
    }
    .martingale();
    let setup = sim::Setup {
        collections: (0..collections)
            .map(|i| sim::Collection {
                name: format!("c{i}"),
                model,
                s0: 10.0,
                bidders: lien_risk::bidders::Bidders::default(),
                params: CollectionParams::design_defaults(),
            })
            .collect(),
        protocol: ProtocolParams::design_defaults(sim::to_wei(5.0)),
        oracle: OracleConfig::default(),
        loans,
        paths,
        horizon_hours: sim::YEAR_HOURS,
        reserve0: 0.0,
        seed: 1,
        stress: Scenario::Crash60.stress(report::STRESS_HOUR),
    };
    let threads = rayon::current_num_threads();
    let t = Instant::now();
    let book = sim::draw_book(&setup);
    let r = sim::run_with_book(&setup, &book);
    let secs = t.elapsed().as_secs_f64();
    let liquidated: usize = r.paths.iter().map(|p| p.liquidated).sum();
    let steps = loans as f64 * sim::YEAR_HOURS as f64 * paths as f64;
    println!(
        "risk bench: {loans} loans × 365 days hourly × {paths} path(s), {collections} collections, crash-60 scenario, {threads} threads"
    );
    println!(
        "  {secs:.2} s total, {:.2} s per path-year, {:.2e} loan-hours/s, {liquidated} liquidations",
        secs / paths as f64,
        steps / secs
    );
}

async fn propose(
    g: &Globals,
    report: &PathBuf,
    collection: &str,
    dry_run: bool,
) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(report)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", report.display()))?;
    let json: serde_json::Value = serde_json::from_str(&text)?;
    let target: CollectionParams = serde_json::from_value(json["recommendation"]["params"].clone())
        .map_err(|e| anyhow::anyhow!("{} has no recommendation.params: {e}", report.display()))?;
    let ctx = g.connect().await?;
    let collection = parse_address(collection)?;
    let (current, _, limit, last_change) = onchain(&ctx, collection).await?;
    let step = match step_toward(&current, &target, &limit, last_change) {
        Ok(s) => s,
        Err(ProposalError::NoChange) => {
            println!(
                "the on-chain parameters already equal the recommendation; nothing to propose"
            );
            return Ok(());
        }
        Err(ProposalError::OutOfBounds(f)) => {
            anyhow::bail!("the recommendation breaks the OfferBook's bound of field {f}")
        }
    };
    let n = step.params;
    let call = IOfferBook::setCollectionParamsCall {
        collection,
        max_ltv_bps: n.max_ltv_bps,
        liq_threshold_bps: n.liq_threshold_bps,
        liq_penalty_bps: n.liq_penalty_bps,
        auction_start_bps: n.auction_start_bps,
        auction_cut_bps: n.auction_cut_bps,
        max_duration: n.max_duration,
        grace_period: n.grace_period,
        auction_step: n.auction_step,
        auction_tail: n.auction_tail,
    };
    let data = Bytes::from(call.abi_encode());
    let d = ctx.deployment()?;
    println!(
        "setCollectionParams({collection}, {}, {}, {}, {}, {}, {}, {}, {}, {}){}",
        n.max_ltv_bps,
        n.liq_threshold_bps,
        n.liq_penalty_bps,
        n.auction_start_bps,
        n.auction_cut_bps,
        n.max_duration,
        n.grace_period,
        n.auction_step,
        n.auction_tail,
        if step.reaches_target {
            ""
        } else {
            " — one step (max step per change) toward the recommendation; propose again after the next change interval"
        }
    );
    let now = ctx.now().await?;
    if now < step.allowed_from {
        println!(
            "note: the OfferBook accepts a change from {} (lastChange + minChangeInterval); execute the proposal after that",
            step.allowed_from
        );
    }
    if dry_run {
        println!("target {} calldata {data}", d.contracts.offer_book);
        return Ok(());
    }
    let gov = IGovernance::new(d.contracts.governance, &ctx.provider);
    let call = gov.propose(d.contracts.offer_book, U256::ZERO, data.clone());
    let id = call.call().await.map_err(call_err("propose"))?;
    let r: CliResult<()> = async {
        tx!(format!("propose {id}"), call);
        Ok(())
    }
    .await;
    r?;
    println!("proposal {id}: call {} with {data}", d.contracts.offer_book);
    Ok(())
}
