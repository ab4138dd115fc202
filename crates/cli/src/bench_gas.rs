//! `lien bench gas`: the receipt gas of every user operation of the protocol, on the embedded
//! dev node, with the protocol's six programs cached through the CacheManager (as a production
//! deployment would) and uncached, each on a fresh node; the currency and the collection are
//! the Solidity contracts of `contracts/evm-bench` (a real deployment lends USDC/WETH against
//! Solidity ERC-721s). Prints a table against MetaStreet v2's ceilings and the "must"
//! and "aim" figures, writes the marked sections of docs/BENCHMARKS.md (`--write-docs`),
//! writes or checks the committed snapshot docs/gas-snapshot.json (`--update-snapshot`,
//! `--check-snapshot`), and measures flat scaling with 1, 100 and 10,000 loans and offers in
//! the book (`--scaling`).
//!
//! Determinism: every account has a fixed key and is funded at genesis, every amount is fixed,
//! and every block has a timestamp the benchmark chose. The dev node's clock follows the wall
//! clock (plus `evm_increaseTime`'s offset), so the benchmark starts the chain at a fixed
//! genesis time after today's date (every setup block gets exactly that time) and then sets
//! the timestamp of each of its blocks with `evm_setNextBlockTimestamp`, moving time only in
//! fixed steps.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use alloy::{
    eips::Encodable2718,
    network::{EthereumWallet, NetworkTransactionBuilder, TransactionBuilder},
    primitives::{keccak256, Address, Bytes, B256, U256},
    providers::{DynProvider, Provider, ProviderBuilder},
    rpc::types::TransactionRequest,
    signers::local::PrivateKeySigner,
    sol,
    sol_types::SolCall,
};
use lien_client::{
    bindings::{IGovernance, ILiquidator, ILoanBook, ILoanDesk, IOfferBook, IPriceOracle},
    gas_trace, program_cache,
    protocol::{self, units, Addresses, GovernanceSetup, OracleParams, RiskSetup},
};
use serde::{Deserialize, Serialize};
use stylus_devnode::{DevNode, NodeConfig, DEV_PRIVATE_KEY};

use crate::ctx::{CliError, CliResult};

sol! {
    /// contracts/evm-bench/BenchToken.sol (the part the benchmark calls).
    #[sol(rpc)]
    interface IBenchToken {
        function mint(address to, uint256 amount) external;
        function approve(address spender, uint256 value) external returns (bool);
        function balanceOf(address owner) external view returns (uint256);
    }
    /// contracts/evm-bench/BenchNft.sol (the part the benchmark calls).
    #[sol(rpc)]
    interface IBenchNft {
        function mintRange(address to, uint256 firstId, uint256 count) external;
        function approve(address to, uint256 tokenId) external;
        function setApprovalForAll(address operator, bool approved) external;
        function ownerOf(uint256 tokenId) external view returns (address);
    }
}

/// Creation bytecode of the benchmark currency (hex), compiled from BenchToken.sol.
const BENCH_TOKEN_BIN: &str = include_str!("../../../contracts/evm-bench/BenchToken.bin");
/// Creation bytecode of the benchmark collection (hex), compiled from BenchNft.sol.
const BENCH_NFT_BIN: &str = include_str!("../../../contracts/evm-bench/BenchNft.bin");

/// Genesis time of the benchmark's chains (2033-05-18): later than today, so every block of
/// the setup gets exactly this time, whatever the wall clock says.
const GENESIS: u64 = 2_000_000_000;
/// The snapshot file, relative to the repository root.
pub const SNAPSHOT: &str = "docs/gas-snapshot.json";
/// The documentation file whose marked sections `--write-docs` rewrites.
const DOCS: &str = "docs/BENCHMARKS.md";
/// Markers of the operations section in [`DOCS`].
const OPS_MARKERS: (&str, &str) = ("<!-- gas-bench:start -->", "<!-- gas-bench:end -->");
/// Markers of the scaling section in [`DOCS`].
const SCALING_MARKERS: (&str, &str) = ("<!-- gas-scaling:start -->", "<!-- gas-scaling:end -->");
/// Largest relative difference from the snapshot the check accepts, in percent.
pub const TOLERANCE_PCT: f64 = 2.0;
/// The one command that rewrites the snapshot.
pub const UPDATE_COMMAND: &str = "cargo run -p lien-cli -- bench gas --update-snapshot";
/// The loan and offer counts of the CI-sized scaling check.
const CI_SCALING: [usize; 2] = [1, 20];
/// Spread of the scaling figures the issue allows, in percent.
const FLAT_PCT: f64 = 1.0;
/// NFTs minted per `mintRange` transaction while filling the book.
const MINT_BATCH: usize = 500;
/// Offers and loans between two progress lines while filling the book.
const PROGRESS_EVERY: usize = 500;
/// Transactions sent per JSON-RPC batch while filling the book.
const FILL_BATCH: usize = 100;
/// Gas limit of each fill transaction (a borrow uses well under 1 M).
const FILL_GAS: u64 = 3_000_000;

/// Options of `lien bench gas`.
#[derive(Clone, Debug, clap::Args)]
pub struct GasBenchOpts {
    /// Also measure flat scaling: for each of --scaling-sizes, a fresh node whose book is
    /// filled with N loans and N offers, then the lending cycle measured on top of it
    /// (createOffer, borrow, repay, withdraw, both liquidations, bid, foreclose).
    #[arg(long)]
    pub scaling: bool,
    /// Book sizes of --scaling (loans and offers each).
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "1,100,10000",
        requires = "scaling"
    )]
    pub scaling_sizes: Vec<usize>,
    /// Rewrite the marked sections of docs/BENCHMARKS.md with the figures measured (the
    /// scaling section only with --scaling).
    #[arg(long)]
    pub write_docs: bool,
    /// Write docs/gas-snapshot.json from this run (the figures the snapshot test checks).
    #[arg(long)]
    pub update_snapshot: bool,
    /// Compare with docs/gas-snapshot.json and fail when a figure differs by more than 2 %,
    /// and check the CI-sized scaling (1 and 20 loans) is flat (what the snapshot test runs).
    #[arg(long, conflicts_with = "update_snapshot")]
    pub check_snapshot: bool,
}

/// A measured operation: its key (snapshot and table), what exactly is measured, and the
/// issue's figures: MetaStreet v2's test ceiling, "must" and "aim".
pub struct Op {
    /// Key in the snapshot and the first column of the table.
    pub key: &'static str,
    /// What is measured.
    pub what: &'static str,
    /// MetaStreet v2's gas-test ceiling.
    pub ceiling: Option<u64>,
    /// The hard limit.
    pub must: Option<u64>,
    /// The goal.
    pub aim: Option<u64>,
}

const fn op(
    key: &'static str,
    what: &'static str,
    ceiling: Option<u64>,
    must: Option<u64>,
    aim: Option<u64>,
) -> Op {
    Op {
        key,
        what,
        ceiling,
        must,
        aim,
    }
}

