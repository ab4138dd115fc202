//! Foundry's `cast` (from npm) as an independent client of the node.

mod common;

use alloy::primitives::{Address, Bytes, TxKind, U256};
use common::{contracts, tools, *};
use serde_json::{json, Value};
use std::{path::Path, time::Duration};
use stylus_devnode::{DEV_ACCOUNT, DEV_PRIVATE_KEY};

/// Runs cast with `args` (plus `--rpc-url`), returning trimmed stdout; fails on a non-zero exit.
async fn cast(bin: &Path, url: &str, args: &[&str]) -> String {
    let mut cmd = tokio::process::Command::new(bin);
    // `--rpc-url` right after the subcommand: `send --create` takes trailing arguments.
    cmd.arg(args[0])
        .arg("--rpc-url")
        .arg(url)
        .args(&args[1..])
        .env("FOUNDRY_DISABLE_NIGHTLY_WARNING", "1")
        .kill_on_drop(true);
    let out = tokio::time::timeout(Duration::from_secs(60), cmd.output())
        .await
        .unwrap_or_else(|_| panic!("cast {args:?} timed out"))
        .expect("run cast");
    let stdout = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(
        out.status.success(),
        "cast {args:?} failed: {}\n{stdout}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

fn json_of(s: &str) -> Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("cast printed no JSON ({e}): {s}"))
}

#[tokio::test]
async fn cast_reads_sends_deploys_and_publishes() {
    let Some(bin) = tools::tool("cast") else {
        return;
    };
    let node = start().await;
    let url = node.url().to_string();
    let dev = DEV_ACCOUNT.to_string();

    assert_eq!(cast(&bin, &url, &["chain-id"]).await, "412346");
    assert_eq!(
        cast(&bin, &url, &["balance", &dev]).await,
        "1000000000000000000000"
    );
    assert_eq!(cast(&bin, &url, &["block-number"]).await, "0");

    // Value transfer (EIP-1559 by default).
    let to = Address::repeat_byte(0x42).to_string();
    let receipt = json_of(
        &cast(
            &bin,
            &url,
            &[
                "send",
                "--json",
                "--private-key",
                DEV_PRIVATE_KEY,
                &to,
                "--value",
                "1000",
            ],
        )
        .await,
    );
    assert_eq!(receipt["status"], "0x1", "{receipt}");
    assert_eq!(cast(&bin, &url, &["balance", &to]).await, "1000");
    // And a legacy one.
    let receipt = json_of(
        &cast(
            &bin,
            &url,
            &[
                "send",
                "--legacy",
                "--json",
                "--private-key",
                DEV_PRIVATE_KEY,
                &to,
                "--value",
                "1",
            ],
        )
        .await,
    );
    assert_eq!(receipt["status"], "0x1", "{receipt}");
    assert_eq!(receipt["type"], "0x0");

    // Deploy with --create, then call and send to the contract.
    let init = format!("0x{}", hex::encode(contracts::store_init()));
    let receipt = json_of(
        &cast(
            &bin,
            &url,
            &[
                "send",
                "--json",
                "--private-key",
                DEV_PRIVATE_KEY,
                "--create",
                &init,
            ],
        )
        .await,
    );
    assert_eq!(receipt["status"], "0x1", "{receipt}");
    let store = receipt["contractAddress"]
        .as_str()
        .expect("contractAddress")
        .to_string();
    assert_eq!(
        cast(&bin, &url, &["code", &store]).await,
        format!("0x{}", hex::encode(contracts::store_runtime()))
    );
    assert_eq!(
        cast(&bin, &url, &["call", &store, "get()(uint256)"]).await,
        "0"
    );
    let receipt = json_of(
        &cast(
            &bin,
            &url,
            &[
                "send",
                "--json",
                "--private-key",
                DEV_PRIVATE_KEY,
                &store,
                "set(uint256)",
                "42",
            ],
        )
        .await,
    );
    assert_eq!(receipt["status"], "0x1", "{receipt}");
    assert_eq!(receipt["logs"].as_array().expect("logs").len(), 1);
    assert_eq!(
        cast(&bin, &url, &["call", &store, "get()(uint256)"]).await,
        "42"
    );
    let tx_hash = receipt["transactionHash"]
        .as_str()
        .expect("hash")
        .to_string();
    let fetched = json_of(&cast(&bin, &url, &["receipt", "--json", &tx_hash]).await);
    assert_eq!(fetched["status"], "0x1");
    assert_eq!(fetched["blockNumber"], receipt["blockNumber"]);
    let status = cast(&bin, &url, &["receipt", &tx_hash, "status"]).await;
    assert!(
        matches!(status.split_whitespace().next(), Some("1" | "true")),
        "{status}"
    );

    // A revert surfaces through cast as an error mentioning the reason.
    let mut cmd = tokio::process::Command::new(&bin);
    cmd.args(["call", &store, "fail()", "--rpc-url", &url])
        .kill_on_drop(true);
    let out = tokio::time::timeout(Duration::from_secs(60), cmd.output())
        .await
        .expect("cast call timed out")
        .expect("run cast");
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("nope"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // cast publish of a pre-EIP-155 transaction (like the CREATE2 factory's deployment).
    let key = random_signer();
    let fund = json_of(
        &cast(
            &bin,
            &url,
            &[
                "send",
                "--json",
                "--private-key",
                DEV_PRIVATE_KEY,
                &key.address().to_string(),
                "--value",
                "1ether",
            ],
        )
        .await,
    );
    assert_eq!(fund["status"], "0x1");
    let raw = legacy(
        &key,
        None,
        0,
        TxKind::Call(Address::repeat_byte(0x43)),
        U256::from(7),
        Bytes::new(),
        21_000,
    );
    let published = cast(&bin, &url, &["publish", &raw.to_string()]).await;
    let hash = published
        .split(|c: char| !c.is_ascii_hexdigit() && c != 'x')
        .find(|w| w.starts_with("0x") && w.len() == 66)
        .map(str::to_string)
        .or_else(|| {
            json_of(&published)["transactionHash"]
                .as_str()
                .map(str::to_string)
        })
        .unwrap_or_else(|| panic!("no hash in cast publish output: {published}"));
    let receipt = rpc_ok(&url, "eth_getTransactionReceipt", json!([hash])).await;
    assert_eq!(receipt["status"], "0x1");
    let tx = rpc_ok(&url, "eth_getTransactionByHash", json!([hash])).await;
    assert!(tx["chainId"].is_null(), "pre-EIP-155: {tx}");
    assert_eq!(
        cast(
            &bin,
            &url,
            &["balance", &Address::repeat_byte(0x43).to_string()]
        )
        .await,
        "7"
    );
    node.stop().await;
}
