//! Activation-time validation of user wasm, following Nitro's `parse_user` rules (§3 of the spec).

use std::collections::HashMap;

use wasmparser::{
    ExternalKind, FuncType, FuncValidatorAllocations, Operator, Parser, Payload, TypeRef, ValType,
    Validator, WasmFeatures,
};

use crate::hooks::{self, Ty};
use crate::params::StylusParams;
use crate::pricing;

/// Structural limits of `parse_user`.
pub mod limits {
    /// Data segments.
    pub const MAX_DATAS: usize = 128;
    /// Element segments.
    pub const MAX_ELEMENTS: usize = 128;
    /// Exports.
    pub const MAX_EXPORTS: usize = 1024;
    /// Defined functions.
    pub const MAX_FUNCTIONS: usize = 4096;
    /// Globals.
    pub const MAX_GLOBALS: usize = 32768;
    /// Locals per function (params excluded).
    pub const MAX_LOCALS: u64 = 348;
    /// Operators per function body.
    pub const MAX_OPS_PER_FUNC: usize = 65536;
    /// Imports.
    pub const MAX_IMPORTS: usize = 513;
    /// Table size (initial entries).
    pub const MAX_TABLE_ENTRIES: u64 = 4096;
    /// Element entries over all segments.
    pub const MAX_ELEMENT_ENTRIES: usize = 4096;
    /// Length of an export name or the module name.
    pub const MAX_NAME_LEN: usize = 512;
    /// Worst-case words of one function frame.
    pub const MAX_FRAME_WORDS: u32 = 10 * 1024;
    /// Worst-case operand stack height of one function.
    pub const MAX_OPERAND_STACK: u32 = 4096;
}

/// One activation-time rejection; each corresponds to one Nitro rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValidationError {
    /// wasmparser rejected the module under Nitro's feature set (reference types, SIMD, threads,
    /// tail calls, multi-memory, exceptions, memory64, extended-const, and multi-value at ArbOS ≥ 60).
    #[error("invalid wasm: {0}")]
    Invalid(String),
    /// A floating-point operator (Stylus programs get no soft-float).
    #[error("floating point operation {0} in function {1}")]
    FloatOp(String, u32),
    /// A bulk-memory operator other than memory.copy / memory.fill.
    #[error("bulk-memory operation {0} is not supported")]
    UnsupportedBulkMemory(String),
    /// An operator outside the priced set.
    #[error("unsupported operation {0}")]
    UnsupportedOp(String),
    /// Not exactly one memory.
    #[error("program must have exactly one memory, found {0}")]
    MemoryCount(usize),
    /// Memory 0 not exported as `memory`.
    #[error("missing export `memory`")]
    MissingMemoryExport,
    /// Initial memory above the page limit.
    #[error("memory has {pages} initial pages, limit is {limit}")]
    TooManyPages {
        /// Initial pages.
        pages: u64,
        /// Limit.
        limit: u64,
    },
    /// A count limit was exceeded.
    #[error("too many {what}: {count} > {limit}")]
    Limit {
        /// Which limit.
        what: &'static str,
        /// Observed count.
        count: u64,
        /// The limit.
        limit: u64,
    },
    /// A start function is present.
    #[error("start functions are not allowed")]
    StartFunction,
    /// `user_entrypoint` is missing.
    #[error("missing export `user_entrypoint`")]
    MissingEntrypoint,
    /// `user_entrypoint` is not `(i32) -> i32`.
    #[error("`user_entrypoint` has the wrong type")]
    EntrypointType,
    /// A name starts with the reserved `stylus` prefix.
    #[error("name `{0}` uses the reserved `stylus` prefix")]
    ReservedName(String),
    /// Unknown import.
    #[error("no such import {0}.{1}")]
    UnknownImport(String, String),
    /// Import with a signature other than the host's.
    #[error("import {0}.{1} has a different function signature")]
    ImportSignature(String, String),
    /// Non-function import.
    #[error("import {0}.{1} is not a function")]
    ImportKind(String, String),
    /// A debug-only import on a non-debug chain.
    #[error("host func {0}.{1} is only enabled on debug chains")]
    DebugImport(String, String),
    /// An import re-exported under its own name.
    #[error("import {0} is re-exported under the same name")]
    ReexportedImport(String),
    /// The same (module, name) imported with two different types.
    #[error("import {0}.{1} is declared with two types")]
    DuplicateImport(String, String),
    /// Growable memory without the `pay_for_memory_grow` import.
    #[error("memory can grow but vm_hooks.pay_for_memory_grow is not imported")]
    MissingPayForMemoryGrow,
    /// Function frame too large.
    #[error("function {func} needs {words} stack words")]
    FrameTooLarge {
        /// Function index.
        func: u32,
        /// Words needed.
        words: u32,
    },
    /// Unknown (non-custom) section.
    #[error("unknown section {0}")]
    UnknownSection(u8),
}

