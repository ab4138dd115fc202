//! `lien borrower …`: borrowing against an NFT, repaying, and looking at one's loans.

use alloy::{primitives::U256, providers::DynProvider};
use clap::Subcommand;
use lien_client::bindings::{ILoanBook, ILoanDesk, ILoanLens, IOfferBook, IERC721};

use crate::ctx::{call_err, CliError, CliResult, Ctx};
use crate::input::{format_amount, format_duration, parse_address, parse_amount, parse_u256};
use crate::tx;

/// Seconds of interest added to the repayment approval, covering the blocks between the
/// quote and the repayment.
pub const REPAY_MARGIN_SECS: u64 = 600;

/// Borrower commands.
#[derive(Debug, Subcommand)]
pub enum BorrowerCmd {
    /// Borrow against an NFT through an offer of the offer book (approves the NFT to the vault).
    Borrow {
        /// Offer id.
        offer: String,
        /// Token id of the NFT put up as collateral.
        token: String,
    },
    /// Repay a loan (approves exactly the debt due a few minutes from now); with `--amount`,
    /// repay part of it: the interest so far first, the rest lowers the principal.
    Repay {
        /// Loan id.
        loan: String,
        /// Pay only this much, in whole tokens (above the interest, below the debt).
        #[arg(long)]
        amount: Option<String>,
    },
    /// Move a loan to another offer in one transaction: the old lender is paid off and only
    /// the difference moves (received, or paid — approved exactly — when the new principal is
    /// below the debt).
    Rollover {
        /// Loan id.
        loan: String,
        /// The new offer's id.
        offer: String,
    },
    /// Show a loan's current debt.
    Debt {
        /// Loan id.
        loan: String,
    },
    /// List an account's loans as borrower.
    Loans {
        /// Account (default: the signer).
        #[arg(long)]
        account: Option<String>,
    },
    /// Show a loan's health: debt, liquidation limit, oracle status, due time.
    Health {
        /// Loan id.
        loan: String,
    },
}

/// Parses a loan id and checks that the loan book has issued it.
pub async fn known_loan(
    book: &ILoanBook::ILoanBookInstance<&DynProvider>,
    text: &str,
) -> CliResult<U256> {
    let id = parse_u256(text, "loan id")?;
    let counts = book.counts().call().await.map_err(call_err("counts"))?;
    if id.is_zero() || id > counts.loans {
        return Err(CliError::UnknownLoan(id, counts.loans));
    }
    Ok(id)
}

/// The amount a repayment at `at` will pull: for an active loan the LoanBook's debt,
/// `lien_math::loan_debt_up` (`principal + ⌈principal × bps-seconds / (10000 × 365 d)⌉`, at
/// the APR until the due time and at the APR + `DEFAULT_PREMIUM_BPS` after it); for a loan in
/// auction `frozen + ⌈frozen × penalty / 10000⌉`.
#[allow(clippy::too_many_arguments)]
pub fn repay_amount(
    status: u8,
    principal: U256,
    apr_bps: u16,
    start: u64,
    due: u64,
    frozen: U256,
    penalty_bps: u16,
    at: u64,
) -> Option<U256> {
    let ceil_div = |n: U256, d: U256| -> Option<U256> {
        let (q, r) = n.div_rem(d);
        if r.is_zero() {
            Some(q)
        } else {
            q.checked_add(U256::from(1u8))
        }
    };
    match status {
        crate::decide::STATUS_ACTIVE => {
            let debt = lien_math::loan_debt_up(
                lien_math::U256::from_be_bytes(principal.to_be_bytes::<32>()),
                u32::from(apr_bps),
                lien_math::DEFAULT_PREMIUM_BPS,
                start,
                due,
                at,
            )
            .ok()?;
            Some(U256::from_be_bytes(debt.to_be_bytes::<32>()))
        }
        crate::decide::STATUS_IN_AUCTION => {
            let penalty = ceil_div(
                frozen.checked_mul(U256::from(penalty_bps))?,
                U256::from(10_000u64),
            )?;
            frozen.checked_add(penalty)
        }
        _ => None,
    }
}

/// Human name of a loan status.
pub fn status_name(status: u8) -> &'static str {
    match status {
        1 => "active",
        2 => "in auction",
        3 => "repaid",
        4 => "liquidated",
        5 => "foreclosed",
        _ => "none",
    }
}

/// Human name of an oracle status.
pub fn oracle_status_name(status: u8) -> &'static str {
    match status {
        0 => "ok",
        1 => "uncertain",
        2 => "stale",
        3 => "no quorum",
        4 => "sequencer down",
        _ => "oracle call failed",
    }
}

