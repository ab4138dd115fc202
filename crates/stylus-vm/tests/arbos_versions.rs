//! The ArbOS versions the runtime models (issue 19, item 1): 40, 50, 51 (the default, what
//! Arbitrum One runs), 59 and 60, each rule that differs checked on every version.

mod common;

use common::*;
use revm::context::result::ExecutionResult;
use revm::primitives::{TxKind, U256};
use stylus_vm::abi::{self, selector};
use stylus_vm::params::{ARB_SYS, ARB_WASM, DEFAULT_ARBOS_VERSION, SUPPORTED_ARBOS_VERSIONS};
use stylus_vm::StylusParams;

fn chain(version: u64) -> Chain {
    Chain::with_params(StylusParams::for_arbos(version).expect("supported"))
}

fn word(chain: &mut Chain, to: revm::primitives::Address, sig: &str) -> U256 {
    abi::uint_arg(&ok(&chain.call(to, &selector(sig))), 0).expect("word")
}

#[test]
fn versions_and_their_parameters() {
    assert_eq!(DEFAULT_ARBOS_VERSION, 51);
    assert_eq!(
        StylusParams::default(),
        StylusParams::for_arbos(51).unwrap()
    );
    assert!(StylusParams::for_arbos(41).is_none());
    assert!(StylusParams::for_arbos(61).is_none());
    // (ArbOS, Stylus version, max stack depth, min init gas, max wasm KiB)
    let table = [
        (40, 2, 262_144, 69 * 128, 128),
        (50, 2, 22_000, 69 * 128, 128),
        (51, 2, 22_000, 69 * 128, 128),
        (59, 3, 22_000, 72 * 128, 128),
        (60, 3, 22_000, 72 * 128, 256),
    ];
    assert_eq!(
        table.map(|t| t.0).to_vec(),
        SUPPORTED_ARBOS_VERSIONS.to_vec()
    );
    for (arbos, stylus, depth, init, wasm_kib) in table {
        let mut c = chain(arbos);
        assert_eq!(
            word(&mut c, ARB_SYS, "arbOSVersion()"),
            U256::from(55 + arbos)
        );
        assert_eq!(
            word(&mut c, ARB_WASM, "stylusVersion()"),
            U256::from(stylus)
        );
        assert_eq!(word(&mut c, ARB_WASM, "maxStackDepth()"), U256::from(depth));
        assert_eq!(word(&mut c, ARB_WASM, "minInitGas()"), U256::from(init));
        assert_eq!(c.runtime.params.max_wasm_size, wasm_kib * 1024);
        // The activation-gas parameter exists from ArbOS 59.
        let r = c.call(ARB_WASM, &selector("activationGas()"));
        assert_eq!(r.is_success(), arbos >= 59, "ArbOS {arbos}: {r:?}");
    }
}

#[test]
fn multi_value_is_rejected_from_stylus_v3() {
    let src = prog(
        "",
        "(drop (drop (call $pair))) i32.const 0) (func $pair (result i32 i32) i32.const 1 i32.const 2",
    );
    for arbos in SUPPORTED_ARBOS_VERSIONS {
        let mut c = chain(arbos);
        let p = c.deploy_wasm(&wat::parse_str(&src).expect("wat"));
        let r = c.activate(p);
        assert_eq!(r.is_success(), arbos < 59, "ArbOS {arbos}: {r:?}");
        if arbos < 59 {
            assert!(c.call(p, &[]).is_success());
        }
    }
}

#[test]
fn min_init_gas_of_stylus_v3_costs_three_units_more_per_call() {
    let gas = |arbos: u64| {
        let mut c = chain(arbos);
        let p = c.program(&prog("", "i32.const 0"));
        gas_used(&c.call(p, &[]))
    };
    let v2 = gas(51);
    assert_eq!(gas(50), v2);
    assert_eq!(gas(59), v2 + 3 * 128);
}

