//! `lien gov …`: Governance proposals (propose, approve, revoke, execute, cancel, show) and
//! the guardian's pause of the offer book.

use alloy::primitives::{Address, Bytes, U256};
use clap::Subcommand;
use lien_client::bindings::{IGovernance, IOfferBook};

use crate::calldata::{encode_call, parse_hex, CalldataError};
use crate::ctx::{call_err, CliError, CliResult, Ctx, Deployment};
use crate::input::{format_duration, parse_address, parse_amount, parse_u256};
use crate::tx;

/// Governance commands.
#[derive(Debug, Subcommand)]
pub enum GovCmd {
    /// Propose a call: `propose offer-book 'setCollectionEnabled(address,bool)' 0x… false`,
    /// or `propose <target> --calldata 0x…`. Listings, risk parameters and the pause live on
    /// the offer book; reserve withdrawals on the loan book.
    Propose {
        /// Target: an address, or governance|oracle|vault|offer-book|loan-book|liquidator.
        target: String,
        /// Function signature, e.g. `setCollectionEnabled(address,bool)`.
        signature: Option<String>,
        /// Arguments of the function, in order.
        args: Vec<String>,
        /// Raw calldata instead of a signature.
        #[arg(long, conflicts_with = "signature")]
        calldata: Option<String>,
        /// Ether sent with the call.
        #[arg(long, default_value = "0")]
        value: String,
    },
    /// Approve a proposal.
    Approve {
        /// Proposal id.
        id: String,
    },
    /// Withdraw an approval.
    Revoke {
        /// Proposal id.
        id: String,
    },
    /// Execute a ready proposal.
    Execute {
        /// Proposal id.
        id: String,
    },
    /// Cancel a proposal (its proposer).
    Cancel {
        /// Proposal id.
        id: String,
    },
    /// Pause new offers and borrowing at once, as the guardian (no proposal, no timelock;
    /// only a Governance proposal of `unpause()` resumes them).
    GuardianPause {
        /// Target to pause (default: the offer book).
        #[arg(default_value = "offer-book")]
        target: String,
    },
    /// Show Governance (no id) or one proposal.
    Show {
        /// Proposal id.
        id: Option<String>,
    },
}

impl From<CalldataError> for CliError {
    fn from(e: CalldataError) -> Self {
        CliError::Missing(e.to_string())
    }
}

/// Resolves a target name from the deployment, or parses an address.
pub fn resolve_target(d: &Deployment, target: &str) -> CliResult<Address> {
    let c = &d.contracts;
    Ok(match target.to_ascii_lowercase().as_str() {
        "governance" | "gov" => c.governance,
        "oracle" => c.oracle,
        "vault" => c.vault,
        "offer-book" | "offerbook" | "offers" => c.offer_book,
        "loan-book" | "loanbook" | "book" => c.loan_book,
        "liquidator" => c.liquidator,
        _ => parse_address(target)?,
    })
}

/// Name of a proposal state.
pub fn state_name(state: u8) -> &'static str {
    match state {
        0 => "pending (below threshold)",
        1 => "queued (timelocked)",
        2 => "ready",
        3 => "expired",
        4 => "executed",
        5 => "cancelled",
        _ => "unknown",
    }
}

async fn known(
    gov: &IGovernance::IGovernanceInstance<&alloy::providers::DynProvider>,
    text: &str,
) -> CliResult<U256> {
    let id = parse_u256(text, "proposal id")?;
    let count = gov
        .proposalCount()
        .call()
        .await
        .map_err(call_err("proposalCount"))?;
    if id.is_zero() || id > count {
        return Err(CliError::UnknownProposal(id, count));
    }
    Ok(id)
}

async fn get_proposal(
    gov: &IGovernance::IGovernanceInstance<&alloy::providers::DynProvider>,
    id: U256,
) -> CliResult<(IGovernance::getProposalReturn, alloy::primitives::Bytes)> {
    let p = gov
        .getProposal(id)
        .call()
        .await
        .map_err(call_err("getProposal"))?;
    let data = gov
        .proposalData(id)
        .call()
        .await
        .map_err(call_err("proposalData"))?;
    Ok((p, data))
}

