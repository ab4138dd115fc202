//! Shared helpers of the integration tests: node start, raw HTTP JSON-RPC, signing.
#![allow(dead_code)]

pub mod asm;
pub mod contracts;
pub mod tools;

use alloy::{
    consensus::{SignableTransaction, TxEip1559, TxEip2930, TxEnvelope, TxLegacy},
    eips::eip2718::Encodable2718,
    network::EthereumWallet,
    primitives::{Address, Bytes, TxKind, U256},
    providers::{Provider, ProviderBuilder},
    signers::{local::PrivateKeySigner, SignerSync},
};
use serde_json::{json, Value};
use stylus_devnode::{DevNode, NodeConfig, DEV_PRIVATE_KEY};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

/// Chain id of the node under test.
pub const CHAIN_ID: u64 = 412_346;
/// Base fee of the node (0.1 gwei).
pub const BASE_FEE: u128 = 100_000_000;

/// Starts a node on an ephemeral loopback port.
pub async fn start() -> DevNode {
    DevNode::start(NodeConfig::ephemeral())
        .await
        .expect("node starts")
}

/// The Nitro dev key.
pub fn dev_signer() -> PrivateKeySigner {
    DEV_PRIVATE_KEY.parse().expect("dev key")
}

/// A fresh random key.
pub fn random_signer() -> PrivateKeySigner {
    PrivateKeySigner::random()
}

/// An alloy provider with the dev wallet.
pub fn provider(url: &str, signer: PrivateKeySigner) -> impl Provider + Clone {
    ProviderBuilder::new()
        .wallet(EthereumWallet::from(signer))
        .connect_http(url.parse().expect("url"))
}

/// POSTs `body` to the node over a fresh connection; returns the HTTP status and body.
pub async fn raw_post(url: &str, body: &[u8]) -> (u16, String) {
    let addr = url.trim_start_matches("http://");
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    let head = format!(
        "POST / HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.expect("write head");
    // The server may answer (e.g. 413) before the whole body is written; ignore write errors.
    let _ = stream.write_all(body).await;
    let mut buf = Vec::new();
    let _ = stream.read_to_end(&mut buf).await;
    let text = String::from_utf8_lossy(&buf).to_string();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("HTTP status line");
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

/// One JSON-RPC call; returns the whole response object.
pub async fn rpc(url: &str, method: &str, params: Value) -> Value {
    let body = json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": params }).to_string();
    let (status, text) = raw_post(url, body.as_bytes()).await;
    assert_eq!(status, 200, "HTTP status for {method}: {text}");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("bad JSON from {method}: {e}: {text}"))
}

/// The `result` of a call that must succeed.
pub async fn rpc_ok(url: &str, method: &str, params: Value) -> Value {
    let v = rpc(url, method, params).await;
    assert!(v.get("error").is_none(), "{method} failed: {v}");
    v["result"].clone()
}

/// The `error` of a call that must fail.
pub async fn rpc_err(url: &str, method: &str, params: Value) -> Value {
    let v = rpc(url, method, params).await;
    assert!(
        v.get("result").is_none(),
        "{method} unexpectedly succeeded: {v}"
    );
    v["error"].clone()
}

/// Parses a hex quantity.
pub fn qty(v: &Value) -> u64 {
    let s = v.as_str().unwrap_or_else(|| panic!("not a string: {v}"));
    u64::from_str_radix(s.trim_start_matches("0x"), 16).expect("hex quantity")
}

/// Signs and encodes a legacy transaction (`chain_id: None` = pre-EIP-155).
pub fn legacy(
    signer: &PrivateKeySigner,
    chain_id: Option<u64>,
    nonce: u64,
    to: TxKind,
    value: U256,
    input: Bytes,
    gas: u64,
) -> Bytes {
    let tx = TxLegacy {
        chain_id,
        nonce,
        gas_price: BASE_FEE,
        gas_limit: gas,
        to,
        value,
        input,
    };
    let sig = signer.sign_hash_sync(&tx.signature_hash()).expect("sign");
    TxEnvelope::from(tx.into_signed(sig)).encoded_2718().into()
}

/// Signs and encodes an EIP-1559 transaction.
#[allow(clippy::too_many_arguments)] // mirrors the transaction's own fields
pub fn eip1559(
    signer: &PrivateKeySigner,
    chain_id: u64,
    nonce: u64,
    to: TxKind,
    value: U256,
    input: Bytes,
    gas: u64,
    max_fee: u128,
) -> Bytes {
    let tx = TxEip1559 {
        chain_id,
        nonce,
        gas_limit: gas,
        max_fee_per_gas: max_fee,
        max_priority_fee_per_gas: 0,
        to,
        value,
        access_list: Default::default(),
        input,
    };
    let sig = signer.sign_hash_sync(&tx.signature_hash()).expect("sign");
    TxEnvelope::from(tx.into_signed(sig)).encoded_2718().into()
}

/// Signs and encodes an EIP-2930 transaction.
pub fn eip2930(signer: &PrivateKeySigner, nonce: u64, to: TxKind, value: U256, gas: u64) -> Bytes {
    let tx = TxEip2930 {
        chain_id: CHAIN_ID,
        nonce,
        gas_price: BASE_FEE,
        gas_limit: gas,
        to,
        value,
        access_list: Default::default(),
        input: Bytes::new(),
    };
    let sig = signer.sign_hash_sync(&tx.signature_hash()).expect("sign");
    TxEnvelope::from(tx.into_signed(sig)).encoded_2718().into()
}

/// Sends a raw transaction and returns its receipt (automine seals it at once).
pub async fn send_raw(url: &str, raw: &Bytes) -> Value {
    let hash = rpc_ok(url, "eth_sendRawTransaction", json!([raw])).await;
    rpc_ok(url, "eth_getTransactionReceipt", json!([hash])).await
}

/// Current nonce of an account.
pub async fn nonce_of(url: &str, who: Address) -> u64 {
    qty(&rpc_ok(url, "eth_getTransactionCount", json!([who, "pending"])).await)
}
