//! `lien lender …`: offers and cancellations (on the OfferBook), withdrawals and loan
//! transfers (on the LoanBook).

use alloy::primitives::{Address, U256};
use clap::Subcommand;
use lien_client::bindings::{ILoanBook, ILoanDesk, ILoanLens, IOfferBook, IERC20};

use crate::ctx::{call_err, CliError, CliResult, Ctx};
use crate::input::{
    format_amount, format_duration, parse_address, parse_amount, parse_duration, parse_u256,
};
use crate::tx;

/// Lender commands.
#[derive(Debug, Subcommand)]
pub enum LenderCmd {
    /// Create a funded offer on the offer book (approves exactly principal × capacity to it).
    Offer {
        /// Collection accepted as collateral (default: the deployment's mock collection).
        #[arg(long)]
        collection: Option<String>,
        /// Only this token id (any token of the collection when omitted).
        #[arg(long)]
        token: Option<String>,
        /// Principal per loan, in whole tokens (e.g. 12.5).
        #[arg(long)]
        principal: String,
        /// Yearly interest in basis points.
        #[arg(long, default_value = "1000")]
        apr_bps: u16,
        /// Loan duration (seconds or 30d, 12h …).
        #[arg(long, default_value = "30d")]
        duration: String,
        /// How long the offer stays open (from now).
        #[arg(long, default_value = "30d")]
        expires_in: String,
        /// Number of loans the offer can fund.
        #[arg(long, default_value = "1")]
        capacity: u64,
    },
    /// Cancel an open offer and get the unused escrow back.
    Cancel {
        /// Offer id.
        offer: String,
    },
    /// List an account's offers (default: the signer's; every offer with --all).
    Offers {
        /// Lender whose offers to list.
        #[arg(long, conflicts_with = "all")]
        account: Option<String>,
        /// Every offer of every lender.
        #[arg(long)]
        all: bool,
    },
    /// Withdraw everything claimable in a currency (default: the mock currency).
    Withdraw {
        /// Currency address.
        #[arg(long)]
        currency: Option<String>,
    },
    /// Show what an account can withdraw.
    Claimable {
        /// Currency address (default: the mock currency).
        #[arg(long)]
        currency: Option<String>,
        /// Account (default: the signer).
        #[arg(long)]
        account: Option<String>,
    },
    /// Take over an active, healthy loan with one of your open offers, without the borrower:
    /// the old lender is paid the debt, which becomes the principal; the offer must give a
    /// lower APR (by the governed minimum) or a later due time at no higher APR.
    Refinance {
        /// Loan id.
        loan: String,
        /// Your offer's id.
        offer: String,
    },
    /// Transfer the lender's position in a loan.
    Transfer {
        /// Loan id.
        loan: String,
        /// New lender.
        to: String,
    },
}

/// The currency from `--currency`, else the deployment's mock currency.
pub fn currency_or_mock(ctx: &Ctx, currency: Option<&str>) -> CliResult<Address> {
    match currency {
        Some(c) => Ok(parse_address(c)?),
        None => Ok(ctx.deployment()?.mocks()?.currency),
    }
}

/// The collection from `--collection`, else the deployment's mock collection.
pub fn collection_or_mock(ctx: &Ctx, collection: Option<&str>) -> CliResult<Address> {
    match collection {
        Some(c) => Ok(parse_address(c)?),
        None => Ok(ctx.deployment()?.mocks()?.collection),
    }
}

/// Approves exactly `amount` of `token` to `spender` unless the allowance already covers it.
pub async fn ensure_allowance(
    ctx: &Ctx,
    token: Address,
    spender: Address,
    amount: U256,
) -> CliResult<()> {
    let erc20 = IERC20::new(token, &ctx.provider);
    let allowance = erc20
        .allowance(ctx.me, spender)
        .call()
        .await
        .map_err(call_err("allowance"))?;
    if allowance >= amount {
        return Ok(());
    }
    let balance = erc20
        .balanceOf(ctx.me)
        .call()
        .await
        .map_err(call_err("balanceOf"))?;
    if balance < amount {
        let d = ctx.decimals(token).await;
        return Err(CliError::Missing(format!(
            "balance {} of {token} is below the {} needed",
            format_amount(balance, d),
            format_amount(amount, d)
        )));
    }
    tx!(
        format!(
            "approve {} to {spender}",
            format_amount(amount, ctx.decimals(token).await)
        ),
        erc20.approve(spender, amount)
    );
    Ok(())
}

/// Parses an offer id and checks that the offer book has issued it.
pub async fn known_offer(
    offers: &IOfferBook::IOfferBookInstance<&alloy::providers::DynProvider>,
    text: &str,
) -> CliResult<U256> {
    let id = parse_u256(text, "offer id")?;
    let count = offers
        .offerCount()
        .call()
        .await
        .map_err(call_err("offerCount"))?;
    if id.is_zero() || id > count {
        return Err(CliError::UnknownOffer(id, count));
    }
    Ok(id)
}

