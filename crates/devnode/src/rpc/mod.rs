//! JSON-RPC 2.0 over a request body: parsing, single and batch requests, errors.
//!
//! Any input yields a JSON-RPC response; no input reaches a panic or changes state unless it
//! is a valid state-changing call.

mod methods;
mod params;
pub mod trace;

pub use methods::METHODS;
pub use params::Params;

use crate::{
    chain::Chain,
    error::{code, RpcError},
};
use methods::BodyBudget;
use serde::Deserialize;
use serde_json::{value::RawValue, Value};
use std::sync::RwLock;

/// Largest response body of one batch (geth's `--rpc.batch-response-max-size` default); the
/// requests after the one that crosses it answer `-32003 response too large`.
pub const MAX_BATCH_RESPONSE_BYTES: usize = 25_000_000;

/// State shared by all requests.
#[derive(Debug)]
pub struct RpcContext {
    /// The chain behind a reader-writer lock: reads and simulations (`eth_call`,
    /// `eth_estimateGas`) share it and run side by side; transactions, mining, time control
    /// and snapshots take it alone.
    pub chain: RwLock<Chain>,
    /// Largest batch accepted.
    pub max_batch: usize,
}

impl RpcContext {
    /// Runs `f` with the chain locked for writing. A poisoned lock (a panic in an earlier
    /// request) still yields the chain: every state change is applied at once, after all checks.
    pub fn with_chain<R>(&self, f: impl FnOnce(&mut Chain) -> R) -> R {
        let mut guard = self
            .chain
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        f(&mut guard)
    }

    /// Runs `f` with the chain locked for reading (other readers run at the same time).
    pub fn read_chain<R>(&self, f: impl FnOnce(&Chain) -> R) -> R {
        let guard = self
            .chain
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        f(&guard)
    }
}

/// The response text for `id` (raw JSON text, so numeric ids of any size come back verbatim).
fn response(id: &str, result: Result<Value, RpcError>) -> String {
    match result {
        Ok(result) => format!(r#"{{"jsonrpc":"2.0","id":{id},"result":{result}}}"#),
        Err(error) => format!(
            r#"{{"jsonrpc":"2.0","id":{id},"error":{}}}"#,
            error.to_json()
        ),
    }
}

fn error_response(id: &str, code: i64, message: impl Into<String>) -> String {
    response(id, Err(RpcError::new(code, message)))
}

/// Handles one request body and returns the response body.
pub fn handle_body(ctx: &RpcContext, body: &[u8]) -> String {
    let raw: &RawValue = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => return error_response("null", code::PARSE_ERROR, format!("parse error: {e}")),
    };
    let budget = BodyBudget::default();
    if !raw.get().starts_with('[') {
        return handle_request(ctx, raw, &budget);
    }
    let items: Vec<&RawValue> = match serde_json::from_str(raw.get()) {
        Ok(items) => items,
        Err(e) => return error_response("null", code::PARSE_ERROR, format!("parse error: {e}")),
    };
    if items.is_empty() {
        return error_response("null", code::INVALID_REQUEST, "empty batch");
    }
    if items.len() > ctx.max_batch {
        return error_response(
            "null",
            code::INVALID_REQUEST,
            format!(
                "batch of {} requests exceeds the limit of {}",
                items.len(),
                ctx.max_batch
            ),
        );
    }
    let mut out = String::from("[");
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        if out.len() > MAX_BATCH_RESPONSE_BYTES {
            out.push_str(&error_response(
                raw_id(item).as_deref().unwrap_or("null"),
                code::RESPONSE_TOO_LARGE,
                "response too large",
            ));
        } else {
            out.push_str(&handle_request(ctx, item, &budget));
        }
    }
    out.push(']');
    out
}

/// The raw text of a request's `id`, when the request is an object with a valid id.
fn raw_id(request: &RawValue) -> Option<String> {
    #[derive(Deserialize)]
    struct IdOnly<'a> {
        #[serde(borrow)]
        id: Option<&'a RawValue>,
    }
    let id = serde_json::from_str::<IdOnly<'_>>(request.get()).ok()?.id?;
    match serde_json::from_str::<Value>(id.get()).ok()? {
        Value::Number(_) => Some(id.get().to_string()),
        v @ (Value::String(_) | Value::Null) => Some(v.to_string()),
        _ => None,
    }
}

/// Handles one request object.
fn handle_request(ctx: &RpcContext, request: &RawValue, budget: &BodyBudget) -> String {
    let Ok(Value::Object(mut obj)) = serde_json::from_str::<Value>(request.get()) else {
        return error_response(
            "null",
            code::INVALID_REQUEST,
            "invalid request: not an object",
        );
    };
    let id = match obj.remove("id") {
        None | Some(Value::Null) => "null".to_string(),
        Some(Value::Number(_) | Value::String(_)) => match raw_id(request) {
            Some(id) => id,
            None => {
                return error_response("null", code::INVALID_REQUEST, "invalid request: bad id")
            }
        },
        Some(_) => return error_response("null", code::INVALID_REQUEST, "invalid request: bad id"),
    };
    let Some(Value::String(method)) = obj.remove("method") else {
        return error_response(
            &id,
            code::INVALID_REQUEST,
            "invalid request: missing method",
        );
    };
    let result = Params::parse(obj.remove("params"))
        .and_then(|params| methods::dispatch(ctx, &method, &params, budget));
    response(&id, result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_ids_come_back_verbatim() {
        let big = r#"{"id":123456789012345678901234567890,"method":"x"}"#;
        let raw: &RawValue = serde_json::from_str(big).expect("json");
        assert_eq!(
            raw_id(raw).as_deref(),
            Some("123456789012345678901234567890")
        );
        let s: &RawValue = serde_json::from_str(r#"{"id":"a\"b"}"#).expect("json");
        assert_eq!(raw_id(s).as_deref(), Some(r#""a\"b""#));
        let bad: &RawValue = serde_json::from_str(r#"{"id":[1]}"#).expect("json");
        assert_eq!(raw_id(bad), None);
    }
}
