//! Execution tracing for `debug_trace*`: what one transaction did, frame by frame.
//!
//! A [`Tracer`] placed in [`crate::StylusEvm::tracer`] records, as the transaction runs:
//!
//! - the **call tree** (geth's `callTracer`): every EVM, Stylus and system-contract frame with
//!   its kind, addresses, value, gas, input, output, error and logs ([`CallNode`]); each Stylus
//!   frame also carries its **gas split** ([`StylusGas`]): the entry charge (init or cached
//!   program cost, footprint pages), ink spent on wasm instructions, storage loads and stores
//!   (cold/warm), calls, logs, memory growth and the other hostios;
//! - the **hostio records** of Stylus frames (Nitro's `stylusTracer`, what `cargo stylus trace`
//!   reads, module [`hostio`]): name, argument and output bytes, ink before and after, and the
//!   steps of nested calls;
//! - the **opcode steps** of EVM frames (geth's struct logger, [`StepLog`]); a Stylus frame
//!   appears there as one step per hostio (op = the hostio's name, pc 0, gas from its ink).
//!
//! Recording costs nothing when no tracer is set. Every list is bounded ([`MAX_RECORDS`]).

pub mod hostio;

use revm::interpreter::InstructionResult;
use revm::primitives::{Address, Bytes, Log, B256, U256};

use crate::activation::Program;
use crate::hooks::Hook;
use crate::params::StylusParams;

/// Most hostio records or opcode steps one trace keeps; beyond it the trace is marked
/// [`Tracer::truncated`] (the node answers an error rather than a partial trace).
pub const MAX_RECORDS: usize = 1_000_000;

/// What to record.
#[derive(Clone, Copy, Debug, Default)]
pub struct TraceOptions {
    /// The call tree with Stylus gas splits.
    pub calls: bool,
    /// The hostio records of Stylus frames.
    pub hostios: bool,
    /// Opcode steps of EVM frames (and one step per hostio of Stylus frames).
    pub steps: Option<StepOptions>,
}

/// Options of the struct logger.
#[derive(Clone, Copy, Debug, Default)]
pub struct StepOptions {
    /// Record the stack at every step.
    pub stack: bool,
    /// Record the frame's memory at every step.
    pub memory: bool,
    /// Most steps kept (0: [`MAX_RECORDS`]).
    pub limit: usize,
}

/// Kind of a frame, as geth's `callTracer` names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallKind {
    /// CALL.
    Call,
    /// STATICCALL.
    StaticCall,
    /// DELEGATECALL.
    DelegateCall,
    /// CALLCODE.
    CallCode,
    /// CREATE.
    Create,
    /// CREATE2.
    Create2,
}

impl CallKind {
    /// geth's name of the kind (`"CALL"`, …).
    pub fn name(self) -> &'static str {
        match self {
            CallKind::Call => "CALL",
            CallKind::StaticCall => "STATICCALL",
            CallKind::DelegateCall => "DELEGATECALL",
            CallKind::CallCode => "CALLCODE",
            CallKind::Create => "CREATE",
            CallKind::Create2 => "CREATE2",
        }
    }
}

/// A log as the call tree shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceLog {
    /// Emitting contract.
    pub address: Address,
    /// Topics.
    pub topics: Vec<B256>,
    /// Data.
    pub data: Bytes,
    /// Number of the frame's sub-calls made before the log (geth's `position`).
    pub position: u64,
}

/// Hostio calls of one kind in a Stylus frame and the ink they took (the hostio's own ink
/// plus the EVM gas it bought, in ink).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HostioCost {
    /// Number of calls.
    pub count: u64,
    /// Ink taken.
    pub ink: u64,
}

/// Storage hostios of a Stylus frame.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StorageCost {
    /// Hostio calls (`storage_load_bytes32`, or `storage_cache_bytes32` + `storage_flush_cache`).
    pub count: u64,
    /// Ink taken by them.
    pub ink: u64,
    /// Slots read from / written to the EVM state that were cold (2,100 gas extra).
    pub cold: u64,
    /// Slots read from / written to the EVM state that were warm.
    pub warm: u64,
}

