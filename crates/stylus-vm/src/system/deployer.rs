//! The StylusDeployer at its canonical address, implemented natively with the ABI and rules of
//! nitro-contracts 3.1.1 (the version deployed at that address): CREATE2 salt
//! `keccak256(salt ‖ initData)`, activation when the code hash is not at the current Stylus
//! version, the init call, `ContractInitializationError(address,bytes)` carrying the
//! constructor's revert data, the refund `msg.value − dataFee − initValue` (checked, like
//! Solidity 0.8) and the `ContractDeployed(address)` event.

use revm::context::ContextTr;
use revm::context_interface::context::ContextError;
use revm::context_interface::JournalTr;
use revm::handler::{evm::ContextDbError, FrameResult};
use revm::interpreter::{
    CallInput, CallInputs, CallScheme, CallValue, CreateInputs, CreateScheme, FrameInput,
    InstructionResult,
};
use revm::primitives::{keccak256, Address, Bytes, Log, B256, U256};

use crate::abi::{self, selector};
use crate::evm::{CallFrame, NativeOutcome, StylusEvm};
use crate::params::{ARB_WASM, STYLUS_DEPLOYER};

/// Gas the deployer charges for its own bookkeeping (calldata handling, event, checks).
const DEPLOYER_OVERHEAD_GAS: u64 = 10_000;

/// The CREATE2 salt the deployer uses for a non-zero `salt`: keccak256(salt ‖ initData).
pub fn init_salt(salt: B256, init_data: &[u8]) -> B256 {
    let mut v = salt.to_vec();
    v.extend_from_slice(init_data);
    keccak256(v)
}

/// Solidity's `Panic(0x11)`: arithmetic underflow in the deployer's value bookkeeping.
fn underflow_panic() -> Bytes {
    abi::encode_error("Panic(uint256)", &[abi::u64_word(0x11)])
}

/// `ContractInitializationError(address newContract, bytes data)`.
fn initialization_error(new_contract: Address, data: &[u8]) -> Bytes {
    let mut out = selector("ContractInitializationError(address,bytes)").to_vec();
    out.extend_from_slice(&abi::address_word(new_contract).0);
    out.extend_from_slice(&abi::u64_word(64).0);
    out.extend_from_slice(&abi::u64_word(data.len() as u64).0);
    out.extend_from_slice(data);
    out.resize(4 + 96 + data.len().div_ceil(32) * 32, 0);
    out.into()
}

struct Budget {
    left: u64,
}

impl Budget {
    fn spend(&mut self, gas: u64) -> bool {
        match self.left.checked_sub(gas) {
            Some(l) => {
                self.left = l;
                true
            }
            None => false,
        }
    }
    /// All but one 64th of what is left.
    fn forwardable(&self) -> u64 {
        self.left - self.left / 64
    }
}

