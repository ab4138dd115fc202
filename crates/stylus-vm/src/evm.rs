//! `StylusEvm`: revm's mainnet EVM with Stylus frames, native system contracts and Nitro's
//! code-deposit rule, driven by the stock mainnet handler.

use std::collections::HashMap;
use std::sync::Arc;

use revm::context::Cfg;
use revm::context::{ContextTr, Evm, FrameStack};
use revm::context_interface::JournalTr;
use revm::handler::instructions::EthInstructions;
use revm::handler::{
    evm::{ContextDbError, FrameInitResult},
    EthFrame, EthPrecompiles, EvmTr, FrameInitOrResult, FrameResult, ItemOrResult,
};
use revm::interpreter::interpreter::EthInterpreter;
use revm::interpreter::interpreter_action::FrameInit;
use revm::interpreter::{
    CallScheme, FrameInput, Gas, InstructionResult, InterpreterAction, InterpreterResult,
};
use revm::primitives::{keccak256, Address, Bytes, B256, U256};

use crate::params::SYSTEM_CONTRACTS;
use crate::runtime::Runtime;
use crate::trace::{CallKind, StepLog, StepOptions, Tracer};

/// The inner revm EVM type.
pub type InnerEvm<CTX> =
    Evm<CTX, (), EthInstructions<EthInterpreter, CTX>, EthPrecompiles, EthFrame<EthInterpreter>>;

/// Per-transaction Stylus bookkeeping.
#[derive(Debug, Default, Clone)]
pub struct TxState {
    /// Wasm pages currently open.
    pub pages_open: u16,
    /// Most wasm pages ever open at once.
    pub pages_ever: u16,
    /// Open non-delegate frames per address (for `msg_reentrant`).
    pub frames: HashMap<Address, u32>,
}

/// A call frame as a Stylus program or system contract sees it.
#[derive(Debug, Clone)]
pub struct CallFrame {
    /// Storage/`address()` owner.
    pub target: Address,
    /// Where the code came from.
    pub code_address: Address,
    /// `msg.sender`.
    pub caller: Address,
    /// `msg.value`.
    pub value: U256,
    /// Calldata.
    pub input: Bytes,
    /// Static context.
    pub is_static: bool,
    /// Whether this is a DELEGATECALL/CALLCODE frame.
    pub delegate: bool,
    /// Gas available to the frame.
    pub gas_limit: u64,
    /// Raw code.
    pub code: Bytes,
    /// Code hash.
    pub codehash: B256,
}

/// How a natively run frame ended.
#[derive(Debug, Clone)]
pub struct NativeOutcome {
    /// Result kind.
    pub result: InstructionResult,
    /// Output (return or revert data).
    pub output: Bytes,
    /// Gas left.
    pub gas_left: u64,
    /// SSTORE refund accumulated.
    pub refund: i64,
}

impl NativeOutcome {
    /// Success with output.
    pub fn ok(output: Bytes, gas_left: u64) -> Self {
        Self {
            result: InstructionResult::Return,
            output,
            gas_left,
            refund: 0,
        }
    }
    /// Revert with data.
    pub fn revert(output: Bytes, gas_left: u64) -> Self {
        Self {
            result: InstructionResult::Revert,
            output,
            gas_left,
            refund: 0,
        }
    }
    /// Exceptional halt: all gas consumed.
    pub fn halt(result: InstructionResult) -> Self {
        Self {
            result,
            output: Bytes::new(),
            gas_left: 0,
            refund: 0,
        }
    }
}

/// revm's mainnet EVM extended with the Stylus runtime.
pub struct StylusEvm<CTX: ContextTr> {
    /// The wrapped EVM.
    pub inner: InnerEvm<CTX>,
    /// The shared runtime.
    pub runtime: Arc<Runtime>,
    /// Per-transaction state.
    pub tx_state: TxState,
    /// Wall-clock limit of the run (simulations only; transactions have none). Past it, every
    /// frame halts at its start and wasm stops at its next fuel check.
    pub deadline: Option<std::time::Instant>,
    /// Whether the run hit [`StylusEvm::deadline`] (its result is then meaningless).
    pub timed_out: bool,
    /// Records the run for `debug_trace*` when set (see [`crate::trace`]).
    pub tracer: Option<Box<Tracer>>,
}

