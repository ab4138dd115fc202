//! A packaging-time check of a module against the rules Nitro applies at activation
//! (research: stylus-runtime.md §3). The dev node enforces the full set (exact hook
//! signatures, stack depth); this check catches what a compiler change can break: reference
//! types, multi-value, floats, unsupported bulk-memory ops, missing exports, a start function,
//! and the structural limits.

use wasmparser::{
    ExternalKind, Operator, Parser, Payload, TypeRef, ValType, Validator, WasmFeatures,
};

/// Nitro's validator feature set (ArbOS ≥ 60: multi-value off).
pub fn nitro_features() -> WasmFeatures {
    WasmFeatures::MUTABLE_GLOBAL
        | WasmFeatures::SATURATING_FLOAT_TO_INT
        | WasmFeatures::SIGN_EXTENSION
        | WasmFeatures::BULK_MEMORY
        | WasmFeatures::FLOATS
        | WasmFeatures::GC_TYPES
}

/// Structural limits checked at activation.
pub mod limits {
    /// Functions, imported and defined.
    pub const FUNCTIONS: usize = 4096;
    /// Locals per function, parameters excluded.
    pub const LOCALS: u32 = 348;
    /// Exports.
    pub const EXPORTS: usize = 1024;
    /// Imports (ArbOS ≥ 32).
    pub const IMPORTS: usize = 513;
    /// Data segments.
    pub const DATAS: usize = 128;
    /// Element segments.
    pub const ELEMENTS: usize = 128;
    /// Globals.
    pub const GLOBALS: usize = 32768;
    /// Table entries.
    pub const TABLE_ENTRIES: u64 = 4096;
    /// Initial memory pages.
    pub const INITIAL_PAGES: u64 = 128;
}

/// One broken rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Violation {
    /// The module does not validate under Nitro's feature set.
    Invalid(String),
    /// A float instruction or type (Stylus has no soft-float for user programs).
    Float(String),
    /// A bulk-memory or table instruction other than `memory.copy` / `memory.fill`.
    UnsupportedOp(String),
    /// Modules must not have a start function.
    StartFunction,
    /// Exactly one memory is required.
    MemoryCount(usize),
    /// `memory` is not exported.
    MissingMemoryExport,
    /// `user_entrypoint` is missing or not `(i32) -> i32`.
    BadEntrypoint,
    /// An import from a module other than `vm_hooks` / `console`, or not a function.
    ForeignImport(String),
    /// An import or export name starting with `stylus` (reserved).
    ReservedName(String),
    /// A count above its limit: (what, count, limit).
    TooMany(&'static str, u64, u64),
}

