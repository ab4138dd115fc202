//! Stylus over JSON-RPC: programs deployed by signed transactions, activated through ArbWasm,
//! called with alloy, deployed with a constructor through the StylusDeployer, the
//! openzeppelin-stylus mocks used from an alloy wallet and from `cast`.

mod common;

use std::path::PathBuf;
use std::time::Duration;

use alloy::{
    network::TransactionBuilder,
    primitives::{address, keccak256, Address, Bytes, B256, U256},
    providers::Provider,
    rpc::types::TransactionRequest,
    sol,
    sol_types::{SolCall, SolError, SolValue},
};
use common::{tools, *};
use serde_json::json;
use stylus_devnode::DEV_ACCOUNT;
use stylus_vm::code::{deploy_init_code, encode_program};
use stylus_vm::instrument::{canonicalize, strip_custom_sections};

const ARB_WASM: Address = address!("0000000000000000000000000000000000000071");
const DEPLOYER: Address = address!("cEcba2F1DC234f70Dd89F2041029807F8D03A990");

sol! {
    function activateProgram(address program) payable returns (uint16 version, uint256 dataFee);
    function codehashVersion(bytes32 codehash) returns (uint16 version);
    function deploy(bytes bytecode, bytes initData, uint256 initValue, bytes32 salt) payable returns (address);
    function mint(address to, uint256 id);
    function ownerOf(uint256 id) returns (address);
    function balanceOf(address owner) returns (uint256);
    function transferFrom(address from, address to, uint256 id);
    error ProgramNotActivated();
    error ProgramUpToDate();
    error ERC721NonexistentToken(uint256 tokenId);
}

/// A storage program: empty calldata reads slot 0; 32 bytes of calldata store them in slot 0
/// and emit a log with the value as topic; 0xff reverts with "nope".
const STORE_WAT: &str = r#"(module
  (import "vm_hooks" "read_args" (func $read_args (param i32)))
  (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
  (import "vm_hooks" "storage_load_bytes32" (func $load (param i32 i32)))
  (import "vm_hooks" "storage_cache_bytes32" (func $cache (param i32 i32)))
  (import "vm_hooks" "storage_flush_cache" (func $flush (param i32)))
  (import "vm_hooks" "emit_log" (func $log (param i32 i32 i32)))
  (memory (export "memory") 1 1)
  (data (i32.const 300) "nope")
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (call $read_args (i32.const 0))
    (if (i32.eq (local.get $len) (i32.const 1)) (then
        (call $write_result (i32.const 300) (i32.const 4)) (return (i32.const 1))))
    (if (i32.eq (local.get $len) (i32.const 32)) (then
        (call $cache (i32.const 200) (i32.const 0))
        (call $flush (i32.const 0))
        (call $log (i32.const 0) (i32.const 32) (i32.const 1))
        (return (i32.const 0))))
    (call $load (i32.const 200) (i32.const 100))
    (call $write_result (i32.const 100) (i32.const 32))
    i32.const 0))"#;

fn program_code(wat_src: &str) -> Vec<u8> {
    encode_program(&wat::parse_str(wat_src).expect("wat"))
}

