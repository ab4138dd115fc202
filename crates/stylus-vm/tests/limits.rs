//! Resource bounds of the runtime under hostile programs (issue 19, item 5): console output is
//! charged, bounds-checked before any allocation and kept in a bounded buffer; compiled
//! modules live in a cache bounded by size (least recently used first out), and the wasmi
//! engine is replaced once enough code was compiled into it.

mod common;

use common::*;
use revm::context::result::ExecutionResult;
use stylus_vm::code::encode_program;
use stylus_vm::runtime::{CONSOLE_BYTES, CONSOLE_LINE_BYTES};
use stylus_vm::{Runtime, StylusParams};

/// Calls `log_txt(ptr = 0, len = calldata[0..4] as little-endian u32)` `calldata[4]` times.
fn logger() -> String {
    r#"(module
      (import "vm_hooks" "read_args" (func $read_args (param i32)))
      (import "console" "log_txt" (func $txt (param i32 i32)))
      (memory (export "memory") 1 1)
      (func (export "user_entrypoint") (param $len i32) (result i32)
        (local $n i32)
        (call $read_args (i32.const 0))
        (local.set $n (i32.load8_u (i32.const 4)))
        (block $done (loop $again
          (br_if $done (i32.eqz (local.get $n)))
          (call $txt (i32.const 0) (i32.load (i32.const 0)))
          (local.set $n (i32.sub (local.get $n) (i32.const 1)))
          (br $again)))
        i32.const 0))"#
        .to_string()
}

fn args(len: u32, times: u8) -> Vec<u8> {
    let mut v = len.to_le_bytes().to_vec();
    v.push(times);
    v
}

#[test]
fn log_txt_is_charged_bounds_checked_and_buffered_within_a_limit() {
    let mut chain = Chain::new();
    let p = chain.program(&logger());
    // Charged: logging 4 KiB costs more gas than logging nothing.
    let quiet = gas_used(&chain.call(p, &args(0, 1)));
    let loud = gas_used(&chain.call(p, &args(4096, 1)));
    assert!(
        loud > quiet + 20,
        "log_txt of 4 KiB is charged: {loud} vs {quiet}"
    );
    // A length past the memory fails the program before allocating anything (4 GiB here).
    let r = chain.call(p, &args(u32::MAX, 1));
    assert!(matches!(r, ExecutionResult::Revert { .. }), "{r:?}");
    assert!(reverted(&r).is_empty());
    // 200 lines of a whole page: the buffer keeps the newest lines within its limit.
    chain.runtime.take_console();
    assert!(chain.call(p, &args(65_536, 200)).is_success());
    assert!(chain.runtime.console_bytes() <= CONSOLE_BYTES);
    let lines = chain.runtime.take_console();
    assert!(!lines.is_empty());
    assert!(lines.iter().all(|l| l.len() <= CONSOLE_LINE_BYTES));
    assert_eq!(chain.runtime.console_bytes(), 0);
}

/// A distinct valid program per `n` (the constant changes the code hash).
fn numbered(n: u32) -> Vec<u8> {
    let src = prog("", &format!("i32.const {n} drop i32.const 0"));
    encode_program(&wat::parse_str(src).expect("wat"))
}

#[test]
fn the_module_cache_is_bounded_by_size_and_evicts_the_least_recently_used() {
    let size = {
        let probe = Runtime::new(StylusParams::default());
        let code = numbered(0);
        probe
            .compile(revm::primitives::keccak256(&code), &code, 0)
            .expect("compiles")
            .size
    };
    // Room for three programs.
    let runtime = Runtime::with_cache_limit(StylusParams::default(), 3 * size + size / 2);
    let mut chain = Chain::with_runtime(runtime.clone());
    let programs: Vec<_> = (0..3)
        .map(|n| chain.deploy(&numbered(n)))
        .collect::<Vec<_>>();
    for p in &programs {
        assert!(chain.activate(*p).is_success());
    }
    let stats = runtime.cache_stats();
    assert_eq!((stats.programs, stats.generations), (3, 1));
    // Use program 0 again, then bring in program 3: program 1 (least recently used) goes.
    assert!(chain.call(programs[0], &[]).is_success());
    let p3 = chain.deploy(&numbered(3));
    assert!(chain.activate(p3).is_success());
    let stats = runtime.cache_stats();
    assert_eq!(stats.programs, 3);
    assert!(stats.bytes <= 3 * size + size / 2);
    let hash = |n: u32| revm::primitives::keccak256(numbered(n));
    assert!(runtime.is_cached(&hash(0)) && runtime.is_cached(&hash(2)));
    assert!(runtime.is_cached(&hash(3)));
    assert!(
        !runtime.is_cached(&hash(1)),
        "the least recently used program left"
    );
    // Evicted programs still run (compiled again on demand) and give the same results.
    for p in programs.iter().chain([&p3]) {
        assert!(chain.call(*p, &[]).is_success());
    }
    // After twice the limit compiled into one engine, a fresh engine replaces it.
    for n in 4..12 {
        let p = chain.deploy(&numbered(n));
        assert!(chain.activate(p).is_success());
        assert!(chain.call(p, &[]).is_success());
        assert!(runtime.cache_stats().bytes <= 3 * size + size / 2);
    }
    assert!(runtime.cache_stats().generations >= 2);
    for p in programs.iter().chain([&p3]) {
        assert!(
            chain.call(*p, &[]).is_success(),
            "runs after the engine change"
        );
    }
}

#[test]
fn a_deadline_stops_a_long_wasm_run_between_fuel_slices() {
    use std::time::{Duration, Instant};
    let mut chain = Chain::new();
    let p = chain.program(&prog("", "(loop $spin (br $spin)) i32.const 0"));
    // Without a deadline this loop runs until its 30M gas of ink are gone: about four minutes
    // in a debug build. With a deadline 100 ms away it stops at the next fuel check.
    chain.evm.deadline = Some(Instant::now() + Duration::from_millis(100));
    let started = Instant::now();
    let r = chain.call(p, &[]);
    assert!(chain.evm.timed_out, "the run noticed its deadline");
    assert!(!r.is_success());
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "stopped early: {:?}",
        started.elapsed()
    );
    // Nothing carries over to a run without a deadline.
    chain.evm.deadline = None;
    chain.evm.timed_out = false;
    let quick = chain.program(&prog("", "i32.const 0"));
    assert!(chain.call(quick, &[]).is_success());
    assert!(!chain.evm.timed_out);
}
