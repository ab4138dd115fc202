//! Every vm_hook exercised through a WAT program on the in-memory chain.

mod common;

use common::*;
use revm::context::result::{ExecutionResult, HaltReason};
use revm::primitives::{keccak256, Address, Bytes, U256};

fn echo() -> String {
    prog(
        &io(),
        "i32.const 0 call $read_args i32.const 0 local.get $len call $write_result i32.const 0",
    )
}

#[test]
fn read_args_and_write_result_echo_calldata() {
    let mut chain = Chain::new();
    let p = chain.program(&echo());
    let r = chain.call(p, b"hello stylus");
    assert_eq!(ok(&r).as_ref(), b"hello stylus");
    // A non-zero entrypoint status is a revert carrying the written result.
    let rev = chain.program(&prog(
        &io(),
        "i32.const 0 call $read_args i32.const 0 local.get $len call $write_result i32.const 1",
    ));
    assert_eq!(reverted(&chain.call(rev, b"why")).as_ref(), b"why");
}

#[test]
fn write_result_last_call_wins() {
    let mut chain = Chain::new();
    let p = chain.program(&prog(
        &io(),
        "i32.const 0 call $read_args i32.const 0 i32.const 1 call $write_result i32.const 1 i32.const 2 call $write_result i32.const 0",
    ));
    assert_eq!(ok(&chain.call(p, b"abc")).as_ref(), b"bc");
}

#[test]
fn exit_early_status_zero_succeeds_and_nonzero_reverts() {
    let mut chain = Chain::new();
    let imports = format!("{}\n{}", io(), hook("exit_early", "(param i32)"));
    let p = chain.program(&prog(
        &imports,
        "i32.const 0 call $read_args i32.const 0 local.get $len call $write_result
         i32.const 0 i32.load8_u call $exit_early unreachable",
    ));
    assert_eq!(ok(&chain.call(p, &[0, 7])).as_ref(), &[0, 7]);
    assert_eq!(reverted(&chain.call(p, &[3, 7])).as_ref(), &[3, 7]);
}

fn storage_prog() -> String {
    let imports = [
        io(),
        hook("storage_load_bytes32", "(param i32 i32)"),
        hook("storage_cache_bytes32", "(param i32 i32)"),
        hook("storage_flush_cache", "(param i32)"),
    ]
    .join("\n");
    // calldata: op(1) key(32) value(32). op 1 = cache+flush, 2 = cache only (no flush),
    // 3 = load, 4 = cache, load back (served from the cache), flush with clear.
    prog(
        &imports,
        r#"i32.const 0 call $read_args
        (block $done
          (if (i32.eq (i32.load8_u (i32.const 0)) (i32.const 1)) (then
              (call $storage_cache_bytes32 (i32.const 1) (i32.const 33))
              (call $storage_flush_cache (i32.const 0)) (br $done)))
          (if (i32.eq (i32.load8_u (i32.const 0)) (i32.const 2)) (then
              (call $storage_cache_bytes32 (i32.const 1) (i32.const 33)) (br $done)))
          (if (i32.eq (i32.load8_u (i32.const 0)) (i32.const 3)) (then
              (call $storage_load_bytes32 (i32.const 1) (i32.const 100))
              (call $write_result (i32.const 100) (i32.const 32)) (br $done)))
          (if (i32.eq (i32.load8_u (i32.const 0)) (i32.const 4)) (then
              (call $storage_cache_bytes32 (i32.const 1) (i32.const 33))
              (call $storage_load_bytes32 (i32.const 1) (i32.const 100))
              (call $storage_flush_cache (i32.const 1))
              (call $write_result (i32.const 100) (i32.const 32)) (br $done))))
        i32.const 0"#,
    )
}

fn op(op: u8, key: u8, value: u8) -> Vec<u8> {
    let mut v = vec![op];
    let mut k = [0u8; 32];
    k[31] = key;
    let mut val = [0u8; 32];
    val[31] = value;
    v.extend_from_slice(&k);
    v.extend_from_slice(&val);
    v
}

