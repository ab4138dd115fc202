//! ArbWasm activation, its errors and fee, program records in state, the other system
//! contracts, code-acceptance rules and the native StylusDeployer.

mod common;

use common::*;
use revm::context::result::ExecutionResult;
use revm::primitives::{keccak256, Address, Bytes, TxKind, B256, U256};
use stylus_vm::abi::{self, encode_deploy, selector};
use stylus_vm::code::{deploy_init_code, encode_program};
use stylus_vm::params::{
    ARB_DEBUG, ARB_OWNER, ARB_OWNER_PUBLIC, ARB_SYS, ARB_WASM, ARB_WASM_CACHE, NETWORK_FEE_ACCOUNT,
    STYLUS_DEPLOYER,
};

fn noop() -> String {
    prog("", "i32.const 0")
}

fn with_word(sig: &str, w: B256) -> Vec<u8> {
    let mut v = selector(sig).to_vec();
    v.extend_from_slice(w.as_slice());
    v
}

fn codehash_version(chain: &mut Chain, h: B256) -> ExecutionResult {
    chain.call(ARB_WASM, &with_word("codehashVersion(bytes32)", h))
}

fn err_sel(sig: &str) -> [u8; 4] {
    selector(sig)
}

#[test]
fn error_selectors_match_nitro() {
    assert_eq!(err_sel("ProgramNotActivated()"), [0x6f, 0x80, 0x9c, 0x4e]);
    assert_eq!(err_sel("ProgramUpToDate()"), [0xcc, 0x94, 0x4b, 0xf2]);
    assert_eq!(err_sel("ProgramNotWasm()"), [0x27, 0xf3, 0x82, 0x12]);
    assert_eq!(
        err_sel("ProgramInsufficientValue(uint256,uint256)"),
        [0x09, 0x78, 0x1a, 0xb7]
    );
    assert_eq!(
        err_sel("ProgramNeedsUpgrade(uint16,uint16)"),
        [0x63, 0x7d, 0x96, 0x8f]
    );
    assert_eq!(err_sel("ProgramExpired(uint64)"), [0xc9, 0xb1, 0x2e, 0x52]);
    assert_eq!(
        selector("activateProgram(address)"),
        [0x58, 0xc7, 0x80, 0xc2]
    );
    assert_eq!(
        selector("deploy(bytes,bytes,uint256,bytes32)"),
        [0xa9, 0xa8, 0xe4, 0xe9]
    );
}

#[test]
fn activation_records_fee_refund_and_event() {
    let mut chain = Chain::new();
    let p = chain.deploy_wasm(&wat::parse_str(noop()).unwrap());
    let codehash = keccak256(chain.code(p));
    assert_eq!(
        &reverted(&codehash_version(&mut chain, codehash))[..],
        &err_sel("ProgramNotActivated()")
    );
    let before = chain.balance(DEV);
    let r = chain.activate(p);
    let out = ok(&r);
    assert_eq!(abi::uint_arg(&out, 0).unwrap(), U256::from(2));
    let fee = abi::uint_arg(&out, 1).unwrap();
    assert!(fee > U256::ZERO);
    assert_eq!(chain.balance(NETWORK_FEE_ACCOUNT), fee);
    assert_eq!(
        chain.balance(ARB_WASM),
        U256::ZERO,
        "the excess went back to the caller"
    );
    let gas_cost = U256::from(gas_used(&r)) * U256::from(BASEFEE);
    assert_eq!(before - chain.balance(DEV), fee + gas_cost);
    assert!(gas_used(&r) > 1_659_168, "fixed activation gas is charged");
    let log = &r.logs()[0];
    assert_eq!(log.address, ARB_WASM);
    assert_eq!(
        log.topics()[0],
        keccak256("ProgramActivated(bytes32,bytes32,address,uint256,uint16)")
    );
    assert_eq!(log.topics()[1], codehash);
    assert_eq!(abi::address_arg(&log.data.data, 1).unwrap(), p);
    let v = ok(&codehash_version(&mut chain, codehash));
    assert_eq!(abi::uint_arg(&v, 0).unwrap(), U256::from(2));
    // Second activation: up to date.
    assert_eq!(
        &reverted(&chain.activate(p))[..],
        &err_sel("ProgramUpToDate()")
    );
}