async fn deploy_code(p: &impl Provider, code: &[u8]) -> Address {
    let tx = TransactionRequest::default().with_deploy_code(Bytes::from(deploy_init_code(code)));
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

/// Activates like cargo-stylus: estimate the fee with eth_call, then send it with 20% on top.
async fn activate(p: &impl Provider, program: Address) -> alloy::rpc::types::TransactionReceipt {
    let input = activateProgramCall { program }.abi_encode();
    let probe = TransactionRequest::default()
        .with_to(ARB_WASM)
        .with_input(input.clone())
        .with_value(U256::from(10u64).pow(U256::from(18)));
    let out = p.call(probe).await.expect("fee estimate");
    let ret = activateProgramCall::abi_decode_returns(&out).expect("decode");
    assert_eq!(ret.version, 2);
    let value = ret.dataFee * U256::from(12) / U256::from(10);
    let tx = TransactionRequest::default()
        .with_to(ARB_WASM)
        .with_input(input)
        .with_value(value);
    let receipt = p
        .send_transaction(tx)
        .await
        .expect("send")
        .get_receipt()
        .await
        .expect("receipt");
    assert!(receipt.status(), "activation succeeded");
    receipt
}

#[tokio::test]
async fn stylus_program_deploys_activates_and_runs_over_rpc() {
    let node = start().await;
    let url = node.url().to_string();
    let p = provider(&url, dev_signer());
    let code = program_code(STORE_WAT);
    let prog = deploy_code(&p, &code).await;
    assert_eq!(p.get_code_at(prog).await.expect("code").as_ref(), &code[..]);

    // Before activation: calls fail without data, codehashVersion reverts ProgramNotActivated.
    let codehash = keccak256(&code);
    let q = TransactionRequest::default()
        .with_to(ARB_WASM)
        .with_input(codehashVersionCall { codehash }.abi_encode());
    let err = rpc_err(&url, "eth_call", json!([q, "latest"])).await;
    assert_eq!(err["code"], 3);
    assert_eq!(
        err["data"],
        format!("0x{}", hex::encode(ProgramNotActivated::SELECTOR))
    );
    let read = TransactionRequest::default().with_to(prog);
    assert!(p.call(read.clone()).await.is_err());

    let receipt = activate(&p, prog).await;
    let activated = receipt
        .inner
        .logs()
        .iter()
        .find(|l| l.address() == ARB_WASM)
        .expect("ProgramActivated");
    assert_eq!(activated.topics()[1], codehash);
    // A second activation reverts ProgramUpToDate already at estimation.
    let again = TransactionRequest::default()
        .with_from(DEV_ACCOUNT)
        .with_to(ARB_WASM)
        .with_input(activateProgramCall { program: prog }.abi_encode())
        .with_value(U256::from(1));
    let err = rpc_err(&url, "eth_estimateGas", json!([again])).await;
    assert_eq!(
        err["data"],
        format!("0x{}", hex::encode(ProgramUpToDate::SELECTOR))
    );

    // Store 42 by a signed transaction, read it back by eth_call and eth_getStorageAt.
    let value = B256::from(U256::from(42));
    let set = TransactionRequest::default()
        .with_to(prog)
        .with_input(value.to_vec());
    let gas = p.estimate_gas(set.clone()).await.expect("estimate");
    let receipt = p
        .send_transaction(set)
        .await
        .expect("send")
        .get_receipt()
        .await
        .expect("receipt");
    assert!(receipt.status());
    assert!(
        receipt.gas_used <= gas,
        "estimate {gas} covers {}",
        receipt.gas_used
    );
    assert_eq!(receipt.inner.logs()[0].address(), prog);
    assert_eq!(receipt.inner.logs()[0].topics()[0], value);
    assert_eq!(p.call(read).await.expect("call").as_ref(), value.as_slice());
    assert_eq!(
        p.get_storage_at(prog, U256::ZERO).await.expect("storage"),
        U256::from(42)
    );

    // Reverts use geth's error shape with the program's revert data.
    let fail = TransactionRequest::default()
        .with_to(prog)
        .with_input(vec![0xffu8]);
    let err = rpc_err(&url, "eth_call", json!([fail, "latest"])).await;
    assert_eq!(err["code"], 3);
    assert_eq!(err["data"], "0x6e6f7065");
    node.stop().await;
}

#[tokio::test]
async fn activation_in_eth_call_sees_state_overrides_and_changes_nothing() {
    let node = start().await;
    let url = node.url().to_string();
    let code = program_code(STORE_WAT);
    let spoof = Address::repeat_byte(0x42);
    let call = json!({ "from": DEV_ACCOUNT, "to": ARB_WASM, "value": "0xde0b6b3a7640000",
        "data": Bytes::from(activateProgramCall { program: spoof }.abi_encode()) });
    let overrides = json!({ spoof.to_string(): { "code": Bytes::from(code.clone()) } });
    let out = rpc_ok(&url, "eth_call", json!([call, "latest", overrides])).await;
    let ret = activateProgramCall::abi_decode_returns(
        &hex::decode(out.as_str().unwrap().trim_start_matches("0x")).unwrap(),
    )
    .unwrap();
    assert_eq!(ret.version, 2);
    assert!(ret.dataFee > U256::ZERO);
    // Nothing was recorded: the real deployment still needs activation.
    let q = json!({ "to": ARB_WASM, "data": Bytes::from(codehashVersionCall { codehash: keccak256(&code) }.abi_encode()) });
    let err = rpc_err(&url, "eth_call", json!([q, "latest"])).await;
    assert_eq!(
        err["data"],
        format!("0x{}", hex::encode(ProgramNotActivated::SELECTOR))
    );
    node.stop().await;
}

/// Constructor program: selector 0x5585258d stores msg.value in slot 0.
const CTOR_WAT: &str = r#"(module
  (import "vm_hooks" "read_args" (func $read_args (param i32)))
  (import "vm_hooks" "msg_value" (func $msg_value (param i32)))
  (import "vm_hooks" "storage_cache_bytes32" (func $cache (param i32 i32)))
  (import "vm_hooks" "storage_flush_cache" (func $flush (param i32)))
  (memory (export "memory") 1 1)
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (call $read_args (i32.const 0))
    (if (i32.eq (i32.load (i32.const 0)) (i32.const 0x8d258555)) (then
        (call $msg_value (i32.const 200))
        (call $cache (i32.const 100) (i32.const 200))
        (call $flush (i32.const 0))))
    i32.const 0))"#;

