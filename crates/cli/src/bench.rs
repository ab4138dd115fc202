//! `lien bench node`: the dev node's performance figures (docs/BENCHMARKS.md, "Dev node"):
//! start to ready, deploying and activating the whole protocol, and the speed of Stylus against
//! the EVM on the same compute-heavy logic (a keccak chain, a U256 mulmod/addmod chain), with
//! the gas of each.

use std::time::{Duration, Instant};

use alloy::{
    network::{EthereumWallet, TransactionBuilder},
    primitives::{Address, Bytes, U256},
    providers::{Provider, ProviderBuilder},
    rpc::types::TransactionRequest,
    signers::local::PrivateKeySigner,
};
use lien_client::protocol::{self, GovernanceSetup, RiskSetup};
use stylus_devnode::{DevNode, NodeConfig, DEV_PRIVATE_KEY};

use crate::ctx::{CliError, CliResult};

/// `lien bench` subcommands.
#[derive(Clone, Debug, clap::Subcommand)]
pub enum BenchCmd {
    /// Dev node figures: start to ready, protocol deploy + activation, Stylus vs EVM speed.
    Node {
        /// Node starts measured (the median is reported).
        #[arg(long, default_value_t = 20)]
        starts: usize,
        /// Loop iterations of each compute program per call.
        #[arg(long, default_value_t = 20_000)]
        iterations: u32,
        /// Calls timed per program (the median is reported).
        #[arg(long, default_value_t = 5)]
        calls: usize,
    },
    /// Gas of every user operation (cached and uncached programs, Solidity currency and
    /// collection) against MetaStreet v2's ceilings; `--write-docs`, `--update-snapshot`,
    /// `--check-snapshot`, `--scaling` (docs/BENCHMARKS.md, "Protocol gas per operation").
    Gas(crate::bench_gas::GasBenchOpts),
}

fn rpc(what: &str) -> impl Fn(String) -> CliError + '_ {
    move |e| CliError::Rpc(what.into(), e)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// A Stylus benchmark module: reads `n ‖ seed` (the seed at memory 32), runs `body` n times
/// and returns the 32 bytes at memory 32. `imports` and `data` add hostios and constants.
fn stylus_chain(imports: &str, data: &str, body: &str) -> String {
    format!(
        r#"(module
  (import "vm_hooks" "read_args" (func $read_args (param i32)))
  (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
  {imports}
  (memory (export "memory") 1 1)
  {data}
  (func $be32 (param $p i32) (result i32)
    (i32.or
      (i32.or (i32.shl (i32.load8_u (local.get $p)) (i32.const 24))
              (i32.shl (i32.load8_u offset=1 (local.get $p)) (i32.const 16)))
      (i32.or (i32.shl (i32.load8_u offset=2 (local.get $p)) (i32.const 8))
              (i32.load8_u offset=3 (local.get $p)))))
  (func (export "user_entrypoint") (param $len i32) (result i32) (local $n i32)
    (call $read_args (i32.const 0))
    (local.set $n (call $be32 (i32.const 28)))
    (block $done (loop $l
      (br_if $done (i32.eqz (local.get $n)))
      {body}
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $l)))
    (call $write_result (i32.const 32) (i32.const 32))
    i32.const 0))"#
    )
}

/// Keccak chain: `h := keccak256(h)` n times (calldata `n ‖ seed`, returns h).
fn stylus_keccak() -> String {
    stylus_chain(
        r#"(import "vm_hooks" "native_keccak256" (func $keccak (param i32 i32 i32)))"#,
        "",
        "(call $keccak (i32.const 32) (i32.const 32) (i32.const 32))",
    )
}

/// U256 chain: `x := (x·x mod P + 7) mod P`, P = 2^256 − 189, n times (same calldata).
fn stylus_mulmod() -> String {
    stylus_chain(
        r#"(import "vm_hooks" "math_mul_mod" (func $mulmod (param i32 i32 i32)))
  (import "vm_hooks" "math_add_mod" (func $addmod (param i32 i32 i32)))"#,
        r#"(data (i32.const 64) "\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\43")
  (data (i32.const 127) "\07")"#,
        "(memory.copy (i32.const 128) (i32.const 32) (i32.const 32))
      (call $mulmod (i32.const 32) (i32.const 128) (i32.const 64))
      (call $addmod (i32.const 32) (i32.const 96) (i32.const 64))",
    )
}

