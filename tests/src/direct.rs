//! In-process access to the embedded dev node: contract calls, signed transactions, time travel
//! and snapshots through [`stylus_devnode::DevNode::with_chain`], without JSON-RPC.
//!
//! The chain executes exactly what it executes for a JSON-RPC request (the same `Chain::call`
//! and `Chain::send_raw_transaction`, the compiled wasm in the same Stylus runtime); only the
//! HTTP transport, the JSON encoding and alloy's provider round trips (nonce, fee, chain id,
//! receipt polling) are left out. The stateful property test (`tests/stateful.rs`) runs on it:
//! over HTTP its hundreds of reads per step dominated the run (docs/INVARIANTS.md, "The long
//! run"). Transactions are EIP-1559, signed locally with a fixed gas limit (no estimate).

use alloy::{
    consensus::{SignableTransaction, TxEip1559, TxEnvelope},
    eips::{eip2718::Encodable2718, BlockId},
    network::TxSignerSync,
    primitives::{Address, Bytes, Log, TxKind, U256},
    rpc::types::TransactionRequest,
    signers::local::PrivateKeySigner,
    sol_types::SolCall,
};
use stylus_devnode::{config::BASE_FEE_WEI, DevNode};

/// The outcome of one transaction executed in-process.
#[derive(Clone, Debug)]
pub struct Sent {
    /// Whether it succeeded (status 1).
    pub success: bool,
    /// Its logs, in order.
    pub logs: Vec<Log>,
    /// Gas used.
    pub gas_used: u64,
}

impl Sent {
    /// The first log that decodes as `E` (any emitter).
    pub fn event<E: alloy::sol_types::SolEvent>(&self) -> Option<E> {
        self.logs
            .iter()
            .find_map(|l| E::decode_log(l).ok().map(|d| d.data))
    }

    /// The first log that decodes as `E` and was emitted by `emitter`.
    pub fn event_from<E: alloy::sol_types::SolEvent>(&self, emitter: Address) -> Option<E> {
        self.logs
            .iter()
            .filter(|l| l.address == emitter)
            .find_map(|l| E::decode_log(l).ok().map(|d| d.data))
    }
}

/// In-process handle on the embedded dev node (see the module docs).
#[derive(Clone, Copy)]
pub struct Direct<'a> {
    node: &'a DevNode,
}

/// Revert data of a failed in-process call: the revert bytes, or empty for an empty revert or
/// a halt (what `eth_call` reports without data).
fn revert_bytes(e: &stylus_devnode::error::RpcError) -> Bytes {
    e.data
        .as_ref()
        .and_then(|v| v.as_str())
        .and_then(|s| alloy::hex::decode(s).ok())
        .map(Bytes::from)
        .unwrap_or_default()
}

impl<'a> Direct<'a> {
    /// A handle on `node`.
    pub fn new(node: &'a DevNode) -> Self {
        Self { node }
    }

    /// Calls `to` with `call` from `from` against the latest state (an `eth_call`); the decoded
    /// return value, or the revert data (empty for an empty revert or a halt).
    pub fn call_from<C: SolCall>(
        &self,
        from: Address,
        to: Address,
        call: &C,
    ) -> Result<C::Return, Bytes> {
        let req = TransactionRequest::default()
            .from(from)
            .to(to)
            .input(Bytes::from(call.abi_encode()).into());
        let out = self
            .node
            .with_chain(|c| c.call(&req, BlockId::latest(), None))
            .map_err(|e| revert_bytes(&e))?;
        C::abi_decode_returns(&out).map_err(|_| Bytes::new())
    }

    /// [`Direct::call_from`] from the zero address (views).
    pub fn view<C: SolCall>(&self, to: Address, call: &C) -> Result<C::Return, Bytes> {
        self.call_from(Address::ZERO, to, call)
    }

    /// Signs `call` to `to` by `signer` with `gas` as the gas limit and executes it in a block
    /// of its own (the node mines automatically).
    pub fn send<C: SolCall>(
        &self,
        signer: &PrivateKeySigner,
        to: Address,
        call: &C,
        gas: u64,
    ) -> Sent {
        self.send_data(signer, to, Bytes::from(call.abi_encode()), U256::ZERO, gas)
    }

    /// Signs and executes a transaction with raw calldata and value.
    pub fn send_data(
        &self,
        signer: &PrivateKeySigner,
        to: Address,
        input: Bytes,
        value: U256,
        gas: u64,
    ) -> Sent {
        self.node.with_chain(|c| {
            let nonce = c
                .nonce(signer.address(), BlockId::latest())
                .expect("nonce of the latest state");
            let mut tx = TxEip1559 {
                chain_id: c.chain_id(),
                nonce,
                gas_limit: gas,
                max_fee_per_gas: u128::from(BASE_FEE_WEI) * 2,
                max_priority_fee_per_gas: 0,
                to: TxKind::Call(to),
                value,
                input,
                ..TxEip1559::default()
            };
            let signature = signer.sign_transaction_sync(&mut tx).expect("sign");
            let envelope = TxEnvelope::from(tx.into_signed(signature));
            let hash = c
                .send_raw_transaction(&envelope.encoded_2718())
                .expect("the dev node admits the transaction");
            let record = c.transaction(&hash).expect("the transaction is recorded");
            Sent {
                success: record.receipt.success,
                logs: record.receipt.logs.clone(),
                gas_used: record.receipt.gas_used,
            }
        })
    }

    /// The latest block's timestamp.
    pub fn now(&self) -> u64 {
        self.node.with_chain(|c| c.head().header.timestamp)
    }

    /// Moves the clock forward by `seconds` and mines a block (`evm_increaseTime` + `evm_mine`).
    pub fn increase_time(&self, seconds: u64) {
        self.node.with_chain(|c| {
            c.increase_time(seconds).expect("evm_increaseTime");
            c.mine(None).expect("evm_mine");
        });
    }

    /// Saves the chain state (`evm_snapshot`); returns the id.
    pub fn snapshot(&self) -> u64 {
        self.node
            .with_chain(|c| c.snapshot())
            .expect("evm_snapshot")
    }

    /// Restores snapshot `id` and drops it and every later one (`evm_revert`).
    pub fn revert(&self, id: u64) -> bool {
        self.node.with_chain(|c| c.revert(id))
    }
}

impl crate::Harness {
    /// In-process access to the embedded dev node (`None` on an external node).
    pub fn direct(&self) -> Option<Direct<'_>> {
        self.node().map(Direct::new)
    }
}
