//! Packaged contracts reused across commands and tests: `lien package`, `lien demo`,
//! `lien deploy`, the packaging checks and the end-to-end suite all read one folder
//! (`target/stylus`, or `$LIEN_STYLUS_DIR`) whose `manifest.json` records a fingerprint of
//! every input of the build and a hash of every artifact. While the fingerprint matches the
//! sources and the files their hashes, the artifacts are read back instead of rebuilt.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use alloy::primitives::{keccak256, B256};
use serde::{Deserialize, Serialize};

use crate::package::{Artifact, PackageError};

/// The environment variable naming the shared artifacts folder (scripts/test.sh sets it).
pub const DIR_ENV: &str = "LIEN_STYLUS_DIR";
/// The manifest's file name inside the artifacts folder.
pub const MANIFEST: &str = "manifest.json";

/// The shared artifacts folder: `$LIEN_STYLUS_DIR`, else `<root>/target/stylus`.
pub fn stylus_dir(root: &Path) -> PathBuf {
    match std::env::var_os(DIR_ENV) {
        Some(dir) if !dir.is_empty() => {
            let dir = PathBuf::from(dir);
            if dir.is_absolute() {
                dir
            } else {
                root.join(dir)
            }
        }
        _ => root.join("target").join("stylus"),
    }
}

/// The inputs of the contracts' build besides their own folder: the shared math crate, the
/// toolchain pin, the rustflags, and the packaging pipeline itself.
const EXTRA_INPUTS: [&str; 3] = ["crates/math", "rust-toolchain.toml", ".cargo/config.toml"];

/// Folders under `contracts/` that are not inputs of the Stylus build: the Solidity token and
/// collection of the gas benchmark (`contracts/evm-bench`, compiled with solc, not packaged).
const NOT_INPUTS: [&str; 1] = ["evm-bench"];

/// A hash over every input of the contracts' build: every file under `contracts/` (except
/// build output and [`NOT_INPUTS`]), [`EXTRA_INPUTS`], and this crate's packaging code (so a change to the
/// pipeline repackages).
pub fn fingerprint(root: &Path) -> B256 {
    let mut files = Vec::new();
    collect_files(&root.join("contracts"), &mut files);
    let skipped: Vec<PathBuf> = NOT_INPUTS
        .iter()
        .map(|d| root.join("contracts").join(d))
        .collect();
    files.retain(|f| !skipped.iter().any(|d| f.starts_with(d)));
    for extra in EXTRA_INPUTS {
        collect_files(&root.join(extra), &mut files);
    }
    files.sort();
    let mut data = Vec::new();
    for (label, text) in [
        ("package.rs", include_str!("package.rs")),
        ("cache.rs", include_str!("cache.rs")),
    ] {
        data.extend_from_slice(label.as_bytes());
        data.extend_from_slice(keccak256(text).as_slice());
    }
    for path in files {
        let rel = path.strip_prefix(root).unwrap_or(&path);
        data.extend_from_slice(rel.to_string_lossy().as_bytes());
        data.push(0);
        match std::fs::read(&path) {
            Ok(bytes) => data.extend_from_slice(keccak256(&bytes).as_slice()),
            Err(_) => data.push(0xff),
        }
    }
    keccak256(&data)
}

/// Every file under `path` (or `path` itself), skipping build output (`target`) and hidden
/// folders.
fn collect_files(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_file() {
        out.push(path.to_owned());
        return;
    }
    let Ok(entries) = std::fs::read_dir(path) else {
        return;
    };
    for entry in entries.flatten() {
        let p = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if p.is_dir() {
            if name != "target" && !name.starts_with('.') {
                collect_files(&p, out);
            }
        } else {
            out.push(p);
        }
    }
}

/// What one packaged contract's files hash to.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Entry {
    /// keccak256 of `<package>.wasm`.
    pub wasm: B256,
    /// keccak256 of `<package>.code`.
    pub code: B256,
}

/// `manifest.json`: the fingerprint the artifacts were built from and their hashes.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Manifest {
    /// [`fingerprint`] of the sources at build time.
    pub fingerprint: B256,
    /// Package name → hashes.
    pub artifacts: BTreeMap<String, Entry>,
}

impl Manifest {
    /// Reads `<dir>/manifest.json` (`None` when absent or unreadable).
    pub fn load(dir: &Path) -> Option<Self> {
        serde_json::from_slice(&std::fs::read(dir.join(MANIFEST)).ok()?).ok()
    }

    /// Writes `<dir>/manifest.json` atomically.
    pub fn save(&self, dir: &Path) -> Result<(), PackageError> {
        let text = serde_json::to_vec_pretty(self).expect("a manifest serialises");
        write_atomic(&dir.join(MANIFEST), &text)
    }
}

/// Writes `bytes` to `path` through a temporary file and a rename, so a reader (another test
/// process packaging at the same time) never sees half a file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), PackageError> {
    let tmp = path.with_extension(format!(
        "tmp{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    let io = |source| PackageError::Io {
        path: path.to_owned(),
        source,
    };
    std::fs::write(&tmp, bytes).map_err(io)?;
    std::fs::rename(&tmp, path).map_err(io)
}

