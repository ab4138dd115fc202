//! Nested calls in both directions (Stylus → EVM → Stylus) inside revm's frame loop, with
//! journal rollback at every level.

mod common;

use common::*;
use revm::context::result::ExecutionResult;
use revm::primitives::{Address, U256};

/// Writes slot 1 := 1 (flushed), then calls target(20 bytes of calldata) with the rest of the
/// calldata; returns status ‖ return data, or reverts with the return data when calldata[0] of
/// the payload is 0xAA is not involved — the status byte decides: flag byte 0 = return,
/// 1 = revert after the call.
fn writer_caller() -> String {
    let imports = [
        io(),
        hook("storage_cache_bytes32", "(param i32 i32)"),
        hook("storage_flush_cache", "(param i32)"),
        hook(
            "call_contract",
            "(param i32 i32 i32 i32 i64 i32) (result i32)",
        ),
        hook("read_return_data", "(param i32 i32 i32) (result i32)"),
    ]
    .join("\n");
    // calldata = flag(1) ‖ target(20) ‖ payload
    prog(
        &imports,
        r#"i32.const 0 call $read_args
        (i32.store8 (i32.const 1031) (i32.const 1))
        (call $storage_cache_bytes32 (i32.const 1000) (i32.const 1000))
        (i32.store8 (i32.const 1031) (i32.const 0))
        (i32.store8 (i32.const 1063) (i32.const 1))
        (call $storage_cache_bytes32 (i32.const 1032) (i32.const 1032))
        (call $storage_flush_cache (i32.const 1))
        (local.set $a (call $call_contract (i32.const 1) (i32.const 21) (i32.sub (local.get $len) (i32.const 21)) (i32.const 2000) (i64.const -1) (i32.const 2100)))
        (i32.store8 (i32.const 2199) (local.get $a))
        (local.set $b (call $read_return_data (i32.const 2200) (i32.const 0) (i32.load (i32.const 2100))))
        (call $write_result (i32.const 2199) (i32.add (local.get $b) (i32.const 1)))
        (i32.load8_u (i32.const 0))"#,
    )
}

fn msg(flag: u8, target: Address, payload: &[u8]) -> Vec<u8> {
    let mut v = vec![flag];
    v.extend_from_slice(target.as_slice());
    v.extend_from_slice(payload);
    v
}

#[test]
fn stylus_to_evm_success_and_handled_failure() {
    let mut chain = Chain::new();
    let b = chain.program(&writer_caller());
    let ok_callee = chain.deploy(EVM_RET42);
    let out = ok(&chain.call(b, &msg(0, ok_callee, &[])));
    assert_eq!(out[0], 0);
    assert_eq!(U256::from_be_slice(&out[1..]), U256::from(42));
    assert_eq!(chain.storage(b, U256::from(1)), U256::from(1));
    let rev = chain.deploy(EVM_REVERTER);
    let out = ok(&chain.call(b, &msg(0, rev, &[])));
    assert_eq!(out[0], 2);
    assert_eq!(&out[1..], &[0xde, 0xad, 0xbe, 0xef]);
    assert_eq!(
        chain.storage(rev, U256::ZERO),
        U256::ZERO,
        "callee SSTORE rolled back"
    );
}

#[test]
fn stylus_revert_rolls_back_its_own_writes() {
    let mut chain = Chain::new();
    let b = chain.program(&writer_caller());
    let rev = chain.deploy(EVM_REVERTER);
    let fwd = chain.deploy(&evm_forwarder(Some(b)));
    // EVM → Stylus(flag 1: revert after the call) → EVM reverter.
    let out = reverted(&chain.call(fwd, &msg(1, rev, &[])));
    assert_eq!(out[0], 2, "the revert data written by B reaches A");
    assert_eq!(&out[1..], &[0xde, 0xad, 0xbe, 0xef]);
    assert_eq!(
        chain.storage(b, U256::from(1)),
        U256::ZERO,
        "B's flushed write was rolled back"
    );
}

#[test]
fn stylus_to_stylus_and_four_levels() {
    let mut chain = Chain::new();
    let b = chain.program(&writer_caller());
    let echo = chain.program(&prog(
        &io(),
        "i32.const 0 call $read_args i32.const 0 local.get $len call $write_result i32.const 0",
    ));
    let out = ok(&chain.call(b, &msg(0, echo, b"ping")));
    assert_eq!(&out[..], b"\0ping");
    // A(EVM) → B(Stylus) → E(EVM forwarder, SharedBuffer calldata) → D(Stylus echo)
    let e = chain.deploy(&evm_forwarder(Some(echo)));
    let a = chain.deploy(&evm_forwarder(Some(b)));
    let out = ok(&chain.call(a, &msg(0, e, b"deep")));
    assert_eq!(&out[..], b"\0deep");
    // Stylus → Stylus where the inner program reverts: inner writes vanish, outer ones stay.
    // Same code as B: activation is per code hash, so the copy runs without its own activation.
    let inner = chain.deploy_wasm(&wat::parse_str(writer_caller()).unwrap());
    let rev = chain.deploy(EVM_REVERTER);
    let out = ok(&chain.call(b, &msg(0, inner, &msg(1, rev, &[]))));
    assert_eq!(out[0], 2);
    assert_eq!(chain.storage(inner, U256::from(1)), U256::ZERO);
    assert_eq!(chain.storage(b, U256::from(1)), U256::from(1));
}

#[test]
fn a_reverted_transaction_leaves_state_unchanged() {
    let mut chain = Chain::new();
    let b = chain.program(&writer_caller());
    let ret = chain.deploy(EVM_RET42);
    let r = chain.call(b, &msg(1, ret, &[]));
    assert!(matches!(r, ExecutionResult::Revert { .. }));
    assert_eq!(chain.storage(b, U256::from(1)), U256::ZERO);
}

#[test]
fn deep_recursion_between_programs_is_bounded_by_gas_not_the_native_stack() {
    let mut chain = Chain::new();
    let imports = [
        io(),
        hook(
            "call_contract",
            "(param i32 i32 i32 i32 i64 i32) (result i32)",
        ),
        hook("contract_address", "(param i32)"),
    ]
    .join("\n");
    // Calls itself; returns one byte more than its callee returned, so the output length is
    // the number of levels that ran.
    let p = chain.program(&prog(
        &imports,
        r#"(call $contract_address (i32.const 0))
        (drop (call $call_contract (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 100) (i64.const -1) (i32.const 200)))
        (call $write_result (i32.const 1000) (i32.add (i32.load (i32.const 200)) (i32.const 1)))
        i32.const 0"#,
    ));
    let r = chain.send(
        DEV,
        revm::primitives::TxKind::Call(p),
        Default::default(),
        U256::ZERO,
        30_000_000,
    );
    let depth = ok(&r).len();
    assert!(depth > 100, "only {depth} levels");
    assert!(depth < 1025);
}