#[test]
fn activation_errors() {
    let mut chain = Chain::new();
    // EVM code before ArbOS 60: Nitro's plain "specified bytecode is not a Stylus program"
    // (a revert without data; from ArbOS 60 it is ProgramNotWasm(), see fragments.rs). No code
    // at all: ProgramNotWasm().
    let evm = chain.deploy(EVM_RET42);
    assert!(reverted(&chain.activate(evm)).is_empty());
    assert_eq!(
        &reverted(&chain.activate(Address::repeat_byte(0x77)))[..],
        &err_sel("ProgramNotWasm()")
    );
    let p = chain.deploy_wasm(&wat::parse_str(noop()).unwrap());
    let mut data = selector("activateProgram(address)").to_vec();
    data.extend_from_slice(p.into_word().as_slice());
    let out = reverted(&chain.call_value(ARB_WASM, &data, U256::from(1)));
    assert_eq!(
        &out[..4],
        &err_sel("ProgramInsufficientValue(uint256,uint256)")
    );
    assert_eq!(abi::uint_arg(&out[4..], 0).unwrap(), U256::from(1));
    assert!(abi::uint_arg(&out[4..], 1).unwrap() > U256::from(1));
    let codehash = keccak256(chain.code(p));
    assert_eq!(
        &reverted(&codehash_version(&mut chain, codehash))[..],
        &err_sel("ProgramNotActivated()"),
        "the failed activation left no record"
    );
    // Invalid wasm: all gas is taken and there is no revert data.
    let bad = chain.deploy_wasm(&wat::parse_str(prog("", "f32.const 1 drop i32.const 0")).unwrap());
    let r = chain.send(
        DEV,
        TxKind::Call(ARB_WASM),
        {
            let mut d = selector("activateProgram(address)").to_vec();
            d.extend_from_slice(bad.into_word().as_slice());
            d.into()
        },
        common::ether(1),
        3_000_000,
    );
    assert!(reverted(&r).is_empty());
    assert_eq!(gas_used(&r), 3_000_000);
    // Too little gas for the fixed charge.
    let r = chain.send(
        DEV,
        TxKind::Call(ARB_WASM),
        {
            let mut d = selector("activateProgram(address)").to_vec();
            d.extend_from_slice(p.into_word().as_slice());
            d.into()
        },
        common::ether(1),
        1_000_000,
    );
    assert!(matches!(r, ExecutionResult::Halt { .. }));
}

/// EVM code: CALL(target, value = callvalue, calldata) and then REVERT unconditionally.
fn call_then_revert(target: Address) -> Vec<u8> {
    let mut c = vec![
        0x36, 0x60, 0x00, 0x60, 0x00, 0x37, 0x60, 0x00, 0x60, 0x00, 0x36, 0x60, 0x00, 0x34, 0x73,
    ];
    c.extend_from_slice(target.as_slice());
    c.extend_from_slice(&[0x5a, 0xf1, 0x60, 0x00, 0x60, 0x00, 0xfd]);
    c
}

#[test]
fn activation_reverts_with_its_transaction() {
    let mut chain = Chain::new();
    let p = chain.deploy_wasm(&wat::parse_str(noop()).unwrap());
    let wrapper = chain.deploy(&call_then_revert(ARB_WASM));
    let mut data = selector("activateProgram(address)").to_vec();
    data.extend_from_slice(p.into_word().as_slice());
    let before = chain.balance(DEV);
    let r = chain.call_value(wrapper, &data, common::ether(1));
    assert!(matches!(r, ExecutionResult::Revert { .. }));
    let gas_cost = U256::from(gas_used(&r)) * U256::from(BASEFEE);
    assert_eq!(before - chain.balance(DEV), gas_cost);
    assert_eq!(chain.balance(NETWORK_FEE_ACCOUNT), U256::ZERO);
    let codehash = keccak256(chain.code(p));
    assert_eq!(
        &reverted(&codehash_version(&mut chain, codehash))[..],
        &err_sel("ProgramNotActivated()")
    );
}