impl<CTX: ContextTr> std::fmt::Debug for StylusEvm<CTX> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StylusEvm")
            .field("runtime", &self.runtime)
            .field("tx_state", &self.tx_state)
            .finish_non_exhaustive()
    }
}

enum FrameKind {
    Evm,
    Stylus,
    System(Address),
}

/// Stack left before a nested call allocates a new segment.
const RED_ZONE: usize = 1024 * 1024;
/// Size of each new stack segment.
const STACK_SEGMENT: usize = 16 * 1024 * 1024;

/// The EVM precompiles of an Arbitrum chain: Ethereum's set for `spec` plus RIP-7212's
/// P256VERIFY at `0x…0100` (3,450 gas; on Nitro since ArbOS 30). revm ships the verifier
/// (`precompile::secp256r1`, on the `p256` crate).
pub fn arbitrum_precompiles(spec: revm::primitives::hardfork::SpecId) -> EthPrecompiles {
    use revm::precompile::{secp256r1, PrecompileSpecId, Precompiles};
    use std::sync::OnceLock;
    static PRAGUE: OnceLock<Precompiles> = OnceLock::new();
    let base = || {
        let mut set = Precompiles::new(PrecompileSpecId::from_spec_id(spec)).clone();
        set.extend([secp256r1::P256VERIFY]);
        set
    };
    // Nitro runs Prague; other forks (tests only) keep Ethereum's set.
    if spec != revm::primitives::hardfork::SpecId::PRAGUE {
        return EthPrecompiles::new(spec);
    }
    EthPrecompiles {
        precompiles: PRAGUE.get_or_init(base),
        spec,
    }
}

/// Code placed at system-contract addresses (what Nitro stores at precompiles).
pub const SYSTEM_CODE: [u8; 1] = [0xFE];