/// Every measured operation, in table order.
pub const OPS: [Op; 20] = [
    op(
        "borrow",
        "LoanBook.borrow: OfferBook.take pays 30 to the borrower, oracle read, NFT locked in the vault (per-token approval)",
        Some(357_000),
        Some(357_000),
        Some(178_000),
    ),
    op(
        "repay",
        "LoanBook.repay after 10 days: principal + interest pulled, fee to the reserve, NFT released",
        Some(338_000),
        Some(338_000),
        Some(169_000),
    ),
    op(
        "liquidate (unhealthy)",
        "LoanBook.liquidate of a loan under its threshold after a price crash: the Dutch auction starts",
        Some(295_000),
        Some(295_000),
        Some(147_000),
    ),
    op(
        "liquidate (overdue)",
        "LoanBook.liquidate of a loan past due + grace: the Dutch auction starts",
        Some(295_000),
        Some(295_000),
        Some(147_000),
    ),
    op(
        "bid (+ settlement)",
        "Liquidator.bid 25 min into the auction: payment, NFT to the bidder, LoanBook waterfall",
        Some(135_000),
        Some(270_000),
        Some(135_000),
    ),
    op(
        "foreclose",
        "LoanBook.foreclose of an auction unsold after its 24 h tail: NFT to the lender",
        None,
        Some(150_000),
        Some(80_000),
    ),
    op(
        "createOffer",
        "OfferBook.createOffer: 30 per loan × capacity 10 escrowed (the lender's second offer)",
        Some(248_000),
        Some(248_000),
        Some(120_000),
    ),
    op(
        "withdraw",
        "LoanBook.withdraw: the lender pulls principal + interest after a repayment",
        Some(67_000),
        Some(67_000),
        Some(35_000),
    ),
    op(
        "repayPart",
        "LoanBook → LoanDesk.repayPart of 10 after 5 days: interest settled, principal lowered (delegatecall)",
        None,
        None,
        None,
    ),
    op(
        "refinance",
        "LoanBook → LoanDesk.refinance by a second lender's 10 % offer: OfferBook.take pays the LoanBook, old lender and excess credited (MetaStreet's ceiling 478k; issue 16 aims at half)",
        Some(478_000),
        Some(478_000),
        Some(240_000),
    ),
    op(
        "rollover",
        "LoanBook → LoanDesk.rollover by the borrower to the lender's offer: take, LTV check, old lender credited, the difference moved",
        None,
        None,
        None,
    ),
    op(
        "postPrice (3 sources)",
        "Oracle.postPrice, the costliest post of a round (3 reporters, 30 min after the last round, TWAP rolled)",
        None,
        None,
        None,
    ),
    op(
        "postPrice (10 sources)",
        "the same with 10 reporters on the collection",
        None,
        None,
        None,
    ),
    op(
        "borrowPrice (3 sources)",
        "Oracle.borrowPrice view, eth_estimateGas (21,000 base and calldata included)",
        None,
        None,
        None,
    ),
    op(
        "borrowPrice (10 sources)",
        "the same with 10 reporters",
        None,
        None,
        None,
    ),
    op(
        "liquidationFloor (3 sources)",
        "Oracle.liquidationFloor view, eth_estimateGas",
        None,
        None,
        None,
    ),
    op(
        "liquidationFloor (10 sources)",
        "the same with 10 reporters",
        None,
        None,
        None,
    ),
    op(
        "governance propose",
        "Governance.propose of OfferBook.setCollectionParams (raise the max LTV), 2-of-3 owners",
        None,
        None,
        None,
    ),
    op(
        "governance approve",
        "Governance.approve by the second owner (threshold reached, timelock starts)",
        None,
        None,
        None,
    ),
    op(
        "governance execute",
        "Governance.execute after the 1 h timelock (calls the OfferBook)",
        None,
        None,
        None,
    ),
];

/// The operations compared across book sizes by `--scaling` (issue 15 names borrow, repay
/// and liquidate; the rest of the lending cycle is measured anyway).
const SCALING_OPS: [&str; 8] = [
    "createOffer",
    "borrow",
    "repay",
    "withdraw",
    "liquidate (unhealthy)",
    "liquidate (overdue)",
    "bid (+ settlement)",
    "foreclose",
];

fn rpc(what: &str) -> impl Fn(String) -> CliError + '_ {
    move |e| CliError::Rpc(what.into(), e)
}

/// One participant: a fixed key and a provider signing with it.
struct Actor {
    signer: PrivateKeySigner,
    p: DynProvider,
}

impl Actor {
    fn address(&self) -> Address {
        self.signer.address()
    }
}

/// The fixed key of a benchmark role: keccak256("lien bench gas/<role>").
fn role_key(role: &str) -> CliResult<PrivateKeySigner> {
    PrivateKeySigner::from_bytes(&keccak256(format!("lien bench gas/{role}")))
        .map_err(|e| CliError::Key(format!("benchmark key of {role}: {e}")))
}

/// The roles, in funding order.
const ROLES: [&str; 8] = [
    "owner 1", "owner 2", "owner 3", "guardian", "lender", "borrower", "keeper", "bidder",
];
/// Reporters of the collection with 10 sources (the first 3 also report the lending
/// collection).
const REPORTERS: usize = 10;

/// A chain with the protocol deployed, listed and handed to Governance, and the benchmark's
/// clock.
struct World {
    node: DevNode,
    /// The time the benchmark's next block gets.
    t: Cell<u64>,
    /// Whether blocks are stamped yet (the setup runs at the genesis time).
    stamping: bool,
    deployer: Actor,
    owners: Vec<Actor>,
    lender: Actor,
    borrower: Actor,
    keeper: Actor,
    bidder: Actor,
    reporters: Vec<Actor>,
    a: Addresses,
    /// BenchToken, the listed currency.
    token: Address,
    /// BenchNft with 3 reporters, the listed collection.
    nft: Address,
    /// BenchNft with 10 reporters (oracle figures only).
    nft10: Address,
    /// Gas used by setup transactions (deploy, caching, listing, hand-over).
    setup_gas: u64,
}

/// The receipt gas and hash of a transaction the benchmark sent.
#[derive(Clone, Copy, Debug)]
struct Sent {
    gas: u64,
    hash: B256,
}

/// Sends a contract call on the benchmark's clock (its block gets `w.t`), with the node's
/// estimate + 25 % as the gas limit; evaluates to its [`Sent`]. Reverts become
/// [`CliError::Revert`] with the decoded error.
macro_rules! bench_tx {
    ($w:expr, $what:expr, $call:expr) => {{
        let what: String = $what.into();
        $w.stamp().await?;
        // Simulated in the block the transaction goes into (the benchmark's time), not the
        // latest one: the oracle's TWAP, interest and auction prices depend on the time.
        let call = $call.block(alloy::eips::BlockId::pending());
        let estimate = call
            .estimate_gas()
            .await
            .map_err($crate::ctx::call_err(&what))?;
        let pending = call
            .gas($crate::ctx::gas_with_headroom(estimate))
            .send()
            .await
            .map_err($crate::ctx::call_err(&what))?;
        let receipt = pending
            .get_receipt()
            .await
            .map_err(|e| CliError::Rpc(what.clone(), e.to_string()))?;
        if !receipt.status() {
            let why = why_failed(&$w.deployer.p, receipt.transaction_hash).await;
            return Err(CliError::Revert(
                what,
                format!(
                    "reverted on chain (tx {}, gas {} of {}): {why}",
                    receipt.transaction_hash,
                    receipt.gas_used,
                    $crate::ctx::gas_with_headroom(estimate)
                ),
            ));
        }
        Sent {
            gas: receipt.gas_used,
            hash: receipt.transaction_hash,
        }
    }};
}

/// The innermost failing frame of a reverted transaction's trace, for the error message.
async fn why_failed(p: &DynProvider, hash: B256) -> String {
    fn deepest(f: &gas_trace::CallFrame) -> Option<String> {
        f.calls.iter().rev().find_map(deepest).or_else(|| {
            f.error.as_ref().map(|e| {
                let to = f.to.map(|a| a.to_string()).unwrap_or_default();
                let reason = f.revert_reason.clone().or_else(|| {
                    f.output
                        .as_ref()
                        .map(|o| crate::revert::shorten_hex(&o.to_string()))
                });
                format!(
                    "{} {to}: {e}{}",
                    f.kind,
                    reason.map(|r| format!(" ({r})")).unwrap_or_default()
                )
            })
        })
    }
    match gas_trace::trace_transaction(p, hash).await {
        Ok(tree) => deepest(&tree).unwrap_or_else(|| "no failing frame in the trace".into()),
        Err(e) => format!("no trace ({e})"),
    }
}

/// A price of `n` whole tokens (18 decimals).
fn tok(n: u64) -> U256 {
    units(n, 18)
}

impl World {
    /// Sets the next block's timestamp to the benchmark's clock (once stamping started).
    async fn stamp(&self) -> CliResult<()> {
        if self.stamping {
            let _: serde_json::Value = self
                .deployer
                .p
                .raw_request("evm_setNextBlockTimestamp".into(), (self.t.get(),))
                .await
                .map_err(|e| rpc("evm_setNextBlockTimestamp")(e.to_string()))?;
        }
        Ok(())
    }

    /// Moves the benchmark's clock forward.
    fn advance(&self, seconds: u64) {
        self.t.set(self.t.get() + seconds);
    }

    /// Every reporter of `reporters` posts its price of `prices` for `collection`; returns
    /// the costliest post.
    async fn round(
        &self,
        collection: Address,
        reporters: usize,
        prices: &[u64],
    ) -> CliResult<Sent> {
        let mut worst: Option<Sent> = None;
        for (i, r) in self.reporters.iter().take(reporters).enumerate() {
            let price = tok(prices[i % prices.len()]);
            let o = IPriceOracle::new(self.a.oracle, &r.p);
            let sent = bench_tx!(
                self,
                format!("reporter {} posts", i + 1),
                o.postPrice(collection, price)
            );
            if worst.is_none_or(|w| sent.gas > w.gas) {
                worst = Some(sent);
            }
        }
        worst.ok_or_else(|| CliError::Missing("a price round without reporters".into()))
    }

    /// `eth_estimateGas` of a view call, on the benchmark's clock.
    async fn estimate_view(&self, what: &str, to: Address, data: Vec<u8>) -> CliResult<u64> {
        self.stamp().await?;
        let req = TransactionRequest::default()
            .with_from(self.deployer.address())
            .with_to(to)
            .with_input(data);
        self.deployer
            .p
            .estimate_gas(req)
            .block(alloy::eips::BlockId::pending())
            .await
            .map_err(|e| rpc(what)(e.to_string()))
    }
}

