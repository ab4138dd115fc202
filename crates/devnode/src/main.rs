//! `stylus-devnode`: run a local Arbitrum dev chain (nitro --dev compatible JSON-RPC).

use alloy::primitives::{Address, U256};
use clap::{builder::TypedValueParser, Parser};
use std::{net::IpAddr, time::Duration};
use stylus_devnode::{config, DevNode, Mining, NodeConfig};

/// Command-line options.
#[derive(Debug, Parser)]
#[command(
    name = "stylus-devnode",
    version,
    about = "Local Arbitrum dev node (revm, JSON-RPC over HTTP)"
)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,
    /// Port to listen on (0 = any free port).
    #[arg(long, default_value_t = config::DEFAULT_PORT)]
    port: u16,
    /// Chain id.
    #[arg(long, default_value_t = config::NITRO_DEV_CHAIN_ID)]
    chain_id: u64,
    /// Seal a block every this many milliseconds instead of one block per transaction.
    #[arg(long)]
    block_time_ms: Option<u64>,
    /// Extra funded account, as ADDRESS or ADDRESS:ETHER (default 1000 ether). Repeatable.
    #[arg(long = "fund", value_name = "ADDRESS[:ETHER]")]
    fund: Vec<String>,
    /// Largest deployed contract code in bytes (Arbitrum: 24576), like Nitro's
    /// `--init.dev-max-code-size`.
    #[arg(long, default_value_t = config::DEFAULT_MAX_CODE_SIZE)]
    max_code_size: usize,
    /// Largest accepted request body in bytes.
    #[arg(long, default_value_t = config::DEFAULT_MAX_BODY_BYTES)]
    max_body_bytes: usize,
    /// ArbOS version: 40, 50, 51 (Arbitrum One, the default), 59 or 60.
    #[arg(long, default_value_t = config::DEFAULT_ARBOS_VERSION,
          value_parser = clap::builder::PossibleValuesParser::new(["40", "50", "51", "59", "60"])
              .map(|s| s.parse::<u64>().expect("listed values are numbers")))]
    arbos: u64,
    /// Wall-clock limit of one eth_call / eth_estimateGas in milliseconds (geth's
    /// --rpc.evmtimeout, default 5 s).
    #[arg(long, default_value_t = config::DEFAULT_EVM_TIMEOUT.as_millis() as u64)]
    evm_timeout_ms: u64,
    /// Most HTTP connections served at once.
    #[arg(long, default_value_t = config::DEFAULT_MAX_CONNECTIONS)]
    max_connections: usize,
}

fn parse_fund(spec: &str) -> anyhow::Result<(Address, U256)> {
    let (addr, ether) = match spec.split_once(':') {
        Some((a, e)) => (
            a,
            e.parse::<u64>()
                .map_err(|e| anyhow::anyhow!("bad ether amount in {spec:?}: {e}"))?,
        ),
        None => (spec, 1000),
    };
    let address: Address = addr
        .parse()
        .map_err(|e| anyhow::anyhow!("bad address in {spec:?}: {e}"))?;
    Ok((address, config::ether(ether)))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let mut cfg = NodeConfig {
        listen: (args.host, args.port).into(),
        chain_id: args.chain_id,
        max_body_bytes: args.max_body_bytes,
        max_code_size: args.max_code_size,
        arbos_version: args.arbos,
        evm_timeout: Duration::from_millis(args.evm_timeout_ms),
        max_connections: args.max_connections,
        ..NodeConfig::default()
    };
    if let Some(ms) = args.block_time_ms {
        if ms == 0 {
            anyhow::bail!("--block-time-ms must be positive");
        }
        cfg.mining = Mining::Interval(Duration::from_millis(ms));
    }
    for spec in &args.fund {
        cfg.extra_accounts.push(parse_fund(spec)?);
    }
    let node = DevNode::start(cfg).await?;
    println!(
        "stylus-devnode listening on {} (chain id {}, ArbOS {})",
        node.url(),
        args.chain_id,
        args.arbos
    );
    println!(
        "dev account {} (key {})",
        config::DEV_ACCOUNT,
        config::DEV_PRIVATE_KEY
    );
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = async { std::future::pending::<()>().await } => {}
    }
    node.stop().await;
    Ok(())
}
