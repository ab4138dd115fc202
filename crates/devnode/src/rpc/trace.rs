//! `debug_traceTransaction` / `debug_traceCall`: tracer options and the JSON of each tracer.
//!
//! | `tracer` | result |
//! |---|---|
//! | none (struct logger) | `{gas, failed, returnValue, structLogs: [{pc, op, gas, gasCost, depth, stack?, memory?, error?}]}`; a Stylus frame shows one step per hostio (`op` = the hostio's name, `pc` 0, gas from its ink) |
//! | `callTracer` | geth's nested frames `{type, from, to, value, gas, gasUsed, input, output, error, revertReason, calls, logs}` (`tracerConfig`: `onlyTopCall`, `withLog`); Stylus frames add `stylusGas` (the gas split) |
//! | `stylusTracer`, or cargo-stylus 0.10's JavaScript query | Nitro's hostio records `[{name, args, outs, startInk, endInk, address?, steps?}]` |
//! | `noopTracer` | `{}` |
//!
//! Other JavaScript tracers and other native tracers are refused (`-32000 tracer not found`).

use alloy::primitives::Bytes;
use revm::context::result::ExecutionResult;
use serde::Deserialize;
use serde_json::{json, Map, Value};
use stylus_vm::trace::{
    hostio::HostioRecord, CallNode, HostioCost, StepLog, StepOptions, StorageCost, StylusGas,
    TraceOptions,
};

use crate::chain::trace::Traced;
use crate::error::{code, RpcError};

/// The tracer a request asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TracerKind {
    /// geth's default struct logger.
    StructLogger,
    /// geth's `callTracer`.
    Call {
        /// Only the top frame.
        only_top_call: bool,
        /// Include logs.
        with_log: bool,
    },
    /// Nitro's `stylusTracer`.
    Stylus,
    /// `noopTracer`.
    Noop,
}

/// The tracer options object (geth's `TraceConfig` / `TraceCallConfig`).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TraceParams {
    tracer: Option<String>,
    tracer_config: Option<Value>,
    disable_stack: Option<bool>,
    enable_memory: Option<bool>,
    limit: Option<usize>,
    /// `debug_traceCall` only.
    pub state_overrides: Option<alloy::rpc::types::state::StateOverride>,
}

/// Whether a JavaScript tracer is cargo-stylus's hostio query (`stylus-tools` 0.10
/// `core/tracing/query.js`), which collects exactly the records `stylusTracer` returns.
fn is_cargo_stylus_query(js: &str) -> bool {
    js.contains("hostio") && js.contains("evm_call_contract") && js.contains("nests")
}

impl TraceParams {
    /// The tracer and what it needs recorded.
    pub fn kind(&self) -> Result<(TracerKind, TraceOptions), RpcError> {
        let kind = match self.tracer.as_deref() {
            None | Some("") => TracerKind::StructLogger,
            Some("callTracer") => {
                let cfg = self.tracer_config.as_ref();
                let flag = |k: &str| {
                    cfg.and_then(|c| c.get(k))
                        .and_then(Value::as_bool)
                        .unwrap_or(false)
                };
                TracerKind::Call {
                    only_top_call: flag("onlyTopCall"),
                    with_log: flag("withLog"),
                }
            }
            Some("stylusTracer") => TracerKind::Stylus,
            Some("noopTracer") => TracerKind::Noop,
            Some(js) if js.trim_start().starts_with('{') && is_cargo_stylus_query(js) => {
                TracerKind::Stylus
            }
            Some(js) if js.trim_start().starts_with('{') => {
                return Err(RpcError::new(
                    code::SERVER,
                    "JavaScript tracers are not supported (only cargo-stylus's hostio query, \
                     answered as stylusTracer)",
                ))
            }
            Some(other) => {
                return Err(RpcError::new(
                    code::SERVER,
                    format!("tracer not found: {other}"),
                ))
            }
        };
        let options = match kind {
            TracerKind::StructLogger => TraceOptions {
                steps: Some(StepOptions {
                    stack: !self.disable_stack.unwrap_or(false),
                    memory: self.enable_memory.unwrap_or(false),
                    limit: self.limit.unwrap_or(0),
                }),
                ..TraceOptions::default()
            },
            TracerKind::Call { .. } => TraceOptions {
                calls: true,
                ..TraceOptions::default()
            },
            TracerKind::Stylus => TraceOptions {
                hostios: true,
                ..TraceOptions::default()
            },
            TracerKind::Noop => TraceOptions::default(),
        };
        Ok((kind, options))
    }
}

fn hex(n: u64) -> Value {
    Value::String(format!("{n:#x}"))
}

fn hex_bytes(b: &[u8]) -> Value {
    Value::String(format!("0x{}", hex::encode(b)))
}