/// The prices of a calm round (3 or 10 reporters take them in turn).
const CALM: [u64; 10] = [100, 101, 99, 100, 102, 98, 100, 101, 99, 100];
/// The prices after the floor crashed.
const CRASH: [u64; 3] = [40, 41, 39];

/// The oracle parameters of both collections: quorum 3, 1 h maximum age and TWAP window, 20 %
/// jump breaker confirmed after 10 min, 15 % spread, 18 decimals (as the demo).
fn oracle_params() -> OracleParams {
    OracleParams {
        min_sources: 3,
        max_age: 3_600,
        max_jump_bps: 2_000,
        confirm_delay: 600,
        max_spread_bps: 1_500,
        twap_window: 3_600,
        decimals: 18,
    }
}

fn bin(name: &str, hex_text: &str) -> CliResult<Vec<u8>> {
    alloy::hex::decode(hex_text.trim()).map_err(|e| {
        CliError::Missing(format!(
            "contracts/evm-bench/{name}.bin is not hex ({e}); recompile it as contracts/evm-bench/README.md says"
        ))
    })
}

/// Deploys creation `code` with a plain CREATE transaction.
async fn create(w: &World, what: &str, code: Vec<u8>) -> CliResult<(Address, u64)> {
    w.stamp().await?;
    let tx = TransactionRequest::default().with_deploy_code(Bytes::from(code));
    let receipt = w
        .deployer
        .p
        .send_transaction(tx)
        .await
        .map_err(|e| rpc(what)(e.to_string()))?
        .get_receipt()
        .await
        .map_err(|e| rpc(what)(e.to_string()))?;
    match (receipt.status(), receipt.contract_address) {
        (true, Some(address)) => Ok((address, receipt.gas_used)),
        _ => Err(CliError::Revert(
            what.into(),
            format!("the CREATE failed (tx {})", receipt.transaction_hash),
        )),
    }
}

/// The packaged code of the protocol's programs (`protocol::PROTOCOL_PACKAGES`) (reused from target/stylus or $LIEN_STYLUS_DIR while
/// the sources are unchanged, else built).
fn artifacts() -> CliResult<Vec<lien_client::package::Artifact>> {
    let root = lien_client::package::workspace_root();
    let names: Vec<String> = protocol::PROTOCOL_PACKAGES
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    lien_client::package::package_some(&root, &lien_client::cache::stylus_dir(&root), &names)
        .map_err(|e| CliError::Client(anyhow::Error::from(e).context("packaging the protocol")))
}

/// Starts a fresh node and deploys everything: the Solidity currency and collections, the
/// protocol (cached through the CacheManager when `cached`), the listing and the oracle
/// sources, then the hand-over to Governance.
async fn setup(artifacts: &[lien_client::package::Artifact], cached: bool) -> CliResult<World> {
    let mut config = NodeConfig::ephemeral();
    config.genesis_timestamp = Some(GENESIS);
    let largest = artifacts.iter().map(|a| a.code.len()).max().unwrap_or(0);
    // Like the demo: a contract listed in contracts/size-exceptions.txt may be over the limit.
    config.max_code_size = config.max_code_size.max(largest);
    let mut keys = Vec::new();
    for role in ROLES {
        keys.push(role_key(role)?);
    }
    for i in 1..=REPORTERS {
        keys.push(role_key(&format!("reporter {i}"))?);
    }
    for k in &keys {
        config = config.with_funded(k.address(), units(1_000, 18));
    }
    let node = DevNode::start(config)
        .await
        .map_err(|e| rpc("starting the dev node")(e.to_string()))?;
    let url: alloy::transports::http::reqwest::Url = node
        .url()
        .parse()
        .map_err(|_| CliError::Url(node.url().into()))?;
    // The nonce is asked of the node for every transaction (not cached): the book is filled
    // with transactions signed here and sent in batches, past the provider.
    let actor = |signer: PrivateKeySigner| Actor {
        p: ProviderBuilder::new()
            .disable_recommended_fillers()
            .with_gas_estimation()
            .with_simple_nonce_management()
            .fetch_chain_id()
            .wallet(EthereumWallet::from(signer.clone()))
            .connect_http(url.clone())
            .erased(),
        signer,
    };
    let deployer = actor(
        DEV_PRIVATE_KEY
            .parse()
            .map_err(|_| CliError::Key("the dev key".into()))?,
    );
    let mut actors = keys.into_iter().map(actor);
    let mut next = || {
        actors
            .next()
            .ok_or_else(|| CliError::Missing("benchmark actors".into()))
    };
    let owners = vec![next()?, next()?, next()?];
    let guardian = next()?;
    let (lender, borrower, keeper, bidder) = (next()?, next()?, next()?, next()?);
    let reporters: Vec<Actor> = actors.collect();
    let mut w = World {
        node,
        t: Cell::new(GENESIS),
        stamping: false,
        deployer,
        owners,
        lender,
        borrower,
        keeper,
        bidder,
        reporters,
        a: Addresses {
            governance: Address::ZERO,
            oracle: Address::ZERO,
            vault: Address::ZERO,
            offer_book: Address::ZERO,
            loan_book: Address::ZERO,
            loan_desk: Address::ZERO,
            loan_lens: Address::ZERO,
            liquidator: Address::ZERO,
        },
        token: Address::ZERO,
        nft: Address::ZERO,
        nft10: Address::ZERO,
        setup_gas: 0,
    };
    let (token, g1) = create(&w, "deploy BenchToken", bin("BenchToken", BENCH_TOKEN_BIN)?).await?;
    let (nft, g2) = create(&w, "deploy BenchNft", bin("BenchNft", BENCH_NFT_BIN)?).await?;
    let (nft10, g3) = create(&w, "deploy BenchNft", bin("BenchNft", BENCH_NFT_BIN)?).await?;
    (w.token, w.nft, w.nft10) = (token, nft, nft10);
    w.setup_gas = g1 + g2 + g3;

    let get = |n: &str| {
        artifacts
            .iter()
            .find(|a| a.package == n)
            .map(|a| a.code.as_slice())
    };
    let gov = GovernanceSetup {
        owners: w.owners.iter().map(Actor::address).collect(),
        threshold: 2,
        delay: 3_600,
        guardian: guardian.address(),
    };
    let (a, steps) = protocol::deploy_protocol(
        &w.deployer.p,
        w.deployer.address(),
        get,
        &gov,
        RiskSetup::default(),
    )
    .await
    .map_err(|e| CliError::Client(anyhow::Error::from(e).context("deploying the protocol")))?;
    w.a = a;
    w.setup_gas += steps.iter().map(|s| s.gas).sum::<u64>();
    if cached {
        // The programs the user operations enter (the LoanLens only serves views off-chain).
        for (_, program) in a.transacted_programs() {
            let bid = program_cache::cache_program(&w.deployer.p, program)
                .await
                .map_err(|e| {
                    CliError::Client(
                        anyhow::Error::from(e)
                            .context(format!("caching {program} through the CacheManager")),
                    )
                })?;
            w.setup_gas += bid.gas_used.unwrap_or(0);
            if !program_cache::is_cached(&w.deployer.p, program)
                .await
                .map_err(|e| rpc("codehashIsCached")(e.to_string()))?
            {
                return Err(CliError::Missing(format!(
                    "program {program} is not cached after its CacheManager bid"
                )));
            }
        }
    }
    // The bootstrap listing by the deployer, before everything is handed to Governance.
    let oracle = IPriceOracle::new(a.oracle, &w.deployer.p);
    let word = protocol::oracle_params_word(&oracle_params());
    for (collection, n) in [(nft, 3), (nft10, REPORTERS)] {
        w.setup_gas += bench_tx!(w, "oracle.setParams", oracle.setParams(collection, word)).gas;
        for r in w.reporters.iter().take(n) {
            w.setup_gas += bench_tx!(
                w,
                "oracle.addReporter",
                oracle.addReporter(collection, r.address())
            )
            .gas;
        }
    }
    let offers = IOfferBook::new(a.offer_book, &w.deployer.p);
    w.setup_gas += bench_tx!(
        w,
        "offerBook.setCurrency",
        offers.setCurrency(token, tok(5))
    )
    .gas;
    w.setup_gas += bench_tx!(
        w,
        "offerBook.listCollection",
        offers.listCollection(
            nft,
            token,
            4_000,
            6_500,
            800,
            13_000,
            9_800,
            90 * 86_400,
            86_400,
            300,
            86_400
        )
    )
    .gas;
    let handed = protocol::hand_over_to_governance(&w.deployer.p, &a)
        .await
        .map_err(|e| CliError::Client(anyhow::Error::from(e).context("the hand-over")))?;
    w.setup_gas += handed.iter().map(|s| s.gas).sum::<u64>();
    // From here on every block gets the benchmark's time.
    let latest = w
        .deployer
        .p
        .get_block_by_number(Default::default())
        .await
        .map_err(|e| rpc("latest block")(e.to_string()))?
        .map(|b| b.header.timestamp)
        .unwrap_or(GENESIS);
    if latest != GENESIS {
        return Err(CliError::Missing(format!(
            "the setup blocks are at {latest}, not the fixed genesis time {GENESIS}: is the machine's clock past 2033? The figures would not be reproducible"
        )));
    }
    w.stamping = true;
    w.advance(60);
    Ok(w)
}