/// Facts about a validated module that activation and call pricing need.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ModuleInfo {
    /// Length of the wasm in bytes.
    pub wasm_len: u64,
    /// Defined functions.
    pub funcs: u64,
    /// Imported functions.
    pub imported_funcs: u32,
    /// Entries in the type section.
    pub types: u64,
    /// Defined globals.
    pub globals: u64,
    /// Bytes of all data segments.
    pub data_bytes: u64,
    /// Element entries over all segments.
    pub elem_entries: u64,
    /// Initial memory pages (the footprint).
    pub initial_pages: u16,
    /// Whether memory may grow past its initial size.
    pub growable: bool,
    /// Total operators over all bodies.
    pub total_ops: u64,
    /// Per defined function: its frame size in words (operand stack + locals + 4).
    pub frame_words: Vec<u32>,
    /// Per defined function: its result types.
    pub func_results: Vec<Vec<ValType>>,
    /// Function index of `vm_hooks.pay_for_memory_grow`, if imported.
    pub pay_for_memory_grow: Option<u32>,
    /// Number of params of each type index (for call_indirect pricing).
    pub type_params: Vec<u32>,
    /// Imported hooks, in import order.
    pub imports: Vec<hooks::Hook>,
}

fn features(params: &StylusParams) -> WasmFeatures {
    let mut f = WasmFeatures::MUTABLE_GLOBAL
        | WasmFeatures::SATURATING_FLOAT_TO_INT
        | WasmFeatures::SIGN_EXTENSION
        | WasmFeatures::BULK_MEMORY
        | WasmFeatures::FLOATS
        | WasmFeatures::GC_TYPES;
    if params.multi_value() {
        f |= WasmFeatures::MULTI_VALUE;
    }
    f
}

fn ty_of(v: ValType) -> Option<Ty> {
    match v {
        ValType::I32 => Some(Ty::I32),
        ValType::I64 => Some(Ty::I64),
        ValType::F32 => Some(Ty::F32),
        ValType::F64 => Some(Ty::F64),
        _ => None,
    }
}

fn sig_matches(ft: &FuncType, spec: &hooks::HookSpec) -> bool {
    let p: Option<Vec<Ty>> = ft.params().iter().map(|v| ty_of(*v)).collect();
    let r: Option<Vec<Ty>> = ft.results().iter().map(|v| ty_of(*v)).collect();
    p.as_deref() == Some(spec.params) && r.as_deref() == Some(spec.results)
}

fn limit(what: &'static str, count: u64, max: u64) -> Result<(), ValidationError> {
    if count > max {
        return Err(ValidationError::Limit {
            what,
            count,
            limit: max,
        });
    }
    Ok(())
}

fn is_float_op(op: &Operator<'_>) -> bool {
    let name = format!("{op:?}");
    let head = name.split([' ', '{', '(']).next().unwrap_or("");
    head.starts_with("F32")
        || head.starts_with("F64")
        || head.contains("F32")
        || head.contains("F64")
}

fn reserved(name: &str) -> Result<(), ValidationError> {
    if name.starts_with("stylus") {
        return Err(ValidationError::ReservedName(name.to_string()));
    }
    Ok(())
}