#[test]
fn storage_cache_flush_and_load() {
    let mut chain = Chain::new();
    let p = chain.program(&storage_prog());
    assert!(chain.call(p, &op(1, 5, 9)).is_success());
    assert_eq!(chain.storage(p, U256::from(5)), U256::from(9));
    assert_eq!(ok(&chain.call(p, &op(3, 5, 0)))[31], 9);
    // A cached write that is never flushed does not persist.
    assert!(chain.call(p, &op(2, 6, 1)).is_success());
    assert_eq!(chain.storage(p, U256::from(6)), U256::ZERO);
    // Reads see the cache before the flush.
    assert_eq!(ok(&chain.call(p, &op(4, 7, 3)))[31], 3);
    assert_eq!(chain.storage(p, U256::from(7)), U256::from(3));
}

#[test]
fn flushing_dirty_slots_in_a_static_call_fails_the_program() {
    let mut chain = Chain::new();
    let p = chain.program(&storage_prog());
    let caller = chain.program(&static_caller());
    let mut data = p.to_vec();
    data.extend_from_slice(&op(1, 5, 9));
    let out = ok(&chain.call(caller, &data));
    assert_eq!(out[0], 2, "static call into a flushing program fails");
    assert!(out[1..].is_empty(), "failure carries no data");
    let mut data = p.to_vec();
    data.extend_from_slice(&op(3, 5, 0));
    assert_eq!(
        ok(&chain.call(caller, &data))[0],
        0,
        "a pure load is fine in a static call"
    );
}

/// calldata = target(20) ‖ payload; static-calls target, returns status byte ‖ return data.
fn static_caller() -> String {
    let imports = [
        io(),
        hook(
            "static_call_contract",
            "(param i32 i32 i32 i64 i32) (result i32)",
        ),
        hook("read_return_data", "(param i32 i32 i32) (result i32)"),
    ]
    .join("\n");
    prog(
        &imports,
        r#"i32.const 0 call $read_args
        (local.set $a (call $static_call_contract (i32.const 0) (i32.const 20) (i32.sub (local.get $len) (i32.const 20)) (i64.const -1) (i32.const 4000)))
        (i32.store8 (i32.const 4095) (local.get $a))
        (local.set $b (call $read_return_data (i32.const 4096) (i32.const 0) (i32.load (i32.const 4000))))
        (call $write_result (i32.const 4095) (i32.add (local.get $b) (i32.const 1)))
        i32.const 0"#,
    )
}

/// calldata = kind(1) ‖ target(20) ‖ payload; kind 0 = call, 1 = delegate, 2 = static, 3 = call
/// with 1 wei. Returns status ‖ return data.
fn caller_prog() -> String {
    let imports = [
        io(),
        hook(
            "call_contract",
            "(param i32 i32 i32 i32 i64 i32) (result i32)",
        ),
        hook(
            "delegate_call_contract",
            "(param i32 i32 i32 i64 i32) (result i32)",
        ),
        hook(
            "static_call_contract",
            "(param i32 i32 i32 i64 i32) (result i32)",
        ),
        hook("read_return_data", "(param i32 i32 i32) (result i32)"),
        hook("return_data_size", "(result i32)"),
    ]
    .join("\n");
    prog(
        &imports,
        r#"i32.const 0 call $read_args
        (local.set $c (i32.sub (local.get $len) (i32.const 21)))
        (i32.store8 (i32.const 3031) (i32.eq (i32.load8_u (i32.const 0)) (i32.const 3)))
        (block $done
          (if (i32.or (i32.eqz (i32.load8_u (i32.const 0))) (i32.eq (i32.load8_u (i32.const 0)) (i32.const 3))) (then
            (local.set $a (call $call_contract (i32.const 1) (i32.const 21) (local.get $c) (i32.const 3000) (i64.const -1) (i32.const 4000))) (br $done)))
          (if (i32.eq (i32.load8_u (i32.const 0)) (i32.const 1)) (then
            (local.set $a (call $delegate_call_contract (i32.const 1) (i32.const 21) (local.get $c) (i64.const -1) (i32.const 4000))) (br $done)))
          (local.set $a (call $static_call_contract (i32.const 1) (i32.const 21) (local.get $c) (i64.const -1) (i32.const 4000))))
        (i32.store8 (i32.const 4095) (local.get $a))
        (if (i32.ne (call $return_data_size) (i32.load (i32.const 4000))) (then unreachable))
        (local.set $b (call $read_return_data (i32.const 4096) (i32.const 0) (i32.load (i32.const 4000))))
        (call $write_result (i32.const 4095) (i32.add (local.get $b) (i32.const 1)))
        i32.const 0"#,
    )
}

