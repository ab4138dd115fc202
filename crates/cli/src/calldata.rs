//! Calldata from a function signature and textual arguments (`lien gov propose`).

use alloy::{
    dyn_abi::{DynSolType, JsonAbiExt, Specifier},
    json_abi::Function,
    primitives::Bytes,
};

/// Why calldata could not be built.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CalldataError {
    /// The signature does not parse.
    #[error("bad function signature {0:?}: {1}")]
    Signature(String, String),
    /// Wrong number of arguments.
    #[error("{0} takes {1} arguments, {2} given")]
    Arity(String, usize, usize),
    /// An argument does not parse as its type.
    #[error("argument {0} ({1}) {2:?}: {3}")]
    Argument(usize, String, String, String),
    /// Raw calldata that is not hex.
    #[error("bad calldata hex {0:?}")]
    Hex(String),
}

/// ABI-encodes a call of `signature` (e.g. `setCollectionEnabled(address,bool)`) with `args`.
pub fn encode_call(signature: &str, args: &[String]) -> Result<Bytes, CalldataError> {
    let sig = signature.trim();
    let sig = sig.strip_prefix("function ").unwrap_or(sig);
    let f = Function::parse(sig)
        .map_err(|e| CalldataError::Signature(signature.to_owned(), e.to_string()))?;
    if f.inputs.len() != args.len() {
        return Err(CalldataError::Arity(
            f.signature(),
            f.inputs.len(),
            args.len(),
        ));
    }
    let mut values = Vec::with_capacity(args.len());
    for (i, (param, arg)) in f.inputs.iter().zip(args).enumerate() {
        let bad = |e: String| CalldataError::Argument(i + 1, param.ty.clone(), arg.clone(), e);
        let ty: DynSolType = param.resolve().map_err(|e| bad(e.to_string()))?;
        values.push(ty.coerce_str(arg).map_err(|e| bad(e.to_string()))?);
    }
    f.abi_encode_input(&values)
        .map(Bytes::from)
        .map_err(|e| CalldataError::Signature(signature.to_owned(), e.to_string()))
}

/// Parses raw calldata hex (`0x…`).
pub fn parse_hex(s: &str) -> Result<Bytes, CalldataError> {
    s.trim()
        .parse::<Bytes>()
        .map_err(|_| CalldataError::Hex(s.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy::{primitives::Address, sol_types::SolCall};
    use lien_client::bindings::IOfferBook;

    #[test]
    fn encodes_like_the_bindings() {
        let c: Address = "0x3f1Eae7D46d88F08fc2F8ed27FCb2AB183EB2d0E"
            .parse()
            .unwrap();
        let expected = IOfferBook::setCollectionParamsCall {
            collection: c,
            max_ltv_bps: 4_500,
            liq_threshold_bps: 6_500,
            liq_penalty_bps: 800,
            auction_start_bps: 13_000,
            auction_cut_bps: 9_800,
            max_duration: 90 * 86_400,
            grace_period: 86_400,
            auction_step: 300,
            auction_tail: 86_400,
        }
        .abi_encode();
        let args: Vec<String> = [
            &c.to_string(),
            "4500",
            "6500",
            "800",
            "13000",
            "9800",
            "7776000",
            "86400",
            "300",
            "86400",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let got = encode_call(
            "setCollectionParams(address,uint16,uint16,uint16,uint16,uint16,uint64,uint64,uint64,uint64)",
            &args,
        )
        .unwrap();
        assert_eq!(got.as_ref(), expected.as_slice());
        let enabled = IOfferBook::setCollectionEnabledCall {
            collection: c,
            enabled: false,
        }
        .abi_encode();
        let got = encode_call(
            "function setCollectionEnabled(address collection, bool enabled)",
            &[c.to_string(), "false".into()],
        )
        .unwrap();
        assert_eq!(got.as_ref(), enabled.as_slice());
    }

    #[test]
    fn bad_input_is_reported() {
        assert!(matches!(
            encode_call("pause(", &[]),
            Err(CalldataError::Signature(..))
        ));
        assert!(matches!(
            encode_call("pause()", &["1".into()]),
            Err(CalldataError::Arity(_, 0, 1))
        ));
        assert!(matches!(
            encode_call("f(uint16)", &["70000".into()]),
            Err(CalldataError::Argument(1, ..))
        ));
        assert!(matches!(
            encode_call("f(address)", &["0x12".into()]),
            Err(CalldataError::Argument(1, ..))
        ));
        assert_eq!(
            encode_call("pause()", &[]).unwrap().as_ref(),
            &alloy::primitives::keccak256("pause()")[..4]
        );
        assert!(parse_hex("0xzz").is_err());
        assert_eq!(parse_hex("0x8456cb59").unwrap().len(), 4);
    }
}
