//! Throughput and latency of stylus-devnode next to anvil, through JSON-RPC on loopback.
//!
//! Run: `cargo run --profile host -p stylus-devnode --example bench [-- --txs N --senders K]`
//!
//! Workloads (the same pre-signed EIP-1559 transactions for both nodes, automine on both):
//! 1. plain ETH transfers, one sender, sequential (latency of `eth_sendRawTransaction`);
//! 2. plain ETH transfers from K senders in parallel (throughput);
//! 3. ERC-20 `transfer` from K senders in parallel (our hand-assembled token);
//! 4. `eth_call` of `balanceOf`, K callers in parallel.
//!
//! Each phase is bounded by N requests and 60 seconds. anvil comes from npm (`@foundry-rs/anvil`).

#[path = "../tests/common/mod.rs"]
mod common;

use alloy::{
    primitives::{Address, Bytes, TxKind, B256, U256},
    providers::{Provider, ProviderBuilder},
    signers::local::PrivateKeySigner,
    sol,
    sol_types::SolCall,
};
use common::{contracts, eip1559, tools};
use std::{
    borrow::Cow,
    sync::Arc,
    time::{Duration, Instant},
};
use stylus_devnode::{DevNode, NodeConfig, DEV_ACCOUNT, DEV_PRIVATE_KEY};

sol! {
    function transfer(address to, uint256 amount) returns (bool);
    function balanceOf(address owner) returns (uint256);
}

const MAX_FEE: u128 = 10_000_000_000; // 10 gwei: above both nodes' base fee
const PHASE_LIMIT: Duration = Duration::from_secs(60);

struct Opts {
    txs: usize,
    senders: usize,
    /// `--only devnode` or `--only anvil` runs one side.
    only: Option<String>,
}

fn opts() -> Opts {
    let mut o = Opts {
        txs: 2000,
        senders: 8,
        only: None,
    };
    let args: Vec<String> = std::env::args().collect();
    for w in args.windows(2) {
        match w[0].as_str() {
            "--txs" => o.txs = w[1].parse().expect("--txs N"),
            "--senders" => o.senders = w[1].parse().expect("--senders K"),
            "--only" => o.only = Some(w[1].clone()),
            _ => {}
        }
    }
    o.txs = o.txs.clamp(10, 100_000);
    o.senders = o.senders.clamp(1, 64);
    o
}

type Client = alloy::providers::RootProvider;

fn client(url: &str) -> Client {
    ProviderBuilder::new()
        .disable_recommended_fillers()
        .connect_http(url.parse().expect("url"))
}

async fn send_raw(c: &Client, raw: &Bytes) -> B256 {
    c.raw_request::<_, B256>(Cow::Borrowed("eth_sendRawTransaction"), (raw,))
        .await
        .expect("eth_sendRawTransaction")
}

#[derive(Default)]
struct Stats {
    count: usize,
    elapsed: Duration,
    latencies: Vec<Duration>,
}

impl Stats {
    fn line(&mut self, name: &str) -> String {
        self.latencies.sort_unstable();
        let pct = |p: f64| {
            let i = ((self.latencies.len() as f64 * p) as usize)
                .min(self.latencies.len().saturating_sub(1));
            self.latencies
                .get(i)
                .map(|d| d.as_secs_f64() * 1000.0)
                .unwrap_or(0.0)
        };
        let tps = self.count as f64 / self.elapsed.as_secs_f64().max(1e-9);
        format!(
            "{name:<36} {:>6} tx/calls {:>8.0} /s   send p50 {:>7.3} ms   p99 {:>7.3} ms",
            self.count,
            tps,
            pct(0.50),
            pct(0.99)
        )
    }
}

/// Sends each sender's transactions in order, senders in parallel.
async fn run_parallel(url: &str, batches: Vec<Vec<Bytes>>) -> Stats {
    let start = Instant::now();
    let deadline = start + PHASE_LIMIT;
    let mut tasks = Vec::new();
    for batch in batches {
        let c = client(url);
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::with_capacity(batch.len());
            for raw in batch {
                if Instant::now() > deadline {
                    break;
                }
                let t = Instant::now();
                send_raw(&c, &raw).await;
                lat.push(t.elapsed());
            }
            lat
        }));
    }
    let mut stats = Stats::default();
    for t in tasks {
        stats.latencies.extend(t.await.expect("sender task"));
    }
    stats.elapsed = start.elapsed();
    stats.count = stats.latencies.len();
    stats
}

