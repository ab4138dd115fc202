//! Execution of one Stylus frame: call-time charges, the wasm run driven through resumable
//! host calls, and every `vm_hooks` import with Nitro's semantics and prices.

use revm::context::{Block, Cfg, ContextTr, Transaction};
use revm::context_interface::JournalTr;
use revm::handler::{evm::ContextDbError, FrameResult};
use revm::interpreter::{
    CallInput, CallInputs, CallScheme, CallValue, CreateInputs, FrameInput, InstructionResult,
};
use revm::primitives::{keccak256, Address, Bytes, Log, B256, U256};
use wasmi::{Instance, Memory, ResumableCall, Store, Val};

use crate::activation::{hours_since_arbitrum, load_program, program_wasm, WasmError};
use crate::code::CodeError;
use crate::evm::{CallFrame, NativeOutcome, StylusEvm};
use crate::hooks::Hook;
use crate::instrument::{INK_LEFT, INK_STATUS, STACK_LEFT, STATUS_OUT_OF_INK, STATUS_OUT_OF_STACK};
use crate::pricing::{self, evm_memory_cost, memory_gas_cost, read_price, write_price, HOSTIO_INK};
use crate::runtime::{Compiled, HookCall};

/// Fuel between two looks at the clock when a run has a deadline (a few milliseconds of wasm).
const FUEL_SLICE: u64 = 2_000_000;
use crate::storage_cache::StorageCache;

/// Why a program stopped before returning normally.
#[derive(Debug)]
enum Escape {
    Exit(i32),
    OutOfInk,
    Failure(String),
}

type HookResult = Result<Vec<Val>, Escape>;

/// Wasm-side state of one running program.
struct Run<'c> {
    call: &'c CallFrame,
    store: Store<()>,
    memory: Memory,
    ink: wasmi::Global,
    output: Bytes,
    return_data: Bytes,
    cache: StorageCache,
    refund: i64,
}

impl Run<'_> {
    fn ink_left(&self) -> u64 {
        match self.ink.get(&self.store) {
            Val::I64(v) => v as u64,
            _ => 0,
        }
    }
    fn set_ink(&mut self, v: u64) {
        let _ = self.ink.set(&mut self.store, Val::I64(v as i64));
    }
    fn buy_ink(&mut self, cost: u64) -> Result<(), Escape> {
        let left = self.ink_left();
        if left < cost {
            self.set_ink(0);
            return Err(Escape::OutOfInk);
        }
        self.set_ink(left - cost);
        Ok(())
    }
    fn read(&self, ptr: u32, len: u32) -> Result<Vec<u8>, Escape> {
        // Check the range before allocating: a bogus length must not reserve gigabytes.
        let end = u64::from(ptr) + u64::from(len);
        if end > self.memory.data_size(&self.store) as u64 {
            return Err(Escape::Failure(format!(
                "memory read: {len} bytes at {ptr} are out of bounds"
            )));
        }
        let mut buf = vec![0u8; len as usize];
        self.memory
            .read(&self.store, ptr as usize, &mut buf)
            .map_err(|e| Escape::Failure(format!("memory read: {e}")))?;
        Ok(buf)
    }
    fn read32(&self, ptr: u32) -> Result<B256, Escape> {
        Ok(B256::from_slice(&self.read(ptr, 32)?))
    }
    fn read_addr(&self, ptr: u32) -> Result<Address, Escape> {
        Ok(Address::from_slice(&self.read(ptr, 20)?))
    }
    fn write(&mut self, ptr: u32, data: &[u8]) -> Result<(), Escape> {
        self.memory
            .write(&mut self.store, ptr as usize, data)
            .map_err(|e| Escape::Failure(format!("memory write: {e}")))
    }
}

fn arg_u32(args: &[Val], i: usize) -> u32 {
    match args.get(i) {
        Some(Val::I32(v)) => *v as u32,
        Some(Val::I64(v)) => *v as u32,
        _ => 0,
    }
}

fn arg_u64(args: &[Val], i: usize) -> u64 {
    match args.get(i) {
        Some(Val::I64(v)) => *v as u64,
        Some(Val::I32(v)) => u64::from(*v as u32),
        _ => 0,
    }
}

fn i32v(v: u32) -> Vec<Val> {
    vec![Val::I32(v as i32)]
}

fn i64v(v: u64) -> Vec<Val> {
    vec![Val::I64(v as i64)]
}

const BASE_13440: u64 = 13440;
const BASE_18480: u64 = 18480;
const BASE_68073: u64 = 68073;
const BASE_78153: u64 = 78153;
const BASE_CALL: u64 = 83193;
const BASE_CREATE2: u64 = 88233;
const COLD_SLOAD: u64 = 2100;
const WARM: u64 = 100;
const COLD_ACCOUNT: u64 = 2600;
const SSTORE_SENTRY: u64 = 2300;
const EVM_API_GAS: u64 = 5;