fn with_target(kind: u8, target: Address, payload: &[u8]) -> Vec<u8> {
    let mut v = vec![kind];
    v.extend_from_slice(target.as_slice());
    v.extend_from_slice(payload);
    v
}

#[test]
fn call_contract_success_and_revert_statuses() {
    let mut chain = Chain::new();
    let caller = chain.program(&caller_prog());
    let ret42 = chain.deploy(EVM_RET42);
    let out = ok(&chain.call(caller, &with_target(0, ret42, &[])));
    assert_eq!(out[0], 0);
    assert_eq!(U256::from_be_slice(&out[1..]), U256::from(42));
    let reverter = chain.deploy(EVM_REVERTER);
    let out = ok(&chain.call(caller, &with_target(0, reverter, &[])));
    assert_eq!(out[0], 2, "Nitro reports any failed call as status 2");
    assert_eq!(&out[1..], &[0xde, 0xad, 0xbe, 0xef]);
    assert_eq!(
        chain.storage(reverter, U256::ZERO),
        U256::ZERO,
        "callee's SSTORE rolled back"
    );
    let out = ok(&chain.call(caller, &with_target(2, ret42, &[])));
    assert_eq!((out[0], out.len()), (0, 33));
}

#[test]
fn call_with_value_transfers_and_static_value_call_fails() {
    let mut chain = Chain::new();
    let caller = chain.program(&caller_prog());
    let sink = Address::repeat_byte(0x55);
    // Fund the program, then make it send 1 wei.
    assert!(chain
        .call_value(caller, &with_target(2, sink, &[]), U256::from(10))
        .is_success());
    let out = ok(&chain.call(caller, &with_target(3, sink, &[])));
    assert_eq!(out[0], 0);
    assert_eq!(chain.balance(sink), U256::from(1));
    assert_eq!(chain.balance(caller), U256::from(9));
}

#[test]
fn delegate_call_runs_callee_code_on_caller_storage() {
    let mut chain = Chain::new();
    let caller = chain.program(&caller_prog());
    let store = chain.program(&storage_prog());
    let out = ok(&chain.call(caller, &with_target(1, store, &op(1, 8, 4))));
    assert_eq!(out[0], 0);
    assert_eq!(chain.storage(caller, U256::from(8)), U256::from(4));
    assert_eq!(chain.storage(store, U256::from(8)), U256::ZERO);
}

#[test]
fn read_return_data_copies_only_the_overlap() {
    let mut chain = Chain::new();
    let imports = [
        io(),
        hook(
            "static_call_contract",
            "(param i32 i32 i32 i64 i32) (result i32)",
        ),
        hook("read_return_data", "(param i32 i32 i32) (result i32)"),
    ]
    .join("\n");
    // calldata = target(20) offset(4 LE) size(4 LE): output = count(1) ‖ copied bytes.
    let p = chain.program(&prog(
        &imports,
        r#"i32.const 0 call $read_args
        (drop (call $static_call_contract (i32.const 0) (i32.const 0) (i32.const 0) (i64.const -1) (i32.const 100)))
        (local.set $a (call $read_return_data (i32.const 201) (i32.load (i32.const 20)) (i32.load (i32.const 24))))
        (i32.store8 (i32.const 200) (local.get $a))
        (call $write_result (i32.const 200) (i32.add (local.get $a) (i32.const 1)))
        i32.const 0"#,
    ));
    let ret64 = chain.deploy(&evm_ret64());
    let q = |off: u32, size: u32| {
        let mut v = ret64.to_vec();
        v.extend_from_slice(&off.to_le_bytes());
        v.extend_from_slice(&size.to_le_bytes());
        v
    };
    let out = ok(&chain.call(p, &q(48, 32)));
    assert_eq!(out[0], 16);
    assert_eq!(&out[1..], &(48u8..64).collect::<Vec<_>>()[..]);
    let out = ok(&chain.call(p, &q(100, 8)));
    assert_eq!(out.as_ref(), &[0]);
    let out = ok(&chain.call(p, &q(0, 3)));
    assert_eq!(out.as_ref(), &[3, 0, 1, 2]);
}