/// What one run measured: operation key → (gas, the transaction when there is one).
type Figures = BTreeMap<&'static str, (u64, Option<B256>)>;

fn record(f: &mut Figures, key: &'static str, sent: Sent) {
    f.insert(key, (sent.gas, Some(sent.hash)));
}

/// Prices over a full TWAP window, so the oracle is in steady state.
async fn warm_oracle(w: &World) -> CliResult<()> {
    w.round(w.nft, 3, &CALM).await?;
    w.round(w.nft10, REPORTERS, &CALM).await?;
    w.advance(3_700);
    w.round(w.nft, 3, &CALM).await?;
    w.round(w.nft10, REPORTERS, &CALM).await?;
    w.advance(1_800);
    Ok(())
}

/// The lender's and the borrower's balances and approvals (an allowance of the maximum,
/// which BenchToken never decreases).
async fn fund_users(w: &World) -> CliResult<()> {
    for (who, spender) in [
        (&w.lender, w.a.offer_book),
        (&w.borrower, w.a.loan_book),
        (&w.bidder, w.a.liquidator),
        (&w.bidder, w.a.offer_book),
    ] {
        let t = IBenchToken::new(w.token, &who.p);
        bench_tx!(w, "mint currency", t.mint(who.address(), tok(1_000_000)));
        bench_tx!(w, "approve currency", t.approve(spender, U256::MAX));
    }
    Ok(())
}

/// A new offer of the lender: 30 per loan, 20 % APR, 30 days, valid 90 days.
async fn create_offer(w: &World, capacity: u64) -> CliResult<(U256, Sent)> {
    let offers = IOfferBook::new(w.a.offer_book, &w.lender.p);
    let call = offers.createOffer(
        w.token,
        w.nft,
        U256::ZERO,
        true,
        tok(30),
        2_000,
        30 * 86_400,
        w.t.get() + 90 * 86_400,
        capacity,
    );
    w.stamp().await?;
    let id = call
        .call()
        .block(alloy::eips::BlockId::pending())
        .await
        .map_err(crate::ctx::call_err("createOffer"))?;
    let sent = bench_tx!(w, "createOffer", call);
    Ok((id, sent))
}

/// The borrower approves NFT `token_id` to the vault and borrows on `offer`.
async fn borrow(w: &World, offer: U256, token_id: u64) -> CliResult<(U256, Sent)> {
    let nft = IBenchNft::new(w.nft, &w.borrower.p);
    bench_tx!(
        w,
        "approve the vault",
        nft.approve(w.a.vault, U256::from(token_id))
    );
    borrow_approved(w, offer, token_id).await
}

/// A borrow of an NFT the vault may already take.
async fn borrow_approved(w: &World, offer: U256, token_id: u64) -> CliResult<(U256, Sent)> {
    let book = ILoanBook::new(w.a.loan_book, &w.borrower.p);
    let call = book.borrow(offer, U256::from(token_id));
    w.stamp().await?;
    let id = call
        .call()
        .block(alloy::eips::BlockId::pending())
        .await
        .map_err(crate::ctx::call_err("borrow"))?;
    let sent = bench_tx!(w, format!("borrow against NFT #{token_id}"), call);
    Ok((id, sent))
}

/// The keeper liquidates `loan`; returns the auction id.
async fn liquidate(w: &World, loan: U256) -> CliResult<(U256, Sent)> {
    let book = ILoanBook::new(w.a.loan_book, &w.keeper.p);
    let call = book.liquidate(loan);
    w.stamp().await?;
    let id = call
        .call()
        .block(alloy::eips::BlockId::pending())
        .await
        .map_err(crate::ctx::call_err("liquidate"))?;
    let sent = bench_tx!(w, format!("liquidate loan {loan}"), call);
    Ok((id, sent))
}

/// The keeper, the lender and the borrower withdraw whatever the LoanBook holds for them.
async fn settle_claims(w: &World) -> CliResult<()> {
    for who in [&w.keeper, &w.lender, &w.borrower] {
        let book = ILoanBook::new(w.a.loan_book, &who.p);
        let owed = book
            .claimable(who.address(), w.token)
            .call()
            .block(alloy::eips::BlockId::pending())
            .await
            .map_err(crate::ctx::call_err("claimable"))?;
        if !owed.is_zero() {
            bench_tx!(w, "withdraw a claim", book.withdraw(w.token));
        }
    }
    Ok(())
}

/// Three rounds 30 min apart at `prices` (a jump is held back, then confirmed, then the TWAP
/// follows).
async fn move_price(w: &World, prices: &[u64]) -> CliResult<()> {
    for _ in 0..3 {
        w.advance(1_800);
        w.round(w.nft, 3, prices).await?;
    }
    Ok(())
}

/// One lending cycle: an offer, a borrow repaid after 10 days and withdrawn, a borrow
/// liquidated after a crash and sold, a borrow liquidated overdue and foreclosed, a
/// Governance change. `cycle` numbers the cycle (its NFTs and the LTV it sets); the figures
/// go to `f`.
async fn cycle(w: &World, cycle: u64, f: &mut Figures) -> CliResult<()> {
    let first_nft = 1 + 3 * cycle;
    w.round(w.nft, 3, &CALM).await?;
    let (offer, sent) = create_offer(w, 10).await?;
    record(f, "createOffer", sent);
    let nft = IBenchNft::new(w.nft, &w.borrower.p);
    bench_tx!(
        w,
        "mint NFTs",
        nft.mintRange(w.borrower.address(), U256::from(first_nft), U256::from(3))
    );

    // borrow, repay, withdraw
    let (loan, sent) = borrow(w, offer, first_nft).await?;
    record(f, "borrow", sent);
    w.advance(10 * 86_400);
    let book_b = ILoanBook::new(w.a.loan_book, &w.borrower.p);
    record(f, "repay", bench_tx!(w, "repay", book_b.repay(loan)));
    let book_l = ILoanBook::new(w.a.loan_book, &w.lender.p);
    record(
        f,
        "withdraw",
        bench_tx!(w, "lender withdraws", book_l.withdraw(w.token)),
    );

    // loans that move: part repaid, refinanced by a second lender (the bidder), rolled over
    // by the borrower to the lender's offer, then repaid
    w.advance(600);
    w.round(w.nft, 3, &CALM).await?;
    let (loan, _) = borrow(w, offer, first_nft).await?;
    w.advance(5 * 86_400);
    let desk_b = ILoanDesk::new(w.a.loan_book, &w.borrower.p); // the desk, at the LoanBook
    record(
        f,
        "repayPart",
        bench_tx!(w, "repayPart", desk_b.repayPart(loan, tok(10))),
    );
    let bidder_offers = IOfferBook::new(w.a.offer_book, &w.bidder.p);
    let better = bidder_offers.createOffer(
        w.token,
        w.nft,
        U256::ZERO,
        true,
        tok(30),
        1_000,
        30 * 86_400,
        w.t.get() + 90 * 86_400,
        1,
    );
    w.stamp().await?;
    let better_id = better
        .call()
        .block(alloy::eips::BlockId::pending())
        .await
        .map_err(crate::ctx::call_err("createOffer"))?;
    bench_tx!(w, "second lender's offer", better);
    w.round(w.nft, 3, &CALM).await?;
    let desk_r = ILoanDesk::new(w.a.loan_book, &w.bidder.p);
    record(
        f,
        "refinance",
        bench_tx!(w, "refinance", desk_r.refinance(loan, better_id)),
    );
    w.advance(86_400);
    w.round(w.nft, 3, &CALM).await?;
    record(
        f,
        "rollover",
        bench_tx!(w, "rollover", desk_b.rollover(loan, offer)),
    );
    bench_tx!(w, "repay the rolled-over loan", book_b.repay(loan));
    settle_claims(w).await?;

    // a crash, the keeper liquidates, a bidder buys
    w.advance(600);
    w.round(w.nft, 3, &CALM).await?;
    let (loan, _) = borrow(w, offer, first_nft + 1).await?;
    move_price(w, &CRASH).await?;
    let (auction, sent) = liquidate(w, loan).await?;
    record(f, "liquidate (unhealthy)", sent);
    w.advance(1_500); // five 300 s steps of the auction
    let liq = ILiquidator::new(w.a.liquidator, &w.bidder.p);
    record(
        f,
        "bid (+ settlement)",
        bench_tx!(w, "bid", liq.bid(auction, tok(1_000))),
    );
    // everyone paid by the waterfall withdraws, so the next cycle's repayment credits
    // claimables from zero, as in a book whose lenders withdraw
    settle_claims(w).await?;
    move_price(w, &CALM).await?;

    // overdue, unsold, foreclosed
    let (loan, _) = borrow(w, offer, first_nft + 2).await?;
    w.advance(31 * 86_400 + 3_600); // past due (30 d) + grace (1 d)
    w.round(w.nft, 3, &CALM).await?;
    let (_, sent) = liquidate(w, loan).await?;
    record(f, "liquidate (overdue)", sent);
    w.advance(86_400 + 60); // past the 24 h tail
    let desk_l = ILoanDesk::new(*book_l.address(), book_l.provider()); // the desk, at the LoanBook
    record(
        f,
        "foreclose",
        bench_tx!(w, "foreclose", desk_l.foreclose(loan)),
    );

    // Governance raises the max LTV by 5 points
    let raise = IOfferBook::setCollectionParamsCall {
        collection: w.nft,
        max_ltv_bps: 4_500 + 500 * u16::try_from(cycle).map_err(|_| CliError::Overflow("LTV"))?,
        liq_threshold_bps: 6_500,
        liq_penalty_bps: 800,
        auction_start_bps: 13_000,
        auction_cut_bps: 9_800,
        max_duration: 90 * 86_400,
        grace_period: 86_400,
        auction_step: 300,
        auction_tail: 86_400,
    };
    let g1 = IGovernance::new(w.a.governance, &w.owners[0].p);
    let g2 = IGovernance::new(w.a.governance, &w.owners[1].p);
    record(
        f,
        "governance propose",
        bench_tx!(
            w,
            "propose",
            g1.propose(w.a.offer_book, U256::ZERO, Bytes::from(raise.abi_encode()))
        ),
    );
    let id = g1
        .proposalCount()
        .call()
        .await
        .map_err(crate::ctx::call_err("proposalCount"))?;
    record(
        f,
        "governance approve",
        bench_tx!(w, "approve", g2.approve(id)),
    );
    w.advance(3_601);
    record(
        f,
        "governance execute",
        bench_tx!(w, "execute", g1.execute(id)),
    );
    w.advance(600);
    Ok(())
}