/// The JSON answer of a traced run for `kind`.
pub fn render(kind: TracerKind, traced: Traced) -> Result<Value, RpcError> {
    if traced.tracer.truncated() {
        return Err(RpcError::new(
            code::SERVER,
            format!(
                "trace too large (more than {} records); use `limit` or another tracer",
                stylus_vm::trace::MAX_RECORDS
            ),
        ));
    }
    let gas_used = traced.result.tx_gas_used();
    let (output, failed) = match &traced.result {
        ExecutionResult::Success { output, .. } => (output.data().clone(), false),
        ExecutionResult::Revert { output, .. } => (output.clone(), true),
        ExecutionResult::Halt { .. } => (Bytes::new(), true),
    };
    let (root, hostios, steps) = (*traced.tracer).into_parts();
    Ok(match kind {
        TracerKind::Noop => json!({}),
        TracerKind::Stylus => Value::Array(hostios.iter().map(hostio_json).collect()),
        TracerKind::StructLogger => json!({
            "gas": gas_used,
            "failed": failed,
            "returnValue": hex_bytes(&output),
            "structLogs": steps.iter().map(step_json).collect::<Vec<_>>(),
        }),
        TracerKind::Call {
            only_top_call,
            with_log,
        } => {
            let Some(mut root) = root else {
                return Ok(Value::Null);
            };
            // geth: the top frame shows the transaction's gas limit and its receipt gas.
            root.gas = traced.gas_limit;
            root.gas_used = gas_used;
            call_json(&root, with_log, only_top_call)
        }
    })
}

fn hostio_json(r: &HostioRecord) -> Value {
    let mut o = Map::new();
    o.insert("name".into(), json!(r.name));
    o.insert("args".into(), hex_bytes(&r.args));
    o.insert("outs".into(), hex_bytes(&r.outs));
    o.insert("startInk".into(), json!(r.start_ink));
    o.insert("endInk".into(), json!(r.end_ink));
    if let Some(a) = r.address {
        o.insert("address".into(), json!(a));
    }
    if let Some(steps) = &r.steps {
        o.insert(
            "steps".into(),
            Value::Array(steps.iter().map(hostio_json).collect()),
        );
    }
    Value::Object(o)
}

fn step_json(s: &StepLog) -> Value {
    let mut o = Map::new();
    o.insert("pc".into(), json!(s.pc));
    o.insert("op".into(), json!(s.op));
    o.insert("gas".into(), json!(s.gas));
    o.insert("gasCost".into(), json!(s.gas_cost));
    o.insert("depth".into(), json!(s.depth));
    if let Some(stack) = &s.stack {
        o.insert(
            "stack".into(),
            Value::Array(stack.iter().map(|v| json!(format!("{v:#x}"))).collect()),
        );
    }
    if let Some(mem) = &s.memory {
        o.insert(
            "memory".into(),
            Value::Array(mem.chunks(32).map(|c| json!(hex::encode(c))).collect()),
        );
    }
    if let Some(e) = &s.error {
        o.insert("error".into(), json!(e));
    }
    Value::Object(o)
}

fn call_json(n: &CallNode, with_log: bool, only_top: bool) -> Value {
    let mut o = Map::new();
    o.insert("type".into(), json!(n.kind.name()));
    o.insert("from".into(), json!(n.from));
    o.insert("to".into(), json!(n.to));
    if let Some(v) = n.value {
        o.insert("value".into(), json!(format!("{:#x}", v)));
    }
    o.insert("gas".into(), hex(n.gas));
    o.insert("gasUsed".into(), hex(n.gas_used));
    o.insert("input".into(), hex_bytes(&n.input));
    if !n.output.is_empty() {
        o.insert("output".into(), hex_bytes(&n.output));
    }
    if let Some(e) = &n.error {
        o.insert("error".into(), json!(e));
    }
    if let Some(r) = &n.revert_reason {
        o.insert("revertReason".into(), json!(r));
    }
    if with_log && !n.logs.is_empty() {
        let logs: Vec<Value> = n
            .logs
            .iter()
            .map(|l| {
                json!({
                    "address": l.address,
                    "topics": l.topics,
                    "data": hex_bytes(&l.data),
                    "position": hex(l.position),
                })
            })
            .collect();
        o.insert("logs".into(), Value::Array(logs));
    }
    if let Some(s) = &n.stylus {
        o.insert("stylusGas".into(), stylus_json(s));
    }
    if !only_top && !n.calls.is_empty() {
        o.insert(
            "calls".into(),
            Value::Array(
                n.calls
                    .iter()
                    .map(|c| call_json(c, with_log, false))
                    .collect(),
            ),
        );
    }
    Value::Object(o)
}

fn cost_json(c: &HostioCost) -> Value {
    json!({"count": hex(c.count), "ink": hex(c.ink)})
}

fn storage_json(c: &StorageCost) -> Value {
    json!({"count": hex(c.count), "ink": hex(c.ink), "cold": hex(c.cold), "warm": hex(c.warm)})
}

/// The `stylusGas` object of a Stylus frame (documented in docs/DEVNODE.md).
fn stylus_json(s: &StylusGas) -> Value {
    let mut memory = cost_json(&s.memory_growth);
    if let Value::Object(m) = &mut memory {
        m.insert("pages".into(), hex(s.memory_growth_pages));
    }
    json!({
        "cached": s.cached,
        "entryGas": hex(s.entry_gas),
        "memoryEntryGas": hex(s.memory_entry_gas),
        "inkPrice": hex(s.ink_price),
        "inkLimit": hex(s.ink_limit),
        "inkLeft": hex(s.ink_left),
        "computeInk": hex(s.compute_ink),
        "storageLoads": storage_json(&s.storage_loads),
        "storageStores": storage_json(&s.storage_stores),
        "calls": cost_json(&s.calls),
        "logs": cost_json(&s.logs),
        "memoryGrowth": memory,
        "otherHostios": cost_json(&s.other_hostios),
        "returnDataGas": hex(s.return_data_gas),
    })
}