#[test]
fn transient_storage_lives_for_the_transaction() {
    let mut chain = Chain::new();
    let imports = [
        io(),
        hook("transient_load_bytes32", "(param i32 i32)"),
        hook("transient_store_bytes32", "(param i32 i32)"),
    ]
    .join("\n");
    // calldata[0] = 1: store 0x..07 at key 0 then load; 0: just load.
    let p = chain.program(&prog(
        &imports,
        r#"i32.const 0 call $read_args
        (if (i32.load8_u (i32.const 0)) (then
            (i32.store8 (i32.const 95) (i32.const 7))
            (call $transient_store_bytes32 (i32.const 32) (i32.const 64))))
        (call $transient_load_bytes32 (i32.const 32) (i32.const 128))
        (call $write_result (i32.const 128) (i32.const 32))
        i32.const 0"#,
    ));
    assert_eq!(ok(&chain.call(p, &[1]))[31], 7);
    assert_eq!(ok(&chain.call(p, &[0]))[31], 0);
}

fn logger() -> String {
    let imports = [io(), hook("emit_log", "(param i32 i32 i32)")].join("\n");
    // calldata = topics(1) ‖ topic words ‖ data
    prog(
        &imports,
        r#"i32.const 0 call $read_args
        (call $emit_log (i32.const 1) (i32.sub (local.get $len) (i32.const 1)) (i32.load8_u (i32.const 0)))
        i32.const 0"#,
    )
}

#[test]
fn emit_log_with_topics_and_data() {
    let mut chain = Chain::new();
    let p = chain.program(&logger());
    let mut data = vec![2u8];
    data.extend_from_slice(&[0x11; 32]);
    data.extend_from_slice(&[0x22; 32]);
    data.extend_from_slice(b"payload");
    let r = chain.call(p, &data);
    let logs = r.logs();
    assert_eq!(logs.len(), 1);
    assert_eq!(logs[0].address, p);
    assert_eq!(logs[0].topics().len(), 2);
    assert_eq!(logs[0].topics()[1].0, [0x22; 32]);
    assert_eq!(logs[0].data.data.as_ref(), b"payload");
    // Five topics, or fewer bytes than the topics need, fail the program.
    let mut bad = vec![5u8];
    bad.extend_from_slice(&[0; 160]);
    assert!(
        matches!(chain.call(p, &bad), ExecutionResult::Revert { ref output, .. } if output.is_empty())
    );
    assert!(
        matches!(chain.call(p, &[1, 0, 0]), ExecutionResult::Revert { ref output, .. } if output.is_empty())
    );
}