#[tokio::test]
async fn stylus_deployer_with_constructor_over_rpc() {
    let node = start().await;
    let url = node.url().to_string();
    let p = provider(&url, dev_signer());
    let init = deploy_init_code(&program_code(CTOR_WAT));
    let input = deployCall {
        bytecode: init.into(),
        initData: vec![0x55, 0x85, 0x25, 0x8d].into(),
        initValue: U256::from(9),
        salt: B256::ZERO,
    }
    .abi_encode();
    let tx = TransactionRequest::default()
        .with_to(DEPLOYER)
        .with_input(input)
        .with_value(U256::from(10u64).pow(U256::from(17)));
    let receipt = p
        .send_transaction(tx)
        .await
        .expect("send")
        .get_receipt()
        .await
        .expect("receipt");
    assert!(receipt.status());
    let log = receipt
        .inner
        .logs()
        .iter()
        .find(|l| l.address() == DEPLOYER)
        .expect("ContractDeployed");
    assert_eq!(log.topics()[0], keccak256("ContractDeployed(address)"));
    let addr = Address::abi_decode(&log.data().data).expect("address");
    assert_eq!(
        p.get_storage_at(addr, U256::ZERO).await.expect("storage"),
        U256::from(9)
    );
    assert_eq!(
        p.get_balance(DEPLOYER).await.expect("balance"),
        U256::ZERO,
        "the excess was refunded"
    );
    node.stop().await;
}

fn contract_wasm(package: &str, file: &str) -> Vec<u8> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let target = root.join("contracts/target");
    let path = target.join("wasm32-unknown-unknown/release").join(file);
    if !path.exists() {
        let status = std::process::Command::new(env!("CARGO"))
            .current_dir(root.join("contracts"))
            .env("CARGO_TARGET_DIR", &target)
            .args([
                "build",
                "--release",
                "--target",
                "wasm32-unknown-unknown",
                "-p",
                package,
            ])
            .status()
            .expect("cargo runs");
        assert!(status.success(), "building {package} failed");
    }
    let raw = std::fs::read(path).expect("wasm");
    encode_program(&strip_custom_sections(&canonicalize(&raw).expect("re-encode")).expect("strip"))
}

