//! The host imports a Stylus program may link against, with their exact wasm signatures.

/// A wasm value type as it appears in a host import signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    /// i32 (also pointers, bools and u16).
    I32,
    /// i64.
    I64,
    /// f32 (console hooks only).
    F32,
    /// f64 (console hooks only).
    F64,
}

use Ty::{F32, F64, I32, I64};

/// Every host function the runtime provides.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum Hook {
    ReadArgs,
    WriteResult,
    ExitEarly,
    StorageLoadBytes32,
    StorageCacheBytes32,
    StorageFlushCache,
    TransientLoadBytes32,
    TransientStoreBytes32,
    CallContract,
    DelegateCallContract,
    StaticCallContract,
    Create1,
    Create2,
    ReadReturnData,
    ReturnDataSize,
    EmitLog,
    AccountBalance,
    AccountCode,
    AccountCodeSize,
    AccountCodehash,
    EvmGasLeft,
    EvmInkLeft,
    BlockBasefee,
    Chainid,
    BlockCoinbase,
    BlockGasLimit,
    BlockNumber,
    BlockTimestamp,
    ContractAddress,
    MathDiv,
    MathMod,
    MathPow,
    MathAddMod,
    MathMulMod,
    MsgReentrant,
    MsgSender,
    MsgValue,
    TxGasPrice,
    TxInkPrice,
    TxOrigin,
    PayForMemoryGrow,
    NativeKeccak256,
    LogTxt,
    LogI32,
    LogI64,
    LogF32,
    LogF64,
    TeeI32,
    TeeI64,
    TeeF32,
    TeeF64,
    NullHost,
    StartBenchmark,
    EndBenchmark,
}

/// One row of the import table.
#[derive(Clone, Copy, Debug)]
pub struct HookSpec {
    /// Import module ("vm_hooks", "console" or "debug").
    pub module: &'static str,
    /// Import name.
    pub name: &'static str,
    /// The hook.
    pub hook: Hook,
    /// Parameter types.
    pub params: &'static [Ty],
    /// Result types.
    pub results: &'static [Ty],
}

impl HookSpec {
    /// True for imports only debug chains allow (`console`, `debug`).
    pub fn debug_only(&self) -> bool {
        self.module != "vm_hooks"
    }
}

macro_rules! spec {
    ($m:literal, $n:literal, $h:ident, [$($p:ident),*], [$($r:ident),*]) => {
        HookSpec { module: $m, name: $n, hook: Hook::$h, params: &[$($p),*], results: &[$($r),*] }
    };
}

