//! Typed errors of the node and their JSON-RPC form (codes and messages follow geth).

use alloy::primitives::{Address, Bytes, U256};
use serde_json::{json, Value};

/// JSON-RPC error codes used by the node.
pub mod code {
    /// The body is not valid JSON.
    pub const PARSE_ERROR: i64 = -32700;
    /// The JSON is not a valid request object.
    pub const INVALID_REQUEST: i64 = -32600;
    /// No such method.
    pub const METHOD_NOT_FOUND: i64 = -32601;
    /// Wrong or missing parameters.
    pub const INVALID_PARAMS: i64 = -32602;
    /// Internal error (a database failure; never expected with the in-memory state).
    pub const INTERNAL: i64 = -32603;
    /// Transaction rejected or call failed (geth's generic server error).
    pub const SERVER: i64 = -32000;
    /// A batch whose responses exceed the size limit (geth's code).
    pub const RESPONSE_TOO_LARGE: i64 = -32003;
    /// Execution reverted (geth's code for revert errors carrying data).
    pub const REVERTED: i64 = 3;
}

/// A JSON-RPC error object.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{message} (code {code})")]
pub struct RpcError {
    /// Error code.
    pub code: i64,
    /// Human-readable message.
    pub message: String,
    /// Optional data (revert bytes as hex for code 3).
    pub data: Option<Value>,
}

impl RpcError {
    /// Error with a code and message and no data.
    pub fn new(code: i64, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            data: None,
        }
    }

    /// `-32602 invalid params`.
    pub fn invalid_params(message: impl std::fmt::Display) -> Self {
        Self::new(code::INVALID_PARAMS, format!("invalid params: {message}"))
    }

    /// geth's revert shape: `{code: 3, message: "execution reverted[: reason]", data: "0x…"}`
    /// for reverts that carry data; a revert without data (the EVM's `revert(0, 0)`, a Stylus
    /// trap) is `{code: -32000, message: "execution reverted"}` with no `data`, as geth and
    /// Nitro answer.
    pub fn reverted(output: &Bytes) -> Self {
        if output.is_empty() {
            return Self::new(code::SERVER, "execution reverted");
        }
        let message = match decode_revert_reason(output) {
            Some(reason) => format!("execution reverted: {reason}"),
            None => "execution reverted".to_string(),
        };
        Self {
            code: code::REVERTED,
            message,
            data: Some(json!(output)),
        }
    }

    /// The JSON value of this error.
    pub fn to_json(&self) -> Value {
        let mut v = json!({ "code": self.code, "message": self.message });
        if let Some(data) = &self.data {
            v["data"] = data.clone();
        }
        v
    }
}

/// Decodes a Solidity `Error(string)` revert reason.
pub fn decode_revert_reason(output: &[u8]) -> Option<String> {
    use alloy::sol_types::{Revert, SolError};
    Revert::abi_decode(output).ok().map(|r| r.reason)
}

/// Why a transaction was not accepted. Messages follow geth's wording so tools match on them.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TxError {
    /// The bytes are not a valid EIP-2718 transaction.
    #[error("rlp: {0}")]
    Decode(String),
    /// Blob, EIP-7702 or unknown transaction types.
    #[error("transaction type not supported")]
    UnsupportedType,
    /// The signature does not recover to an address.
    #[error("invalid sender: invalid transaction v, r, s values")]
    InvalidSignature,
    /// EIP-155 chain id differs from the node's.
    #[error("invalid sender: invalid chain id for signer: have {have} want {want}")]
    WrongChainId {
        /// The transaction's chain id.
        have: u64,
        /// The node's chain id.
        want: u64,
    },
    /// The transaction is already in the chain.
    #[error("already known")]
    AlreadyKnown,
    /// Nonce below the account's.
    #[error("nonce too low: address {address}, tx: {tx} state: {state}")]
    NonceTooLow {
        /// Sender.
        address: Address,
        /// Transaction nonce.
        tx: u64,
        /// Account nonce.
        state: u64,
    },
    /// Nonce above the account's (the node has no queue for future nonces).
    #[error("nonce too high: address {address}, tx: {tx} state: {state}")]
    NonceTooHigh {
        /// Sender.
        address: Address,
        /// Transaction nonce.
        tx: u64,
        /// Account nonce.
        state: u64,
    },
    /// Balance below gas × price + value.
    #[error(
        "insufficient funds for gas * price + value: address {address} have {have} want {want}"
    )]
    InsufficientFunds {
        /// Sender.
        address: Address,
        /// Balance.
        have: U256,
        /// Required amount.
        want: U256,
    },
    /// gas × price + value does not fit in 256 bits (no balance can pay it).
    #[error("insufficient funds for gas * price + value: address {address} want more than 2^256 - 1 wei")]
    InsufficientFundsOverflow {
        /// Sender.
        address: Address,
    },
    /// Gas limit below the intrinsic gas.
    #[error("intrinsic gas too low: gas {have}, minimum needed {want}")]
    IntrinsicGasTooLow {
        /// Gas limit of the transaction.
        have: u64,
        /// Intrinsic gas.
        want: u64,
    },
    /// Fee cap below the base fee.
    #[error("max fee per gas less than block base fee: address {address}, maxFeePerGas: {max_fee} baseFee: {base_fee}")]
    FeeCapTooLow {
        /// Sender.
        address: Address,
        /// The transaction's fee cap (or gas price).
        max_fee: u128,
        /// The block's base fee.
        base_fee: u64,
    },
    /// Tip above fee cap.
    #[error("max priority fee per gas higher than max fee per gas: address {address}, maxPriorityFeePerGas: {tip}, maxFeePerGas: {max_fee}")]
    TipAboveFeeCap {
        /// Sender.
        address: Address,
        /// Priority fee.
        tip: u128,
        /// Fee cap.
        max_fee: u128,
    },
    /// Gas limit above the per-transaction cap.
    #[error("exceeds block gas limit")]
    GasLimitTooHigh,
    /// Init code larger than EIP-3860 allows.
    #[error("max initcode size exceeded")]
    InitCodeTooLarge,
    /// Sender has code (EIP-3607).
    #[error("sender not an eoa: address {0}")]
    SenderNotEoa(Address),
    /// Any other rejection reported by the EVM.
    #[error("invalid transaction: {0}")]
    Other(String),
}

impl From<TxError> for RpcError {
    fn from(e: TxError) -> Self {
        RpcError::new(code::SERVER, e.to_string())
    }
}