/// Where the gas of one Stylus frame went. Ink is 1/10,000 gas (`StylusParams::ink_price`).
///
/// `entry_gas + memory_entry_gas + ceil((ink_limit − ink_left) / ink_price) + return_data_gas`
/// is the frame's `gasUsed`, and `ink_limit − ink_left` is `compute_ink` plus the ink of every
/// hostio category.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StylusGas {
    /// Whether the program was cached (ArbWasmCache / CacheManager): the entry charge is then
    /// the cached cost instead of the init cost.
    pub cached: bool,
    /// The program's entry charge in gas: init cost (uncached) or cached cost.
    pub entry_gas: u64,
    /// Gas for the program's initial memory pages (its footprint) at entry.
    pub memory_entry_gas: u64,
    /// Ink per gas of the chain.
    pub ink_price: u64,
    /// Ink given to the wasm run (the frame's gas after the entry charges, in ink).
    pub ink_limit: u64,
    /// Ink left when the run ended.
    pub ink_left: u64,
    /// Ink of wasm instructions: everything outside hostios.
    pub compute_ink: u64,
    /// `storage_load_bytes32`.
    pub storage_loads: StorageCost,
    /// `storage_cache_bytes32` and `storage_flush_cache` (the EVM SSTOREs happen at the flush).
    pub storage_stores: StorageCost,
    /// `call_contract`, `delegate_call_contract`, `static_call_contract`, `create1`, `create2`,
    /// including the gas the callee used.
    pub calls: HostioCost,
    /// `emit_log`.
    pub logs: HostioCost,
    /// `pay_for_memory_grow` (memory grown beyond the footprint).
    pub memory_growth: HostioCost,
    /// Pages grown by `pay_for_memory_grow`.
    pub memory_growth_pages: u64,
    /// Every other hostio (`read_args`, `write_result`, `native_keccak256`, `msg_sender`, …).
    pub other_hostios: HostioCost,
    /// Gas charged after the run for the returned data's EVM memory cost (ArbOS ≥ 31), when
    /// it exceeds what the run left.
    pub return_data_gas: u64,
}

impl StylusGas {
    /// Ink spent by the wasm run.
    pub fn ink_used(&self) -> u64 {
        self.ink_limit.saturating_sub(self.ink_left)
    }

    fn hostio_ink(&self) -> u64 {
        [
            self.storage_loads.ink,
            self.storage_stores.ink,
            self.calls.ink,
            self.logs.ink,
            self.memory_growth.ink,
            self.other_hostios.ink,
        ]
        .iter()
        .fold(0u64, |a, b| a.saturating_add(*b))
    }
}

/// One frame of the call tree.
#[derive(Clone, Debug)]
pub struct CallNode {
    /// Frame kind.
    pub kind: CallKind,
    /// Caller.
    pub from: Address,
    /// Callee (the created address for creations, once known).
    pub to: Address,
    /// Value (`None` for STATICCALL).
    pub value: Option<U256>,
    /// Gas given to the frame.
    pub gas: u64,
    /// Gas the frame used.
    pub gas_used: u64,
    /// Calldata or init code.
    pub input: Bytes,
    /// Return or revert data (the deployed code for a successful creation, like geth).
    pub output: Bytes,
    /// geth's error text when the frame failed.
    pub error: Option<String>,
    /// The decoded `Error(string)` / `Panic(uint256)` reason of a revert.
    pub revert_reason: Option<String>,
    /// Sub-frames in order.
    pub calls: Vec<CallNode>,
    /// Logs emitted by this frame itself (cleared when it or a parent failed, like geth).
    pub logs: Vec<TraceLog>,
    /// The gas split, for Stylus frames.
    pub stylus: Option<StylusGas>,
}

