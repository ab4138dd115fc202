//! Regression tests for the hostile requests of issue 19 (item 5): each one gets a JSON-RPC or
//! HTTP error, the node stays up and answers, and nothing grows without bound.

mod common;

use alloy::primitives::{Bytes, TxKind, U256};
use common::{
    asm::{deploy_code, op, Asm},
    *,
};
use serde_json::{json, Value};
use std::time::{Duration, Instant};
use stylus_devnode::{DevNode, NodeConfig, DEV_ACCOUNT};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

async fn start_with(config: NodeConfig) -> DevNode {
    DevNode::start(config).await.expect("node starts")
}

async fn post_text(url: &str, body: &str) -> String {
    let (status, text) = raw_post(url, body.as_bytes()).await;
    assert_eq!(status, 200, "{text}");
    text
}

#[tokio::test]
async fn a_bad_eip7702_code_override_is_invalid_params() {
    let node = start().await;
    let url = node.url().to_string();
    let target = "0x00000000000000000000000000000000000000aa";
    for code in ["0xef01", "0xef0100", "0xef0100aabbccdd"] {
        let err = rpc_err(
            &url,
            "eth_call",
            json!([{ "to": target }, "latest", { target: { "code": code } }]),
        )
        .await;
        assert_eq!(err["code"], -32602, "{code}: {err}");
    }
    // A well-formed designator (23 bytes) is accepted.
    let designator = format!("0xef0100{}", "11".repeat(20));
    rpc_ok(
        &url,
        "eth_call",
        json!([{ "to": target }, "latest", { target: { "code": designator } }]),
    )
    .await;
    assert_eq!(rpc_ok(&url, "eth_chainId", json!([])).await, "0x64aba");
    node.stop().await;
}

/// Loops `calldata[0..32]` times, then stops (40 gas per round).
fn counted_loop() -> Vec<u8> {
    Asm::new()
        .ops(&[op::PUSH0, op::CALLDATALOAD])
        .label("top")
        .ops(&[op::DUP1, op::ISZERO])
        .jumpi("end")
        .push_u64(1)
        .ops(&[op::SWAP1, op::SUB])
        .push_label("top")
        .ops(&[op::JUMP])
        .label("end")
        .ops(&[op::STOP])
        .assemble()
}

/// Deploys the counted loop on `url` and returns its address.
async fn deploy_looper(url: &str) -> String {
    let raw = eip1559(
        &dev_signer(),
        CHAIN_ID,
        0,
        TxKind::Create,
        U256::ZERO,
        deploy_code(Asm::new(), &counted_loop()).into(),
        1_000_000,
        BASE_FEE,
    );
    let receipt = send_raw(url, &raw).await;
    receipt["contractAddress"]
        .as_str()
        .expect("address")
        .to_string()
}

#[tokio::test]
async fn long_estimates_stop_at_their_budget_and_do_not_block_reads() {
    // The evm timeout is set from this machine's speed: one simulation at 28M gas takes `t`;
    // with a timeout of 1.5 t every simulation of the binary search ends within its own
    // deadline, while two dozen of them exceed the search's budget of 10 × 1.5 t. (A fixed
    // timeout broke when the node's crates became optimised: the search finished in time.)
    let probe = start_with(NodeConfig::ephemeral()).await;
    let probe_url = probe.url().to_string();
    let probe_looper = deploy_looper(&probe_url).await;
    let rounds = format!("0x{:064x}", 700_000u64);
    let started = Instant::now();
    let call =
        json!({ "from": DEV_ACCOUNT, "to": probe_looper, "data": rounds, "gas": "0x1c9c380" });
    rpc_ok(&probe_url, "eth_call", json!([call, "latest"])).await;
    let t = started.elapsed().max(Duration::from_millis(5));
    probe.stop().await;

    let mut config = NodeConfig::ephemeral();
    config.evm_timeout = t * 3 / 2;
    let node = start_with(config).await;
    let url = node.url().to_string();
    let looper = deploy_looper(&url).await;
    // 700k rounds of 40 gas: 28M gas per simulation, two dozen simulations in the binary search.
    let rounds = format!("0x{:064x}", 700_000u64);
    let call = json!({ "from": DEV_ACCOUNT, "to": looper, "data": rounds });
    let estimate = {
        let url = url.clone();
        tokio::spawn(async move {
            let started = Instant::now();
            let v = rpc(&url, "eth_estimateGas", json!([call])).await;
            (v, started.elapsed())
        })
    };
    tokio::time::sleep(t / 4).await;
    // Reads answer while the estimate runs.
    let block = rpc_ok(&url, "eth_blockNumber", json!([])).await;
    assert_eq!(block, "0x1");
    assert!(
        !estimate.is_finished(),
        "the read answered before the simulation ended"
    );
    let (v, elapsed) = estimate.await.expect("task");
    assert_eq!(v["error"]["code"], -32000, "{v}");
    // Each simulation ends within its own 1.5 t; the search as a whole stops at 10 × 1.5 t.
    let budget = (t * 3 / 2) * 10;
    assert_eq!(
        v["error"]["message"],
        format!(
            "gas estimation aborted after {}s (10 × the evm timeout)",
            budget.as_secs_f64()
        ),
        "one simulation took {t:?}"
    );
    assert!(elapsed < Duration::from_secs(30), "{elapsed:?}");
    // A short call still works afterwards.
    let small = json!({ "from": DEV_ACCOUNT, "to": looper, "data": format!("0x{:064x}", 10) });
    rpc_ok(&url, "eth_estimateGas", json!([small])).await;
    node.stop().await;
}

