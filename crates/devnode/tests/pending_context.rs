//! `eth_call` and `eth_estimateGas` without a block simulate in the pending block (the next
//! number, the clock's current time including `evm_increaseTime` / `evm_setNextBlockTimestamp`),
//! as anvil and Nitro do; "latest" keeps the latest block's context (issue 13, item 4).

mod common;

use alloy::primitives::{Address, Bytes, TxKind, U256};
use common::{
    asm::{deploy_code, op, Asm},
    *,
};
use serde_json::{json, Value};
use stylus_devnode::DEV_ACCOUNT;

/// A TWAP-like contract: on every call it stores `block.timestamp` in slot 0 unless the slot
/// already holds it, so a call in a later second costs an SSTORE more than one in the same second.
fn twap_like() -> Vec<u8> {
    Asm::new()
        .ops(&[op::PUSH0, op::SLOAD, op::TIMESTAMP, op::EQ])
        .jumpi("same")
        .ops(&[op::TIMESTAMP, op::PUSH0, op::SSTORE])
        .label("same")
        .ops(&[op::STOP])
        .assemble()
}

/// Returns `(block.number, block.timestamp)` as two words.
fn clock_view() -> Vec<u8> {
    Asm::new()
        .ops(&[op::NUMBER, op::PUSH0, op::MSTORE, op::TIMESTAMP])
        .push_u64(32)
        .ops(&[op::MSTORE])
        .push_u64(64)
        .ops(&[op::PUSH0, op::RETURN])
        .assemble()
}

async fn deploy(url: &str, runtime: &[u8]) -> Address {
    let nonce = nonce_of(url, DEV_ACCOUNT).await;
    let raw = eip1559(
        &dev_signer(),
        CHAIN_ID,
        nonce,
        TxKind::Create,
        U256::ZERO,
        deploy_code(Asm::new(), runtime).into(),
        1_000_000,
        BASE_FEE,
    );
    let receipt = send_raw(url, &raw).await;
    assert_eq!(receipt["status"], "0x1", "{receipt}");
    receipt["contractAddress"]
        .as_str()
        .expect("contractAddress")
        .parse()
        .expect("address")
}

async fn send_with_gas(url: &str, to: Address, gas: u64) -> Value {
    let nonce = nonce_of(url, DEV_ACCOUNT).await;
    let raw = eip1559(
        &dev_signer(),
        CHAIN_ID,
        nonce,
        TxKind::Call(to),
        U256::ZERO,
        Bytes::new(),
        gas,
        BASE_FEE,
    );
    send_raw(url, &raw).await
}

async fn head(url: &str) -> (u64, u64) {
    let block = rpc_ok(url, "eth_getBlockByNumber", json!(["latest", false])).await;
    (qty(&block["number"]), qty(&block["timestamp"]))
}

fn words(v: &Value) -> (u64, u64) {
    let hex = v.as_str().expect("hex output").trim_start_matches("0x");
    assert_eq!(hex.len(), 128, "{v}");
    let word = |s: &str| u64::from_str_radix(&s[48..64], 16).expect("u64 word");
    (word(&hex[..64]), word(&hex[64..]))
}

#[tokio::test]
async fn plain_estimates_of_time_dependent_transactions_succeed_a_second_later() {
    let node = start().await;
    let url = node.url().to_string();
    let twap = deploy(&url, &twap_like()).await;
    // First post: slot 0 = the head's timestamp.
    assert_eq!(send_with_gas(&url, twap, 100_000).await["status"], "0x1");

    for round in 0..3 {
        // Time moves on (time travel, then real seconds while the user signs).
        rpc_ok(&url, "evm_increaseTime", json!([5])).await;
        let call = json!({ "from": DEV_ACCOUNT, "to": twap });
        let plain = qty(&rpc_ok(&url, "eth_estimateGas", json!([call])).await);
        let pending = qty(&rpc_ok(&url, "eth_estimateGas", json!([call, "pending"])).await);
        let latest = qty(&rpc_ok(&url, "eth_estimateGas", json!([call, "latest"])).await);
        assert_eq!(plain, pending, "round {round}: no block = pending");
        // At the head's timestamp the slot already holds it: no SSTORE, ≈ 5k less.
        assert!(
            plain >= latest + 2_900,
            "round {round}: {plain} vs {latest}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
        // The "latest" estimate runs out of gas when mined; the plain one succeeds exactly.
        let short = send_with_gas(&url, twap, latest).await;
        assert_eq!(short["status"], "0x0", "round {round}: {short}");
        let ok = send_with_gas(&url, twap, plain).await;
        assert_eq!(ok["status"], "0x1", "round {round}: {ok}");
        let (_, ts) = head(&url).await;
        let stored = rpc_ok(&url, "eth_getStorageAt", json!([twap, "0x0", "latest"])).await;
        assert_eq!(
            U256::from_str_radix(stored.as_str().unwrap().trim_start_matches("0x"), 16).unwrap(),
            U256::from(ts),
            "round {round}: the post stored the block's timestamp"
        );
    }
    node.stop().await;
}

#[tokio::test]
async fn calls_see_the_pending_block_and_latest_sees_the_head() {
    let node = start().await;
    let url = node.url().to_string();
    let view = deploy(&url, &clock_view()).await;
    let call = json!({ "to": view });

    rpc_ok(&url, "evm_increaseTime", json!([3600])).await;
    let (number, ts) = head(&url).await;
    let (n, t) = words(&rpc_ok(&url, "eth_call", json!([call])).await);
    assert_eq!(n, number + 1, "next block number");
    assert!(
        t >= ts + 3600,
        "the clock after time travel: {t} vs head {ts}"
    );
    assert_eq!(
        words(&rpc_ok(&url, "eth_call", json!([call, "latest"])).await),
        (number, ts),
        "latest is the head's context"
    );
    assert_eq!(
        words(&rpc_ok(&url, "eth_call", json!([call, "pending"])).await).0,
        number + 1
    );

    // evm_setNextBlockTimestamp fixes the pending block's time exactly.
    let target = t + 1_000;
    rpc_ok(&url, "evm_setNextBlockTimestamp", json!([target])).await;
    assert_eq!(
        words(&rpc_ok(&url, "eth_call", json!([call])).await),
        (number + 1, target)
    );
    // Simulations do not consume the override: the next mined block gets it.
    rpc_ok(&url, "evm_mine", json!([])).await;
    assert_eq!(head(&url).await, (number + 1, target));
    node.stop().await;
}