/// One step of the struct logger.
#[derive(Clone, Debug)]
pub struct StepLog {
    /// Program counter (0 for Stylus hostio steps).
    pub pc: u64,
    /// Opcode name, or a hostio's name in a Stylus frame.
    pub op: String,
    /// Gas left before the step.
    pub gas: u64,
    /// Gas the step cost.
    pub gas_cost: u64,
    /// Call depth (1 = the transaction's frame).
    pub depth: u64,
    /// Stack, bottom first.
    pub stack: Option<Vec<U256>>,
    /// Memory.
    pub memory: Option<Bytes>,
    /// Error of the step, if it failed.
    pub error: Option<String>,
}

/// Collects a transaction's trace (see the module docs).
#[derive(Debug, Default)]
pub struct Tracer {
    options: TraceOptions,
    open: Vec<CallNode>,
    root: Option<CallNode>,
    logs_seen: usize,
    hostio_open: Vec<hostio::HostioRecord>,
    hostio_stack: Vec<(Vec<hostio::HostioRecord>, String, Address)>,
    steps: Vec<StepLog>,
    records: usize,
    truncated: bool,
}

impl Tracer {
    /// A tracer recording what `options` asks for.
    pub fn new(options: TraceOptions) -> Self {
        Self {
            options,
            ..Self::default()
        }
    }

    /// The options.
    pub fn options(&self) -> TraceOptions {
        self.options
    }

    /// Whether a list hit [`MAX_RECORDS`] (or the step limit was passed, for steps only the
    /// limit applies and this stays false).
    pub fn truncated(&self) -> bool {
        self.truncated
    }

    /// The call tree, hostio records and steps, taken out of the tracer.
    pub fn into_parts(self) -> (Option<CallNode>, Vec<hostio::HostioRecord>, Vec<StepLog>) {
        (self.root, self.hostio_open, self.steps)
    }

    /// The call tree (after the transaction ran).
    pub fn call_tree(&self) -> Option<&CallNode> {
        self.root.as_ref()
    }

    /// The top-level hostio records (after the transaction ran).
    pub fn hostios(&self) -> &[hostio::HostioRecord] {
        &self.hostio_open
    }

    /// The struct logger's steps.
    pub fn steps(&self) -> &[StepLog] {
        &self.steps
    }

    fn count_record(&mut self) -> bool {
        if self.records >= MAX_RECORDS {
            self.truncated = true;
            return false;
        }
        self.records += 1;
        true
    }

    /// Depth of the frame running now (1 = the transaction's frame).
    pub fn depth(&self) -> u64 {
        self.open.len() as u64
    }

    /// Attributes logs the journal gained since the last look to the frame running now.
    /// `logs` is the journal's whole list (a revert may have shortened it).
    pub fn sweep_logs(&mut self, logs: &[Log]) {
        if logs.len() < self.logs_seen {
            self.logs_seen = logs.len();
        }
        let new = &logs[self.logs_seen..];
        self.logs_seen = logs.len();
        if !self.options.calls {
            return;
        }
        if let Some(node) = self.open.last_mut() {
            let position = node.calls.len() as u64;
            node.logs.extend(new.iter().map(|l| TraceLog {
                address: l.address,
                topics: l.data.topics().to_vec(),
                data: l.data.data.clone(),
                position,
            }));
        }
    }

    /// A frame starts (before revm initialises it).
    #[allow(clippy::too_many_arguments)]
    pub fn enter(
        &mut self,
        kind: CallKind,
        from: Address,
        to: Address,
        value: Option<U256>,
        gas: u64,
        input: Bytes,
    ) {
        if self.options.hostios && !self.open.is_empty() {
            // Nitro's stylusTracer: nested frames open an `evm_*` record whose steps follow.
            let name = match kind {
                CallKind::Call | CallKind::CallCode => "evm_call_contract",
                CallKind::DelegateCall => "evm_delegate_call_contract",
                CallKind::StaticCall => "evm_static_call_contract",
                CallKind::Create => "evm_create1",
                CallKind::Create2 => "evm_create2",
            };
            let outer = std::mem::take(&mut self.hostio_open);
            self.hostio_stack.push((outer, name.to_owned(), to));
        }
        self.open.push(CallNode {
            kind,
            from,
            to,
            value,
            gas,
            gas_used: 0,
            input,
            output: Bytes::new(),
            error: None,
            revert_reason: None,
            calls: Vec::new(),
            logs: Vec::new(),
            stylus: None,
        });
    }

