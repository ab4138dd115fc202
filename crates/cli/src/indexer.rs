//! `lien indexer`: follow a deployment's events into SQLite (a file beside the deployment
//! file) or PostgreSQL (`--db postgres://…`), serve the JSON API, post webhook alerts
//! (docs/INDEXER.md).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use alloy::providers::{DynProvider, Provider, ProviderBuilder};
use anyhow::Context as _;
use lien_indexer::{
    api, deployment, notify, query,
    store::{self, default_sqlite_path},
    sync::{blocking, Indexer, Options},
};

use crate::ctx::Globals;

/// `lien indexer` subcommands.
#[derive(Clone, Debug, clap::Subcommand)]
pub enum IndexerCmd {
    /// Index from the deployment's start block (or where the database stopped) to the head,
    /// then follow the chain; optionally serve the JSON API.
    Run(RunOpts),
    /// Add a webhook subscriber for loan alerts.
    Subscribe(SubscribeOpts),
    /// Print the protocol totals from the index (JSON).
    Totals(DbOpt),
}

/// Which database.
#[derive(Clone, Debug, clap::Args)]
pub struct DbOpt {
    /// SQLite file or postgres:// URL (default: `<deployment>.index.sqlite` beside the
    /// deployment file).
    #[arg(long, env = "LIEN_INDEX_DB")]
    pub db: Option<String>,
}

/// `lien indexer run` options.
#[derive(Clone, Debug, clap::Args)]
pub struct RunOpts {
    #[command(flatten)]
    db: DbOpt,
    /// Serve the JSON API on this address (e.g. 127.0.0.1:8650).
    #[arg(long, conflicts_with = "once")]
    serve: Option<SocketAddr>,
    /// Catch up to the head, check alerts once, and exit.
    #[arg(long)]
    once: bool,
    /// Most blocks per batch (one eth_getLogs and one database transaction).
    #[arg(long, default_value_t = 2_000)]
    batch_blocks: u64,
    /// Blocks behind the head left unindexed.
    #[arg(long, default_value_t = 0)]
    confirmations: u64,
    /// Index from this block instead of the deployment file's `startBlock`.
    #[arg(long)]
    from_block: Option<u64>,
    /// Seconds between polls once at the head.
    #[arg(long, default_value_t = 2)]
    interval: u64,
}

/// `lien indexer subscribe` options.
#[derive(Clone, Debug, clap::Args)]
pub struct SubscribeOpts {
    #[command(flatten)]
    db: DbOpt,
    /// Where alerts are posted (JSON).
    #[arg(long)]
    url: String,
    /// Only loans this account borrowed or lends (all loans when omitted).
    #[arg(long)]
    account: Option<alloy::primitives::Address>,
    /// Alert when debt reaches this share of the liquidation limit (basis points; 0: never).
    #[arg(long, default_value_t = 9_000, value_parser = clap::value_parser!(u16).range(0..=10_000))]
    health_bps: u16,
    /// Alert this many seconds before a loan's due time (0: never).
    #[arg(long, default_value_t = 86_400)]
    due_secs: u64,
}

fn db_name(g: &Globals, opt: &DbOpt) -> String {
    opt.db.clone().unwrap_or_else(|| {
        default_sqlite_path(&g.deployment_path("devnode"))
            .display()
            .to_string()
    })
}

fn open(db: &str) -> anyhow::Result<Box<dyn store::Store>> {
    blocking(|| store::open(db)).with_context(|| format!("opening the index database {db}"))
}

fn provider(g: &Globals) -> anyhow::Result<DynProvider> {
    let url = g
        .rpc_url
        .parse()
        .with_context(|| format!("bad --rpc-url {}", g.rpc_url))?;
    Ok(ProviderBuilder::new().connect_http(url).erased())
}

/// Runs an indexer command.
pub async fn run(g: &Globals, cmd: IndexerCmd) -> anyhow::Result<()> {
    let path: PathBuf = g.deployment_path("devnode");
    match cmd {
        IndexerCmd::Run(opts) => run_indexer(g, &path, opts).await,
        IndexerCmd::Subscribe(opts) => {
            let d = deployment::load(&path)?;
            let p = provider(g)?;
            let mut db = open(&db_name(g, &opts.db))?;
            let chain_id = p.get_chain_id().await.context("chain id")?;
            let since = p.get_block_number().await.context("block number")? as i64;
            let id = blocking(|| -> anyhow::Result<i64> {
                lien_indexer::sync::prepare(db.as_mut(), chain_id, &d.contracts)?;
                let s = notify::Subscriber {
                    id: 0,
                    url: opts.url.clone(),
                    account: opts.account.map(|a| format!("{a:#x}")).unwrap_or_default(),
                    health_bps: opts.health_bps.into(),
                    due_secs: i64::try_from(opts.due_secs).unwrap_or(i64::MAX),
                    since_block: since,
                };
                Ok(notify::subscribe(db.as_mut(), &s)?)
            })?;
            println!(
                "subscriber {id}: {} (health ≥ {} bps, {} s before due; from block {since})",
                opts.url, opts.health_bps, opts.due_secs
            );
            Ok(())
        }
        IndexerCmd::Totals(opt) => {
            let mut db = open(&db_name(g, &opt))?;
            let totals = blocking(|| query::totals(db.as_mut()))?;
            println!("{}", serde_json::to_string_pretty(&totals)?);
            Ok(())
        }
    }
}

async fn run_indexer(g: &Globals, path: &Path, opts: RunOpts) -> anyhow::Result<()> {
    let d = deployment::load(path)?;
    let p = provider(g)?;
    let name = db_name(g, &opts.db);
    let options = Options {
        start_block: opts.from_block.unwrap_or(d.start_block),
        batch_blocks: opts.batch_blocks,
        confirmations: opts.confirmations,
        stop_mid_batch_after: None,
    };
    println!(
        "indexing {} from block {} into {name}",
        path.display(),
        options.start_block
    );
    let mut ix = Indexer::new(p.clone(), d.contracts, open(&name)?, options)
        .await?
        .with_progress(Box::new(|line| println!("{line}")));
    if let Some(addr) = opts.serve {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("binding {addr}"))?;
        let state = api::ApiState {
            db: Arc::new(Mutex::new(open(&name)?)),
            provider: p.clone(),
            liquidator: d.contracts.liquidator,
        };
        println!("serving the API on http://{}", listener.local_addr()?);
        tokio::spawn(api::serve(listener, state));
    }
    let http = reqwest::Client::new();
    let lens = d.contracts.loan_lens;
    if opts.once {
        let head = ix.sync().await?;
        let report = notify::check(ix.db(), &p, lens, &http).await?;
        let totals = blocking(|| query::totals(ix.db()))?;
        println!("at block {head}: {}", totals["loans"]);
        print_report(&report);
        return Ok(());
    }
    ix.follow(
        Duration::from_secs(opts.interval),
        async |ix| match notify::check(ix.db(), &p, lens, &http).await {
            Ok(report) => print_report(&report),
            Err(e) => println!("alerts: {e}"),
        },
    )
    .await?;
    Ok(())
}

fn print_report(r: &notify::Report) {
    if r.recorded + r.delivered + r.failed > 0 {
        println!(
            "alerts: {} new, {} delivered, {} failed (retried next time)",
            r.recorded, r.delivered, r.failed
        );
    }
}
