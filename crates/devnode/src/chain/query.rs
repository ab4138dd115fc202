//! Read-side of the chain: block lookup by tag, account state, `eth_call`, `eth_estimateGas`,
//! logs and fee history.

use super::{block_env, BlockRecord, Chain, TxRecord};
use crate::{
    config::{BASE_FEE_WEI, TX_GAS_CAP},
    error::{code, RpcError},
    executor::{self, ChainDb, ExecEnv, OverlayDb, SimulateError},
    txdecode,
};
use alloy::{
    eips::{BlockId, BlockNumberOrTag},
    primitives::{Address, Bytes, B256, U256},
    rpc::types::{state::StateOverride, FeeHistory, Filter, Log as RpcLog, TransactionRequest},
};
use std::time::Instant;

use revm::{
    bytecode::Bytecode,
    context::{
        result::{EVMError, ExecutionResult, HaltReason},
        TxEnv,
    },
    primitives::KECCAK_EMPTY,
    Database, DatabaseRef,
};

/// Most blocks one `eth_getLogs` may scan.
pub const MAX_LOG_RANGE: u64 = 100_000;
/// Most logs one `eth_getLogs` may return.
pub const MAX_LOGS: usize = 10_000;
/// Most blocks one `eth_feeHistory` may cover.
pub const MAX_FEE_HISTORY: u64 = 1024;
/// Wall-clock budget of one `eth_estimateGas`, in evm timeouts (each of its simulations also
/// gets one evm timeout at most).
pub const ESTIMATE_BUDGET_FACTOR: u32 = 10;
/// Most reward percentiles one `eth_feeHistory` may ask for (geth's query limit).
pub const MAX_REWARD_PERCENTILES: usize = 100;

fn db_error(e: impl std::fmt::Display) -> RpcError {
    RpcError::new(code::INTERNAL, format!("state access failed: {e}"))
}

impl Chain {
    /// Resolves a block number or tag. `pending` resolves to the latest sealed block.
    pub fn resolve_number(&self, tag: BlockNumberOrTag) -> u64 {
        let head = self.head().header.number;
        match tag {
            BlockNumberOrTag::Earliest => 0,
            BlockNumberOrTag::Number(n) => n,
            _ => head,
        }
    }

    /// A sealed block by number.
    pub fn block_by_number(&self, number: u64) -> Option<&BlockRecord> {
        usize::try_from(number)
            .ok()
            .and_then(|i| self.state.blocks.get(i))
    }

    /// A sealed block by hash.
    pub fn block_by_hash(&self, hash: &B256) -> Option<&BlockRecord> {
        self.state
            .block_index
            .get(hash)
            .and_then(|n| self.block_by_number(*n))
    }

    /// A sealed block by id.
    pub fn block(&self, id: BlockId) -> Option<&BlockRecord> {
        match id {
            BlockId::Hash(h) => self.block_by_hash(&h.block_hash),
            BlockId::Number(tag) => self.block_by_number(self.resolve_number(tag)),
        }
    }

    /// A transaction record (sealed or in the open block).
    pub fn transaction(&self, hash: &B256) -> Option<&TxRecord> {
        self.state.txs.get(hash)
    }

    /// The sealed block containing a transaction, if it is sealed.
    pub fn block_of(&self, tx: &TxRecord) -> Option<&BlockRecord> {
        self.block_by_number(tx.block_number)
            .filter(|b| b.transactions.contains(&tx.tx.hash))
    }

    /// The state to read for a block id: the latest state, or the genesis state for block 0.
    /// Other historical states are not kept.
    pub fn state_at(&self, id: BlockId) -> Result<&ChainDb, RpcError> {
        let head = self.head();
        let number = match id {
            BlockId::Hash(h) => {
                self.block_by_hash(&h.block_hash)
                    .ok_or_else(|| {
                        RpcError::new(
                            code::SERVER,
                            format!("header for hash {} not found", h.block_hash),
                        )
                    })?
                    .header
                    .number
            }
            BlockId::Number(BlockNumberOrTag::Pending) => return Ok(&self.state.db),
            BlockId::Number(tag) => self.resolve_number(tag),
        };
        if number == head.header.number {
            Ok(&self.state.db)
        } else if number == 0 {
            Ok(&self.genesis_db)
        } else if number > head.header.number {
            Err(RpcError::new(
                code::SERVER,
                format!(
                    "header not found: block {number} is after the head {}",
                    head.header.number
                ),
            ))
        } else {
            Err(RpcError::new(
                code::SERVER,
                format!("historical state for block {number} is not available (the dev node keeps genesis and latest state only)"),
            ))
        }
    }

