//! The `stylus-devnode` binary starts, serves JSON-RPC and honours its flags.

mod common;

use common::*;
use serde_json::json;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};

#[tokio::test]
async fn binary_serves_json_rpc() {
    let funded = "0x00000000000000000000000000000000000000aa";
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_stylus-devnode"))
        .args([
            "--port",
            "0",
            "--chain-id",
            "412346",
            "--fund",
            &format!("{funded}:3"),
            "--block-time-ms",
            "250",
            "--arbos",
            "59",
            "--evm-timeout-ms",
            "3000",
            "--max-connections",
            "8",
        ])
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn stylus-devnode");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let first = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
        .await
        .expect("startup line in time")
        .expect("read")
        .expect("a line");
    let url = first
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .expect("URL in the startup line")
        .to_string();
    assert!(first.contains("ArbOS 59"), "{first}");
    // ArbSys.arbOSVersion() = 55 + 59.
    let version = rpc_ok(
        &url,
        "eth_call",
        json!([{ "to": "0x0000000000000000000000000000000000000064", "data": "0x051038f2" }]),
    )
    .await;
    let word = version.as_str().expect("hex word");
    assert_eq!(u64::from_str_radix(&word[word.len() - 16..], 16), Ok(114));
    assert_eq!(rpc_ok(&url, "eth_chainId", json!([])).await, "0x64aba");
    assert_eq!(
        rpc_ok(&url, "eth_getBalance", json!([funded, "latest"])).await,
        "0x29a2241af62c0000"
    );
    assert_eq!(
        rpc_ok(&url, "web3_clientVersion", json!([])).await,
        concat!("stylus-devnode/v", env!("CARGO_PKG_VERSION"))
    );
    child.kill().await.expect("kill");
}

#[tokio::test]
async fn binary_rejects_bad_flags() {
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_stylus-devnode"))
        .args(["--port", "0", "--fund", "not-an-address"])
        .output()
        .await
        .expect("run");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad address"));
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_stylus-devnode"))
        .args(["--port", "0", "--arbos", "41"])
        .output()
        .await
        .expect("run");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("41"));
}