/// Runs a borrower command.
pub async fn run(ctx: &Ctx, cmd: BorrowerCmd) -> CliResult<()> {
    let d = ctx.deployment()?;
    let book = ILoanBook::new(d.contracts.loan_book, &ctx.provider);
    let lens = ILoanLens::new(d.contracts.loan_lens, &ctx.provider);
    match cmd {
        BorrowerCmd::Borrow { offer, token } => {
            let offers = IOfferBook::new(d.contracts.offer_book, &ctx.provider);
            let offer_id = crate::lender::known_offer(&offers, &offer).await?;
            let token = parse_u256(&token, "token id")?;
            let o = offers
                .offer(offer_id)
                .call()
                .await
                .map_err(call_err("offer"))?;
            let nft = IERC721::new(o.collection, &ctx.provider);
            let owner = nft
                .ownerOf(token)
                .call()
                .await
                .map_err(call_err("ownerOf"))?;
            if owner != ctx.me {
                return Err(CliError::Missing(format!(
                    "NFT #{token} of {} belongs to {owner}, not to {}",
                    o.collection, ctx.me
                )));
            }
            // The OfferBook's checks run first inside `borrow`: when it refuses the offer (paused,
            // closed, expired, wrong token …) say so before spending an approval on the NFT.
            if let Err(e) = book.borrow(offer_id, token).call().await {
                if e.as_decoded_interface_error::<IOfferBook::IOfferBookErrors>()
                    .is_some()
                {
                    return Err(call_err("borrow")(e));
                }
            }
            tx!(
                format!("approve NFT #{token} to the vault"),
                nft.approve(d.contracts.vault, token)
            );
            let call = book.borrow(offer_id, token);
            let loan = call.call().await.map_err(call_err("borrow"))?;
            tx!(format!("borrow against NFT #{token}"), call);
            println!(
                "loan {loan}: received {}",
                format_amount(o.principal, ctx.decimals(o.currency).await)
            );
        }
        BorrowerCmd::Repay {
            loan,
            amount: Some(amount),
        } => {
            let id = known_loan(&book, &loan).await?;
            let l = lens.loan(id).call().await.map_err(call_err("loan"))?;
            let amount = parse_amount(&amount, ctx.decimals(l.currency).await)?;
            crate::lender::ensure_allowance(ctx, l.currency, d.contracts.loan_book, amount).await?;
            // The desk's functions are called at the LoanBook's address.
            let desk = ILoanDesk::new(d.contracts.loan_book, &ctx.provider);
            let call = desk.repayPart(id, amount);
            let left = call.call().await.map_err(call_err("repayPart"))?;
            tx!(format!("repay part of loan {id}"), call);
            println!(
                "paid {}; principal left {}",
                format_amount(amount, ctx.decimals(l.currency).await),
                format_amount(left, ctx.decimals(l.currency).await)
            );
        }
        BorrowerCmd::Rollover { loan, offer } => {
            let id = known_loan(&book, &loan).await?;
            let offer_id = parse_u256(&offer, "offer id")?;
            let l = lens.loan(id).call().await.map_err(call_err("loan"))?;
            let o = IOfferBook::new(d.contracts.offer_book, &ctx.provider)
                .offer(offer_id)
                .call()
                .await
                .map_err(call_err("offer"))?;
            let at = ctx.now().await?.saturating_add(REPAY_MARGIN_SECS);
            let debt = repay_amount(
                l.status,
                l.principal,
                l.apr_bps,
                l.start,
                l.due,
                l.frozen_debt,
                0,
                at,
            )
            .ok_or_else(|| {
                CliError::Missing(format!(
                    "loan {id} is {} and cannot be rolled over",
                    status_name(l.status)
                ))
            })?;
            if debt > o.principal {
                let shortfall = debt - o.principal;
                crate::lender::ensure_allowance(ctx, l.currency, d.contracts.loan_book, shortfall)
                    .await?;
            }
            let desk = ILoanDesk::new(d.contracts.loan_book, &ctx.provider);
            let call = desk.rollover(id, offer_id);
            let principal = call.call().await.map_err(call_err("rollover"))?;
            tx!(format!("roll loan {id} over to offer {offer_id}"), call);
            println!(
                "loan {id} now owes {} to {} from offer {offer_id}",
                format_amount(principal, ctx.decimals(l.currency).await),
                o.lender
            );
        }
        BorrowerCmd::Repay { loan, amount: None } => {
            let id = known_loan(&book, &loan).await?;
            let l = lens.loan(id).call().await.map_err(call_err("loan"))?;
            let terms = lens
                .loanTerms(id)
                .call()
                .await
                .map_err(call_err("loanTerms"))?;
            let at = ctx.now().await?.saturating_add(REPAY_MARGIN_SECS);
            let amount = repay_amount(
                l.status,
                l.principal,
                l.apr_bps,
                l.start,
                l.due,
                l.frozen_debt,
                terms.liq_penalty_bps,
                at,
            )
            .ok_or_else(|| {
                CliError::Missing(format!(
                    "loan {id} is {} and cannot be repaid",
                    status_name(l.status)
                ))
            })?;
            crate::lender::ensure_allowance(ctx, l.currency, d.contracts.loan_book, amount).await?;
            let call = book.repay(id);
            let paid = call.call().await.map_err(call_err("repay"))?;
            tx!(format!("repay loan {id}"), call);
            println!(
                "paid {}; NFT #{} returned to {}",
                format_amount(paid, ctx.decimals(l.currency).await),
                l.token_id,
                l.borrower
            );
        }
        BorrowerCmd::Debt { loan } => {
            let id = known_loan(&book, &loan).await?;
            let l = lens.loan(id).call().await.map_err(call_err("loan"))?;
            let debt = lens.debt(id).call().await.map_err(call_err("debt"))?;
            println!("{}", format_amount(debt, ctx.decimals(l.currency).await));
        }
        BorrowerCmd::Loans { account } => {
            let account = match account {
                Some(a) => parse_address(&a)?,
                None => ctx.me,
            };
            // The LoanBook keeps no per-account index (it cost ~110k gas per borrow): walk
            // the ids (1..=loans) and keep the account's.
            let count = book
                .counts()
                .call()
                .await
                .map_err(call_err("counts"))?
                .loans;
            let mut ids = Vec::new();
            let mut id = U256::from(1u8);
            while id <= count {
                if lens
                    .loan(id)
                    .call()
                    .await
                    .map_err(call_err("loan"))?
                    .borrower
                    == account
                {
                    ids.push(id);
                }
                id += U256::from(1u8);
            }
            println!(
                "{:>6} {:<12} {:>16} {:>8} {:>14}",
                "loan", "status", "principal", "token", "due in"
            );
            let now = ctx.now().await?;
            for id in ids {
                let l = lens.loan(id).call().await.map_err(call_err("loan"))?;
                let due = if l.due > now {
                    format_duration(l.due - now)
                } else {
                    "past due".into()
                };
                let dec = ctx.decimals(l.currency).await;
                println!(
                    "{id:>6} {:<12} {:>16} {:>8} {due:>14}",
                    status_name(l.status),
                    format_amount(l.principal, dec),
                    l.token_id.to_string()
                );
            }
        }
        BorrowerCmd::Health { loan } => {
            let id = known_loan(&book, &loan).await?;
            let l = lens.loan(id).call().await.map_err(call_err("loan"))?;
            let terms = lens
                .loanTerms(id)
                .call()
                .await
                .map_err(call_err("loanTerms"))?;
            let dec = ctx.decimals(l.currency).await;
            println!("loan {id}: {}", status_name(l.status));
            if l.status == crate::decide::STATUS_ACTIVE {
                let h = lens.health(id).call().await.map_err(call_err("health"))?;
                let pct = crate::decide::utilisation_bps(h.debt, h.max_debt)
                    .map(|b| format!("{}.{:02}%", b / U256::from(100u8), b % U256::from(100u8)))
                    .unwrap_or_else(|| "n/a".into());
                println!("  healthy      {}", h.healthy);
                println!("  debt         {}", format_amount(h.debt, dec));
                println!(
                    "  limit        {} ({pct} used)",
                    format_amount(h.max_debt, dec)
                );
                println!("  oracle       {}", oracle_status_name(h.oracle_status));
            }
            if l.status == crate::decide::STATUS_ACTIVE {
                let now = ctx.now().await?;
                let deadline = l.due.saturating_add(terms.grace_period);
                println!(
                    "  due          {}",
                    if l.due > now {
                        format!("in {}", format_duration(l.due - now))
                    } else {
                        "now".into()
                    }
                );
                println!(
                    "  liquidatable {}",
                    if deadline >= now {
                        format!("when overdue, in {}", format_duration(deadline - now))
                    } else {
                        "overdue now".into()
                    }
                );
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repay_amount_follows_the_interest_formula() {
        let p = U256::from(30_000_000_000_000_000_000u128);
        // 20% APR for 365 days doubles a fifth.
        let a = repay_amount(1, p, 2_000, 0, 400 * 86_400, U256::ZERO, 0, 365 * 86_400).unwrap();
        assert_eq!(a, U256::from(36_000_000_000_000_000_000u128));
        // after the due time, default interest: 20% + 10% a year
        let b = repay_amount(1, p, 2_000, 0, 365 * 86_400, U256::ZERO, 0, 730 * 86_400).unwrap();
        assert_eq!(b, U256::from(45_000_000_000_000_000_000u128));
        // rounds up
        assert_eq!(
            repay_amount(1, U256::from(1u8), 1, 0, 10, U256::ZERO, 0, 1),
            Some(U256::from(2u8))
        );
        // nothing elapsed
        assert_eq!(
            repay_amount(1, p, 2_000, 100, 200, U256::ZERO, 0, 50),
            Some(p)
        );
    }

    #[test]
    fn repay_amount_in_auction_adds_the_penalty() {
        let frozen = U256::from(1_000u64);
        assert_eq!(
            repay_amount(2, U256::ZERO, 0, 0, 0, frozen, 800, 0),
            Some(U256::from(1_080u64))
        );
        assert_eq!(
            repay_amount(2, U256::ZERO, 0, 0, 0, U256::from(1u8), 1, 0),
            Some(U256::from(2u8))
        );
    }

    #[test]
    fn closed_loans_have_no_repay_amount() {
        for s in [0, 3, 4, 5] {
            assert_eq!(
                repay_amount(s, U256::from(1u8), 1, 0, 1, U256::ZERO, 0, 1),
                None
            );
        }
        assert_eq!(
            repay_amount(1, U256::MAX, 2, 0, 10, U256::ZERO, 0, 10),
            None
        );
    }
}
