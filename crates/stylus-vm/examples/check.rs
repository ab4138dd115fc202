//! Checks wasm files against Nitro's activation rules the way `cargo stylus check` does:
//! re-encode, strip custom sections, compress, validate, and print sizes and activation costs.
//!
//! `cargo run -p stylus-vm --example check -- <file.wasm>...`

use stylus_vm::activation::{asm_estimate, cached_cost, compile_gas, init_cost};
use stylus_vm::code::encode_program;
use stylus_vm::instrument::{canonicalize, strip_custom_sections};
use stylus_vm::validate::validate;
use stylus_vm::StylusParams;

fn main() {
    let params = StylusParams::default();
    let mut failed = false;
    for path in std::env::args().skip(1) {
        let raw = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("{path}: {e}");
                failed = true;
                continue;
            }
        };
        let wasm = match canonicalize(&raw).and_then(|w| strip_custom_sections(&w)) {
            Ok(w) => w,
            Err(e) => {
                eprintln!("{path}: {e}");
                failed = true;
                continue;
            }
        };
        let code = encode_program(&wasm);
        match validate(&wasm, &params, 0) {
            Ok(info) => {
                let fits = code.len() <= params.max_code_size;
                failed |= !fits;
                println!(
                    "{path}: ok  wasm {} B  code {} B{}  pages {}  funcs {}  compile gas {}  init {}  cached {}  asm {} B",
                    wasm.len(),
                    code.len(),
                    if fits { "" } else { " (OVER 24,576)" },
                    info.initial_pages,
                    info.funcs,
                    compile_gas(&info),
                    init_cost(&info),
                    cached_cost(&info),
                    asm_estimate(&info),
                );
            }
            Err(e) => {
                failed = true;
                println!("{path}: REJECTED: {e}");
            }
        }
    }
    if failed {
        std::process::exit(1);
    }
}
