//! Program-code decoding and every activation-time validation rule, accepted and rejected.

use stylus_vm::code::{decode_program, encode_program, CodeError};
use stylus_vm::validate::{validate, ValidationError};
use stylus_vm::StylusParams;

const ENTRY: &str = r#"(func (export "user_entrypoint") (param i32) (result i32) i32.const 0)"#;
const MEM: &str = r#"(memory (export "memory") 1 1)"#;

fn module(parts: &[&str]) -> Vec<u8> {
    wat::parse_str(format!("(module {})", parts.join("\n"))).expect("valid wat")
}

fn check(parts: &[&str]) -> Result<stylus_vm::validate::ModuleInfo, ValidationError> {
    validate(&module(parts), &StylusParams::default(), 0)
}

fn base_with(extra: &str) -> Result<stylus_vm::validate::ModuleInfo, ValidationError> {
    check(&[MEM, ENTRY, extra])
}

#[test]
fn minimal_program_is_accepted_with_its_facts() {
    let info = check(&[
        r#"(import "vm_hooks" "read_args" (func (param i32)))"#,
        MEM,
        ENTRY,
        "(global i32 (i32.const 7))",
    ])
    .unwrap();
    assert_eq!(info.funcs, 1);
    assert_eq!(info.imported_funcs, 1);
    assert_eq!(info.initial_pages, 1);
    assert!(!info.growable);
    assert_eq!(info.globals, 1);
    assert_eq!(info.total_ops, 2);
}

#[test]
fn float_ops_are_rejected() {
    let e = base_with("(func (result i32) f32.const 1 drop i32.const 0)").unwrap_err();
    assert!(matches!(e, ValidationError::FloatOp(_, 1)), "{e:?}");
    let e =
        base_with("(func (param f64) (result f64) local.get 0 local.get 0 f64.add)").unwrap_err();
    assert!(matches!(e, ValidationError::FloatOp(..)), "{e:?}");
    let e = base_with(
        "(func (param i64) (result i32) local.get 0 f32.convert_i64_s i32.trunc_sat_f32_s)",
    )
    .unwrap_err();
    assert!(matches!(e, ValidationError::FloatOp(..)), "{e:?}");
}

#[test]
fn sign_extension_saturating_and_bulk_copy_fill_are_accepted() {
    base_with("(func (param i32) (result i32) local.get 0 i32.extend8_s)").unwrap();
    base_with("(func (param i32) i32.const 0 i32.const 0 local.get 0 memory.copy i32.const 0 i32.const 0 local.get 0 memory.fill)").unwrap();
}

#[test]
fn reference_types_and_simd_are_rejected_by_the_feature_set() {
    let e = base_with("(func (result i32) ref.null func ref.is_null)").unwrap_err();
    assert!(matches!(e, ValidationError::Invalid(_)), "{e:?}");
    let e = base_with("(func v128.const i32x4 0 0 0 0 drop)").unwrap_err();
    assert!(matches!(e, ValidationError::Invalid(_)), "{e:?}");
    let e = base_with("(func (return_call 0))").unwrap_err();
    assert!(matches!(e, ValidationError::Invalid(_)), "{e:?}");
}

#[test]
fn multi_value_depends_on_arbos_version() {
    let m = module(&[
        MEM,
        ENTRY,
        "(func (result i32 i32) i32.const 1 i32.const 2)",
    ]);
    validate(&m, &StylusParams::default(), 0).unwrap();
    let v60 = StylusParams {
        arbos_version: 60,
        ..Default::default()
    };
    assert!(matches!(
        validate(&m, &v60, 0),
        Err(ValidationError::Invalid(_))
    ));
}

