//! `lien keeper`: scans every loan, warns as loans near their limits, liquidates unhealthy or
//! overdue loans, and optionally bids on live auctions up to a limit.

use std::time::Duration;

use alloy::primitives::U256;
use lien_client::bindings::{ILiquidator, ILoanBook, ILoanLens};

use crate::borrower::{oracle_status_name, status_name};
use crate::ctx::{call_err, CliError, CliResult, Ctx};
use crate::decide::{decide, should_bid, utilisation_bps, Action, LoanSnapshot, Reason};
use crate::input::{format_amount, format_duration, parse_amount};
use crate::tx;

/// Keeper options.
#[derive(Clone, Debug, clap::Args)]
pub struct KeeperOpts {
    /// Seconds between passes.
    #[arg(long, default_value = "15")]
    pub interval: u64,
    /// Warn when debt reaches this share of the liquidation limit (basis points).
    #[arg(long, default_value = "9000", value_parser = clap::value_parser!(u16).range(1..=10_000))]
    pub warn_bps: u16,
    /// Bid on live auctions whose current price is at most this (whole tokens, e.g. 45.5).
    #[arg(long)]
    pub bid_up_to: Option<String>,
    /// One pass, then exit.
    #[arg(long)]
    pub once: bool,
}

/// What one pass did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct PassReport {
    /// Loans issued so far.
    pub loans: u64,
    /// Active loans.
    pub active: u64,
    /// Loans with a warning.
    pub warned: u64,
    /// Liquidations this keeper started.
    pub liquidated: u64,
    /// Liquidations lost to another keeper (or no longer possible).
    pub raced: u64,
    /// Auctions this keeper won.
    pub bids: u64,
}

