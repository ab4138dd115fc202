//! End-to-end over real HTTP with alloy's provider and wallet: deploy, call, send, logs,
//! receipts, estimate, reverts, overrides, time travel, snapshots, block tags, genesis.

mod common;

use alloy::{
    eips::BlockNumberOrTag,
    network::TransactionBuilder,
    primitives::{address, Address, Bytes, TxKind, B256, U256},
    providers::Provider,
    rpc::types::{Filter, TransactionRequest},
    sol,
    sol_types::SolCall,
};
use common::{contracts, *};
use serde_json::json;
use stylus_devnode::DEV_ACCOUNT;

sol! {
    function set(uint256 value);
    function get() returns (uint256);
    function time() returns (uint256);
    function fail();
}

async fn deploy_store(p: &impl Provider) -> Address {
    let tx = TransactionRequest::default().with_deploy_code(Bytes::from(contracts::store_init()));
    let receipt = p
        .send_transaction(tx)
        .await
        .expect("send")
        .get_receipt()
        .await
        .expect("receipt");
    assert!(receipt.status(), "deploy succeeded");
    receipt.contract_address.expect("contractAddress")
}

#[tokio::test]
async fn deploy_call_send_logs_receipts() {
    let node = start().await;
    let p = provider(node.url(), dev_signer());
    assert_eq!(p.get_chain_id().await.expect("chain id"), CHAIN_ID);
    let store = deploy_store(&p).await;
    assert_eq!(
        p.get_code_at(store).await.expect("code").to_vec(),
        contracts::store_runtime()
    );

    let get = TransactionRequest::default()
        .with_to(store)
        .with_input(getCall {}.abi_encode());
    assert_eq!(
        U256::from_be_slice(&p.call(get.clone()).await.expect("call")),
        U256::ZERO
    );

    let set_tx = TransactionRequest::default().with_to(store).with_input(
        setCall {
            value: U256::from(42),
        }
        .abi_encode(),
    );
    let receipt = p
        .send_transaction(set_tx)
        .await
        .expect("send")
        .get_receipt()
        .await
        .expect("receipt");
    assert!(receipt.status());
    assert_eq!(receipt.from, DEV_ACCOUNT);
    assert_eq!(receipt.to, Some(store));
    assert!(receipt.contract_address.is_none());
    let logs = receipt.inner.logs();
    assert_eq!(logs.len(), 1);
    assert_eq!(logs[0].address(), store);
    assert_eq!(
        logs[0].topics()[0],
        contracts::topic("ValueSet(address,uint256)")
    );
    assert_eq!(
        logs[0].topics()[1],
        B256::left_padding_from(DEV_ACCOUNT.as_slice())
    );
    assert_eq!(
        U256::from_be_slice(&p.call(get).await.expect("call")),
        U256::from(42)
    );

    // eth_getLogs: by address and topic, by a topic that does not match, by block hash.
    let block = receipt.block_number.expect("mined");
    let by_topic = Filter::new()
        .address(store)
        .event_signature(contracts::topic("ValueSet(address,uint256)"))
        .from_block(0u64)
        .to_block(block);
    assert_eq!(p.get_logs(&by_topic).await.expect("logs").len(), 1);
    let other = Filter::new()
        .address(store)
        .event_signature(B256::repeat_byte(7))
        .from_block(0u64);
    assert!(p.get_logs(&other).await.expect("logs").is_empty());
    let elsewhere = Filter::new()
        .address(Address::repeat_byte(9))
        .from_block(0u64);
    assert!(p.get_logs(&elsewhere).await.expect("logs").is_empty());
    let by_hash = Filter::new().at_block_hash(receipt.block_hash.expect("hash"));
    let logs = p.get_logs(&by_hash).await.expect("logs");
    assert_eq!(logs.len(), 1);
    assert_eq!(logs[0].transaction_hash, Some(receipt.transaction_hash));

    // A value transfer to a fresh account.
    let to = Address::repeat_byte(0x42);
    let tx = TransactionRequest::default()
        .with_to(to)
        .with_value(U256::from(12345));
    let r = p
        .send_transaction(tx)
        .await
        .expect("send")
        .get_receipt()
        .await
        .expect("receipt");
    assert!(r.status());
    assert_eq!(r.gas_used, 21_000);
    assert_eq!(p.get_balance(to).await.expect("balance"), U256::from(12345));

    // Transaction and block lookups agree.
    let tx = p
        .get_transaction_by_hash(r.transaction_hash)
        .await
        .expect("tx")
        .expect("known");
    assert_eq!(tx.block_number, r.block_number);
    let full = p
        .get_block_by_number(BlockNumberOrTag::Number(r.block_number.expect("n")))
        .full()
        .await
        .expect("block")
        .expect("exists");
    assert_eq!(full.header.hash, r.block_hash.expect("hash"));
    assert_eq!(full.transactions.len(), 1);
    assert_eq!(full.header.base_fee_per_gas, Some(BASE_FEE as u64));
    assert_eq!(p.get_block_number().await.expect("n"), 3);
    node.stop().await;
}