    /// Balance of an account.
    pub fn balance(&self, address: Address, id: BlockId) -> Result<U256, RpcError> {
        let db = self.state_at(id)?;
        Ok(db
            .basic_ref(address)
            .map_err(db_error)?
            .map(|a| a.balance)
            .unwrap_or_default())
    }

    /// Nonce of an account.
    pub fn nonce(&self, address: Address, id: BlockId) -> Result<u64, RpcError> {
        let db = self.state_at(id)?;
        Ok(db
            .basic_ref(address)
            .map_err(db_error)?
            .map(|a| a.nonce)
            .unwrap_or_default())
    }

    /// Code of an account.
    pub fn code(&self, address: Address, id: BlockId) -> Result<Bytes, RpcError> {
        let db = self.state_at(id)?;
        let Some(info) = db.basic_ref(address).map_err(db_error)? else {
            return Ok(Bytes::new());
        };
        let code = match info.code {
            Some(code) => code,
            None if info.code_hash == KECCAK_EMPTY => return Ok(Bytes::new()),
            None => db.code_by_hash_ref(info.code_hash).map_err(db_error)?,
        };
        Ok(Bytes::copy_from_slice(code.original_byte_slice()))
    }

    /// A storage slot.
    pub fn storage(&self, address: Address, slot: U256, id: BlockId) -> Result<B256, RpcError> {
        let db = self.state_at(id)?;
        Ok(db.storage_ref(address, slot).map_err(db_error)?.into())
    }

    pub(super) fn call_env(
        &self,
        id: BlockId,
        req: &TransactionRequest,
    ) -> Result<ExecEnv, RpcError> {
        let (number, timestamp) = match id {
            BlockId::Number(BlockNumberOrTag::Pending) => self.pending_block(),
            other => {
                let block = self
                    .block(other)
                    .ok_or_else(|| RpcError::new(code::SERVER, "header not found"))?;
                (block.header.number, block.header.timestamp)
            }
        };
        let priced = req.gas_price.is_some() || req.max_fee_per_gas.is_some();
        Ok(ExecEnv {
            chain_id: self.chain_id,
            block: block_env(number, timestamp),
            no_base_fee: !priced,
            no_nonce_check: true,
            max_code_size: self.max_code_size,
            // Set per simulation by `run_simulation`, within the request's budget.
            deadline: None,
            runtime: self.runtime.clone(),
        })
    }

    pub(super) fn call_tx(&self, req: &TransactionRequest, gas_limit: u64) -> TxEnv {
        let (tx_type, gas_price, tip) = match (req.max_fee_per_gas, req.gas_price) {
            (Some(max_fee), _) => (
                2u8,
                max_fee,
                Some(req.max_priority_fee_per_gas.unwrap_or(0)),
            ),
            (None, Some(price)) => (if req.access_list.is_some() { 1 } else { 0 }, price, None),
            (None, None) => (if req.access_list.is_some() { 1 } else { 0 }, 0, None),
        };
        TxEnv {
            tx_type,
            caller: req.from.unwrap_or_default(),
            gas_limit,
            gas_price,
            gas_priority_fee: tip,
            kind: req.to.unwrap_or(alloy::primitives::TxKind::Create),
            value: req.value.unwrap_or_default(),
            data: req.input.input().cloned().unwrap_or_default(),
            nonce: req.nonce.unwrap_or_default(),
            chain_id: Some(self.chain_id),
            access_list: req.access_list.clone().unwrap_or_default(),
            ..TxEnv::default()
        }
    }