    /// The frame running now ended with `result`, leaving `gas_left`; `created` is the new
    /// contract's address for a successful creation.
    pub fn exit(
        &mut self,
        result: InstructionResult,
        output: &Bytes,
        gas_left: u64,
        created: Option<Address>,
    ) {
        let Some(mut node) = self.open.pop() else {
            return;
        };
        node.gas_used = node.gas.saturating_sub(gas_left);
        if let Some(addr) = created {
            node.to = addr;
        }
        node.output = output.clone();
        if !result.is_ok() {
            node.error = Some(error_text(result));
            if result == InstructionResult::Revert {
                node.revert_reason = revert_reason(output);
            }
            clear_logs(&mut node);
        }
        if let Some(s) = node.stylus.as_mut() {
            let used = s.ink_used();
            s.compute_ink = used.saturating_sub(s.hostio_ink());
        }
        if let Some(s) = node.stylus.as_mut() {
            let price = s.ink_price.max(1);
            let wasm_gas = s.ink_used().div_ceil(price);
            s.return_data_gas = node
                .gas_used
                .saturating_sub(s.entry_gas + s.memory_entry_gas + wasm_gas);
            if !result.is_ok_or_revert() {
                s.return_data_gas = 0;
            }
        }
        if self.options.hostios && !self.open.is_empty() {
            if let Some((outer, name, address)) = self.hostio_stack.pop() {
                let inner = std::mem::replace(&mut self.hostio_open, outer);
                self.hostio_open.push(hostio::HostioRecord {
                    name,
                    args: Vec::new(),
                    outs: Vec::new(),
                    start_ink: 0,
                    end_ink: 0,
                    address: Some(address),
                    steps: Some(inner),
                });
            }
        }
        match self.open.last_mut() {
            Some(parent) => parent.calls.push(node),
            None => self.root = Some(node),
        }
    }

    /// The Stylus program of the frame running now was entered: its entry charges and the ink
    /// its run gets.
    pub fn stylus_entry(
        &mut self,
        program: &Program,
        params: &StylusParams,
        call_cost: u64,
        ink_limit: u64,
        args_len: u32,
    ) {
        let mut entry = 0u64;
        if program.cached || program.version > 1 {
            entry = entry.saturating_add(program.cached_gas(params));
        }
        if !program.cached {
            entry = entry.saturating_add(program.init_gas(params));
        }
        if let Some(node) = self.open.last_mut() {
            node.stylus = Some(StylusGas {
                cached: program.cached,
                entry_gas: entry,
                memory_entry_gas: call_cost.saturating_sub(entry),
                ink_price: u64::from(params.ink_price),
                ink_limit,
                ink_left: ink_limit,
                ..StylusGas::default()
            });
        }
        self.push_hostio(
            "user_entrypoint".into(),
            args_len.to_be_bytes().to_vec(),
            Vec::new(),
            ink_limit,
            ink_limit,
        );
    }

    /// The Stylus run of the frame running now ended with `status` (None: it trapped),
    /// `ink_left` left.
    pub fn stylus_returned(&mut self, status: Option<i32>, ink_left: u64) {
        if let Some(s) = self.open.last_mut().and_then(|n| n.stylus.as_mut()) {
            s.ink_left = ink_left;
        }
        if let Some(status) = status {
            self.push_hostio(
                "user_returned".into(),
                Vec::new(),
                (status as u32).to_be_bytes().to_vec(),
                ink_left,
                ink_left,
            );
        }
    }