#[test]
fn calling_an_unactivated_program_fails_with_all_gas_and_no_data() {
    let mut chain = Chain::new();
    let p = chain.deploy_wasm(&wat::parse_str(noop()).unwrap());
    let r = chain.send(DEV, TxKind::Call(p), Bytes::new(), U256::ZERO, 500_000);
    assert!(matches!(r, ExecutionResult::Halt { .. }), "{r:?}");
    assert_eq!(gas_used(&r), 500_000);
    // From a caller: the call fails (status 0 to the EVM) and returns no data.
    let fwd = chain.deploy(&evm_forwarder(Some(p)));
    let r = chain.call(fwd, &[]);
    assert!(reverted(&r).is_empty());
}

#[test]
fn arbwasm_getters() {
    let mut chain = Chain::new();
    let p = chain.program(&noop());
    let word = |chain: &mut Chain, data: Vec<u8>| {
        abi::uint_arg(&ok(&chain.call(ARB_WASM, &data)), 0).unwrap()
    };
    let u = U256::from;
    assert_eq!(word(&mut chain, selector("stylusVersion()").to_vec()), u(2));
    assert_eq!(word(&mut chain, selector("inkPrice()").to_vec()), u(10_000));
    assert_eq!(word(&mut chain, selector("freePages()").to_vec()), u(2));
    assert_eq!(word(&mut chain, selector("pageGas()").to_vec()), u(1000));
    assert_eq!(word(&mut chain, selector("pageLimit()").to_vec()), u(128));
    assert_eq!(word(&mut chain, selector("expiryDays()").to_vec()), u(365));
    assert_eq!(
        word(&mut chain, selector("maxStackDepth()").to_vec()),
        u(22_000),
        "the ArbOS 50 cap (the default chain runs ArbOS 51)"
    );
    let pa = p.into_word();
    assert_eq!(
        word(&mut chain, with_word("programVersion(address)", pa)),
        u(2)
    );
    assert_eq!(
        word(&mut chain, with_word("programMemoryFootprint(address)", pa)),
        u(1)
    );
    assert_eq!(
        word(&mut chain, with_word("programTimeLeft(address)", pa)),
        u(365 * 24 * 3600)
    );
    let init = ok(&chain.call(ARB_WASM, &with_word("programInitGas(address)", pa)));
    assert!(abi::uint_arg(&init, 0).unwrap() >= u(69 * 128));
    assert!(abi::uint_arg(&init, 1).unwrap() >= u(11 * 32));
    let codehash = keccak256(chain.code(p));
    assert!(word(&mut chain, with_word("codehashAsmSize(bytes32)", codehash)) >= u(512_000));
    let out = reverted(&chain.call(ARB_WASM, &with_word("codehashKeepalive(bytes32)", codehash)));
    assert_eq!(&out[..4], &err_sel("ProgramKeepaliveTooSoon(uint64)"));
    let out = reverted(&chain.call(
        ARB_WASM,
        &with_word(
            "programVersion(address)",
            Address::repeat_byte(9).into_word(),
        ),
    ));
    assert_eq!(&out[..], &err_sel("ProgramNotActivated()"));
}

#[test]
fn other_system_contracts() {
    let mut chain = Chain::new();
    let word = |chain: &mut Chain, to: Address, data: Vec<u8>| {
        abi::uint_arg(&ok(&chain.call(to, &data)), 0).unwrap()
    };
    assert_eq!(
        word(&mut chain, ARB_SYS, selector("arbChainID()").to_vec()),
        U256::from(412_346)
    );
    assert_eq!(
        word(&mut chain, ARB_SYS, selector("arbOSVersion()").to_vec()),
        U256::from(55 + 51),
        "Nitro reports 55 + the ArbOS version; the default is 51"
    );
    assert_eq!(
        word(&mut chain, ARB_SYS, selector("arbBlockNumber()").to_vec()),
        U256::from(1)
    );
    assert_eq!(
        word(
            &mut chain,
            ARB_OWNER_PUBLIC,
            selector("getMaxStylusContractFragments()").to_vec()
        ),
        U256::ZERO
    );
    // Owner-only methods fail until the caller becomes a chain owner (debug chains).
    let mut set = selector("setL1PricePerUnit(uint256)").to_vec();
    set.extend_from_slice(&[0; 32]);
    assert!(matches!(
        chain.call(ARB_OWNER, &set),
        ExecutionResult::Revert { .. }
    ));
    assert!(chain
        .call(ARB_DEBUG, &selector("becomeChainOwner()"))
        .is_success());
    assert!(chain.call(ARB_OWNER, &set).is_success());
    assert_eq!(
        word(
            &mut chain,
            ARB_OWNER_PUBLIC,
            with_word("isChainOwner(address)", DEV.into_word())
        ),
        U256::from(1)
    );
    let owners = ok(&chain.call(ARB_OWNER_PUBLIC, &selector("getAllChainOwners()")));
    assert_eq!(abi::address_arg(&owners, 2).unwrap(), DEV);
    // Every system contract has code 0xFE.
    assert_eq!(chain.code(ARB_WASM).as_ref(), &[0xFE]);
    assert_eq!(chain.code(STYLUS_DEPLOYER).as_ref(), &[0xFE]);
}

