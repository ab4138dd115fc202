//! Hostio records in the form of Nitro's `stylusTracer`, the input of `cargo stylus trace`.
//!
//! Each record is `{name, args, outs, startInk, endInk}` plus `{address, steps}` for calls.
//! `args`/`outs` are the hostio's inputs and outputs as bytes, numbers big-endian, in the
//! order cargo-stylus 0.10.10 (`stylus-tools` `core/tracing/frame.rs`) parses them, e.g.
//! `call_contract`: args `address(20) ‖ gas(u64) ‖ value(32) ‖ calldata`, outs
//! `return_data_len(u32) ‖ status(u8)`. The program's run is framed by `user_entrypoint`
//! (args: calldata length, u32) and `user_returned` (outs: status, u32). A call, delegate call
//! or static call record carries the callee's address and its own records in `steps`; a
//! frame entered from EVM code is an `evm_call_contract` (…) record with empty bytes.

use revm::primitives::Address;
use wasmi::Val;

use crate::hooks::Hook;

/// One record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostioRecord {
    /// Hostio name (`storage_load_bytes32`, …, `evm_call_contract` for EVM-entered frames).
    pub name: String,
    /// Argument bytes.
    pub args: Vec<u8>,
    /// Output bytes.
    pub outs: Vec<u8>,
    /// Ink before the hostio.
    pub start_ink: u64,
    /// Ink after it.
    pub end_ink: u64,
    /// Callee of a call record.
    pub address: Option<Address>,
    /// The callee's records.
    pub steps: Option<Vec<HostioRecord>>,
}

/// The record name of a hook, or `None` for hooks Nitro does not trace (`debug.*`, the
/// numeric `console` printers).
pub fn record_name(hook: Hook) -> Option<&'static str> {
    match hook {
        Hook::LogTxt => Some("console_log_text"),
        Hook::LogI32
        | Hook::LogI64
        | Hook::LogF32
        | Hook::LogF64
        | Hook::TeeI32
        | Hook::TeeI64
        | Hook::TeeF32
        | Hook::TeeF64
        | Hook::NullHost
        | Hook::StartBenchmark
        | Hook::EndBenchmark => None,
        other => crate::hooks::HOOKS
            .iter()
            .find(|s| s.hook == other)
            .map(|s| s.name),
    }
}

/// Whether the hook's record takes over the nested frame's record (calls, not creates).
pub fn nests(hook: Hook) -> bool {
    matches!(
        hook,
        Hook::CallContract | Hook::DelegateCallContract | Hook::StaticCallContract
    )
}

/// Raw argument `i` as an unsigned integer.
pub fn arg_u64(args: &[Val], i: usize) -> u64 {
    match args.get(i) {
        Some(Val::I32(v)) => u64::from(*v as u32),
        Some(Val::I64(v)) => *v as u64,
        _ => 0,
    }
}

fn arg_u32(args: &[Val], i: usize) -> u32 {
    arg_u64(args, i) as u32
}

fn be32(v: u32) -> Vec<u8> {
    v.to_be_bytes().to_vec()
}

fn be64(v: u64) -> Vec<u8> {
    v.to_be_bytes().to_vec()
}

/// Reads `len` bytes of program memory at `ptr` (empty when out of bounds).
pub type Reader<'a> = &'a dyn Fn(u32, u32) -> Vec<u8>;

/// A little-endian u32 the program wrote at `ptr`, as big-endian bytes.
fn le_u32_at(read: Reader<'_>, ptr: u32) -> Vec<u8> {
    let b = read(ptr, 4);
    let v = b
        .get(..4)
        .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
        .unwrap_or(0);
    be32(v)
}

