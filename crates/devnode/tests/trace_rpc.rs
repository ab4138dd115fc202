//! `debug_traceTransaction` / `debug_traceCall` over JSON-RPC (callTracer with Stylus frames and
//! their gas split, stylusTracer, the struct logger) and the CacheManager (bids, caching,
//! eviction, the cached entry cost).

mod common;

use alloy::{
    network::TransactionBuilder,
    primitives::{address, keccak256, Address, Bytes, B256, U256},
    providers::Provider,
    rpc::types::TransactionRequest,
    sol,
    sol_types::{SolCall, SolError},
};
use common::*;
use serde_json::{json, Value};
use stylus_devnode::DEV_ACCOUNT;
use stylus_vm::code::{deploy_init_code, encode_program};

const ARB_WASM: Address = address!("0000000000000000000000000000000000000071");
const ARB_WASM_CACHE: Address = address!("0000000000000000000000000000000000000072");
const ARB_DEBUG: Address = address!("00000000000000000000000000000000000000ff");
const CACHE_MANAGER: Address = address!("2F8Bd4EaB69764c105aDd7dE7CB0402557a44E6f");

sol! {
    function activateProgram(address program) payable returns (uint16 version, uint256 dataFee);
    function programInitGas(address program) returns (uint64 gas, uint64 gasWhenCached);
    function allCacheManagers() returns (address[] managers);
    function codehashIsCached(bytes32 codehash) returns (bool);
    function becomeChainOwner();
    function placeBid(address program) payable;
    function getMinBid(address program) returns (uint192 min);
    function cacheSize() returns (uint64);
    function queueSize() returns (uint64);
    function decay() returns (uint64);
    function setCacheSize(uint64 newSize);
    function setDecayRate(uint64 newDecay);
    error AlreadyCached(bytes32 codehash);
    error BidTooSmall(uint192 bid, uint192 min);
    error NotChainOwner(address sender);
    error ProgramNotActivated();
}

/// calldata = target(20) ‖ payload: calls target with payload and returns its status;
/// shorter calldata: loads slot 0 and logs it.
const RELAY_WAT: &str = r#"(module
  (import "vm_hooks" "read_args" (func $read_args (param i32)))
  (import "vm_hooks" "call_contract" (func $call (param i32 i32 i32 i32 i64 i32) (result i32)))
  (import "vm_hooks" "storage_load_bytes32" (func $load (param i32 i32)))
  (import "vm_hooks" "emit_log" (func $log (param i32 i32 i32)))
  (memory (export "memory") 1 1)
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (call $read_args (i32.const 0))
    (if (i32.ge_u (local.get $len) (i32.const 20)) (then
      (return (call $call (i32.const 0) (i32.const 20) (i32.sub (local.get $len) (i32.const 20))
        (i32.const 2000) (i64.const -1) (i32.const 2100)))))
    (call $load (i32.const 3000) (i32.const 3100))
    (call $log (i32.const 3000) (i32.const 32) (i32.const 1))
    i32.const 0))"#;

/// EVM runtime: CALLs `target` with its own calldata and returns/reverts with the result.
fn evm_forwarder(target: Address) -> Vec<u8> {
    let mut c = vec![
        0x36, 0x60, 0x00, 0x60, 0x00, 0x37, 0x60, 0x00, 0x60, 0x00, 0x36, 0x60, 0x00, 0x60, 0x00,
        0x73,
    ];
    c.extend_from_slice(target.as_slice());
    c.extend_from_slice(&[0x5a, 0xf1, 0x3d, 0x60, 0x00, 0x60, 0x00, 0x3e]);
    let dest = c.len() + 3 + 4;
    c.extend_from_slice(&[
        0x60, dest as u8, 0x57, 0x3d, 0x60, 0x00, 0xfd, 0x5b, 0x3d, 0x60, 0x00, 0xf3,
    ]);
    c
}

/// Init code returning `runtime` (PUSH2 len, DUP1, PUSH1 12, PUSH0, CODECOPY, PUSH0, RETURN).
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

async fn send(p: &impl Provider, tx: TransactionRequest) -> alloy::rpc::types::TransactionReceipt {
    p.send_transaction(tx)
        .await
        .expect("send")
        .get_receipt()
        .await
        .expect("receipt")
}