/// Measures every operation on a fresh node, with one other loan and offer in the book; the
/// figures of the second of two identical cycles are kept, so each is measured in a book that
/// has seen one of each before (the protocol's very first loan, offer, auction and proposal
/// also pay for counters and balances going from zero).
async fn measure_ops(
    artifacts: &[lien_client::package::Artifact],
    cached: bool,
) -> CliResult<(Figures, World)> {
    let w = setup(artifacts, cached).await?;
    warm_oracle(&w).await?;
    let mut f = Figures::new();
    record(
        &mut f,
        "postPrice (3 sources)",
        w.round(w.nft, 3, &CALM).await?,
    );
    record(
        &mut f,
        "postPrice (10 sources)",
        w.round(w.nft10, REPORTERS, &CALM).await?,
    );
    for (collection, n) in [(w.nft, "3"), (w.nft10, "10")] {
        let key = |k: &str| {
            OPS.iter()
                .map(|o| o.key)
                .find(|o| *o == format!("{k} ({n} sources)"))
                .ok_or_else(|| CliError::Missing(format!("no operation {k} ({n} sources)")))
        };
        let data = IPriceOracle::borrowPriceCall {
            collection,
            token_id: U256::from(1),
        }
        .abi_encode();
        let gas = w.estimate_view("borrowPrice", w.a.oracle, data).await?;
        f.insert(key("borrowPrice")?, (gas, None));
        let data = IPriceOracle::liquidationFloorCall { collection }.abi_encode();
        let gas = w
            .estimate_view("liquidationFloor", w.a.oracle, data)
            .await?;
        f.insert(key("liquidationFloor")?, (gas, None));
    }
    fund_users(&w).await?;
    // One resident loan on its own offer, as in the scaling benchmark's book of 1: the vault
    // already holds collateral of the collection, as it would in production.
    fill(&w, 1).await?;
    let mut warmup = Figures::new();
    cycle(&w, 0, &mut warmup).await?;
    cycle(&w, 1, &mut f).await?;
    Ok((f, w))
}

/// Both runs of the operation set.
pub struct Measured {
    /// Operation → gas with the six programs cached.
    pub cached: BTreeMap<String, u64>,
    /// Operation → gas uncached.
    pub uncached: BTreeMap<String, u64>,
    /// Operation → where the cached gas went (transactions only).
    pub splits: BTreeMap<String, gas_trace::Split>,
    /// Wall time of each run (cached, uncached), seconds.
    pub seconds: (f64, f64),
}

async fn run_ops(artifacts: &[lien_client::package::Artifact]) -> CliResult<Measured> {
    let mut cached = BTreeMap::new();
    let mut uncached = BTreeMap::new();
    let mut splits = BTreeMap::new();
    let mut seconds = (0.0, 0.0);
    for is_cached in [true, false] {
        let label = if is_cached { "cached" } else { "uncached" };
        println!("[{label}] fresh node: deploy, list, hand over, measure …");
        let started = Instant::now();
        let (figures, w) = measure_ops(artifacts, is_cached).await?;
        if is_cached {
            for (key, (_, hash)) in &figures {
                if let Some(hash) = hash {
                    let tree = gas_trace::trace_transaction(&w.deployer.p, *hash)
                        .await
                        .map_err(|e| rpc("debug_traceTransaction")(e.to_string()))?;
                    splits.insert((*key).to_owned(), gas_trace::split(&tree));
                }
            }
        }
        let out = if is_cached {
            &mut cached
        } else {
            &mut uncached
        };
        for (key, (gas, _)) in figures {
            out.insert(key.to_owned(), gas);
        }
        let secs = started.elapsed().as_secs_f64();
        println!(
            "[{label}] {} operations in {secs:.1} s (setup {} gas)",
            out.len(),
            w.setup_gas
        );
        if is_cached {
            seconds.0 = secs;
        } else {
            seconds.1 = secs;
        }
        w.node.stop().await;
    }
    for o in &OPS {
        if !cached.contains_key(o.key) || !uncached.contains_key(o.key) {
            return Err(CliError::Missing(format!(
                "operation {} was not measured",
                o.key
            )));
        }
    }
    Ok(Measured {
        cached,
        uncached,
        splits,
        seconds,
    })
}

// ------------------------------------------------------------------------------ scaling

/// The figures of one book size.
pub struct ScalingRow {
    /// Loans (and offers) in the book before the measured operations.
    pub size: usize,
    /// Operation → gas (cached programs).
    pub gas: BTreeMap<String, u64>,
    /// Seconds to fill the book.
    pub fill_seconds: f64,
}

/// Signs and sends `calls` (to, calldata) from `who` in JSON-RPC batches, each preceded by
/// `evm_setNextBlockTimestamp` (all at the benchmark's current time); does not wait for
/// receipts (the dev node executes each before it answers).
async fn fire(w: &World, who: &Actor, calls: Vec<(Address, Vec<u8>)>) -> CliResult<Vec<B256>> {
    let wallet = EthereumWallet::from(who.signer.clone());
    let mut nonce = who
        .p
        .get_transaction_count(who.address())
        .await
        .map_err(|e| rpc("nonce")(e.to_string()))?;
    let chain_id = who
        .p
        .get_chain_id()
        .await
        .map_err(|e| rpc("chain id")(e.to_string()))?;
    let mut hashes = Vec::with_capacity(calls.len());
    for chunk in calls.chunks(FILL_BATCH) {
        let mut batch = alloy::rpc::client::BatchRequest::new(w.deployer.p.client());
        let mut waiters = Vec::new();
        for (to, data) in chunk {
            let tx = TransactionRequest::default()
                .with_from(who.address())
                .with_to(*to)
                .with_input(data.clone())
                .with_nonce(nonce)
                .with_chain_id(chain_id)
                .with_gas_limit(FILL_GAS)
                .with_max_fee_per_gas(1_000_000_000)
                .with_max_priority_fee_per_gas(0);
            nonce += 1;
            let raw = tx
                .build(&wallet)
                .await
                .map_err(|e| CliError::Key(format!("signing a fill transaction: {e}")))?
                .encoded_2718();
            let stamp = batch
                .add_call::<_, serde_json::Value>("evm_setNextBlockTimestamp", &(w.t.get(),))
                .map_err(|e| rpc("batch")(e.to_string()))?;
            let sent = batch
                .add_call::<_, B256>("eth_sendRawTransaction", &(Bytes::from(raw),))
                .map_err(|e| rpc("batch")(e.to_string()))?;
            waiters.push((stamp, sent));
        }
        batch
            .send()
            .await
            .map_err(|e| rpc("sending a batch")(e.to_string()))?;
        for (stamp, sent) in waiters {
            stamp
                .await
                .map_err(|e| rpc("evm_setNextBlockTimestamp")(e.to_string()))?;
            hashes.push(
                sent.await
                    .map_err(|e| rpc("eth_sendRawTransaction")(e.to_string()))?,
            );
        }
    }
    Ok(hashes)
}