impl<CTX> StylusEvm<CTX>
where
    CTX: ContextTr + revm::interpreter::Host,
{
    fn deployer_call(
        &mut self,
        budget: &mut Budget,
        target: Address,
        input: Bytes,
        value: U256,
        is_static: bool,
    ) -> Result<(bool, Bytes), ContextDbError<CTX>> {
        let acc = self
            .inner
            .ctx
            .journal_mut()
            .load_account_with_code(target)
            .map_err(ContextError::Db)?;
        let code = acc.info.code.clone().unwrap_or_default();
        let hash = acc.info.code_hash;
        let gas = budget.forwardable();
        let inputs = CallInputs {
            input: CallInput::Bytes(input),
            return_memory_offset: 0..0,
            gas_limit: gas,
            reservoir: 0,
            bytecode_address: target,
            known_bytecode: (hash, code),
            target_address: target,
            caller: STYLUS_DEPLOYER,
            value: CallValue::Transfer(value),
            scheme: if is_static {
                CallScheme::StaticCall
            } else {
                CallScheme::Call
            },
            is_static,
            charged_new_account_state_gas: false,
        };
        let FrameResult::Call(out) = self.nested(FrameInput::Call(Box::new(inputs)))? else {
            return Ok((false, Bytes::new()));
        };
        let returned = if out.result.result.is_ok_or_revert() {
            out.result.gas.remaining()
        } else {
            0
        };
        budget.spend(gas.saturating_sub(returned));
        Ok((out.result.result.is_ok(), out.result.output))
    }

    /// Whether `addr`'s code hash is not activated at the current Stylus version
    /// (`ArbWasm.codehashVersion` reverting counts as version 0).
    fn requires_activation(
        &mut self,
        budget: &mut Budget,
        addr: Address,
    ) -> Result<bool, ContextDbError<CTX>> {
        let codehash = self
            .inner
            .ctx
            .journal_mut()
            .load_account_with_code(addr)
            .map_err(ContextError::Db)?
            .info
            .code_hash;
        let mut q = selector("codehashVersion(bytes32)").to_vec();
        q.extend_from_slice(codehash.as_slice());
        let (ok, out) = self.deployer_call(budget, ARB_WASM, q.into(), U256::ZERO, true)?;
        let version = if ok {
            abi::uint_arg(&out, 0).unwrap_or_default()
        } else {
            U256::ZERO
        };
        Ok(version != U256::from(self.runtime.params.version))
    }

    pub(super) fn stylus_deployer(
        &mut self,
        call: &CallFrame,
        sel: [u8; 4],
        args: &[u8],
    ) -> Result<NativeOutcome, ContextDbError<CTX>> {
        let revert = |data: Bytes, left: u64| Ok(NativeOutcome::revert(data, left));
        if sel == selector("initSalt(bytes32,bytes)") {
            let (Ok(salt), Ok(data)) = (abi::word(args, 0), abi::bytes_arg(args, 1)) else {
                return revert(Bytes::new(), call.gas_limit);
            };
            let out = abi::encode_words(&[init_salt(salt, &data)]);
            return Ok(NativeOutcome::ok(out, call.gas_limit.saturating_sub(100)));
        }
        if sel == selector("requiresActivation(address)") {
            let Ok(addr) = abi::address_arg(args, 0) else {
                return revert(Bytes::new(), call.gas_limit);
            };
            let mut budget = Budget {
                left: call.gas_limit,
            };
            let required = self.requires_activation(&mut budget, addr)?;
            return Ok(NativeOutcome::ok(
                abi::encode_words(&[abi::bool_word(required)]),
                budget.left,
            ));
        }
        if sel != selector("deploy(bytes,bytes,uint256,bytes32)") {
            return revert(Bytes::new(), call.gas_limit);
        }
        let (Ok(bytecode), Ok(init_data), Ok(init_value), Ok(salt)) = (
            abi::bytes_arg(args, 0),
            abi::bytes_arg(args, 1),
            abi::uint_arg(args, 2),
            abi::word(args, 3),
        ) else {
            return revert(Bytes::new(), call.gas_limit);
        };
        let mut budget = Budget {
            left: call.gas_limit,
        };
        let calldata_gas = 3 * (call.input.len() as u64).div_ceil(32);
        if !budget.spend(DEPLOYER_OVERHEAD_GAS + calldata_gas) {
            return Ok(NativeOutcome::halt(InstructionResult::OutOfGas));
        }
        if bytecode.is_empty() {
            return revert(abi::encode_error("EmptyBytecode()", &[]), budget.left);
        }
        // 1. CREATE, or CREATE2 with the salt bound to the init data.
        let scheme = if salt.is_zero() {
            CreateScheme::Create
        } else {
            CreateScheme::Create2 {
                salt: init_salt(salt, &init_data).into(),
            }
        };
        let create_base = 32_000
            + if salt.is_zero() {
                0
            } else {
                6 * (bytecode.len() as u64).div_ceil(32)
            };
        if !budget.spend(create_base) {
            return Ok(NativeOutcome::halt(InstructionResult::OutOfGas));
        }
        let gas = budget.forwardable();
        let inputs = CreateInputs::new(
            STYLUS_DEPLOYER,
            scheme,
            U256::ZERO,
            bytecode.clone(),
            gas,
            0,
        );
        let FrameResult::Create(created) = self.nested(FrameInput::Create(Box::new(inputs)))?
        else {
            return revert(Bytes::new(), budget.left);
        };
        let returned = if created.result.result.is_ok_or_revert() {
            created.result.gas.remaining()
        } else {
            0
        };
        budget.spend(gas.saturating_sub(returned));
        let new_contract = match (created.result.result.is_ok(), created.address) {
            (true, Some(a)) => a,
            _ if created.result.result == InstructionResult::Revert
                && !created.result.output.is_empty() =>
            {
                return revert(created.result.output, budget.left);
            }
            _ => {
                let mut data = abi::selector("ContractDeploymentError(bytes)").to_vec();
                data.extend_from_slice(&abi::u64_word(32).0);
                data.extend_from_slice(&abi::u64_word(bytecode.len() as u64).0);
                data.extend_from_slice(&bytecode);
                data.resize(4 + 64 + bytecode.len().div_ceil(32) * 32, 0);
                return revert(data.into(), budget.left);
            }
        };
        // 2. Activate when the code hash is not at the current Stylus version.
        let mut data_fee = U256::ZERO;
        if self.requires_activation(&mut budget, new_contract)? {
            let Some(activation_value) = call.value.checked_sub(init_value) else {
                return revert(underflow_panic(), budget.left);
            };
            let mut a = selector("activateProgram(address)").to_vec();
            a.extend_from_slice(&abi::address_word(new_contract).0);
            let (ok, out) =
                self.deployer_call(&mut budget, ARB_WASM, a.into(), activation_value, false)?;
            if !ok {
                return revert(out, budget.left);
            }
            // activateProgram returns (uint16 version, uint256 dataFee).
            data_fee = abi::uint_arg(&out, 1).unwrap_or_default();
        }
        // 3. Initialise.
        if !init_data.is_empty() {
            let (ok, out) =
                self.deployer_call(&mut budget, new_contract, init_data, init_value, false)?;
            if !ok {
                return revert(initialization_error(new_contract, &out), budget.left);
            }
        } else if !init_value.is_zero() {
            return revert(
                abi::encode_error("InitValueButNotInitData()", &[]),
                budget.left,
            );
        }
        // 4. Refund msg.value − dataFee − initValue (never the deployer's other balance).
        {
            let Some(bal) = call
                .value
                .checked_sub(data_fee)
                .and_then(|v| v.checked_sub(init_value))
            else {
                return revert(underflow_panic(), budget.left);
            };
            if !bal.is_zero() {
                let (ok, _) =
                    self.deployer_call(&mut budget, call.caller, Bytes::new(), bal, false)?;
                if !ok {
                    return revert(
                        abi::encode_error(
                            "RefundExcessValueError(uint256)",
                            &[abi::uint_word(bal)],
                        ),
                        budget.left,
                    );
                }
            }
        }
        let topic = keccak256("ContractDeployed(address)");
        self.inner.ctx.journal_mut().log(Log::new_unchecked(
            STYLUS_DEPLOYER,
            vec![topic],
            abi::encode_words(&[abi::address_word(new_contract)]),
        ));
        Ok(NativeOutcome::ok(
            abi::encode_words(&[abi::address_word(new_contract)]),
            budget.left,
        ))
    }
}