#[test]
fn cached_programs_skip_the_init_gas() {
    let mut chain = Chain::new();
    let p = chain.program(&noop());
    let codehash = keccak256(chain.code(p));
    let cold = gas_used(&chain.call(p, &[]));
    assert!(chain
        .call(ARB_DEBUG, &selector("becomeChainOwner()"))
        .is_success());
    assert!(chain
        .call(
            ARB_WASM_CACHE,
            &with_word("cacheCodehash(bytes32)", codehash)
        )
        .is_success());
    let cached = abi::uint_arg(
        &ok(&chain.call(
            ARB_WASM_CACHE,
            &with_word("codehashIsCached(bytes32)", codehash),
        )),
        0,
    )
    .unwrap();
    assert_eq!(cached, U256::from(1));
    let init = ok(&chain.call(
        ARB_WASM,
        &with_word("programInitGas(address)", p.into_word()),
    ));
    let init_gas: u64 = abi::uint_arg(&init, 0).unwrap().to();
    let warm = gas_used(&chain.call(p, &[]));
    assert_eq!(cold - warm, init_gas);
}

#[test]
fn code_size_and_ef_rules_on_deployment() {
    let mut chain = Chain::new();
    let mut code = vec![0xEF, 0xF0, 0x00, 0x00];
    code.resize(24_576, 0xAB);
    assert!(
        chain.deploy_code(&code).is_success(),
        "24,576 bytes including the prefix are accepted"
    );
    code.push(0xAB);
    assert!(
        matches!(chain.deploy_code(&code), ExecutionResult::Halt { .. }),
        "24,577 bytes are rejected"
    );
    assert!(matches!(
        chain.deploy_code(&[0xEF, 0x00, 0x01]),
        ExecutionResult::Halt { .. }
    ));
    assert!(
        matches!(
            chain.deploy_code(&[0xEF, 0xF0, 0x01, 0x00]),
            ExecutionResult::Halt { .. }
        ),
        "fragments need ArbOS 60"
    );
    assert!(chain
        .deploy_code(&[0xEF, 0xF0, 0x00, 0x00, 0x01])
        .is_success());
}

/// A program with a constructor: selector 0x5585258d stores msg.value in slot 0; 0xff reverts
/// with the revert data `ff`.
fn ctor_prog() -> String {
    let imports = [
        io(),
        hook("msg_value", "(param i32)"),
        hook("storage_cache_bytes32", "(param i32 i32)"),
        hook("storage_flush_cache", "(param i32)"),
    ]
    .join("\n");
    prog(
        &imports,
        r#"i32.const 0 call $read_args
        (if (i32.eq (i32.load8_u (i32.const 0)) (i32.const 0xff)) (then
            (call $write_result (i32.const 0) (i32.const 1))
            (return (i32.const 1))))
        (if (i32.eq (i32.load (i32.const 0)) (i32.const 0x8d258555)) (then
            (call $msg_value (i32.const 200))
            (call $storage_cache_bytes32 (i32.const 100) (i32.const 200))
            (call $storage_flush_cache (i32.const 0))))
        i32.const 0"#,
    )
}