/// Runs a Governance command.
pub async fn run(ctx: &Ctx, cmd: GovCmd) -> CliResult<()> {
    let d = ctx.deployment()?;
    let gov = IGovernance::new(d.contracts.governance, &ctx.provider);
    match cmd {
        GovCmd::Propose {
            target,
            signature,
            args,
            calldata,
            value,
        } => {
            let target = resolve_target(&d, &target)?;
            let data: Bytes = match (signature, calldata) {
                (Some(sig), None) => encode_call(&sig, &args)?,
                (None, Some(hex)) => parse_hex(&hex)?,
                _ => {
                    return Err(CliError::Missing(
                        "give a function signature with its arguments, or --calldata 0x…".into(),
                    ))
                }
            };
            let value = parse_amount(&value, 18)?;
            let call = gov.propose(target, value, data.clone());
            let id = call.call().await.map_err(call_err("propose"))?;
            tx!(format!("propose {id}"), call);
            println!("proposal {id}: call {target} with {data}");
        }
        GovCmd::Approve { id } => {
            let id = known(&gov, &id).await?;
            tx!(format!("approve proposal {id}"), gov.approve(id));
        }
        GovCmd::Revoke { id } => {
            let id = known(&gov, &id).await?;
            tx!(format!("revoke approval of proposal {id}"), gov.revoke(id));
        }
        GovCmd::Execute { id } => {
            let id = known(&gov, &id).await?;
            tx!(format!("execute proposal {id}"), gov.execute(id));
        }
        GovCmd::Cancel { id } => {
            let id = known(&gov, &id).await?;
            tx!(format!("cancel proposal {id}"), gov.cancel(id));
        }
        GovCmd::GuardianPause { target } => {
            let target = resolve_target(&d, &target)?;
            let guardian = gov.guardian().call().await.map_err(call_err("guardian"))?;
            if guardian != ctx.me {
                return Err(CliError::Missing(format!(
                    "only the guardian {guardian} can pause, not {}",
                    ctx.me
                )));
            }
            tx!(format!("guardianPause {target}"), gov.guardianPause(target));
            println!("{target} paused; a Governance proposal of unpause() resumes it");
        }
        GovCmd::Show { id: None } => {
            let owners = gov.owners().call().await.map_err(call_err("owners"))?;
            let threshold = gov
                .threshold()
                .call()
                .await
                .map_err(call_err("threshold"))?;
            let delay = gov.delay().call().await.map_err(call_err("delay"))?;
            let guardian = gov.guardian().call().await.map_err(call_err("guardian"))?;
            let count = gov
                .proposalCount()
                .call()
                .await
                .map_err(call_err("proposalCount"))?;
            println!("governance {}", d.contracts.governance);
            println!(
                "  {threshold} of {} owners: {}",
                owners.len(),
                owners
                    .iter()
                    .map(Address::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            println!(
                "  timelock {}, guardian {guardian}, {count} proposals",
                format_duration(delay)
            );
            if !d.contracts.offer_book.is_zero() {
                if let Ok(paused) = IOfferBook::new(d.contracts.offer_book, &ctx.provider)
                    .paused()
                    .call()
                    .await
                {
                    println!(
                        "  offer book {}: {}",
                        d.contracts.offer_book,
                        if paused {
                            "paused"
                        } else {
                            "open for offers and borrowing"
                        }
                    );
                }
            }
        }
        GovCmd::Show { id: Some(id) } => {
            let id = known(&gov, &id).await?;
            let (p, data) = get_proposal(&gov, id).await?;
            let now = ctx.now().await?;
            println!("proposal {id}: {}", state_name(p.state));
            println!("  proposer   {}", p.proposer);
            println!("  target     {} (value {})", p.target, p.value);
            println!("  calldata   {data}");
            println!("  approvals  {}", p.approvals);
            if p.executable_at > now {
                println!("  executable in {}", format_duration(p.executable_at - now));
            }
            let mine = gov
                .hasApproved(id, ctx.me)
                .call()
                .await
                .map_err(call_err("hasApproved"))?;
            println!("  approved by {}: {mine}", ctx.me);
        }
    }
    Ok(())
}