#[tokio::test]
async fn mock_nft_from_an_alloy_wallet_and_from_cast() {
    let node = start().await;
    let url = node.url().to_string();
    let p = provider(&url, dev_signer());
    let nft = deploy_code(&p, &contract_wasm("lien-mock-nft", "lien_mock_nft.wasm")).await;
    activate(&p, nft).await;
    let mint_tx = TransactionRequest::default().with_to(nft).with_input(
        mintCall {
            to: DEV_ACCOUNT,
            id: U256::from(1),
        }
        .abi_encode(),
    );
    let r = p
        .send_transaction(mint_tx)
        .await
        .expect("send")
        .get_receipt()
        .await
        .expect("receipt");
    assert!(r.status());
    let owner = p
        .call(
            TransactionRequest::default()
                .with_to(nft)
                .with_input(ownerOfCall { id: U256::from(1) }.abi_encode()),
        )
        .await
        .expect("call");
    assert_eq!(
        ownerOfCall::abi_decode_returns(&owner).expect("decode"),
        DEV_ACCOUNT
    );
    // Custom error through geth's error shape.
    let q =
        json!({ "to": nft, "data": Bytes::from(ownerOfCall { id: U256::from(7) }.abi_encode()) });
    let err = rpc_err(&url, "eth_call", json!([q, "latest"])).await;
    let data = err["data"].as_str().expect("data").to_string();
    assert!(
        data.starts_with(&format!(
            "0x{}",
            hex::encode(ERC721NonexistentToken::SELECTOR)
        )),
        "{data}"
    );

    let Some(cast) = tools::tool("cast") else {
        return node.stop().await;
    };
    let run = |args: Vec<String>| {
        let cast = cast.clone();
        let url = url.clone();
        async move {
            let mut cmd = tokio::process::Command::new(&cast);
            cmd.arg(&args[0])
                .arg("--rpc-url")
                .arg(&url)
                .args(&args[1..])
                .env("FOUNDRY_DISABLE_NIGHTLY_WARNING", "1")
                .kill_on_drop(true);
            let out = tokio::time::timeout(Duration::from_secs(60), cmd.output())
                .await
                .expect("cast in time")
                .expect("cast runs");
            assert!(
                out.status.success(),
                "cast {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            String::from_utf8_lossy(&out.stdout).trim().to_string()
        }
    };
    let key = stylus_devnode::DEV_PRIVATE_KEY.to_string();
    let s = |x: &str| x.to_string();
    run(vec![
        s("send"),
        s("--private-key"),
        key.clone(),
        nft.to_string(),
        s("mint(address,uint256)"),
        DEV_ACCOUNT.to_string(),
        s("2"),
    ])
    .await;
    let owner = run(vec![
        s("call"),
        nft.to_string(),
        s("ownerOf(uint256)(address)"),
        s("2"),
    ])
    .await;
    assert_eq!(owner.to_lowercase(), DEV_ACCOUNT.to_string().to_lowercase());
    run(vec![
        s("send"),
        s("--private-key"),
        key,
        nft.to_string(),
        s("transferFrom(address,address,uint256)"),
        DEV_ACCOUNT.to_string(),
        Address::repeat_byte(0xAB).to_string(),
        s("2"),
    ])
    .await;
    let bal = run(vec![
        s("call"),
        nft.to_string(),
        s("balanceOf(address)(uint256)"),
        Address::repeat_byte(0xAB).to_string(),
    ])
    .await;
    assert_eq!(bal, "1");
    let code = run(vec![s("code"), nft.to_string()]).await;
    assert!(code.starts_with("0xeff00000"), "{}", &code[..12]);
    node.stop().await;
}
