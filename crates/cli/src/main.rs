//! `lien`: the command-line front end of the Lien protocol.
#![forbid(unsafe_code)]

mod borrower;
mod calldata;
mod ctx;
mod decide;
mod demo;
mod deploy;
mod gov;
mod input;
mod keeper;
mod lender;
mod mock;
mod node;
mod oracle;
mod revert;
mod risk;

use std::path::PathBuf;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use lien_client::{abi, nitro_rules, package};

/// Lien: NFT-backed lending on Arbitrum Stylus.
#[derive(Parser)]
#[command(name = "lien", version, about)]
struct Cli {
    #[command(flatten)]
    globals: ctx::Globals,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build every contract for wasm32, package it as deployable Stylus code, check it
    /// against Nitro's activation rules and print the size table. Fails when a contract is
    /// over 24,576 bytes compressed or 128 KiB raw.
    Package {
        /// Where to write `<contract>.wasm` and `<contract>.code`.
        #[arg(long, default_value = "target/stylus")]
        out: PathBuf,
        /// Only these contract packages (e.g. `-p lien-loan-book`); all when omitted.
        #[arg(short = 'p', long = "package")]
        only: Vec<String>,
    },
    /// Export every contract's Solidity interface (from its own code) to abi/<Name>.sol.
    Abi,
    /// Start the embedded dev node, deploy the protocol and run a whole loan lifecycle with
    /// several accounts; print a summary with the gas of every step.
    Demo,
    /// Run the embedded stylus-devnode in the foreground (Ctrl-C stops it).
    Node {
        /// Port on 127.0.0.1.
        #[arg(long, default_value_t = stylus_devnode::config::DEFAULT_PORT)]
        port: u16,
        /// Seal a block every N ms instead of one block per transaction.
        #[arg(long)]
        block_time_ms: Option<u64>,
        /// Fund an account at genesis: ADDRESS or ADDRESS:ETHER (default 1000). Repeatable.
        #[arg(long, value_name = "ADDRESS[:ETHER]")]
        fund: Vec<String>,
        /// Largest deployed code in bytes (Arbitrum: 24576), like Nitro's
        /// --init.dev-max-code-size; raise it to deploy contracts listed in
        /// contracts/size-exceptions.txt.
        #[arg(long, default_value_t = stylus_devnode::config::DEFAULT_MAX_CODE_SIZE)]
        max_code_size: usize,
    },
    /// Package and deploy the protocol, wire it, hand it over to Governance and write
    /// deployments/<network>.json.
    Deploy(deploy::DeployOpts),
    /// Lender actions: offer, cancel, offers, withdraw, claimable, transfer.
    #[command(subcommand)]
    Lender(lender::LenderCmd),
    /// Borrower actions: borrow, repay, debt, loans, health.
    #[command(subcommand)]
    Borrower(borrower::BorrowerCmd),
    /// Governance: propose, approve, revoke, execute, cancel, guardian-pause, show.
    #[command(subcommand)]
    Gov(gov::GovCmd),
    /// Oracle: post prices (arguments or CSV), read prices.
    #[command(subcommand)]
    Oracle(oracle::OracleCmd),
    /// Watch loans, warn, liquidate, and optionally bid on auctions.
    Keeper(keeper::KeeperOpts),
    /// Local helpers for the mock token and collection of a `--with-mocks` deployment.
    #[command(subcommand)]
    Mock(mock::MockCmd),
    /// Risk lab: fit price histories, stress-test loan books on Lien's own rules, recommend
    /// parameters, write reports, benchmark, propose to Governance (docs/RISK.md).
    #[command(subcommand)]
    Risk(risk::RiskCmd),
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let g = &cli.globals;
    let onchain = match cli.command {
        Command::Demo => return demo::run().await,
        Command::Package { out, only } => return run_package(&out, &only),
        Command::Abi => return run_abi(),
        Command::Risk(cmd) => return risk::run(g, cmd).await,
        Command::Node {
            port,
            block_time_ms,
            fund,
            max_code_size,
        } => node::run(port, block_time_ms, &fund, max_code_size).await,
        Command::Deploy(opts) => deploy::run(&g.connect()?, opts).await,
        Command::Lender(cmd) => lender::run(&g.connect()?, cmd).await,
        Command::Borrower(cmd) => borrower::run(&g.connect()?, cmd).await,
        Command::Gov(cmd) => gov::run(&g.connect()?, cmd).await,
        Command::Oracle(cmd) => oracle::run(&g.connect()?, cmd).await,
        Command::Keeper(opts) => keeper::run(&g.connect()?, opts).await,
        Command::Mock(cmd) => mock::run(&g.connect()?, cmd).await,
    };
    onchain.map_err(|e| match e {
        ctx::CliError::Rpc(what, msg)
            if msg.contains("error sending request") || msg.contains("onnection refused") =>
        {
            anyhow::anyhow!(
                "{what}: cannot reach {} (start a node with `lien node`, or pass --rpc-url): {msg}",
                g.rpc_url
            )
        }
        other => anyhow::anyhow!(revert::shorten_hex(&other.to_string())),
    })
}

fn run_abi() -> anyhow::Result<()> {
    let root = package::workspace_root();
    let dir = abi::abi_dir(&root);
    std::fs::create_dir_all(&dir)?;
    for contract in package::discover_contracts(&root)? {
        let text = abi::export_abi(&root, &contract)?;
        let path = dir.join(abi::abi_file_name(&contract.package));
        std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
        println!("wrote {}", path.display());
    }
    Ok(())
}

fn run_package(out: &std::path::Path, only: &[String]) -> anyhow::Result<()> {
    let root = package::workspace_root();
    let out = if out.is_absolute() {
        out.to_owned()
    } else {
        root.join(out)
    };
    let artifacts = package::package_some(&root, &out, only).context("packaging the contracts")?;
    print!("{}", package::size_table(&artifacts));
    println!("artifacts written to {}", out.display());
    let mut broken = false;
    for a in &artifacts {
        let violations = nitro_rules::check(&a.wasm);
        if !violations.is_empty() {
            broken = true;
            eprintln!(
                "{} breaks Nitro's activation rules: {violations:?}",
                a.package
            );
        }
    }
    let known = package::size_exceptions(&root);
    for (name, reason) in &known {
        println!("known over-limit contract {name}: {reason}");
    }
    package::check_limits(&artifacts, &known)?;
    anyhow::ensure!(!broken, "some contracts would be rejected at activation");
    Ok(())
}