/// The first failed transaction of `hashes`, for an error message.
async fn first_failure(w: &World, hashes: &[B256]) -> String {
    for h in hashes {
        if let Ok(Some(r)) = w.deployer.p.get_transaction_receipt(*h).await {
            if !r.status() {
                return format!(
                    "transaction {h} reverted (run `lien gas {h}` on a live node to see why)"
                );
            }
        }
    }
    "no reverted transaction found".into()
}

/// Fills the book with `n` offers (capacity 2 each, so all stay open) and `n` loans (one on
/// each offer), printing progress every 500 loans.
async fn fill(w: &World, n: usize) -> CliResult<()> {
    let nft = IBenchNft::new(w.nft, &w.borrower.p);
    let mut minted = 0;
    while minted < n {
        let count = MINT_BATCH.min(n - minted);
        bench_tx!(
            w,
            "mintRange",
            nft.mintRange(
                w.borrower.address(),
                U256::from(1_000_000 + minted),
                U256::from(count)
            )
        );
        minted += count;
    }
    bench_tx!(
        w,
        "setApprovalForAll",
        nft.setApprovalForAll(w.a.vault, true)
    );
    let offers = IOfferBook::new(w.a.offer_book, &w.lender.p);
    let first_offer = offers
        .offerCount()
        .call()
        .await
        .map_err(crate::ctx::call_err("offerCount"))?
        + U256::from(1);
    let book = ILoanBook::new(w.a.loan_book, &w.borrower.p);
    let loans_before = book
        .counts()
        .call()
        .await
        .map_err(crate::ctx::call_err("counts"))?
        .loans;
    let create: Vec<(Address, Vec<u8>)> = (0..n)
        .map(|_| {
            let c = IOfferBook::createOfferCall {
                currency: w.token,
                collection: w.nft,
                token_id: U256::ZERO,
                any_token: true,
                principal: tok(30),
                apr_bps: 2_000,
                duration: 30 * 86_400,
                expiry: w.t.get() + 90 * 86_400,
                capacity: 2,
            };
            (w.a.offer_book, c.abi_encode())
        })
        .collect();
    let mut done = 0;
    for chunk in create.chunks(PROGRESS_EVERY) {
        let hashes = fire(w, &w.lender, chunk.to_vec()).await?;
        done += chunk.len();
        let count = offers
            .offerCount()
            .call()
            .await
            .map_err(crate::ctx::call_err("offerCount"))?;
        if count + U256::from(1) != first_offer + U256::from(done) {
            return Err(CliError::Missing(format!(
                "filling offers: {count} offers after {done} createOffer; {}",
                first_failure(w, &hashes).await
            )));
        }
        if n > 1 {
            println!("      {done}/{n} offers");
        }
    }
    let borrows: Vec<(Address, Vec<u8>)> = (0..n)
        .map(|i| {
            let c = ILoanBook::borrowCall {
                offer_id: first_offer + U256::from(i),
                token_id: U256::from(1_000_000 + i),
            };
            (w.a.loan_book, c.abi_encode())
        })
        .collect();
    let mut done = 0;
    for chunk in borrows.chunks(PROGRESS_EVERY) {
        let hashes = fire(w, &w.borrower, chunk.to_vec()).await?;
        done += chunk.len();
        let loans = book
            .counts()
            .call()
            .await
            .map_err(crate::ctx::call_err("counts"))?
            .loans;
        if loans != loans_before + U256::from(done) {
            return Err(CliError::Missing(format!(
                "filling loans: {} loans after {done} borrows; {}",
                loans - loans_before,
                first_failure(w, &hashes).await
            )));
        }
        if n > 1 {
            println!("      {done}/{n} loans");
        }
    }
    Ok(())
}

/// The scaling figures at book size `n` (cached programs, fresh node).
async fn scaling_at(
    artifacts: &[lien_client::package::Artifact],
    n: usize,
) -> CliResult<ScalingRow> {
    let w = setup(artifacts, true).await?;
    warm_oracle(&w).await?;
    w.round(w.nft, 3, &CALM).await?;
    fund_users(&w).await?;
    println!("  book of {n}: filling …");
    let started = Instant::now();
    fill(&w, n).await?;
    let fill_seconds = started.elapsed().as_secs_f64();
    // Measured exactly as in the operation set: the second of two lending cycles.
    let mut warmup = Figures::new();
    cycle(&w, 0, &mut warmup).await?;
    let mut f = Figures::new();
    cycle(&w, 1, &mut f).await?;
    let gas = SCALING_OPS
        .iter()
        .map(|op| {
            f.get(op)
                .map(|(g, _)| ((*op).to_owned(), *g))
                .ok_or_else(|| CliError::Missing(format!("{op} was not measured")))
        })
        .collect::<CliResult<BTreeMap<String, u64>>>()?;
    w.node.stop().await;
    Ok(ScalingRow {
        size: n,
        gas,
        fill_seconds,
    })
}

async fn run_scaling(
    artifacts: &[lien_client::package::Artifact],
    sizes: &[usize],
) -> CliResult<Vec<ScalingRow>> {
    let mut rows = Vec::new();
    for &n in sizes {
        let started = Instant::now();
        let row = scaling_at(artifacts, n).await?;
        println!(
            "  book of {n}: filled in {:.1} s, measured in {:.1} s",
            row.fill_seconds,
            started.elapsed().as_secs_f64()
        );
        rows.push(row);
    }
    Ok(rows)
}

/// Largest relative spread of `op` over the rows, in percent of the smallest figure.
fn spread(rows: &[ScalingRow], op: &str) -> f64 {
    let v: Vec<u64> = rows.iter().filter_map(|r| r.gas.get(op).copied()).collect();
    match (v.iter().min(), v.iter().max()) {
        (Some(&lo), Some(&hi)) if lo > 0 => (hi - lo) as f64 * 100.0 / lo as f64,
        _ => 0.0,
    }
}

/// The scaling table (sizes side by side, spread in %).
pub fn scaling_table(rows: &[ScalingRow], markdown: bool) -> String {
    let mut out = String::new();
    let sizes: Vec<String> = rows
        .iter()
        .map(|r| format!("{} loans", group(r.size as u64)))
        .collect();
    if markdown {
        out.push_str(&format!(
            "| operation | {} | spread | flat (±{FLAT_PCT} %) |\n",
            sizes.join(" | ")
        ));
        out.push_str(&format!("|---|{}---:|---|\n", "---:|".repeat(rows.len())));
    } else {
        out.push_str(&format!("{:<24}", "operation"));
        for s in &sizes {
            out.push_str(&format!(" {s:>14}"));
        }
        out.push_str(&format!(" {:>8}  flat (±{FLAT_PCT} %)\n", "spread"));
    }
    for op in SCALING_OPS {
        let s = spread(rows, op);
        let flat = if s <= FLAT_PCT { "yes" } else { "NO" };
        let cells: Vec<String> = rows
            .iter()
            .map(|r| {
                r.gas
                    .get(op)
                    .map(|g| group(*g))
                    .unwrap_or_else(|| "—".into())
            })
            .collect();
        if markdown {
            out.push_str(&format!(
                "| {op} | {} | {s:.2} % | {flat} |\n",
                cells.join(" | ")
            ));
        } else {
            out.push_str(&format!("{op:<24}"));
            for c in &cells {
                out.push_str(&format!(" {c:>14}"));
            }
            out.push_str(&format!(" {:>6.2} %  {flat}\n", s));
        }
    }
    out
}

// ------------------------------------------------------------------------------ reporting

