//! Tracing: the Stylus gas split and hostio records against hand-computed figures, and the
//! call tree across EVM → Stylus → Stylus.

mod common;

use common::*;
use revm::primitives::{Address, Bytes, U256};
use stylus_vm::abi::{self, selector};
use stylus_vm::params::ARB_WASM;
use stylus_vm::pricing::read_price;
use stylus_vm::trace::{CallKind, CallNode, TraceOptions, Tracer};

/// Init + cached gas of an uncached program (its entry charge at Stylus v2).
fn entry_gas(chain: &mut Chain, p: Address) -> u64 {
    let mut d = selector("programInitGas(address)").to_vec();
    d.extend_from_slice(p.into_word().as_slice());
    let out = ok(&chain.call(ARB_WASM, &d));
    let init: u64 = abi::uint_arg(&out, 0).unwrap().to();
    let cached: u64 = abi::uint_arg(&out, 1).unwrap().to();
    init + cached
}

/// Runs one call with a tracer; returns the result and the tracer.
fn traced(
    chain: &mut Chain,
    to: Address,
    data: &[u8],
    options: TraceOptions,
) -> (revm::context::result::ExecutionResult, Box<Tracer>) {
    chain.evm.tracer = Some(Box::new(Tracer::new(options)));
    let r = chain.call(to, data);
    (r, chain.evm.tracer.take().expect("tracer"))
}

const ALL: TraceOptions = TraceOptions {
    calls: true,
    hostios: true,
    steps: None,
};

/// Two loads of slot 0 (cold, then from the program's cache), a write of 1 flushed to it
/// (warm by then), a one-topic log.
fn storage_program() -> String {
    let imports = [
        hook("storage_load_bytes32", "(param i32 i32)"),
        hook("storage_cache_bytes32", "(param i32 i32)"),
        hook("storage_flush_cache", "(param i32)"),
        hook("emit_log", "(param i32 i32 i32)"),
    ]
    .join("\n");
    prog(
        &imports,
        r#"(call $storage_load_bytes32 (i32.const 0) (i32.const 32))
        (call $storage_load_bytes32 (i32.const 0) (i32.const 32))
        (i32.store8 (i32.const 63) (i32.const 1))
        (call $storage_cache_bytes32 (i32.const 0) (i32.const 32))
        (call $storage_flush_cache (i32.const 0))
        (call $emit_log (i32.const 0) (i32.const 32) (i32.const 1))
        i32.const 0"#,
    )
}

// Hand-computed ink (pricing: block header 2450, i32.const 1, call 3800, i32.store8 825,
// end 1; hostios as Nitro prices them):
/// Basic blocks: 2 × [const, const, call] 6252 + [const, const, store8, const, const, call]
/// 7079 + [const, call] 6251 + [const ×3, call] 6253 + [const, end] 2452.
const COMPUTE_INK: u64 = 2 * 6_252 + 7_079 + 6_251 + 6_253 + 2_452;
/// Cold load: 18,480 + (2,100 + 5) gas; cached load: 18,480.
const LOAD_INK: [u64; 2] = [18_480 + 21_050_000, 18_480];
/// Cache write 18,480; flush 68,073 + 20,000 gas (0 → 1, slot warm after the load).
const STORE_INK: [u64; 2] = [18_480, 68_073 + 200_000_000];
/// emit_log: 68,073 + read_price(32) 16,381 + 375 × 2 gas.
const LOG_INK: u64 = 68_073 + 16_381 + 7_500_000;

#[test]
fn stylus_gas_split_matches_hand_computed_figures() {
    let mut chain = Chain::new();
    let p = chain.program(&storage_program());
    let entry = entry_gas(&mut chain, p);
    let (r, tracer) = traced(&mut chain, p, &[], ALL);
    assert!(r.is_success(), "{r:?}");
    let root = tracer.call_tree().expect("call tree");
    let s = root.stylus.expect("a Stylus frame");
    assert!(!s.cached);
    assert_eq!(s.entry_gas, entry);
    assert_eq!(
        s.memory_entry_gas, 0,
        "one page is within the two free pages"
    );
    // The frame gets the transaction's gas less the intrinsic 21,000 and the entry charge.
    assert_eq!(s.ink_limit, (30_000_000 - 21_000 - entry) * 10_000);
    assert_eq!(s.compute_ink, COMPUTE_INK);
    assert_eq!(s.storage_loads.count, 2);
    assert_eq!(s.storage_loads.ink, LOAD_INK[0] + LOAD_INK[1]);
    assert_eq!((s.storage_loads.cold, s.storage_loads.warm), (1, 0));
    assert_eq!(s.storage_stores.count, 2);
    assert_eq!(s.storage_stores.ink, STORE_INK[0] + STORE_INK[1]);
    assert_eq!((s.storage_stores.cold, s.storage_stores.warm), (0, 1));
    assert_eq!((s.logs.count, s.logs.ink), (1, LOG_INK));
    assert_eq!(s.calls.count, 0);
    assert_eq!(s.memory_growth.count, 0);
    assert_eq!(s.other_hostios.count, 0);
    let ink = COMPUTE_INK + LOAD_INK[0] + LOAD_INK[1] + STORE_INK[0] + STORE_INK[1] + LOG_INK;
    assert_eq!(s.ink_used(), ink);
    assert_eq!(s.return_data_gas, 0);
    // 228,792,506 ink → 22,880 gas (ink left is floored), plus the entry charge.
    let frame_gas = entry + ink.div_ceil(10_000);
    assert_eq!(ink.div_ceil(10_000), 22_880);
    assert_eq!(root.gas_used, frame_gas);
    assert_eq!(gas_used(&r), 21_000 + frame_gas);
    assert_eq!(root.logs.len(), 1);
    assert_eq!(root.logs[0].address, p);
}

