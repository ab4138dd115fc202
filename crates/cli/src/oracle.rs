//! `lien oracle …`: posting prices (one, or a CSV batch through `postPrices`) and reading them.

use std::path::PathBuf;

use alloy::primitives::U256;
use clap::Subcommand;
use lien_client::bindings::IPriceOracle;

use crate::borrower::oracle_status_name;
use crate::ctx::{call_err, CliError, CliResult, Ctx};
use crate::input::{format_amount, parse_amount, parse_price_csv, parse_u256};
use crate::lender::collection_or_mock;
use crate::tx;

/// Oracle commands.
#[derive(Debug, Subcommand)]
pub enum OracleCmd {
    /// Post a floor price as a reporter: `post <collection> <price>` or `post --csv prices.csv`.
    Post {
        /// Collection address (or `mock` for the deployment's mock collection).
        collection: Option<String>,
        /// Price in whole quote tokens (e.g. 101.5).
        price: Option<String>,
        /// A CSV file of `collection,price` lines, posted in one `postPrices` transaction.
        #[arg(long, conflicts_with_all = ["collection", "price"])]
        csv: Option<PathBuf>,
        /// Decimals of the prices.
        #[arg(long, default_value = "18")]
        decimals: u8,
    },
    /// Show a collection's borrow and liquidation prices.
    Price {
        /// Collection address (or `mock`).
        collection: String,
        /// Token id (for per-token multipliers).
        token: Option<String>,
        /// Decimals of the prices.
        #[arg(long, default_value = "18")]
        decimals: u8,
    },
}

fn collection_arg(ctx: &Ctx, c: &str) -> CliResult<alloy::primitives::Address> {
    collection_or_mock(
        ctx,
        if c.eq_ignore_ascii_case("mock") {
            None
        } else {
            Some(c)
        },
    )
}

/// Runs an oracle command.
pub async fn run(ctx: &Ctx, cmd: OracleCmd) -> CliResult<()> {
    let d = ctx.deployment()?;
    let oracle = IPriceOracle::new(d.contracts.oracle, &ctx.provider);
    match cmd {
        OracleCmd::Post {
            csv: Some(path),
            decimals,
            ..
        } => {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| CliError::Missing(format!("cannot read {}: {e}", path.display())))?;
            let rows = parse_price_csv(&path.display().to_string(), &text, decimals)?;
            let (collections, prices): (Vec<_>, Vec<_>) = rows.into_iter().unzip();
            let n = collections.len();
            tx!(
                format!("postPrices ({n} prices)"),
                oracle.postPrices(collections, prices)
            );
        }
        OracleCmd::Post {
            collection: Some(c),
            price: Some(p),
            decimals,
            ..
        } => {
            let collection = collection_arg(ctx, &c)?;
            let price = parse_amount(&p, decimals)?;
            if price.is_zero() {
                return Err(CliError::Missing("the price must be positive".into()));
            }
            tx!(
                format!("postPrice {collection} {}", format_amount(price, decimals)),
                oracle.postPrice(collection, price)
            );
        }
        OracleCmd::Post { .. } => {
            return Err(CliError::Missing(
                "give <collection> <price>, or --csv <file>".into(),
            ));
        }
        OracleCmd::Price {
            collection,
            token,
            decimals,
        } => {
            let collection = collection_arg(ctx, &collection)?;
            let token = match token {
                Some(t) => parse_u256(&t, "token id")?,
                None => U256::ZERO,
            };
            let b = oracle
                .borrowPrice(collection, token)
                .call()
                .await
                .map_err(call_err("borrowPrice"))?;
            let l = oracle
                .liquidationPrice(collection, token)
                .call()
                .await
                .map_err(call_err("liquidationPrice"))?;
            println!(
                "borrow price      {} ({})",
                format_amount(b.price, decimals),
                oracle_status_name(b.status)
            );
            println!(
                "liquidation price {} ({})",
                format_amount(l.price, decimals),
                oracle_status_name(l.status)
            );
        }
    }
    Ok(())
}
