//! ArbOS 60 multi-fragment programs over JSON-RPC: fragments and a root deployed by signed
//! transactions, the root activated through ArbWasm (estimate, `eth_call`, transaction) and
//! called; a root breaking a limit answers as geth and Nitro do (-32000 without data); roots
//! and fragments cannot be deployed before ArbOS 60.

mod common;

use alloy::{
    network::TransactionBuilder,
    primitives::{address, Address, Bytes, U256},
    providers::Provider,
    rpc::types::TransactionRequest,
    sol,
    sol_types::{SolCall, SolError},
};
use common::*;
use serde_json::json;
use stylus_devnode::{DevNode, NodeConfig, DEV_ACCOUNT};
use stylus_vm::code::{deploy_init_code, encode_program, encode_root, split_into_fragments};

const ARB_WASM: Address = address!("0000000000000000000000000000000000000071");

sol! {
    function activateProgram(address program) payable returns (uint16 version, uint256 dataFee);
    error ProgramNotWasm();
}

fn echo_wasm() -> Vec<u8> {
    wat::parse_str(
        r#"(module
          (import "vm_hooks" "read_args" (func $read_args (param i32)))
          (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
          (memory (export "memory") 1 1)
          (func (export "user_entrypoint") (param $len i32) (result i32)
            (call $read_args (i32.const 0))
            (call $write_result (i32.const 0) (local.get $len))
            (i32.const 0)))"#,
    )
    .expect("wat")
}

/// The echo program's compressed stream cut into `n` fragment codes.
fn fragments(n: usize) -> Vec<Vec<u8>> {
    let stream = encode_program(&echo_wasm())[4..].to_vec();
    let codes = split_into_fragments(&stream, stream.len().div_ceil(n) + 3);
    assert_eq!(codes.len(), n);
    codes
}

async fn create(p: &impl Provider, code: &[u8]) -> (bool, Option<Address>) {
    let tx = TransactionRequest::default()
        .with_deploy_code(Bytes::from(deploy_init_code(code)))
        .with_gas_limit(3_000_000);
    let r = p
        .send_transaction(tx)
        .await
        .expect("send")
        .get_receipt()
        .await
        .expect("receipt");
    (r.status(), r.contract_address)
}

fn activate_call(program: Address) -> TransactionRequest {
    TransactionRequest::default()
        .with_to(ARB_WASM)
        .with_value(U256::from(10u64).pow(U256::from(18u64)))
        .with_input(activateProgramCall { program }.abi_encode())
}

/// Deploys the fragments of `codes` and a root naming `pick(addresses)`; returns the root.
async fn deploy_root(
    p: &impl Provider,
    codes: &[Vec<u8>],
    declared: u32,
    pick: impl FnOnce(Vec<Address>) -> Vec<Address>,
) -> Address {
    let mut addresses = Vec::new();
    for c in codes {
        let (ok, addr) = create(p, c).await;
        assert!(ok, "fragment deployed");
        addresses.push(addr.expect("address"));
    }
    let (ok, root) = create(p, &encode_root(0, declared, &pick(addresses))).await;
    assert!(ok, "root deployed");
    root.expect("address")
}

#[tokio::test]
async fn a_root_is_activated_and_called_over_json_rpc_on_arbos_60() {
    let node = DevNode::start(NodeConfig::ephemeral().with_arbos(60))
        .await
        .expect("starts");
    let url = node.url().to_string();
    let p = provider(&url, dev_signer());
    let len = echo_wasm().len() as u32;
    let root = deploy_root(&p, &fragments(2), len, |a| a).await;
    // The estimate and the eth_call see the same activation as the transaction.
    let estimate = p.estimate_gas(activate_call(root)).await.expect("estimate");
    let out = p.call(activate_call(root)).await.expect("eth_call");
    let reply = activateProgramCall::abi_decode_returns(&out).expect("reply");
    assert_eq!(reply.version, 3);
    let receipt = p
        .send_transaction(activate_call(root).with_gas_limit(estimate))
        .await
        .expect("send")
        .get_receipt()
        .await
        .expect("receipt");
    assert!(
        receipt.status(),
        "activation with the estimate as gas limit"
    );
    let echoed = p
        .call(
            TransactionRequest::default()
                .with_to(root)
                .with_input(b"through json-rpc".to_vec()),
        )
        .await
        .expect("call the root");
    assert_eq!(echoed.as_ref(), b"through json-rpc");

    // Three fragments (MaxFragmentCount is 2): Nitro's plain revert, -32000 without data.
    let three = deploy_root(&p, &fragments(3), len, |a| a).await;
    let err = rpc_err(
        &url,
        "eth_call",
        json!([{ "from": DEV_ACCOUNT, "to": ARB_WASM, "value": "0xde0b6b3a7640000",
                 "data": Bytes::from(activateProgramCall { program: three }.abi_encode()) }]),
    )
    .await;
    assert_eq!(err["code"], -32000, "{err}");
    assert_eq!(err["message"], "execution reverted", "{err}");
    assert!(err.get("data").is_none(), "{err}");
    // A root whose declared length is off by one, and one with its fragments swapped.
    for root in [
        deploy_root(&p, &fragments(2), len + 1, |a| a).await,
        deploy_root(&p, &fragments(2), len, |a| vec![a[1], a[0]]).await,
    ] {
        let err = rpc_err(
            &url,
            "eth_call",
            json!([{ "from": DEV_ACCOUNT, "to": ARB_WASM, "value": "0xde0b6b3a7640000",
                     "data": Bytes::from(activateProgramCall { program: root }.abi_encode()) }]),
        )
        .await;
        assert_eq!(err["code"], -32000, "{err}");
        assert!(err.get("data").is_none(), "{err}");
    }
    // EVM code from ArbOS 60: ProgramNotWasm() with its selector as data (code 3).
    let (ok, evm) = create(&p, &[0x60, 0x00]).await;
    assert!(ok);
    let err = rpc_err(
        &url,
        "eth_call",
        json!([{ "from": DEV_ACCOUNT, "to": ARB_WASM, "value": "0xde0b6b3a7640000",
                 "data": Bytes::from(activateProgramCall { program: evm.unwrap() }.abi_encode()) }]),
    )
    .await;
    assert_eq!(err["code"], 3, "{err}");
    assert_eq!(
        err["data"],
        json!(Bytes::from(ProgramNotWasm::SELECTOR.to_vec()))
    );
    node.stop().await;
}

#[tokio::test]
async fn fragments_and_roots_are_refused_before_arbos_60() {
    let node = DevNode::start(NodeConfig::ephemeral().with_arbos(59))
        .await
        .expect("starts");
    let url = node.url().to_string();
    let p = provider(&url, dev_signer());
    let (ok, _) = create(&p, &fragments(1)[0]).await;
    assert!(!ok, "fragment deployed at ArbOS 59");
    let root = encode_root(0, 100, &[Address::repeat_byte(1)]);
    let (ok, _) = create(&p, &root).await;
    assert!(!ok, "root deployed at ArbOS 59");
    node.stop().await;
}