/// Validates `wasm` under Nitro's user-program rules. `pages_open` is the number of pages already
/// open in the transaction (the page limit applies to `open + initial`).
pub fn validate(
    wasm: &[u8],
    params: &StylusParams,
    pages_open: u16,
) -> Result<ModuleInfo, ValidationError> {
    let mut validator = Validator::new_with_features(features(params));
    let mut info = ModuleInfo {
        wasm_len: wasm.len() as u64,
        ..Default::default()
    };
    let mut func_types: Vec<FuncType> = Vec::new();
    let mut func_type_idx: Vec<u32> = Vec::new();
    let mut imports: HashMap<(String, String), FuncType> = HashMap::new();
    let mut import_names: Vec<String> = Vec::new();
    let mut memories: Vec<wasmparser::MemoryType> = Vec::new();
    let mut exports: Vec<(String, ExternalKind, u32)> = Vec::new();
    let mut allocs = FuncValidatorAllocations::default();
    let mut body_index: u32 = 0;
    let inv = |e: wasmparser::BinaryReaderError| ValidationError::Invalid(e.to_string());

    for payload in Parser::new(0).parse_all(wasm) {
        let payload = payload.map_err(inv)?;
        match &payload {
            Payload::CodeSectionEntry(body) => {
                let func = validator.code_section_entry(body).map_err(inv)?;
                let mut fv = func.into_validator(std::mem::take(&mut allocs));
                let mut locals: u64 = 0;
                let mut reader = body.get_locals_reader().map_err(inv)?;
                for _ in 0..reader.get_count() {
                    let offset = reader.original_position();
                    let (count, ty) = reader.read().map_err(inv)?;
                    locals = locals.saturating_add(u64::from(count));
                    limit("locals", locals, limits::MAX_LOCALS)?;
                    fv.define_locals(offset, count, ty).map_err(inv)?;
                }
                let mut ops = body.get_operators_reader().map_err(inv)?;
                let mut count = 0usize;
                let mut max_height = 0u32;
                let func_index = info.imported_funcs.saturating_add(body_index);
                while !ops.eof() {
                    let offset = ops.original_position();
                    let op = ops.read().map_err(inv)?;
                    fv.op(offset, &op).map_err(inv)?;
                    count += 1;
                    max_height = max_height.max(fv.operand_stack_height());
                    match &op {
                        Operator::MemoryInit { .. }
                        | Operator::DataDrop { .. }
                        | Operator::TableInit { .. }
                        | Operator::ElemDrop { .. }
                        | Operator::TableCopy { .. }
                        | Operator::TableGet { .. }
                        | Operator::TableSet { .. }
                        | Operator::TableGrow { .. }
                        | Operator::TableSize { .. }
                        | Operator::TableFill { .. } => {
                            let name = format!("{op:?}");
                            return Err(ValidationError::UnsupportedBulkMemory(name));
                        }
                        _ if is_float_op(&op) => {
                            let name = format!("{op:?}");
                            return Err(ValidationError::FloatOp(name, func_index));
                        }
                        _ => {}
                    }
                    if pricing::op_ink(&op).is_none() {
                        return Err(ValidationError::UnsupportedOp(format!("{op:?}")));
                    }
                }
                limit(
                    "ops in a function",
                    count as u64,
                    limits::MAX_OPS_PER_FUNC as u64,
                )?;
                if max_height > limits::MAX_OPERAND_STACK {
                    return Err(ValidationError::FrameTooLarge {
                        func: func_index,
                        words: max_height,
                    });
                }
                let words = max_height
                    .saturating_add(u32::try_from(locals).unwrap_or(u32::MAX))
                    .saturating_add(4);
                if words > limits::MAX_FRAME_WORDS {
                    return Err(ValidationError::FrameTooLarge {
                        func: func_index,
                        words,
                    });
                }
                info.frame_words.push(words);
                info.total_ops = info.total_ops.saturating_add(count as u64);
                body_index = body_index.saturating_add(1);
                allocs = fv.into_allocations();
                continue;
            }
            Payload::TypeSection(reader) => {
                for ft in reader.clone().into_iter_err_on_gc_types() {
                    func_types.push(ft.map_err(inv)?);
                }
                info.types = func_types.len() as u64;
                info.type_params = func_types.iter().map(|f| f.params().len() as u32).collect();
            }
            Payload::ImportSection(reader) => {
                for import in reader.clone().into_imports() {
                    let import = import.map_err(inv)?;
                    let (module, name) = (import.module.to_string(), import.name.to_string());
                    reserved(&name)?;
                    reserved(&module)?;
                    let TypeRef::Func(type_idx) = import.ty else {
                        return Err(ValidationError::ImportKind(module, name));
                    };
                    let ft = func_types.get(type_idx as usize).cloned().ok_or_else(|| {
                        ValidationError::Invalid(format!("bad type index {type_idx}"))
                    })?;
                    let spec = hooks::find(&module, &name).ok_or_else(|| {
                        ValidationError::UnknownImport(module.clone(), name.clone())
                    })?;
                    if spec.debug_only() && !params.debug_mode {
                        return Err(ValidationError::DebugImport(module, name));
                    }
                    if let Some(prev) = imports.get(&(module.clone(), name.clone())) {
                        if *prev != ft {
                            return Err(ValidationError::DuplicateImport(module, name));
                        }
                    }
                    if !sig_matches(&ft, spec) {
                        return Err(ValidationError::ImportSignature(module, name));
                    }
                    if spec.hook == hooks::Hook::PayForMemoryGrow {
                        info.pay_for_memory_grow = Some(info.imported_funcs);
                    }
                    info.imports.push(spec.hook);
                    imports.insert((module, name.clone()), ft);
                    import_names.push(name);
                    info.imported_funcs = info.imported_funcs.saturating_add(1);
                    func_type_idx.push(type_idx);
                }
                limit(
                    "imports",
                    import_names.len() as u64,
                    limits::MAX_IMPORTS as u64,
                )?;
            }
            Payload::FunctionSection(reader) => {
                for t in reader.clone() {
                    let t = t.map_err(inv)?;
                    func_type_idx.push(t);
                    let results = func_types
                        .get(t as usize)
                        .map(|f| f.results().to_vec())
                        .unwrap_or_default();
                    info.func_results.push(results);
                }
                info.funcs = u64::from(reader.count());
                limit("functions", info.funcs, limits::MAX_FUNCTIONS as u64)?;
            }
            Payload::TableSection(reader) => {
                for table in reader.clone() {
                    let table = table.map_err(inv)?;
                    limit("table entries", table.ty.initial, limits::MAX_TABLE_ENTRIES)?;
                }
            }
            Payload::MemorySection(reader) => {
                for m in reader.clone() {
                    memories.push(m.map_err(inv)?);
                }
            }
            Payload::GlobalSection(reader) => {
                info.globals = u64::from(reader.count());
                limit("globals", info.globals, limits::MAX_GLOBALS as u64)?;
            }
            Payload::ExportSection(reader) => {
                for e in reader.clone() {
                    let e = e.map_err(inv)?;
                    reserved(e.name)?;
                    if e.name.len() > limits::MAX_NAME_LEN {
                        return Err(ValidationError::Limit {
                            what: "export name length",
                            count: e.name.len() as u64,
                            limit: limits::MAX_NAME_LEN as u64,
                        });
                    }
                    exports.push((e.name.to_string(), e.kind, e.index));
                }
                limit("exports", exports.len() as u64, limits::MAX_EXPORTS as u64)?;
            }
            Payload::StartSection { .. } => return Err(ValidationError::StartFunction),
            Payload::ElementSection(reader) => {
                limit(
                    "element segments",
                    u64::from(reader.count()),
                    limits::MAX_ELEMENTS as u64,
                )?;
                for el in reader.clone() {
                    let el = el.map_err(inv)?;
                    let n = match el.items {
                        wasmparser::ElementItems::Functions(r) => u64::from(r.count()),
                        wasmparser::ElementItems::Expressions(_, r) => u64::from(r.count()),
                    };
                    info.elem_entries = info.elem_entries.saturating_add(n);
                }
                limit(
                    "element entries",
                    info.elem_entries,
                    limits::MAX_ELEMENT_ENTRIES as u64,
                )?;
            }
            Payload::DataSection(reader) => {
                limit(
                    "data segments",
                    u64::from(reader.count()),
                    limits::MAX_DATAS as u64,
                )?;
                for d in reader.clone() {
                    let d = d.map_err(inv)?;
                    info.data_bytes = info.data_bytes.saturating_add(d.data.len() as u64);
                }
            }
            Payload::UnknownSection { id, .. } => return Err(ValidationError::UnknownSection(*id)),
            Payload::CustomSection(c) if c.name() == "name" => {
                if let wasmparser::KnownCustom::Name(names) = c.as_known() {
                    for n in names {
                        if let Ok(wasmparser::Name::Module { name, .. }) = n {
                            if name.len() > limits::MAX_NAME_LEN {
                                return Err(ValidationError::Limit {
                                    what: "module name length",
                                    count: name.len() as u64,
                                    limit: limits::MAX_NAME_LEN as u64,
                                });
                            }
                        }
                    }
                }
            }
            _ => {}
        }
        validator.payload(&payload).map_err(inv)?;
    }

    if memories.len() != 1 {
        return Err(ValidationError::MemoryCount(memories.len()));
    }
    let memory = memories[0];
    if !exports
        .iter()
        .any(|(n, k, i)| n == "memory" && *k == ExternalKind::Memory && *i == 0)
    {
        return Err(ValidationError::MissingMemoryExport);
    }
    let page_limit = u64::from(params.page_limit.saturating_sub(pages_open));
    if memory.initial > page_limit {
        return Err(ValidationError::TooManyPages {
            pages: memory.initial,
            limit: page_limit,
        });
    }
    info.initial_pages = u16::try_from(memory.initial).unwrap_or(u16::MAX);
    info.growable = memory.maximum != Some(memory.initial);
    if info.growable && info.pay_for_memory_grow.is_none() {
        return Err(ValidationError::MissingPayForMemoryGrow);
    }
    let entry = exports
        .iter()
        .find(|(n, _, _)| n == "user_entrypoint")
        .ok_or(ValidationError::MissingEntrypoint)?;
    if entry.1 != ExternalKind::Func {
        return Err(ValidationError::EntrypointType);
    }
    let ty = func_type_idx
        .get(entry.2 as usize)
        .and_then(|t| func_types.get(*t as usize))
        .ok_or(ValidationError::EntrypointType)?;
    if ty.params() != [ValType::I32] || ty.results() != [ValType::I32] {
        return Err(ValidationError::EntrypointType);
    }
    for (name, kind, index) in &exports {
        if *kind == ExternalKind::Func
            && (*index as usize) < import_names.len()
            && &import_names[*index as usize] == name
        {
            return Err(ValidationError::ReexportedImport(name.clone()));
        }
    }
    Ok(info)
}
