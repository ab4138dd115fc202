//! The one place where revm is constructed and run.
//!
//! Everything else in the node talks to the EVM through [`transact`] (execute and commit) and
//! [`simulate`] (execute and discard). The EVM is [`DevEvm`], a thin wrapper around the Stylus
//! runtime's [`StylusEvm`] (crate `stylus-vm`): revm's mainnet EVM whose frame loop runs
//! activated Stylus programs (`EF F0 00` code) on wasmi, serves the ArbOS system contracts
//! (ArbWasm, ArbSys, …, the StylusDeployer) natively, and applies Arbitrum's EIP-3541 rule:
//! revm's own 0xEF check is switched off (`cfg.disable_eip3541`, feature `optional_eip3541`)
//! and new code starting with 0xEF is rejected unless it carries a Stylus component prefix
//! (see [`StylusParams::code_allowed`]). Each chain uses the [`Runtime`] of its ArbOS
//! version (parameters and module cache), carried by [`ExecEnv::runtime`].

use std::sync::Arc;

use revm::{
    context::{
        result::{EVMError, ExecutionResult, InvalidTransaction},
        BlockEnv, CfgEnv, TxEnv,
    },
    database::{CacheDB, EmptyDB},
    handler::ExecuteEvm,
    primitives::hardfork::SpecId,
    Database, DatabaseCommit,
};
use stylus_vm::trace::{TraceOptions, Tracer};
use stylus_vm::{Runtime, StylusEvm, StylusParams};

/// The chain state: revm's in-memory cache over an empty backing store.
pub type ChainDb = CacheDB<EmptyDB>;

/// A read-only overlay over the chain state, used by `eth_call`, `eth_estimateGas` and
/// state overrides: writes land in the overlay and are dropped with it.
pub type OverlayDb<'a> = CacheDB<&'a ChainDb>;

/// The revm context the node runs with, over any database.
pub type DevContext<DB> = revm::handler::MainnetContext<DB>;

/// The error type of one execution.
pub type ExecError<DB> = EVMError<<DB as Database>::Error, InvalidTransaction>;

/// The hard fork the node runs (Nitro dev chains enable every Ethereum fork up to Prague;
/// Osaka's per-transaction gas cap is not part of Arbitrum).
pub const SPEC: SpecId = SpecId::PRAGUE;

/// The Stylus runtime of a Nitro dev chain at ArbOS `arbos_version` (one of
/// [`stylus_vm::params::SUPPORTED_ARBOS_VERSIONS`]), or `None` for another version. Chains of
/// one process at the same version share it, so a program is compiled once for all of them
/// (the compiled module is a pure function of the code and the parameters).
pub fn runtime_for(arbos_version: u64) -> Option<Arc<Runtime>> {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    static RUNTIMES: OnceLock<Mutex<HashMap<u64, Arc<Runtime>>>> = OnceLock::new();
    let params = StylusParams::for_arbos(arbos_version)?;
    let mut runtimes = RUNTIMES
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    Some(
        runtimes
            .entry(arbos_version)
            .or_insert_with(|| Runtime::new(params))
            .clone(),
    )
}

/// Execution environment of one transaction: chain configuration and block.
#[derive(Clone, Debug)]
pub struct ExecEnv {
    /// Chain id checked against signed transactions.
    pub chain_id: u64,
    /// The block the transaction executes in.
    pub block: BlockEnv,
    /// Skip the base-fee check (eth_call / eth_estimateGas without a gas price, like geth).
    pub no_base_fee: bool,
    /// Skip the nonce check (eth_call / eth_estimateGas).
    pub no_nonce_check: bool,
    /// Largest deployed code (init code: twice that).
    pub max_code_size: usize,
    /// Wall-clock limit of a simulation (`None` for transactions, which always run to the end).
    pub deadline: Option<std::time::Instant>,
    /// The chain's Stylus runtime (ArbOS parameters, module cache).
    pub runtime: Arc<Runtime>,
}