#[test]
fn account_queries() {
    let mut chain = Chain::new();
    let imports = [
        io(),
        hook("account_balance", "(param i32 i32)"),
        hook("account_codehash", "(param i32 i32)"),
        hook("account_code_size", "(param i32) (result i32)"),
        hook("account_code", "(param i32 i32 i32 i32) (result i32)"),
    ]
    .join("\n");
    // output = balance(32) codehash(32) size(4 LE) copied(4 LE) code[2..6]
    let p = chain.program(&prog(
        &imports,
        r#"i32.const 0 call $read_args
        (call $account_balance (i32.const 0) (i32.const 100))
        (call $account_codehash (i32.const 0) (i32.const 132))
        (i32.store (i32.const 164) (call $account_code_size (i32.const 0)))
        (i32.store (i32.const 168) (call $account_code (i32.const 0) (i32.const 2) (i32.const 4) (i32.const 172)))
        (call $write_result (i32.const 100) (i32.const 76))
        i32.const 0"#,
    ));
    let ret42 = chain.deploy(EVM_RET42);
    let out = ok(&chain.call(p, ret42.as_slice()));
    assert_eq!(U256::from_be_slice(&out[..32]), U256::ZERO);
    assert_eq!(&out[32..64], keccak256(EVM_RET42).as_slice());
    assert_eq!(
        u32::from_le_bytes(out[64..68].try_into().unwrap()),
        EVM_RET42.len() as u32
    );
    assert_eq!(u32::from_le_bytes(out[68..72].try_into().unwrap()), 4);
    assert_eq!(&out[72..76], &EVM_RET42[2..6]);
    let out = ok(&chain.call(p, DEV.as_slice()));
    assert!(U256::from_be_slice(&out[..32]) > U256::ZERO);
    let empty = Address::repeat_byte(0x77);
    let out = ok(&chain.call(p, empty.as_slice()));
    assert_eq!(
        &out[32..64],
        &[0u8; 32],
        "empty accounts have a zero codehash"
    );
    assert_eq!(&out[64..72], &[0u8; 8]);
}

#[test]
fn environment_hooks() {
    let mut chain = Chain::new();
    let imports = [
        io(),
        hook("block_basefee", "(param i32)"),
        hook("chainid", "(result i64)"),
        hook("block_coinbase", "(param i32)"),
        hook("block_gas_limit", "(result i64)"),
        hook("block_number", "(result i64)"),
        hook("block_timestamp", "(result i64)"),
        hook("contract_address", "(param i32)"),
        hook("msg_sender", "(param i32)"),
        hook("msg_value", "(param i32)"),
        hook("tx_gas_price", "(param i32)"),
        hook("tx_ink_price", "(result i32)"),
        hook("tx_origin", "(param i32)"),
        hook("evm_gas_left", "(result i64)"),
        hook("evm_ink_left", "(result i64)"),
        hook("msg_reentrant", "(result i32)"),
    ]
    .join("\n");
    let p = chain.program(&prog(
        &imports,
        r#"(call $block_basefee (i32.const 0))
        (i64.store (i32.const 32) (call $chainid))
        (call $block_coinbase (i32.const 40))
        (i64.store (i32.const 60) (call $block_gas_limit))
        (i64.store (i32.const 68) (call $block_number))
        (i64.store (i32.const 76) (call $block_timestamp))
        (call $contract_address (i32.const 84))
        (call $msg_sender (i32.const 104))
        (call $msg_value (i32.const 124))
        (call $tx_gas_price (i32.const 156))
        (i32.store (i32.const 188) (call $tx_ink_price))
        (call $tx_origin (i32.const 192))
        (i64.store (i32.const 212) (call $evm_gas_left))
        (i64.store (i32.const 220) (call $evm_ink_left))
        (i32.store (i32.const 228) (call $msg_reentrant))
        (call $write_result (i32.const 0) (i32.const 232))
        i32.const 0"#,
    ));
    let out = ok(&chain.call_value(p, &[], U256::from(5)));
    let le64 = |i: usize| u64::from_le_bytes(out[i..i + 8].try_into().unwrap());
    assert_eq!(U256::from_be_slice(&out[..32]), U256::from(BASEFEE));
    assert_eq!(le64(32), 412_346);
    assert_eq!(&out[40..60], stylus_vm::params::BATCH_POSTER.as_slice());
    assert_eq!(le64(60), 1 << 40);
    assert_eq!(le64(68), 1);
    assert_eq!(le64(76), TIMESTAMP);
    assert_eq!(&out[84..104], p.as_slice());
    assert_eq!(&out[104..124], DEV.as_slice());
    assert_eq!(U256::from_be_slice(&out[124..156]), U256::from(5));
    assert_eq!(U256::from_be_slice(&out[156..188]), U256::from(BASEFEE));
    assert_eq!(
        u32::from_le_bytes(out[188..192].try_into().unwrap()),
        10_000
    );
    assert_eq!(&out[192..212], DEV.as_slice());
    let (gas, ink) = (le64(212), le64(220));
    assert!(gas > 1_000_000 && gas < 30_000_000, "gas left {gas}");
    assert!(
        ink / 10_000 <= gas && ink / 10_000 + 10 > gas,
        "ink {ink} vs gas {gas}"
    );
    assert_eq!(u32::from_le_bytes(out[228..232].try_into().unwrap()), 0);
}