/// Runs a lender command.
pub async fn run(ctx: &Ctx, cmd: LenderCmd) -> CliResult<()> {
    let d = ctx.deployment()?;
    let book = ILoanBook::new(d.contracts.loan_book, &ctx.provider);
    let offers = IOfferBook::new(d.contracts.offer_book, &ctx.provider);
    match cmd {
        LenderCmd::Offer {
            collection,
            token,
            principal,
            apr_bps,
            duration,
            expires_in,
            capacity,
        } => {
            let collection = collection_or_mock(ctx, collection.as_deref())?;
            let params = offers
                .params(collection)
                .call()
                .await
                .map_err(call_err("params"))?;
            if !params.listed {
                return Err(CliError::Missing(format!(
                    "collection {collection} is not listed on the offer book"
                )));
            }
            if !params.enabled {
                return Err(CliError::Missing(format!(
                    "collection {collection} is disabled on the offer book"
                )));
            }
            let currency = params.currency;
            let decimals = ctx.decimals(currency).await;
            let principal = parse_amount(&principal, decimals)?;
            let (token_id, any) = match token {
                Some(t) => (parse_u256(&t, "token id")?, false),
                None => (U256::ZERO, true),
            };
            let duration = parse_duration(&duration)?;
            let expiry = ctx
                .now()
                .await?
                .checked_add(parse_duration(&expires_in)?)
                .ok_or(CliError::Overflow("expiry"))?;
            let escrow = principal
                .checked_mul(U256::from(capacity))
                .ok_or(CliError::Overflow("escrow"))?;
            ensure_allowance(ctx, currency, d.contracts.offer_book, escrow).await?;
            let call = offers.createOffer(
                currency, collection, token_id, any, principal, apr_bps, duration, expiry, capacity,
            );
            let id = call.call().await.map_err(call_err("createOffer"))?;
            tx!(format!("createOffer {id}"), call);
            println!(
                "offer {id}: {} per loan × {capacity}, {apr_bps} bps APR, {duration} s",
                format_amount(principal, decimals)
            );
        }
        LenderCmd::Cancel { offer } => {
            let id = known_offer(&offers, &offer).await?;
            let o = offers.offer(id).call().await.map_err(call_err("offer"))?;
            let call = offers.cancelOffer(id);
            let refund = call.call().await.map_err(call_err("cancelOffer"))?;
            tx!(format!("cancelOffer {id}"), call);
            println!(
                "refunded {}",
                format_amount(refund, ctx.decimals(o.currency).await)
            );
        }
        LenderCmd::Offers { account, all } => {
            let account = match account {
                Some(a) => Some(parse_address(&a)?),
                None if all => None,
                None => Some(ctx.me),
            };
            let count = offers
                .offerCount()
                .call()
                .await
                .map_err(call_err("offerCount"))?;
            let now = ctx.now().await?;
            println!(
                "{:>6} {:<8} {:>16} {:>8} {:>10} {:>9} {:>14}  lender",
                "offer", "state", "principal", "token", "apr (bps)", "used", "expires in"
            );
            let mut id = U256::from(1u8);
            while id <= count {
                let o = offers.offer(id).call().await.map_err(call_err("offer"))?;
                if account.is_none_or(|a| a == o.lender) {
                    let state = if !o.open {
                        "closed"
                    } else if o.expiry <= now {
                        "expired"
                    } else {
                        "open"
                    };
                    let expires = if o.expiry > now {
                        format_duration(o.expiry - now)
                    } else {
                        "passed".into()
                    };
                    let token = if o.any_token {
                        "any".to_owned()
                    } else {
                        o.token_id.to_string()
                    };
                    let used = format!("{}/{}", o.used, o.capacity);
                    let principal = format_amount(o.principal, ctx.decimals(o.currency).await);
                    println!("{id:>6} {state:<8} {principal:>16} {token:>8} {:>10} {used:>9} {expires:>14}  {}", o.apr_bps, o.lender);
                }
                id = id
                    .checked_add(U256::from(1u8))
                    .ok_or(CliError::Overflow("offer id"))?;
            }
        }
        LenderCmd::Withdraw { currency } => {
            let currency = currency_or_mock(ctx, currency.as_deref())?;
            let call = book.withdraw(currency);
            let amount = call.call().await.map_err(call_err("withdraw"))?;
            tx!("withdraw", call);
            println!(
                "withdrew {}",
                format_amount(amount, ctx.decimals(currency).await)
            );
        }
        LenderCmd::Claimable { currency, account } => {
            let currency = currency_or_mock(ctx, currency.as_deref())?;
            let account = match account {
                Some(a) => parse_address(&a)?,
                None => ctx.me,
            };
            let amount = book
                .claimable(account, currency)
                .call()
                .await
                .map_err(call_err("claimable"))?;
            println!("{}", format_amount(amount, ctx.decimals(currency).await));
        }
        LenderCmd::Refinance { loan, offer } => {
            let id = crate::borrower::known_loan(&book, &loan).await?;
            let offer_id = crate::input::parse_u256(&offer, "offer id")?;
            let desk = ILoanDesk::new(*book.address(), book.provider());
            let call = desk.refinance(id, offer_id);
            let paid = call.call().await.map_err(call_err("refinance"))?;
            tx!(format!("refinance loan {id} with offer {offer_id}"), call);
            let lens = ILoanLens::new(d.contracts.loan_lens, &ctx.provider);
            let l = lens.loan(id).call().await.map_err(call_err("loan"))?;
            let decimals = ctx.decimals(l.currency).await;
            println!(
                "loan {id} is yours: the old lender was paid {} (now the principal), at {} bps APR, due {}",
                format_amount(paid, decimals),
                l.apr_bps,
                l.due
            );
        }
        LenderCmd::Transfer { loan, to } => {
            let id = crate::borrower::known_loan(&book, &loan).await?;
            let to = parse_address(&to)?;
            let desk = ILoanDesk::new(*book.address(), book.provider());
            tx!(
                format!("transferLoan {id} to {to}"),
                desk.transferLoan(id, to)
            );
        }
    }
    Ok(())
}