impl ExecEnv {
    fn cfg(&self) -> CfgEnv {
        let mut cfg = CfgEnv::new_with_spec(SPEC).with_chain_id(self.chain_id);
        cfg.disable_eip3541 = true;
        cfg.disable_base_fee = self.no_base_fee;
        cfg.disable_nonce_check = self.no_nonce_check;
        cfg.limit_contract_code_size = Some(self.max_code_size);
        cfg.limit_contract_initcode_size = Some(self.max_code_size.saturating_mul(2));
        cfg
    }
}

/// revm's mainnet EVM with the Stylus runtime (see the module docs).
pub struct DevEvm<DB: Database> {
    /// The Stylus-enabled EVM.
    pub inner: StylusEvm<DevContext<DB>>,
}

impl<DB: Database> DevEvm<DB> {
    /// Builds the EVM over `db` for the given environment.
    pub fn new(db: DB, env: &ExecEnv) -> Self {
        let mut inner = stylus_vm::build_evm(db, env.block.clone(), env.cfg(), env.runtime.clone());
        inner.deadline = env.deadline;
        Self { inner }
    }

    /// Runs one transaction through revm's mainnet handler; the state changes stay in the
    /// journal until [`DevEvm::finalize`].
    pub fn run(&mut self, tx: TxEnv) -> Result<ExecutionResult, ExecError<DB>> {
        self.inner.transact_one(tx)
    }

    /// Takes the accumulated state changes out of the journal.
    pub fn finalize(&mut self) -> revm::state::EvmState {
        ExecuteEvm::finalize(&mut self.inner)
    }
}

/// Executes `tx` on `db` and commits its state changes. Invalid transactions (nonce, funds,
/// fees, intrinsic gas) return `Err` and leave `db` untouched.
pub fn transact<DB: Database + DatabaseCommit>(
    db: &mut DB,
    env: &ExecEnv,
    tx: TxEnv,
) -> Result<ExecutionResult, EVMError<DB::Error, InvalidTransaction>> {
    let mut evm = DevEvm::new(&mut *db, env);
    let outcome = evm.run(tx);
    let state = evm.finalize();
    let result = outcome?;
    db.commit(state);
    Ok(result)
}

/// Why a simulation has no result.
#[derive(Debug)]
pub enum SimulateError<E> {
    /// The transaction is invalid, or the database failed.
    Evm(E),
    /// The run passed [`ExecEnv::deadline`].
    TimedOut,
}

/// Executes `tx` on `db` and discards every state change.
pub fn simulate<DB: Database>(
    db: DB,
    env: &ExecEnv,
    tx: TxEnv,
) -> Result<ExecutionResult, SimulateError<ExecError<DB>>> {
    let mut evm = DevEvm::new(db, env);
    let outcome = evm.run(tx);
    let _ = evm.finalize();
    if evm.inner.timed_out {
        return Err(SimulateError::TimedOut);
    }
    outcome.map_err(SimulateError::Evm)
}

/// Executes `tx` on `db` with a [`Tracer`] recording what `options` asks for; discards every
/// state change. Stops at [`ExecEnv::deadline`] like [`simulate`].
pub fn trace<DB: Database>(
    db: DB,
    env: &ExecEnv,
    tx: TxEnv,
    options: TraceOptions,
) -> Result<(ExecutionResult, Box<Tracer>), SimulateError<ExecError<DB>>> {
    let mut evm = DevEvm::new(db, env);
    evm.inner.tracer = Some(Box::new(Tracer::new(options)));
    let outcome = evm.run(tx);
    let _ = evm.finalize();
    if evm.inner.timed_out {
        return Err(SimulateError::TimedOut);
    }
    let tracer = evm.inner.tracer.take().unwrap_or_default();
    outcome.map(|r| (r, tracer)).map_err(SimulateError::Evm)
}