    /// A storage slot was read from (`load`) or written to the EVM state by the running
    /// Stylus frame; `cold` as EIP-2929 saw it.
    pub fn stylus_storage(&mut self, load: bool, cold: bool) {
        if let Some(s) = self.open.last_mut().and_then(|n| n.stylus.as_mut()) {
            let cost = if load {
                &mut s.storage_loads
            } else {
                &mut s.storage_stores
            };
            if cold {
                cost.cold += 1;
            } else {
                cost.warm += 1;
            }
        }
    }

    /// A hostio of the running Stylus frame completed: `start_ink`/`end_ink` around it, and
    /// its argument/output bytes (see [`hostio`]).
    pub fn stylus_hostio(
        &mut self,
        hook: Hook,
        raw_args: &[wasmi::Val],
        start_ink: u64,
        end_ink: u64,
        args: Vec<u8>,
        outs: Vec<u8>,
    ) {
        let ink = start_ink.saturating_sub(end_ink);
        if let Some(s) = self.open.last_mut().and_then(|n| n.stylus.as_mut()) {
            let bump = |c: &mut HostioCost| {
                c.count += 1;
                c.ink = c.ink.saturating_add(ink);
            };
            match hook {
                Hook::StorageLoadBytes32 => {
                    s.storage_loads.count += 1;
                    s.storage_loads.ink = s.storage_loads.ink.saturating_add(ink);
                }
                Hook::StorageCacheBytes32 | Hook::StorageFlushCache => {
                    s.storage_stores.count += 1;
                    s.storage_stores.ink = s.storage_stores.ink.saturating_add(ink);
                }
                Hook::CallContract
                | Hook::DelegateCallContract
                | Hook::StaticCallContract
                | Hook::Create1
                | Hook::Create2 => bump(&mut s.calls),
                Hook::EmitLog => bump(&mut s.logs),
                Hook::PayForMemoryGrow => {
                    bump(&mut s.memory_growth);
                    s.memory_growth_pages = s
                        .memory_growth_pages
                        .saturating_add(hostio::arg_u64(raw_args, 0));
                }
                _ => bump(&mut s.other_hostios),
            }
        }
        if let Some(step) = self.options.steps {
            let depth = self.depth();
            self.push_step(
                step,
                StepLog {
                    pc: 0,
                    op: hostio::record_name(hook).unwrap_or("hostio").to_owned(),
                    gas: start_ink / 10_000,
                    gas_cost: ink.div_ceil(10_000),
                    depth,
                    stack: None,
                    memory: None,
                    error: None,
                },
            );
        }
        if !self.options.hostios {
            return;
        }
        let Some(name) = hostio::record_name(hook) else {
            return;
        };
        if hostio::nests(hook) {
            // The nested frame's `evm_*` record becomes this call's record.
            if let Some(last) = self.hostio_open.pop() {
                if last.name.strip_prefix("evm_") == Some(name) {
                    if self.count_record() {
                        self.hostio_open.push(hostio::HostioRecord {
                            name: name.to_owned(),
                            args,
                            outs,
                            start_ink,
                            end_ink,
                            address: last.address,
                            steps: last.steps,
                        });
                    }
                    return;
                }
                self.hostio_open.push(last);
            }
            // A call that never opened a frame: no steps.
            let address = args.get(..20).map(Address::from_slice);
            self.push_hostio_full(hostio::HostioRecord {
                name: name.to_owned(),
                args,
                outs,
                start_ink,
                end_ink,
                address,
                steps: Some(Vec::new()),
            });
            return;
        }
        self.push_hostio(name.to_owned(), args, outs, start_ink, end_ink);
    }

    fn push_hostio(
        &mut self,
        name: String,
        args: Vec<u8>,
        outs: Vec<u8>,
        start_ink: u64,
        end_ink: u64,
    ) {
        if !self.options.hostios {
            return;
        }
        self.push_hostio_full(hostio::HostioRecord {
            name,
            args,
            outs,
            start_ink,
            end_ink,
            address: None,
            steps: None,
        });
    }

    fn push_hostio_full(&mut self, record: hostio::HostioRecord) {
        if self.count_record() {
            self.hostio_open.push(record);
        }
    }

