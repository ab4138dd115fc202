//! What the chain keeps per block and per transaction, and how it is shown over JSON-RPC
//! (alloy's RPC types, so alloy and Foundry parse exactly what they expect).

use crate::txdecode::SignedTx;
use alloy::{
    consensus::{Eip658Value, Header, Receipt, ReceiptEnvelope, ReceiptWithBloom, TxEnvelope},
    primitives::{Address, Bloom, B256},
    rpc::types::{
        Block as RpcBlock, BlockTransactions, Header as RpcHeader, Log as RpcLog,
        Transaction as RpcTransaction, TransactionReceipt,
    },
};

/// A sealed block.
#[derive(Clone, Debug)]
pub struct BlockRecord {
    /// The consensus header (its hash is the block hash).
    pub header: Header,
    /// Block hash.
    pub hash: B256,
    /// Hashes of the block's transactions, in order.
    pub transactions: Vec<B256>,
}

/// The execution outcome of one transaction.
#[derive(Clone, Debug)]
pub struct ReceiptRecord {
    /// Success (1) or failure (0).
    pub success: bool,
    /// Gas used by this transaction.
    pub gas_used: u64,
    /// Gas used by the block up to and including this transaction.
    pub cumulative_gas_used: u64,
    /// Emitted logs.
    pub logs: Vec<alloy::primitives::Log>,
    /// Created contract (for a creation, even when it failed, like geth).
    pub contract_address: Option<Address>,
    /// Price per gas paid.
    pub effective_gas_price: u128,
    /// Block-wide index of the first log.
    pub first_log_index: u64,
}

/// A transaction with its position and receipt.
#[derive(Clone, Debug)]
pub struct TxRecord {
    /// The signed transaction.
    pub tx: SignedTx,
    /// Block number (the open block's number while it is not sealed).
    pub block_number: u64,
    /// Index in the block.
    pub index: u64,
    /// Receipt data.
    pub receipt: ReceiptRecord,
}

impl TxRecord {
    /// The transaction's logs in RPC form, given the hash and time of its block.
    pub fn rpc_logs(&self, block_hash: B256, timestamp: u64) -> Vec<RpcLog> {
        self.receipt
            .logs
            .iter()
            .enumerate()
            .map(|(i, log)| RpcLog {
                inner: log.clone(),
                block_hash: Some(block_hash),
                block_number: Some(self.block_number),
                block_timestamp: Some(timestamp),
                transaction_hash: Some(self.tx.hash),
                transaction_index: Some(self.index),
                log_index: Some(self.receipt.first_log_index.saturating_add(i as u64)),
                removed: false,
            })
            .collect()
    }

    /// The receipt in RPC form.
    pub fn rpc_receipt(&self, block_hash: B256, timestamp: u64) -> TransactionReceipt {
        let logs = self.rpc_logs(block_hash, timestamp);
        let logs_bloom = bloom_of(&self.receipt.logs);
        let receipt = ReceiptWithBloom {
            receipt: Receipt {
                status: Eip658Value::Eip658(self.receipt.success),
                cumulative_gas_used: self.receipt.cumulative_gas_used,
                logs,
            },
            logs_bloom,
        };
        let inner = match &self.tx.envelope {
            TxEnvelope::Eip2930(_) => ReceiptEnvelope::Eip2930(receipt),
            TxEnvelope::Eip1559(_) => ReceiptEnvelope::Eip1559(receipt),
            _ => ReceiptEnvelope::Legacy(receipt),
        };
        TransactionReceipt {
            inner,
            transaction_hash: self.tx.hash,
            transaction_index: Some(self.index),
            block_hash: Some(block_hash),
            block_number: Some(self.block_number),
            gas_used: self.receipt.gas_used,
            effective_gas_price: self.receipt.effective_gas_price,
            blob_gas_used: None,
            blob_gas_price: None,
            from: self.tx.sender,
            to: alloy::consensus::Transaction::to(&self.tx.envelope),
            contract_address: self.receipt.contract_address,
        }
    }

    /// The transaction in RPC form; block fields are `None` while the block is open.
    pub fn rpc_transaction(&self, block: Option<(B256, u64)>) -> RpcTransaction {
        RpcTransaction {
            inner: alloy::consensus::transaction::Recovered::new_unchecked(
                self.tx.envelope.clone(),
                self.tx.sender,
            ),
            block_hash: block.map(|b| b.0),
            block_number: block.map(|_| self.block_number),
            transaction_index: block.map(|_| self.index),
            effective_gas_price: block.map(|_| self.receipt.effective_gas_price),
            block_timestamp: block.map(|b| b.1),
        }
    }
}

/// The bloom filter of a set of logs.
pub fn bloom_of(logs: &[alloy::primitives::Log]) -> Bloom {
    let mut bloom = Bloom::default();
    for log in logs {
        bloom.accrue_log(log);
    }
    bloom
}

impl BlockRecord {
    /// The block in RPC form, with full transactions or only their hashes.
    pub fn rpc_block(
        &self,
        full: bool,
        lookup: impl Fn(&B256) -> Option<RpcTransaction>,
    ) -> RpcBlock {
        let transactions = if full {
            BlockTransactions::Full(self.transactions.iter().filter_map(&lookup).collect())
        } else {
            BlockTransactions::Hashes(self.transactions.clone())
        };
        let size = alloy::rlp::Encodable::length(&self.header) as u64;
        RpcBlock {
            header: RpcHeader {
                hash: self.hash,
                inner: self.header.clone(),
                total_difficulty: Some(alloy::primitives::U256::from(self.header.number)),
                size: Some(alloy::primitives::U256::from(size)),
            },
            uncles: Vec::new(),
            transactions,
            withdrawals: None,
        }
    }
}