async fn run_calls(url: &str, token: Address, callers: usize, total: usize) -> Stats {
    let start = Instant::now();
    let deadline = start + PHASE_LIMIT;
    let data = Bytes::from(balanceOfCall { owner: DEV_ACCOUNT }.abi_encode());
    let mut tasks = Vec::new();
    for _ in 0..callers {
        let c = client(url);
        let data = data.clone();
        let n = total / callers;
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::with_capacity(n);
            let req = serde_json::json!({ "to": token, "data": data });
            for _ in 0..n {
                if Instant::now() > deadline {
                    break;
                }
                let t = Instant::now();
                let _: Bytes = c
                    .raw_request(Cow::Borrowed("eth_call"), (&req, "latest"))
                    .await
                    .expect("eth_call");
                lat.push(t.elapsed());
            }
            lat
        }));
    }
    let mut stats = Stats::default();
    for t in tasks {
        stats.latencies.extend(t.await.expect("caller task"));
    }
    stats.elapsed = start.elapsed();
    stats.count = stats.latencies.len();
    stats
}

async fn nonce(c: &Client, who: Address) -> u64 {
    c.get_transaction_count(who).await.expect("nonce")
}

async fn wait_receipt(c: &Client, hash: B256) -> alloy::rpc::types::TransactionReceipt {
    for _ in 0..200 {
        if let Some(r) = c.get_transaction_receipt(hash).await.expect("receipt") {
            return r;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("no receipt for {hash}");
}

/// Runs every workload against the node at `url`; returns the report lines.
async fn bench_node(url: &str, chain_id: u64, o: &Opts) -> Vec<String> {
    let c = client(url);
    let dev: PrivateKeySigner = DEV_PRIVATE_KEY.parse().expect("dev key");
    let senders: Vec<PrivateKeySigner> =
        (0..o.senders).map(|_| PrivateKeySigner::random()).collect();
    let mut dev_nonce = nonce(&c, DEV_ACCOUNT).await;
    // Fund the senders and deploy the token (its supply goes to the dev account).
    for s in &senders {
        let raw = eip1559(
            &dev,
            chain_id,
            dev_nonce,
            TxKind::Call(s.address()),
            U256::from(10u64).pow(U256::from(19u64)),
            Bytes::new(),
            21_000,
            MAX_FEE,
        );
        wait_receipt(&c, send_raw(&c, &raw).await).await;
        dev_nonce += 1;
    }
    let supply = U256::from(10u64).pow(U256::from(30u64));
    let raw = eip1559(
        &dev,
        chain_id,
        dev_nonce,
        TxKind::Create,
        U256::ZERO,
        contracts::erc20_init(supply).into(),
        500_000,
        MAX_FEE,
    );
    let token = wait_receipt(&c, send_raw(&c, &raw).await)
        .await
        .contract_address
        .expect("token address");
    dev_nonce += 1;
    for s in &senders {
        let data = Bytes::from(
            transferCall {
                to: s.address(),
                amount: U256::from(10u64).pow(U256::from(24u64)),
            }
            .abi_encode(),
        );
        let raw = eip1559(
            &dev,
            chain_id,
            dev_nonce,
            TxKind::Call(token),
            U256::ZERO,
            data,
            100_000,
            MAX_FEE,
        );
        let r = wait_receipt(&c, send_raw(&c, &raw).await).await;
        assert!(r.status(), "token funding");
        dev_nonce += 1;
    }

    let mut lines = Vec::new();
    // 1. Sequential transfers from the dev account.
    let sink = Address::repeat_byte(0x5a);
    let seq: Vec<Bytes> = (0..o.txs as u64)
        .map(|i| {
            eip1559(
                &dev,
                chain_id,
                dev_nonce + i,
                TxKind::Call(sink),
                U256::from(1),
                Bytes::new(),
                21_000,
                MAX_FEE,
            )
        })
        .collect();
    let start = Instant::now();
    let mut s = run_parallel(url, vec![seq]).await;
    if !settle(&c, || async {
        c.get_balance(sink).await.expect("balance") == U256::from(s.count)
    })
    .await
    {
        let pool: serde_json::Value = c
            .raw_request(Cow::Borrowed("txpool_status"), ())
            .await
            .unwrap_or(serde_json::Value::Null);
        panic!(
            "not every transfer was mined: sink has {} of {} wei, dev nonce {} (started at {dev_nonce}), txpool_status {pool}",
            c.get_balance(sink).await.expect("balance"),
            s.count,
            nonce(&c, DEV_ACCOUNT).await
        );
    }
    s.elapsed = start.elapsed();
    let sequential = s.count;
    lines.push(s.line("ETH transfer, 1 sender (sequential)"));

    // 2. Parallel transfers.
    let per = o.txs / o.senders;
    let batches: Vec<Vec<Bytes>> = senders
        .iter()
        .map(|k| {
            (0..per as u64)
                .map(|n| {
                    eip1559(
                        k,
                        chain_id,
                        n,
                        TxKind::Call(sink),
                        U256::from(1),
                        Bytes::new(),
                        21_000,
                        MAX_FEE,
                    )
                })
                .collect()
        })
        .collect();
    let start = Instant::now();
    let mut s = run_parallel(url, batches).await;
    let done = U256::from(sequential + s.count);
    if !settle(&c, || async {
        c.get_balance(sink).await.expect("balance") >= done
    })
    .await
    {
        panic!("not every parallel transfer was mined");
    }
    s.elapsed = start.elapsed();
    lines.push(s.line(&format!("ETH transfer, {} senders", o.senders)));

    // 3. Parallel ERC-20 transfers.
    let batches: Vec<Vec<Bytes>> = senders
        .iter()
        .map(|k| {
            (0..per as u64)
                .map(|n| {
                    let to = Address::with_last_byte((n % 200) as u8 + 1);
                    let data = Bytes::from(
                        transferCall {
                            to,
                            amount: U256::from(1),
                        }
                        .abi_encode(),
                    );
                    eip1559(
                        k,
                        chain_id,
                        per as u64 + n,
                        TxKind::Call(token),
                        U256::ZERO,
                        data,
                        60_000,
                        MAX_FEE,
                    )
                })
                .collect()
        })
        .collect();
    let start = Instant::now();
    let mut s = run_parallel(url, batches).await;
    let last = senders[0].address();
    if !settle(&c, || async { nonce(&c, last).await == 2 * per as u64 }).await {
        panic!(
            "not every ERC-20 transfer was mined: nonce {} of {}",
            nonce(&c, last).await,
            2 * per
        );
    }
    s.elapsed = start.elapsed();
    lines.push(s.line(&format!("ERC-20 transfer, {} senders", o.senders)));

    // 4. eth_call balanceOf.
    let mut s = run_calls(url, token, o.senders, o.txs).await;
    lines.push(s.line(&format!("eth_call balanceOf, {} callers", o.senders)));
    lines
}

/// Waits (up to 60 s) until `check` holds. anvil mines after accepting a transaction and,
/// when transactions arrive faster than it mines, leaves a backlog in its pool that only the
/// next arrival or an explicit `evm_mine` drains; so between checks we ask for a block.
/// stylus-devnode executes on arrival, so its check holds at once and no block is added.
async fn settle<F, Fut>(c: &Client, check: F) -> bool
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..6000 {
        if check().await {
            return true;
        }
        let _: Result<serde_json::Value, _> = c.raw_request(Cow::Borrowed("evm_mine"), ()).await;
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    false
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

async fn start_anvil(bin: &std::path::Path) -> (tokio::process::Child, String) {
    let port = free_port();
    let child = tokio::process::Command::new(bin)
        .args([
            "--port",
            &port.to_string(),
            "--host",
            "127.0.0.1",
            "--silent",
            "--chain-id",
            "412346",
        ])
        .kill_on_drop(true)
        .spawn()
        .expect("start anvil");
    let url = format!("http://127.0.0.1:{port}");
    let c = client(&url);
    for _ in 0..200 {
        if c.get_chain_id().await.is_ok() {
            // Fund the Nitro dev account so both nodes run the identical workload.
            let balance = U256::from(10u64).pow(U256::from(24u64));
            let _: serde_json::Value = c
                .raw_request(Cow::Borrowed("anvil_setBalance"), (DEV_ACCOUNT, balance))
                .await
                .expect("anvil_setBalance");
            return (child, url);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("anvil did not start on {url}");
}

fn main() {
    let o = opts();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    // The dev node gets its own runtime, like a separate process would.
    let node_rt = Arc::new(
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("node runtime"),
    );
    let node = node_rt
        .block_on(DevNode::start(NodeConfig::ephemeral()))
        .expect("start devnode");
    let url = node.url().to_string();
    println!(
        "workload: {} requests per phase, {} parallel senders, EIP-1559, automine, loopback HTTP",
        o.txs, o.senders
    );
    println!(
        "machine: {} logical CPUs",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    );
    if o.only.as_deref() != Some("anvil") {
        let ours = rt.block_on(bench_node(&url, 412_346, &o));
        println!("\nstylus-devnode {}", env!("CARGO_PKG_VERSION"));
        for l in &ours {
            println!("  {l}");
        }
    }
    node_rt.block_on(node.stop());
    if o.only.as_deref() == Some("devnode") {
        return;
    }

    match tools::tool("anvil") {
        Some(bin) => {
            let version = std::process::Command::new(&bin)
                .arg("--version")
                .output()
                .map(|o| {
                    String::from_utf8_lossy(&o.stdout)
                        .lines()
                        .next()
                        .unwrap_or("")
                        .to_string()
                })
                .unwrap_or_default();
            let theirs = rt.block_on(async {
                let (mut child, url) = start_anvil(&bin).await;
                let lines = bench_node(&url, 412_346, &o).await;
                let _ = child.kill().await;
                lines
            });
            println!("\n{version}");
            for l in &theirs {
                println!("  {l}");
            }
        }
        None => println!("\nanvil skipped (LIEN_SKIP_CAST=1)"),
    }
}