#[tokio::test]
async fn reverts_use_geths_error_shape_and_estimate_is_minimal() {
    let node = start().await;
    let url = node.url().to_string();
    let p = provider(&url, dev_signer());
    let store = deploy_store(&p).await;
    let fail =
        json!({ "from": DEV_ACCOUNT, "to": store, "data": Bytes::from(failCall {}.abi_encode()) });
    for method in ["eth_call", "eth_estimateGas"] {
        let err = rpc_err(&url, method, json!([fail, "latest"])).await;
        assert_eq!(err["code"], 3, "{method}: {err}");
        assert_eq!(err["message"], "execution reverted: nope");
        let data = err["data"].as_str().expect("data");
        assert!(data.starts_with("0x08c379a0"), "{data}");
    }
    // Unknown selector: a revert without data is geth's and Nitro's -32000 with no data field
    // (code 3 and `data` are for reverts that carry data).
    for method in ["eth_call", "eth_estimateGas"] {
        let empty = rpc_err(&url, method, json!([{ "to": store, "data": "0x12345678" }])).await;
        assert_eq!(empty["code"], -32000, "{method}: {empty}");
        assert_eq!(empty["message"], "execution reverted");
        assert!(empty.get("data").is_none(), "{method}: {empty}");
    }

    // The estimate is the smallest limit that succeeds: E works, E - 1 does not.
    let call = json!({ "from": DEV_ACCOUNT, "to": store, "data": Bytes::from(setCall { value: U256::from(7) }.abi_encode()) });
    let estimate = qty(&rpc_ok(&url, "eth_estimateGas", json!([call])).await);
    let signer = dev_signer();
    let snap = rpc_ok(&url, "evm_snapshot", json!([])).await;
    let nonce = nonce_of(&url, DEV_ACCOUNT).await;
    let input = Bytes::from(
        setCall {
            value: U256::from(7),
        }
        .abi_encode(),
    );
    let low = send_raw(
        &url,
        &eip1559(
            &signer,
            CHAIN_ID,
            nonce,
            TxKind::Call(store),
            U256::ZERO,
            input.clone(),
            estimate - 1,
            BASE_FEE,
        ),
    )
    .await;
    assert_eq!(low["status"], "0x0", "estimate - 1 must fail");
    assert_eq!(rpc_ok(&url, "evm_revert", json!([snap])).await, true);
    let ok = send_raw(
        &url,
        &eip1559(
            &signer,
            CHAIN_ID,
            nonce,
            TxKind::Call(store),
            U256::ZERO,
            input,
            estimate,
            BASE_FEE,
        ),
    )
    .await;
    assert_eq!(ok["status"], "0x1", "the estimate must succeed");
    // Plain transfer estimates at exactly 21000.
    let transfer = json!({ "from": DEV_ACCOUNT, "to": Address::repeat_byte(1), "value": "0x1" });
    assert_eq!(
        qty(&rpc_ok(&url, "eth_estimateGas", json!([transfer])).await),
        21_000
    );
    node.stop().await;
}