#[test]
fn partial_bulk_memory_ops_are_rejected() {
    let e = check(&[
        MEM,
        ENTRY,
        r#"(data $d "abc")"#,
        "(func i32.const 0 i32.const 0 i32.const 1 memory.init $d)",
    ])
    .unwrap_err();
    assert!(
        matches!(e, ValidationError::UnsupportedBulkMemory(_)),
        "{e:?}"
    );
    let e = check(&[MEM, ENTRY, r#"(data $d "abc")"#, "(func data.drop $d)"]).unwrap_err();
    assert!(
        matches!(e, ValidationError::UnsupportedBulkMemory(_)),
        "{e:?}"
    );
    let e = check(&[
        MEM,
        ENTRY,
        "(table 2 funcref)",
        "(func i32.const 0 i32.const 1 i32.const 1 table.copy)",
    ])
    .unwrap_err();
    assert!(
        matches!(e, ValidationError::UnsupportedBulkMemory(_)),
        "{e:?}"
    );
}

#[test]
fn memory_rules() {
    assert_eq!(
        check(&[ENTRY]).unwrap_err(),
        ValidationError::MemoryCount(0)
    );
    assert_eq!(
        check(&["(memory 1 1)", ENTRY]).unwrap_err(),
        ValidationError::MissingMemoryExport
    );
    assert_eq!(
        check(&[r#"(memory (export "memory") 129 129)"#, ENTRY]).unwrap_err(),
        ValidationError::TooManyPages {
            pages: 129,
            limit: 128
        }
    );
    check(&[r#"(memory (export "memory") 128 128)"#, ENTRY]).unwrap();
    // Pages already open in the transaction lower the limit.
    let m = module(&[r#"(memory (export "memory") 100 100)"#, ENTRY]);
    assert!(matches!(
        validate(&m, &StylusParams::default(), 30),
        Err(ValidationError::TooManyPages {
            pages: 100,
            limit: 98
        })
    ));
}

#[test]
fn growable_memory_needs_pay_for_memory_grow() {
    assert_eq!(
        check(&[r#"(memory (export "memory") 1)"#, ENTRY]).unwrap_err(),
        ValidationError::MissingPayForMemoryGrow
    );
    let info = check(&[
        r#"(import "vm_hooks" "pay_for_memory_grow" (func (param i32)))"#,
        r#"(memory (export "memory") 1)"#,
        ENTRY,
    ])
    .unwrap();
    assert!(info.growable);
    assert_eq!(info.pay_for_memory_grow, Some(0));
}

#[test]
fn start_function_is_rejected() {
    assert_eq!(
        base_with("(func $s) (start $s)").unwrap_err(),
        ValidationError::StartFunction
    );
}

#[test]
fn entrypoint_rules() {
    assert_eq!(
        check(&[MEM]).unwrap_err(),
        ValidationError::MissingEntrypoint
    );
    let e = check(&[
        MEM,
        r#"(func (export "user_entrypoint") (param i64) (result i32) i32.const 0)"#,
    ])
    .unwrap_err();
    assert_eq!(e, ValidationError::EntrypointType);
    let e = check(&[
        MEM,
        r#"(global (export "user_entrypoint") i32 (i32.const 0))"#,
    ])
    .unwrap_err();
    assert_eq!(e, ValidationError::EntrypointType);
}

#[test]
fn reserved_stylus_names_are_rejected() {
    let e = base_with(r#"(global (export "stylus_ink_left") i64 (i64.const 0))"#).unwrap_err();
    assert!(matches!(e, ValidationError::ReservedName(_)), "{e:?}");
    let e = check(&[r#"(import "vm_hooks" "stylus_x" (func))"#, MEM, ENTRY]).unwrap_err();
    assert!(matches!(e, ValidationError::ReservedName(_)), "{e:?}");
}

#[test]
fn import_rules() {
    let e = check(&[r#"(import "vm_hooks" "no_such_hook" (func))"#, MEM, ENTRY]).unwrap_err();
    assert_eq!(
        e,
        ValidationError::UnknownImport("vm_hooks".into(), "no_such_hook".into())
    );
    let e = check(&[
        r#"(import "env" "read_args" (func (param i32)))"#,
        MEM,
        ENTRY,
    ])
    .unwrap_err();
    assert!(matches!(e, ValidationError::UnknownImport(..)));
    let e = check(&[
        r#"(import "vm_hooks" "read_args" (func (param i64)))"#,
        MEM,
        ENTRY,
    ])
    .unwrap_err();
    assert_eq!(
        e,
        ValidationError::ImportSignature("vm_hooks".into(), "read_args".into())
    );
    let e = check(&[
        r#"(import "vm_hooks" "msg_reentrant" (func (result i64)))"#,
        MEM,
        ENTRY,
    ])
    .unwrap_err();
    assert!(matches!(e, ValidationError::ImportSignature(..)));
    let e = check(&[
        r#"(import "vm_hooks" "read_args" (global i32))"#,
        MEM,
        ENTRY,
    ])
    .unwrap_err();
    assert!(matches!(e, ValidationError::ImportKind(..)));
    let e = check(&[
        r#"(import "vm_hooks" "read_args" (func (param i32)))"#,
        r#"(import "vm_hooks" "read_args" (func (param i64)))"#,
        MEM,
        ENTRY,
    ])
    .unwrap_err();
    assert!(matches!(e, ValidationError::DuplicateImport(..)), "{e:?}");
    let e = check(&[
        r#"(import "vm_hooks" "read_args" (func $r (param i32)))"#,
        MEM,
        ENTRY,
        r#"(export "read_args" (func $r))"#,
    ])
    .unwrap_err();
    assert_eq!(e, ValidationError::ReexportedImport("read_args".into()));
}

#[test]
fn all_42_vm_hooks_link_with_their_exact_signatures() {
    let imports: Vec<String> = stylus_vm::hooks::HOOKS
        .iter()
        .filter(|h| h.module == "vm_hooks")
        .map(|h| {
            let ty = |ts: &[stylus_vm::hooks::Ty]| {
                ts.iter()
                    .map(|t| format!("{t:?}").to_lowercase())
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            format!(
                r#"(import "vm_hooks" "{}" (func (param {}) (result {})))"#,
                h.name,
                ty(h.params),
                ty(h.results)
            )
        })
        .collect();
    assert_eq!(imports.len(), stylus_vm::hooks::VM_HOOK_COUNT);
    let mut parts: Vec<&str> = imports.iter().map(String::as_str).collect();
    parts.push(MEM);
    parts.push(ENTRY);
    let info = check(&parts).unwrap();
    assert_eq!(info.imports.len(), 42);
}

#[test]
fn console_imports_only_on_debug_chains() {
    let parts = [
        r#"(import "console" "log_i32" (func (param i32)))"#,
        MEM,
        ENTRY,
    ];
    check(&parts).unwrap();
    let m = module(&parts);
    let prod = StylusParams {
        debug_mode: false,
        ..Default::default()
    };
    assert!(matches!(
        validate(&m, &prod, 0),
        Err(ValidationError::DebugImport(..))
    ));
}

fn repeated(item: &str, n: usize) -> String {
    std::iter::repeat_n(item, n).collect::<Vec<_>>().join("\n")
}

fn assert_limit(r: Result<stylus_vm::validate::ModuleInfo, ValidationError>, what: &str) {
    match r {
        Err(ValidationError::Limit { what: w, .. }) if w == what => {}
        other => panic!("expected limit {what}, got {other:?}"),
    }
}

#[test]
fn locals_limit() {
    base_with(&format!("(func {})", repeated("(local i32)", 348))).unwrap();
    assert_limit(
        base_with(&format!("(func {})", repeated("(local i32)", 349))),
        "locals",
    );
}

#[test]
fn function_count_limit() {
    base_with(&repeated("(func)", 4095)).unwrap();
    assert_limit(base_with(&repeated("(func)", 4096)), "functions");
}

#[test]
fn global_count_limit() {
    base_with(&repeated("(global i32 (i32.const 0))", 32768)).unwrap();
    assert_limit(
        base_with(&repeated("(global i32 (i32.const 0))", 32769)),
        "globals",
    );
}

#[test]
fn data_and_element_limits() {
    base_with(&repeated(r#"(data (i32.const 0) "x")"#, 128)).unwrap();
    assert_limit(
        base_with(&repeated(r#"(data (i32.const 0) "x")"#, 129)),
        "data segments",
    );
    let elems = |n| {
        format!(
            "(table 10 funcref) (func $f) {}",
            repeated("(elem (i32.const 0) $f)", n)
        )
    };
    base_with(&elems(128)).unwrap();
    assert_limit(base_with(&elems(129)), "element segments");
    let entries = |n| {
        let seg = format!("(elem (i32.const 0) {})", repeated("$f", n));
        format!("(table 4096 funcref) (func $f) {seg} {seg}")
    };
    base_with(&entries(2048)).unwrap();
    assert_limit(base_with(&entries(2049)), "element entries");
    assert_limit(base_with("(table 4097 funcref)"), "table entries");
}

#[test]
fn export_limits() {
    let exports = |n: usize| {
        (0..n)
            .map(|i| format!(r#"(global (export "g{i}") i32 (i32.const 0))"#))
            .collect::<Vec<_>>()
            .join("\n")
    };
    base_with(&exports(1022)).unwrap(); // + memory + user_entrypoint = 1024
    assert_limit(base_with(&exports(1023)), "exports");
    let long = "a".repeat(513);
    assert_limit(
        base_with(&format!(r#"(global (export "{long}") i32 (i32.const 0))"#)),
        "export name length",
    );
}

#[test]
fn import_count_limit() {
    let line = r#"(import "vm_hooks" "read_args" (func (param i32)))"#;
    check(&[&repeated(line, 513), MEM, ENTRY]).unwrap();
    assert_limit(check(&[&repeated(line, 514), MEM, ENTRY]), "imports");
}

#[test]
fn ops_per_function_limit() {
    // The body's final `end` counts as an op.
    base_with(&format!("(func {})", repeated("nop", 65535))).unwrap();
    assert_limit(
        base_with(&format!("(func {})", repeated("nop", 65536))),
        "ops in a function",
    );
}

#[test]
fn operand_stack_limit() {
    let f = |n| {
        format!(
            "(func {} {})",
            repeated("i32.const 0", n),
            repeated("drop", n)
        )
    };
    base_with(&f(4096)).unwrap();
    assert!(matches!(
        base_with(&f(4097)),
        Err(ValidationError::FrameTooLarge { .. })
    ));
}

#[test]
fn unknown_sections_are_rejected_and_custom_sections_kept() {
    let mut m = module(&[MEM, ENTRY]);
    m.extend_from_slice(&[0x00, 0x05, 0x04, b'h', b'a', b's', b'h']);
    validate(&m, &StylusParams::default(), 0).unwrap();
    let mut m = module(&[MEM, ENTRY]);
    m.extend_from_slice(&[0x20, 0x00]);
    assert!(validate(&m, &StylusParams::default(), 0).is_err());
}

#[test]
fn program_code_prefix_dictionary_and_size() {
    let wasm = module(&[MEM, ENTRY]);
    let code = encode_program(&wasm);
    assert_eq!(&code[..4], &[0xEF, 0xF0, 0x00, 0x00]);
    assert_eq!(decode_program(&code, 128 * 1024).unwrap(), wasm);
    assert_eq!(
        decode_program(&wasm, 128 * 1024).unwrap_err(),
        CodeError::NotStylus
    );
    assert_eq!(
        decode_program(&[0xEF, 0xF0, 0x00], 128 * 1024).unwrap_err(),
        CodeError::NotStylus
    );
    let mut dict1 = code.clone();
    dict1[3] = 1;
    assert_eq!(
        decode_program(&dict1, 128 * 1024).unwrap_err(),
        CodeError::UnsupportedDictionary(1)
    );
    let garbage = [0xEF, 0xF0, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x01];
    assert!(matches!(
        decode_program(&garbage, 128 * 1024),
        Err(CodeError::Decompression(_))
    ));
    let exact = vec![0u8; 128 * 1024];
    assert_eq!(
        decode_program(&encode_program(&exact), 128 * 1024)
            .unwrap()
            .len(),
        128 * 1024
    );
    let over = vec![0u8; 128 * 1024 + 1];
    assert_eq!(
        decode_program(&encode_program(&over), 128 * 1024).unwrap_err(),
        CodeError::TooLarge { limit: 128 * 1024 }
    );
}
