//! Ink metering: exact figures for small programs, hostio prices, out-of-ink and out-of-stack.

mod common;

use common::*;
use revm::context::result::{ExecutionResult, HaltReason, OutOfGasError};
use revm::primitives::{Address, TxKind, U256};
use stylus_vm::abi::{self, selector};
use stylus_vm::params::ARB_WASM;
use stylus_vm::pricing::{memory_exp, memory_gas_cost};

fn init_and_cached_gas(chain: &mut Chain, p: Address) -> u64 {
    let mut d = selector("programInitGas(address)").to_vec();
    d.extend_from_slice(p.into_word().as_slice());
    let out = ok(&chain.call(ARB_WASM, &d));
    let init: u64 = abi::uint_arg(&out, 0).unwrap().to();
    let cached: u64 = abi::uint_arg(&out, 1).unwrap().to();
    init + cached
}

#[test]
fn minimal_program_costs_one_gas_of_ink() {
    // One basic block: header 2450 + i32.const 1 + end 1 = 2452 ink → 1 gas (ink is floored).
    let mut chain = Chain::new();
    let p = chain.program(&prog("", "i32.const 0"));
    let call_cost = init_and_cached_gas(&mut chain, p);
    let r = chain.call(p, &[]);
    assert_eq!(gas_used(&r), 21_000 + call_cost + 1);
}

#[test]
fn hostio_and_block_ink_add_up() {
    // Blocks: [i32.const, call] = 2450+1+3800; [i32.const, end] = 2450+2; read_args(0) =
    // 8400 + write_price(0) 5040. Total 22,143 ink → 3 gas.
    let mut chain = Chain::new();
    let p = chain.program(&prog(&io(), "i32.const 0 call $read_args i32.const 0"));
    let call_cost = init_and_cached_gas(&mut chain, p);
    assert_eq!(gas_used(&chain.call(p, &[])), 21_000 + call_cost + 3);
}

#[test]
fn loop_blocks_are_charged_every_iteration() {
    // Each iteration runs one block: loop(1)… the block ending at br_if:
    // local.get 75, i32.const 1, i32.sub 70, local.tee 75, br_if 765 + header 2450 = 3436.
    let mut chain = Chain::new();
    let body = |n: u32| {
        prog("", &format!(
            "(local.set $a (i32.const {n})) (loop $l (br_if $l (local.tee $a (i32.sub (local.get $a) (i32.const 1))))) i32.const 0"
        ))
    };
    let p10 = chain.program(&body(10));
    let p1010 = chain.program(&body(1010));
    let g10 = gas_used(&chain.call(p10, &[])) - init_and_cached_gas(&mut chain, p10);
    let g1010 = gas_used(&chain.call(p1010, &[])) - init_and_cached_gas(&mut chain, p1010);
    // 1000 extra iterations × 3436 ink = 343.6 gas.
    assert!((g1010 - g10).abs_diff(344) <= 1, "{g10} {g1010}");
}

#[test]
fn infinite_loop_runs_out_of_ink() {
    let mut chain = Chain::new();
    let p = chain.program(&prog("", "(loop $l (br $l)) i32.const 0"));
    let r = chain.send(
        DEV,
        TxKind::Call(p),
        Default::default(),
        U256::ZERO,
        200_000,
    );
    assert!(
        matches!(
            r,
            ExecutionResult::Halt {
                reason: HaltReason::OutOfGas(OutOfGasError::Basic),
                ..
            }
        ),
        "{r:?}"
    );
    assert_eq!(gas_used(&r), 200_000);
}

#[test]
fn unbounded_recursion_runs_out_of_stack() {
    let mut chain = Chain::new();
    let src = r#"(module
      (memory (export "memory") 1 1)
      (func $f (param i32) (result i32) (call $f (local.get 0)))
      (func (export "user_entrypoint") (param i32) (result i32) (call $f (local.get 0))))"#;
    let p = chain.program(src);
    let r = chain.send(
        DEV,
        TxKind::Call(p),
        Default::default(),
        U256::ZERO,
        29_000_000,
    );
    assert!(matches!(r, ExecutionResult::Halt { .. }), "{r:?}");
    assert_eq!(gas_used(&r), 29_000_000, "out of stack takes all gas");
}