impl<CTX> StylusEvm<CTX>
where
    CTX: ContextTr + revm::interpreter::Host,
{
    /// Wraps a context.
    pub fn new(ctx: CTX, runtime: Arc<Runtime>) -> Self {
        let spec = ctx.cfg().spec().into();
        let inner = Evm::new(
            ctx,
            EthInstructions::new_mainnet_with_spec(spec),
            arbitrum_precompiles(spec),
        );
        Self {
            inner,
            runtime,
            tx_state: TxState::default(),
            deadline: None,
            timed_out: false,
            tracer: None,
        }
    }

    /// Whether the deadline has passed (and records it in [`StylusEvm::timed_out`]).
    pub fn past_deadline(&mut self) -> bool {
        if !self.timed_out {
            self.timed_out = self
                .deadline
                .is_some_and(|d| std::time::Instant::now() >= d);
        }
        self.timed_out
    }

    fn classify(&mut self) -> FrameKind {
        let frame = self.inner.frame_stack.get();
        if let FrameInput::Call(inputs) = &frame.input {
            if SYSTEM_CONTRACTS.contains(&inputs.bytecode_address) {
                return FrameKind::System(inputs.bytecode_address);
            }
        }
        if matches!(frame.input, FrameInput::Call(_))
            && self
                .runtime
                .params
                .is_program_code(frame.interpreter.bytecode.original_byte_slice())
        {
            return FrameKind::Stylus;
        }
        FrameKind::Evm
    }

    /// The top frame as a [`CallFrame`].
    fn call_frame(&mut self) -> CallFrame {
        let frame = self.inner.frame_stack.get();
        let ctx = &self.inner.ctx;
        let (code_address, delegate) = match &frame.input {
            FrameInput::Call(i) => (
                i.bytecode_address,
                matches!(i.scheme, CallScheme::DelegateCall | CallScheme::CallCode),
            ),
            _ => (frame.interpreter.input.target_address, false),
        };
        let code = frame.interpreter.bytecode.original_bytes();
        let codehash = frame
            .interpreter
            .bytecode
            .hash()
            .unwrap_or_else(|| keccak256(&code));
        CallFrame {
            target: frame.interpreter.input.target_address,
            code_address,
            caller: frame.interpreter.input.caller_address,
            value: frame.interpreter.input.call_value,
            input: Bytes::copy_from_slice(&frame.interpreter.input.input.as_bytes(ctx)),
            is_static: frame.interpreter.runtime_flag.is_static,
            delegate,
            gas_limit: frame.interpreter.gas.remaining(),
            code,
            codehash,
        }
    }

    fn finish_native(
        &mut self,
        outcome: NativeOutcome,
    ) -> Result<FrameInitOrResult<EthFrame<EthInterpreter>>, ContextDbError<CTX>> {
        let frame = self.inner.frame_stack.get();
        let mut gas = Gas::new(frame.interpreter.gas.remaining());
        gas.set_reservoir(frame.interpreter.gas.reservoir());
        let spent = gas.remaining().saturating_sub(outcome.gas_left);
        if !gas.record_regular_cost(spent) {
            gas.spend_all();
        }
        if outcome.result.is_ok() {
            gas.record_refund(outcome.refund);
        }
        let action = InterpreterAction::Return(InterpreterResult {
            result: outcome.result,
            output: outcome.output,
            gas,
        });
        let res =
            frame.process_next_action::<_, ContextDbError<CTX>>(&mut self.inner.ctx, action)?;
        if res.is_result() {
            frame.set_finished(true);
        }
        Ok(res)
    }

    /// Runs `init` to completion on a fresh frame stack, as a child of the current top frame.
    pub fn nested(&mut self, frame_input: FrameInput) -> Result<FrameResult, ContextDbError<CTX>> {
        let (depth, memory) = {
            let parent = self.inner.frame_stack.get();
            (
                parent.depth + 1,
                parent.interpreter.memory.new_child_context(),
            )
        };
        let saved = std::mem::replace(&mut self.inner.frame_stack, FrameStack::new());
        // Each nested level re-enters revm's frame loop on the Rust stack; grow it on demand so a
        // 1024-deep Stylus↔Stylus chain fits on any thread.
        let result = stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || {
            self.run_loop(FrameInit {
                depth,
                memory,
                frame_input,
            })
        });
        self.inner.frame_stack = saved;
        self.inner
            .frame_stack
            .get()
            .interpreter
            .memory
            .free_child_context();
        result
    }

    fn run_loop(&mut self, init: FrameInit) -> Result<FrameResult, ContextDbError<CTX>> {
        if let ItemOrResult::Result(r) = self.frame_init(init)? {
            return Ok(r);
        }
        loop {
            let result = match self.frame_run()? {
                ItemOrResult::Item(init) => match self.frame_init(init)? {
                    ItemOrResult::Item(_) => continue,
                    ItemOrResult::Result(r) => r,
                },
                ItemOrResult::Result(r) => r,
            };
            if let Some(r) = self.frame_return_result(result)? {
                return Ok(r);
            }
        }
    }

    fn run_evm_frame(
        &mut self,
    ) -> Result<FrameInitOrResult<EthFrame<EthInterpreter>>, ContextDbError<CTX>> {
        let runtime = self.runtime.clone();
        let tracer = self.tracer.as_deref_mut();
        let frame = self.inner.frame_stack.get();
        let ctx = &mut self.inner.ctx;
        let instructions = &self.inner.instruction;
        let mut action = match tracer.and_then(|t| t.wants_steps().map(|o| (t, o))) {
            None => frame.interpreter.run_plain(
                instructions.instruction_table(),
                instructions.gas_table(),
                ctx,
            ),
            Some((tracer, options)) => run_logged(
                &mut frame.interpreter,
                instructions,
                ctx,
                tracer,
                options,
                frame.depth as u64 + 1,
            ),
        };
        // EIP-3541 as Nitro applies it: 0xEF code is refused unless it is a Stylus program.
        if let (FrameInput::Create(_), InterpreterAction::Return(r)) = (&frame.input, &mut action) {
            if r.result.is_ok() && !runtime.params.code_allowed(&r.output) {
                r.result = InstructionResult::CreateContractStartingWithEF;
            }
        }
        let res = frame.process_next_action::<_, ContextDbError<CTX>>(ctx, action)?;
        if res.is_result() {
            frame.set_finished(true);
        }
        Ok(res)
    }
}

