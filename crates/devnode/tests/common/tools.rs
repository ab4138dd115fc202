//! Foundry's `cast` and `anvil` from the npm registry, installed into `<repo>/.tools` on first use.
//!
//! A test that needs a tool fails when the installation fails, unless `LIEN_SKIP_CAST=1` is set
//! explicitly (then [`tool`] returns `None` and the caller skips).
#![allow(dead_code)]

use std::{
    path::{Path, PathBuf},
    process::Command,
    sync::Mutex,
};

static INSTALL: Mutex<()> = Mutex::new(());

/// The repository root (two levels above this crate).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repo root")
}

fn platform() -> Option<&'static str> {
    match (std::env::consts::OS, std::env::consts::ARCH) {
        ("linux", "x86_64") => Some("linux-amd64"),
        ("linux", "aarch64") => Some("linux-arm64"),
        ("macos", "x86_64") => Some("darwin-amd64"),
        ("macos", "aarch64") => Some("darwin-arm64"),
        _ => None,
    }
}

fn binary_path(name: &str) -> Option<PathBuf> {
    let modules = repo_root().join(".tools/node_modules/@foundry-rs");
    let native = platform().map(|p| modules.join(format!("{name}-{p}/bin/{name}")));
    native.filter(|p| p.is_file())
}

/// Whether the caller asked to skip tests that need Foundry's tools.
pub fn skip_requested() -> bool {
    std::env::var("LIEN_SKIP_CAST")
        .map(|v| v == "1")
        .unwrap_or(false)
}

/// Path of the `cast` or `anvil` binary, installing both with npm if needed.
/// Panics when they cannot be installed, unless `LIEN_SKIP_CAST=1` (then `None`).
pub fn tool(name: &str) -> Option<PathBuf> {
    if skip_requested() {
        eprintln!("LIEN_SKIP_CAST=1: skipping the {name} test");
        return None;
    }
    let _guard = INSTALL.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(path) = binary_path(name) {
        return Some(path);
    }
    let prefix = repo_root().join(".tools");
    std::fs::create_dir_all(&prefix).expect("create .tools");
    let output = Command::new("npm")
        .arg("install")
        .arg("--no-audit")
        .arg("--no-fund")
        .arg("--prefix")
        .arg(&prefix)
        .arg("@foundry-rs/cast")
        .arg("@foundry-rs/anvil")
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run npm to install Foundry's {name} (set LIEN_SKIP_CAST=1 to skip): {e}")
        });
    assert!(
        output.status.success(),
        "npm install of @foundry-rs/cast and @foundry-rs/anvil failed (set LIEN_SKIP_CAST=1 to skip):\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(binary_path(name).unwrap_or_else(|| {
        panic!("npm installed @foundry-rs/{name} but no native binary for this platform was found under {}", prefix.display())
    }))
}
