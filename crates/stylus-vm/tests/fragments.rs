//! ArbOS 60 multi-fragment programs (issue 19, item 2): fragments (`EF F0 01` ++ a slice of the
//! compressed wasm) and a root (`EF F0 02 <dict> <u32 length> <addresses>`) activated through
//! ArbWasm and called, with every limit Nitro enforces and its charge for reading fragments.

mod common;

use common::*;
use revm::context::result::{ExecutionResult, HaltReason};
use revm::context::transaction::{AccessList, AccessListItem};
use revm::context::{ContextTr, TxEnv};
use revm::primitives::{keccak256, Address, Bytes, TxKind, U256};
use revm::state::{AccountInfo, Bytecode};
use stylus_vm::abi::{self, selector};
use stylus_vm::activation::{
    activation_wasm, fragment_read_gas, program_slot, GasMeter, WasmError,
};
use stylus_vm::code::{
    self, encode_program, encode_root, parse_root, split_into_fragments, CodeError, Root,
};
use stylus_vm::params::{ARB_OWNER_PUBLIC, ARB_WASM, SUPPORTED_ARBOS_VERSIONS};
use stylus_vm::{transact_commit, Runtime, StylusParams};

/// Fixed gas of `activateProgram` (Nitro's up-front burn).
const FIXED: u64 = 1_659_168;
/// Nitro's 3 gas per word of precompile calldata (selector + one address: 2 words).
const ARGS: u64 = 6;

fn chain(arbos: u64) -> Chain {
    Chain::with_params(StylusParams::for_arbos(arbos).expect("supported"))
}

fn echo_wasm() -> Vec<u8> {
    wat::parse_str(prog(
        &io(),
        "i32.const 0 call $read_args i32.const 0 local.get $len call $write_result i32.const 0",
    ))
    .expect("wat")
}

/// The brotli stream of `wasm` (dictionary 0), without the classic prefix.
fn compressed(wasm: &[u8]) -> Vec<u8> {
    encode_program(wasm)[4..].to_vec()
}

/// Fragment codes of `wasm`: its compressed stream cut into `n` nearly equal pieces.
fn fragment_codes(wasm: &[u8], n: usize) -> Vec<Vec<u8>> {
    let stream = compressed(wasm);
    let per = stream.len().div_ceil(n);
    let codes = split_into_fragments(&stream, per + 3);
    assert_eq!(codes.len(), n);
    codes
}

/// Deploys `codes` as fragments and returns their addresses.
fn deploy_fragments(c: &mut Chain, codes: &[Vec<u8>]) -> Vec<Address> {
    codes.iter().map(|f| c.deploy(f)).collect()
}

/// Deploys fragments of `wasm` (`n` of them) and their root; returns (root, fragments).
fn deploy_program(c: &mut Chain, wasm: &[u8], n: usize) -> (Address, Vec<Address>, Vec<Vec<u8>>) {
    let codes = fragment_codes(wasm, n);
    let fragments = deploy_fragments(c, &codes);
    let root = c.deploy(&encode_root(0, wasm.len() as u32, &fragments));
    (root, fragments, codes)
}

/// Puts `code` at `addr` directly in the state (code no transaction could deploy).
fn put_code(c: &mut Chain, addr: Address, code: &[u8]) {
    let bytecode = Bytecode::new_legacy(Bytes::copy_from_slice(code));
    c.evm.inner.ctx.db_mut().insert_account_info(
        addr,
        AccountInfo {
            code_hash: bytecode.hash_slow(),
            code: Some(bytecode),
            ..Default::default()
        },
    );
}

fn activate_data(program: Address) -> Vec<u8> {
    let mut data = selector("activateProgram(address)").to_vec();
    data.extend_from_slice(program.into_word().as_slice());
    data
}

/// Gas of a transaction to ArbWasm beyond its intrinsic gas (21,000 + calldata, + 2,400 per
/// access-list address).
fn exec_gas(r: &ExecutionResult<HaltReason>, data: &[u8], access_list_addresses: u64) -> u64 {
    let calldata: u64 = data.iter().map(|b| if *b == 0 { 4 } else { 16 }).sum();
    r.tx_gas_used() - 21_000 - calldata - 2_400 * access_list_addresses
}