/// Gas and refund of one SSTORE (EIP-2200/2929/3529).
pub(crate) fn sstore_cost(original: U256, present: U256, new: U256, cold: bool) -> (u64, i64) {
    let mut gas = if new == present {
        WARM
    } else if original == present {
        if original.is_zero() {
            20_000
        } else {
            2_900
        }
    } else {
        WARM
    };
    if cold {
        gas += COLD_SLOAD;
    }
    let mut refund = 0i64;
    if new != present {
        if original == present {
            if !original.is_zero() && new.is_zero() {
                refund += 4_800;
            }
        } else {
            if !original.is_zero() {
                if present.is_zero() {
                    refund -= 4_800;
                } else if new.is_zero() {
                    refund += 4_800;
                }
            }
            if original == new {
                refund += if original.is_zero() { 19_900 } else { 2_800 };
            }
        }
    }
    (gas, refund)
}

impl<CTX> StylusEvm<CTX>
where
    CTX: ContextTr + revm::interpreter::Host,
{
    fn gas_to_ink(&self, gas: u64) -> u64 {
        self.runtime.params.gas_to_ink(gas)
    }

    fn buy_gas(&self, run: &mut Run<'_>, gas: u64) -> Result<(), Escape> {
        run.buy_ink(self.gas_to_ink(gas))
    }

    fn require_gas(&self, run: &Run<'_>, gas: u64) -> Result<(), Escape> {
        if run.ink_left() < self.gas_to_ink(gas) {
            return Err(Escape::OutOfInk);
        }
        Ok(())
    }

    /// Runs the Stylus program of the top frame.
    pub(crate) fn exec_program(
        &mut self,
        call: &CallFrame,
    ) -> Result<NativeOutcome, ContextDbError<CTX>> {
        let params = self.runtime.params.clone();
        let now = hours_since_arbitrum(self.inner.ctx.block().timestamp().saturating_to());
        let program = match load_program(&mut self.inner.ctx, call.codehash)? {
            Some(p) if p.version == params.version && !p.expired(&params, now) => p,
            // Not activated, needs upgrade or expired: Nitro fails the call with all gas.
            _ => return Ok(NativeOutcome::halt(InstructionResult::InvalidFEOpcode)),
        };
        // The module is cached by code hash; on a miss it is compiled again from the code (a
        // root's fragments read again, without charge, as Nitro does when it recompiles).
        let runtime = self.runtime.clone();
        let ctx = &mut self.inner.ctx;
        let mut db_error = None;
        let compiled = runtime.compile_with(call.codehash, 0, || {
            match program_wasm(ctx, &call.code, &params) {
                Ok(Ok(wasm)) => Ok(wasm),
                Ok(Err(WasmError::Code(e))) => Err(e.into()),
                Ok(Err(_)) => Err(CodeError::NotStylus.into()),
                Err(e) => {
                    db_error = Some(e);
                    Err(CodeError::NotStylus.into())
                }
            }
        });
        if let Some(e) = db_error {
            return Err(e);
        }
        let compiled = match compiled {
            Ok(c) => c,
            Err(_) => return Ok(NativeOutcome::halt(InstructionResult::InvalidFEOpcode)),
        };
        // Call-time charges: pages, cached and init gas.
        let (open, ever) = (self.tx_state.pages_open, self.tx_state.pages_ever);
        let footprint = program.footprint;
        let mut call_cost =
            memory_gas_cost(footprint, open, ever, params.free_pages, params.page_gas);
        if open.saturating_add(footprint) > params.page_limit {
            call_cost = u64::MAX;
        }
        if program.cached || program.version > 1 {
            call_cost = call_cost.saturating_add(program.cached_gas(&params));
        }
        if !program.cached {
            call_cost = call_cost.saturating_add(program.init_gas(&params));
        }
        if call_cost > call.gas_limit {
            return Ok(NativeOutcome::halt(InstructionResult::OutOfGas));
        }
        let gas = call.gas_limit - call_cost;
        if let Some(t) = self.tracer.as_deref_mut() {
            let ink = params.gas_to_ink(gas);
            t.stylus_entry(&program, &params, call_cost, ink, call.input.len() as u32);
        }
        self.tx_state.pages_open = open.saturating_add(footprint);
        self.tx_state.pages_ever = ever.max(self.tx_state.pages_open);

        let result = self.run_wasm(call, &compiled, gas);
        self.tx_state.pages_open = open;
        let (escape, mut gas_left, output, refund) = result?;
        let mut outcome = match escape {
            Ok(0) => NativeOutcome::ok(output, gas_left),
            Ok(_) => NativeOutcome::revert(output, gas_left),
            Err(Escape::Exit(0)) => NativeOutcome::ok(output, gas_left),
            Err(Escape::Exit(_)) => NativeOutcome::revert(output, gas_left),
            Err(Escape::OutOfInk) => return Ok(NativeOutcome::halt(InstructionResult::OutOfGas)),
            Err(Escape::Failure(msg)) if msg == "out of stack" => {
                return Ok(NativeOutcome::halt(InstructionResult::CallTooDeep))
            }
            Err(Escape::Failure(_)) => NativeOutcome::revert(Bytes::new(), gas_left),
        };
        if !outcome.output.is_empty() {
            // ArbOS ≥ 31: returning data costs at least its EVM memory expansion.
            let evm_cost = evm_memory_cost(outcome.output.len() as u64);
            if call.gas_limit < evm_cost {
                return Ok(NativeOutcome::halt(InstructionResult::OutOfGas));
            }
            gas_left = gas_left.min(call.gas_limit - evm_cost);
            outcome.gas_left = gas_left;
        }
        outcome.refund = refund;
        Ok(outcome)
    }

    #[allow(clippy::type_complexity)]
    fn run_wasm(
        &mut self,
        call: &CallFrame,
        compiled: &Compiled,
        gas: u64,
    ) -> Result<(Result<i32, Escape>, u64, Bytes, i64), ContextDbError<CTX>> {
        let runtime = self.runtime.clone();
        let mut store = Store::new(compiled.engine.engine(), ());
        // Without a deadline the fuel never runs out; with one, the run stops every
        // FUEL_SLICE units to look at the clock.
        let slice = if self.deadline.is_some() {
            FUEL_SLICE
        } else {
            u64::MAX
        };
        let failure = |m: String| Ok((Err(Escape::Failure(m)), 0, Bytes::new(), 0));
        if let Err(e) = store.set_fuel(slice) {
            return failure(e.to_string());
        }
        let instance: Instance = match compiled
            .engine
            .linker()
            .instantiate_and_start(&mut store, &compiled.module)
        {
            Ok(i) => i,
            Err(e) => return failure(e.to_string()),
        };
        let (Some(memory), Some(ink), Some(status), Some(stack), Some(entry)) = (
            instance.get_memory(&store, "memory"),
            instance.get_global(&store, INK_LEFT),
            instance.get_global(&store, INK_STATUS),
            instance.get_global(&store, STACK_LEFT),
            instance.get_func(&store, "user_entrypoint"),
        ) else {
            return failure("missing instrumentation exports".into());
        };
        let _ = stack.set(&mut store, Val::I32(runtime.params.max_stack_depth as i32));
        let mut run = Run {
            call,
            store,
            memory,
            ink,
            output: Bytes::new(),
            return_data: Bytes::new(),
            cache: StorageCache::default(),
            refund: 0,
        };
        run.set_ink(self.gas_to_ink(gas));
        let mut results = [Val::I32(0)];
        let args = [Val::I32(call.input.len() as i32)];
        let mut state = entry.call_resumable(&mut run.store, &args, &mut results);
        let escape: Result<i32, Escape> = loop {
            match state {
                Ok(ResumableCall::Finished) => {
                    break Ok(match results[0] {
                        Val::I32(v) => v,
                        _ => 1,
                    })
                }
                Ok(ResumableCall::HostTrap(invocation)) => {
                    let Some(hc) = invocation.host_error().downcast_ref::<HookCall>().cloned()
                    else {
                        break Err(Escape::Failure(invocation.host_error().to_string()));
                    };
                    match self.serve(&mut run, hc.hook, &hc.args)? {
                        Ok(vals) => state = invocation.resume(&mut run.store, &vals, &mut results),
                        Err(e) => break Err(e),
                    }
                }
                Ok(ResumableCall::OutOfFuel(invocation)) => {
                    if self.past_deadline() {
                        break Err(Escape::Failure("execution timeout".into()));
                    }
                    if let Err(e) = run.store.set_fuel(slice) {
                        break Err(Escape::Failure(e.to_string()));
                    }
                    state = invocation.resume(&mut run.store, &mut results);
                }
                Err(trap) => {
                    let code = match status.get(&run.store) {
                        Val::I32(v) => v,
                        _ => 0,
                    };
                    break Err(match code {
                        STATUS_OUT_OF_INK => Escape::OutOfInk,
                        STATUS_OUT_OF_STACK => Escape::Failure("out of stack".into()),
                        _ => Escape::Failure(trap.to_string()),
                    });
                }
            }
        };
        if let Some(t) = self.tracer.as_deref_mut() {
            let status = match &escape {
                Ok(v) | Err(Escape::Exit(v)) => Some(*v),
                _ => None,
            };
            t.stylus_returned(status, run.ink_left());
        }
        let gas_left = runtime.params.ink_to_gas(run.ink_left());
        Ok((escape, gas_left, run.output.clone(), run.refund))
    }

    /// Serves one hook. `Ok(Err(_))` stops the program; `Err(_)` is a database error.
    fn serve(
        &mut self,
        run: &mut Run<'_>,
        hook: Hook,
        args: &[Val],
    ) -> Result<HookResult, ContextDbError<CTX>> {
        if self.tracer.is_some() {
            return self.serve_traced(run, hook, args);
        }
        match self.serve_inner(run, hook, args) {
            Ok(v) => Ok(Ok(v)),
            Err(HookError::Escape(e)) => Ok(Err(e)),
            Err(HookError::Db(e)) => Err(e),
        }
    }

    /// [`Self::serve`] with the hostio recorded by the tracer (see [`crate::trace`]).
    fn serve_traced(
        &mut self,
        run: &mut Run<'_>,
        hook: Hook,
        args: &[Val],
    ) -> Result<HookResult, ContextDbError<CTX>> {
        use crate::trace::hostio;
        let start = run.ink_left();
        let records = self.tracer.as_ref().is_some_and(|t| t.options().hostios);
        let before = records
            .then(|| hostio::args_before(hook, args, &|p, l| run.read(p, l).unwrap_or_default()));
        let res = self.serve_inner(run, hook, args);
        let results = match &res {
            Ok(vals) => Some(vals.clone()),
            Err(HookError::Escape(Escape::Exit(_))) => Some(Vec::new()),
            _ => None,
        };
        if let (Some(vals), Some(t)) = (results, self.tracer.as_deref_mut()) {
            let outs = if records {
                let len = run.call.input.len() as u32;
                hostio::outs_after(
                    hook,
                    args,
                    &vals,
                    &|p, l| run.read(p, l).unwrap_or_default(),
                    len,
                )
            } else {
                Vec::new()
            };
            let end = run.ink_left();
            t.stylus_hostio(hook, args, start, end, before.unwrap_or_default(), outs);
        }
        match res {
            Ok(v) => Ok(Ok(v)),
            Err(HookError::Escape(e)) => Ok(Err(e)),
            Err(HookError::Db(e)) => Err(e),
        }
    }

    fn serve_inner(
        &mut self,
        run: &mut Run<'_>,
        hook: Hook,
        a: &[Val],
    ) -> Result<Vec<Val>, HookError<CTX>> {
        let call = run.call;
        let p = &self.runtime.params;
        let ink_price = p.ink_price;
        Ok(match hook {
            Hook::ReadArgs => {
                run.buy_ink(HOSTIO_INK + write_price(call.input.len() as u64))?;
                run.write(arg_u32(a, 0), &call.input)?;
                vec![]
            }
            Hook::WriteResult => {
                let len = arg_u32(a, 1);
                run.buy_ink(HOSTIO_INK + 2 * read_price(u64::from(len)))?;
                run.output = run.read(arg_u32(a, 0), len)?.into();
                vec![]
            }
            Hook::ExitEarly => {
                run.buy_ink(HOSTIO_INK)?;
                return Err(Escape::Exit(arg_u32(a, 0) as i32).into());
            }
            Hook::StorageLoadBytes32 => {
                run.buy_ink(BASE_18480)?;
                let key = run.read32(arg_u32(a, 0))?;
                self.require_gas(run, COLD_SLOAD + 10 + EVM_API_GAS)?;
                let mut gas = run.cache.read_gas();
                let value = match run.cache.get(&key) {
                    Some(slot) => slot.value,
                    None => {
                        let load = self
                            .inner
                            .ctx
                            .journal_mut()
                            .sload(call.target, key.into())
                            .map_err(db::<CTX>)?;
                        if let Some(t) = self.tracer.as_deref_mut() {
                            t.stylus_storage(true, load.is_cold);
                        }
                        gas += if load.is_cold { COLD_SLOAD } else { WARM } + EVM_API_GAS;
                        let v = B256::from(load.data.to_be_bytes::<32>());
                        run.cache.loaded(key, v);
                        v
                    }
                };
                self.buy_gas(run, gas)?;
                run.write(arg_u32(a, 1), value.as_slice())?;
                vec![]
            }
            Hook::StorageCacheBytes32 => {
                run.buy_ink(BASE_18480)?;
                let key = run.read32(arg_u32(a, 0))?;
                let value = run.read32(arg_u32(a, 1))?;
                self.require_gas(run, SSTORE_SENTRY + 10)?;
                let gas = run.cache.write_gas();
                self.buy_gas(run, gas)?;
                run.cache.write(key, value);
                vec![]
            }
            Hook::StorageFlushCache => {
                run.buy_ink(BASE_68073)?;
                self.require_gas(run, SSTORE_SENTRY)?;
                self.flush(run)?;
                if arg_u32(a, 0) != 0 {
                    run.cache.clear();
                }
                vec![]
            }
            Hook::TransientLoadBytes32 => {
                run.buy_ink(BASE_78153)?;
                let key = run.read32(arg_u32(a, 0))?;
                self.buy_gas(run, WARM)?;
                let v = self.inner.ctx.journal_mut().tload(call.target, key.into());
                run.write(arg_u32(a, 1), &v.to_be_bytes::<32>())?;
                vec![]
            }
            Hook::TransientStoreBytes32 => {
                run.buy_ink(BASE_78153)?;
                let key = run.read32(arg_u32(a, 0))?;
                let value = run.read32(arg_u32(a, 1))?;
                self.buy_gas(run, WARM)?;
                if call.is_static {
                    return Err(Escape::Failure("write protection".into()).into());
                }
                self.inner
                    .ctx
                    .journal_mut()
                    .tstore(call.target, key.into(), value.into());
                vec![]
            }
            Hook::CallContract | Hook::DelegateCallContract | Hook::StaticCallContract => {
                let (addr_ptr, data_ptr, len) = (arg_u32(a, 0), arg_u32(a, 1), arg_u32(a, 2));
                let (value, gas_req, ret_ptr) = if hook == Hook::CallContract {
                    (
                        run.read32(arg_u32(a, 3))?.into(),
                        arg_u64(a, 4),
                        arg_u32(a, 5),
                    )
                } else {
                    (U256::ZERO, arg_u64(a, 3), arg_u32(a, 4))
                };
                run.buy_ink(BASE_CALL + 2 * read_price(u64::from(len)))?;
                let target = run.read_addr(addr_ptr)?;
                let data: Bytes = run.read(data_ptr, len)?.into();
                let status = self.hook_call(run, hook, target, data, value, gas_req)?;
                let n = run.return_data.len() as u32;
                run.write(ret_ptr, &n.to_le_bytes())?;
                i32v(status)
            }
            Hook::Create1 | Hook::Create2 => {
                let (code_ptr, len, value_ptr) = (arg_u32(a, 0), arg_u32(a, 1), arg_u32(a, 2));
                let (salt, addr_out, rev_out) = if hook == Hook::Create2 {
                    (
                        Some(run.read32(arg_u32(a, 3))?),
                        arg_u32(a, 4),
                        arg_u32(a, 5),
                    )
                } else {
                    (None, arg_u32(a, 3), arg_u32(a, 4))
                };
                let base = if salt.is_some() {
                    BASE_CREATE2
                } else {
                    BASE_CALL
                };
                run.buy_ink(base + 2 * read_price(u64::from(len)))?;
                let code: Bytes = run.read(code_ptr, len)?.into();
                let value: U256 = run.read32(value_ptr)?.into();
                let addr = self.hook_create(run, code, value, salt)?;
                run.write(addr_out, addr.as_slice())?;
                let n = run.return_data.len() as u32;
                run.write(rev_out, &n.to_le_bytes())?;
                vec![]
            }
            Hook::ReadReturnData => {
                let (dest, offset, size) = (
                    arg_u32(a, 0),
                    arg_u32(a, 1) as usize,
                    arg_u32(a, 2) as usize,
                );
                let data = &run.return_data;
                let start = offset.min(data.len());
                let end = offset.saturating_add(size).min(data.len());
                let slice = data[start..end].to_vec();
                run.buy_ink(BASE_68073 + write_price(slice.len() as u64))?;
                run.write(dest, &slice)?;
                i32v(slice.len() as u32)
            }
            Hook::ReturnDataSize => {
                run.buy_ink(HOSTIO_INK)?;
                i32v(run.return_data.len() as u32)
            }
            Hook::EmitLog => {
                let (ptr, len, topics) = (arg_u32(a, 0), arg_u32(a, 1), arg_u32(a, 2));
                run.buy_ink(BASE_68073 + read_price(u64::from(len)))?;
                if topics > 4 || len < topics * 32 {
                    return Err(Escape::Failure("bad log".into()).into());
                }
                let payload = u64::from(len - topics * 32);
                self.buy_gas(run, 375 * (1 + u64::from(topics)) + 8 * payload)?;
                if call.is_static {
                    return Err(Escape::Failure("write protection".into()).into());
                }
                let bytes = run.read(ptr, len)?;
                let (t, d) = bytes.split_at(topics as usize * 32);
                let topics = t.chunks(32).map(B256::from_slice).collect();
                self.inner.ctx.journal_mut().log(Log::new_unchecked(
                    call.target,
                    topics,
                    Bytes::copy_from_slice(d),
                ));
                vec![]
            }
            Hook::AccountBalance => {
                run.buy_ink(BASE_78153)?;
                let addr = run.read_addr(arg_u32(a, 0))?;
                self.require_gas(run, COLD_ACCOUNT)?;
                let acc = self
                    .inner
                    .ctx
                    .journal_mut()
                    .load_account(addr)
                    .map_err(db::<CTX>)?;
                let (bal, cold) = (acc.info.balance, acc.is_cold);
                self.buy_gas(run, if cold { COLD_ACCOUNT } else { WARM })?;
                run.write(arg_u32(a, 1), &bal.to_be_bytes::<32>())?;
                vec![]
            }
            Hook::AccountCode | Hook::AccountCodeSize => {
                run.buy_ink(BASE_68073)?;
                let addr = run.read_addr(arg_u32(a, 0))?;
                let code_gas = 700 * (p.max_code_size as u64 / 24_576);
                self.require_gas(run, COLD_ACCOUNT + code_gas)?;
                let acc = self
                    .inner
                    .ctx
                    .journal_mut()
                    .load_account_with_code(addr)
                    .map_err(db::<CTX>)?;
                let cold = acc.is_cold;
                let code = acc
                    .info
                    .code
                    .as_ref()
                    .map(|c| c.original_bytes())
                    .unwrap_or_default();
                self.buy_gas(run, code_gas + if cold { COLD_ACCOUNT } else { WARM })?;
                if hook == Hook::AccountCodeSize {
                    i32v(code.len() as u32)
                } else {
                    let (offset, size, dest) = (
                        arg_u32(a, 1) as usize,
                        arg_u32(a, 2) as usize,
                        arg_u32(a, 3),
                    );
                    run.buy_ink(write_price(code.len() as u64))?;
                    let start = offset.min(code.len());
                    let end = offset.saturating_add(size).min(code.len());
                    run.write(dest, &code[start..end])?;
                    i32v((end - start) as u32)
                }
            }
            Hook::AccountCodehash => {
                run.buy_ink(BASE_78153)?;
                let addr = run.read_addr(arg_u32(a, 0))?;
                self.require_gas(run, COLD_ACCOUNT)?;
                let acc = self
                    .inner
                    .ctx
                    .journal_mut()
                    .load_account_with_code(addr)
                    .map_err(db::<CTX>)?;
                let cold = acc.is_cold;
                let hash = if acc.info.is_empty() {
                    B256::ZERO
                } else {
                    acc.info.code_hash
                };
                self.buy_gas(run, if cold { COLD_ACCOUNT } else { WARM })?;
                run.write(arg_u32(a, 1), hash.as_slice())?;
                vec![]
            }
            Hook::EvmGasLeft => {
                run.buy_ink(HOSTIO_INK)?;
                i64v(self.runtime.params.ink_to_gas(run.ink_left()))
            }
            Hook::EvmInkLeft => {
                run.buy_ink(HOSTIO_INK)?;
                i64v(run.ink_left())
            }
            Hook::BlockBasefee => {
                run.buy_ink(BASE_13440)?;
                let v = U256::from(self.inner.ctx.block().basefee());
                run.write(arg_u32(a, 0), &v.to_be_bytes::<32>())?;
                vec![]
            }
            Hook::Chainid => {
                run.buy_ink(HOSTIO_INK)?;
                i64v(self.inner.ctx.cfg().chain_id())
            }
            Hook::BlockCoinbase => {
                run.buy_ink(BASE_13440)?;
                let v = self.inner.ctx.block().beneficiary();
                run.write(arg_u32(a, 0), v.as_slice())?;
                vec![]
            }
            Hook::BlockGasLimit => {
                run.buy_ink(HOSTIO_INK)?;
                i64v(self.inner.ctx.block().gas_limit())
            }
            Hook::BlockNumber => {
                run.buy_ink(HOSTIO_INK)?;
                i64v(self.inner.ctx.block().number().saturating_to())
            }
            Hook::BlockTimestamp => {
                run.buy_ink(HOSTIO_INK)?;
                i64v(self.inner.ctx.block().timestamp().saturating_to())
            }
            Hook::ContractAddress => {
                run.buy_ink(BASE_13440)?;
                run.write(arg_u32(a, 0), call.target.as_slice())?;
                vec![]
            }
            Hook::MathDiv | Hook::MathMod | Hook::MathPow => {
                let (ap, bp) = (arg_u32(a, 0), arg_u32(a, 1));
                let x: U256 = run.read32(ap)?.into();
                let y: U256 = run.read32(bp)?.into();
                let r = match hook {
                    Hook::MathDiv => {
                        run.buy_ink(43_520)?;
                        x.checked_div(y).unwrap_or(U256::ZERO)
                    }
                    Hook::MathMod => {
                        run.buy_ink(43_520)?;
                        x.checked_rem(y).unwrap_or(U256::ZERO)
                    }
                    _ => {
                        run.buy_ink(23_520 + pricing::pow_price(&y.to_be_bytes::<32>()))?;
                        x.wrapping_pow(y)
                    }
                };
                run.write(ap, &r.to_be_bytes::<32>())?;
                vec![]
            }
            Hook::MathAddMod | Hook::MathMulMod => {
                run.buy_ink(if hook == Hook::MathAddMod {
                    49_560
                } else {
                    52_660
                })?;
                let ap = arg_u32(a, 0);
                let x: U256 = run.read32(ap)?.into();
                let y: U256 = run.read32(arg_u32(a, 1))?.into();
                let m: U256 = run.read32(arg_u32(a, 2))?.into();
                let r = if m.is_zero() {
                    U256::ZERO
                } else if hook == Hook::MathAddMod {
                    x.add_mod(y, m)
                } else {
                    x.mul_mod(y, m)
                };
                run.write(ap, &r.to_be_bytes::<32>())?;
                vec![]
            }
            Hook::MsgReentrant => {
                run.buy_ink(HOSTIO_INK)?;
                let n = self.tx_state.frames.get(&call.target).copied().unwrap_or(0);
                i32v(u32::from(n > 1))
            }
            Hook::MsgSender => {
                run.buy_ink(BASE_13440)?;
                run.write(arg_u32(a, 0), call.caller.as_slice())?;
                vec![]
            }
            Hook::MsgValue => {
                run.buy_ink(BASE_13440)?;
                run.write(arg_u32(a, 0), &call.value.to_be_bytes::<32>())?;
                vec![]
            }
            Hook::TxGasPrice => {
                run.buy_ink(BASE_13440)?;
                // On Arbitrum the effective gas price is the basefee.
                let v = U256::from(self.inner.ctx.block().basefee());
                run.write(arg_u32(a, 0), &v.to_be_bytes::<32>())?;
                vec![]
            }
            Hook::TxInkPrice => {
                run.buy_ink(HOSTIO_INK)?;
                i32v(ink_price)
            }
            Hook::TxOrigin => {
                run.buy_ink(BASE_13440)?;
                let o = self.inner.ctx.tx().caller();
                run.write(arg_u32(a, 0), o.as_slice())?;
                vec![]
            }
            Hook::PayForMemoryGrow => {
                run.buy_ink(HOSTIO_INK)?;
                let pages = u16::try_from(arg_u32(a, 0)).unwrap_or(u16::MAX);
                if pages > 0 {
                    let (open, ever) = (self.tx_state.pages_open, self.tx_state.pages_ever);
                    let mut cost = memory_gas_cost(pages, open, ever, p.free_pages, p.page_gas);
                    if open.saturating_add(pages) > p.page_limit {
                        cost = u64::MAX;
                    }
                    self.buy_gas(run, cost)?;
                    self.tx_state.pages_open = open.saturating_add(pages);
                    self.tx_state.pages_ever = ever.max(self.tx_state.pages_open);
                }
                vec![]
            }
            Hook::NativeKeccak256 => {
                let len = arg_u32(a, 1);
                run.buy_ink(pricing::keccak_price(u64::from(len)))?;
                let data = run.read(arg_u32(a, 0), len)?;
                run.write(arg_u32(a, 2), keccak256(data).as_slice())?;
                vec![]
            }
            Hook::LogTxt => {
                // Charged like a read of the text (Nitro's debug chains print it for free; a
                // program must not fill the node's memory for nothing). The bounds check comes
                // before any allocation (`Run::read`).
                let len = arg_u32(a, 1);
                run.buy_ink(HOSTIO_INK.saturating_add(read_price(u64::from(len))))?;
                let text = run.read(arg_u32(a, 0), len)?;
                self.runtime
                    .console_push(String::from_utf8_lossy(&text).into_owned());
                vec![]
            }
            Hook::LogI32 | Hook::LogI64 | Hook::LogF32 | Hook::LogF64 => {
                self.runtime.console_push(format!("{:?}", a.first()));
                vec![]
            }
            Hook::TeeI32 | Hook::TeeI64 | Hook::TeeF32 | Hook::TeeF64 => {
                self.runtime.console_push(format!("{:?}", a.first()));
                a.to_vec()
            }
            Hook::NullHost | Hook::StartBenchmark | Hook::EndBenchmark => vec![],
        })
    }

    fn flush(&mut self, run: &mut Run<'_>) -> Result<(), HookError<CTX>> {
        let dirty = run.cache.dirty();
        if dirty.is_empty() {
            return Ok(());
        }
        if run.call.is_static {
            return Err(Escape::Failure("write protection".into()).into());
        }
        for (key, value) in dirty {
            let res = self
                .inner
                .ctx
                .journal_mut()
                .sstore(run.call.target, key.into(), value.into())
                .map_err(db::<CTX>)?;
            if let Some(t) = self.tracer.as_deref_mut() {
                t.stylus_storage(false, res.is_cold);
            }
            let (gas, refund) = sstore_cost(
                res.data.original_value,
                res.data.present_value,
                res.data.new_value,
                res.is_cold,
            );
            if self.buy_gas(run, gas).is_err() {
                return Err(if self.runtime.params.arbos_version >= 50 {
                    Escape::OutOfInk
                } else {
                    Escape::Failure("out of gas in flush".into())
                }
                .into());
            }
            run.refund += refund;
            run.cache.flushed(key, value);
        }
        Ok(())
    }

    fn hook_call(
        &mut self,
        run: &mut Run<'_>,
        hook: Hook,
        target: Address,
        data: Bytes,
        value: U256,
        gas_req: u64,
    ) -> Result<u32, HookError<CTX>> {
        let call = run.call;
        if hook == Hook::CallContract && call.is_static && !value.is_zero() {
            run.return_data = Bytes::new();
            return Ok(2);
        }
        let acc = self
            .inner
            .ctx
            .journal_mut()
            .load_account_with_code(target)
            .map_err(db::<CTX>)?;
        let cold = acc.is_cold;
        let empty = acc.info.is_empty();
        let code = acc.info.code.clone().unwrap_or_default();
        let code_hash = acc.info.code_hash;
        let mut base = WARM + if cold { COLD_ACCOUNT - WARM } else { 0 };
        if !value.is_zero() {
            base += 9_000;
            if empty {
                base += 25_000;
            }
        }
        let gas_left = self.runtime.params.ink_to_gas(run.ink_left());
        if gas_left < base {
            return Err(Escape::OutOfInk.into());
        }
        let available = gas_left - base;
        let mut gas = (available - available / 64).min(gas_req);
        let start_gas = gas;
        if !value.is_zero() {
            gas += 2_300;
        }
        let (scheme, caller, target_address, call_value, is_static) = match hook {
            Hook::CallContract => (
                CallScheme::Call,
                call.target,
                target,
                CallValue::Transfer(value),
                call.is_static,
            ),
            Hook::DelegateCallContract => (
                CallScheme::DelegateCall,
                call.caller,
                call.target,
                CallValue::Apparent(call.value),
                call.is_static,
            ),
            _ => (
                CallScheme::StaticCall,
                call.target,
                target,
                CallValue::Transfer(U256::ZERO),
                true,
            ),
        };
        let inputs = CallInputs {
            input: CallInput::Bytes(data),
            return_memory_offset: 0..0,
            gas_limit: gas,
            reservoir: 0,
            bytecode_address: target,
            known_bytecode: (code_hash, code),
            target_address,
            caller,
            value: call_value,
            scheme,
            is_static,
            charged_new_account_state_gas: false,
        };
        let result = self
            .nested(FrameInput::Call(Box::new(inputs)))
            .map_err(HookError::Db)?;
        let FrameResult::Call(outcome) = result else {
            return Err(Escape::Failure("unexpected create result".into()).into());
        };
        let returned = if outcome.result.result.is_ok_or_revert() {
            outcome.result.gas.remaining()
        } else {
            0
        };
        let cost = base.saturating_add(start_gas.saturating_sub(returned));
        self.buy_gas(run, cost)?;
        run.return_data = outcome.result.output.clone();
        Ok(if outcome.result.result.is_ok() { 0 } else { 2 })
    }

    fn hook_create(
        &mut self,
        run: &mut Run<'_>,
        code: Bytes,
        value: U256,
        salt: Option<B256>,
    ) -> Result<Address, HookError<CTX>> {
        let call = run.call;
        if call.is_static {
            return Err(Escape::Failure("write protection".into()).into());
        }
        let mut base = 32_000u64;
        if salt.is_some() {
            base += 6 * (code.len() as u64).div_ceil(32);
        }
        self.buy_gas(run, base)?;
        let gas_left = self.runtime.params.ink_to_gas(run.ink_left());
        let gas = gas_left - gas_left / 64;
        let scheme = match salt {
            Some(s) => revm::interpreter::CreateScheme::Create2 { salt: s.into() },
            None => revm::interpreter::CreateScheme::Create,
        };
        let inputs = CreateInputs::new(call.target, scheme, value, code, gas, 0);
        let result = self
            .nested(FrameInput::Create(Box::new(inputs)))
            .map_err(HookError::Db)?;
        let FrameResult::Create(outcome) = result else {
            return Err(Escape::Failure("unexpected call result".into()).into());
        };
        let returned = if outcome.result.result.is_ok_or_revert() {
            outcome.result.gas.remaining()
        } else {
            0
        };
        self.buy_gas(run, gas.saturating_sub(returned))?;
        if outcome.result.result.is_ok() {
            run.return_data = Bytes::new();
            Ok(outcome.address.unwrap_or_default())
        } else {
            run.return_data = if outcome.result.result == InstructionResult::Revert {
                outcome.result.output.clone()
            } else {
                Bytes::new()
            };
            Ok(Address::ZERO)
        }
    }
}

enum HookError<CTX: ContextTr> {
    Escape(Escape),
    Db(ContextDbError<CTX>),
}

impl<CTX: ContextTr> From<Escape> for HookError<CTX> {
    fn from(e: Escape) -> Self {
        HookError::Escape(e)
    }
}

fn db<CTX: ContextTr>(e: <CTX::Db as revm::Database>::Error) -> HookError<CTX> {
    HookError::Db(revm::context_interface::context::ContextError::Db(e))
}