#[test]
fn hostio_records_carry_nitro_encodings_and_ink() {
    let mut chain = Chain::new();
    let p = chain.program(&storage_program());
    let (r, tracer) = traced(&mut chain, p, &[], ALL);
    assert!(r.is_success());
    let s = tracer.call_tree().and_then(|n| n.stylus).expect("split");
    let recs = tracer.hostios();
    let names: Vec<&str> = recs.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "user_entrypoint",
            "storage_load_bytes32",
            "storage_load_bytes32",
            "storage_cache_bytes32",
            "storage_flush_cache",
            "emit_log",
            "user_returned"
        ]
    );
    assert_eq!(recs[0].args, 0u32.to_be_bytes(), "calldata length");
    assert_eq!(
        (recs[0].start_ink, recs[0].end_ink),
        (s.ink_limit, s.ink_limit)
    );
    // Each hostio starts after its block's ink and takes exactly its price.
    let blocks = [6_252u64, 6_252, 7_079, 6_251, 6_253];
    let prices = [
        LOAD_INK[0],
        LOAD_INK[1],
        STORE_INK[0],
        STORE_INK[1],
        LOG_INK,
    ];
    let mut ink = s.ink_limit;
    for (i, (block, price)) in blocks.iter().zip(prices).enumerate() {
        let rec = &recs[i + 1];
        assert_eq!(rec.start_ink, ink - block, "{}", rec.name);
        assert_eq!(rec.end_ink, rec.start_ink - price, "{}", rec.name);
        ink = rec.end_ink;
    }
    assert_eq!(recs[1].args, [0u8; 32], "key");
    assert_eq!(recs[1].outs, [0u8; 32], "value");
    let mut one = [0u8; 32];
    one[31] = 1;
    assert_eq!(recs[3].args, [[0u8; 32], one].concat(), "key ‖ value");
    assert_eq!(recs[4].args, [0u8], "clear flag");
    assert_eq!(recs[5].args, [&1u32.to_be_bytes()[..], &[0u8; 32]].concat());
    assert_eq!(recs[6].outs, 0u32.to_be_bytes(), "status");
    assert_eq!(recs[6].start_ink, ink - 2_452);
    assert!(recs
        .iter()
        .all(|r| r.address.is_none() && r.steps.is_none()));
}

/// calldata = target(20) ‖ payload: calls target with payload and returns its status;
/// shorter calldata: loads slot 0 and logs it.
fn relay_program() -> String {
    let imports = [
        io(),
        hook(
            "call_contract",
            "(param i32 i32 i32 i32 i64 i32) (result i32)",
        ),
        hook("storage_load_bytes32", "(param i32 i32)"),
        hook("emit_log", "(param i32 i32 i32)"),
    ]
    .join("\n");
    prog(
        &imports,
        r#"(call $read_args (i32.const 0))
        (if (i32.ge_u (local.get $len) (i32.const 20)) (then
          (return (call $call_contract (i32.const 0) (i32.const 20)
            (i32.sub (local.get $len) (i32.const 20)) (i32.const 2000) (i64.const -1)
            (i32.const 2100)))))
        (call $storage_load_bytes32 (i32.const 3000) (i32.const 3100))
        (call $emit_log (i32.const 3000) (i32.const 32) (i32.const 1))
        i32.const 0"#,
    )
}

fn only_call(node: &CallNode) -> &CallNode {
    assert_eq!(node.calls.len(), 1, "{node:?}");
    &node.calls[0]
}