/// Sends `activateProgram(program)` with 1 ETH, `gas`, and the given warm addresses.
fn activate_with(
    c: &mut Chain,
    program: Address,
    gas: u64,
    warm: &[Address],
) -> ExecutionResult<HaltReason> {
    let nonce = c.next_nonce(DEV);
    let tx = TxEnv {
        caller: DEV,
        kind: TxKind::Call(ARB_WASM),
        data: activate_data(program).into(),
        value: ether(1),
        gas_limit: gas,
        gas_price: u128::from(BASEFEE),
        nonce,
        chain_id: Some(412_346),
        access_list: AccessList(
            warm.iter()
                .map(|a| AccessListItem {
                    address: *a,
                    storage_keys: vec![],
                })
                .collect(),
        ),
        tx_type: if warm.is_empty() { 0 } else { 1 },
        ..Default::default()
    };
    transact_commit(&mut c.evm, tx).expect("valid transaction")
}

/// A revert without data whose gas is what was spent before it (Nitro's plain precompile
/// error), not all the gas.
fn plain_revert(r: &ExecutionResult<HaltReason>) -> u64 {
    match r {
        ExecutionResult::Revert { output, .. } => {
            assert!(output.is_empty(), "revert carries data: {output}");
            let used = r.tx_gas_used();
            assert!(used < 30_000_000, "all gas taken: {r:?}");
            used
        }
        other => panic!("expected a revert without data, got {other:?}"),
    }
}

#[test]
fn root_encoding_parsing_and_splitting() {
    let a = Address::repeat_byte(0x11);
    let b = Address::repeat_byte(0x22);
    let root = encode_root(0, 0x0102_0304, &[a, b]);
    assert_eq!(
        &root[..8],
        &[0xEF, 0xF0, 0x02, 0x00, 0x01, 0x02, 0x03, 0x04]
    );
    assert_eq!(root.len(), 8 + 40);
    assert_eq!(
        parse_root(&root),
        Ok(Root {
            dictionary: 0,
            decompressed_len: 0x0102_0304,
            fragments: vec![a, b],
        })
    );
    assert_eq!(parse_root(&root[..7]), Err(CodeError::RootTooShort(7)));
    assert_eq!(parse_root(&root[..9]), Err(CodeError::RootAddressData(1)));
    assert_eq!(parse_root(&[0xEF, 0xF0, 0x02]), Err(CodeError::NotStylus));
    // Fragments hold at most the code-size limit, prefix included, in order.
    let stream: Vec<u8> = (0..=255u8).cycle().take(50_000).collect();
    let parts = split_into_fragments(&stream, 24_576);
    assert_eq!(parts.len(), 3);
    assert!(parts
        .iter()
        .all(|p| p.len() <= 24_576 && code::is_fragment(p)));
    assert_eq!(parts[0].len(), 24_576);
    let joined: Vec<u8> = parts.iter().flat_map(|p| p[3..].to_vec()).collect();
    assert_eq!(joined, stream);
}

#[test]
fn a_root_of_two_fragments_activates_and_runs_charging_each_fragment_read() {
    let mut c = chain(60);
    let wasm = echo_wasm();
    let (root, fragments, codes) = deploy_program(&mut c, &wasm, 2);
    let r = c.activate(root);
    let data = activate_data(root);
    assert!(r.is_success(), "{r:?}");
    let out = ok(&r);
    assert_eq!(
        abi::uint_arg(&out, 0).ok(),
        Some(U256::from(3)),
        "Stylus version 3"
    );
    // ProgramActivated for the root's code hash.
    let codehash = keccak256(c.code(root));
    let topic = keccak256("ProgramActivated(bytes32,bytes32,address,uint256,uint16)");
    assert!(r
        .logs()
        .iter()
        .any(|l| l.topics() == [topic, codehash].as_slice()));
    assert!(!c
        .storage(stylus_vm::params::ARBOS_STATE, program_slot(codehash))
        .is_zero());
    // Calling the root runs the program; calling a fragment runs EVM code 0xEF (fails).
    assert_eq!(
        ok(&c.call(root, b"from fragments")).as_ref(),
        b"from fragments"
    );
    assert!(!c.call(fragments[0], b"x").is_success());
    // The same wasm as one classic program costs the fragment reads less: 2,600 per cold
    // fragment plus 3 gas per word of its code.
    let classic = c.deploy_wasm(&wasm);
    let rc = c.activate(classic);
    assert!(rc.is_success(), "{rc:?}");
    let reads: u64 = codes
        .iter()
        .map(|f| fragment_read_gas(false, f.len() as u64))
        .sum();
    assert_eq!(
        reads,
        2 * 2_600
            + 3 * codes
                .iter()
                .map(|f| f.len().div_ceil(32) as u64)
                .sum::<u64>()
    );
    assert_eq!(
        exec_gas(&r, &data, 0) - exec_gas(&rc, &activate_data(classic), 0),
        reads
    );
    // Already active: ProgramUpToDate, before any fragment is read.
    let again = c.activate(root);
    assert_eq!(
        reverted(&again).as_ref(),
        abi::encode_error("ProgramUpToDate()", &[]).as_ref()
    );
}