#[test]
fn math_hooks() {
    let mut chain = Chain::new();
    let imports = [
        io(),
        hook("math_div", "(param i32 i32)"),
        hook("math_mod", "(param i32 i32)"),
        hook("math_pow", "(param i32 i32)"),
        hook("math_add_mod", "(param i32 i32 i32)"),
        hook("math_mul_mod", "(param i32 i32 i32)"),
    ]
    .join("\n");
    // calldata = op(1) a(32) b(32) m(32) → result(32)
    let p = chain.program(&prog(
        &imports,
        r#"i32.const 0 call $read_args
        (block $d
          (if (i32.eq (i32.load8_u (i32.const 0)) (i32.const 0)) (then (call $math_div (i32.const 1) (i32.const 33)) (br $d)))
          (if (i32.eq (i32.load8_u (i32.const 0)) (i32.const 1)) (then (call $math_mod (i32.const 1) (i32.const 33)) (br $d)))
          (if (i32.eq (i32.load8_u (i32.const 0)) (i32.const 2)) (then (call $math_pow (i32.const 1) (i32.const 33)) (br $d)))
          (if (i32.eq (i32.load8_u (i32.const 0)) (i32.const 3)) (then (call $math_add_mod (i32.const 1) (i32.const 33) (i32.const 65)) (br $d)))
          (call $math_mul_mod (i32.const 1) (i32.const 33) (i32.const 65)))
        (call $write_result (i32.const 1) (i32.const 32))
        i32.const 0"#,
    ));
    let run = |chain: &mut Chain, op: u8, a: U256, b: U256, m: U256| {
        let mut v = vec![op];
        for x in [a, b, m] {
            v.extend_from_slice(&x.to_be_bytes::<32>());
        }
        U256::from_be_slice(&ok(&chain.call(p, &v)))
    };
    let u = U256::from;
    assert_eq!(run(&mut chain, 0, u(100), u(7), u(0)), u(14));
    assert_eq!(
        run(&mut chain, 0, u(100), u(0), u(0)),
        u(0),
        "division by zero gives 0"
    );
    assert_eq!(run(&mut chain, 1, u(100), u(7), u(0)), u(2));
    assert_eq!(run(&mut chain, 1, u(100), u(0), u(0)), u(0));
    assert_eq!(run(&mut chain, 2, u(3), u(5), u(0)), u(243));
    assert_eq!(run(&mut chain, 2, u(2), u(256), u(0)), u(0), "pow wraps");
    assert_eq!(
        run(&mut chain, 3, U256::MAX, u(2), u(10)),
        U256::MAX.add_mod(u(2), u(10))
    );
    assert_eq!(
        run(&mut chain, 4, U256::MAX, U256::MAX, u(7)),
        U256::MAX.mul_mod(U256::MAX, u(7))
    );
    assert_eq!(
        run(&mut chain, 4, u(3), u(3), u(0)),
        u(0),
        "modulus 0 gives 0"
    );
}