#[cfg(test)]
mod tests {
    use super::*;
    use revm::{
        bytecode::Bytecode,
        primitives::{address, Bytes, TxKind, U256},
        state::AccountInfo,
    };

    fn env() -> ExecEnv {
        ExecEnv {
            chain_id: 412346,
            block: BlockEnv {
                basefee: 0,
                gas_limit: 30_000_000,
                ..Default::default()
            },
            no_base_fee: true,
            no_nonce_check: false,
            max_code_size: crate::config::DEFAULT_MAX_CODE_SIZE,
            deadline: None,
            runtime: runtime_for(51).expect("supported"),
        }
    }

    /// Init code that returns `code` (PUSH<n> code, PUSH0, MSTORE, PUSH1 n, PUSH1 32-n, RETURN).
    fn init_returning(code: &[u8]) -> Bytes {
        assert!(!code.is_empty() && code.len() <= 32);
        let n = code.len() as u8;
        let mut init = vec![0x5f + n];
        init.extend_from_slice(code);
        init.extend_from_slice(&[0x5f, 0x52, 0x60, n, 0x60, 32 - n, 0xf3]);
        init.into()
    }

    fn deploy(db: &mut ChainDb, nonce: u64, code: &[u8]) -> ExecutionResult {
        let caller = address!("0x1000000000000000000000000000000000000001");
        let tx = TxEnv::builder()
            .caller(caller)
            .kind(TxKind::Create)
            .data(init_returning(code))
            .gas_limit(1_000_000)
            .nonce(nonce)
            .chain_id(Some(412346))
            .build()
            .expect("valid tx");
        transact(db, &env(), tx).expect("valid transaction")
    }

    #[test]
    fn stylus_prefixes_pass_and_other_ef_code_is_rejected() {
        let mut db = ChainDb::default();
        db.insert_account_info(
            address!("0x1000000000000000000000000000000000000001"),
            AccountInfo {
                balance: U256::from(10u64).pow(U256::from(18u64)),
                ..Default::default()
            },
        );
        for (nonce, code, ok) in [
            (0u64, &[0xEF, 0xF0, 0x00, 0x00, 0x01][..], true),
            // Fragments and roots are accepted from ArbOS 60 only; this environment runs
            // ArbOS 51.
            (1, &[0xEF, 0xF0, 0x01, 0xAA][..], false),
            (2, &[0xEF, 0xF0, 0x02, 0x00][..], false),
            (3, &[0xEF, 0x00, 0x01][..], false),
            (4, &[0xEF][..], false),
            (5, &[0xEF, 0xF0, 0x03][..], false),
            (6, &[0x60, 0x00][..], true),
        ] {
            let result = deploy(&mut db, nonce, code);
            assert_eq!(result.is_success(), ok, "code {code:02x?}: {result:?}");
            if ok {
                let ExecutionResult::Success { output, .. } = result else {
                    unreachable!()
                };
                let addr = output.address().copied().expect("created address");
                let info = db.basic(addr).expect("db").expect("account");
                let stored = info.code.unwrap_or_else(Bytecode::new);
                assert_eq!(stored.original_byte_slice(), code);
            }
        }
    }

    #[test]
    fn simulate_leaves_state_untouched() {
        let mut db = ChainDb::default();
        let caller = address!("0x2000000000000000000000000000000000000002");
        db.insert_account_info(
            caller,
            AccountInfo {
                balance: U256::from(1_000_000u64),
                ..Default::default()
            },
        );
        let tx = TxEnv::builder()
            .caller(caller)
            .kind(TxKind::Call(address!(
                "0x3000000000000000000000000000000000000003"
            )))
            .value(U256::from(5u64))
            .gas_limit(21_000)
            .chain_id(Some(412346))
            .build()
            .expect("valid tx");
        let result = simulate(&mut db, &env(), tx).expect("valid transaction");
        assert!(result.is_success());
        assert_eq!(
            db.basic(caller).expect("db").expect("account").balance,
            U256::from(1_000_000u64)
        );
    }
}