#[test]
fn warm_fragments_cost_100_gas_each() {
    let mut c = chain(60);
    let wasm = echo_wasm();
    // Two roots of the same wasm over two sets of fragments: the same compile gas, different
    // code hashes. One is activated with its fragments in the access list (warm).
    let (warm_root, warm_fragments, codes) = deploy_program(&mut c, &wasm, 2);
    let (cold_root, _, _) = deploy_program(&mut c, &wasm, 2);
    let warm = activate_with(&mut c, warm_root, 30_000_000, &warm_fragments);
    let cold = activate_with(&mut c, cold_root, 30_000_000, &[]);
    assert!(warm.is_success() && cold.is_success(), "{warm:?} {cold:?}");
    let read = |is_warm: bool| -> u64 {
        codes
            .iter()
            .map(|f| fragment_read_gas(is_warm, f.len() as u64))
            .sum()
    };
    assert_eq!(read(false) - read(true), 2 * (2_600 - 100));
    let warm_exec = exec_gas(&warm, &activate_data(warm_root), 2);
    let cold_exec = exec_gas(&cold, &activate_data(cold_root), 0);
    assert_eq!(cold_exec - warm_exec, read(false) - read(true));
    assert!(warm_exec > FIXED + ARGS + read(true));
}

#[test]
fn a_root_runs_when_its_module_left_the_cache() {
    // A cache of 0 bytes keeps no module: every call compiles the root from its fragments.
    let runtime = Runtime::with_cache_limit(StylusParams::for_arbos(60).unwrap(), 0);
    let mut c = Chain::with_runtime(runtime.clone());
    let (root, _, _) = deploy_program(&mut c, &echo_wasm(), 2);
    assert!(c.activate(root).is_success());
    assert!(!runtime.is_cached(&keccak256(c.code(root))));
    assert_eq!(ok(&c.call(root, b"again")).as_ref(), b"again");
    assert_eq!(ok(&c.call(root, b"and again")).as_ref(), b"and again");
}

#[test]
fn roots_and_fragments_exist_from_arbos_60_only() {
    let wasm = echo_wasm();
    for arbos in SUPPORTED_ARBOS_VERSIONS {
        let mut c = chain(arbos);
        let frag = fragment_codes(&wasm, 1).remove(0);
        // Deployment (EIP-3541 with Nitro's prefix rule): classic always, fragments and
        // roots from ArbOS 60; every prefix needs a byte after it.
        assert_eq!(
            c.deploy_code(&frag).is_success(),
            arbos >= 60,
            "ArbOS {arbos}"
        );
        let root = encode_root(0, wasm.len() as u32, &[Address::repeat_byte(1)]);
        assert_eq!(
            c.deploy_code(&root).is_success(),
            arbos >= 60,
            "ArbOS {arbos}"
        );
        assert!(!c.deploy_code(&[0xEF, 0xF0, 0x00]).is_success());
        assert!(!c.deploy_code(&[0xEF, 0xF0, 0x02]).is_success());
        assert!(c.deploy_code(&[0xEF, 0xF0, 0x00, 0x00]).is_success());
        assert_eq!(
            word(&mut c, ARB_OWNER_PUBLIC, "getMaxStylusContractFragments()"),
            U256::from(if arbos >= 60 { 2 } else { 0 })
        );
        // Activation (the version gate): a root placed in the state by other means is
        // refused before ArbOS 60 with Nitro's plain "not a Stylus program" revert.
        let f = Address::repeat_byte(0xF1);
        let r = Address::repeat_byte(0xF2);
        put_code(&mut c, f, &frag);
        put_code(&mut c, r, &encode_root(0, wasm.len() as u32, &[f]));
        let res = c.activate(r);
        if arbos >= 60 {
            assert!(res.is_success(), "ArbOS {arbos}: {res:?}");
            assert_eq!(ok(&c.call(r, b"hi")).as_ref(), b"hi");
        } else {
            assert_eq!(
                plain_revert(&res),
                21_000 + calldata_gas(&activate_data(r)) + FIXED + ARGS
            );
            // Not a program there: calling it runs EVM code (0xEF fails).
            assert!(!c.call(r, b"hi").is_success());
        }
    }
}

