//! `lien gov …`: Governance proposals (propose, approve, revoke, execute, cancel, show).

use alloy::{
    primitives::{Address, Bytes, U256},
    providers::Provider,
    sol_types::SolCall,
};
use clap::Subcommand;
use lien_client::bindings::IGovernance;

use crate::calldata::{encode_call, parse_hex, CalldataError};
use crate::ctx::{call_err, CliError, CliResult, Ctx, Deployment};
use crate::input::{format_duration, parse_address, parse_amount, parse_u256};
use crate::tx;

/// Governance commands.
#[derive(Debug, Subcommand)]
pub enum GovCmd {
    /// Propose a call: `propose loan-book 'setCollectionEnabled(address,bool)' 0x… false`,
    /// or `propose <target> --calldata 0x…`.
    Propose {
        /// Target: an address, or governance|oracle|vault|loan-book|liquidator.
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

async fn known(gov: &IGovernance::IGovernanceInstance<&alloy::providers::DynProvider>, text: &str) -> CliResult<U256> {
    let id = parse_u256(text, "proposal id")?;
    let count = gov.proposalCount().call().await.map_err(call_err("proposalCount"))?;
    if id.is_zero() || id > count {
        return Err(CliError::UnknownProposal(id, count));
    }
    Ok(id)
}

/// Decodes `getProposal`'s return data. Stylus SDK 0.9 encodes a returned tuple that holds a
/// dynamic member (`bytes data`) as one dynamic value, behind a leading `0x20` offset word, where
/// Solidity callers expect the bare parameter list: both layouts are accepted.
pub fn decode_proposal(raw: &[u8]) -> Option<IGovernance::getProposalReturn> {
    let offset_word = {
        let mut w = [0u8; 32];
        w[31] = 0x20;
        w
    };
    if raw.len() > 32 && raw[..32] == offset_word {
        if let Ok(p) = IGovernance::getProposalCall::abi_decode_returns(&raw[32..]) {
            return Some(p);
        }
    }
    IGovernance::getProposalCall::abi_decode_returns(raw).ok()
}

async fn get_proposal(
    ctx: &Ctx,
    gov: &IGovernance::IGovernanceInstance<&alloy::providers::DynProvider>,
    id: U256,
) -> CliResult<IGovernance::getProposalReturn> {
    let tx = alloy::rpc::types::TransactionRequest::default().to(*gov.address()).input(gov.getProposal(id).calldata().clone().into());
    let raw = ctx.provider.call(tx).await.map_err(|e| CliError::Rpc("getProposal".into(), e.to_string()))?;
    decode_proposal(&raw).ok_or_else(|| CliError::Rpc("getProposal".into(), format!("undecodable reply {raw}")))
}

/// Runs a Governance command.
pub async fn run(ctx: &Ctx, cmd: GovCmd) -> CliResult<()> {
    let d = ctx.deployment()?;
    let gov = IGovernance::new(d.contracts.governance, &ctx.provider);
    match cmd {
        GovCmd::Propose { target, signature, args, calldata, value } => {
            let target = resolve_target(&d, &target)?;
            let data: Bytes = match (signature, calldata) {
                (Some(sig), None) => encode_call(&sig, &args)?,
                (None, Some(hex)) => parse_hex(&hex)?,
                _ => return Err(CliError::Missing("give a function signature with its arguments, or --calldata 0x…".into())),
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
        GovCmd::Show { id: None } => {
            let owners = gov.owners().call().await.map_err(call_err("owners"))?;
            let threshold = gov.threshold().call().await.map_err(call_err("threshold"))?;
            let delay = gov.delay().call().await.map_err(call_err("delay"))?;
            let guardian = gov.guardian().call().await.map_err(call_err("guardian"))?;
            let count = gov.proposalCount().call().await.map_err(call_err("proposalCount"))?;
            println!("governance {}", d.contracts.governance);
            println!("  {threshold} of {} owners: {}", owners.len(), owners.iter().map(Address::to_string).collect::<Vec<_>>().join(", "));
            println!("  timelock {}, guardian {guardian}, {count} proposals", format_duration(delay));
        }
        GovCmd::Show { id: Some(id) } => {
            let id = known(&gov, &id).await?;
            let p = get_proposal(ctx, &gov, id).await?;
            let now = ctx.now().await?;
            println!("proposal {id}: {}", state_name(p._7));
            println!("  proposer   {}", p._0);
            println!("  target     {} (value {})", p._1, p._2);
            println!("  calldata   {}", p._3);
            println!("  approvals  {}", p._6);
            if p._5 > now {
                println!("  executable in {}", format_duration(p._5 - now));
            }
            let mine = gov.hasApproved(id, ctx.me).call().await.map_err(call_err("hasApproved"))?;
            println!("  approved by {}: {mine}", ctx.me);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> (Address, Address, U256, Bytes, u64, u64, u8, u8) {
        let a: Address = "0x3f1Eae7D46d88F08fc2F8ed27FCb2AB183EB2d0E".parse().unwrap();
        (a, Address::repeat_byte(7), U256::from(5u8), Bytes::from(vec![1, 2, 3]), 10, 3_610, 2, 1)
    }

    #[test]
    fn proposals_decode_in_both_layouts() {
        let v = sample();
        use alloy::sol_types::{sol_data as d, SolType};
        type Reply = (d::Address, d::Address, d::Uint<256>, d::Bytes, d::Uint<64>, d::Uint<64>, d::Uint<8>, d::Uint<8>);
        for raw in [Reply::abi_encode_params(&v), Reply::abi_encode(&v)] {
            let p = decode_proposal(&raw).expect("decodes");
            assert_eq!((p._0, p._1, p._2, p._3.clone(), p._4, p._5, p._6, p._7), v.clone());
        }
        assert!(decode_proposal(&[0u8; 7]).is_none());
    }
}