fn reasons(r: &[Reason]) -> String {
    r.iter()
        .map(|x| match x {
            Reason::Unhealthy => "unhealthy",
            Reason::Overdue => "overdue",
            Reason::NearThreshold => "near liquidation threshold",
            Reason::NearDue => "due within a day",
            Reason::OracleUnavailable => "oracle unusable",
            Reason::OwnLoan => "own loan",
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Runs the keeper until Ctrl-C (or one pass with `--once`).
pub async fn run(ctx: &Ctx, opts: KeeperOpts) -> CliResult<()> {
    let mut pass = 0u64;
    loop {
        pass = pass.saturating_add(1);
        let r = one_pass(ctx, &opts).await?;
        println!(
            "pass {pass}: {} loans, {} active, {} warned, {} liquidated, {} lost races, {} auctions won",
            r.loans, r.active, r.warned, r.liquidated, r.raced, r.bids
        );
        if opts.once {
            return Ok(());
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(opts.interval.max(1))) => {}
            _ = tokio::signal::ctrl_c() => return Ok(()),
        }
    }
}

/// One scan of every loan and auction.
pub async fn one_pass(ctx: &Ctx, opts: &KeeperOpts) -> CliResult<PassReport> {
    let d = ctx.deployment()?;
    let book = ILoanBook::new(d.contracts.loan_book, &ctx.provider);
    let lens = ILoanLens::new(d.contracts.loan_lens, &ctx.provider);
    let counts = book.counts().call().await.map_err(call_err("counts"))?;
    let now = ctx.now().await?;
    let mut report = PassReport {
        loans: u64::try_from(counts.loans).unwrap_or(u64::MAX),
        ..Default::default()
    };
    println!(
        "{:>5} {:<11} {:>14} {:>14} {:>8} {:<10} {:>12}  action",
        "loan", "status", "debt", "limit", "used", "oracle", "deadline"
    );
    let mut id = U256::from(1u8);
    while id <= counts.loans {
        let l = lens.loan(id).call().await.map_err(call_err("loan"))?;
        let dec = ctx.decimals(l.currency).await;
        if l.status != crate::decide::STATUS_ACTIVE {
            println!("{id:>5} {:<11}", status_name(l.status));
            id = id
                .checked_add(U256::from(1u8))
                .ok_or(CliError::Overflow("loan id"))?;
            continue;
        }
        report.active = report.active.saturating_add(1);
        let h = lens.health(id).call().await.map_err(call_err("health"))?;
        let terms = lens
            .loanTerms(id)
            .call()
            .await
            .map_err(call_err("loanTerms"))?;
        let snap = LoanSnapshot {
            status: l.status,
            debt: h.debt,
            max_debt: h.max_debt,
            healthy: h.healthy,
            oracle_status: h.oracle_status,
            due: l.due,
            grace: terms.grace_period,
            now,
            own_loan: l.borrower == ctx.me,
        };
        let used = utilisation_bps(h.debt, h.max_debt)
            .map(|b| {
                format!(
                    "{}.{:01}%",
                    b / U256::from(100u8),
                    b % U256::from(100u8) / U256::from(10u8)
                )
            })
            .unwrap_or_else(|| "n/a".into());
        let deadline = l.due.saturating_add(terms.grace_period);
        let left = if deadline > now {
            format_duration(deadline - now)
        } else {
            "passed".into()
        };
        let action = decide(&snap, opts.warn_bps);
        let what = match &action {
            Action::Ignore | Action::Watch => "ok".to_owned(),
            Action::Warn(r) => format!("WARN: {}", reasons(r)),
            Action::Liquidate(r) => format!("LIQUIDATE ({})", reasons(&[*r])),
        };
        println!(
            "{id:>5} {:<11} {:>14} {:>14} {used:>8} {:<10} {left:>12}  {what}",
            status_name(l.status),
            format_amount(h.debt, dec),
            format_amount(h.max_debt, dec),
            oracle_status_name(h.oracle_status)
        );
        match action {
            Action::Warn(_) => report.warned = report.warned.saturating_add(1),
            Action::Liquidate(_) => match liquidate(&book, &lens, id).await? {
                Outcome::Done => report.liquidated = report.liquidated.saturating_add(1),
                Outcome::Lost(why) => {
                    println!("  loan {id}: another keeper or the borrower got there first ({why})");
                    report.raced = report.raced.saturating_add(1);
                }
                Outcome::Refused(why) => println!("  loan {id}: liquidation refused: {why}"),
            },
            Action::Ignore | Action::Watch => {}
        }
        id = id
            .checked_add(U256::from(1u8))
            .ok_or(CliError::Overflow("loan id"))?;
    }
    if let Some(limit) = &opts.bid_up_to {
        report.bids = bid_pass(ctx, d.contracts.liquidator, limit).await?;
    }
    Ok(report)
}

/// Auction status `Live` in `ILiquidator.auction(id)`.
const AUCTION_LIVE: u8 = 1;

/// How a liquidation attempt ended.
enum Outcome {
    /// This keeper started the auction.
    Done,
    /// The loan left the Active status meanwhile (another keeper, a repayment).
    Lost(String),
    /// Still active but the loan book refused (e.g. the oracle moved back).
    Refused(String),
}

/// Simulates, sends, and on any failure re-reads the loan to tell a lost race from a refusal.
async fn liquidate(
    book: &ILoanBook::ILoanBookInstance<&alloy::providers::DynProvider>,
    lens: &ILoanLens::ILoanLensInstance<&alloy::providers::DynProvider>,
    id: U256,
) -> CliResult<Outcome> {
    let call = book.liquidate(id);
    let sent: CliResult<u64> = async {
        let auction = call.call().await.map_err(call_err("liquidate"))?;
        Ok(tx!(
            format!("liquidate loan {id} (auction {auction})"),
            call
        ))
    }
    .await;
    let Err(e) = sent else {
        return Ok(Outcome::Done);
    };
    let status = lens.loan(id).call().await.map_err(call_err("loan"))?.status;
    Ok(if status == crate::decide::STATUS_ACTIVE {
        Outcome::Refused(e.to_string())
    } else {
        Outcome::Lost(e.to_string())
    })
}

async fn bid_pass(
    ctx: &Ctx,
    liquidator: alloy::primitives::Address,
    limit: &str,
) -> CliResult<u64> {
    let liq = ILiquidator::new(liquidator, &ctx.provider);
    let live = lien_client::auctions::live_auctions(&liq)
        .await
        .map_err(call_err("auctions"))?;
    let mut won = 0u64;
    for auction_id in live {
        let a = liq
            .auction(auction_id)
            .call()
            .await
            .map_err(call_err("auction"))?;
        let currency = a.currency;
        let dec = ctx.decimals(currency).await;
        let limit = parse_amount(limit, dec)?;
        let price = match liq.currentPrice(auction_id).call().await {
            Ok(p) => p,
            Err(e) => {
                println!(
                    "  auction {auction_id}: no price ({})",
                    crate::revert::explain(&e)
                );
                continue;
            }
        };
        if !should_bid(price, Some(limit)) {
            println!(
                "  auction {auction_id} (loan {}): price {} above the limit {}",
                a.loan_id,
                format_amount(price, dec),
                format_amount(limit, dec)
            );
            continue;
        }
        crate::lender::ensure_allowance(ctx, currency, liquidator, price).await?;
        let call = liq.bid(auction_id, price);
        let sent: CliResult<u64> = async {
            call.call().await.map_err(call_err("bid"))?;
            Ok(tx!(
                format!(
                    "bid {} on auction {auction_id} (NFT #{} of {})",
                    format_amount(price, dec),
                    a.token_id,
                    a.collection
                ),
                call
            ))
        }
        .await;
        match sent {
            Ok(_) => won = won.saturating_add(1),
            Err(e) => {
                let status = liq
                    .auction(auction_id)
                    .call()
                    .await
                    .map_err(call_err("auction"))?
                    .status;
                if status == AUCTION_LIVE {
                    println!("  auction {auction_id}: bid refused: {e}");
                } else {
                    println!("  auction {auction_id}: gone before our bid ({e})");
                }
            }
        }
    }
    Ok(won)
}