fn calldata_gas(data: &[u8]) -> u64 {
    data.iter().map(|b| if *b == 0 { 4 } else { 16 }).sum()
}

fn word(chain: &mut Chain, to: Address, sig: &str) -> U256 {
    abi::uint_arg(&ok(&chain.call(to, &selector(sig))), 0).expect("word")
}

/// Activation of root `code` (placed at a fixed address) with fragments `frags` placed at
/// 0xF1.., on ArbOS 60: its result, the fragment addresses and the calldata.
fn activate_root_code(
    c: &mut Chain,
    frags: &[Vec<u8>],
    root_of: impl FnOnce(&[Address]) -> Vec<u8>,
) -> (ExecutionResult<HaltReason>, Vec<u8>) {
    let addrs: Vec<Address> = (0..frags.len())
        .map(|i| Address::repeat_byte(0xF1 + i as u8))
        .collect();
    for (a, f) in addrs.iter().zip(frags) {
        put_code(c, *a, f);
    }
    let root = Address::repeat_byte(0xE0);
    put_code(c, root, &root_of(&addrs));
    (c.activate(root), activate_data(root))
}

#[test]
fn every_limit_on_roots_and_fragments_reverts_as_nitro_does() {
    let wasm = echo_wasm();
    let len = wasm.len() as u32;
    let two = fragment_codes(&wasm, 2);
    let three = fragment_codes(&wasm, 3);
    let reads = |codes: &[Vec<u8>]| -> u64 {
        codes
            .iter()
            .map(|f| fragment_read_gas(false, f.len() as u64))
            .sum()
    };
    // (case, fragment codes, root builder, gas charged for reads before the failure)
    type RootOf = Box<dyn FnOnce(&[Address]) -> Vec<u8>>;
    let cases: Vec<(&str, Vec<Vec<u8>>, RootOf, u64)> = vec![
        (
            "three fragments (MaxFragmentCount 2)",
            three.clone(),
            Box::new(move |a: &[Address]| encode_root(0, len, a)),
            0,
        ),
        (
            "no fragment",
            vec![],
            Box::new(move |_: &[Address]| encode_root(0, len, &[])),
            0,
        ),
        (
            "declared length above MaxWasmSize (256 KiB)",
            two.clone(),
            Box::new(|a: &[Address]| encode_root(0, 256 * 1024 + 1, a)),
            0,
        ),
        (
            "declared length one byte short",
            two.clone(),
            Box::new(move |a: &[Address]| encode_root(0, len - 1, a)),
            reads(&two),
        ),
        (
            "declared length one byte long",
            two.clone(),
            Box::new(move |a: &[Address]| encode_root(0, len + 1, a)),
            reads(&two),
        ),
        (
            "fragments out of order",
            two.clone(),
            Box::new(move |a: &[Address]| encode_root(0, len, &[a[1], a[0]])),
            reads(&two),
        ),
        (
            "dictionary 1 (checked after the reads)",
            two.clone(),
            Box::new(move |a: &[Address]| encode_root(1, len, a)),
            reads(&two),
        ),
        (
            "root shorter than its header",
            vec![],
            Box::new(|_: &[Address]| vec![0xEF, 0xF0, 0x02, 0x00, 0x01]),
            0,
        ),
        (
            "address data not a multiple of 20",
            two.clone(),
            Box::new(move |a: &[Address]| {
                let mut r = encode_root(0, len, a);
                r.pop();
                r
            }),
            0,
        ),
        (
            "a named account holds a classic program, not a fragment",
            vec![encode_program(&wasm)],
            Box::new(move |a: &[Address]| encode_root(0, len, a)),
            fragment_read_gas(false, encode_program(&wasm).len() as u64),
        ),
        (
            "a named account has no code",
            vec![vec![]],
            Box::new(move |a: &[Address]| encode_root(0, len, a)),
            2_600,
        ),
        (
            "a fragment with nothing after its prefix",
            vec![two[0].clone(), vec![0xEF, 0xF0, 0x01]],
            Box::new(move |a: &[Address]| encode_root(0, len, a)),
            reads(&two[..1]) + fragment_read_gas(false, 3),
        ),
    ];
    for (case, frags, root_of, read_gas) in cases {
        let mut c = chain(60);
        let (r, data) = activate_root_code(&mut c, &frags, root_of);
        assert_eq!(
            plain_revert(&r),
            21_000 + calldata_gas(&data) + FIXED + ARGS + read_gas,
            "{case}"
        );
    }
}

