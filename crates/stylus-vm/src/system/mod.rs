//! Native system contracts: the ArbOS precompiles the tools touch and the StylusDeployer.

mod arbwasm;
pub mod cache_manager;
mod deployer;
mod misc;

use revm::context::ContextTr;
use revm::handler::evm::ContextDbError;
use revm::interpreter::InstructionResult;
use revm::primitives::{Address, Bytes};

use crate::evm::{CallFrame, NativeOutcome, StylusEvm};
use crate::params::{
    ARB_DEBUG, ARB_GAS_INFO, ARB_INFO, ARB_OWNER, ARB_OWNER_PUBLIC, ARB_SYS, ARB_WASM,
    ARB_WASM_CACHE, CACHE_MANAGER, STYLUS_DEPLOYER,
};

pub use arbwasm::{activate_program, ActivationError};
pub use misc::cache_manager_genesis_state;

/// Gas a precompile charges for reading one ArbOS storage word.
pub const STORAGE_READ_GAS: u64 = 800;
/// Gas a precompile charges for writing one ArbOS storage word.
pub const STORAGE_WRITE_GAS: u64 = 20_000;

/// Result of a precompile method before gas bookkeeping.
pub(crate) enum Reply {
    /// Success with ABI-encoded output, after spending `gas`.
    Ok(Bytes, u64),
    /// Revert with data (a Solidity error or empty), after spending `gas`.
    Revert(Bytes, u64),
    /// Revert consuming all gas (Nitro's takeAllGas), with data.
    RevertAllGas(Bytes),
    /// Out of gas.
    OutOfGas,
}

impl Reply {
    pub(crate) fn into_outcome(self, gas_limit: u64, calldata_len: usize) -> NativeOutcome {
        // Nitro charges 3 gas per word of calldata for precompile arguments.
        let args_gas = 3 * (calldata_len as u64).div_ceil(32);
        let settle = |gas: u64| gas_limit.checked_sub(gas.saturating_add(args_gas));
        match self {
            Reply::Ok(out, gas) => match settle(gas) {
                Some(left) => NativeOutcome::ok(out, left),
                None => NativeOutcome::halt(InstructionResult::OutOfGas),
            },
            Reply::Revert(out, gas) => match settle(gas) {
                Some(left) => NativeOutcome::revert(out, left),
                None => NativeOutcome::halt(InstructionResult::OutOfGas),
            },
            Reply::RevertAllGas(out) => NativeOutcome::revert(out, 0),
            Reply::OutOfGas => NativeOutcome::halt(InstructionResult::OutOfGas),
        }
    }
}

/// Whether a system-contract method writes state (and so is refused in a static context).
fn mutates(addr: Address, sel: [u8; 4]) -> bool {
    use crate::abi::selector;
    match addr {
        ARB_WASM => {
            sel == selector("activateProgram(address)")
                || sel == selector("codehashKeepalive(bytes32)")
        }
        ARB_WASM_CACHE => [
            "cacheCodehash(bytes32)",
            "cacheProgram(address)",
            "evictCodehash(bytes32)",
        ]
        .iter()
        .any(|m| sel == selector(m)),
        ARB_OWNER | ARB_DEBUG => true,
        STYLUS_DEPLOYER => sel == selector("deploy(bytes,bytes,uint256,bytes32)"),
        CACHE_MANAGER => [
            "placeBid(address)",
            "makeSpace(uint64)",
            "setCacheSize(uint64)",
            "setDecayRate(uint64)",
            "paused()",
            "unpause()",
            "evictAll()",
            "evictPrograms(uint256)",
            "sweepFunds()",
            "initialize(uint64,uint64)",
        ]
        .iter()
        .any(|m| sel == selector(m)),
        _ => false,
    }
}

impl<CTX> StylusEvm<CTX>
where
    CTX: ContextTr + revm::interpreter::Host,
{
    /// Runs a call into a system contract.
    pub(crate) fn exec_system(
        &mut self,
        addr: Address,
        call: &CallFrame,
    ) -> Result<NativeOutcome, ContextDbError<CTX>> {
        if call.input.len() < 4 {
            // No fallback on system contracts: revert without data.
            return Ok(NativeOutcome::revert(Bytes::new(), call.gas_limit));
        }
        let sel = [call.input[0], call.input[1], call.input[2], call.input[3]];
        let args = &call.input[4..];
        if call.is_static && mutates(addr, sel) {
            // Nitro: a non-view precompile method in a static context is a write-protection
            // error, which consumes all gas.
            return Ok(NativeOutcome::halt(
                InstructionResult::StateChangeDuringStaticCall,
            ));
        }
        let reply = match addr {
            ARB_WASM => self.arb_wasm(call, sel, args)?,
            ARB_WASM_CACHE => self.arb_wasm_cache(call, sel, args)?,
            ARB_SYS => self.arb_sys(sel, args)?,
            ARB_INFO => self.arb_info(sel, args)?,
            ARB_OWNER_PUBLIC => self.arb_owner_public(sel, args)?,
            ARB_GAS_INFO => self.arb_gas_info(sel)?,
            ARB_OWNER => self.arb_owner(call, sel, args)?,
            ARB_DEBUG => self.arb_debug(call, sel)?,
            STYLUS_DEPLOYER => return self.stylus_deployer(call, sel, args),
            CACHE_MANAGER => self.cache_manager(call, sel, args)?,
            _ => Reply::Revert(Bytes::new(), 0),
        };
        Ok(reply.into_outcome(call.gas_limit, call.input.len()))
    }
}
