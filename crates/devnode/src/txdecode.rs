//! Raw transactions: EIP-2718 decoding, signature recovery, chain-id rule, conversion to revm's
//! `TxEnv`, and the mapping of revm's rejections to geth's messages.

use crate::error::TxError;
use alloy::{
    consensus::{transaction::SignerRecoverable, Transaction, TxEnvelope},
    eips::{eip2718::Decodable2718, Typed2718},
    primitives::{Address, B256},
};
use revm::context::{result::InvalidTransaction, TxEnv};

/// A decoded, signature-checked transaction.
#[derive(Clone, Debug)]
pub struct SignedTx {
    /// The transaction as received.
    pub envelope: TxEnvelope,
    /// The recovered sender.
    pub sender: Address,
    /// The transaction hash.
    pub hash: B256,
}

/// Decodes `raw` and checks its type, signature and chain id. Pre-EIP-155 legacy transactions
/// (no chain id) are accepted, as on Nitro (`TxAllowUnprotected`).
pub fn decode_raw(raw: &[u8], chain_id: u64) -> Result<SignedTx, TxError> {
    let mut buf = raw;
    let envelope = TxEnvelope::decode_2718(&mut buf).map_err(|e| TxError::Decode(e.to_string()))?;
    if !buf.is_empty() {
        return Err(TxError::Decode("input contains more than one value".into()));
    }
    if !matches!(
        envelope,
        TxEnvelope::Legacy(_) | TxEnvelope::Eip2930(_) | TxEnvelope::Eip1559(_)
    ) {
        return Err(TxError::UnsupportedType);
    }
    if let Some(have) = envelope.chain_id() {
        if have != chain_id {
            return Err(TxError::WrongChainId {
                have,
                want: chain_id,
            });
        }
    }
    let sender = envelope
        .recover_signer()
        .map_err(|_| TxError::InvalidSignature)?;
    let hash = *envelope.tx_hash();
    Ok(SignedTx {
        envelope,
        sender,
        hash,
    })
}

/// The revm transaction environment of a signed transaction.
pub fn tx_env(tx: &SignedTx) -> TxEnv {
    let e = &tx.envelope;
    TxEnv {
        tx_type: e.ty(),
        caller: tx.sender,
        gas_limit: e.gas_limit(),
        gas_price: e.max_fee_per_gas(),
        kind: e.kind(),
        value: e.value(),
        data: e.input().clone(),
        nonce: e.nonce(),
        chain_id: e.chain_id(),
        access_list: e.access_list().cloned().unwrap_or_default(),
        gas_priority_fee: e.max_priority_fee_per_gas(),
        ..TxEnv::default()
    }
}

/// The price per gas a transaction pays in a block with `base_fee`.
pub fn effective_gas_price(envelope: &TxEnvelope, base_fee: u64) -> u128 {
    envelope.effective_gas_price(Some(base_fee))
}

/// Maps revm's rejection of `tx` to the geth-style error.
pub fn map_invalid(e: &InvalidTransaction, tx: &TxEnv, base_fee: u64) -> TxError {
    let address = tx.caller;
    match e {
        InvalidTransaction::NonceTooLow { tx, state } => TxError::NonceTooLow {
            address,
            tx: *tx,
            state: *state,
        },
        InvalidTransaction::NonceTooHigh { tx, state } => TxError::NonceTooHigh {
            address,
            tx: *tx,
            state: *state,
        },
        InvalidTransaction::LackOfFundForMaxFee { fee, balance } => TxError::InsufficientFunds {
            address,
            have: **balance,
            want: **fee,
        },
        // gas × price + value above 2^256 − 1: geth reports this as insufficient funds too.
        InvalidTransaction::OverflowPaymentInTransaction => {
            TxError::InsufficientFundsOverflow { address }
        }
        InvalidTransaction::CallGasCostMoreThanGasLimit {
            initial_gas,
            gas_limit,
        } => TxError::IntrinsicGasTooLow {
            have: *gas_limit,
            want: *initial_gas,
        },
        InvalidTransaction::GasFloorMoreThanGasLimit {
            gas_floor,
            gas_limit,
        } => TxError::IntrinsicGasTooLow {
            have: *gas_limit,
            want: *gas_floor,
        },
        InvalidTransaction::GasPriceLessThanBasefee => TxError::FeeCapTooLow {
            address,
            max_fee: tx.gas_price,
            base_fee,
        },
        InvalidTransaction::PriorityFeeGreaterThanMaxFee => TxError::TipAboveFeeCap {
            address,
            tip: tx.gas_priority_fee.unwrap_or_default(),
            max_fee: tx.gas_price,
        },
        InvalidTransaction::CallerGasLimitMoreThanBlock
        | InvalidTransaction::TxGasLimitGreaterThanCap { .. } => TxError::GasLimitTooHigh,
        InvalidTransaction::CreateInitCodeSizeLimit => TxError::InitCodeTooLarge,
        InvalidTransaction::RejectCallerWithCode => TxError::SenderNotEoa(address),
        other => TxError::Other(other.to_string()),
    }
}
