//! ArbWasm (0x71): activation, program queries and parameter getters, with Nitro's errors.

use revm::context::{Block, ContextTr};
use revm::context_interface::context::ContextError;
use revm::context_interface::JournalTr;
use revm::handler::evm::ContextDbError;
use revm::primitives::{keccak256, Address, Bytes, Log, B256};

use super::{Reply, STORAGE_READ_GAS, STORAGE_WRITE_GAS};
use crate::abi::{self, selector};
use crate::activation::{
    self, activation_wasm, asm_estimate, cached_cost, compile_gas, hours_since_arbitrum, init_cost,
    load_program, module_hash_slot, state_set, store_program, GasMeter, Program, WasmError,
};
use crate::code::CodeError;
use crate::evm::{CallFrame, StylusEvm};
use crate::params::{ARB_WASM, NETWORK_FEE_ACCOUNT};
use crate::runtime::PrepareError;

/// Why an activation did not produce a program record.
#[derive(Debug, thiserror::Error)]
pub enum ActivationError {
    /// The account's code is not a Stylus program (`ProgramNotWasm()`).
    #[error("program is not wasm")]
    NotWasm,
    /// Already activated at the current version and not expired (`ProgramUpToDate()`).
    #[error("program is up to date")]
    UpToDate,
    /// The code or its fragments break a rule (Nitro: a revert without data that keeps the
    /// gas not yet spent; `gas` is what was spent).
    #[error("{error}")]
    Code {
        /// The rule broken.
        error: CodeError,
        /// Gas spent before the failure (fixed, activation and fragment-read gas).
        gas: u64,
    },
    /// Validation or instrumentation failed (all gas is taken).
    #[error(transparent)]
    Invalid(#[from] PrepareError),
    /// Not enough gas for the fixed or compile charge.
    #[error("out of gas")]
    OutOfGas,
}

/// A successful activation.
#[derive(Debug, Clone)]
pub struct Activated {
    /// The stored record.
    pub program: Program,
    /// Code hash the record is keyed by.
    pub codehash: B256,
    /// Module hash.
    pub module_hash: B256,
    /// Gas spent (fixed + compile).
    pub gas: u64,
    /// Asm estimate in bytes (priced by the data pricer).
    pub asm_estimate: u32,
}

/// Validates and records the program at `program` (no fee handling); see [`StylusEvm`].
pub fn activate_program<CTX>(
    evm: &mut StylusEvm<CTX>,
    program: Address,
    gas_limit: u64,
) -> Result<Result<Activated, ActivationError>, ContextDbError<CTX>>
where
    CTX: ContextTr + revm::interpreter::Host,
{
    let params = evm.runtime.params.clone();
    let mut gas = params.activation_fixed_gas;
    if params.has_activation_gas() {
        gas = gas.saturating_add(params.activation_gas);
    }
    if gas > gas_limit {
        return Ok(Err(ActivationError::OutOfGas));
    }
    let now = hours_since_arbitrum(evm.inner.ctx.block().timestamp().saturating_to());
    let acc = evm
        .inner
        .ctx
        .journal_mut()
        .load_account_with_code(program)
        .map_err(ContextError::Db)?;
    let code = acc
        .info
        .code
        .as_ref()
        .map(|c| c.original_bytes())
        .unwrap_or_default();
    let codehash = acc.info.code_hash;
    if let Some(existing) = load_program(&mut evm.inner.ctx, codehash)? {
        if existing.version == params.version && !existing.expired(&params, now) {
            return Ok(Err(ActivationError::UpToDate));
        }
    }
    // Classic code, or a root whose fragment reads are charged here (activation module).
    let mut meter = GasMeter {
        spent: gas,
        limit: gas_limit,
    };
    let wasm = match activation_wasm(&mut evm.inner.ctx, &code, &params, &mut meter)? {
        Ok(wasm) => wasm,
        Err(WasmError::NotWasm) => return Ok(Err(ActivationError::NotWasm)),
        Err(WasmError::OutOfGas) => return Ok(Err(ActivationError::OutOfGas)),
        Err(WasmError::Code(error)) => {
            return Ok(Err(ActivationError::Code {
                error,
                gas: meter.spent,
            }))
        }
    };
    gas = meter.spent;
    let compiled = match evm
        .runtime
        .compile_with(codehash, evm.tx_state.pages_open, || Ok(wasm))
    {
        Ok(c) => c,
        Err(e) => return Ok(Err(e.into())),
    };
    gas = gas.saturating_add(compile_gas(&compiled.info));
    if gas > gas_limit {
        return Ok(Err(ActivationError::OutOfGas));
    }
    let estimate = asm_estimate(&compiled.info);
    let record = Program {
        version: params.version,
        init_cost: init_cost(&compiled.info),
        cached_cost: cached_cost(&compiled.info),
        footprint: compiled.info.initial_pages,
        activated_at: now,
        asm_estimate_kb: estimate.div_ceil(1024),
        cached: false,
    };
    store_program(&mut evm.inner.ctx, codehash, &record)?;
    state_set(
        &mut evm.inner.ctx,
        module_hash_slot(codehash),
        compiled.module_hash.into(),
    )?;
    Ok(Ok(Activated {
        program: record,
        codehash,
        module_hash: compiled.module_hash,
        gas,
        asm_estimate: estimate,
    }))
}

fn err(sig: &str, words: &[B256]) -> Bytes {
    abi::encode_error(sig, words)
}

impl<CTX> StylusEvm<CTX>
where
    CTX: ContextTr + revm::interpreter::Host,
{
    /// The active program for `codehash`, or the ArbWasm error Nitro reverts with.
    pub(super) fn active_program(
        &mut self,
        codehash: B256,
    ) -> Result<Result<Program, Bytes>, ContextDbError<CTX>> {
        let params = self.runtime.params.clone();
        let now = hours_since_arbitrum(self.inner.ctx.block().timestamp().saturating_to());
        Ok(match load_program(&mut self.inner.ctx, codehash)? {
            None => Err(err("ProgramNotActivated()", &[])),
            Some(p) if p.version != params.version => Err(err(
                "ProgramNeedsUpgrade(uint16,uint16)",
                &[
                    abi::u64_word(p.version.into()),
                    abi::u64_word(params.version.into()),
                ],
            )),
            Some(p) if p.expired(&params, now) => Err(err(
                "ProgramExpired(uint64)",
                &[abi::u64_word(u64::from(p.age_hours(now)) * 3600)],
            )),
            Some(p) => Ok(p),
        })
    }

    fn codehash_of(&mut self, addr: Address) -> Result<B256, ContextDbError<CTX>> {
        let acc = self
            .inner
            .ctx
            .journal_mut()
            .load_account_with_code(addr)
            .map_err(ContextError::Db)?;
        Ok(acc.info.code_hash)
    }

    pub(super) fn arb_wasm(
        &mut self,
        call: &CallFrame,
        sel: [u8; 4],
        args: &[u8],
    ) -> Result<Reply, ContextDbError<CTX>> {
        let p = self.runtime.params.clone();
        let r = STORAGE_READ_GAS;
        let word = |v: u64| abi::encode_words(&[abi::u64_word(v)]);
        let Ok(reply) = (|| -> Result<Result<Reply, ContextDbError<CTX>>, abi::AbiError> {
            Ok(Ok(if sel == selector("activateProgram(address)") {
                let program = abi::address_arg(args, 0)?;
                return Ok(self.activate_method(call, program));
            } else if sel == selector("stylusVersion()") {
                Reply::Ok(word(p.version.into()), r)
            } else if sel == selector("inkPrice()") {
                Reply::Ok(word(p.ink_price.into()), r)
            } else if sel == selector("maxStackDepth()") {
                Reply::Ok(word(p.max_stack_depth.into()), r)
            } else if sel == selector("freePages()") {
                Reply::Ok(word(p.free_pages.into()), r)
            } else if sel == selector("pageGas()") {
                Reply::Ok(word(p.page_gas.into()), r)
            } else if sel == selector("pageRamp()") {
                Reply::Ok(word(620_674_314), r)
            } else if sel == selector("pageLimit()") {
                Reply::Ok(word(p.page_limit.into()), r)
            } else if sel == selector("minInitGas()") {
                let words = [
                    abi::u64_word(u64::from(p.min_init_gas) * 128),
                    abi::u64_word(u64::from(p.min_cached_init_gas) * 32),
                ];
                Reply::Ok(abi::encode_words(&words), r)
            } else if sel == selector("initCostScalar()") {
                Reply::Ok(word(u64::from(p.init_cost_scalar) * 2), r)
            } else if sel == selector("expiryDays()") {
                Reply::Ok(word(p.expiry_days.into()), r)
            } else if sel == selector("keepaliveDays()") {
                Reply::Ok(word(p.keepalive_days.into()), r)
            } else if sel == selector("activationGas()") && p.has_activation_gas() {
                Reply::Ok(word(p.activation_gas), r)
            } else if sel == selector("blockCacheSize()") {
                Reply::Ok(word(p.block_cache_size.into()), r)
            } else if sel == selector("codehashVersion(bytes32)") {
                let codehash = abi::word(args, 0)?;
                return Ok(self.program_query(codehash, |_, prog| word(prog.version.into())));
            } else if sel == selector("codehashAsmSize(bytes32)") {
                let codehash = abi::word(args, 0)?;
                return Ok(self.program_query(codehash, |_, prog| {
                    word(u64::from(prog.asm_estimate_kb) * 1024)
                }));
            } else if sel == selector("codehashKeepalive(bytes32)") {
                let codehash = abi::word(args, 0)?;
                return Ok(self.keepalive(codehash));
            } else if sel == selector("programVersion(address)") {
                let a = abi::address_arg(args, 0)?;
                return Ok(self
                    .codehash_of(a)
                    .and_then(|h| self.program_query(h, |_, prog| word(prog.version.into()))));
            } else if sel == selector("programInitGas(address)") {
                let a = abi::address_arg(args, 0)?;
                return Ok(self.codehash_of(a).and_then(|h| {
                    self.program_query(h, |p, prog| {
                        abi::encode_words(&[
                            abi::u64_word(prog.init_gas(p)),
                            abi::u64_word(prog.cached_gas(p)),
                        ])
                    })
                }));
            } else if sel == selector("programMemoryFootprint(address)") {
                let a = abi::address_arg(args, 0)?;
                return Ok(self
                    .codehash_of(a)
                    .and_then(|h| self.program_query(h, |_, prog| word(prog.footprint.into()))));
            } else if sel == selector("programTimeLeft(address)") {
                let a = abi::address_arg(args, 0)?;
                let now = hours_since_arbitrum(self.inner.ctx.block().timestamp().saturating_to());
                return Ok(self.codehash_of(a).and_then(|h| {
                    self.program_query(h, |p, prog| {
                        let expiry = u64::from(p.expiry_days) * 24 * 3600;
                        word(expiry.saturating_sub(u64::from(prog.age_hours(now)) * 3600))
                    })
                }));
            } else {
                Reply::Revert(Bytes::new(), 0)
            }))
        })() else {
            return Ok(Reply::Revert(Bytes::new(), 0));
        };
        reply
    }

    fn program_query(
        &mut self,
        codehash: B256,
        f: impl FnOnce(&crate::params::StylusParams, &Program) -> Bytes,
    ) -> Result<Reply, ContextDbError<CTX>> {
        Ok(match self.active_program(codehash)? {
            Ok(prog) => Reply::Ok(f(&self.runtime.params, &prog), STORAGE_READ_GAS),
            Err(e) => Reply::Revert(e, STORAGE_READ_GAS),
        })
    }

    fn keepalive(&mut self, codehash: B256) -> Result<Reply, ContextDbError<CTX>> {
        let prog = match self.active_program(codehash)? {
            Ok(p) => p,
            Err(e) => return Ok(Reply::Revert(e, STORAGE_READ_GAS)),
        };
        let now = hours_since_arbitrum(self.inner.ctx.block().timestamp().saturating_to());
        let age = prog.age_hours(now);
        if age < u32::from(self.runtime.params.keepalive_days) * 24 {
            let e = err(
                "ProgramKeepaliveTooSoon(uint64)",
                &[abi::u64_word(u64::from(age) * 3600)],
            );
            return Ok(Reply::Revert(e, STORAGE_READ_GAS));
        }
        store_program(
            &mut self.inner.ctx,
            codehash,
            &Program {
                activated_at: now,
                ..prog
            },
        )?;
        Ok(Reply::Ok(
            Bytes::new(),
            STORAGE_READ_GAS + STORAGE_WRITE_GAS,
        ))
    }

    fn activate_method(
        &mut self,
        call: &CallFrame,
        program: Address,
    ) -> Result<Reply, ContextDbError<CTX>> {
        // The precompile's calldata gas (3 per word, see `Reply::into_outcome`) is paid first,
        // as Nitro does: activation (and its fragment reads) gets the rest.
        let args_gas = 3 * (call.input.len() as u64).div_ceil(32);
        let limit = call.gas_limit.saturating_sub(args_gas);
        let activated = match activate_program(self, program, limit)? {
            Ok(a) => a,
            Err(ActivationError::NotWasm) => {
                return Ok(Reply::Revert(
                    err("ProgramNotWasm()", &[]),
                    STORAGE_READ_GAS,
                ))
            }
            Err(ActivationError::UpToDate) => {
                return Ok(Reply::Revert(
                    err("ProgramUpToDate()", &[]),
                    STORAGE_READ_GAS,
                ))
            }
            Err(ActivationError::OutOfGas) => return Ok(Reply::OutOfGas),
            Err(ActivationError::Code { gas, .. }) => return Ok(Reply::Revert(Bytes::new(), gas)),
            Err(ActivationError::Invalid(_)) => return Ok(Reply::RevertAllGas(Bytes::new())),
        };
        let timestamp: u64 = self.inner.ctx.block().timestamp().saturating_to();
        let fee = activation::data_fee(&mut self.inner.ctx, activated.asm_estimate, timestamp)?;
        if call.value < fee {
            let e = err(
                "ProgramInsufficientValue(uint256,uint256)",
                &[abi::uint_word(call.value), abi::uint_word(fee)],
            );
            return Ok(Reply::Revert(e, activated.gas));
        }
        let Some(refund) = call.value.checked_sub(fee) else {
            return Ok(Reply::RevertAllGas(Bytes::new()));
        };
        let j = self.inner.ctx.journal_mut();
        if !fee.is_zero() {
            j.load_account(NETWORK_FEE_ACCOUNT)
                .map_err(ContextError::Db)?;
            if j.transfer(ARB_WASM, NETWORK_FEE_ACCOUNT, fee)
                .map_err(ContextError::Db)?
                .is_some()
            {
                return Ok(Reply::RevertAllGas(Bytes::new()));
            }
        }
        if !refund.is_zero() {
            j.load_account(call.caller).map_err(ContextError::Db)?;
            if j.transfer(ARB_WASM, call.caller, refund)
                .map_err(ContextError::Db)?
                .is_some()
            {
                return Ok(Reply::RevertAllGas(Bytes::new()));
            }
        }
        let topic0 = keccak256("ProgramActivated(bytes32,bytes32,address,uint256,uint16)");
        let data = abi::encode_words(&[
            activated.module_hash,
            abi::address_word(program),
            abi::uint_word(fee),
            abi::u64_word(activated.program.version.into()),
        ]);
        j.log(Log::new_unchecked(
            ARB_WASM,
            vec![topic0, activated.codehash],
            data,
        ));
        let out = abi::encode_words(&[
            abi::u64_word(activated.program.version.into()),
            abi::uint_word(fee),
        ]);
        Ok(Reply::Ok(out, activated.gas))
    }
}
