//! The gas profile of a transaction: geth's `callTracer` tree as the dev node returns it, with
//! the `stylusGas` split of every Stylus frame (docs/DEVNODE.md, "Tracing"), and a readable
//! rendering of it (`lien gas`).

use alloy::{
    primitives::{Address, Bytes, B256, U256},
    providers::Provider,
};
use serde::Deserialize;

/// A hex quantity (`"0x1a"`) as the node writes gas and ink.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Qty(pub u64);

impl<'de> Deserialize<'de> for Qty {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = serde_json::Value::deserialize(d)?;
        match &v {
            serde_json::Value::Number(n) => n.as_u64().map(Qty),
            serde_json::Value::String(s) => u64::from_str_radix(s.trim_start_matches("0x"), 16)
                .ok()
                .map(Qty),
            _ => None,
        }
        .ok_or_else(|| serde::de::Error::custom(format!("not a quantity: {v}")))
    }
}

/// Hostio calls of one kind and their ink.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
pub struct HostioCost {
    /// Calls.
    pub count: Qty,
    /// Ink (hostio price plus the EVM gas it bought, × the ink price).
    pub ink: Qty,
}

/// Storage hostios.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
pub struct StorageCost {
    /// Hostio calls.
    pub count: Qty,
    /// Ink.
    pub ink: Qty,
    /// Cold slots.
    pub cold: Qty,
    /// Warm slots.
    pub warm: Qty,
}

/// Memory growth.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
pub struct MemoryCost {
    /// `pay_for_memory_grow` calls.
    pub count: Qty,
    /// Ink.
    pub ink: Qty,
    /// Pages grown.
    pub pages: Qty,
}

/// The gas split of a Stylus frame (`stylusGas`).
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct StylusGas {
    /// Cached program (cached entry cost instead of the init cost).
    pub cached: bool,
    /// Entry charge: init or cached program cost.
    pub entry_gas: Qty,
    /// Footprint pages at entry.
    pub memory_entry_gas: Qty,
    /// Ink per gas.
    pub ink_price: Qty,
    /// Ink given to the run.
    pub ink_limit: Qty,
    /// Ink left.
    pub ink_left: Qty,
    /// Ink of wasm instructions.
    pub compute_ink: Qty,
    /// `storage_load_bytes32`.
    pub storage_loads: StorageCost,
    /// `storage_cache_bytes32` + `storage_flush_cache`.
    pub storage_stores: StorageCost,
    /// Calls and creates (with the callee's gas).
    pub calls: HostioCost,
    /// `emit_log`.
    pub logs: HostioCost,
    /// `pay_for_memory_grow`.
    pub memory_growth: MemoryCost,
    /// Every other hostio.
    pub other_hostios: HostioCost,
    /// EVM memory cost of the returned data beyond the run's gas.
    pub return_data_gas: Qty,
}

/// One frame of the `callTracer` tree.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallFrame {
    /// `CALL`, `STATICCALL`, `DELEGATECALL`, `CREATE`, …
    #[serde(rename = "type")]
    pub kind: String,
    /// Caller.
    pub from: Address,
    /// Callee.
    #[serde(default)]
    pub to: Option<Address>,
    /// Value.
    #[serde(default)]
    pub value: Option<U256>,
    /// Gas given.
    pub gas: Qty,
    /// Gas used.
    pub gas_used: Qty,
    /// Input.
    #[serde(default)]
    pub input: Bytes,
    /// Output.
    #[serde(default)]
    pub output: Option<Bytes>,
    /// Error.
    #[serde(default)]
    pub error: Option<String>,
    /// Decoded revert reason.
    #[serde(default)]
    pub revert_reason: Option<String>,
    /// Sub-calls.
    #[serde(default)]
    pub calls: Vec<CallFrame>,
    /// The Stylus split (Stylus frames only).
    #[serde(default)]
    pub stylus_gas: Option<StylusGas>,
}

/// Fetches the `callTracer` tree of `tx` (with logs).
pub async fn trace_transaction(
    provider: &impl Provider,
    tx: B256,
) -> Result<CallFrame, alloy::transports::TransportError> {
    provider
        .raw_request(
            "debug_traceTransaction".into(),
            (
                tx,
                serde_json::json!({"tracer": "callTracer", "tracerConfig": {"withLog": true}}),
            ),
        )
        .await
}

fn gas(ink: u64, price: u64) -> f64 {
    ink as f64 / price.max(1) as f64
}

/// A readable tree: one line per frame (kind, target, gas used, selector, error), and under
/// each Stylus frame its split in gas. `names` labels known addresses.
pub fn render(frame: &CallFrame, names: &dyn Fn(Address) -> Option<String>) -> String {
    let mut out = String::new();
    render_into(frame, names, 0, &mut out);
    out
}

