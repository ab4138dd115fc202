//! Deployment of the whole protocol: the six contracts, their wiring, and the hand-over of
//! every setter to Governance, with the gas of each step.

use std::path::Path;

use alloy::{
    primitives::{Address, U256},
    providers::Provider,
    sol_types::{sol_data, SolType, SolValue},
};
use serde::{Deserialize, Serialize};

use crate::bindings::{
    ICollateralVault, IGovernance, ILiquidator, ILoanBook, ILoanDesk, IOfferBook, IOwnable,
};
use crate::deploy::{constructor_calldata, DeployError};
use crate::fragments::{self, DeployedProgram, Oversize};

/// The packages `deploy_protocol` deploys, in its order (the code every deployment needs).
pub const PROTOCOL_PACKAGES: [&str; 8] = [
    "lien-oracle",
    "lien-vault",
    "lien-liquidator",
    "lien-offer-book",
    "lien-loan-book",
    "lien-loan-desk",
    "lien-loan-lens",
    "lien-governance",
];

/// Addresses of a deployment, as written to `deployments/<network>.json`.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Addresses {
    /// Governance multisig (owner of every other contract once handed over).
    pub governance: Address,
    /// PriceOracle aggregator.
    pub oracle: Address,
    /// CollateralVault (NFT custody).
    pub vault: Address,
    /// OfferBook (listings, risk parameters, lenders' offers and their escrow, the pause).
    pub offer_book: Address,
    /// LoanBook (loans, repayment, liquidation, settlement claims).
    pub loan_book: Address,
    /// LoanDesk: the LoanBook's second code (refinance, rollover, partial repayment,
    /// foreclosure, loan transfer), run by the LoanBook's fallback; call it at `loan_book`.
    pub loan_desk: Address,
    /// LoanLens (the named loan views: loan, loanTerms, debt, health).
    pub loan_lens: Address,
    /// Dutch-auction Liquidator.
    pub liquidator: Address,
}