#[test]
fn fragments_and_other_code_at_activation() {
    let wasm = echo_wasm();
    let mut c = chain(60);
    // A fragment cannot be activated itself (plain revert).
    let f = c.deploy(&fragment_codes(&wasm, 1)[0]);
    assert_eq!(
        plain_revert(&c.activate(f)),
        21_000 + calldata_gas(&activate_data(f)) + FIXED + ARGS
    );
    // From ArbOS 60, code with no Stylus prefix is ProgramNotWasm(); before, a plain revert.
    let evm = c.deploy(EVM_RET42);
    assert_eq!(
        reverted(&c.activate(evm)).as_ref(),
        abi::encode_error("ProgramNotWasm()", &[]).as_ref()
    );
    let mut old = chain(51);
    let evm51 = old.deploy(EVM_RET42);
    plain_revert(&old.activate(evm51));
    // A classic program that does not decompress (dictionary 1, a broken stream) is the same
    // plain revert, keeping the gas not yet spent (only invalid wasm takes all gas).
    let mut dict1 = encode_program(&wasm);
    dict1[3] = 1;
    let broken = [0xEF, 0xF0, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x01];
    for code in [&dict1[..], &broken[..]] {
        let p = old.deploy(code);
        assert_eq!(
            plain_revert(&old.activate(p)),
            21_000 + calldata_gas(&activate_data(p)) + FIXED + ARGS
        );
    }
    // No code at all: ProgramNotWasm() on every version.
    for arbos in SUPPORTED_ARBOS_VERSIONS {
        let mut c = chain(arbos);
        assert_eq!(
            reverted(&c.activate(Address::repeat_byte(0x77))).as_ref(),
            abi::encode_error("ProgramNotWasm()", &[]).as_ref(),
            "ArbOS {arbos}"
        );
    }
}

#[test]
fn fragment_reads_need_gas_for_the_largest_fragment_first() {
    let wasm = echo_wasm();
    let codes = fragment_codes(&wasm, 1);
    let actual = fragment_read_gas(false, codes[0].len() as u64);
    let largest = fragment_read_gas(false, 24_576);
    assert_eq!(largest, 2_600 + 3 * 768);
    assert!(actual < largest);
    // Nitro's reserve, on the activation code itself: gas for the real read but not for the
    // largest is out of gas (all of it), and nothing is read; with the reserve only the real
    // read is charged.
    let mut c = chain(60);
    let params = c.runtime.params.clone();
    let fragments = deploy_fragments(&mut c, &codes);
    let root_code = encode_root(0, wasm.len() as u32, &fragments);
    for (limit, expect_ok) in [(actual, false), (largest - 1, false), (largest, true)] {
        let mut meter = GasMeter { spent: 0, limit };
        let got = activation_wasm(&mut c.evm.inner.ctx, &root_code, &params, &mut meter)
            .expect("in-memory db");
        if expect_ok {
            assert_eq!(got.expect("read"), wasm);
            assert_eq!(meter.spent, actual, "only the real read is charged");
        } else {
            assert_eq!(got, Err(WasmError::OutOfGas), "limit {limit}");
            assert_eq!(meter.spent, limit, "all gas taken");
        }
    }
    let data_gas = |root: Address| 21_000 + calldata_gas(&activate_data(root));
    // Enough for the real read but not for a read of the largest code: out of gas, all gas
    // taken (Nitro's pre-flight reserve).
    let mut c = chain(60);
    let (root, _, _) = {
        let fragments = deploy_fragments(&mut c, &codes);
        let root = c.deploy(&encode_root(0, wasm.len() as u32, &fragments));
        (root, fragments, ())
    };
    let limit = data_gas(root) + FIXED + ARGS + largest - 1;
    match activate_with(&mut c, root, limit, &[]) {
        r @ ExecutionResult::Halt { .. } => assert_eq!(r.tx_gas_used(), limit),
        other => panic!("expected out of gas, got {other:?}"),
    }
    // With the reserve the read costs only its real size and the activation goes on (here
    // running out later, in compile gas, which is all the gas too).
    let limit = data_gas(root) + FIXED + ARGS + largest;
    match activate_with(&mut c, root, limit, &[]) {
        r @ ExecutionResult::Halt { .. } => assert_eq!(r.tx_gas_used(), limit),
        other => panic!("expected out of gas in compile gas, got {other:?}"),
    }
    let r = activate_with(&mut c, root, 30_000_000, &[]);
    assert!(r.is_success(), "{r:?}");
}