/// Checks `wasm`; returns every violation found (empty means the module passes).
pub fn check(wasm: &[u8]) -> Vec<Violation> {
    let mut found = Vec::new();
    if let Err(e) = Validator::new_with_features(nitro_features()).validate_all(wasm) {
        found.push(Violation::Invalid(e.to_string()));
        return found;
    }
    let mut types: Vec<(Vec<ValType>, Vec<ValType>)> = Vec::new();
    let mut func_types: Vec<u32> = Vec::new();
    let mut memories = 0usize;
    let mut exports: Vec<(String, ExternalKind, u32)> = Vec::new();
    let mut counts = [("functions", 0u64, limits::FUNCTIONS as u64); 1];
    for payload in Parser::new(0).parse_all(wasm) {
        let Ok(payload) = payload else { continue };
        match payload {
            Payload::TypeSection(reader) => {
                for group in reader.into_iter().flatten() {
                    for sub in group.types() {
                        if let wasmparser::CompositeInnerType::Func(f) = &sub.composite_type.inner {
                            types.push((f.params().to_vec(), f.results().to_vec()));
                        }
                    }
                }
            }
            Payload::ImportSection(reader) => {
                let imports: Vec<_> = reader.into_imports().flatten().collect();
                if imports.len() > limits::IMPORTS {
                    found.push(Violation::TooMany(
                        "imports",
                        imports.len() as u64,
                        limits::IMPORTS as u64,
                    ));
                }
                for import in imports {
                    if import.name.starts_with("stylus") || import.module.starts_with("stylus") {
                        found.push(Violation::ReservedName(import.name.to_owned()));
                    }
                    match import.ty {
                        TypeRef::Func(ty) if matches!(import.module, "vm_hooks" | "console") => {
                            func_types.push(ty)
                        }
                        _ => found.push(Violation::ForeignImport(format!(
                            "{}.{}",
                            import.module, import.name
                        ))),
                    }
                }
            }
            Payload::FunctionSection(reader) => func_types.extend(reader.into_iter().flatten()),
            Payload::MemorySection(reader) => {
                for memory in reader.into_iter().flatten() {
                    memories += 1;
                    if memory.initial > limits::INITIAL_PAGES {
                        found.push(Violation::TooMany(
                            "initial pages",
                            memory.initial,
                            limits::INITIAL_PAGES,
                        ));
                    }
                }
            }
            Payload::TableSection(reader) => {
                for table in reader.into_iter().flatten() {
                    if table.ty.initial > limits::TABLE_ENTRIES {
                        found.push(Violation::TooMany(
                            "table entries",
                            table.ty.initial,
                            limits::TABLE_ENTRIES,
                        ));
                    }
                }
            }
            Payload::GlobalSection(reader) if reader.count() as usize > limits::GLOBALS => {
                found.push(Violation::TooMany(
                    "globals",
                    u64::from(reader.count()),
                    limits::GLOBALS as u64,
                ));
            }
            Payload::ExportSection(reader) => {
                for export in reader.into_iter().flatten() {
                    if export.name.starts_with("stylus") {
                        found.push(Violation::ReservedName(export.name.to_owned()));
                    }
                    exports.push((export.name.to_owned(), export.kind, export.index));
                }
            }
            Payload::StartSection { .. } => found.push(Violation::StartFunction),
            Payload::DataSection(reader) if reader.count() as usize > limits::DATAS => {
                found.push(Violation::TooMany(
                    "data segments",
                    u64::from(reader.count()),
                    limits::DATAS as u64,
                ));
            }
            Payload::ElementSection(reader) if reader.count() as usize > limits::ELEMENTS => {
                found.push(Violation::TooMany(
                    "element segments",
                    u64::from(reader.count()),
                    limits::ELEMENTS as u64,
                ));
            }
            Payload::CodeSectionEntry(body) => check_body(&body, &mut found),
            _ => {}
        }
    }
    counts[0].1 = func_types.len() as u64;
    for (what, count, limit) in counts {
        if count > limit {
            found.push(Violation::TooMany(what, count, limit));
        }
    }
    if types.iter().any(|(p, r)| {
        p.iter()
            .chain(r)
            .any(|t| matches!(t, ValType::F32 | ValType::F64))
    }) {
        found.push(Violation::Float("a function type uses f32/f64".into()));
    }
    if memories != 1 {
        found.push(Violation::MemoryCount(memories));
    }
    if exports.len() > limits::EXPORTS {
        found.push(Violation::TooMany(
            "exports",
            exports.len() as u64,
            limits::EXPORTS as u64,
        ));
    }
    if !exports
        .iter()
        .any(|(n, k, _)| n == "memory" && *k == ExternalKind::Memory)
    {
        found.push(Violation::MissingMemoryExport);
    }
    let entry_ok = exports.iter().any(|(n, k, idx)| {
        n == "user_entrypoint"
            && *k == ExternalKind::Func
            && func_types
                .get(*idx as usize)
                .and_then(|t| types.get(*t as usize))
                .is_some_and(|(p, r)| p == &[ValType::I32] && r == &[ValType::I32])
    });
    if !entry_ok {
        found.push(Violation::BadEntrypoint);
    }
    found
}