#[tokio::test]
async fn allocation_caps_on_fee_history_mining_snapshots() {
    let node = start().await;
    let url = node.url().to_string();
    // eth_feeHistory: at most 100 reward percentiles (geth's limit).
    let ok: Vec<f64> = (0..100).map(|i| i as f64).collect();
    rpc_ok(&url, "eth_feeHistory", json!([1, "latest", ok])).await;
    let many: Vec<f64> = (0..101).map(|i| i as f64 / 2.0).collect();
    let err = rpc_err(&url, "eth_feeHistory", json!([1, "latest", many])).await;
    assert_eq!(err["code"], -32602, "{err}");

    // evm_mine: at most 1000 blocks per call and 10,000 per request body.
    let err = rpc_err(&url, "evm_mine", json!([{ "blocks": 1001 }])).await;
    assert_eq!(err["code"], -32602);
    let batch: Vec<Value> = (0..11)
        .map(|i| json!({ "jsonrpc": "2.0", "id": i, "method": "evm_mine", "params": [{ "blocks": 1000 }] }))
        .collect();
    let out: Value =
        serde_json::from_str(&post_text(&url, &json!(batch).to_string()).await).expect("json");
    let out = out.as_array().expect("batch");
    assert!(out[..10].iter().all(|r| r["result"] == "0x0"), "{out:?}");
    assert_eq!(out[10]["error"]["code"], -32602);
    assert_eq!(
        qty(&rpc_ok(&url, "eth_blockNumber", json!([])).await),
        10_000
    );

    // evm_snapshot: at most 1024 kept; reverting to the first frees them all.
    let snapshots = |ids: std::ops::Range<u64>| {
        let batch: Vec<Value> = ids
            .map(|i| json!({ "jsonrpc": "2.0", "id": i, "method": "evm_snapshot" }))
            .collect();
        json!(batch).to_string()
    };
    for (from, to) in [(1u64, 1001u64), (1001, 1025)] {
        let out: Value =
            serde_json::from_str(&post_text(&url, &snapshots(from..to)).await).expect("json");
        for r in out.as_array().expect("batch") {
            assert_eq!(qty(&r["result"]), r["id"].as_u64().expect("id"), "{r}");
        }
    }
    let err = rpc_err(&url, "evm_snapshot", json!([])).await;
    assert_eq!(err["code"], -32000);
    assert!(err["message"]
        .as_str()
        .unwrap()
        .contains("too many snapshots"));
    assert_eq!(rpc_ok(&url, "evm_revert", json!(["0x1"])).await, true);
    rpc_ok(&url, "evm_snapshot", json!([])).await;
    node.stop().await;
}

/// Reads until the peer closes the connection or `limit` passes; returns whether it closed.
async fn closed_within(stream: &mut TcpStream, limit: Duration) -> bool {
    let mut buf = [0u8; 4096];
    let deadline = Instant::now() + limit;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, stream.read(&mut buf)).await {
            Err(_) => return false,
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            Ok(Ok(_)) => continue,
        }
    }
}

