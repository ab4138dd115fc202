//! `debug_traceTransaction` and `debug_traceCall`: runs a transaction again with a tracer.
//!
//! The chain keeps state for genesis and the head only, so a mined transaction is traced by
//! replaying the chain from genesis up to it (every earlier transaction in order, in its own
//! block's number and time) and running it traced on that state; a dev chain of a few hundred
//! transactions replays in well under a second with `--profile host`.

use super::{block_env, Chain};
use crate::{
    config::BASE_FEE_WEI,
    error::{code, RpcError},
    executor::{self, ExecEnv, SimulateError},
    txdecode,
};
use alloy::{
    eips::BlockId,
    primitives::B256,
    rpc::types::{state::StateOverride, TransactionRequest},
};
use revm::context::result::{EVMError, ExecutionResult};
use std::time::Instant;
use stylus_vm::trace::{TraceOptions, Tracer};

/// A traced run: its result, the tracer, and the transaction's gas limit.
pub struct Traced {
    /// How the transaction ended.
    pub result: ExecutionResult,
    /// What was recorded.
    pub tracer: Box<Tracer>,
    /// The transaction's gas limit.
    pub gas_limit: u64,
}

/// Wall-clock budget of one traced run, in evm timeouts (tracing is slower than a call).
pub const TRACE_BUDGET_FACTOR: u32 = 10;

impl Chain {
    fn tx_exec_env(&self, number: u64, timestamp: u64) -> ExecEnv {
        ExecEnv {
            chain_id: self.chain_id,
            block: block_env(number, timestamp),
            no_base_fee: false,
            no_nonce_check: false,
            max_code_size: self.max_code_size,
            deadline: None,
            runtime: self.runtime.clone(),
        }
    }

    fn trace_error<E: std::fmt::Display>(&self, e: SimulateError<E>) -> RpcError {
        match e {
            SimulateError::Evm(e) => RpcError::new(code::SERVER, e.to_string()),
            SimulateError::TimedOut => RpcError::new(
                code::SERVER,
                format!(
                    "execution aborted (timeout = {}s)",
                    (self.evm_timeout * TRACE_BUDGET_FACTOR).as_secs_f64()
                ),
            ),
        }
    }

    /// Runs the mined (or pending) transaction `hash` again with a tracer.
    pub fn trace_transaction(
        &self,
        hash: &B256,
        options: TraceOptions,
    ) -> Result<Traced, RpcError> {
        let target = self
            .state
            .txs
            .get(hash)
            .ok_or_else(|| RpcError::new(code::SERVER, "transaction not found"))?;
        let mut db = self.genesis_db.clone();
        let mut sequence: Vec<(u64, u64, &[B256])> = self.state.blocks[1..]
            .iter()
            .map(|b| {
                (
                    b.header.number,
                    b.header.timestamp,
                    b.transactions.as_slice(),
                )
            })
            .collect();
        if let Some(open) = &self.state.open {
            sequence.push((open.number, open.timestamp, open.transactions.as_slice()));
        }
        for (number, timestamp, hashes) in sequence {
            if number > target.block_number {
                break;
            }
            let env = self.tx_exec_env(number, timestamp);
            for h in hashes {
                let Some(record) = self.state.txs.get(h) else {
                    continue;
                };
                let tx = txdecode::tx_env(&record.tx);
                if h == hash {
                    let mut env = env;
                    env.deadline =
                        Instant::now().checked_add(self.evm_timeout * TRACE_BUDGET_FACTOR);
                    let gas_limit = tx.gas_limit;
                    let (result, tracer) = executor::trace(&mut db, &env, tx, options)
                        .map_err(|e| self.trace_error(e))?;
                    return Ok(Traced {
                        result,
                        tracer,
                        gas_limit,
                    });
                }
                executor::transact(&mut db, &env, tx).map_err(|e| {
                    RpcError::new(
                        code::INTERNAL,
                        format!("replaying transaction {h} failed: {e}"),
                    )
                })?;
            }
        }
        Err(RpcError::new(
            code::INTERNAL,
            format!("transaction {hash} is not in any block"),
        ))
    }

    /// Runs a call (as `eth_call` would, on `id`'s state plus `overrides`) with a tracer.
    pub fn trace_call(
        &self,
        req: &TransactionRequest,
        id: BlockId,
        overrides: Option<&StateOverride>,
        options: TraceOptions,
    ) -> Result<Traced, RpcError> {
        let mut env = self.call_env(id, req)?;
        env.deadline = Instant::now().checked_add(self.evm_timeout * TRACE_BUDGET_FACTOR);
        let gas_limit = req
            .gas
            .unwrap_or(crate::config::TX_GAS_CAP)
            .min(crate::config::TX_GAS_CAP);
        let tx = self.call_tx(req, gas_limit);
        let mut overlay = self.overlay(id, overrides)?;
        let (result, tracer) =
            executor::trace(&mut overlay, &env, tx.clone(), options).map_err(|e| match e {
                SimulateError::Evm(EVMError::Transaction(invalid)) => {
                    txdecode::map_invalid(&invalid, &tx, BASE_FEE_WEI).into()
                }
                other => self.trace_error(other),
            })?;
        Ok(Traced {
            result,
            tracer,
            gas_limit,
        })
    }
}
