//! Solidity interfaces exported from the contracts' own code (`export-abi`), checked in under
//! `abi/` so integrators and the client bindings read the same ABI the wasm implements.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::package::{contracts_manifest, ContractCrate, PackageError};

/// `lien-loan-book` → `LoanBook.sol`, `lien-mock-nft` → `MockNft.sol`.
pub fn abi_file_name(package: &str) -> String {
    let stem = package.strip_prefix("lien-").unwrap_or(package);
    let mut name = String::new();
    for part in stem.split('-') {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            name.extend(first.to_uppercase());
            name.push_str(chars.as_str());
        }
    }
    name + ".sol"
}

/// The folder of the checked-in interfaces.
pub fn abi_dir(root: &Path) -> PathBuf {
    root.join("abi")
}

/// The contract's Solidity interface: what its `export-abi` binary prints, completed with
/// what the SDK 0.9 export leaves out — the events the contract declares in its `sol!`
/// blocks, and `owner()` / `transferOwnership(address)` when it implements OpenZeppelin's
/// `IOwnable` as a trait (trait implementations are not printed).
pub fn export_abi(root: &Path, contract: &ContractCrate) -> Result<String, PackageError> {
    let exported = export_abi_raw(root, contract)?;
    let src = root.join("contracts").join(&contract.dir).join("src");
    let sources = rust_sources(&src);
    let events: Vec<String> = sources
        .iter()
        .flat_map(|text| event_declarations(text))
        .collect();
    let ownable = sources
        .iter()
        .any(|text| text.contains("impl IOwnable for"));
    Ok(complete_interface(&exported, &events, ownable))
}

/// Every `.rs` file under `dir` except test modules, in path order.
fn rust_sources(dir: &Path) -> Vec<String> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if path.is_dir() {
                if name != "tests" {
                    stack.push(path);
                }
            } else if name.ends_with(".rs") && name != "tests.rs" {
                files.push(path);
            }
        }
    }
    files.sort();
    files
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect()
}

/// The `event Name(...);` declarations in a Rust source, whitespace-normalised.
pub fn event_declarations(source: &str) -> Vec<String> {
    let code: String = source
        .lines()
        .map(|line| match line.find("//") {
            Some(i) => &line[..i],
            None => line,
        })
        .collect::<Vec<_>>()
        .join(" ");
    let mut found = Vec::new();
    let mut rest = code.as_str();
    while let Some(i) = rest.find("event ") {
        let word_start = i == 0
            || !rest.as_bytes()[i - 1].is_ascii_alphanumeric() && rest.as_bytes()[i - 1] != b'_';
        let tail = &rest[i..];
        match tail.find(';') {
            Some(end) if word_start && tail[..end].contains('(') && !tail[..end].contains('{') => {
                found.push(
                    tail[..=end]
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" ")
                        .replace("( ", "(")
                        .replace(" )", ")"),
                );
                rest = &tail[end..];
            }
            _ => rest = &rest[i + 6..],
        }
    }
    found
}

/// Inserts `events` (and the Ownable functions when `ownable` and missing) before the closing
/// brace of the exported interface.
pub fn complete_interface(exported: &str, events: &[String], ownable: bool) -> String {
    let Some(close) = exported.rfind('}') else {
        return exported.to_owned();
    };
    let mut extra = String::new();
    if ownable && !exported.contains("function owner()") {
        extra.push_str("\n    function owner() external view returns (address);\n");
        extra.push_str("\n    function transferOwnership(address new_owner) external;\n");
    }
    for event in events {
        extra.push_str(&format!("\n    {event}\n"));
    }
    let head = exported[..close].trim_end_matches(' ');
    format!("{head}{extra}{}", &exported[close..])
}

fn export_abi_raw(root: &Path, contract: &ContractCrate) -> Result<String, PackageError> {
    let output = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .current_dir(root)
        .args([
            "run",
            "--locked",
            "--quiet",
            "--features",
            "export-abi",
            "--manifest-path",
        ])
        .arg(contracts_manifest(root))
        .args(["-p", &contract.package])
        .output()
        .map_err(|e| PackageError::Cargo(format!("export-abi: {e}")))?;
    if !output.status.success() {
        return Err(PackageError::Cargo(format!(
            "export-abi of {} failed: {}",
            contract.package,
            String::from_utf8_lossy(&output.stderr)
        )));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_found_and_added() {
        let src = "sol! {\n /// doc\n event A(address indexed x,\n   uint256 y);\n // event Fake(uint256);\n error E();\n}\nlet prevent = 1;";
        let events = event_declarations(src);
        assert_eq!(
            events,
            vec!["event A(address indexed x, uint256 y);".to_owned()]
        );
        let out = complete_interface(
            "interface I {\n    function f() external;\n}\n",
            &events,
            true,
        );
        assert!(out.contains("function owner() external view returns (address);"));
        assert!(
            out.contains("    event A(address indexed x, uint256 y);\n}"),
            "{out}"
        );
    }

    #[test]
    fn file_names() {
        assert_eq!(abi_file_name("lien-loan-book"), "LoanBook.sol");
        assert_eq!(abi_file_name("lien-mock-nft"), "MockNft.sol");
        assert_eq!(abi_file_name("lien-oracle"), "Oracle.sol");
    }
}