#[tokio::test]
async fn slow_headers_and_idle_connections_are_closed_and_connections_are_capped() {
    let mut config = NodeConfig::ephemeral();
    config.header_timeout = Duration::from_millis(500);
    config.max_connections = 4;
    let node = start_with(config).await;
    let url = node.url().to_string();
    let addr = node.addr();

    // A request whose headers never end is closed after the header timeout.
    let mut partial = TcpStream::connect(addr).await.expect("connect");
    partial
        .write_all(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Ty")
        .await
        .expect("write");
    assert!(closed_within(&mut partial, Duration::from_secs(5)).await);

    // An idle keep-alive connection after a full request is closed too.
    let mut idle = TcpStream::connect(addr).await.expect("connect");
    let body = r#"{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}"#;
    let request = format!(
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    idle.write_all(request.as_bytes()).await.expect("write");
    assert!(closed_within(&mut idle, Duration::from_secs(5)).await);

    // Four silent connections take every slot; a fifth client waits until they time out.
    let mut hogs = Vec::new();
    for _ in 0..4 {
        hogs.push(TcpStream::connect(addr).await.expect("connect"));
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    let started = Instant::now();
    assert_eq!(rpc_ok(&url, "eth_chainId", json!([])).await, "0x64aba");
    assert!(
        started.elapsed() >= Duration::from_millis(250),
        "the fifth connection waited for a slot ({:?})",
        started.elapsed()
    );
    drop(hogs);
    node.stop().await;
}

#[tokio::test]
async fn minor_fidelity_items() {
    let node = start().await;
    let url = node.url().to_string();

    // evm_increaseTime out of range changes nothing.
    let before = rpc_ok(&url, "evm_increaseTime", json!([0])).await;
    let err = rpc_err(&url, "evm_increaseTime", json!([u64::MAX - 1])).await;
    assert_eq!(err["code"], -32602);
    assert_eq!(rpc_ok(&url, "evm_increaseTime", json!([0])).await, before);
    rpc_ok(&url, "evm_mine", json!([])).await;

    // gas × price + value beyond 2^256 − 1: geth's "insufficient funds".
    let raw = eip1559(
        &dev_signer(),
        CHAIN_ID,
        nonce_of(&url, DEV_ACCOUNT).await,
        TxKind::Call(DEV_ACCOUNT),
        U256::MAX,
        Bytes::new(),
        21_000,
        BASE_FEE,
    );
    let err = rpc_err(&url, "eth_sendRawTransaction", json!([raw])).await;
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .starts_with("insufficient funds for gas * price + value"),
        "{err}"
    );

    // Numeric ids above u64 come back verbatim, not as floats.
    let text = post_text(
        &url,
        r#"{"jsonrpc":"2.0","id":123456789012345678901234567890,"method":"eth_chainId"}"#,
    )
    .await;
    assert!(
        text.contains(r#""id":123456789012345678901234567890"#),
        "{text}"
    );
    let text = post_text(
        &url,
        r#"[{"jsonrpc":"2.0","id":18446744073709551616,"method":"eth_chainId"}]"#,
    )
    .await;
    assert!(text.contains(r#""id":18446744073709551616"#), "{text}");

    // A malformed chunked body is a bad request (400), not "too large" (413).
    let addr = node.addr();
    let mut s = TcpStream::connect(addr).await.expect("connect");
    s.write_all(
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
    )
    .await
    .expect("write");
    let mut buf = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut buf)).await;
    let text = String::from_utf8_lossy(&buf);
    assert!(text.starts_with("HTTP/1.1 400"), "{text}");
    assert_eq!(rpc_ok(&url, "eth_chainId", json!([])).await, "0x64aba");
    node.stop().await;
}

#[tokio::test]
async fn batch_responses_stop_growing_at_25_mb() {
    let node = start().await;
    let url = node.url().to_string();
    // A 24,576-byte contract (zeros): PUSH2 0x6000 PUSH0 RETURN.
    let raw = eip1559(
        &dev_signer(),
        CHAIN_ID,
        0,
        TxKind::Create,
        U256::ZERO,
        vec![0x61, 0x60, 0x00, 0x5f, 0xf3].into(),
        10_000_000,
        BASE_FEE,
    );
    let receipt = send_raw(&url, &raw).await;
    assert_eq!(receipt["status"], "0x1", "{receipt}");
    let big = receipt["contractAddress"].clone();
    // 1000 × ≈ 49 KB of hex would be ≈ 49 MB.
    let batch: Vec<Value> = (0..1000)
        .map(|i| json!({ "jsonrpc": "2.0", "id": i, "method": "eth_getCode", "params": [big, "latest"] }))
        .collect();
    let text = post_text(&url, &json!(batch).to_string()).await;
    assert!(text.len() < 26_000_000, "{} bytes", text.len());
    let out: Value = serde_json::from_str(&text).expect("json");
    let out = out.as_array().expect("batch");
    assert_eq!(out.len(), 1000, "every request is answered");
    let full = out.iter().filter(|r| r.get("result").is_some()).count();
    assert!((500..=520).contains(&full), "{full} full answers");
    let last = &out[999];
    assert_eq!(last["id"], 999);
    assert_eq!(last["error"]["code"], -32003);
    assert_eq!(last["error"]["message"], "response too large");
    node.stop().await;
}