impl Addresses {
    /// The programs users' transactions enter, named: what a deployment caches through the
    /// CacheManager (the LoanLens only serves views, read off-chain).
    pub fn transacted_programs(&self) -> [(&'static str, Address); 7] {
        [
            ("governance", self.governance),
            ("oracle", self.oracle),
            ("vault", self.vault),
            ("offer book", self.offer_book),
            ("loan book", self.loan_book),
            ("loan desk", self.loan_desk),
            ("liquidator", self.liquidator),
        ]
    }
}

/// Governance's constructor arguments.
#[derive(Clone, Debug)]
pub struct GovernanceSetup {
    /// The multisig owners.
    pub owners: Vec<Address>,
    /// Approvals needed to execute.
    pub threshold: u8,
    /// Timelock delay in seconds (≥ 1 h).
    pub delay: u64,
    /// The guardian that may pause new borrowing.
    pub guardian: Address,
}

/// OfferBook's constructor arguments (DESIGN §10 defaults in [`RiskSetup::default`]).
#[derive(Clone, Copy, Debug)]
pub struct RiskSetup {
    /// Largest move of any bps parameter in one change.
    pub max_step_bps: u16,
    /// Shortest time between two changes of a collection's parameters.
    pub min_change_interval: u64,
    /// Protocol fee on interest.
    pub fee_bps: u16,
    /// Keeper tip on liquidation proceeds.
    pub tip_bps: u16,
    /// Max-LTV cut while the oracle is Uncertain.
    pub uncertain_haircut_bps: u16,
    /// The least APR cut (bps) a lender refinance must give the borrower when it does not
    /// lengthen the term (set on the LoanBook through its desk; at most 1,000).
    pub refinance_min_cut_bps: u16,
}

impl Default for RiskSetup {
    fn default() -> Self {
        Self {
            max_step_bps: 1_000,
            min_change_interval: 86_400,
            fee_bps: 1_000,
            tip_bps: 50,
            uncertain_haircut_bps: 5_000,
            refinance_min_cut_bps: 25,
        }
    }
}

/// Gas used by one deployment step.
#[derive(Clone, Debug)]
pub struct Step {
    /// What was done.
    pub what: String,
    /// Gas used by its transaction.
    pub gas: u64,
}

/// What can go wrong while deploying the protocol.
#[derive(Debug, thiserror::Error)]
pub enum ProtocolError {
    /// A contract deployment failed.
    #[error(transparent)]
    Deploy(#[from] DeployError),
    /// A wiring or hand-over transaction failed.
    #[error("{0}: {1}")]
    Tx(String, String),
    /// No packaged code for a contract.
    #[error("no packaged code for {0}")]
    MissingArtifact(String),
    /// Writing the deployment file failed.
    #[error("writing {0}: {1}")]
    Io(String, std::io::Error),
}

/// Sends a contract call and waits for a successful receipt; returns its gas.
#[macro_export]
macro_rules! send {
    ($what:expr, $call:expr) => {{
        let what: String = $what.into();
        // Estimated at `pending`, the block the transaction lands in (a clock moved by
        // `evm_increaseTime` without a block since applies there, not at `latest`).
        let call = $call.block(::alloy::eips::BlockId::pending());
        // The node's estimate is the exact minimum for the block it simulated; the real block
        // can differ (a later timestamp rolls a TWAP, a warm slot goes cold), so add a quarter.
        let estimate = call
            .estimate_gas()
            .await
            .map_err(|e| $crate::protocol::ProtocolError::Tx(what.clone(), e.to_string()))?;
        let pending = call
            .gas(estimate.saturating_add(estimate / 4))
            .send()
            .await
            .map_err(|e| $crate::protocol::ProtocolError::Tx(what.clone(), e.to_string()))?;
        let receipt = pending
            .get_receipt()
            .await
            .map_err(|e| $crate::protocol::ProtocolError::Tx(what.clone(), e.to_string()))?;
        if !receipt.status() {
            return Err($crate::protocol::ProtocolError::Tx(what, "reverted".into()).into());
        }
        $crate::protocol::Step {
            what,
            gas: receipt.gas_used,
        }
    }};
}

/// Deploys the six contracts with `provider`'s wallet (`deployer`) as the initial owner,
/// and wires them (vault operators, liquidator's loan book and vault, loan book's siblings,
/// the offer book's loan book). `code` returns the packaged code of a contract package.
/// Every program goes to one account: [`deploy_protocol_with`] with [`Oversize::AsIs`].
pub async fn deploy_protocol<'a>(
    provider: &impl Provider,
    deployer: Address,
    code: impl Fn(&str) -> Option<&'a [u8]>,
    governance: &GovernanceSetup,
    risk: RiskSetup,
) -> Result<(Addresses, Vec<Step>), ProtocolError> {
    deploy_protocol_with(provider, deployer, code, governance, risk, Oversize::AsIs).await
}

/// As [`deploy_protocol`], with `oversize` deciding what happens to a program over one
/// account: with [`Oversize::Fragments`] it is deployed as ArbOS 60 fragments plus a root
/// (`lien deploy --fragments`). Every program is planned first ([`fragments::preflight`]:
/// fragment limits, the chain's ArbOS version), so a refusal sends nothing. A split program
/// adds a step with its fragments' gas before its root's.
pub async fn deploy_protocol_with<'a>(
    provider: &impl Provider,
    deployer: Address,
    code: impl Fn(&str) -> Option<&'a [u8]>,
    governance: &GovernanceSetup,
    risk: RiskSetup,
    oversize: Oversize,
) -> Result<(Addresses, Vec<Step>), ProtocolError> {
    let mut steps = Vec::new();
    let get =
        |name: &str| code(name).ok_or_else(|| ProtocolError::MissingArtifact(name.to_owned()));
    let programs = PROTOCOL_PACKAGES
        .iter()
        .map(|name| Ok((*name, get(name)?)))
        .collect::<Result<Vec<_>, ProtocolError>>()?;
    let plans = fragments::preflight(provider, &programs, oversize).await?;
    let owner_only = constructor_calldata(&(deployer,).abi_encode_params());

    let mut deploy = async |name: &str,
                            args: Option<alloy::primitives::Bytes>|
           -> Result<Address, ProtocolError> {
        let i = programs
            .iter()
            .position(|(n, _)| *n == name)
            .ok_or_else(|| ProtocolError::MissingArtifact(name.to_owned()))?;
        let d = fragments::deploy_planned(provider, name, programs[i].1, &plans[i], args).await?;
        steps.extend(program_steps(name, &d));
        Ok(d.program.address)
    };
    let oracle = deploy("lien-oracle", Some(owner_only.clone())).await?;
    let vault = deploy("lien-vault", Some(owner_only.clone())).await?;
    let liquidator = deploy("lien-liquidator", Some(owner_only.clone())).await?;
    let offer_args = (
        deployer,
        risk.max_step_bps,
        risk.min_change_interval,
        risk.fee_bps,
        risk.tip_bps,
        risk.uncertain_haircut_bps,
    );
    let offer_book = deploy(
        "lien-offer-book",
        Some(constructor_calldata(&offer_args.abi_encode_params())),
    )
    .await?;
    let loan_book = deploy("lien-loan-book", Some(owner_only.clone())).await?;
    // No constructor: the desk only ever runs on the LoanBook's storage.
    let loan_desk = deploy("lien-loan-desk", None).await?;
    let loan_lens = deploy(
        "lien-loan-lens",
        Some(constructor_calldata(&(loan_book,).abi_encode_params())),
    )
    .await?;
    type GovCtor = (
        sol_data::Array<sol_data::Address>,
        sol_data::Uint<8>,
        sol_data::Uint<64>,
        sol_data::Address,
    );
    let gov_args = GovCtor::abi_encode_params(&(
        governance.owners.clone(),
        governance.threshold,
        governance.delay,
        governance.guardian,
    ));
    let governance = deploy("lien-governance", Some(constructor_calldata(&gov_args))).await?;

    let vault_c = ICollateralVault::new(vault, provider);
    steps.push(send!(
        "vault.setOperators",
        vault_c.setOperators(loan_book, liquidator)
    ));
    let liq_c = ILiquidator::new(liquidator, provider);
    steps.push(send!(
        "liquidator.setLoanBook",
        liq_c.setLoanBook(loan_book)
    ));
    steps.push(send!("liquidator.setVault", liq_c.setVault(vault)));
    let book_c = ILoanBook::new(loan_book, provider);
    steps.push(send!(
        "loanBook.setSiblings",
        book_c.setSiblings(offer_book, vault, oracle, liquidator, loan_desk)
    ));
    // The desk's functions are called at the LoanBook's address.
    let desk_c = ILoanDesk::new(loan_book, provider);
    steps.push(send!(
        "loanBook.setRefinanceMinCut",
        desk_c.setRefinanceMinCut(risk.refinance_min_cut_bps)
    ));
    let offers_c = IOfferBook::new(offer_book, provider);
    steps.push(send!(
        "offerBook.setLoanBook",
        offers_c.setLoanBook(loan_book)
    ));
    Ok((
        Addresses {
            governance,
            oracle,
            vault,
            offer_book,
            loan_book,
            loan_desk,
            loan_lens,
            liquidator,
        },
        steps,
    ))
}