#[test]
fn call_tree_spans_evm_stylus_and_stylus() {
    let mut chain = Chain::new();
    let a = chain.program(&relay_program());
    let b = chain.deploy_wasm(&wat::parse_str(relay_program()).expect("wat"));
    let fwd = chain.deploy(&evm_forwarder(Some(a)));
    let (r, tracer) = traced(&mut chain, fwd, b.as_slice(), ALL);
    assert!(r.is_success(), "{r:?}");
    let root = tracer.call_tree().expect("tree");
    assert_eq!((root.kind, root.to, root.from), (CallKind::Call, fwd, DEV));
    assert!(root.stylus.is_none(), "the forwarder is EVM code");
    let na = only_call(root);
    assert_eq!((na.kind, na.from, na.to), (CallKind::Call, fwd, a));
    assert_eq!(na.input, Bytes::copy_from_slice(b.as_slice()));
    let nb = only_call(na);
    assert_eq!((nb.kind, nb.from, nb.to), (CallKind::Call, a, b));
    assert!(nb.input.is_empty() && nb.calls.is_empty());
    let (sa, sb) = (na.stylus.expect("A split"), nb.stylus.expect("B split"));
    // B: one cold load, one log; its gas is its entry plus its ink.
    assert_eq!((sb.storage_loads.count, sb.storage_loads.cold), (1, 1));
    assert_eq!(sb.logs.count, 1);
    assert_eq!(nb.gas_used, sb.entry_gas + sb.ink_used().div_ceil(10_000));
    // A's call hostio: 83,193 + 2 × read_price(0) ink, then 2,600 gas (B is cold) plus all
    // the gas B used.
    assert_eq!(sa.calls.count, 1);
    assert_eq!(
        sa.calls.ink,
        83_193 + 2 * read_price(0) + (2_600 + nb.gas_used) * 10_000
    );
    assert_eq!(sa.storage_loads.count, 0);
    // The log belongs to B, none to A or the forwarder.
    assert_eq!(nb.logs.len(), 1);
    assert!(na.logs.is_empty() && root.logs.is_empty());

    // stylusTracer: the EVM-entered frame A, and B nested in A's call_contract record.
    let recs = tracer.hostios();
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0].name, "evm_call_contract");
    assert_eq!(recs[0].address, Some(a));
    let steps_a = recs[0].steps.as_ref().expect("A's steps");
    let names: Vec<&str> = steps_a.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "user_entrypoint",
            "read_args",
            "call_contract",
            "user_returned"
        ]
    );
    let call = &steps_a[2];
    assert_eq!(call.address, Some(b));
    let mut args = b.to_vec();
    args.extend_from_slice(&u64::MAX.to_be_bytes());
    args.extend_from_slice(&[0u8; 32]);
    assert_eq!(call.args, args, "address ‖ gas ‖ value ‖ calldata");
    assert_eq!(call.outs, [0, 0, 0, 0, 0], "return length ‖ status");
    let names_b: Vec<&str> = call
        .steps
        .as_ref()
        .expect("B's steps")
        .iter()
        .map(|r| r.name.as_str())
        .collect();
    assert_eq!(
        names_b,
        [
            "user_entrypoint",
            "read_args",
            "storage_load_bytes32",
            "emit_log",
            "user_returned"
        ]
    );
    assert_eq!(call.start_ink - call.end_ink, sa.calls.ink);
}

#[test]
fn struct_logger_shows_evm_opcodes_and_stylus_hostios() {
    let mut chain = Chain::new();
    let a = chain.program(&relay_program());
    let b = chain.deploy_wasm(&wat::parse_str(relay_program()).expect("wat"));
    let fwd = chain.deploy(&evm_forwarder(Some(a)));
    let options = TraceOptions {
        steps: Some(stylus_vm::trace::StepOptions {
            stack: true,
            memory: false,
            limit: 0,
        }),
        ..TraceOptions::default()
    };
    let (r, tracer) = traced(&mut chain, fwd, b.as_slice(), options);
    assert!(r.is_success());
    let steps = tracer.steps();
    assert_eq!(steps[0].op, "CALLDATASIZE");
    assert_eq!((steps[0].pc, steps[0].depth), (0, 1));
    assert_eq!(steps[0].gas_cost, 2);
    assert_eq!(
        steps[1].stack.as_deref(),
        Some(&[U256::from(20)][..]),
        "CALLDATASIZE pushed 20"
    );
    let call = steps.iter().position(|s| s.op == "CALL").expect("CALL");
    assert_eq!(steps[call + 1].depth, 2);
    assert_eq!(steps[call + 1].op, "read_args");
    let load = steps
        .iter()
        .find(|s| s.op == "storage_load_bytes32")
        .expect("B's load");
    assert_eq!(load.depth, 3);
    assert!(load.gas_cost >= 2_105, "a cold load");
    assert_eq!(steps.last().map(|s| s.op.as_str()), Some("RETURN"));
    assert!(
        tracer.hostios().is_empty(),
        "no hostio records without stylusTracer"
    );
}
