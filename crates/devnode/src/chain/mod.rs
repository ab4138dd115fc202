//! The chain: state, blocks, transactions, mining, time control and snapshots.
//!
//! All EVM work goes through [`crate::executor`]; this module decides *what* runs *where*
//! (which block, which state) and records the results.

mod clock;
mod query;
mod records;
pub mod trace;

pub use clock::Clock;
pub use records::{bloom_of, BlockRecord, ReceiptRecord, TxRecord};

use crate::{
    config::{Mining, NodeConfig, BASE_FEE_WEI, COINBASE, HEADER_GAS_LIMIT, TX_GAS_CAP},
    error::TxError,
    executor::{self, ChainDb, ExecEnv},
    genesis,
    txdecode::{self, SignedTx},
};
use alloy::{
    consensus::{Header, EMPTY_OMMER_ROOT_HASH, EMPTY_ROOT_HASH},
    primitives::{keccak256, TxKind, B256, U256},
};
use revm::context::{result::EVMError, BlockEnv};
use std::collections::{BTreeMap, HashMap};

/// A block that receives transactions and is not sealed yet.
#[derive(Clone, Debug)]
struct OpenBlock {
    number: u64,
    timestamp: u64,
    transactions: Vec<B256>,
    gas_used: u64,
    log_count: u64,
}

/// Everything a snapshot captures.
#[derive(Clone, Debug)]
struct ChainState {
    db: ChainDb,
    blocks: Vec<BlockRecord>,
    block_index: HashMap<B256, u64>,
    txs: HashMap<B256, TxRecord>,
    open: Option<OpenBlock>,
    clock: Clock,
}

/// Errors of chain operations other than transaction admission.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    /// A timestamp earlier than the latest block's.
    #[error("timestamp {requested} is before the latest block's timestamp {latest}")]
    TimestampInPast {
        /// Requested timestamp.
        requested: u64,
        /// Timestamp of the latest block.
        latest: u64,
    },
    /// Arithmetic overflow in a time or block computation.
    #[error("value out of range: {0}")]
    OutOfRange(&'static str),
    /// `evm_snapshot` beyond [`MAX_SNAPSHOTS`] live snapshots.
    #[error("too many snapshots (limit {MAX_SNAPSHOTS}); evm_revert to an earlier one frees it and every later one")]
    TooManySnapshots,
}

/// Most snapshots kept at once (each holds a copy of the chain state).
pub const MAX_SNAPSHOTS: usize = 1024;

/// The dev chain.
#[derive(Debug)]
pub struct Chain {
    chain_id: u64,
    runtime: std::sync::Arc<stylus_vm::Runtime>,
    evm_timeout: std::time::Duration,
    max_code_size: usize,
    mining: Mining,
    genesis_db: ChainDb,
    state: ChainState,
    snapshots: BTreeMap<u64, ChainState>,
    next_snapshot: u64,
}

/// Block header fields of an execution environment.
pub(crate) fn block_env(number: u64, timestamp: u64) -> BlockEnv {
    BlockEnv {
        number: U256::from(number),
        beneficiary: COINBASE,
        timestamp: U256::from(timestamp),
        gas_limit: HEADER_GAS_LIMIT,
        basefee: BASE_FEE_WEI,
        difficulty: U256::from(1u64),
        ..BlockEnv::default()
    }
}

impl Chain {
    /// A chain at genesis for `config`.
    pub fn new(config: &NodeConfig) -> Self {
        let db = genesis::genesis_state(config);
        let clock = Clock::default();
        let timestamp = config.genesis_timestamp.unwrap_or_else(|| clock.now());
        let header = Header {
            ommers_hash: EMPTY_OMMER_ROOT_HASH,
            beneficiary: COINBASE,
            transactions_root: EMPTY_ROOT_HASH,
            receipts_root: EMPTY_ROOT_HASH,
            difficulty: U256::from(1u64),
            number: 0,
            gas_limit: HEADER_GAS_LIMIT,
            timestamp,
            base_fee_per_gas: Some(BASE_FEE_WEI),
            ..Header::default()
        };
        let hash = header.hash_slow();
        let genesis = BlockRecord {
            header,
            hash,
            transactions: Vec::new(),
        };
        let state = ChainState {
            db: db.clone(),
            blocks: vec![genesis],
            block_index: HashMap::from([(hash, 0)]),
            txs: HashMap::new(),
            open: None,
            clock,
        };
        Self {
            chain_id: config.chain_id,
            runtime: executor::runtime_for(config.arbos_version).unwrap_or_else(|| {
                // DevNode::start and the binary refuse other versions before this point.
                executor::runtime_for(crate::config::DEFAULT_ARBOS_VERSION)
                    .expect("the default version is supported")
            }),
            evm_timeout: config.evm_timeout,
            max_code_size: config.max_code_size,
            mining: config.mining,
            genesis_db: db,
            state,
            snapshots: BTreeMap::new(),
            next_snapshot: 1,
        }
    }