/// The steps of one deployed program: `deploy + activate <name>`, preceded for a
/// multi-fragment program by `deploy <name>: N fragments` and its root's step named so.
pub fn program_steps(name: &str, d: &DeployedProgram) -> Vec<Step> {
    if d.fragments.is_empty() {
        return vec![Step {
            what: format!("deploy + activate {name}"),
            gas: d.program.gas_used,
        }];
    }
    vec![
        Step {
            what: format!("deploy {name}: {} fragments", d.fragments.len()),
            gas: d.fragments_gas,
        },
        Step {
            what: format!("deploy + activate {name} (root)"),
            gas: d.program.gas_used,
        },
    ]
}

/// Hands the oracle, vault, offer book, loan book and liquidator to Governance, in the two
/// steps of their `Ownable2Step` ownership: the deployer's `transferOwnership(governance)`
/// makes Governance the pending owner, then `Governance.acceptOwnershipOf(contract)` (callable
/// by anyone, it can only accept) completes it. After this no key but Governance's proposals
/// (and the guardian's pause of the offer book) can change the protocol; until the acceptance
/// the deployer keeps control, so a wrong Governance address never strands a contract.
pub async fn hand_over_to_governance(
    provider: &impl Provider,
    a: &Addresses,
) -> Result<Vec<Step>, ProtocolError> {
    let mut steps = Vec::new();
    let contracts = [
        ("oracle", a.oracle),
        ("vault", a.vault),
        ("offerBook", a.offer_book),
        ("loanBook", a.loan_book),
        ("liquidator", a.liquidator),
    ];
    let gov = IGovernance::new(a.governance, provider);
    for (name, address) in contracts {
        let c = IOwnable::new(address, provider);
        steps.push(send!(
            format!("{name}.transferOwnership(governance)"),
            c.transferOwnership(a.governance)
        ));
        steps.push(send!(
            format!("governance.acceptOwnershipOf({name})"),
            gov.acceptOwnershipOf(address)
        ));
    }
    Ok(steps)
}

