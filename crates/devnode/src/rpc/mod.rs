//! JSON-RPC 2.0 over a request body: parsing, single and batch requests, errors.
//!
//! Any input yields a JSON-RPC response; no input reaches a panic or changes state unless it
//! is a valid state-changing call.

mod methods;
mod params;

pub use methods::METHODS;
pub use params::Params;

use crate::{
    chain::Chain,
    error::{code, RpcError},
};
use serde_json::{json, Value};
use std::sync::Mutex;

/// State shared by all requests.
#[derive(Debug)]
pub struct RpcContext {
    /// The chain, behind one lock: requests are served one at a time.
    pub chain: Mutex<Chain>,
    /// Largest batch accepted.
    pub max_batch: usize,
}

impl RpcContext {
    /// Runs `f` with the chain locked. A poisoned lock (a panic in an earlier request) still
    /// yields the chain: every state change is applied at once, after all checks.
    pub fn with_chain<R>(&self, f: impl FnOnce(&mut Chain) -> R) -> R {
        let mut guard = self
            .chain
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        f(&mut guard)
    }
}

fn response(id: Value, result: Result<Value, RpcError>) -> Value {
    match result {
        Ok(result) => json!({ "jsonrpc": "2.0", "id": id, "result": result }),
        Err(error) => json!({ "jsonrpc": "2.0", "id": id, "error": error.to_json() }),
    }
}

/// Handles one request body and returns the response body.
pub fn handle_body(ctx: &RpcContext, body: &[u8]) -> String {
    let value: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => {
            return response(
                Value::Null,
                Err(RpcError::new(
                    code::PARSE_ERROR,
                    format!("parse error: {e}"),
                )),
            )
            .to_string()
        }
    };
    match value {
        Value::Array(items) if items.is_empty() => response(
            Value::Null,
            Err(RpcError::new(code::INVALID_REQUEST, "empty batch")),
        )
        .to_string(),
        Value::Array(items) if items.len() > ctx.max_batch => response(
            Value::Null,
            Err(RpcError::new(
                code::INVALID_REQUEST,
                format!(
                    "batch of {} requests exceeds the limit of {}",
                    items.len(),
                    ctx.max_batch
                ),
            )),
        )
        .to_string(),
        Value::Array(items) => Value::Array(
            items
                .into_iter()
                .map(|item| handle_request(ctx, item))
                .collect(),
        )
        .to_string(),
        single => handle_request(ctx, single).to_string(),
    }
}

/// Handles one request object.
pub fn handle_request(ctx: &RpcContext, request: Value) -> Value {
    let Value::Object(mut obj) = request else {
        return response(
            Value::Null,
            Err(RpcError::new(
                code::INVALID_REQUEST,
                "invalid request: not an object",
            )),
        );
    };
    let id = obj.remove("id").unwrap_or(Value::Null);
    if !matches!(id, Value::Null | Value::Number(_) | Value::String(_)) {
        return response(
            Value::Null,
            Err(RpcError::new(
                code::INVALID_REQUEST,
                "invalid request: bad id",
            )),
        );
    }
    let Some(Value::String(method)) = obj.remove("method") else {
        return response(
            id,
            Err(RpcError::new(
                code::INVALID_REQUEST,
                "invalid request: missing method",
            )),
        );
    };
    let result = Params::parse(obj.remove("params"))
        .and_then(|params| methods::dispatch(ctx, &method, &params));
    response(id, result)
}