/// The artifacts of `packages` from `dir` when its manifest was built from `fingerprint` and
/// every file still hashes to what it recorded; `None` otherwise (then package again).
pub fn load_fresh(dir: &Path, fingerprint: B256, packages: &[String]) -> Option<Vec<Artifact>> {
    let manifest = Manifest::load(dir)?;
    if manifest.fingerprint != fingerprint {
        return None;
    }
    packages
        .iter()
        .map(|package| {
            let entry = manifest.artifacts.get(package)?;
            let wasm = std::fs::read(dir.join(format!("{package}.wasm"))).ok()?;
            let code = std::fs::read(dir.join(format!("{package}.code"))).ok()?;
            (keccak256(&wasm) == entry.wasm && keccak256(&code) == entry.code).then(|| Artifact {
                package: package.clone(),
                wasm,
                code,
            })
        })
        .collect()
}

/// Writes `artifacts` to `dir` and records them in its manifest under `fingerprint` (keeping
/// the other packages' entries when they were built from the same fingerprint).
pub fn store(dir: &Path, fingerprint: B256, artifacts: &[Artifact]) -> Result<(), PackageError> {
    std::fs::create_dir_all(dir).map_err(|source| PackageError::Io {
        path: dir.to_owned(),
        source,
    })?;
    let mut manifest = Manifest::load(dir)
        .filter(|m| m.fingerprint == fingerprint)
        .unwrap_or(Manifest {
            fingerprint,
            artifacts: BTreeMap::new(),
        });
    for a in artifacts {
        write_atomic(&dir.join(format!("{}.wasm", a.package)), &a.wasm)?;
        write_atomic(&dir.join(format!("{}.code", a.package)), &a.code)?;
        manifest.artifacts.insert(
            a.package.clone(),
            Entry {
                wasm: keccak256(&a.wasm),
                code: keccak256(&a.code),
            },
        );
    }
    manifest.save(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn artifact(name: &str, byte: u8) -> Artifact {
        Artifact {
            package: name.into(),
            wasm: vec![byte; 40],
            code: vec![byte; 20],
        }
    }

    #[test]
    fn stored_artifacts_come_back_only_while_fresh_and_intact() {
        let dir = std::env::temp_dir().join(format!("lien-cache-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let (f1, f2) = (B256::repeat_byte(1), B256::repeat_byte(2));
        let names = |n: &[&str]| n.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert!(load_fresh(&dir, f1, &names(&["a"])).is_none(), "empty");

        store(&dir, f1, &[artifact("a", 1)]).unwrap();
        store(&dir, f1, &[artifact("b", 2)]).unwrap();
        let both = load_fresh(&dir, f1, &names(&["a", "b"])).expect("fresh");
        assert_eq!(both[0].wasm, vec![1; 40]);
        assert_eq!(both[1].code, vec![2; 20]);
        assert!(
            load_fresh(&dir, f2, &names(&["a"])).is_none(),
            "sources changed"
        );
        assert!(
            load_fresh(&dir, f1, &names(&["c"])).is_none(),
            "never packaged"
        );

        // a file that no longer matches its hash is not reused
        std::fs::write(dir.join("a.code"), [9u8; 3]).unwrap();
        assert!(load_fresh(&dir, f1, &names(&["a"])).is_none(), "tampered");
        assert!(load_fresh(&dir, f1, &names(&["b"])).is_some());

        // packaging under a new fingerprint drops the old entries
        store(&dir, f2, &[artifact("a", 3)]).unwrap();
        assert!(load_fresh(&dir, f2, &names(&["b"])).is_none());
        assert!(load_fresh(&dir, f2, &names(&["a"])).is_some());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_fingerprint_follows_the_sources() {
        let root = std::env::temp_dir().join(format!("lien-fp-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("contracts/vault/src")).unwrap();
        std::fs::create_dir_all(root.join("contracts/target/release")).unwrap();
        std::fs::write(root.join("contracts/vault/src/lib.rs"), "fn a() {}").unwrap();
        let before = fingerprint(&root);
        std::fs::write(root.join("contracts/target/release/x.wasm"), "build output").unwrap();
        assert_eq!(fingerprint(&root), before, "build output is not an input");
        std::fs::write(root.join("contracts/vault/src/lib.rs"), "fn b() {}").unwrap();
        let edited = fingerprint(&root);
        assert_ne!(edited, before);
        std::fs::create_dir_all(root.join("contracts/evm-bench")).unwrap();
        std::fs::write(
            root.join("contracts/evm-bench/BenchNft.sol"),
            "contract A {}",
        )
        .unwrap();
        assert_eq!(
            fingerprint(&root),
            edited,
            "the Solidity bench tokens are not an input"
        );
        std::fs::create_dir_all(root.join("crates/math/src")).unwrap();
        std::fs::write(root.join("crates/math/src/lib.rs"), "").unwrap();
        assert_ne!(fingerprint(&root), edited, "lien-math is an input");
        let _ = std::fs::remove_dir_all(&root);
    }
}