async fn create(p: &impl Provider, init: Vec<u8>) -> Address {
    let r = send(
        p,
        TransactionRequest::default().with_deploy_code(Bytes::from(init)),
    )
    .await;
    assert!(r.status(), "deploy");
    r.contract_address.expect("address")
}

async fn activate(p: &impl Provider, program: Address) {
    let tx = TransactionRequest::default()
        .with_to(ARB_WASM)
        .with_input(activateProgramCall { program }.abi_encode())
        .with_value(U256::from(10u64).pow(U256::from(17)));
    assert!(send(p, tx).await.status(), "activation");
}

async fn call_data(p: &impl Provider, to: Address, data: Vec<u8>) -> Bytes {
    p.call(TransactionRequest::default().with_to(to).with_input(data))
        .await
        .expect("eth_call")
}

/// Deploys the relay program twice (A activated; B shares its code hash) and a forwarder to A.
async fn relay_setup(p: &impl Provider) -> (Address, Address, Address) {
    let code = encode_program(&wat::parse_str(RELAY_WAT).expect("wat"));
    let a = create(p, deploy_init_code(&code)).await;
    activate(p, a).await;
    let b = create(p, deploy_init_code(&code)).await;
    let fwd = create(p, evm_init(&evm_forwarder(a))).await;
    (a, b, fwd)
}

fn q(v: &Value) -> u64 {
    qty(v)
}

#[tokio::test]
async fn call_tracer_shows_evm_stylus_stylus_frames_with_their_gas_split() {
    let node = start().await;
    let url = node.url().to_string();
    let p = provider(&url, dev_signer());
    let (a, b, fwd) = relay_setup(&p).await;
    let tx = TransactionRequest::default()
        .with_to(fwd)
        .with_input(b.to_vec());
    let receipt = send(&p, tx.clone()).await;
    assert!(receipt.status());
    let hash = receipt.transaction_hash;

    let cfg = json!({"tracer": "callTracer", "tracerConfig": {"withLog": true}});
    let root = rpc_ok(&url, "debug_traceTransaction", json!([hash, cfg])).await;
    assert_eq!(root["type"], "CALL");
    assert_eq!(root["from"], json!(DEV_ACCOUNT));
    assert_eq!(root["to"], json!(fwd));
    assert_eq!(
        q(&root["gasUsed"]),
        receipt.gas_used,
        "top frame: the receipt's gas"
    );
    assert!(root.get("stylusGas").is_none(), "the forwarder is EVM code");
    let fa = &root["calls"][0];
    assert_eq!((fa["type"].as_str(), &fa["to"]), (Some("CALL"), &json!(a)));
    assert_eq!(fa["input"], json!(Bytes::copy_from_slice(b.as_slice())));
    let fb = &fa["calls"][0];
    assert_eq!((fb["from"].clone(), fb["to"].clone()), (json!(a), json!(b)));
    assert!(fb.get("calls").is_none());
    let (sa, sb) = (&fa["stylusGas"], &fb["stylusGas"]);
    assert_eq!(sb["cached"], false);
    assert_eq!(q(&sb["storageLoads"]["count"]), 1);
    assert_eq!(q(&sb["storageLoads"]["cold"]), 1);
    assert_eq!(q(&sb["logs"]["count"]), 1);
    // B's gas: its entry charge plus its ink (rounded up to gas).
    let ink_used = q(&sb["inkLimit"]) - q(&sb["inkLeft"]);
    assert_eq!(
        q(&fb["gasUsed"]),
        q(&sb["entryGas"]) + q(&sb["memoryEntryGas"]) + ink_used.div_ceil(10_000)
    );
    let parts: u64 = [
        "storageLoads",
        "storageStores",
        "calls",
        "logs",
        "memoryGrowth",
        "otherHostios",
    ]
    .iter()
    .map(|k| q(&sb[k]["ink"]))
    .sum::<u64>()
        + q(&sb["computeInk"]);
    assert_eq!(parts, ink_used, "the split adds up to the ink used");
    // A's call: 83,193 + 2 × 16,381 ink, 2,600 gas (cold B), and everything B used.
    assert_eq!(
        q(&sa["calls"]["ink"]),
        83_193 + 2 * 16_381 + (2_600 + q(&fb["gasUsed"])) * 10_000
    );
    // The log is B's, with geth's position.
    assert_eq!(fb["logs"][0]["address"], json!(b));
    assert_eq!(fb["logs"][0]["position"], "0x0");
    assert!(fa.get("logs").is_none());

    // onlyTopCall drops the sub-frames; debug_traceCall gives the same tree for the same call.
    let top = rpc_ok(
        &url,
        "debug_traceTransaction",
        json!([hash, {"tracer": "callTracer", "tracerConfig": {"onlyTopCall": true}}]),
    )
    .await;
    assert!(top.get("calls").is_none());
    let call = tx.clone().with_from(DEV_ACCOUNT).with_gas_limit(1_000_000);
    let sim = rpc_ok(
        &url,
        "debug_traceCall",
        json!([call, "latest", {"tracer": "callTracer"}]),
    )
    .await;
    assert_eq!(sim["calls"][0]["calls"][0]["to"], json!(b));
    assert_eq!(sim["gas"], "0xf4240");
    // Every transaction starts cold, so B's split is the same in the simulation.
    assert_eq!(
        sim["calls"][0]["calls"][0]["stylusGas"]["storageLoads"],
        fb["stylusGas"]["storageLoads"]
    );
    node.stop().await;
}