#[tokio::test]
async fn eth_call_with_state_overrides() {
    let node = start().await;
    let url = node.url().to_string();
    let target = Address::repeat_byte(0xAB);
    let runtime = Bytes::from(contracts::store_runtime());
    let get = Bytes::from(getCall {}.abi_encode());
    let slot0 = B256::ZERO;
    let five = B256::from(U256::from(5));
    let overrides =
        json!({ target.to_string(): { "code": runtime, "state": { slot0.to_string(): five } } });
    let out = rpc_ok(
        &url,
        "eth_call",
        json!([{ "to": target, "data": get }, "latest", overrides]),
    )
    .await;
    assert_eq!(out, json!(five));
    let diff = json!({ target.to_string(): { "code": runtime, "stateDiff": { slot0.to_string(): B256::from(U256::from(9)) } } });
    let out = rpc_ok(
        &url,
        "eth_call",
        json!([{ "to": target, "data": get }, "latest", diff]),
    )
    .await;
    assert_eq!(out, json!(B256::from(U256::from(9))));
    // The override did not persist.
    assert_eq!(
        rpc_ok(&url, "eth_getCode", json!([target, "latest"])).await,
        "0x"
    );
    // Balance override lets a poor sender move value in a call.
    let poor = Address::repeat_byte(0x77);
    let call = json!({ "from": poor, "to": Address::repeat_byte(1), "value": "0x100", "gasPrice": "0x5f5e100" });
    let err = rpc_err(&url, "eth_call", json!([call, "latest"])).await;
    assert!(
        err["message"]
            .as_str()
            .expect("msg")
            .starts_with("insufficient funds"),
        "{err}"
    );
    let rich = json!({ poor.to_string(): { "balance": "0xffffffffffffffffffff" } });
    rpc_ok(&url, "eth_call", json!([call, "latest", rich])).await;
    let both = json!({ target.to_string(): { "state": {}, "stateDiff": {} } });
    assert_eq!(
        rpc_err(&url, "eth_call", json!([{ "to": target }, "latest", both])).await["code"],
        -32602
    );
    node.stop().await;
}

async fn head(p: &impl Provider) -> alloy::rpc::types::Header {
    p.get_block_by_number(BlockNumberOrTag::Latest)
        .await
        .expect("block")
        .expect("exists")
        .header
}

#[tokio::test]
async fn time_travel_and_snapshots() {
    let node = start().await;
    let url = node.url().to_string();
    let p = provider(&url, dev_signer());
    let store = deploy_store(&p).await;
    let t0 = head(&p).await.timestamp;
    let offset = rpc_ok(&url, "evm_increaseTime", json!([3600])).await;
    assert_eq!(offset, 3600);
    rpc_ok(&url, "evm_mine", json!([])).await;
    let h1 = head(&p).await;
    assert!(h1.timestamp >= t0 + 3600, "{} vs {}", h1.timestamp, t0);

    let target = h1.timestamp + 86_400;
    rpc_ok(&url, "evm_setNextBlockTimestamp", json!([target])).await;
    let set_tx = TransactionRequest::default().with_to(store).with_input(
        setCall {
            value: U256::from(1),
        }
        .abi_encode(),
    );
    let r = p
        .send_transaction(set_tx)
        .await
        .expect("send")
        .get_receipt()
        .await
        .expect("receipt");
    let block = p
        .get_block_by_number(BlockNumberOrTag::Number(r.block_number.expect("n")))
        .await
        .expect("b")
        .expect("e");
    assert_eq!(block.header.timestamp, target);
    // At "latest", eth_call sees the head block's timestamp.
    let now = p
        .call(
            TransactionRequest::default()
                .with_to(store)
                .with_input(timeCall {}.abi_encode()),
        )
        .block(alloy::eips::BlockId::latest())
        .await
        .expect("call");
    assert_eq!(U256::from_be_slice(&now), U256::from(target));
    // A timestamp before the head is refused.
    assert_eq!(
        rpc_err(&url, "evm_setNextBlockTimestamp", json!([1])).await["code"],
        -32000
    );
    // evm_mine with an explicit timestamp.
    rpc_ok(&url, "evm_mine", json!([target + 10])).await;
    assert_eq!(head(&p).await.timestamp, target + 10);

    // Snapshots restore balances, nonces, code, blocks; a used id is gone.
    let number = p.get_block_number().await.expect("n");
    let snap = rpc_ok(&url, "evm_snapshot", json!([])).await;
    let nonce = nonce_of(&url, DEV_ACCOUNT).await;
    let balance = p.get_balance(DEV_ACCOUNT).await.expect("balance");
    let fresh = deploy_store(&p).await;
    p.send_transaction(
        TransactionRequest::default()
            .with_to(Address::repeat_byte(5))
            .with_value(U256::from(1)),
    )
    .await
    .expect("send")
    .get_receipt()
    .await
    .expect("receipt");
    assert_eq!(p.get_block_number().await.expect("n"), number + 2);
    assert_eq!(rpc_ok(&url, "evm_revert", json!([snap])).await, true);
    assert_eq!(p.get_block_number().await.expect("n"), number);
    assert_eq!(nonce_of(&url, DEV_ACCOUNT).await, nonce);
    assert_eq!(p.get_balance(DEV_ACCOUNT).await.expect("balance"), balance);
    assert!(p.get_code_at(fresh).await.expect("code").is_empty());
    assert_eq!(rpc_ok(&url, "evm_revert", json!([snap])).await, false);
    node.stop().await;
}

