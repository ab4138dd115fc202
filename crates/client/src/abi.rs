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

/// Runs the contract's `export-abi` binary and returns the Solidity interface it prints.
pub fn export_abi(root: &Path, contract: &ContractCrate) -> Result<String, PackageError> {
    let output = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .current_dir(root)
        .args(["run", "--locked", "--quiet", "--features", "export-abi", "--manifest-path"])
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
    fn file_names() {
        assert_eq!(abi_file_name("lien-loan-book"), "LoanBook.sol");
        assert_eq!(abi_file_name("lien-mock-nft"), "MockNft.sol");
        assert_eq!(abi_file_name("lien-oracle"), "Oracle.sol");
    }
}
