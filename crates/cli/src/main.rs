//! `lien`: the command-line front end of the Lien protocol.
#![forbid(unsafe_code)]

mod bench;
mod bench_gas;
mod borrower;
mod calldata;
mod ctx;
mod decide;
mod demo;
mod deploy;
mod gas;
mod gov;
mod indexer;
mod input;
mod keeper;
mod keys;
mod lender;
mod mock;
mod node;
mod oracle;
mod revert;
mod risk;

use std::path::PathBuf;

use anyhow::Context as _;
use clap::{builder::TypedValueParser as _, Parser, Subcommand};
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
        /// Where to write `<contract>.wasm`, `<contract>.code` and `manifest.json` (default:
        /// $LIEN_STYLUS_DIR, else target/stylus, the folder every command and test reuses).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Only these contract packages (e.g. `-p lien-loan-book`); all when omitted.
        #[arg(short = 'p', long = "package")]
        only: Vec<String>,
        /// Build even when the folder holds artifacts packaged from the same sources (its
        /// manifest.json matches); without it they are reused.
        #[arg(long)]
        rebuild: bool,
        /// Accept a contract over 24,576 bytes compressed as an ArbOS 60 multi-fragment
        /// program (at most 2 fragments of 24,576 bytes, a module of at most 256 KiB) and write
        /// its fragments as `<contract>.fragment<i>.code`; the root, which names the deployed
        /// fragments, is made at deployment.
        #[arg(long)]
        fragments: bool,
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
        /// ArbOS version of the chain: 40, 50, 51, 59 or 60 (60: multi-fragment programs,
        /// for `lien deploy --fragments`).
        #[arg(long, default_value_t = stylus_devnode::config::DEFAULT_ARBOS_VERSION,
              value_parser = clap::builder::PossibleValuesParser::new(["40", "50", "51", "59", "60"])
                  .map(|s| s.parse::<u64>().expect("listed values are numbers")))]
        arbos: u64,
    },
    /// Package and deploy the protocol, wire it, hand it over to Governance and write
    /// deployments/<network>.json.
    Deploy(deploy::DeployOpts),
    /// Benchmarks: `lien bench node` measures the dev node (start, protocol deployment,
    /// Stylus vs EVM speed), `lien bench gas` the gas of every user operation, for
    /// docs/BENCHMARKS.md.
    #[command(subcommand)]
    Bench(bench::BenchCmd),
    /// Where a transaction's gas went: the call tree with each Stylus frame's split (entry,
    /// compute, storage, calls, logs, memory), from `debug_traceTransaction`.
    Gas(gas::GasOpts),
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
    /// Indexer: follow the protocol's events into SQLite or PostgreSQL, serve the JSON API,
    /// post webhook alerts (docs/INDEXER.md).
    #[command(subcommand)]
    Indexer(indexer::IndexerCmd),
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
        Command::Package {
            out,
            only,
            rebuild,
            fragments,
        } => return run_package(&out, &only, rebuild, fragments),
        Command::Abi => return run_abi(),
        Command::Risk(cmd) => return risk::run(g, cmd).await,
        Command::Bench(cmd) => return Ok(bench::run(cmd).await?),
        Command::Indexer(cmd) => return indexer::run(g, cmd).await,
        Command::Node {
            port,
            block_time_ms,
            fund,
            max_code_size,
            arbos,
        } => node::run(port, block_time_ms, &fund, max_code_size, arbos).await,
        Command::Deploy(opts) => async { deploy::run(&g.connect().await?, opts).await }.await,
        Command::Gas(opts) => gas::run(g, opts).await,
        Command::Lender(cmd) => async { lender::run(&g.connect().await?, cmd).await }.await,
        Command::Borrower(cmd) => async { borrower::run(&g.connect().await?, cmd).await }.await,
        Command::Gov(cmd) => async { gov::run(&g.connect().await?, cmd).await }.await,
        Command::Oracle(cmd) => async { oracle::run(&g.connect().await?, cmd).await }.await,
        Command::Keeper(opts) => async { keeper::run(&g.connect().await?, opts).await }.await,
        Command::Mock(cmd) => async { mock::run(&g.connect().await?, cmd).await }.await,
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
    for (contract, text) in abi::export_all(&root)? {
        let name = abi::abi_file_name(&contract.package);
        let stem = name.trim_end_matches(".sol");
        for problem in abi::naming_problems(stem, &text)
            .into_iter()
            .chain(abi::stale_names(stem, &text))
        {
            eprintln!("warning: {problem}");
        }
        let path = dir.join(name);
        std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
        println!("wrote {}", path.display());
    }
    Ok(())
}

fn run_package(
    out: &Option<PathBuf>,
    only: &[String],
    rebuild: bool,
    fragments: bool,
) -> anyhow::Result<()> {
    let root = package::workspace_root();
    let out = match out {
        Some(out) if out.is_absolute() => out.clone(),
        Some(out) => root.join(out),
        None => lien_client::cache::stylus_dir(&root),
    };
    let (artifacts, reused) =
        package::package_fresh(&root, &out, only, rebuild).context("packaging the contracts")?;
    // Contracts held to the fragment limits: every one with --fragments, else those whose
    // Cargo.toml asks for it ([package.metadata.lien] fragments = true).
    let fragmented: Vec<String> = if fragments {
        artifacts.iter().map(|a| a.package.clone()).collect()
    } else {
        package::fragment_packages(&root).context("reading the contracts' metadata")?
    };
    print!(
        "{}",
        package::size_table_fragmented(&artifacts, &fragmented)
    );
    for path in package::write_fragments(&out, &artifacts, &fragmented)? {
        println!("fragment written to {}", path.display());
    }
    if reused {
        println!(
            "reused the artifacts in {} (packaged from these sources: manifest.json; --rebuild builds anyway)",
            out.display()
        );
    } else {
        println!("artifacts written to {}", out.display());
    }
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
    package::check_limits_fragmented(&artifacts, &known, &fragmented)?;
    anyhow::ensure!(!broken, "some contracts would be rejected at activation");
    Ok(())
}