/// The 42 `vm_hooks`, then the debug-only `console` and `debug` imports.
pub const HOOKS: &[HookSpec] = &[
    spec!("vm_hooks", "read_args", ReadArgs, [I32], []),
    spec!("vm_hooks", "write_result", WriteResult, [I32, I32], []),
    spec!("vm_hooks", "exit_early", ExitEarly, [I32], []),
    spec!(
        "vm_hooks",
        "storage_load_bytes32",
        StorageLoadBytes32,
        [I32, I32],
        []
    ),
    spec!(
        "vm_hooks",
        "storage_cache_bytes32",
        StorageCacheBytes32,
        [I32, I32],
        []
    ),
    spec!(
        "vm_hooks",
        "storage_flush_cache",
        StorageFlushCache,
        [I32],
        []
    ),
    spec!(
        "vm_hooks",
        "transient_load_bytes32",
        TransientLoadBytes32,
        [I32, I32],
        []
    ),
    spec!(
        "vm_hooks",
        "transient_store_bytes32",
        TransientStoreBytes32,
        [I32, I32],
        []
    ),
    spec!(
        "vm_hooks",
        "call_contract",
        CallContract,
        [I32, I32, I32, I32, I64, I32],
        [I32]
    ),
    spec!(
        "vm_hooks",
        "delegate_call_contract",
        DelegateCallContract,
        [I32, I32, I32, I64, I32],
        [I32]
    ),
    spec!(
        "vm_hooks",
        "static_call_contract",
        StaticCallContract,
        [I32, I32, I32, I64, I32],
        [I32]
    ),
    spec!(
        "vm_hooks",
        "create1",
        Create1,
        [I32, I32, I32, I32, I32],
        []
    ),
    spec!(
        "vm_hooks",
        "create2",
        Create2,
        [I32, I32, I32, I32, I32, I32],
        []
    ),
    spec!(
        "vm_hooks",
        "read_return_data",
        ReadReturnData,
        [I32, I32, I32],
        [I32]
    ),
    spec!("vm_hooks", "return_data_size", ReturnDataSize, [], [I32]),
    spec!("vm_hooks", "emit_log", EmitLog, [I32, I32, I32], []),
    spec!(
        "vm_hooks",
        "account_balance",
        AccountBalance,
        [I32, I32],
        []
    ),
    spec!(
        "vm_hooks",
        "account_code",
        AccountCode,
        [I32, I32, I32, I32],
        [I32]
    ),
    spec!(
        "vm_hooks",
        "account_code_size",
        AccountCodeSize,
        [I32],
        [I32]
    ),
    spec!(
        "vm_hooks",
        "account_codehash",
        AccountCodehash,
        [I32, I32],
        []
    ),
    spec!("vm_hooks", "evm_gas_left", EvmGasLeft, [], [I64]),
    spec!("vm_hooks", "evm_ink_left", EvmInkLeft, [], [I64]),
    spec!("vm_hooks", "block_basefee", BlockBasefee, [I32], []),
    spec!("vm_hooks", "chainid", Chainid, [], [I64]),
    spec!("vm_hooks", "block_coinbase", BlockCoinbase, [I32], []),
    spec!("vm_hooks", "block_gas_limit", BlockGasLimit, [], [I64]),
    spec!("vm_hooks", "block_number", BlockNumber, [], [I64]),
    spec!("vm_hooks", "block_timestamp", BlockTimestamp, [], [I64]),
    spec!("vm_hooks", "contract_address", ContractAddress, [I32], []),
    spec!("vm_hooks", "math_div", MathDiv, [I32, I32], []),
    spec!("vm_hooks", "math_mod", MathMod, [I32, I32], []),
    spec!("vm_hooks", "math_pow", MathPow, [I32, I32], []),
    spec!("vm_hooks", "math_add_mod", MathAddMod, [I32, I32, I32], []),
    spec!("vm_hooks", "math_mul_mod", MathMulMod, [I32, I32, I32], []),
    spec!("vm_hooks", "msg_reentrant", MsgReentrant, [], [I32]),
    spec!("vm_hooks", "msg_sender", MsgSender, [I32], []),
    spec!("vm_hooks", "msg_value", MsgValue, [I32], []),
    spec!("vm_hooks", "tx_gas_price", TxGasPrice, [I32], []),
    spec!("vm_hooks", "tx_ink_price", TxInkPrice, [], [I32]),
    spec!("vm_hooks", "tx_origin", TxOrigin, [I32], []),
    spec!(
        "vm_hooks",
        "pay_for_memory_grow",
        PayForMemoryGrow,
        [I32],
        []
    ),
    spec!(
        "vm_hooks",
        "native_keccak256",
        NativeKeccak256,
        [I32, I32, I32],
        []
    ),
    spec!("console", "log_txt", LogTxt, [I32, I32], []),
    spec!("console", "log_i32", LogI32, [I32], []),
    spec!("console", "log_i64", LogI64, [I64], []),
    spec!("console", "log_f32", LogF32, [F32], []),
    spec!("console", "log_f64", LogF64, [F64], []),
    spec!("console", "tee_i32", TeeI32, [I32], [I32]),
    spec!("console", "tee_i64", TeeI64, [I64], [I64]),
    spec!("console", "tee_f32", TeeF32, [F32], [F32]),
    spec!("console", "tee_f64", TeeF64, [F64], [F64]),
    spec!("debug", "null_host", NullHost, [], []),
    spec!("debug", "start_benchmark", StartBenchmark, [], []),
    spec!("debug", "end_benchmark", EndBenchmark, [], []),
];

/// Number of `vm_hooks` imports Nitro provides.
pub const VM_HOOK_COUNT: usize = 42;

/// Looks up an import by module and name.
pub fn find(module: &str, name: &str) -> Option<&'static HookSpec> {
    HOOKS.iter().find(|h| h.module == module && h.name == name)
}
