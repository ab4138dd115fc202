//! `lien mock …`: minting the mock currency and NFTs of a `--with-mocks` deployment.

use alloy::primitives::Address;
use clap::Subcommand;
use lien_client::bindings::{IERC20, IERC721};

use crate::ctx::{CliResult, Ctx};
use crate::input::{parse_address, parse_amount, parse_u256};
use crate::tx;

/// Mock helpers.
#[derive(Debug, Subcommand)]
pub enum MockCmd {
    /// Mint mock currency (whole tokens) to an account (default: the signer).
    MintToken {
        /// Amount, e.g. 1000 or 12.5.
        amount: String,
        /// Recipient.
        #[arg(long)]
        to: Option<String>,
    },
    /// Mint a mock NFT to an account (default: the signer).
    MintNft {
        /// Token id.
        token: String,
        /// Recipient.
        #[arg(long)]
        to: Option<String>,
    },
}

fn recipient(ctx: &Ctx, to: Option<&str>) -> CliResult<Address> {
    Ok(match to {
        Some(t) => parse_address(t)?,
        None => ctx.me,
    })
}

/// Runs a mock command.
pub async fn run(ctx: &Ctx, cmd: MockCmd) -> CliResult<()> {
    let mocks = ctx.deployment()?.mocks()?;
    match cmd {
        MockCmd::MintToken { amount, to } => {
            let to = recipient(ctx, to.as_deref())?;
            let amount_units = parse_amount(&amount, ctx.decimals(mocks.currency).await)?;
            let token = IERC20::new(mocks.currency, &ctx.provider);
            tx!(
                format!("mint {amount} to {to}"),
                token.mint(to, amount_units)
            );
        }
        MockCmd::MintNft { token, to } => {
            let to = recipient(ctx, to.as_deref())?;
            let id = parse_u256(&token, "token id")?;
            let nft = IERC721::new(mocks.collection, &ctx.provider);
            tx!(format!("mint NFT #{id} to {to}"), nft.mint(to, id));
        }
    }
    Ok(())
}