impl<CTX> EvmTr for StylusEvm<CTX>
where
    CTX: ContextTr + revm::interpreter::Host,
{
    type Context = CTX;
    type Instructions = EthInstructions<EthInterpreter, CTX>;
    type Precompiles = EthPrecompiles;
    type Frame = EthFrame<EthInterpreter>;

    fn all(
        &self,
    ) -> (
        &Self::Context,
        &Self::Instructions,
        &Self::Precompiles,
        &FrameStack<Self::Frame>,
    ) {
        self.inner.all()
    }

    fn all_mut(
        &mut self,
    ) -> (
        &mut Self::Context,
        &mut Self::Instructions,
        &mut Self::Precompiles,
        &mut FrameStack<Self::Frame>,
    ) {
        self.inner.all_mut()
    }

    fn frame_init(
        &mut self,
        mut frame_input: FrameInit,
    ) -> Result<FrameInitResult<'_, Self::Frame>, ContextDbError<CTX>> {
        let mut counted = None;
        if let FrameInput::Call(inputs) = &mut frame_input.frame_input {
            if SYSTEM_CONTRACTS.contains(&inputs.bytecode_address) {
                // System contracts always get a frame, whatever code their account holds.
                let code = revm::bytecode::Bytecode::new_raw(Bytes::from_static(&SYSTEM_CODE));
                inputs.known_bytecode = (keccak256(SYSTEM_CODE), code);
            }
            if matches!(inputs.scheme, CallScheme::Call | CallScheme::StaticCall) {
                counted = Some(inputs.target_address);
            }
        }
        if self.tracer.is_some() {
            self.trace_enter(&frame_input.frame_input);
        }
        let res = self.inner.frame_init(frame_input)?;
        if let (ItemOrResult::Item(_), Some(addr)) = (&res, counted) {
            *self.tx_state.frames.entry(addr).or_insert(0) += 1;
        }
        if let (ItemOrResult::Result(r), Some(t)) = (&res, self.tracer.as_deref_mut()) {
            trace_exit(t, r);
        }
        Ok(res)
    }

    fn frame_run(&mut self) -> Result<FrameInitOrResult<Self::Frame>, ContextDbError<CTX>> {
        if self.past_deadline() {
            return self.finish_native(NativeOutcome::halt(InstructionResult::OutOfGas));
        }
        match self.classify() {
            FrameKind::Evm => self.run_evm_frame(),
            FrameKind::Stylus => {
                let call = self.call_frame();
                let outcome = self.exec_program(&call)?;
                self.finish_native(outcome)
            }
            FrameKind::System(addr) => {
                let call = self.call_frame();
                let outcome = self.exec_system(addr, &call)?;
                self.finish_native(outcome)
            }
        }
    }

    fn frame_return_result(
        &mut self,
        result: FrameResult,
    ) -> Result<Option<FrameResult>, ContextDbError<CTX>> {
        let top = self.inner.frame_stack.get();
        if top.is_finished() {
            if let FrameInput::Call(inputs) = &top.input {
                if matches!(inputs.scheme, CallScheme::Call | CallScheme::StaticCall) {
                    if let Some(n) = self.tx_state.frames.get_mut(&inputs.target_address) {
                        *n = n.saturating_sub(1);
                    }
                }
            }
            if let Some(t) = self.tracer.as_deref_mut() {
                t.sweep_logs(self.inner.ctx.journal_ref().logs());
                trace_exit(t, &result);
            }
        }
        self.inner.frame_return_result(result)
    }
}