#[tokio::test]
async fn block_tags_and_historical_state() {
    let node = start().await;
    let url = node.url().to_string();
    let p = provider(&url, dev_signer());
    p.send_transaction(
        TransactionRequest::default()
            .with_to(Address::repeat_byte(5))
            .with_value(U256::from(1)),
    )
    .await
    .expect("send")
    .get_receipt()
    .await
    .expect("receipt");
    p.send_transaction(
        TransactionRequest::default()
            .with_to(Address::repeat_byte(5))
            .with_value(U256::from(1)),
    )
    .await
    .expect("send")
    .get_receipt()
    .await
    .expect("receipt");
    for (tag, number) in [
        ("latest", 2u64),
        ("pending", 2),
        ("safe", 2),
        ("finalized", 2),
        ("earliest", 0),
        ("0x1", 1),
    ] {
        let b = rpc_ok(&url, "eth_getBlockByNumber", json!([tag, false])).await;
        assert_eq!(qty(&b["number"]), number, "{tag}");
    }
    assert!(rpc_ok(&url, "eth_getBlockByNumber", json!(["0x99", false]))
        .await
        .is_null());
    let genesis = rpc_ok(&url, "eth_getBalance", json!([DEV_ACCOUNT, "earliest"])).await;
    assert_eq!(
        genesis,
        json!(U256::from(1000u64) * U256::from(10u64).pow(U256::from(18u64)))
    );
    let latest = rpc_ok(&url, "eth_getBalance", json!([DEV_ACCOUNT, "latest"])).await;
    assert_ne!(latest, genesis);
    assert_eq!(
        rpc_ok(&url, "eth_getBalance", json!([DEV_ACCOUNT, "0x2"])).await,
        latest
    );
    let err = rpc_err(&url, "eth_getBalance", json!([DEV_ACCOUNT, "0x1"])).await;
    assert!(
        err["message"]
            .as_str()
            .expect("msg")
            .contains("historical state"),
        "{err}"
    );
    assert_eq!(
        qty(&rpc_ok(
            &url,
            "eth_getTransactionCount",
            json!([DEV_ACCOUNT, "pending"])
        )
        .await),
        2
    );
    // Fee history: constant base fee, one more entry than blocks.
    let fh = rpc_ok(
        &url,
        "eth_feeHistory",
        json!(["0x2", "latest", [25.0, 75.0]]),
    )
    .await;
    assert_eq!(fh["baseFeePerGas"].as_array().expect("array").len(), 3);
    assert!(fh["baseFeePerGas"]
        .as_array()
        .expect("array")
        .iter()
        .all(|b| qty(b) == BASE_FEE as u64));
    assert_eq!(qty(&fh["oldestBlock"]), 1);
    assert_eq!(fh["reward"].as_array().expect("rewards").len(), 2);
    let fees = p.estimate_eip1559_fees().await.expect("fees");
    assert!(fees.max_fee_per_gas >= BASE_FEE);
    assert_eq!(rpc_ok(&url, "eth_gasPrice", json!([])).await, "0x5f5e100");
    assert_eq!(rpc_ok(&url, "net_version", json!([])).await, "412346");
    node.stop().await;
}