    pub(super) fn overlay<'a>(
        &'a self,
        id: BlockId,
        overrides: Option<&StateOverride>,
    ) -> Result<OverlayDb<'a>, RpcError> {
        let mut overlay = OverlayDb::new(self.state_at(id)?);
        for (address, o) in overrides.into_iter().flatten() {
            if o.state.is_some() && o.state_diff.is_some() {
                return Err(RpcError::invalid_params(format!(
                    "account {address} has both 'state' and 'stateDiff'"
                )));
            }
            if o.move_precompile_to.is_some() {
                return Err(RpcError::invalid_params(
                    "movePrecompileToAddress is not supported",
                ));
            }
            let mut info = overlay
                .basic(*address)
                .map_err(db_error)?
                .unwrap_or_default();
            if let Some(balance) = o.balance {
                info.balance = balance;
            }
            if let Some(nonce) = o.nonce {
                info.nonce = nonce;
            }
            if let Some(code) = &o.code {
                // 0xEF01 code must be a 23-byte EIP-7702 designator; revm's unchecked
                // constructor panics on anything else.
                let bytecode = Bytecode::new_raw_checked(code.clone()).map_err(|e| {
                    RpcError::invalid_params(format!("account {address}: invalid code: {e:?}"))
                })?;
                info.code_hash = bytecode.hash_slow();
                info.code = Some(bytecode);
            }
            overlay.insert_account_info(*address, info);
            if let Some(state) = &o.state {
                let slots = state
                    .iter()
                    .map(|(k, v)| (U256::from_be_bytes(k.0), U256::from_be_bytes(v.0)))
                    .collect();
                overlay
                    .replace_account_storage(*address, slots)
                    .map_err(db_error)?;
            }
            if let Some(diff) = &o.state_diff {
                for (k, v) in diff {
                    overlay
                        .insert_account_storage(
                            *address,
                            U256::from_be_bytes(k.0),
                            U256::from_be_bytes(v.0),
                        )
                        .map_err(db_error)?;
                }
            }
        }
        Ok(overlay)
    }

    fn run_simulation(
        &self,
        id: BlockId,
        overrides: Option<&StateOverride>,
        env: &ExecEnv,
        tx: TxEnv,
    ) -> Result<ExecutionResult, RpcError> {
        let mut overlay = self.overlay(id, overrides)?;
        // Each simulation gets the evm timeout (geth's `--rpc.evmtimeout`), within what is
        // left of the request's budget (`env.deadline`).
        let own = Instant::now().checked_add(self.evm_timeout);
        let budget = env.deadline;
        let mut env = env.clone();
        env.deadline = match (own, budget) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let budget_spent = budget.is_some_and(|b| own.is_none_or(|a| b < a));
        executor::simulate(&mut overlay, &env, tx.clone()).map_err(|e| match e {
            SimulateError::Evm(EVMError::Transaction(invalid)) => {
                txdecode::map_invalid(&invalid, &tx, BASE_FEE_WEI).into()
            }
            SimulateError::Evm(other) => RpcError::new(code::SERVER, other.to_string()),
            SimulateError::TimedOut if budget_spent => RpcError::new(
                code::SERVER,
                format!(
                    "gas estimation aborted after {}s ({ESTIMATE_BUDGET_FACTOR} × the evm timeout)",
                    (self.evm_timeout * ESTIMATE_BUDGET_FACTOR).as_secs_f64()
                ),
            ),
            SimulateError::TimedOut => RpcError::new(
                code::SERVER,
                format!(
                    "execution aborted (timeout = {}s)",
                    self.evm_timeout.as_secs_f64()
                ),
            ),
        })
    }

    /// `eth_call`: executes against `id`'s state plus `overrides`; returns the output or
    /// geth's revert/halt error.
    pub fn call(
        &self,
        req: &TransactionRequest,
        id: BlockId,
        overrides: Option<&StateOverride>,
    ) -> Result<Bytes, RpcError> {
        let env = self.call_env(id, req)?;
        let gas = req.gas.unwrap_or(TX_GAS_CAP).min(TX_GAS_CAP);
        match self.run_simulation(id, overrides, &env, self.call_tx(req, gas))? {
            ExecutionResult::Success { output, .. } => Ok(output.into_data()),
            ExecutionResult::Revert { output, .. } => Err(RpcError::reverted(&output)),
            ExecutionResult::Halt { reason, .. } => {
                Err(RpcError::new(code::SERVER, halt_message(&reason, gas)))
            }
        }
    }

    /// `eth_estimateGas`: the smallest gas limit under which the transaction succeeds, found by
    /// binary search (tools such as `cargo stylus deploy` use the result verbatim).
    pub fn estimate_gas(
        &self,
        req: &TransactionRequest,
        id: BlockId,
        overrides: Option<&StateOverride>,
    ) -> Result<u64, RpcError> {
        let mut env = self.call_env(id, req)?;
        // The whole binary search (two dozen simulations) gets a budget of its own.
        env.deadline = Instant::now().checked_add(self.evm_timeout * ESTIMATE_BUDGET_FACTOR);
        let mut hi = req.gas.unwrap_or(TX_GAS_CAP).min(TX_GAS_CAP);
        // With a gas price, the sender's balance bounds the gas it can buy (like geth).
        let price = req.max_fee_per_gas.or(req.gas_price).unwrap_or(0);
        if price > 0 {
            let balance = self
                .overlay(id, overrides)?
                .basic(req.from.unwrap_or_default())
                .map_err(db_error)?;
            let available = balance
                .map(|a| a.balance)
                .unwrap_or_default()
                .saturating_sub(req.value.unwrap_or_default());
            let allowance = available / U256::from(price);
            if allowance < U256::from(hi) {
                hi = allowance.to::<u64>();
            }
        }
        let first = self.run_simulation(id, overrides, &env, self.call_tx(req, hi))?;
        let used = match &first {
            ExecutionResult::Success { .. } => first.tx_gas_used(),
            ExecutionResult::Revert { output, .. } => return Err(RpcError::reverted(output)),
            ExecutionResult::Halt { reason, .. } => {
                return Err(RpcError::new(
                    code::SERVER,
                    match reason {
                        HaltReason::OutOfGas(_) => format!("gas required exceeds allowance ({hi})"),
                        other => halt_message(other, hi),
                    },
                ))
            }
        };
        // Any limit below the gas used fails; try the used gas plus refund headroom first.
        let mut lo = used.saturating_sub(1);
        let optimistic = used
            .saturating_add(first.gas().inner_refunded())
            .saturating_add(2300)
            .saturating_mul(64)
            / 63;
        if optimistic < hi {
            if self.succeeds(id, overrides, &env, req, optimistic)? {
                hi = optimistic;
            } else {
                lo = optimistic;
            }
        }
        while lo.saturating_add(1) < hi {
            let mid = lo + (hi - lo) / 2;
            if self.succeeds(id, overrides, &env, req, mid)? {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        Ok(hi)
    }

    fn succeeds(
        &self,
        id: BlockId,
        overrides: Option<&StateOverride>,
        env: &ExecEnv,
        req: &TransactionRequest,
        gas: u64,
    ) -> Result<bool, RpcError> {
        match self.run_simulation(id, overrides, env, self.call_tx(req, gas)) {
            Ok(result) => Ok(result.is_success()),
            // Below the intrinsic gas the transaction is invalid: that limit is too small.
            Err(e) if e.message.starts_with("intrinsic gas too low") => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// `eth_getLogs`.
    pub fn logs(&self, filter: &Filter) -> Result<Vec<RpcLog>, RpcError> {
        let blocks: Vec<&BlockRecord> = if let Some(hash) = filter.get_block_hash() {
            vec![self
                .block_by_hash(&hash)
                .ok_or_else(|| RpcError::new(code::SERVER, "unknown block"))?]
        } else {
            let from = filter
                .block_option
                .get_from_block()
                .copied()
                .map(|t| self.resolve_number(t))
                .unwrap_or(self.head().header.number);
            let to = filter
                .block_option
                .get_to_block()
                .copied()
                .map(|t| self.resolve_number(t))
                .unwrap_or(self.head().header.number);
            let to = to.min(self.head().header.number);
            if from > to {
                return Ok(Vec::new());
            }
            if to - from >= MAX_LOG_RANGE {
                return Err(RpcError::new(
                    code::SERVER,
                    format!("block range exceeds {MAX_LOG_RANGE} blocks"),
                ));
            }
            (from..=to)
                .filter_map(|n| self.block_by_number(n))
                .collect()
        };
        let mut out = Vec::new();
        for block in blocks {
            if !filter.matches_bloom(block.header.logs_bloom) {
                continue;
            }
            for record in block
                .transactions
                .iter()
                .filter_map(|h| self.state.txs.get(h))
            {
                for log in record.rpc_logs(block.hash, block.header.timestamp) {
                    if filter.matches_address(log.address()) && filter.matches_topics(log.topics())
                    {
                        if out.len() >= MAX_LOGS {
                            return Err(RpcError::new(
                                code::SERVER,
                                format!("query returned more than {MAX_LOGS} results"),
                            ));
                        }
                        out.push(log);
                    }
                }
            }
        }
        Ok(out)
    }

    /// `eth_feeHistory`. Rewards are the gas-weighted percentiles of the priority fees paid.
    pub fn fee_history(
        &self,
        count: u64,
        newest: BlockNumberOrTag,
        percentiles: &[f64],
    ) -> Result<FeeHistory, RpcError> {
        if percentiles.len() > MAX_REWARD_PERCENTILES {
            return Err(RpcError::invalid_params(format!(
                "{} reward percentiles exceed the limit of {MAX_REWARD_PERCENTILES}",
                percentiles.len()
            )));
        }
        if percentiles.iter().any(|p| !(0.0..=100.0).contains(p))
            || percentiles.windows(2).any(|w| w[0] > w[1])
        {
            return Err(RpcError::invalid_params(
                "reward percentiles must be ascending values in [0, 100]",
            ));
        }
        let newest = self.resolve_number(newest).min(self.head().header.number);
        let available = newest.saturating_add(1);
        let count = count.min(MAX_FEE_HISTORY).min(available);
        let oldest = available.saturating_sub(count);
        let mut gas_used_ratio = Vec::new();
        let mut reward = Vec::new();
        for n in oldest..=newest {
            let Some(block) = self.block_by_number(n) else {
                continue;
            };
            gas_used_ratio.push(block.header.gas_used as f64 / block.header.gas_limit as f64);
            if !percentiles.is_empty() {
                reward.push(self.block_rewards(block, percentiles));
            }
        }
        let base = u128::from(BASE_FEE_WEI);
        Ok(FeeHistory {
            base_fee_per_gas: vec![base; gas_used_ratio.len().saturating_add(1)],
            gas_used_ratio,
            base_fee_per_blob_gas: Vec::new(),
            blob_gas_used_ratio: Vec::new(),
            oldest_block: oldest,
            reward: (!percentiles.is_empty()).then_some(reward),
        })
    }

    fn block_rewards(&self, block: &BlockRecord, percentiles: &[f64]) -> Vec<u128> {
        let base = u128::from(BASE_FEE_WEI);
        let mut tips: Vec<(u128, u64)> = block
            .transactions
            .iter()
            .filter_map(|h| self.state.txs.get(h))
            .map(|r| {
                (
                    r.receipt.effective_gas_price.saturating_sub(base),
                    r.receipt.gas_used,
                )
            })
            .collect();
        if tips.is_empty() {
            return vec![0; percentiles.len()];
        }
        tips.sort_unstable();
        let total: u64 = tips.iter().map(|t| t.1).sum();
        percentiles
            .iter()
            .map(|p| {
                let threshold = (total as f64 * p / 100.0) as u64;
                let mut acc = 0u64;
                for (tip, gas) in &tips {
                    acc = acc.saturating_add(*gas);
                    if acc >= threshold {
                        return *tip;
                    }
                }
                tips[tips.len() - 1].0
            })
            .collect()
    }
}

/// geth-like message for an exceptional halt.
pub fn halt_message(reason: &HaltReason, gas: u64) -> String {
    match reason {
        HaltReason::OutOfGas(_) => format!("out of gas: gas required exceeds allowance ({gas})"),
        HaltReason::OpcodeNotFound | HaltReason::InvalidFEOpcode => {
            "invalid opcode: INVALID".to_string()
        }
        HaltReason::StackUnderflow => "stack underflow".to_string(),
        HaltReason::StackOverflow => "stack limit reached 1024".to_string(),
        HaltReason::InvalidJump => "invalid jump destination".to_string(),
        HaltReason::StateChangeDuringStaticCall => "write protection".to_string(),
        HaltReason::CallTooDeep => "max call depth exceeded".to_string(),
        HaltReason::CreateCollision => "contract address collision".to_string(),
        HaltReason::CreateContractSizeLimit => "max code size exceeded".to_string(),
        HaltReason::CreateContractStartingWithEF => {
            "invalid code: must not begin with 0xef".to_string()
        }
        HaltReason::OutOfFunds => "insufficient balance for transfer".to_string(),
        other => format!("execution halted: {other:?}"),
    }
}