/// `1234567` → `1,234,567`.
fn group(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn k(v: Option<u64>) -> String {
    v.map(|v| format!("{}k", v / 1_000))
        .unwrap_or_else(|| "—".into())
}

/// "yes" / "NO (+12,345)" against a limit, "—" without one.
fn against(gas: u64, limit: Option<u64>) -> String {
    match limit {
        None => "—".into(),
        Some(l) if gas <= l => "yes".into(),
        Some(l) => format!("NO (+{})", group(gas - l)),
    }
}

/// The operations table: uncached, cached, MetaStreet v2's ceiling, must, aim, verdicts.
pub fn ops_table(m: &Measured, markdown: bool) -> String {
    let mut out = String::new();
    if markdown {
        out.push_str("| operation | uncached | cached | MetaStreet v2 | must | aim | cached ≤ must | cached ≤ aim |\n");
        out.push_str("|---|---:|---:|---:|---:|---:|---|---|\n");
    } else {
        out.push_str(&format!(
            "{:<30} {:>10} {:>10} {:>10} {:>7} {:>7}  {:<16} {}\n",
            "operation",
            "uncached",
            "cached",
            "MetaStreet",
            "must",
            "aim",
            "cached ≤ must",
            "cached ≤ aim"
        ));
    }
    for o in &OPS {
        let (c, u) = (m.cached[o.key], m.uncached[o.key]);
        let must = |l: Option<u64>| {
            l.map(|l| format!("≤{}", k(Some(l))))
                .unwrap_or_else(|| "—".into())
        };
        if markdown {
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} | {} | {} |\n",
                o.key,
                group(u),
                group(c),
                k(o.ceiling),
                must(o.must),
                must(o.aim),
                against(c, o.must),
                against(c, o.aim)
            ));
        } else {
            out.push_str(&format!(
                "{:<30} {:>10} {:>10} {:>10} {:>7} {:>7}  {:<16} {}\n",
                o.key,
                group(u),
                group(c),
                k(o.ceiling),
                must(o.must),
                must(o.aim),
                against(c, o.must),
                against(c, o.aim)
            ));
        }
    }
    out
}

/// `git rev-parse --short HEAD` at the repository root, when git answers.
fn commit(root: &Path) -> String {
    std::process::Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .current_dir(root)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_else(|| "unknown (no git)".into())
}

/// Today's date (UTC) as YYYY-MM-DD.
fn today() -> String {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() / 86_400)
        .unwrap_or(0) as i64;
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

fn build_profile() -> &'static str {
    if cfg!(debug_assertions) {
        "dev profile"
    } else {
        "optimised profile"
    }
}

/// The generated operations section of docs/BENCHMARKS.md (without its markers).
fn ops_section(m: &Measured, root: &Path) -> String {
    let mut s = String::new();
    s.push_str("## Protocol gas per operation (`lien bench gas`)\n\n");
    s.push_str(&format!(
        "Generated by `cargo run -p lien-cli -- bench gas --write-docs` on {} at commit `{}` \
         ({}); do not edit between the markers. Receipt `gasUsed` on stylus-devnode (ArbOS {}, \
         ink metered by Nitro's tables), currency and collection the Solidity BenchToken and \
         BenchNft of `contracts/evm-bench` (solc 0.8.30), each run on a fresh node: **cached** \
         with the six programs cached through the CacheManager (`placeBid`, as `lien deploy \
         --cache`), **uncached** without. Fixed keys, amounts and block times (the chain starts at \
         a fixed genesis time and the benchmark sets every block's timestamp), so the figures are \
         reproducible to the gas. Every figure is from the second of two identical lending \
         cycles, in a book that holds one other loan and offer (the protocol's first loan, \
         offer, auction and proposal also pay for counters and balances going from zero, and an \
         empty vault for the collection's balance slot). The same figures are in docs/gas-snapshot.json, \
         which `cargo test -p lien-cli --test gas_snapshot` holds to ±{TOLERANCE_PCT} %.\n\n",
        today(),
        commit(root),
        build_profile(),
        stylus_devnode::config::DEFAULT_ARBOS_VERSION,
    ));
    s.push_str(&ops_table(m, true));
    s.push_str("\nMetaStreet v2 is its gas tests' ceiling for the nearest operation (bid: its first bid; createOffer: a deposit into a new tick); \"must\" and \"aim\" are issue 15's.\n\n");
    s.push_str("What each row measures:\n\n");
    for o in &OPS {
        s.push_str(&format!("- **{}**: {}.\n", o.key, o.what));
    }
    s.push_str("\nWhere the cached gas goes (`lien_client::gas_trace::split` of the operation's transaction, the trace `lien gas <tx>` prints: every frame of the call tree for its own work — Stylus program entries, wasm compute, storage loads and stores, the calls' own cost, logs, the Solidity tokens' EVM code — and the rest, mostly the intrinsic 21,000 and calldata):\n\n");
    for o in &OPS {
        match m.splits.get(o.key) {
            Some(sp) => s.push_str(&format!(
                "- **{}** ({}): {}\n",
                o.key,
                group(sp.total),
                sp.line()
            )),
            None => s.push_str(&format!(
                "- **{}**: a view (eth_estimateGas), no transaction to trace\n",
                o.key
            )),
        }
    }
    s.push_str(&format!(
        "\nRun time ({}, 2-core machine): cached run {:.1} s, uncached run {:.1} s.\n",
        build_profile(),
        m.seconds.0,
        m.seconds.1
    ));
    s
}

/// The generated scaling section of docs/BENCHMARKS.md (without its markers).
fn scaling_section(rows: &[ScalingRow], root: &Path) -> String {
    let mut s = String::new();
    s.push_str("## Flat scaling (`lien bench gas --scaling`)\n\n");
    s.push_str(&format!(
        "Generated by `cargo run -p lien-cli -- bench gas --scaling --write-docs` on {} at commit `{}` ({}). \
         For each size N, a fresh node with the programs cached: one lender creates N offers \
         (capacity 2, so all stay open), the borrower mints N BenchNfts (`mintRange`), approves \
         the vault for all and borrows once on each offer (N loans); then the same two lending \
         cycles as the operation set run on top of that book and the second one's figures are \
         kept (the operation table above is the book of 1). Issue 15 asks borrow, repay and \
         liquidate to cost the same within ±{FLAT_PCT} %; the rest of the cycle is shown too.\n\n",
        today(),
        commit(root),
        build_profile(),
    ));
    s.push_str(&scaling_table(rows, true));
    s.push('\n');
    let fills: Vec<String> = rows
        .iter()
        .map(|r| format!("{} loans {:.0} s", group(r.size as u64), r.fill_seconds))
        .collect();
    s.push_str(&format!("Time to fill the book: {}.\n", fills.join(", ")));
    s
}

/// Replaces the text between `markers` in `doc` with `body`; appends the marked section when
/// the markers are missing.
fn replace_section(doc: &str, markers: (&str, &str), body: &str) -> String {
    let (start, end) = markers;
    match (doc.find(start), doc.find(end)) {
        (Some(a), Some(b)) if a < b => {
            format!("{}{start}\n{body}{end}{}", &doc[..a], &doc[b + end.len()..])
        }
        _ => format!("{}\n{start}\n{body}{end}\n", doc.trim_end()),
    }
}

fn write_docs(root: &Path, markers: (&str, &str), body: &str) -> CliResult<()> {
    let path = root.join(DOCS);
    let doc = std::fs::read_to_string(&path)
        .map_err(|e| CliError::Missing(format!("reading {}: {e}", path.display())))?;
    std::fs::write(&path, replace_section(&doc, markers, body))
        .map_err(|e| CliError::Missing(format!("writing {}: {e}", path.display())))?;
    println!("wrote the {} section of {}", markers.0, path.display());
    Ok(())
}

// ------------------------------------------------------------------------------ snapshot

/// Gas of one operation in both runs.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Pair {
    /// With the programs cached.
    pub cached: u64,
    /// Uncached.
    pub uncached: u64,
}

/// docs/gas-snapshot.json.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Snapshot {
    /// How the file is made and checked.
    pub about: String,
    /// Operation → gas.
    pub operations: BTreeMap<String, Pair>,
}

impl Snapshot {
    fn from_measured(m: &Measured) -> Self {
        Snapshot {
            about: format!(
                "Receipt gas per operation from `lien bench gas` (stylus-devnode, Solidity BenchToken/BenchNft). Rewrite with `{UPDATE_COMMAND}`; crates/cli/tests/gas_snapshot.rs fails when a figure moves by more than {TOLERANCE_PCT} %."
            ),
            operations: OPS
                .iter()
                .map(|o| {
                    (
                        o.key.to_owned(),
                        Pair {
                            cached: m.cached[o.key],
                            uncached: m.uncached[o.key],
                        },
                    )
                })
                .collect(),
        }
    }
}