    /// Whether EVM opcode steps are recorded.
    pub fn wants_steps(&self) -> Option<StepOptions> {
        self.options.steps
    }

    /// Marks the last recorded step as failed with `error`.
    pub fn set_last_step_error(&mut self, error: String) {
        if let Some(step) = self.steps.last_mut() {
            step.error = Some(error);
        }
    }

    /// Records one opcode step (the struct logger).
    pub fn push_step(&mut self, options: StepOptions, step: StepLog) {
        let limit = if options.limit == 0 {
            MAX_RECORDS
        } else {
            options.limit.min(MAX_RECORDS)
        };
        if self.steps.len() >= limit {
            if options.limit == 0 {
                self.truncated = true;
            }
            return;
        }
        self.steps.push(step);
    }
}

fn clear_logs(node: &mut CallNode) {
    node.logs.clear();
    for c in &mut node.calls {
        clear_logs(c);
    }
}

/// geth's error text for a failed frame.
pub fn error_text(result: InstructionResult) -> String {
    use InstructionResult as R;
    match result {
        R::Revert => "execution reverted".into(),
        R::OutOfGas
        | R::MemoryOOG
        | R::MemoryLimitOOG
        | R::PrecompileOOG
        | R::InvalidOperandOOG => "out of gas".into(),
        R::CallTooDeep => "max call depth exceeded".into(),
        R::OutOfFunds => "insufficient balance for transfer".into(),
        R::CreateCollision => "contract address collision".into(),
        R::InvalidFEOpcode => "invalid opcode: INVALID".into(),
        R::OpcodeNotFound => "invalid opcode".into(),
        R::StateChangeDuringStaticCall | R::CallNotAllowedInsideStatic => "write protection".into(),
        R::CreateContractStartingWithEF => "invalid code: must not begin with 0xef".into(),
        R::CreateContractSizeLimit => "max code size exceeded".into(),
        R::CreateInitCodeSizeLimit => "max initcode size exceeded".into(),
        R::StackUnderflow => "stack underflow".into(),
        R::StackOverflow => "stack limit reached 1024".into(),
        R::InvalidJump => "invalid jump destination".into(),
        R::NonceOverflow => "nonce uint64 overflow".into(),
        R::OutOfOffset => "return data out of bounds".into(),
        R::ReentrancySentryOOG => "out of gas".into(),
        other => format!("{other:?}"),
    }
}

/// The reason of a revert carrying `Error(string)` or `Panic(uint256)`, as geth decodes it.
pub fn revert_reason(output: &[u8]) -> Option<String> {
    const ERROR: [u8; 4] = [0x08, 0xc3, 0x79, 0xa0];
    const PANIC: [u8; 4] = [0x4e, 0x48, 0x7b, 0x71];
    let (sel, body) = (output.get(..4)?, output.get(4..)?);
    if sel == ERROR {
        let offset = usize::try_from(U256::from_be_slice(body.get(..32)?)).ok()?;
        let len_end = offset.checked_add(32)?;
        let len = usize::try_from(U256::from_be_slice(body.get(offset..len_end)?)).ok()?;
        let text = body.get(len_end..len_end.checked_add(len)?)?;
        return String::from_utf8(text.to_vec()).ok();
    }
    if sel == PANIC {
        let code = U256::from_be_slice(body.get(..32)?);
        let what = match code.saturating_to::<u64>() {
            0x01 => "assert(false)",
            0x11 => "arithmetic underflow or overflow",
            0x12 => "division or modulo by zero",
            0x21 => "enum overflow",
            0x22 => "invalid encoded storage byte array accessed",
            0x31 => "out-of-bounds array access; popping on an empty array",
            0x32 => "out-of-bounds access of an array or bytesN",
            0x41 => "out of memory",
            0x51 => "uninitialized function",
            _ => return Some(format!("unknown panic code: {code:#x}")),
        };
        return Some(what.to_owned());
    }
    None
}
