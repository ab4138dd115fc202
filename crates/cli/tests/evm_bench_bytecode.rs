//! contracts/evm-bench: the committed creation bytecode (`BenchToken.bin`, `BenchNft.bin`)
//! is exactly what the pinned compiler makes of the committed sources.
//!
//! The compiler is the npm `solc` package (solcjs) at [`SOLC_VERSION`], installed into the
//! repository's `.tools/` on first use (as the dev node's tests install Foundry's `cast`). Both
//! files are compiled in a temporary folder with the command of contracts/evm-bench/README.md
//! (`solcjs --bin --optimize --optimize-runs 200`, bare file names) and compared with the
//! committed files **byte for byte, CBOR metadata included**: the metadata hashes the sources
//! under the names given on the command line, not their paths, so compiling elsewhere makes
//! the same bytes, and the metadata also records the compiler version and settings.

use std::{
    path::{Path, PathBuf},
    process::Command,
};

/// The pinned compiler (contracts/evm-bench/README.md).
const SOLC_VERSION: &str = "0.8.30";
/// The contracts: (source, contract name, committed bytecode).
const CONTRACTS: [(&str, &str, &str); 2] = [
    ("BenchToken.sol", "BenchToken", "BenchToken.bin"),
    ("BenchNft.sol", "BenchNft", "BenchNft.bin"),
];

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repo root")
}

/// `.tools/node_modules/.bin/solcjs` at [`SOLC_VERSION`], installed with npm when missing.
fn solcjs() -> PathBuf {
    let tools = repo_root().join(".tools");
    let bin = tools.join("node_modules/.bin/solcjs");
    let installed = std::fs::read_to_string(tools.join("node_modules/solc/package.json"))
        .map(|t| t.contains(&format!("\"version\": \"{SOLC_VERSION}\"")))
        .unwrap_or(false);
    if bin.is_file() && installed {
        return bin;
    }
    std::fs::create_dir_all(&tools).expect("create .tools");
    let out = Command::new("npm")
        .args(["install", "--no-audit", "--no-fund", "--prefix"])
        .arg(&tools)
        .arg(format!("solc@{SOLC_VERSION}"))
        .output()
        .unwrap_or_else(|e| panic!("cannot run npm to install solc@{SOLC_VERSION}: {e}"));
    assert!(
        out.status.success(),
        "npm install solc@{SOLC_VERSION} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        bin.is_file(),
        "npm installed solc but {} is missing",
        bin.display()
    );
    bin
}

#[test]
fn committed_bytecode_is_what_solc_compiles() {
    let src = repo_root().join("contracts/evm-bench");
    let work = std::env::temp_dir().join(format!("lien-evm-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).expect("temp dir");
    for (sol, _, _) in CONTRACTS {
        std::fs::copy(src.join(sol), work.join(sol)).expect("copy source");
    }
    let out = Command::new(solcjs())
        .current_dir(&work)
        .args(["--bin", "--optimize", "--optimize-runs", "200", "-o", "out"])
        .args(CONTRACTS.map(|(sol, _, _)| sol))
        .output()
        .expect("run solcjs");
    assert!(
        out.status.success(),
        "solcjs failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    for (sol, name, committed) in CONTRACTS {
        let stem = sol.trim_end_matches(".sol");
        let fresh = std::fs::read_to_string(work.join(format!("out/{stem}_sol_{name}.bin")))
            .expect("solcjs output");
        let kept = std::fs::read_to_string(src.join(committed)).expect("committed bytecode");
        assert!(fresh.trim().len() > 200, "{name}: empty bytecode");
        assert_eq!(
            kept.trim(),
            fresh.trim(),
            "contracts/evm-bench/{committed} is not what solc {SOLC_VERSION} compiles {sol} to; \
             recompile as contracts/evm-bench/README.md says and commit the .bin"
        );
    }
    let _ = std::fs::remove_dir_all(&work);
}