/// A frame's end as the tracer records it.
fn trace_exit(tracer: &mut Tracer, result: &FrameResult) {
    match result {
        FrameResult::Call(c) => tracer.exit(
            c.result.result,
            &c.result.output,
            c.result.gas.remaining(),
            None,
        ),
        FrameResult::Create(c) => tracer.exit(
            c.result.result,
            &c.result.output,
            c.result.gas.remaining(),
            c.address.filter(|_| c.result.result.is_ok()),
        ),
    }
}

/// revm's `run_plain` with one [`StepLog`] per opcode (the struct logger).
fn run_logged<H: revm::interpreter::Host>(
    interp: &mut revm::interpreter::Interpreter<EthInterpreter>,
    instructions: &EthInstructions<EthInterpreter, H>,
    host: &mut H,
    tracer: &mut Tracer,
    options: StepOptions,
    depth: u64,
) -> InterpreterAction {
    use revm::bytecode::OpCode;
    use revm::interpreter::interpreter_types::{Jumps, LoopControl};
    let e = loop {
        let pc = interp.bytecode.pc() as u64;
        let op = interp.bytecode.opcode();
        let gas = interp.gas.remaining();
        let stack = options.stack.then(|| interp.stack.data().to_vec());
        let memory = options
            .memory
            .then(|| Bytes::copy_from_slice(&interp.memory.context_memory()));
        let r = interp.step(
            instructions.instruction_table(),
            instructions.gas_table(),
            host,
        );
        let cost = gas.saturating_sub(interp.gas.remaining());
        tracer.push_step(
            options,
            StepLog {
                pc,
                op: OpCode::new(op)
                    .map(|o| o.as_str().to_owned())
                    .unwrap_or_else(|| format!("opcode {op:#04x} not defined")),
                gas,
                gas_cost: cost,
                depth,
                stack,
                memory,
                error: None,
            },
        );
        if let Err(e) = r {
            break e;
        }
    };
    if interp.bytecode.action().is_none() {
        interp.halt(e);
    }
    let action = interp.take_next_action();
    if let InterpreterAction::Return(r) = &action {
        if !r.result.is_ok_or_revert() {
            tracer.set_last_step_error(crate::trace::error_text(r.result));
        }
    }
    action
}

impl<CTX> StylusEvm<CTX>
where
    CTX: ContextTr + revm::interpreter::Host,
{
    /// Opens the tracer's record of a frame about to be initialised.
    fn trace_enter(&mut self, input: &FrameInput) {
        let Some(tracer) = self.tracer.as_deref_mut() else {
            return;
        };
        let ctx = &self.inner.ctx;
        tracer.sweep_logs(ctx.journal_ref().logs());
        match input {
            FrameInput::Call(i) => {
                let kind = match i.scheme {
                    CallScheme::Call => CallKind::Call,
                    CallScheme::CallCode => CallKind::CallCode,
                    CallScheme::DelegateCall => CallKind::DelegateCall,
                    CallScheme::StaticCall => CallKind::StaticCall,
                };
                let value = (kind != CallKind::StaticCall).then(|| i.value.get());
                let data = Bytes::copy_from_slice(&i.input.as_bytes(ctx));
                tracer.enter(kind, i.caller, i.target_address, value, i.gas_limit, data);
            }
            FrameInput::Create(c) => {
                let kind = match c.scheme() {
                    revm::interpreter::CreateScheme::Create2 { .. } => CallKind::Create2,
                    _ => CallKind::Create,
                };
                tracer.enter(
                    kind,
                    c.caller(),
                    Address::ZERO,
                    Some(c.value()),
                    c.gas_limit(),
                    c.init_code().clone(),
                );
            }
            FrameInput::Empty => tracer.enter(
                CallKind::Call,
                Address::ZERO,
                Address::ZERO,
                None,
                0,
                Bytes::new(),
            ),
        }
    }
}