#[test]
fn stylus_deployer_deploys_activates_initialises_and_refunds() {
    let mut chain = Chain::new();
    let code = encode_program(&wat::parse_str(ctor_prog()).unwrap());
    let init_code = deploy_init_code(&code);
    let ctor = [0x55, 0x85, 0x25, 0x8d];
    let data = encode_deploy(&init_code, &ctor, U256::from(7), B256::ZERO);
    let before = chain.balance(DEV);
    let r = chain.call_value(STYLUS_DEPLOYER, &data, common::ether(1));
    let out = ok(&r);
    let addr = abi::address_arg(&out, 0).unwrap();
    assert_eq!(addr, STYLUS_DEPLOYER.create(0));
    let deployed = r
        .logs()
        .iter()
        .find(|l| l.address == STYLUS_DEPLOYER)
        .expect("ContractDeployed");
    assert_eq!(deployed.topics()[0], keccak256("ContractDeployed(address)"));
    assert_eq!(abi::address_arg(&deployed.data.data, 0).unwrap(), addr);
    assert_eq!(
        chain.storage(addr, U256::ZERO),
        U256::from(7),
        "constructor ran with initValue"
    );
    let fee = chain.balance(NETWORK_FEE_ACCOUNT);
    let gas_cost = U256::from(gas_used(&r)) * U256::from(BASEFEE);
    assert_eq!(
        before - chain.balance(DEV),
        fee + gas_cost + U256::from(7),
        "the excess was refunded"
    );
    assert_eq!(chain.balance(STYLUS_DEPLOYER), U256::ZERO);
    // CREATE2 with nitro-contracts 3.1.1's salt: keccak256(salt ‖ initData).
    let salt = B256::repeat_byte(3);
    let r = chain.call_value(
        STYLUS_DEPLOYER,
        &encode_deploy(&init_code, &ctor, U256::ZERO, salt),
        common::ether(1),
    );
    let addr2 = abi::address_arg(&ok(&r), 0).unwrap();
    let mut pre = salt.to_vec();
    pre.extend_from_slice(&ctor);
    assert_eq!(
        addr2,
        STYLUS_DEPLOYER.create2(keccak256(&pre), keccak256(&init_code))
    );
    // initSalt(bytes32,bytes) answers the same salt.
    let mut q = selector("initSalt(bytes32,bytes)").to_vec();
    q.extend_from_slice(salt.as_slice());
    q.extend_from_slice(&abi::u64_word(64).0);
    q.extend_from_slice(&abi::u64_word(ctor.len() as u64).0);
    q.extend_from_slice(&ctor);
    q.resize(4 + 96 + 32, 0);
    assert_eq!(
        ok(&chain.call(STYLUS_DEPLOYER, &q)).as_ref(),
        keccak256(&pre).as_slice()
    );
    // requiresActivation(address): false for the activated code, true for plain EVM code.
    let mut q = selector("requiresActivation(address)").to_vec();
    q.extend_from_slice(&abi::address_word(addr2).0);
    assert_eq!(ok(&chain.call(STYLUS_DEPLOYER, &q))[31], 0);
    let evm = chain.deploy(EVM_RET42);
    let mut q = selector("requiresActivation(address)").to_vec();
    q.extend_from_slice(&abi::address_word(evm).0);
    assert_eq!(ok(&chain.call(STYLUS_DEPLOYER, &q))[31], 1);
    // The same code is already activated: no second fee.
    let fee_after = chain.balance(NETWORK_FEE_ACCOUNT);
    assert_eq!(fee_after, fee);
    // A failing constructor: ContractInitializationError(address, bytes) with its revert data.
    let r = chain.call_value(
        STYLUS_DEPLOYER,
        &encode_deploy(&init_code, &[0xff], U256::ZERO, B256::ZERO),
        common::ether(1),
    );
    let out = reverted(&r);
    assert_eq!(
        &out[..4],
        &selector("ContractInitializationError(address,bytes)")
    );
    let failed = abi::address_arg(&out[4..], 0).unwrap();
    assert_eq!(failed, STYLUS_DEPLOYER.create(2));
    assert_eq!(abi::bytes_arg(&out[4..], 1).unwrap().as_ref(), &[0xff]);
    assert_eq!(out.len(), 4 + 4 * 32);
    // The refund is msg.value − dataFee − initValue: ether the deployer already held stays.
    chain.fund(STYLUS_DEPLOYER, U256::from(1_000));
    let before = chain.balance(DEV);
    let r = chain.call_value(
        STYLUS_DEPLOYER,
        &encode_deploy(&init_code, &ctor, U256::from(5), B256::ZERO),
        U256::from(12),
    );
    ok(&r);
    let gas_cost = U256::from(gas_used(&r)) * U256::from(BASEFEE);
    assert_eq!(before - chain.balance(DEV), gas_cost + U256::from(5));
    assert_eq!(chain.balance(STYLUS_DEPLOYER), U256::from(1_000));
    // msg.value below initValue with activation needed: Panic(0x11), like Solidity 0.8.
    let other = encode_program(&wat::parse_str(noop()).unwrap());
    let r = chain.call_value(
        STYLUS_DEPLOYER,
        &encode_deploy(&deploy_init_code(&other), &[1], U256::from(2), B256::ZERO),
        U256::from(1),
    );
    assert_eq!(
        reverted(&r),
        abi::encode_error("Panic(uint256)", &[abi::u64_word(0x11)])
    );
    // initValue without initData.
    let r = chain.call_value(
        STYLUS_DEPLOYER,
        &encode_deploy(&init_code, &[], U256::from(1), B256::repeat_byte(4)),
        common::ether(1),
    );
    assert_eq!(&reverted(&r)[..], &selector("InitValueButNotInitData()"));
}