#[test]
fn native_keccak256() {
    let mut chain = Chain::new();
    let imports = [io(), hook("native_keccak256", "(param i32 i32 i32)")].join("\n");
    let p = chain.program(&prog(
        &imports,
        "i32.const 0 call $read_args (call $native_keccak256 (i32.const 0) (local.get $len) (i32.const 2000)) (call $write_result (i32.const 2000) (i32.const 32)) i32.const 0",
    ));
    assert_eq!(
        ok(&chain.call(p, b"stylus")).as_ref(),
        keccak256(b"stylus").as_slice()
    );
}

fn creator() -> String {
    let imports = [
        io(),
        hook("create1", "(param i32 i32 i32 i32 i32)"),
        hook("create2", "(param i32 i32 i32 i32 i32 i32)"),
        hook("read_return_data", "(param i32 i32 i32) (result i32)"),
    ]
    .join("\n");
    // calldata = kind(1) salt(32) code…; output = address(20) ‖ revert_len(4) ‖ return data
    prog(
        &imports,
        r#"i32.const 0 call $read_args
        (if (i32.load8_u (i32.const 0))
          (then (call $create2 (i32.const 33) (i32.sub (local.get $len) (i32.const 33)) (i32.const 3000) (i32.const 1) (i32.const 4000) (i32.const 4020)))
          (else (call $create1 (i32.const 33) (i32.sub (local.get $len) (i32.const 33)) (i32.const 3000) (i32.const 4000) (i32.const 4020))))
        (local.set $a (call $read_return_data (i32.const 4024) (i32.const 0) (i32.load (i32.const 4020))))
        (call $write_result (i32.const 4000) (i32.add (i32.const 24) (local.get $a)))
        i32.const 0"#,
    )
}

#[test]
fn create1_and_create2() {
    let mut chain = Chain::new();
    let p = chain.program(&creator());
    let init = stylus_vm::code::deploy_init_code(EVM_RET42);
    let mut data = vec![0u8];
    data.extend_from_slice(&[0; 32]);
    data.extend_from_slice(&init);
    let out = ok(&chain.call(p, &data));
    let created = Address::from_slice(&out[..20]);
    assert_eq!(created, p.create(1), "CREATE uses the program's nonce");
    assert_eq!(chain.code(created).as_ref(), EVM_RET42);
    assert_eq!(&out[20..24], &[0; 4], "no return data on success");
    let mut data = vec![1u8];
    data.extend_from_slice(&[9; 32]);
    data.extend_from_slice(&init);
    let out = ok(&chain.call(p, &data));
    assert_eq!(
        Address::from_slice(&out[..20]),
        p.create2([9; 32], keccak256(&init))
    );
    // Reverting init code: zero address and the revert data.
    let mut data = vec![0u8];
    data.extend_from_slice(&[0; 32]);
    data.extend_from_slice(EVM_REVERTER);
    let out = ok(&chain.call(p, &data));
    assert_eq!(&out[..20], &[0; 20]);
    assert_eq!(u32::from_le_bytes(out[20..24].try_into().unwrap()), 4);
    assert_eq!(&out[24..], &[0xde, 0xad, 0xbe, 0xef]);
}

#[test]
fn pay_for_memory_grow_charges_pages_and_enforces_the_limit() {
    let mut chain = Chain::new();
    let src = r#"(module
      (import "vm_hooks" "pay_for_memory_grow" (func $pay (param i32)))
      (import "vm_hooks" "read_args" (func $read_args (param i32)))
      (memory (export "memory") 1)
      (func (export "user_entrypoint") (param $len i32) (result i32)
        i32.const 0 call $read_args
        (if (i32.eq (memory.grow (i32.load8_u (i32.const 0))) (i32.const -1)) (then unreachable))
        i32.const 0))"#;
    let p = chain.program(src);
    let g0 = gas_used(&chain.call(p, &[0]));
    let g1 = gas_used(&chain.call(p, &[1]));
    let g20 = gas_used(&chain.call(p, &[20]));
    // 1 + 1 pages stay within the 2 free pages; 21 pages cost 19×1000 + exp(21) − exp(1).
    // [1] costs 12 more calldata gas than [0]; the page itself is free (2 free pages).
    assert!(g1.abs_diff(g0 + 12) <= 1, "g0 {g0} g1 {g1}");
    let expected =
        19 * 1000 + stylus_vm::pricing::memory_exp(21) - stylus_vm::pricing::memory_exp(1);
    assert!(
        g20.abs_diff(g1 + expected) <= 1,
        "g20 {g20} g1 {g1} expected +{expected}"
    );
    // Growing past the 128-page limit runs out of gas.
    assert!(matches!(
        chain.call(p, &[200]),
        ExecutionResult::Halt { .. }
    ));
}