#[tokio::test]
async fn stylus_tracer_and_struct_logger_over_rpc() {
    let node = start().await;
    let url = node.url().to_string();
    let p = provider(&url, dev_signer());
    let (a, b, fwd) = relay_setup(&p).await;
    let r = send(
        &p,
        TransactionRequest::default()
            .with_to(fwd)
            .with_input(b.to_vec()),
    )
    .await;
    let hash = r.transaction_hash;

    let recs = rpc_ok(
        &url,
        "debug_traceTransaction",
        json!([hash, {"tracer": "stylusTracer"}]),
    )
    .await;
    let recs = recs.as_array().expect("array");
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0]["name"], "evm_call_contract");
    assert_eq!(recs[0]["address"], json!(a));
    assert_eq!(
        (recs[0]["args"].as_str(), recs[0]["startInk"].as_u64()),
        (Some("0x"), Some(0))
    );
    let steps: Vec<&str> = recs[0]["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .map(|s| s["name"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        steps,
        [
            "user_entrypoint",
            "read_args",
            "call_contract",
            "user_returned"
        ]
    );
    let call = &recs[0]["steps"][2];
    assert_eq!(call["address"], json!(b));
    let inner: Vec<&str> = call["steps"]
        .as_array()
        .expect("B's steps")
        .iter()
        .map(|s| s["name"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        inner,
        [
            "user_entrypoint",
            "read_args",
            "storage_load_bytes32",
            "emit_log",
            "user_returned"
        ]
    );
    assert_eq!(
        recs[0]["steps"][0]["args"], "0x00000014",
        "20 bytes of calldata"
    );
    assert_eq!(call["outs"], "0x0000000000", "no return data, status 0");

    // A JavaScript tracer with cargo-stylus's hostio hook gets the same records; others are
    // refused.
    let js = r#"{ hostio: function(info) {}, enter: function(f) { "evm_call_contract" },
        exit: function(r) {}, result: function() {}, fault: function() {}, nests: [] }"#;
    let same = rpc_ok(
        &url,
        "debug_traceTransaction",
        json!([hash, {"tracer": js}]),
    )
    .await;
    assert_eq!(same.as_array().map(Vec::len), Some(1));
    let err = rpc_err(
        &url,
        "debug_traceTransaction",
        json!([hash, {"tracer": "{ step: function() {}, result: function() {} }"}]),
    )
    .await;
    assert_eq!(err["code"], -32000);
    let err = rpc_err(
        &url,
        "debug_traceTransaction",
        json!([hash, {"tracer": "fooTracer"}]),
    )
    .await;
    assert!(err["message"]
        .as_str()
        .unwrap_or_default()
        .contains("tracer not found"));

    // The struct logger: EVM opcodes at depth 1, A's hostios at 2, B's at 3.
    let logs = rpc_ok(&url, "debug_traceTransaction", json!([hash])).await;
    assert_eq!(logs["failed"], false);
    assert_eq!(logs["gas"].as_u64(), Some(r.gas_used));
    let steps = logs["structLogs"].as_array().expect("structLogs");
    assert_eq!(steps[0]["op"], "CALLDATASIZE");
    assert_eq!(steps[0]["depth"], 1);
    assert_eq!(steps[1]["stack"], json!(["0x14"]));
    let load = steps
        .iter()
        .find(|s| s["op"] == "storage_load_bytes32")
        .expect("B's load");
    assert_eq!(load["depth"], 3);
    assert!(steps
        .iter()
        .any(|s| s["op"] == "call_contract" && s["depth"] == 2));
    assert_eq!(steps.last().expect("steps")["op"], "RETURN");
    let limited = rpc_ok(&url, "debug_traceTransaction", json!([hash, {"limit": 3}])).await;
    assert_eq!(limited["structLogs"].as_array().map(Vec::len), Some(3));

    let missing = rpc_err(
        &url,
        "debug_traceTransaction",
        json!([B256::repeat_byte(7)]),
    )
    .await;
    assert_eq!(missing["code"], -32000);
    node.stop().await;
}