/// The argument bytes of a hostio, read before it runs (some hostios overwrite their inputs).
pub fn args_before(hook: Hook, a: &[Val], read: Reader<'_>) -> Vec<u8> {
    let p = |i| arg_u32(a, i);
    let cat = |parts: Vec<Vec<u8>>| parts.concat();
    match hook {
        Hook::WriteResult => read(p(0), p(1)),
        Hook::ExitEarly => be32(p(0)),
        Hook::StorageLoadBytes32 | Hook::TransientLoadBytes32 => read(p(0), 32),
        Hook::StorageCacheBytes32 | Hook::TransientStoreBytes32 => {
            cat(vec![read(p(0), 32), read(p(1), 32)])
        }
        Hook::StorageFlushCache => vec![p(0) as u8],
        Hook::CallContract => cat(vec![
            read(p(0), 20),
            be64(arg_u64(a, 4)),
            read(p(3), 32),
            read(p(1), p(2)),
        ]),
        Hook::DelegateCallContract | Hook::StaticCallContract => {
            cat(vec![read(p(0), 20), be64(arg_u64(a, 3)), read(p(1), p(2))])
        }
        Hook::Create1 => cat(vec![read(p(2), 32), read(p(0), p(1))]),
        Hook::Create2 => cat(vec![read(p(2), 32), read(p(3), 32), read(p(0), p(1))]),
        Hook::ReadReturnData => cat(vec![be32(p(1)), be32(p(2))]),
        Hook::EmitLog => cat(vec![be32(p(2)), read(p(0), p(1))]),
        Hook::AccountBalance | Hook::AccountCodeSize | Hook::AccountCodehash => read(p(0), 20),
        Hook::AccountCode => cat(vec![read(p(0), 20), be32(p(1)), be32(p(2))]),
        Hook::MathDiv | Hook::MathMod | Hook::MathPow => cat(vec![read(p(0), 32), read(p(1), 32)]),
        Hook::MathAddMod | Hook::MathMulMod => {
            cat(vec![read(p(0), 32), read(p(1), 32), read(p(2), 32)])
        }
        Hook::PayForMemoryGrow => (p(0) as u16).to_be_bytes().to_vec(),
        Hook::NativeKeccak256 | Hook::LogTxt => read(p(0), p(1)),
        _ => Vec::new(),
    }
}

/// The output bytes of a hostio, read after it ran. `results` are its wasm results and
/// `args_len` the frame's calldata length.
pub fn outs_after(
    hook: Hook,
    a: &[Val],
    results: &[Val],
    read: Reader<'_>,
    args_len: u32,
) -> Vec<u8> {
    let p = |i| arg_u32(a, i);
    let r32 = || arg_u32(results, 0);
    let r64 = || arg_u64(results, 0);
    match hook {
        Hook::ReadArgs => read(p(0), args_len),
        Hook::StorageLoadBytes32 | Hook::TransientLoadBytes32 => read(p(1), 32),
        Hook::CallContract => [le_u32_at(read, p(5)), vec![r32() as u8]].concat(),
        Hook::DelegateCallContract | Hook::StaticCallContract => {
            [le_u32_at(read, p(4)), vec![r32() as u8]].concat()
        }
        Hook::Create1 => [read(p(3), 20), le_u32_at(read, p(4))].concat(),
        Hook::Create2 => [read(p(4), 20), le_u32_at(read, p(5))].concat(),
        Hook::ReadReturnData => read(p(0), r32()),
        Hook::ReturnDataSize | Hook::AccountCodeSize | Hook::MsgReentrant | Hook::TxInkPrice => {
            be32(r32())
        }
        Hook::AccountBalance | Hook::AccountCodehash => read(p(1), 32),
        Hook::AccountCode => read(p(3), r32()),
        Hook::EvmGasLeft
        | Hook::EvmInkLeft
        | Hook::Chainid
        | Hook::BlockGasLimit
        | Hook::BlockNumber
        | Hook::BlockTimestamp => be64(r64()),
        Hook::BlockBasefee | Hook::MsgValue | Hook::TxGasPrice => read(p(0), 32),
        Hook::BlockCoinbase | Hook::ContractAddress | Hook::MsgSender | Hook::TxOrigin => {
            read(p(0), 20)
        }
        Hook::MathDiv | Hook::MathMod | Hook::MathPow | Hook::MathAddMod | Hook::MathMulMod => {
            read(p(0), 32)
        }
        Hook::NativeKeccak256 => read(p(2), 32),
        _ => Vec::new(),
    }
}
