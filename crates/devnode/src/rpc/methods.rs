//! The JSON-RPC methods (stylus-runtime.md §2.5 plus anvil-style time control).

use super::{Params, RpcContext};
use crate::{
    chain::Chain,
    config::{BASE_FEE_WEI, COINBASE},
    error::{code, RpcError},
};
use alloy::{
    eips::{BlockId, BlockNumberOrTag},
    primitives::{Address, Bytes, B256, U256},
    rpc::types::{state::StateOverride, Filter, TransactionRequest},
};
use serde::Serialize;
use serde_json::{json, Value};

/// Every method the node serves.
pub const METHODS: &[&str] = &[
    "web3_clientVersion",
    "web3_sha3",
    "net_version",
    "net_listening",
    "eth_chainId",
    "eth_blockNumber",
    "eth_gasPrice",
    "eth_maxPriorityFeePerGas",
    "eth_feeHistory",
    "eth_getBalance",
    "eth_getTransactionCount",
    "eth_getCode",
    "eth_getStorageAt",
    "eth_call",
    "eth_estimateGas",
    "eth_sendRawTransaction",
    "eth_getTransactionByHash",
    "eth_getTransactionReceipt",
    "eth_getBlockByNumber",
    "eth_getBlockByHash",
    "eth_getBlockTransactionCountByNumber",
    "eth_getBlockTransactionCountByHash",
    "eth_getTransactionByBlockNumberAndIndex",
    "eth_getTransactionByBlockHashAndIndex",
    "eth_getLogs",
    "eth_accounts",
    "eth_syncing",
    "eth_coinbase",
    "evm_increaseTime",
    "evm_setNextBlockTimestamp",
    "evm_mine",
    "evm_snapshot",
    "evm_revert",
    "debug_traceTransaction",
    "debug_traceCall",
];

fn to_json<T: Serialize>(value: T) -> Result<Value, RpcError> {
    serde_json::to_value(value)
        .map_err(|e| RpcError::new(code::INTERNAL, format!("serialization failed: {e}")))
}

fn hex(n: u64) -> Value {
    Value::String(format!("{n:#x}"))
}

fn block_id(params: &Params, i: usize) -> Result<BlockId, RpcError> {
    block_id_or(params, i, BlockNumberOrTag::Latest)
}

/// Block parameter `i`, or `default` when it is missing or null.
fn block_id_or(params: &Params, i: usize, default: BlockNumberOrTag) -> Result<BlockId, RpcError> {
    Ok(params
        .optional::<BlockId>(i, "block")?
        .unwrap_or(BlockId::Number(default)))
}

/// Most blocks one `evm_mine` may mine.
pub const MAX_MINE_BLOCKS: u64 = 1_000;
/// Most blocks all the `evm_mine` calls of one request body (a batch) may mine together.
pub const MAX_MINE_BLOCKS_PER_BODY: u64 = 10_000;

/// What one request body (a single request or a whole batch) may still consume.
#[derive(Debug, Default)]
pub struct BodyBudget {
    mined: std::cell::Cell<u64>,
}

impl BodyBudget {
    fn spend_mined(&self, blocks: u64) -> Result<(), RpcError> {
        let total = self.mined.get().saturating_add(blocks);
        if total > MAX_MINE_BLOCKS_PER_BODY {
            return Err(RpcError::invalid_params(format!(
                "evm_mine calls of one batch may mine at most {MAX_MINE_BLOCKS_PER_BODY} blocks"
            )));
        }
        self.mined.set(total);
        Ok(())
    }
}