#[test]
fn state_changing_system_methods_are_refused_in_static_calls() {
    let mut chain = Chain::new();
    let p = chain.deploy_wasm(&wat::parse_str(noop()).unwrap());
    // A Stylus program static-calls ArbWasm.activateProgram: the call fails and nothing is recorded.
    let imports = [
        io(),
        hook(
            "static_call_contract",
            "(param i32 i32 i32 i64 i32) (result i32)",
        ),
    ]
    .join("\n");
    let caller = chain.program(&prog(
        &imports,
        r#"i32.const 0 call $read_args
        (i32.store8 (i32.const 4095) (call $static_call_contract (i32.const 0) (i32.const 20) (i32.sub (local.get $len) (i32.const 20)) (i64.const 5000000) (i32.const 4000)))
        (call $write_result (i32.const 4095) (i32.const 1))
        i32.const 0"#,
    ));
    let mut data = ARB_WASM.to_vec();
    data.extend_from_slice(&selector("activateProgram(address)"));
    data.extend_from_slice(p.into_word().as_slice());
    assert_eq!(ok(&chain.call(caller, &data)).as_ref(), &[2]);
    let codehash = keccak256(chain.code(p));
    assert_eq!(
        &reverted(&codehash_version(&mut chain, codehash))[..],
        &err_sel("ProgramNotActivated()")
    );
    // View methods work in a static call.
    let mut data = ARB_WASM.to_vec();
    data.extend_from_slice(&selector("stylusVersion()"));
    assert_eq!(ok(&chain.call(caller, &data)).as_ref(), &[0]);
}

fn advance_days(chain: &mut Chain, days: u64) {
    use revm::handler::ExecuteEvm;
    let mut block = chain.evm.inner.ctx.block.clone();
    block.timestamp += U256::from(days * 24 * 3600);
    block.number += U256::from(1);
    chain.evm.set_block(block);
}

#[test]
fn keepalive_and_expiry() {
    let mut chain = Chain::new();
    let p = chain.program(&noop());
    let codehash = keccak256(chain.code(p));
    // After 31 days a keepalive is allowed and restarts the clock.
    advance_days(&mut chain, 40);
    assert!(chain
        .call(ARB_WASM, &with_word("codehashKeepalive(bytes32)", codehash))
        .is_success());
    let left = abi::uint_arg(
        &ok(&chain.call(
            ARB_WASM,
            &with_word("programTimeLeft(address)", p.into_word()),
        )),
        0,
    )
    .unwrap();
    assert_eq!(left, U256::from(365 * 24 * 3600));
    // 366 days later the program has expired: calls fail with all gas, queries say ProgramExpired.
    advance_days(&mut chain, 366);
    let out = reverted(&codehash_version(&mut chain, codehash));
    assert_eq!(&out[..4], &err_sel("ProgramExpired(uint64)"));
    assert_eq!(
        abi::uint_arg(&out[4..], 0).unwrap(),
        U256::from(366 * 24 * 3600)
    );
    let r = chain.send(DEV, TxKind::Call(p), Bytes::new(), U256::ZERO, 300_000);
    assert!(matches!(r, ExecutionResult::Halt { .. }));
    assert_eq!(gas_used(&r), 300_000);
    // An expired program can be activated again.
    assert!(chain.activate(p).is_success());
    assert!(chain.call(p, &[]).is_success());
}