#[tokio::test]
async fn genesis_accounts_precompile_markers_and_create2_factory() {
    let extra = Address::repeat_byte(0x99);
    let node = stylus_devnode::DevNode::start(
        stylus_devnode::NodeConfig::ephemeral().with_funded(extra, U256::from(77u64)),
    )
    .await
    .expect("start");
    let url = node.url().to_string();
    let p = provider(&url, dev_signer());
    assert_eq!(
        p.get_balance(DEV_ACCOUNT).await.expect("b"),
        U256::from(1000u64) * U256::from(10u64).pow(U256::from(18u64))
    );
    assert_eq!(p.get_balance(extra).await.expect("b"), U256::from(77u64));
    for last in (0x64u8..=0x74).chain([0xff]) {
        let mut a = [0u8; 20];
        a[19] = last;
        assert_eq!(
            p.get_code_at(Address::from(a))
                .await
                .expect("code")
                .to_vec(),
            vec![0xfe],
            "precompile 0x{last:x}"
        );
    }
    let deployer = address!("0xcEcba2F1DC234f70Dd89F2041029807F8D03A990");
    assert!(!p.get_code_at(deployer).await.expect("code").is_empty());

    // CREATE2 factory: salt ‖ init code → the CREATE2 address, 20 bytes.
    let factory = stylus_devnode::genesis::CREATE2_FACTORY;
    let init = Bytes::from(contracts::store_init());
    let salt = B256::repeat_byte(0x11);
    let expected = factory.create2_from_code(salt, &init);
    let mut input = salt.to_vec();
    input.extend_from_slice(&init);
    let call = TransactionRequest::default()
        .with_to(factory)
        .with_input(input.clone());
    let out = p.call(call.clone()).await.expect("call");
    assert_eq!(out.as_ref(), expected.as_slice());
    let r = p
        .send_transaction(call.clone())
        .await
        .expect("send")
        .get_receipt()
        .await
        .expect("receipt");
    assert!(r.status());
    assert_eq!(
        p.get_code_at(expected).await.expect("code").to_vec(),
        contracts::store_runtime()
    );
    // Same salt again: the CREATE2 collides and the factory reverts.
    let again = rpc_err(
        &url,
        "eth_call",
        json!([{ "to": factory, "data": Bytes::from(input) }]),
    )
    .await;
    // The collision returns no data: geth's -32000 "execution reverted" without a data field.
    assert_eq!(again["code"], -32000);
    assert_eq!(again["message"], "execution reverted");
    assert!(again.get("data").is_none(), "{again}");
    // Input shorter than a salt reverts.
    let short = rpc_err(
        &url,
        "eth_call",
        json!([{ "to": factory, "data": "0x1234" }]),
    )
    .await;
    assert_eq!(short["code"], -32000);
    assert!(short.get("data").is_none(), "{short}");
    // Value is forwarded to the new contract.
    let salt2 = B256::repeat_byte(0x22);
    let mut input2 = salt2.to_vec();
    input2.extend_from_slice(&init);
    let r = p
        .send_transaction(
            TransactionRequest::default()
                .with_to(factory)
                .with_input(input2)
                .with_value(U256::from(5)),
        )
        .await
        .expect("send")
        .get_receipt()
        .await
        .expect("receipt");
    assert!(r.status());
    assert_eq!(
        p.get_balance(factory.create2_from_code(salt2, &init))
            .await
            .expect("b"),
        U256::from(5)
    );
    node.stop().await;
}

#[tokio::test]
async fn all_transaction_types_are_accepted() {
    let node = start().await;
    let url = node.url().to_string();
    let signer = random_signer();
    let me = signer.address();
    // Fund the fresh key from the dev account.
    let dev = dev_signer();
    let fund = eip1559(
        &dev,
        CHAIN_ID,
        0,
        TxKind::Call(me),
        U256::from(10u64).pow(U256::from(18u64)),
        Bytes::new(),
        21_000,
        BASE_FEE,
    );
    assert_eq!(send_raw(&url, &fund).await["status"], "0x1");
    let to = TxKind::Call(Address::repeat_byte(3));
    let txs = [
        (
            legacy(
                &signer,
                Some(CHAIN_ID),
                0,
                to,
                U256::from(1),
                Bytes::new(),
                21_000,
            ),
            "0x0",
        ),
        (
            legacy(&signer, None, 1, to, U256::from(1), Bytes::new(), 21_000),
            "0x0",
        ),
        (eip2930(&signer, 2, to, U256::from(1), 21_000), "0x1"),
        (
            eip1559(
                &signer,
                CHAIN_ID,
                3,
                to,
                U256::from(1),
                Bytes::new(),
                21_000,
                BASE_FEE * 2,
            ),
            "0x2",
        ),
    ];
    for (raw, ty) in txs {
        let r = send_raw(&url, &raw).await;
        assert_eq!(r["status"], "0x1");
        assert_eq!(r["type"], ty);
        assert_eq!(r["from"], json!(me));
        assert_eq!(qty(&r["effectiveGasPrice"]), BASE_FEE as u64);
    }
    assert_eq!(
        rpc_ok(&url, "eth_getBalance", json!([Address::repeat_byte(3)])).await,
        "0x4"
    );
    node.stop().await;
}