    /// The chain id.
    pub fn chain_id(&self) -> u64 {
        self.chain_id
    }

    /// The chain's Stylus runtime (its ArbOS version's parameters and module cache).
    pub fn runtime(&self) -> &std::sync::Arc<stylus_vm::Runtime> {
        &self.runtime
    }

    /// The latest sealed block.
    pub fn head(&self) -> &BlockRecord {
        // The genesis block is created in `new` and blocks are never removed below it.
        &self.state.blocks[self.state.blocks.len() - 1]
    }

    /// Number and timestamp the next block would get (the open block's, if one is open).
    pub fn pending_block(&self) -> (u64, u64) {
        match &self.state.open {
            Some(open) => (open.number, open.timestamp),
            None => (
                self.head().header.number.saturating_add(1),
                self.state.clock.peek(self.head().header.timestamp),
            ),
        }
    }

    /// Decodes, checks, executes and records a raw transaction; returns its hash.
    pub fn send_raw_transaction(&mut self, raw: &[u8]) -> Result<B256, TxError> {
        let tx = txdecode::decode_raw(raw, self.chain_id)?;
        self.submit(tx)
    }

    /// Executes a signed transaction into the open block (sealing it at once under automine).
    pub fn submit(&mut self, tx: SignedTx) -> Result<B256, TxError> {
        if self.state.txs.contains_key(&tx.hash) {
            return Err(TxError::AlreadyKnown);
        }
        let env_tx = txdecode::tx_env(&tx);
        if env_tx.gas_limit > TX_GAS_CAP {
            return Err(TxError::GasLimitTooHigh);
        }
        let (number, timestamp) = self.pending_block();
        let env = ExecEnv {
            chain_id: self.chain_id,
            block: block_env(number, timestamp),
            no_base_fee: false,
            no_nonce_check: false,
            max_code_size: self.max_code_size,
            deadline: None,
            runtime: self.runtime.clone(),
        };
        let result =
            executor::transact(&mut self.state.db, &env, env_tx.clone()).map_err(|e| match e {
                EVMError::Transaction(invalid) => {
                    txdecode::map_invalid(&invalid, &env_tx, BASE_FEE_WEI)
                }
                other => TxError::Other(other.to_string()),
            })?;
        let open = self.state.open.get_or_insert_with(|| OpenBlock {
            number,
            timestamp,
            transactions: Vec::new(),
            gas_used: 0,
            log_count: 0,
        });
        if open.transactions.is_empty() {
            // The open block's timestamp is now fixed: consume a pending evm_setNextBlockTimestamp.
            self.state.clock.take_next();
        }
        let gas_used = result.tx_gas_used();
        open.gas_used = open.gas_used.saturating_add(gas_used);
        let logs = result.logs().to_vec();
        let contract_address = match env_tx.kind {
            TxKind::Create => Some(tx.sender.create(env_tx.nonce)),
            TxKind::Call(_) => None,
        };
        let receipt = ReceiptRecord {
            success: result.is_success(),
            gas_used,
            cumulative_gas_used: open.gas_used,
            first_log_index: open.log_count,
            logs,
            contract_address,
            effective_gas_price: txdecode::effective_gas_price(&tx.envelope, BASE_FEE_WEI),
        };
        open.log_count = open.log_count.saturating_add(receipt.logs.len() as u64);
        let index = open.transactions.len() as u64;
        open.transactions.push(tx.hash);
        let hash = tx.hash;
        self.state.txs.insert(
            hash,
            TxRecord {
                tx,
                block_number: number,
                index,
                receipt,
            },
        );
        if self.mining == Mining::Auto {
            self.seal();
        }
        Ok(hash)
    }