/// The keccak chain in EVM bytecode (hand-assembled; offsets in the comments).
fn evm_keccak() -> Vec<u8> {
    vec![
        0x60, 0x00, 0x35, // 00 n
        0x60, 0x20, 0x35, // 03 seed
        0x60, 0x00, 0x52, // 06 mem[0] = seed        [n]
        0x5b, //             09 loop:
        0x80, 0x15, 0x60, 0x1e, 0x57, // 0a if n == 0 goto end
        0x60, 0x20, 0x60, 0x00, 0x20, // 0f keccak256(mem[0..32])
        0x60, 0x00, 0x52, // 14 mem[0] = h
        0x60, 0x01, 0x90, 0x03, // 17 n - 1
        0x60, 0x09, 0x56, // 1b goto loop
        0x5b, //             1e end:
        0x60, 0x20, 0x60, 0x00, 0xf3, // 1f return mem[0..32]
    ]
}

/// The U256 chain in EVM bytecode.
fn evm_mulmod() -> Vec<u8> {
    let mut c = vec![
        0x60, 0x00, 0x35, // 00 n
        0x60, 0x20, 0x35, // 03 x                     [x, n]
        0x5b, //             06 loop:
        0x81, 0x15, 0x60, 0x40, 0x57, // 07 if n == 0 goto end
        0x7f, //             0c PUSH32 P
    ];
    let mut p = [0xffu8; 32];
    p[31] = 0x43;
    c.extend_from_slice(&p);
    c.extend_from_slice(&[
        0x80, 0x82, 0x80, 0x09, // 2d [x·x mod P, P, x, n]
        0x60, 0x07, 0x90, 0x08, // 31 [(m + 7) mod P, x, n]
        0x90, 0x50, // 35 [x', n]
        0x90, 0x60, 0x01, 0x90, 0x03, 0x90, // 37 [x', n - 1]
        0x60, 0x06, 0x56, // 3d goto loop
        0x5b, //             40 end:
        0x60, 0x00, 0x52, 0x60, 0x20, 0x60, 0x00, 0xf3, // 41 return x
    ]);
    c
}

/// Init code that returns `runtime`.
fn evm_init(runtime: &[u8]) -> Vec<u8> {
    let n = runtime.len() as u16;
    let mut c = vec![
        0x61,
        (n >> 8) as u8,
        n as u8,
        0x80,
        0x60,
        0x0c,
        0x5f,
        0x39,
        0x5f,
        0xf3,
    ];
    c.extend_from_slice(&[0x00, 0x00]);
    c.extend_from_slice(runtime);
    c
}

async fn send(
    p: &impl Provider,
    tx: TransactionRequest,
) -> CliResult<alloy::rpc::types::TransactionReceipt> {
    let r = p
        .send_transaction(tx)
        .await
        .map_err(|e| rpc("send")(e.to_string()))?
        .get_receipt()
        .await
        .map_err(|e| rpc("receipt")(e.to_string()))?;
    if !r.status() {
        return Err(CliError::Missing(format!(
            "transaction {} failed",
            r.transaction_hash
        )));
    }
    Ok(r)
}

async fn create(p: &impl Provider, init: Vec<u8>) -> CliResult<Address> {
    let r = send(
        p,
        TransactionRequest::default().with_deploy_code(Bytes::from(init)),
    )
    .await?;
    r.contract_address
        .ok_or_else(|| CliError::Missing("no contract address".into()))
}

async fn stylus_program(p: &impl Provider, wat_src: &str) -> CliResult<Address> {
    let wasm = wat::parse_str(wat_src).map_err(|e| CliError::Missing(e.to_string()))?;
    let code = stylus_vm::code::encode_program(&wasm);
    let addr = create(p, stylus_vm::code::deploy_init_code(&code)).await?;
    let mut data = stylus_vm::abi::selector("activateProgram(address)").to_vec();
    data.extend_from_slice(addr.into_word().as_slice());
    let tx = TransactionRequest::default()
        .with_to(lien_client::deploy::ARB_WASM)
        .with_input(data)
        .with_value(U256::from(10u64).pow(U256::from(17)));
    send(p, tx).await?;
    Ok(addr)
}

/// Gas and median wall time of calling `to` with `data`.
async fn measure(
    p: &impl Provider,
    to: Address,
    data: &Bytes,
    calls: usize,
) -> CliResult<(u64, Duration, Bytes)> {
    let req = TransactionRequest::default()
        .with_to(to)
        .with_input(data.clone());
    let gas = p
        .estimate_gas(req.clone())
        .await
        .map_err(|e| rpc("eth_estimateGas")(e.to_string()))?;
    let mut times = Vec::new();
    let mut out = Bytes::new();
    for _ in 0..calls.max(1) {
        let t = Instant::now();
        out = p
            .call(req.clone())
            .await
            .map_err(|e| rpc("eth_call")(e.to_string()))?;
        times.push(t.elapsed());
    }
    Ok((gas, median(times), out))
}