#[tokio::test]
async fn interval_mining_batches_transactions() {
    use std::time::Duration;
    let cfg = stylus_devnode::NodeConfig::ephemeral().with_mining(
        stylus_devnode::Mining::Interval(Duration::from_millis(1000)),
    );
    let node = stylus_devnode::DevNode::start(cfg).await.expect("start");
    let url = node.url().to_string();
    let dev = dev_signer();
    // One JSON-RPC batch: the three transactions arrive within one sealing interval.
    let batch: Vec<serde_json::Value> = (0..3u64)
        .map(|nonce| {
            let raw = eip1559(&dev, CHAIN_ID, nonce, TxKind::Call(Address::repeat_byte(4)), U256::from(1), Bytes::new(), 21_000, BASE_FEE);
            json!({ "jsonrpc": "2.0", "id": nonce, "method": "eth_sendRawTransaction", "params": [raw] })
        })
        .collect();
    let (status, body) =
        raw_post(&url, serde_json::Value::Array(batch).to_string().as_bytes()).await;
    assert_eq!(status, 200);
    let replies: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    let hashes: Vec<serde_json::Value> = replies
        .as_array()
        .expect("batch")
        .iter()
        .map(|r| r["result"].clone())
        .collect();
    assert!(hashes.iter().all(|h| h.is_string()), "{replies}");
    assert_eq!(nonce_of(&url, DEV_ACCOUNT).await, 3);
    let mut receipts = Vec::new();
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        receipts.clear();
        for h in &hashes {
            receipts.push(rpc_ok(&url, "eth_getTransactionReceipt", json!([h])).await);
        }
        if receipts.iter().all(|r| !r.is_null()) {
            break;
        }
    }
    assert!(receipts.iter().all(|r| !r.is_null()), "sealed within 5 s");
    let blocks: Vec<_> = receipts.iter().map(|r| r["blockNumber"].clone()).collect();
    assert!(
        blocks.iter().all(|b| *b == blocks[0]),
        "one block: {blocks:?}"
    );
    let indexes: Vec<u64> = receipts
        .iter()
        .map(|r| qty(&r["transactionIndex"]))
        .collect();
    assert_eq!(indexes, vec![0, 1, 2]);
    assert_eq!(qty(&receipts[2]["cumulativeGasUsed"]), 63_000);
    // No empty blocks while idle.
    let n = rpc_ok(&url, "eth_blockNumber", json!([])).await;
    tokio::time::sleep(Duration::from_millis(2200)).await;
    assert_eq!(rpc_ok(&url, "eth_blockNumber", json!([])).await, n);
    node.stop().await;
}

/// Init code returning `code` as the contract code (PUSHn code, PUSH0, MSTORE, RETURN tail).
fn init_returning(code: &[u8]) -> Bytes {
    let n = code.len() as u8;
    let mut init = vec![0x5f + n];
    init.extend_from_slice(code);
    init.extend_from_slice(&[0x5f, 0x52, 0x60, n, 0x60, 32 - n, 0xf3]);
    init.into()
}

#[tokio::test]
async fn eip3541_allows_only_stylus_prefixes() {
    let node = start().await;
    let url = node.url().to_string();
    let p = provider(&url, dev_signer());
    for (code, ok) in [
        (&[0xEF, 0xF0, 0x00, 0x00, 0x1b][..], true),
        // Fragments (EF F0 01) and roots (EF F0 02) are accepted from ArbOS 60 only
        // (go-ethereum's IsStylusComponentPrefix); this node runs the default ArbOS 51.
        (&[0xEF, 0xF0, 0x01, 0x42][..], false),
        (&[0xEF, 0xF0, 0x02, 0x00, 0x00][..], false),
        // A prefix with nothing after it is no program.
        (&[0xEF, 0xF0, 0x00][..], false),
        (&[0xEF, 0x00, 0x01][..], false),
        (&[0xEF, 0xF0, 0x03][..], false),
    ] {
        let tx = TransactionRequest::default()
            .with_deploy_code(init_returning(code))
            .with_gas_limit(200_000);
        let r = p
            .send_transaction(tx)
            .await
            .expect("send")
            .get_receipt()
            .await
            .expect("receipt");
        assert_eq!(r.status(), ok, "code {code:02x?}");
        let addr = r.contract_address.expect("contractAddress");
        let stored = p.get_code_at(addr).await.expect("code");
        if ok {
            assert_eq!(stored.as_ref(), code);
        } else {
            assert!(stored.is_empty());
        }
    }
    node.stop().await;
}