fn render_into(
    f: &CallFrame,
    names: &dyn Fn(Address) -> Option<String>,
    depth: usize,
    out: &mut String,
) {
    use std::fmt::Write as _;
    let pad = "  ".repeat(depth);
    let to =
        f.to.map(|a| names(a).unwrap_or_else(|| a.to_string()))
            .unwrap_or_else(|| "-".into());
    let sel = f
        .input
        .get(..4)
        .map(|s| format!(" 0x{}", alloy::hex::encode(s)))
        .unwrap_or_default();
    let kind = if f.stylus_gas.is_some() {
        format!("{} [stylus]", f.kind)
    } else {
        f.kind.clone()
    };
    let _ = write!(out, "{pad}{kind} {to}{sel}  gas used {}", f.gas_used.0);
    if let Some(e) = &f.error {
        let _ = write!(out, "  ERROR {e}");
        if let Some(r) = &f.revert_reason {
            let _ = write!(out, " ({r})");
        }
    }
    out.push('\n');
    if let Some(s) = &f.stylus_gas {
        let p = s.ink_price.0;
        let entry = if s.cached { "cached" } else { "init" };
        let lines = [
            format!(
                "entry ({entry}) {} + footprint pages {}",
                s.entry_gas.0, s.memory_entry_gas.0
            ),
            format!("compute (ink) {:.1}", gas(s.compute_ink.0, p)),
            format!(
                "storage loads {:.1} ({} calls, {} cold, {} warm)",
                gas(s.storage_loads.ink.0, p),
                s.storage_loads.count.0,
                s.storage_loads.cold.0,
                s.storage_loads.warm.0
            ),
            format!(
                "storage stores {:.1} ({} calls, {} cold, {} warm slots)",
                gas(s.storage_stores.ink.0, p),
                s.storage_stores.count.0,
                s.storage_stores.cold.0,
                s.storage_stores.warm.0
            ),
            format!(
                "calls {:.1} ({}, callees included)",
                gas(s.calls.ink.0, p),
                s.calls.count.0
            ),
            format!("logs {:.1} ({})", gas(s.logs.ink.0, p), s.logs.count.0),
            format!(
                "memory growth {:.1} ({} pages)",
                gas(s.memory_growth.ink.0, p),
                s.memory_growth.pages.0
            ),
            format!(
                "other hostios {:.1} ({})",
                gas(s.other_hostios.ink.0, p),
                s.other_hostios.count.0
            ),
        ];
        for l in lines {
            let _ = writeln!(out, "{pad}  | {l}");
        }
        if s.return_data_gas.0 > 0 {
            let _ = writeln!(out, "{pad}  | return data {}", s.return_data_gas.0);
        }
    }
    for c in &f.calls {
        render_into(c, names, depth + 1, out);
    }
}

/// Where a whole transaction's gas went, summed over every frame of its call tree, each frame
/// counted for its own work only (a call's callee is counted in the callee's frame): the
/// top-level split `lien bench gas` prints for each operation.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Split {
    /// The receipt's gas (the root frame's `gasUsed`).
    pub total: u64,
    /// Stylus program entries: init or cached cost plus footprint pages.
    pub entries: f64,
    /// Stylus frames entered.
    pub programs: u64,
    /// Of those, cached programs.
    pub cached: u64,
    /// Wasm instructions.
    pub compute: f64,
    /// `storage_load_bytes32`.
    pub loads: f64,
    /// Cold slots loaded.
    pub cold_loads: u64,
    /// `storage_cache_bytes32` + `storage_flush_cache`.
    pub stores: f64,
    /// Slots stored.
    pub slots_stored: u64,
    /// The calls' own cost (account access, value transfer, the 63/64 rule's gas left
    /// unused is not counted): the calls hostios less the callees' gas.
    pub calls: f64,
    /// Calls and creates made by Stylus frames.
    pub call_count: u64,
    /// `emit_log`.
    pub logs: f64,
    /// Memory growth, other hostios and returned data.
    pub other: f64,
    /// EVM frames (Solidity contracts), each for its own opcodes.
    pub evm: f64,
}

impl Split {
    /// The gas no frame accounts for: the intrinsic 21,000 and calldata, less the refunds of
    /// cleared storage, plus EVM-side overheads of the root call.
    pub fn rest(&self) -> f64 {
        self.total as f64
            - (self.entries
                + self.compute
                + self.loads
                + self.stores
                + self.calls
                + self.logs
                + self.other
                + self.evm)
    }

    /// One line: `entries 12.3k (5 programs, 5 cached) · compute … · rest …`.
    pub fn line(&self) -> String {
        let k = |g: f64| format!("{:.1}k", g / 1_000.0);
        format!(
            "entries {} ({} programs, {} cached) · compute {} · storage loads {} ({} cold) · stores {} ({} slots) · calls {} ({}) · logs {} · EVM tokens {} · memory/other {} · intrinsic − refunds + rest {}",
            k(self.entries),
            self.programs,
            self.cached,
            k(self.compute),
            k(self.loads),
            self.cold_loads,
            k(self.stores),
            self.slots_stored,
            k(self.calls),
            self.call_count,
            k(self.logs),
            k(self.evm),
            k(self.other),
            k(self.rest()),
        )
    }
}