fn check_body(body: &wasmparser::FunctionBody<'_>, found: &mut Vec<Violation>) {
    let mut locals = 0u32;
    if let Ok(reader) = body.get_locals_reader() {
        for entry in reader.into_iter().flatten() {
            locals = locals.saturating_add(entry.0);
            if matches!(entry.1, ValType::F32 | ValType::F64) {
                found.push(Violation::Float("a local of type f32/f64".into()));
            }
        }
    }
    if locals > limits::LOCALS {
        found.push(Violation::TooMany(
            "locals in one function",
            u64::from(locals),
            u64::from(limits::LOCALS),
        ));
    }
    let Ok(ops) = body.get_operators_reader() else {
        return;
    };
    for op in ops.into_iter().flatten() {
        match op {
            Operator::MemoryCopy { .. } | Operator::MemoryFill { .. } => {}
            Operator::MemoryInit { .. }
            | Operator::DataDrop { .. }
            | Operator::TableInit { .. }
            | Operator::ElemDrop { .. }
            | Operator::TableCopy { .. }
            | Operator::TableGrow { .. }
            | Operator::TableSize { .. }
            | Operator::TableFill { .. }
            | Operator::TableGet { .. }
            | Operator::TableSet { .. } => found.push(Violation::UnsupportedOp(format!("{op:?}"))),
            other => {
                let name = format!("{other:?}");
                if name.contains("F32") || name.contains("F64") {
                    found.push(Violation::Float(name));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn module(body: &str) -> Vec<u8> {
        wat::parse_str(format!(
            r#"(module (import "vm_hooks" "pay_for_memory_grow" (func (param i32)))
                 (memory (export "memory") 1 2)
                 (func (export "user_entrypoint") (param i32) (result i32) {body}))"#
        ))
        .expect("wat")
    }

    #[test]
    fn a_minimal_program_passes() {
        assert_eq!(check(&module("i32.const 0")), vec![]);
    }

    #[test]
    fn floats_are_rejected() {
        let v = check(&module("f32.const 1 drop i32.const 0"));
        assert!(v.iter().any(|v| matches!(v, Violation::Float(_))), "{v:?}");
    }

    #[test]
    fn multi_value_and_reference_types_are_rejected() {
        let w = wat::parse_str(
            r#"(module (memory (export "memory") 1)
                (func (result i32 i32) i32.const 1 i32.const 2)
                (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#,
        )
        .expect("wat");
        assert!(matches!(check(&w).first(), Some(Violation::Invalid(_))));
        let w = wat::parse_str(
            r#"(module (memory (export "memory") 1) (table 1 externref)
                (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#,
        )
        .expect("wat");
        assert!(matches!(check(&w).first(), Some(Violation::Invalid(_))));
    }

    #[test]
    fn structure_is_checked() {
        let w = wat::parse_str(
            r#"(module (import "env" "x" (func)) (memory 1) (func $s) (start $s)
                (func (export "user_entrypoint") (result i32) i32.const 0))"#,
        )
        .expect("wat");
        let v = check(&w);
        for expected in [
            Violation::StartFunction,
            Violation::MissingMemoryExport,
            Violation::BadEntrypoint,
        ] {
            assert!(v.contains(&expected), "{expected:?} not in {v:?}");
        }
        assert!(v.iter().any(|v| matches!(v, Violation::ForeignImport(_))));
    }

    #[test]
    fn data_drop_is_rejected_but_memory_copy_is_not() {
        let w = wat::parse_str(
            r#"(module (memory (export "memory") 1) (data "abc")
                (func (export "user_entrypoint") (param i32) (result i32)
                  i32.const 0 i32.const 0 i32.const 1 memory.copy data.drop 0 i32.const 0))"#,
        )
        .expect("wat");
        let v = check(&w);
        assert_eq!(v.len(), 1, "{v:?}");
        assert!(matches!(&v[0], Violation::UnsupportedOp(op) if op.contains("DataDrop")));
    }
}