    /// Seals the open block, if any. Returns whether a block was sealed.
    pub fn seal(&mut self) -> bool {
        let Some(open) = self.state.open.take() else {
            return false;
        };
        let parent = self.head().hash;
        let records: Vec<&TxRecord> = open
            .transactions
            .iter()
            .filter_map(|h| self.state.txs.get(h))
            .collect();
        let mut bloom = alloy::primitives::Bloom::default();
        for r in &records {
            bloom.accrue_bloom(&bloom_of(&r.receipt.logs));
        }
        let (transactions_root, receipts_root) = if records.is_empty() {
            (EMPTY_ROOT_HASH, EMPTY_ROOT_HASH)
        } else {
            let tx_bytes: Vec<u8> = open.transactions.iter().flat_map(|h| h.0).collect();
            let receipt_bytes: Vec<u8> = records
                .iter()
                .flat_map(|r| {
                    let mut b = r.tx.hash.0.to_vec();
                    b.push(u8::from(r.receipt.success));
                    b.extend_from_slice(&r.receipt.cumulative_gas_used.to_be_bytes());
                    b
                })
                .collect();
            (keccak256(tx_bytes), keccak256(receipt_bytes))
        };
        let header = Header {
            parent_hash: parent,
            ommers_hash: EMPTY_OMMER_ROOT_HASH,
            beneficiary: COINBASE,
            transactions_root,
            receipts_root,
            logs_bloom: bloom,
            difficulty: U256::from(1u64),
            number: open.number,
            gas_limit: HEADER_GAS_LIMIT,
            gas_used: open.gas_used,
            timestamp: open.timestamp,
            base_fee_per_gas: Some(BASE_FEE_WEI),
            ..Header::default()
        };
        let hash = header.hash_slow();
        self.state.block_index.insert(hash, open.number);
        self.state.blocks.push(BlockRecord {
            header,
            hash,
            transactions: open.transactions,
        });
        true
    }

    /// `evm_mine`: seals the open block, or mines an empty block when none is open.
    /// `timestamp` (if given) becomes the new block's timestamp.
    pub fn mine(&mut self, timestamp: Option<u64>) -> Result<(), ChainError> {
        if let Some(ts) = timestamp {
            self.set_next_timestamp(ts)?;
        }
        if self.state.open.is_none() {
            let (number, timestamp) = self.pending_block();
            self.state.clock.take_next();
            self.state.open = Some(OpenBlock {
                number,
                timestamp,
                transactions: Vec::new(),
                gas_used: 0,
                log_count: 0,
            });
        }
        self.seal();
        Ok(())
    }

    /// `evm_increaseTime`: moves the clock forward; returns the total offset in seconds.
    pub fn increase_time(&mut self, seconds: u64) -> Result<u64, ChainError> {
        self.state
            .clock
            .advance(seconds)
            .ok_or(ChainError::OutOfRange("time offset"))
    }

    /// `evm_setNextBlockTimestamp`: the next new block gets exactly this timestamp.
    pub fn set_next_timestamp(&mut self, timestamp: u64) -> Result<(), ChainError> {
        let latest = self.head().header.timestamp;
        if timestamp < latest {
            return Err(ChainError::TimestampInPast {
                requested: timestamp,
                latest,
            });
        }
        self.state.clock.set_next(timestamp);
        Ok(())
    }

    /// `evm_snapshot`: saves the whole chain state; returns the snapshot id. At most
    /// [`MAX_SNAPSHOTS`] are kept at once.
    pub fn snapshot(&mut self) -> Result<u64, ChainError> {
        if self.snapshots.len() >= MAX_SNAPSHOTS {
            return Err(ChainError::TooManySnapshots);
        }
        let id = self.next_snapshot;
        self.next_snapshot = self.next_snapshot.saturating_add(1);
        self.snapshots.insert(id, self.state.clone());
        Ok(id)
    }

    /// `evm_revert`: restores snapshot `id` and drops it and every later snapshot.
    /// Returns false for an unknown id.
    pub fn revert(&mut self, id: u64) -> bool {
        let Some(state) = self.snapshots.remove(&id) else {
            return false;
        };
        self.snapshots.retain(|k, _| *k < id);
        self.state = state;
        true
    }
}
