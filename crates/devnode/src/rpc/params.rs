//! Positional JSON-RPC parameters with typed, error-reporting accessors.

use crate::error::RpcError;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// The `params` array of a request.
#[derive(Debug, Default)]
pub struct Params(Vec<Value>);

impl Params {
    /// Accepts a missing/null `params` (no parameters) or an array.
    pub fn parse(value: Option<Value>) -> Result<Self, RpcError> {
        match value {
            None | Some(Value::Null) => Ok(Self(Vec::new())),
            Some(Value::Array(items)) => Ok(Self(items)),
            Some(_) => Err(RpcError::invalid_params("params must be an array")),
        }
    }

    /// Fails when more than `n` parameters were given.
    pub fn at_most(&self, n: usize) -> Result<(), RpcError> {
        if self.0.len() > n {
            return Err(RpcError::invalid_params(format!(
                "too many arguments, want at most {n}"
            )));
        }
        Ok(())
    }

    /// Parameter `i`, which must be present.
    pub fn required<T: DeserializeOwned>(&self, i: usize, name: &str) -> Result<T, RpcError> {
        match self.0.get(i) {
            None | Some(Value::Null) => Err(RpcError::invalid_params(format!(
                "missing value for required argument {i} ({name})"
            ))),
            Some(v) => T::deserialize(v)
                .map_err(|e| RpcError::invalid_params(format!("argument {i} ({name}): {e}"))),
        }
    }

    /// Parameter `i`, or `None` when missing or null.
    pub fn optional<T: DeserializeOwned>(
        &self,
        i: usize,
        name: &str,
    ) -> Result<Option<T>, RpcError> {
        match self.0.get(i) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => T::deserialize(v)
                .map(Some)
                .map_err(|e| RpcError::invalid_params(format!("argument {i} ({name}): {e}"))),
        }
    }

    /// Parameter `i` as an unsigned quantity: a JSON number, a `0x` hex string or a decimal string.
    pub fn quantity(&self, i: usize, name: &str) -> Result<Option<u64>, RpcError> {
        match self.0.get(i) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => parse_quantity(v).map(Some).ok_or_else(|| {
                RpcError::invalid_params(format!(
                    "argument {i} ({name}): not an unsigned 64-bit quantity"
                ))
            }),
        }
    }

    /// The raw parameter `i`.
    pub fn raw(&self, i: usize) -> Option<&Value> {
        self.0.get(i)
    }
}

/// Parses a JSON number, `0x` hex string or decimal string as `u64`.
pub fn parse_quantity(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
            Some(hex) if !hex.is_empty() && hex.len() <= 16 => u64::from_str_radix(hex, 16).ok(),
            Some(_) => None,
            None => s.parse().ok(),
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn quantities() {
        assert_eq!(parse_quantity(&json!(5)), Some(5));
        assert_eq!(parse_quantity(&json!("0x10")), Some(16));
        assert_eq!(parse_quantity(&json!("42")), Some(42));
        assert_eq!(parse_quantity(&json!("0x")), None);
        assert_eq!(parse_quantity(&json!(-1)), None);
        assert_eq!(parse_quantity(&json!("0x1ffffffffffffffff")), None);
        assert_eq!(parse_quantity(&json!([1])), None);
    }

    #[test]
    fn params_shape() {
        assert!(Params::parse(Some(json!({"a": 1}))).is_err());
        let p = Params::parse(Some(json!(["0x1", null]))).expect("array");
        assert_eq!(p.quantity(0, "n").expect("ok"), Some(1));
        assert_eq!(p.quantity(1, "n").expect("ok"), None);
        assert!(p.required::<u64>(1, "n").is_err());
        assert!(p.at_most(1).is_err());
    }
}