#[tokio::test]
async fn cache_manager_bids_cache_programs_and_cut_their_entry_cost() {
    let node = start().await;
    let url = node.url().to_string();
    let p = provider(&url, dev_signer());
    let (a, _b, _) = relay_setup(&p).await;

    // Registered with ArbWasmCache at genesis, initialised as Nitro's (512 MiB).
    let managers = allCacheManagersCall::abi_decode_returns(
        &call_data(&p, ARB_WASM_CACHE, allCacheManagersCall {}.abi_encode()).await,
    )
    .expect("decode");
    assert_eq!(managers, vec![CACHE_MANAGER]);
    let size = cacheSizeCall::abi_decode_returns(
        &call_data(&p, CACHE_MANAGER, cacheSizeCall {}.abi_encode()).await,
    )
    .expect("decode");
    assert_eq!(size, 536_870_912);
    let min = getMinBidCall::abi_decode_returns(
        &call_data(&p, CACHE_MANAGER, getMinBidCall { program: a }.abi_encode()).await,
    )
    .expect("decode");
    assert_eq!(
        min,
        alloy::primitives::Uint::<192, 3>::ZERO,
        "room in the cache"
    );

    // Owner-only methods check ArbOwnerPublic; the dev account becomes an owner through
    // ArbDebug and sets the decay to 0 so bids compare by value alone below.
    let set_decay = TransactionRequest::default()
        .with_from(DEV_ACCOUNT)
        .with_to(CACHE_MANAGER)
        .with_input(setDecayRateCall { newDecay: 0 }.abi_encode());
    let err = rpc_err(&url, "eth_estimateGas", json!([set_decay.clone()])).await;
    assert_eq!(
        err["data"].as_str().map(|s| s[..10].to_owned()),
        Some(format!("0x{}", alloy::hex::encode(NotChainOwner::SELECTOR)))
    );
    let owner = TransactionRequest::default()
        .with_to(ARB_DEBUG)
        .with_input(becomeChainOwnerCall {}.abi_encode());
    assert!(send(&p, owner).await.status());
    assert!(send(&p, set_decay).await.status(), "setDecayRate 0");

    let init = programInitGasCall::abi_decode_returns(
        &call_data(&p, ARB_WASM, programInitGasCall { program: a }.abi_encode()).await,
    )
    .expect("decode");
    let read = TransactionRequest::default().with_to(a);
    let uncached = send(&p, read.clone()).await.gas_used;

    let bid = TransactionRequest::default()
        .with_to(CACHE_MANAGER)
        .with_input(placeBidCall { program: a }.abi_encode())
        .with_value(U256::from(1_000u64));
    let r = send(&p, bid.clone()).await;
    assert!(r.status(), "placeBid");
    let codehash = keccak256(p.get_code_at(a).await.expect("code"));
    let cached = codehashIsCachedCall::abi_decode_returns(
        &call_data(
            &p,
            ARB_WASM_CACHE,
            codehashIsCachedCall { codehash }.abi_encode(),
        )
        .await,
    )
    .expect("decode");
    assert!(cached);
    let logs = r.inner.logs();
    assert!(logs.iter().any(|l| l.address() == ARB_WASM_CACHE
        && l.topics()[0] == keccak256("UpdateProgramCache(address,bytes32,bool)")
        && l.topics()[2] == codehash));
    assert!(logs.iter().any(|l| l.address() == CACHE_MANAGER
        && l.topics()[0] == keccak256("InsertBid(bytes32,address,uint192,uint64)")));
    assert_eq!(
        p.get_balance(CACHE_MANAGER).await.expect("balance"),
        U256::from(1_000u64),
        "the bid is paid to the manager"
    );
    // The cached program's call costs exactly its init gas less (the cached cost is paid
    // either way at Stylus v2).
    let cached_call = send(&p, read.clone()).await.gas_used;
    assert_eq!(uncached - cached_call, init.gas);
    let trace = rpc_ok(
        &url,
        "debug_traceCall",
        json!([read.clone().with_from(DEV_ACCOUNT), "latest", {"tracer": "callTracer"}]),
    )
    .await;
    assert_eq!(trace["stylusGas"]["cached"], true);
    assert_eq!(q(&trace["stylusGas"]["entryGas"]), init.gasWhenCached);

    // A second bid: AlreadyCached (estimation already fails).
    let err = rpc_err(
        &url,
        "eth_estimateGas",
        json!([bid.clone().with_from(DEV_ACCOUNT)]),
    )
    .await;
    assert_eq!(
        err["data"].as_str().map(|s| s[..10].to_owned()),
        Some(format!("0x{}", alloy::hex::encode(AlreadyCached::SELECTOR)))
    );
    // Eviction: with room for one program only, a second program must outbid the first.
    let one = queueSizeCall::abi_decode_returns(
        &call_data(&p, CACHE_MANAGER, queueSizeCall {}.abi_encode()).await,
    )
    .expect("decode");
    assert!(one >= 4096, "a program counts at least 4 KiB");
    let code2 = encode_program(&wat::parse_str(RELAY_WAT.replace("3100", "3200")).expect("wat"));
    let c = create(&p, deploy_init_code(&code2)).await;
    activate(&p, c).await;
    let set = TransactionRequest::default()
        .with_to(CACHE_MANAGER)
        .with_input(setCacheSizeCall { newSize: one }.abi_encode());
    assert!(send(&p, set).await.status(), "setCacheSize");
    let low = TransactionRequest::default()
        .with_from(DEV_ACCOUNT)
        .with_to(CACHE_MANAGER)
        .with_input(placeBidCall { program: c }.abi_encode())
        .with_value(U256::from(10u64));
    let err = rpc_err(&url, "eth_estimateGas", json!([low])).await;
    assert_eq!(
        err["data"].as_str().map(|s| s[..10].to_owned()),
        Some(format!("0x{}", alloy::hex::encode(BidTooSmall::SELECTOR)))
    );
    let high = TransactionRequest::default()
        .with_to(CACHE_MANAGER)
        .with_input(placeBidCall { program: c }.abi_encode())
        .with_value(U256::from(5_000u64));
    let r = send(&p, high).await;
    assert!(r.status(), "outbids the first program");
    assert!(r.inner.logs().iter().any(|l| l.address() == CACHE_MANAGER
        && l.topics()[0] == keccak256("DeleteBid(bytes32,uint192,uint64)")
        && l.topics()[1] == codehash));
    let first_cached = codehashIsCachedCall::abi_decode_returns(
        &call_data(
            &p,
            ARB_WASM_CACHE,
            codehashIsCachedCall { codehash }.abi_encode(),
        )
        .await,
    )
    .expect("decode");
    assert!(!first_cached, "evicted");
    assert_eq!(
        send(&p, read).await.gas_used,
        uncached,
        "back to the init cost"
    );
    let queue = queueSizeCall::abi_decode_returns(
        &call_data(&p, CACHE_MANAGER, queueSizeCall {}.abi_encode()).await,
    )
    .expect("decode");
    assert_eq!(queue, one, "one program in the cache");

    // Bids on unactivated code bubble ArbWasm's error.
    let unactivated = create(&p, deploy_init_code(&code2[..code2.len() - 1])).await;
    let err = rpc_err(
        &url,
        "eth_call",
        json!([{"to": CACHE_MANAGER, "data": Bytes::from(placeBidCall { program: unactivated }.abi_encode())}, "latest"]),
    )
    .await;
    assert_eq!(
        err["data"],
        format!("0x{}", alloy::hex::encode(ProgramNotActivated::SELECTOR))
    );
    node.stop().await;
}
