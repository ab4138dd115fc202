//! `lien node`: the embedded stylus-devnode in the foreground.

use std::time::Duration;

use stylus_devnode::{DevNode, Mining, NodeConfig, DEV_ACCOUNT, NITRO_DEV_CHAIN_ID};

use crate::ctx::{CliError, CliResult};
use crate::input::parse_fund;

/// Runs the dev node on `port` at ArbOS `arbos` until Ctrl-C.
pub async fn run(
    port: u16,
    block_time_ms: Option<u64>,
    fund: &[String],
    max_code_size: usize,
    arbos: u64,
) -> CliResult<()> {
    let mut cfg = NodeConfig {
        listen: ([127, 0, 0, 1], port).into(),
        max_code_size,
        arbos_version: arbos,
        ..NodeConfig::default()
    };
    if let Some(ms) = block_time_ms {
        if ms == 0 {
            return Err(CliError::Missing("--block-time-ms must be positive".into()));
        }
        cfg.mining = Mining::Interval(Duration::from_millis(ms));
    }
    for spec in fund {
        let (address, balance) = parse_fund(spec)?;
        cfg = cfg.with_funded(address, balance);
    }
    let chain_id = cfg.chain_id;
    let node = DevNode::start(cfg)
        .await
        .map_err(|e| CliError::Rpc("starting the dev node".into(), e.to_string()))?;
    println!(
        "stylus-devnode listening on {} (chain id {chain_id}, ArbOS {arbos}); Ctrl-C stops it",
        node.url()
    );
    println!(
        "dev account {DEV_ACCOUNT} signs when no --key/--keystore is given (on chain {NITRO_DEV_CHAIN_ID} only)"
    );
    tokio::signal::ctrl_c()
        .await
        .map_err(|e| CliError::Rpc("waiting for Ctrl-C".into(), e.to_string()))?;
    node.stop().await;
    println!("stopped");
    Ok(())
}
