//! Bad input never crashes the node or changes its state: each case gets a JSON-RPC error,
//! and the chain is unchanged afterwards.

mod common;

use alloy::primitives::{Address, Bytes, TxKind, U256};
use common::*;
use serde_json::{json, Value};
use stylus_devnode::DEV_ACCOUNT;

async fn post_json(url: &str, body: &str) -> Value {
    let (status, text) = raw_post(url, body.as_bytes()).await;
    assert_eq!(status, 200, "{text}");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

async fn chain_fingerprint(url: &str) -> (Value, Value, Value) {
    (
        rpc_ok(url, "eth_blockNumber", json!([])).await,
        rpc_ok(
            url,
            "eth_getTransactionCount",
            json!([DEV_ACCOUNT, "latest"]),
        )
        .await,
        rpc_ok(url, "eth_getBalance", json!([DEV_ACCOUNT, "latest"])).await,
    )
}

#[tokio::test]
async fn malformed_requests_get_json_rpc_errors() {
    let node = start().await;
    let url = node.url().to_string();
    let before = chain_fingerprint(&url).await;

    let v = post_json(&url, "{not json").await;
    assert_eq!(v["error"]["code"], -32700);
    assert_eq!(v["id"], Value::Null);
    let v = post_json(&url, "").await;
    assert_eq!(v["error"]["code"], -32700);
    let v = post_json(&url, "42").await;
    assert_eq!(v["error"]["code"], -32600);
    let v = post_json(&url, r#"{"jsonrpc":"2.0","id":1}"#).await;
    assert_eq!(v["error"]["code"], -32600);
    let v = post_json(&url, r#"{"jsonrpc":"2.0","id":[1],"method":"eth_chainId"}"#).await;
    assert_eq!(v["error"]["code"], -32600);
    let v = post_json(&url, "[]").await;
    assert_eq!(v["error"]["code"], -32600);
    let v = post_json(
        &url,
        r#"{"jsonrpc":"2.0","id":7,"method":"eth_noSuchMethod","params":[]}"#,
    )
    .await;
    assert_eq!(v["error"]["code"], -32601);
    assert_eq!(v["id"], 7);
    let v = post_json(
        &url,
        r#"{"jsonrpc":"2.0","id":"x","method":"eth_chainId","params":{"a":1}}"#,
    )
    .await;
    assert_eq!(v["error"]["code"], -32602);
    assert_eq!(v["id"], "x");

    // Wrong parameters, method by method.
    for (method, params) in [
        ("eth_getBalance", json!(["not-an-address"])),
        ("eth_getBalance", json!([])),
        ("eth_getBalance", json!([DEV_ACCOUNT, "sometime"])),
        ("eth_getBalance", json!([DEV_ACCOUNT, "latest", 3])),
        ("eth_call", json!([42])),
        ("eth_estimateGas", json!([{ "to": "0x12" }])),
        ("eth_sendRawTransaction", json!(["0xzz"])),
        ("eth_getBlockByNumber", json!([{}])),
        ("eth_getLogs", json!([{ "fromBlock": "yesterday" }])),
        ("eth_feeHistory", json!(["0x2", "latest", [90.0, 10.0]])),
        ("eth_feeHistory", json!(["-1", "latest"])),
        ("evm_increaseTime", json!(["soon"])),
        ("evm_revert", json!([])),
        ("evm_mine", json!([{ "blocks": 0 }])),
        ("eth_getStorageAt", json!([DEV_ACCOUNT, "0xnothex"])),
    ] {
        let err = rpc_err(&url, method, params.clone()).await;
        assert_eq!(err["code"], -32602, "{method} {params}: {err}");
    }

    // A batch with good and bad entries answers each in order.
    let batch = json!([
        { "jsonrpc": "2.0", "id": 1, "method": "eth_chainId" },
        { "jsonrpc": "2.0", "id": 2, "method": "nope" },
        "garbage",
        { "jsonrpc": "2.0", "id": 4, "method": "eth_getBalance", "params": ["0x1"] }
    ]);
    let v = post_json(&url, &batch.to_string()).await;
    let items = v.as_array().expect("batch response");
    assert_eq!(items.len(), 4);
    assert_eq!(items[0]["result"], "0x64aba");
    assert_eq!(items[1]["error"]["code"], -32601);
    assert_eq!(items[2]["error"]["code"], -32600);
    assert_eq!(items[3]["error"]["code"], -32602);

    // Oversized body: HTTP 413 with a JSON-RPC error, and the node keeps serving.
    let huge = format!(
        r#"{{"jsonrpc":"2.0","id":1,"method":"eth_call","params":["{}"]}}"#,
        "a".repeat(6 * 1024 * 1024)
    );
    let (status, text) = raw_post(&url, huge.as_bytes()).await;
    assert_eq!(status, 413);
    let v: Value = serde_json::from_str(&text).expect("JSON error body");
    assert_eq!(v["error"]["code"], -32600);
    // Too large a batch.
    let many: Vec<Value> = (0..1001)
        .map(|i| json!({ "jsonrpc": "2.0", "id": i, "method": "eth_chainId" }))
        .collect();
    let v = post_json(&url, &Value::Array(many).to_string()).await;
    assert_eq!(v["error"]["code"], -32600);

    assert_eq!(chain_fingerprint(&url).await, before);
    node.stop().await;
}

#[tokio::test]
async fn invalid_transactions_are_rejected_with_geth_messages() {
    let node = start().await;
    let url = node.url().to_string();
    let dev = dev_signer();
    let to = TxKind::Call(Address::repeat_byte(1));
    let one = U256::from(1);
    let before = chain_fingerprint(&url).await;

    let cases: Vec<(&str, Bytes, &str)> = vec![
        (
            "garbage bytes",
            Bytes::from_static(&[0x02, 0xc0, 0x01]),
            "rlp:",
        ),
        ("empty", Bytes::new(), "rlp:"),
        (
            "trailing bytes",
            {
                let mut raw =
                    eip1559(&dev, CHAIN_ID, 0, to, one, Bytes::new(), 21_000, BASE_FEE).to_vec();
                raw.push(0);
                raw.into()
            },
            "rlp:",
        ),
        (
            "wrong chain id",
            eip1559(&dev, 1, 0, to, one, Bytes::new(), 21_000, BASE_FEE),
            "invalid chain id for signer: have 1 want 412346",
        ),
        (
            "wrong legacy chain id",
            legacy(&dev, Some(5), 0, to, one, Bytes::new(), 21_000),
            "invalid chain id for signer",
        ),
        (
            "nonce gap",
            eip1559(&dev, CHAIN_ID, 5, to, one, Bytes::new(), 21_000, BASE_FEE),
            "nonce too high",
        ),
        (
            "intrinsic gas",
            eip1559(&dev, CHAIN_ID, 0, to, one, Bytes::new(), 20_000, BASE_FEE),
            "intrinsic gas too low",
        ),
        (
            "fee cap below base fee",
            eip1559(
                &dev,
                CHAIN_ID,
                0,
                to,
                one,
                Bytes::new(),
                21_000,
                BASE_FEE - 1,
            ),
            "max fee per gas less than block base fee",
        ),
        (
            "gas above cap",
            eip1559(
                &dev,
                CHAIN_ID,
                0,
                to,
                one,
                Bytes::new(),
                40_000_000,
                BASE_FEE,
            ),
            "exceeds block gas limit",
        ),
        (
            "under-funded value",
            eip1559(
                &dev,
                CHAIN_ID,
                0,
                to,
                U256::from(10u64).pow(U256::from(22u64)),
                Bytes::new(),
                21_000,
                BASE_FEE,
            ),
            "insufficient funds for gas * price + value",
        ),
        (
            "unfunded sender",
            eip1559(
                &random_signer(),
                CHAIN_ID,
                0,
                to,
                one,
                Bytes::new(),
                21_000,
                BASE_FEE,
            ),
            "insufficient funds for gas * price + value",
        ),
    ];
    for (name, raw, want) in cases {
        let err = rpc_err(&url, "eth_sendRawTransaction", json!([raw])).await;
        assert_eq!(err["code"], -32000, "{name}: {err}");
        let msg = err["message"].as_str().expect("message");
        assert!(msg.contains(want), "{name}: got {msg:?}, want {want:?}");
    }

    // A corrupted signature: flip bytes inside r; recovery either fails or yields an
    // unfunded address — both are rejected and nothing changes.
    let mut raw = eip1559(&dev, CHAIN_ID, 0, to, one, Bytes::new(), 21_000, BASE_FEE).to_vec();
    let n = raw.len();
    raw[n - 40] ^= 0xff;
    let err = rpc_err(&url, "eth_sendRawTransaction", json!([Bytes::from(raw)])).await;
    assert_eq!(err["code"], -32000, "{err}");
    // s = 0 (and r = 1) is never a valid signature.
    let tx = alloy::consensus::TxEip1559 {
        chain_id: CHAIN_ID,
        nonce: 0,
        gas_limit: 21_000,
        max_fee_per_gas: BASE_FEE,
        max_priority_fee_per_gas: 0,
        to,
        value: one,
        access_list: Default::default(),
        input: Bytes::new(),
    };
    use alloy::{consensus::SignableTransaction, eips::eip2718::Encodable2718};
    let bad = alloy::consensus::TxEnvelope::from(tx.into_signed(
        alloy::primitives::Signature::new(U256::from(1), U256::ZERO, false),
    ));
    let err = rpc_err(
        &url,
        "eth_sendRawTransaction",
        json!([Bytes::from(bad.encoded_2718())]),
    )
    .await;
    assert_eq!(
        err["message"], "invalid sender: invalid transaction v, r, s values",
        "{err}"
    );

    assert_eq!(
        chain_fingerprint(&url).await,
        before,
        "rejected transactions changed the chain"
    );

    // A valid one goes through afterwards; replaying it is refused.
    let good = eip1559(&dev, CHAIN_ID, 0, to, one, Bytes::new(), 21_000, BASE_FEE);
    assert_eq!(send_raw(&url, &good).await["status"], "0x1");
    let err = rpc_err(&url, "eth_sendRawTransaction", json!([good])).await;
    assert_eq!(err["message"], "already known");
    let stale = eip1559(
        &dev,
        CHAIN_ID,
        0,
        to,
        U256::from(2),
        Bytes::new(),
        21_000,
        BASE_FEE,
    );
    let err = rpc_err(&url, "eth_sendRawTransaction", json!([stale])).await;
    assert!(
        err["message"]
            .as_str()
            .expect("msg")
            .starts_with("nonce too low"),
        "{err}"
    );
    node.stop().await;
}

#[tokio::test]
async fn browser_clients_get_cors_headers() {
    let node = start().await;
    let addr = node.url().trim_start_matches("http://").to_string();
    let send = |request: String| {
        let addr = addr.clone();
        async move {
            use tokio::io::{AsyncReadExt, AsyncWriteExt};
            let mut s = tokio::net::TcpStream::connect(&addr)
                .await
                .expect("connect");
            s.write_all(request.as_bytes()).await.expect("write");
            let mut buf = String::new();
            s.read_to_string(&mut buf).await.expect("read");
            buf.to_ascii_lowercase()
        }
    };
    let pre = send(format!(
        "OPTIONS / HTTP/1.1\r\nHost: {addr}\r\nOrigin: http://localhost:3000\r\nAccess-Control-Request-Method: POST\r\nConnection: close\r\n\r\n"
    ))
    .await;
    assert!(pre.starts_with("http/1.1 204"), "{pre}");
    assert!(pre.contains("access-control-allow-origin: *"), "{pre}");
    assert!(
        pre.contains("access-control-allow-methods: post, options"),
        "{pre}"
    );
    let body = r#"{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}"#;
    let post = send(format!(
        "POST / HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    ))
    .await;
    assert!(post.contains("access-control-allow-origin: *"), "{post}");
    assert!(post.contains("0x64aba"), "{post}");
    node.stop().await;
}
