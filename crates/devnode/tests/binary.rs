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
}