#[test]
fn memory_fill_costs_100_ink_per_byte() {
    let mut chain = Chain::new();
    let f = |n: u32| {
        prog(
            "",
            &format!("(memory.fill (i32.const 0) (i32.const 7) (i32.const {n})) i32.const 0"),
        )
    };
    let a = chain.program(&f(0));
    let b = chain.program(&f(10_000));
    let ga = gas_used(&chain.call(a, &[])) - init_and_cached_gas(&mut chain, a);
    let gb = gas_used(&chain.call(b, &[])) - init_and_cached_gas(&mut chain, b);
    assert!((gb - ga).abs_diff(100) <= 1, "{ga} {gb}");
}

#[test]
fn memory_model_table_matches_nitro() {
    assert_eq!(memory_exp(0), 1);
    assert_eq!(memory_exp(6), 2);
    assert_eq!(memory_exp(36), 128);
    assert_eq!(memory_exp(128), 31_873_999);
    assert_eq!(memory_exp(129), u64::MAX);
    // Opening 128 pages in any step size costs the same total (Nitro's model test).
    for jump in [1u16, 3, 7, 64, 128] {
        let (mut total, mut pages) = (0u64, 0u16);
        while pages < 128 {
            let j = jump.min(128 - pages);
            total += memory_gas_cost(j, pages, pages, 2, 1000);
            pages += j;
        }
        assert_eq!(total, 31_999_998, "jump {jump}");
    }
}

#[test]
fn storage_hostio_gas() {
    // A cold SLOAD through the cache costs 2100 + 5 (evm api) gas; a cached write flushed to a
    // fresh slot costs 20,000 + 2,100 (cold).
    let mut chain = Chain::new();
    let imports = [
        io(),
        hook("storage_load_bytes32", "(param i32 i32)"),
        hook("storage_cache_bytes32", "(param i32 i32)"),
        hook("storage_flush_cache", "(param i32)"),
    ]
    .join("\n");
    let load = chain.program(&prog(
        &imports,
        "(call $storage_load_bytes32 (i32.const 0) (i32.const 32)) i32.const 0",
    ));
    let store = chain.program(&prog(&imports, "(i32.store8 (i32.const 63) (i32.const 1)) (call $storage_cache_bytes32 (i32.const 0) (i32.const 32)) (call $storage_flush_cache (i32.const 0)) i32.const 0"));
    let base = chain.program(&prog(&imports, "i32.const 0"));
    let g = |chain: &mut Chain, p: Address| {
        gas_used(&chain.call(p, &[])) - init_and_cached_gas(chain, p)
    };
    let gb = g(&mut chain, base);
    let gl = g(&mut chain, load);
    let gs = g(&mut chain, store);
    // load: 2105 gas + hostio 18480 ink + block/ops ink (< 1 gas); tolerate ink rounding.
    assert!((gl - gb).abs_diff(2105 + 2) <= 2, "load {gl} base {gb}");
    assert!((gs - gb).abs_diff(22_100 + 10) <= 3, "store {gs} base {gb}");
}

#[test]
fn branching_to_the_function_label_restores_the_stack_budget() {
    // $f leaves through `br 0` at its top level (an implicit return). 100,000 calls of a
    // 5-word frame exceed the 262,144-word budget unless every exit gives the words back.
    let mut chain = Chain::new();
    let src = r#"(module
      (memory (export "memory") 1 1)
      (func $f (param i32) (result i32) (local.get 0) (br 0))
      (func (export "user_entrypoint") (param $len i32) (result i32) (local $i i32)
        (local.set $i (i32.const 100000))
        (loop $l
          (local.set $i (i32.sub (call $f (local.get $i)) (i32.const 1)))
          (br_if $l (local.get $i)))
        i32.const 0))"#;
    let p = chain.program(src);
    let r = chain.send(
        DEV,
        TxKind::Call(p),
        Default::default(),
        U256::ZERO,
        29_000_000,
    );
    assert!(r.is_success(), "{r:?}");
}