/// One compared figure: operation, run, old, new.
pub type Row = (String, &'static str, Option<u64>, Option<u64>);

/// Every figure of `old` and `new` side by side (an operation only one of them has appears
/// with `None` on the other side).
pub fn compare(old: &Snapshot, new: &Snapshot) -> Vec<Row> {
    let mut keys: Vec<&String> = old.operations.keys().chain(new.operations.keys()).collect();
    keys.sort();
    keys.dedup();
    let mut rows = Vec::new();
    for key in keys {
        let (o, n) = (old.operations.get(key), new.operations.get(key));
        rows.push((
            key.clone(),
            "cached",
            o.map(|p| p.cached),
            n.map(|p| p.cached),
        ));
        rows.push((
            key.clone(),
            "uncached",
            o.map(|p| p.uncached),
            n.map(|p| p.uncached),
        ));
    }
    rows
}

/// Relative difference new/old − 1 in percent (`None` when a side is missing or old is 0).
pub fn diff_pct(old: Option<u64>, new: Option<u64>) -> Option<f64> {
    match (old, new) {
        (Some(o), Some(n)) if o > 0 => Some((n as f64 - o as f64) * 100.0 / o as f64),
        _ => None,
    }
}

/// Whether a compared figure is outside the tolerance (or missing on one side).
pub fn out_of_tolerance(old: Option<u64>, new: Option<u64>) -> bool {
    diff_pct(old, new).is_none_or(|d| d.abs() > TOLERANCE_PCT)
}

/// The old/new/diff table of a comparison, failing lines marked.
pub fn compare_table(rows: &[Row]) -> String {
    let mut out = format!(
        "{:<30} {:<9} {:>10} {:>10} {:>9}\n",
        "operation", "run", "snapshot", "measured", "diff"
    );
    let cell = |v: Option<u64>| v.map(group).unwrap_or_else(|| "missing".into());
    for (key, run, old, new) in rows {
        let diff = diff_pct(*old, *new)
            .map(|d| format!("{d:+.2} %"))
            .unwrap_or_else(|| "—".into());
        let flag = if out_of_tolerance(*old, *new) {
            "  <-- over ±2 %"
        } else {
            ""
        };
        out.push_str(&format!(
            "{key:<30} {run:<9} {:>10} {:>10} {diff:>9}{flag}\n",
            cell(*old),
            cell(*new)
        ));
    }
    out
}

fn snapshot_path(root: &Path) -> PathBuf {
    root.join(SNAPSHOT)
}

// ------------------------------------------------------------------------------ command

/// Runs `lien bench gas`.
pub async fn run(opts: GasBenchOpts) -> CliResult<()> {
    let root = lien_client::package::workspace_root();
    let started = Instant::now();
    println!(
        "lien bench gas — build: {}; currency BenchToken and collections BenchNft (contracts/evm-bench, Solidity)",
        build_profile()
    );
    let artifacts = artifacts()?;
    let m = run_ops(&artifacts).await?;
    println!("\n{}", ops_table(&m, false));
    println!("where the cached gas goes:");
    for o in &OPS {
        if let Some(sp) = m.splits.get(o.key) {
            println!("  {:<30} {}", o.key, sp.line());
        }
    }
    let snapshot = Snapshot::from_measured(&m);
    let mut failures = Vec::new();
    if opts.check_snapshot {
        let path = snapshot_path(&root);
        let text = std::fs::read_to_string(&path).map_err(|e| {
            CliError::Missing(format!(
                "reading the snapshot {} ({e}); write it with `{UPDATE_COMMAND}`",
                path.display()
            ))
        })?;
        let old: Snapshot = serde_json::from_str(&text).map_err(|e| {
            CliError::Missing(format!(
                "the snapshot {} does not parse ({e}); rewrite it with `{UPDATE_COMMAND}`",
                path.display()
            ))
        })?;
        let rows = compare(&old, &snapshot);
        println!(
            "\nsnapshot {} (tolerance ±{TOLERANCE_PCT} %):\n{}",
            path.display(),
            compare_table(&rows)
        );
        let bad = rows
            .iter()
            .filter(|(_, _, o, n)| out_of_tolerance(*o, *n))
            .count();
        if bad > 0 {
            failures.push(format!(
                "{bad} figure(s) differ from {} by more than {TOLERANCE_PCT} % (table above). If the change is intended, update the snapshot with `{UPDATE_COMMAND}` and commit docs/gas-snapshot.json",
                path.display()
            ));
        }
        println!("CI-sized scaling check (sizes {CI_SCALING:?}):");
        let rows = run_scaling(&artifacts, &CI_SCALING).await?;
        print!("{}", scaling_table(&rows, false));
        let uneven: Vec<String> = SCALING_OPS
            .iter()
            .filter(|op| spread(&rows, op) > FLAT_PCT)
            .map(|op| format!("{op} ({:.2} %)", spread(&rows, op)))
            .collect();
        if !uneven.is_empty() {
            failures.push(format!(
                "not flat within ±{FLAT_PCT} % between {CI_SCALING:?} loans: {}",
                uneven.join(", ")
            ));
        }
    }
    if opts.update_snapshot {
        let path = snapshot_path(&root);
        let text = serde_json::to_string_pretty(&snapshot)
            .map_err(|e| CliError::Missing(format!("encoding the snapshot: {e}")))?
            + "\n";
        std::fs::write(&path, text)
            .map_err(|e| CliError::Missing(format!("writing {}: {e}", path.display())))?;
        println!("wrote {}", path.display());
    }
    if opts.write_docs {
        write_docs(&root, OPS_MARKERS, &ops_section(&m, &root))?;
    }
    if opts.scaling {
        if opts.scaling_sizes.is_empty() {
            return Err(CliError::Missing("--scaling-sizes is empty".into()));
        }
        println!(
            "\nscaling (programs cached), sizes {:?}:",
            opts.scaling_sizes
        );
        let rows = run_scaling(&artifacts, &opts.scaling_sizes).await?;
        println!("\n{}", scaling_table(&rows, false));
        if opts.write_docs {
            write_docs(&root, SCALING_MARKERS, &scaling_section(&rows, &root))?;
        }
    }
    println!(
        "lien bench gas took {:.1} s",
        started.elapsed().as_secs_f64()
    );
    if failures.is_empty() {
        Ok(())
    } else {
        Err(CliError::Missing(failures.join("\n")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snap(entries: &[(&str, u64, u64)]) -> Snapshot {
        Snapshot {
            about: String::new(),
            operations: entries
                .iter()
                .map(|(k, c, u)| {
                    (
                        (*k).to_owned(),
                        Pair {
                            cached: *c,
                            uncached: *u,
                        },
                    )
                })
                .collect(),
        }
    }

    #[test]
    fn the_tolerance_is_two_percent_either_way() {
        assert!(!out_of_tolerance(Some(100_000), Some(102_000)));
        assert!(!out_of_tolerance(Some(100_000), Some(98_000)));
        assert!(out_of_tolerance(Some(100_000), Some(102_001)));
        assert!(out_of_tolerance(Some(100_000), Some(97_999)));
        assert!(out_of_tolerance(None, Some(1)));
        assert!(out_of_tolerance(Some(1), None));
    }

    #[test]
    fn compare_lists_every_figure_and_flags_missing_ones() {
        let old = snap(&[("borrow", 100, 200), ("repay", 50, 60)]);
        let new = snap(&[("borrow", 103, 200), ("bid", 1, 2)]);
        let rows = compare(&old, &new);
        assert_eq!(rows.len(), 6);
        let table = compare_table(&rows);
        assert!(table.contains("+3.00 %  <-- over"), "{table}");
        assert!(table.contains("missing"), "{table}");
        let bad = rows
            .iter()
            .filter(|(_, _, o, n)| out_of_tolerance(*o, *n))
            .count();
        assert_eq!(bad, 5, "{table}");
    }

    #[test]
    fn sections_are_replaced_between_their_markers() {
        let doc = "# B\n\nintro\n<!-- gas-bench:start -->\nold\n<!-- gas-bench:end -->\ntail\n";
        let out = replace_section(doc, OPS_MARKERS, "new\n");
        assert_eq!(
            out,
            "# B\n\nintro\n<!-- gas-bench:start -->\nnew\n<!-- gas-bench:end -->\ntail\n"
        );
        let out = replace_section("# B\n", SCALING_MARKERS, "s\n");
        assert_eq!(
            out,
            "# B\n<!-- gas-scaling:start -->\ns\n<!-- gas-scaling:end -->\n"
        );
    }

    #[test]
    fn numbers_and_dates_render() {
        assert_eq!(group(1_234_567), "1,234,567");
        assert_eq!(group(999), "999");
        assert_eq!(against(100, Some(100)), "yes");
        assert_eq!(against(1_101, Some(100)), "NO (+1,001)");
        assert_eq!(against(1, None), "—");
        let d = today();
        assert_eq!(d.len(), 10);
        assert!(d.starts_with("20"));
    }

    #[test]
    fn every_operation_has_a_distinct_key_and_the_bytecode_is_hex() {
        let mut keys: Vec<&str> = OPS.iter().map(|o| o.key).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), OPS.len());
        for op in SCALING_OPS {
            assert!(keys.contains(&op), "{op}");
        }
        assert!(bin("BenchToken", BENCH_TOKEN_BIN).is_ok_and(|b| b.len() > 100));
        assert!(bin("BenchNft", BENCH_NFT_BIN).is_ok_and(|b| b.len() > 100));
    }
}
