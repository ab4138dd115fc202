//! Building a Stylus-enabled EVM and running transactions with it.

use std::sync::Arc;

use revm::context::result::{
    EVMError, ExecResultAndState, ExecutionResult, HaltReason, InvalidTransaction,
};
use revm::context::{BlockEnv, CfgEnv, Context, ContextSetters, ContextTr, Journal, TxEnv};
use revm::context_interface::JournalTr;
use revm::handler::{EthFrame, ExecuteCommitEvm, ExecuteEvm, Handler, MainnetHandler};
use revm::interpreter::interpreter::EthInterpreter;
use revm::primitives::{keccak256, Address, Bytes, B256};
use revm::state::{AccountInfo, Bytecode, EvmState};
use revm::{Database, DatabaseCommit};

use crate::evm::{StylusEvm, TxState, SYSTEM_CODE};
use crate::params::{ARBOS_STATE, SYSTEM_CONTRACTS};
use crate::runtime::Runtime;

/// The mainnet context type the dev node uses.
pub type StylusContext<DB> = Context<BlockEnv, TxEnv, CfgEnv, DB, Journal<DB>, ()>;

/// Error type of a transaction.
pub type TxError<DB> = EVMError<<DB as Database>::Error, InvalidTransaction>;

/// Builds a Stylus EVM over `db`. EIP-3541 is switched off in revm and re-applied by the
/// runtime with Nitro's Stylus exemption; `cfg.limit_contract_code_size` should be left at
/// Nitro's 24,576 (the default).
pub fn build_evm<DB: Database>(
    db: DB,
    block: BlockEnv,
    mut cfg: CfgEnv,
    runtime: Arc<Runtime>,
) -> StylusEvm<StylusContext<DB>> {
    cfg.disable_eip3541 = true;
    let ctx: StylusContext<DB> = Context::<BlockEnv, TxEnv, CfgEnv, DB>::new(db, cfg.spec)
        .with_block(block)
        .with_cfg(cfg);
    StylusEvm::new(ctx, runtime)
}

/// Runs one transaction without committing; returns the result and the state diff.
pub fn transact<DB: Database>(
    evm: &mut StylusEvm<StylusContext<DB>>,
    tx: TxEnv,
) -> Result<ExecResultAndState<ExecutionResult<HaltReason>, EvmState>, TxError<DB>> {
    ExecuteEvm::transact(evm, tx)
}

/// Runs one transaction and commits it to the database.
pub fn transact_commit<DB: Database + DatabaseCommit>(
    evm: &mut StylusEvm<StylusContext<DB>>,
    tx: TxEnv,
) -> Result<ExecutionResult<HaltReason>, TxError<DB>> {
    ExecuteCommitEvm::transact_commit(evm, tx)
}

/// Accounts a dev chain must hold at genesis: code `0xFE` at every system contract (as Nitro
/// stores at precompiles) and a non-empty ArbOS state account.
pub fn genesis_accounts() -> Vec<(Address, AccountInfo)> {
    let code = Bytecode::new_raw(Bytes::from_static(&SYSTEM_CODE));
    let hash: B256 = keccak256(SYSTEM_CODE);
    let mut out: Vec<(Address, AccountInfo)> = SYSTEM_CONTRACTS
        .iter()
        .map(|a| {
            (
                *a,
                AccountInfo {
                    balance: Default::default(),
                    nonce: 0,
                    code_hash: hash,
                    code: Some(code.clone()),
                    ..Default::default()
                },
            )
        })
        .collect();
    out.push((
        ARBOS_STATE,
        AccountInfo {
            nonce: 1,
            ..Default::default()
        },
    ));
    out
}

impl<CTX> ExecuteEvm for StylusEvm<CTX>
where
    CTX: ContextTr<Journal: JournalTr<State = EvmState>> + ContextSetters + revm::interpreter::Host,
{
    type ExecutionResult = ExecutionResult<HaltReason>;
    type State = EvmState;
    type Error = EVMError<<CTX::Db as Database>::Error, InvalidTransaction>;
    type Tx = <CTX as ContextTr>::Tx;
    type Block = <CTX as ContextTr>::Block;

    fn set_block(&mut self, block: Self::Block) {
        self.inner.ctx.set_block(block);
    }

    fn transact_one(&mut self, tx: Self::Tx) -> Result<Self::ExecutionResult, Self::Error> {
        self.inner.ctx.set_tx(tx);
        self.tx_state = TxState::default();
        MainnetHandler::<Self, Self::Error, EthFrame<EthInterpreter>>::default().run(self)
    }

    fn finalize(&mut self) -> Self::State {
        self.inner.ctx.journal_mut().finalize()
    }

    fn replay(
        &mut self,
    ) -> Result<ExecResultAndState<Self::ExecutionResult, Self::State>, Self::Error> {
        self.tx_state = TxState::default();
        let res =
            MainnetHandler::<Self, Self::Error, EthFrame<EthInterpreter>>::default().run(self);
        let state = self.finalize();
        res.map(|r| ExecResultAndState::new(r, state))
    }
}

impl<CTX> ExecuteCommitEvm for StylusEvm<CTX>
where
    CTX: ContextTr<Journal: JournalTr<State = EvmState>, Db: DatabaseCommit>
        + ContextSetters
        + revm::interpreter::Host,
{
    fn commit(&mut self, state: Self::State) {
        self.inner.ctx.db_mut().commit(state);
    }
}