/// The [`Split`] of a traced transaction (`root` from [`trace_transaction`]).
pub fn split(root: &CallFrame) -> Split {
    let mut s = Split {
        total: root.gas_used.0,
        ..Split::default()
    };
    add_frame(root, true, &mut s);
    s
}

fn add_frame(f: &CallFrame, root: bool, s: &mut Split) {
    let callees: u64 = f.calls.iter().map(|c| c.gas_used.0).sum();
    match &f.stylus_gas {
        Some(g) => {
            let p = g.ink_price.0;
            s.programs += 1;
            s.cached += u64::from(g.cached);
            s.entries += (g.entry_gas.0 + g.memory_entry_gas.0) as f64;
            s.compute += gas(g.compute_ink.0, p);
            s.loads += gas(g.storage_loads.ink.0, p);
            s.cold_loads += g.storage_loads.cold.0;
            s.stores += gas(g.storage_stores.ink.0, p);
            s.slots_stored += g.storage_stores.cold.0 + g.storage_stores.warm.0;
            s.calls += (gas(g.calls.ink.0, p) - callees as f64).max(0.0);
            s.call_count += g.calls.count.0;
            s.logs += gas(g.logs.ink.0, p);
            s.other += gas(g.memory_growth.ink.0, p)
                + gas(g.other_hostios.ink.0, p)
                + g.return_data_gas.0 as f64;
        }
        // The root's gasUsed is the receipt's (intrinsic gas included): an EVM root is
        // counted in `rest`, not as token code.
        None if !root => s.evm += f.gas_used.0.saturating_sub(callees) as f64,
        None => {}
    }
    for c in &f.calls {
        add_frame(c, false, s);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_and_renders_a_stylus_frame() {
        let json = serde_json::json!({
            "type": "CALL", "from": Address::ZERO, "to": Address::repeat_byte(1),
            "value": "0x0", "gas": "0x7a1200", "gasUsed": "0x5208", "input": "0x12345678",
            "calls": [{
                "type": "STATICCALL", "from": Address::repeat_byte(1),
                "to": Address::repeat_byte(2), "gas": "0x100", "gasUsed": "0x10",
                "input": "0x", "error": "execution reverted", "revertReason": "nope",
                "stylusGas": {
                    "cached": true, "entryGas": "0x170", "memoryEntryGas": "0x0",
                    "inkPrice": "0x2710", "inkLimit": "0x0", "inkLeft": "0x0",
                    "computeInk": "0x4e20",
                    "storageLoads": {"count": "0x1", "ink": "0x2710", "cold": "0x1", "warm": "0x0"},
                    "storageStores": {"count": "0x0", "ink": "0x0", "cold": "0x0", "warm": "0x0"},
                    "calls": {"count": "0x0", "ink": "0x0"}, "logs": {"count": "0x0", "ink": "0x0"},
                    "memoryGrowth": {"count": "0x0", "ink": "0x0", "pages": "0x0"},
                    "otherHostios": {"count": "0x2", "ink": "0x7530"}, "returnDataGas": "0x0"
                }
            }]
        });
        let f: CallFrame = serde_json::from_value(json).expect("decodes");
        assert_eq!(f.gas_used, Qty(21_000));
        let s = f.calls[0].stylus_gas.expect("split");
        assert_eq!((s.entry_gas, s.compute_ink), (Qty(0x170), Qty(20_000)));
        let text = render(&f, &|a| {
            (a == Address::repeat_byte(2)).then(|| "leaf".into())
        });
        assert!(text.contains(
            "CALL 0x0101010101010101010101010101010101010101 0x12345678  gas used 21000"
        ));
        assert!(text
            .contains("  STATICCALL [stylus] leaf  gas used 16  ERROR execution reverted (nope)"));
        assert!(text.contains("entry (cached) 368"));
        assert!(text.contains("compute (ink) 2.0"));
        assert!(text.contains("storage loads 1.0 (1 calls, 1 cold, 0 warm)"));
        assert!(text.contains("other hostios 3.0 (2)"));
        let sp = split(&f);
        assert_eq!((sp.total, sp.programs, sp.cached), (21_000, 1, 1));
        assert_eq!((sp.entries, sp.compute, sp.loads), (368.0, 2.0, 1.0));
        assert_eq!((sp.cold_loads, sp.other), (1, 3.0));
        assert_eq!(sp.rest(), 21_000.0 - 374.0);
        assert!(sp
            .line()
            .starts_with("entries 0.4k (1 programs, 1 cached) · compute 0.0k"));
    }
}