#[test]
fn the_stack_depth_cap_of_arbos_50_stops_recursion_earlier() {
    // Recurses `calldata[0]` × 256 levels deep.
    let src = r#"(module
      (import "vm_hooks" "read_args" (func $read_args (param i32)))
      (memory (export "memory") 1 1)
      (func $f (param i32) (result i32)
        (if (result i32) (i32.eqz (local.get 0))
          (then (i32.const 0))
          (else (call $f (i32.sub (local.get 0) (i32.const 1))))))
      (func (export "user_entrypoint") (param i32) (result i32)
        (call $read_args (i32.const 0))
        (call $f (i32.mul (i32.load8_u (i32.const 0)) (i32.const 256)))))"#;
    let depth_ok = |arbos: u64, levels: u8| {
        let mut c = chain(arbos);
        let p = c.program(src);
        let r = c.send(
            DEV,
            TxKind::Call(p),
            vec![levels].into(),
            U256::ZERO,
            29_000_000,
        );
        match r {
            ExecutionResult::Success { .. } => true,
            ExecutionResult::Halt { .. } => false,
            other => panic!("ArbOS {arbos}: {other:?}"),
        }
    };
    // 25,600 levels fit 262,144 words (ArbOS 40) but not 22,000 (ArbOS 50 and later).
    assert!(depth_ok(40, 100));
    for arbos in [50, 51, 59, 60] {
        assert!(!depth_ok(arbos, 100), "ArbOS {arbos}");
        assert!(depth_ok(arbos, 4), "ArbOS {arbos}: 1,024 levels fit");
    }
}

#[test]
fn fragments_are_deployable_from_arbos_60_only() {
    for arbos in SUPPORTED_ARBOS_VERSIONS {
        let mut c = chain(arbos);
        let r = c.deploy_code(&[0xEF, 0xF0, 0x01, 0xAA]);
        assert_eq!(r.is_success(), arbos >= 60, "ArbOS {arbos}: {r:?}");
    }
}

#[test]
fn the_activation_gas_parameter_is_burnt_from_arbos_59() {
    let wasm = wat::parse_str(prog("", "i32.const 0")).expect("wat");
    for arbos in SUPPORTED_ARBOS_VERSIONS {
        let activation = |activation_gas: u64| {
            let mut params = StylusParams::for_arbos(arbos).expect("supported");
            params.activation_gas = activation_gas;
            let mut c = Chain::with_params(params);
            let p = c.deploy_wasm(&wasm);
            let r = c.activate(p);
            assert!(r.is_success(), "ArbOS {arbos}: {r:?}");
            let getter = c.call(ARB_WASM, &selector("activationGas()"));
            if arbos >= 59 {
                assert_eq!(
                    abi::uint_arg(&ok(&getter), 0).ok(),
                    Some(U256::from(activation_gas))
                );
            } else {
                assert!(!getter.is_success(), "no such method before ArbOS 59");
            }
            gas_used(&r)
        };
        let extra = activation(250_000) - activation(0);
        assert_eq!(
            extra,
            if arbos >= 59 { 250_000 } else { 0 },
            "ArbOS {arbos}"
        );
    }
}

#[test]
fn out_of_gas_in_a_storage_flush_is_a_failure_on_arbos_40_and_out_of_ink_from_50() {
    let imports = [
        hook("storage_cache_bytes32", "(param i32 i32)"),
        hook("storage_flush_cache", "(param i32)"),
    ]
    .join("\n");
    let src = prog(
        &imports,
        "(i32.store8 (i32.const 63) (i32.const 1)) \
         (call $storage_cache_bytes32 (i32.const 0) (i32.const 32)) \
         (call $storage_flush_cache (i32.const 0)) i32.const 0",
    );
    // Enough to start the program, not for the 22,100 gas of a fresh cold SSTORE.
    let limit = 21_000 + 30_000;
    for arbos in SUPPORTED_ARBOS_VERSIONS {
        let mut c = chain(arbos);
        let p = c.program(&src);
        let r = c.send(DEV, TxKind::Call(p), Default::default(), U256::ZERO, limit);
        let used = r.tx_gas_used();
        match r {
            // ArbOS 40: a failure — a revert without data (Nitro zeroes the gas left there too,
            // so it takes all the gas like out-of-ink, but the frame reverts instead of halting).
            ExecutionResult::Revert { output, .. } if arbos < 50 => {
                assert!(output.is_empty());
                assert_eq!(used, limit, "ArbOS {arbos}");
            }
            // ArbOS 50 and later: out of ink, all gas.
            ExecutionResult::Halt { .. } if arbos >= 50 => {
                assert_eq!(used, limit, "ArbOS {arbos}")
            }
            other => panic!("ArbOS {arbos}: {other:?}"),
        }
        // With gas for the store it succeeds everywhere.
        let r = c.send(
            DEV,
            TxKind::Call(p),
            Default::default(),
            U256::ZERO,
            200_000,
        );
        assert!(r.is_success(), "ArbOS {arbos}: {r:?}");
    }
}