/// Writes `deployments/<network>.json` under `root`.
pub fn write_deployment(
    root: &Path,
    network: &str,
    chain_id: u64,
    a: &Addresses,
) -> Result<(), ProtocolError> {
    let dir = root.join("deployments");
    let path = dir.join(format!("{network}.json"));
    let io = |e| ProtocolError::Io(path.display().to_string(), e);
    std::fs::create_dir_all(&dir).map_err(io)?;
    let body = serde_json::json!({ "network": network, "chainId": chain_id, "contracts": a });
    std::fs::write(
        &path,
        serde_json::to_string_pretty(&body).unwrap_or_default() + "\n",
    )
    .map_err(io)
}

/// `amount × 10^decimals`.
pub fn units(amount: u64, decimals: u8) -> U256 {
    U256::from(amount) * U256::from(10u64).pow(U256::from(decimals))
}

/// A collection's oracle parameters (see docs/contracts/oracle.md for bounds).
#[derive(Clone, Copy, Debug)]
pub struct OracleParams {
    /// Quorum of fresh sources.
    pub min_sources: u8,
    /// Largest age of a fresh value, seconds.
    pub max_age: u64,
    /// Jump breaker threshold.
    pub max_jump_bps: u16,
    /// Delay before a held-back jump can be confirmed, seconds.
    pub confirm_delay: u64,
    /// Dispersion above which the status is Uncertain.
    pub max_spread_bps: u16,
    /// TWAP window, seconds.
    pub twap_window: u64,
    /// Decimals of the quote currency.
    pub decimals: u8,
}

/// The single word `setParams` takes: bits 0–63 maxAge, 64–127 confirmDelay, 128–191
/// twapWindow, 192–199 minSources, 200–207 decimals, 208–223 maxJumpBps, 224–239 maxSpreadBps.
pub fn oracle_params_word(p: &OracleParams) -> U256 {
    let top = u64::from(p.min_sources)
        | u64::from(p.decimals) << 8
        | u64::from(p.max_jump_bps) << 16
        | u64::from(p.max_spread_bps) << 32;
    U256::from_limbs([p.max_age, p.confirm_delay, p.twap_window, top])
}