/// Runs `lien bench`.
pub async fn run(cmd: BenchCmd) -> CliResult<()> {
    let (starts, iterations, calls) = match cmd {
        BenchCmd::Node {
            starts,
            iterations,
            calls,
        } => (starts, iterations, calls),
        BenchCmd::Gas(opts) => return crate::bench_gas::run(opts).await,
    };
    let profile = if cfg!(debug_assertions) {
        "debug (dev profile)"
    } else {
        "optimised (release/host profile)"
    };
    println!("lien bench node — build: {profile}");

    // 1. Start to ready: DevNode::start returns once the port accepts; then net_version.
    let mut times = Vec::new();
    for _ in 0..starts.max(1) {
        let t = Instant::now();
        let node = DevNode::start(NodeConfig::ephemeral())
            .await
            .map_err(|e| rpc("start")(e.to_string()))?;
        let p = ProviderBuilder::new().connect_http(
            node.url()
                .parse()
                .map_err(|_| CliError::Url(node.url().into()))?,
        );
        p.get_chain_id()
            .await
            .map_err(|e| rpc("eth_chainId")(e.to_string()))?;
        times.push(t.elapsed());
        node.stop().await;
    }
    let start = median(times.clone());
    println!(
        "node start to first answer: median {:.1} ms over {} starts (min {:.1} ms, goal < 200 ms)",
        start.as_secs_f64() * 1e3,
        times.len(),
        times
            .iter()
            .min()
            .map(|d| d.as_secs_f64() * 1e3)
            .unwrap_or_default()
    );

    let node = DevNode::start(NodeConfig::ephemeral())
        .await
        .map_err(|e| rpc("start")(e.to_string()))?;
    let signer: PrivateKeySigner = DEV_PRIVATE_KEY
        .parse()
        .map_err(|_| CliError::Key("dev".into()))?;
    let me = signer.address();
    let p = ProviderBuilder::new()
        .wallet(EthereumWallet::from(signer))
        .connect_http(
            node.url()
                .parse()
                .map_err(|_| CliError::Url(node.url().into()))?,
        );

    // 2. The whole protocol: deploy (StylusDeployer), activate, construct and wire.
    let root = lien_client::package::workspace_root();
    let names: Vec<String> = protocol::PROTOCOL_PACKAGES
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    let artifacts =
        lien_client::package::package_some(&root, &lien_client::cache::stylus_dir(&root), &names)
            .map_err(anyhow::Error::from)?;
    let get = |n: &str| {
        artifacts
            .iter()
            .find(|a| a.package == n)
            .map(|a| a.code.as_slice())
    };
    let setup = GovernanceSetup {
        owners: vec![me],
        threshold: 1,
        delay: 3_600,
        guardian: me,
    };
    let t = Instant::now();
    let (_, steps) = protocol::deploy_protocol(&p, me, get, &setup, RiskSetup::default())
        .await
        .map_err(anyhow::Error::from)?;
    let deploy = t.elapsed();
    let gas: u64 = steps.iter().map(|s| s.gas).sum();
    println!(
        "deploy + activate + wire the protocol: {:.2} s ({} transactions, {gas} gas; goal < 2 s)",
        deploy.as_secs_f64(),
        steps.len()
    );

    // 3. Stylus against the EVM on the same logic.
    let mut data = U256::from(iterations).to_be_bytes::<32>().to_vec();
    data.extend_from_slice(&[0x5a; 32]);
    let data = Bytes::from(data);
    println!(
        "\n{:<26} {:>12} {:>12} {:>14} {:>10}",
        "workload", "gas", "wall/call", "ns/iteration", "same out"
    );
    for (name, wat_src, evm) in [
        ("keccak chain", stylus_keccak(), evm_keccak()),
        ("U256 mulmod+addmod chain", stylus_mulmod(), evm_mulmod()),
    ] {
        let stylus = stylus_program(&p, &wat_src).await?;
        let evm = create(&p, evm_init(&evm)).await?;
        let (sg, st, so) = measure(&p, stylus, &data, calls).await?;
        let (eg, et, eo) = measure(&p, evm, &data, calls).await?;
        for (vm, g, t) in [("Stylus", sg, st), ("EVM", eg, et)] {
            println!(
                "{:<26} {:>12} {:>9.2} ms {:>14.0} {:>10}",
                format!("{name} ({vm})"),
                g,
                t.as_secs_f64() * 1e3,
                t.as_nanos() as f64 / f64::from(iterations.max(1)),
                so == eo
            );
        }
        println!(
            "{:<26} gas EVM/Stylus {:.1}x, time EVM/Stylus {:.2}x",
            "",
            eg as f64 / sg.max(1) as f64,
            et.as_secs_f64() / st.as_secs_f64().max(1e-9)
        );
    }
    node.stop().await;
    Ok(())
}