/// Routes one call.
pub fn dispatch(
    ctx: &RpcContext,
    method: &str,
    p: &Params,
    budget: &BodyBudget,
) -> Result<Value, RpcError> {
    match method {
        "web3_clientVersion" => Ok(json!(concat!(
            "stylus-devnode/v",
            env!("CARGO_PKG_VERSION")
        ))),
        "web3_sha3" => {
            p.at_most(1)?;
            let data: Bytes = p.required(0, "data")?;
            to_json(alloy::primitives::keccak256(&data))
        }
        "net_version" => Ok(json!(ctx.read_chain(|c| c.chain_id()).to_string())),
        "net_listening" => Ok(json!(true)),
        "eth_chainId" => Ok(hex(ctx.read_chain(|c| c.chain_id()))),
        "eth_blockNumber" => Ok(hex(ctx.read_chain(|c| c.head().header.number))),
        "eth_gasPrice" => Ok(hex(BASE_FEE_WEI)),
        "eth_maxPriorityFeePerGas" => Ok(hex(0)),
        "eth_accounts" => Ok(json!([])),
        "eth_syncing" => Ok(json!(false)),
        "eth_coinbase" => to_json(COINBASE),
        "eth_feeHistory" => {
            p.at_most(3)?;
            let count = p
                .quantity(0, "blockCount")?
                .ok_or_else(|| RpcError::invalid_params("missing blockCount"))?;
            let newest: BlockNumberOrTag = p.required(1, "newestBlock")?;
            let percentiles: Vec<f64> = p.optional(2, "rewardPercentiles")?.unwrap_or_default();
            to_json(ctx.read_chain(|c| c.fee_history(count, newest, &percentiles))?)
        }
        "eth_getBalance" => {
            p.at_most(2)?;
            let address: Address = p.required(0, "address")?;
            let id = block_id(p, 1)?;
            to_json(ctx.read_chain(|c| c.balance(address, id))?)
        }
        "eth_getTransactionCount" => {
            p.at_most(2)?;
            let address: Address = p.required(0, "address")?;
            let id = block_id(p, 1)?;
            Ok(hex(ctx.read_chain(|c| c.nonce(address, id))?))
        }
        "eth_getCode" => {
            p.at_most(2)?;
            let address: Address = p.required(0, "address")?;
            let id = block_id(p, 1)?;
            to_json(ctx.read_chain(|c| c.code(address, id))?)
        }
        "eth_getStorageAt" => {
            p.at_most(3)?;
            let address: Address = p.required(0, "address")?;
            let slot: U256 = p.required(1, "slot")?;
            let id = block_id(p, 2)?;
            to_json(ctx.read_chain(|c| c.storage(address, slot, id))?)
        }
        "eth_call" => {
            p.at_most(3)?;
            let req: TransactionRequest = p.required(0, "transaction")?;
            // Like anvil and Nitro: without a block, simulate in the pending block (next number,
            // the clock's current time) where the transaction would be mined.
            let id = block_id_or(p, 1, BlockNumberOrTag::Pending)?;
            let overrides: Option<StateOverride> = p.optional(2, "stateOverride")?;
            to_json(ctx.read_chain(|c| c.call(&req, id, overrides.as_ref()))?)
        }
        "eth_estimateGas" => {
            p.at_most(3)?;
            let req: TransactionRequest = p.required(0, "transaction")?;
            // Like anvil and Nitro: without a block, simulate in the pending block (next number,
            // the clock's current time) where the transaction would be mined.
            let id = block_id_or(p, 1, BlockNumberOrTag::Pending)?;
            let overrides: Option<StateOverride> = p.optional(2, "stateOverride")?;
            Ok(hex(ctx.read_chain(|c| {
                c.estimate_gas(&req, id, overrides.as_ref())
            })?))
        }
        "eth_sendRawTransaction" => {
            p.at_most(1)?;
            let raw: Bytes = p.required(0, "data")?;
            to_json(ctx.with_chain(|c| c.send_raw_transaction(&raw))?)
        }
        "eth_getTransactionByHash" => {
            p.at_most(1)?;
            let hash: B256 = p.required(0, "hash")?;
            ctx.read_chain(|c| to_json(transaction_json(c, &hash)))
        }
        "eth_getTransactionReceipt" => {
            p.at_most(1)?;
            let hash: B256 = p.required(0, "hash")?;
            ctx.read_chain(|c| {
                let receipt = c.transaction(&hash).and_then(|r| {
                    c.block_of(r)
                        .map(|b| r.rpc_receipt(b.hash, b.header.timestamp))
                });
                to_json(receipt)
            })
        }
        "eth_getBlockByNumber" | "eth_getBlockByHash" => {
            p.at_most(2)?;
            let id = if method == "eth_getBlockByHash" {
                BlockId::from(p.required::<B256>(0, "hash")?)
            } else {
                BlockId::Number(p.required::<BlockNumberOrTag>(0, "number")?)
            };
            let full: bool = p.optional(1, "fullTransactions")?.unwrap_or(false);
            ctx.read_chain(|c| {
                let block = c.block(id).map(|b| {
                    b.rpc_block(full, |h| {
                        c.transaction(h)
                            .map(|r| r.rpc_transaction(Some((b.hash, b.header.timestamp))))
                    })
                });
                to_json(block)
            })
        }
        "eth_getBlockTransactionCountByNumber" | "eth_getBlockTransactionCountByHash" => {
            p.at_most(1)?;
            let id = if method.ends_with("ByHash") {
                BlockId::from(p.required::<B256>(0, "hash")?)
            } else {
                BlockId::Number(p.required::<BlockNumberOrTag>(0, "number")?)
            };
            ctx.read_chain(|c| {
                Ok(c.block(id)
                    .map(|b| hex(b.transactions.len() as u64))
                    .unwrap_or(Value::Null))
            })
        }
        "eth_getTransactionByBlockNumberAndIndex" | "eth_getTransactionByBlockHashAndIndex" => {
            p.at_most(2)?;
            let id = if method.contains("Hash") {
                BlockId::from(p.required::<B256>(0, "hash")?)
            } else {
                BlockId::Number(p.required::<BlockNumberOrTag>(0, "number")?)
            };
            let index = p
                .quantity(1, "index")?
                .ok_or_else(|| RpcError::invalid_params("missing index"))?;
            ctx.read_chain(|c| {
                let hash = c.block(id).and_then(|b| {
                    usize::try_from(index)
                        .ok()
                        .and_then(|i| b.transactions.get(i))
                        .copied()
                });
                to_json(hash.and_then(|h| transaction_json(c, &h)))
            })
        }
        "eth_getLogs" => {
            p.at_most(1)?;
            let filter: Filter = p.required(0, "filter")?;
            to_json(ctx.read_chain(|c| c.logs(&filter))?)
        }
        "evm_increaseTime" => {
            p.at_most(1)?;
            let seconds = p
                .quantity(0, "seconds")?
                .ok_or_else(|| RpcError::invalid_params("missing seconds"))?;
            let total = ctx
                .with_chain(|c| c.increase_time(seconds))
                .map_err(RpcError::invalid_params)?;
            Ok(json!(total))
        }
        "evm_setNextBlockTimestamp" => {
            p.at_most(1)?;
            let ts = p
                .quantity(0, "timestamp")?
                .ok_or_else(|| RpcError::invalid_params("missing timestamp"))?;
            ctx.with_chain(|c| c.set_next_timestamp(ts))
                .map_err(|e| RpcError::new(code::SERVER, e.to_string()))?;
            Ok(Value::Null)
        }
        "evm_mine" => {
            p.at_most(1)?;
            let timestamp = match p.raw(0) {
                Some(Value::Object(o)) => match o.get("timestamp") {
                    Some(v) => Some(
                        super::params::parse_quantity(v)
                            .ok_or_else(|| RpcError::invalid_params("bad timestamp"))?,
                    ),
                    None => None,
                },
                _ => p.quantity(0, "timestamp")?,
            };
            let blocks = match p.raw(0) {
                Some(Value::Object(o)) => match o.get("blocks") {
                    Some(v) => super::params::parse_quantity(v)
                        .ok_or_else(|| RpcError::invalid_params("bad blocks"))?,
                    None => 1,
                },
                _ => 1,
            };
            if blocks == 0 || blocks > MAX_MINE_BLOCKS {
                return Err(RpcError::invalid_params(format!(
                    "blocks must be between 1 and {MAX_MINE_BLOCKS}"
                )));
            }
            budget.spend_mined(blocks)?;
            ctx.with_chain(|c| -> Result<(), RpcError> {
                c.mine(timestamp)
                    .map_err(|e| RpcError::new(code::SERVER, e.to_string()))?;
                for _ in 1..blocks {
                    c.mine(None)
                        .map_err(|e| RpcError::new(code::SERVER, e.to_string()))?;
                }
                Ok(())
            })?;
            Ok(json!("0x0"))
        }
        "evm_snapshot" => {
            p.at_most(0)?;
            let id = ctx
                .with_chain(|c| c.snapshot())
                .map_err(|e| RpcError::new(code::SERVER, e.to_string()))?;
            Ok(hex(id))
        }
        "evm_revert" => {
            p.at_most(1)?;
            let id = p
                .quantity(0, "snapshotId")?
                .ok_or_else(|| RpcError::invalid_params("missing snapshot id"))?;
            Ok(json!(ctx.with_chain(|c| c.revert(id))))
        }
        "debug_traceTransaction" => {
            p.at_most(2)?;
            let hash: B256 = p.required(0, "hash")?;
            let opts: super::trace::TraceParams = p.optional(1, "options")?.unwrap_or_default();
            let (kind, options) = opts.kind()?;
            let traced = ctx.read_chain(|c| c.trace_transaction(&hash, options))?;
            super::trace::render(kind, traced)
        }
        "debug_traceCall" => {
            p.at_most(3)?;
            let req: TransactionRequest = p.required(0, "transaction")?;
            let id = block_id_or(p, 1, BlockNumberOrTag::Pending)?;
            let opts: super::trace::TraceParams = p.optional(2, "options")?.unwrap_or_default();
            let (kind, options) = opts.kind()?;
            let traced =
                ctx.read_chain(|c| c.trace_call(&req, id, opts.state_overrides.as_ref(), options))?;
            super::trace::render(kind, traced)
        }
        other => Err(RpcError::new(
            code::METHOD_NOT_FOUND,
            format!("the method {other} does not exist/is not available"),
        )),
    }
}

fn transaction_json(c: &Chain, hash: &B256) -> Option<alloy::rpc::types::Transaction> {
    let record = c.transaction(hash)?;
    let block = c.block_of(record).map(|b| (b.hash, b.header.timestamp));
    Some(record.rpc_transaction(block))
}
