//! `lien`: the command-line front end of the Lien protocol.
#![forbid(unsafe_code)]

mod demo;

use std::path::PathBuf;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use lien_client::{abi, nitro_rules, package};

/// Lien: NFT-backed lending on Arbitrum Stylus.
#[derive(Parser)]
#[command(name = "lien", version, about)]
struct Cli {
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
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Demo => demo::run().await,
        Command::Package { out, only } => run_package(&out, &only),
        Command::Abi => run_abi(),
    }
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
    let out = if out.is_absolute() { out.to_owned() } else { root.join(out) };
    let artifacts = package::package_some(&root, &out, only).context("packaging the contracts")?;
    print!("{}", package::size_table(&artifacts));
    println!("artifacts written to {}", out.display());
    let mut broken = false;
    for a in &artifacts {
        let violations = nitro_rules::check(&a.wasm);
        if !violations.is_empty() {
            broken = true;
            eprintln!("{} breaks Nitro's activation rules: {violations:?}", a.package);
        }
    }
    package::check_limits(&artifacts)?;
    anyhow::ensure!(!broken, "some contracts would be rejected at activation");
    Ok(())
}