#[test]
fn console_hooks_print_on_debug_chains() {
    let mut chain = Chain::new();
    let src = r#"(module
      (import "console" "log_txt" (func $txt (param i32 i32)))
      (import "console" "log_i64" (func $i64 (param i64)))
      (import "console" "tee_i32" (func $tee (param i32) (result i32)))
      (import "debug" "null_host" (func $null))
      (import "debug" "start_benchmark" (func $start))
      (import "debug" "end_benchmark" (func $end))
      (memory (export "memory") 1 1)
      (data (i32.const 0) "hi there")
      (func (export "user_entrypoint") (param $len i32) (result i32)
        (call $txt (i32.const 0) (i32.const 8))
        (call $i64 (i64.const 42))
        (call $start) (call $null) (call $end)
        (if (i32.ne (call $tee (i32.const 7)) (i32.const 7)) (then unreachable))
        i32.const 0))"#;
    let p = chain.program(src);
    chain.runtime.take_console();
    assert!(chain.call(p, &[]).is_success());
    let lines = chain.runtime.take_console();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0], "hi there");
    assert!(lines[1].contains("42"));
    assert!(lines[2].contains('7'));
}

#[test]
fn msg_reentrant_counts_non_delegate_frames() {
    let mut chain = Chain::new();
    let imports = [
        io(),
        hook("msg_reentrant", "(result i32)"),
        hook(
            "call_contract",
            "(param i32 i32 i32 i32 i64 i32) (result i32)",
        ),
        hook("read_return_data", "(param i32 i32 i32) (result i32)"),
    ]
    .join("\n");
    // Empty calldata: return msg_reentrant. Else call target(20) with empty data and return its output.
    let p = chain.program(&prog(
        &imports,
        r#"i32.const 0 call $read_args
        (if (i32.eqz (local.get $len)) (then
            (i32.store8 (i32.const 500) (call $msg_reentrant))
            (call $write_result (i32.const 500) (i32.const 1))
            (return (i32.const 0))))
        (drop (call $call_contract (i32.const 0) (i32.const 100) (i32.const 0) (i32.const 200) (i64.const -1) (i32.const 300)))
        (local.set $a (call $read_return_data (i32.const 600) (i32.const 0) (i32.const 32)))
        (call $write_result (i32.const 600) (local.get $a))
        i32.const 0"#,
    ));
    assert_eq!(ok(&chain.call(p, &[])).as_ref(), &[0]);
    let back = chain.deploy(&evm_forwarder(None));
    assert_eq!(
        ok(&chain.call(p, back.as_slice())).as_ref(),
        &[1],
        "A → EVM → A is reentrant"
    );
    let other = chain.program(&prog(&imports, "(i32.store8 (i32.const 0) (call $msg_reentrant)) (call $write_result (i32.const 0) (i32.const 1)) i32.const 0"));
    assert_eq!(
        ok(&chain.call(p, other.as_slice())).as_ref(),
        &[0],
        "A → B is not reentrant for B"
    );
}

#[test]
fn hooks_out_of_bounds_pointers_fail_without_data() {
    let mut chain = Chain::new();
    let p = chain.program(&prog(
        &io(),
        "(call $write_result (i32.const 65530) (i32.const 100)) i32.const 0",
    ));
    let r = chain.call(p, &[]);
    assert!(reverted(&r).is_empty());
    assert!(gas_used(&r) < 1_000_000, "a failure returns the unused gas");
}

#[allow(dead_code)]
fn _unused(_: Bytes, _: HaltReason) {}
