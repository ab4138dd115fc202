//! `lien gas <tx>`: where a transaction's gas went, frame by frame, with the Stylus split
//! (entry, compute, storage, calls, logs, memory) from the node's `debug_traceTransaction`.

use alloy::{
    primitives::{Address, B256},
    providers::{Provider, ProviderBuilder},
};
use lien_client::gas_trace;

use crate::ctx::{CliError, CliResult, Deployment, Globals};

/// Options of `lien gas`.
#[derive(Clone, Debug, clap::Args)]
pub struct GasOpts {
    /// The transaction hash.
    pub tx: B256,
    /// JSON-RPC endpoint (overrides --rpc-url); the node must serve `debug_traceTransaction`
    /// with `callTracer` (the dev node adds the Stylus split).
    #[arg(long = "rpc", value_name = "URL")]
    pub rpc: Option<String>,
}

/// Names for the protocol's and the system contracts' addresses.
fn namer(deployment: Option<Deployment>) -> impl Fn(Address) -> Option<String> {
    let mut names: Vec<(Address, String)> = vec![
        (lien_client::deploy::ARB_WASM, "ArbWasm".into()),
        (
            lien_client::program_cache::ARB_WASM_CACHE,
            "ArbWasmCache".into(),
        ),
        (
            lien_client::deploy::STYLUS_DEPLOYER,
            "StylusDeployer".into(),
        ),
    ];
    if let Some(d) = deployment {
        let c = d.contracts;
        names.extend([
            (c.governance, "governance".into()),
            (c.oracle, "oracle".into()),
            (c.vault, "vault".into()),
            (c.offer_book, "offer book".into()),
            (c.loan_book, "loan book".into()),
            (c.liquidator, "liquidator".into()),
        ]);
        if let Some(m) = d.mocks {
            names.push((m.currency, "currency (mock)".into()));
            names.push((m.collection, "collection (mock)".into()));
        }
    }
    move |a| {
        names
            .iter()
            .find(|(x, _)| *x == a)
            .map(|(_, n)| format!("{n} {a}"))
    }
}

/// Runs `lien gas`.
pub async fn run(g: &Globals, opts: GasOpts) -> CliResult<()> {
    let url_text = opts.rpc.clone().unwrap_or_else(|| g.rpc_url.clone());
    let url = url_text
        .parse::<alloy::transports::http::reqwest::Url>()
        .map_err(|_| CliError::Url(url_text.clone()))?;
    let provider = ProviderBuilder::new().connect_http(url);
    let receipt = provider
        .get_transaction_receipt(opts.tx)
        .await
        .map_err(|e| CliError::Rpc("receipt".into(), e.to_string()))?
        .ok_or_else(|| CliError::Missing(format!("no transaction {} on {url_text}", opts.tx)))?;
    let tree = gas_trace::trace_transaction(&provider, opts.tx)
        .await
        .map_err(|e| CliError::Rpc("debug_traceTransaction".into(), e.to_string()))?;
    let deployment = Deployment::load(&g.deployment_path("devnode")).ok();
    let names = namer(deployment);
    println!(
        "transaction {} ({}), gas used {}",
        opts.tx,
        if receipt.status() {
            "success"
        } else {
            "failed"
        },
        receipt.gas_used
    );
    print!("{}", gas_trace::render(&tree, &names));
    println!("(Stylus lines in gas: ink / ink price; calls include the callee's gas)");
    Ok(())
}
