//! Solidity interfaces exported from the contracts' own code (`export-abi`), checked in under
//! `abi/` so integrators and the client bindings read the same ABI the wasm implements.

use std::path::{Path, PathBuf};
use std::process::Command;

use alloy::primitives::keccak256;

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
    Ok(complete(root, contract, &exported))
}

/// Completes a raw `export-abi` output: events, the Ownable functions, and the names of the
/// return values from [`crate::abi_names`].
fn complete(root: &Path, contract: &ContractCrate, exported: &str) -> String {
    let src = root.join("contracts").join(&contract.dir).join("src");
    let sources = rust_sources(&src);
    let events: Vec<String> = sources
        .iter()
        .flat_map(|text| event_declarations(text))
        .collect();
    let ownable = sources
        .iter()
        .any(|text| text.contains("impl IOwnable for"));
    let stem = abi_file_name(&contract.package);
    let stem = stem.trim_end_matches(".sol");
    name_returns(stem, &complete_interface(exported, &events, ownable))
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

/// One `function` line of an interface, split into its parts.
#[derive(Debug, PartialEq, Eq)]
pub struct FunctionLine<'a> {
    /// The function's name.
    pub name: &'a str,
    /// Its parameters as written (`uint256 loan_id`), in order.
    pub params: Vec<&'a str>,
    /// Its return values as written (`uint256` or `uint256 amount`), in order.
    pub returns: Vec<&'a str>,
}

/// Splits a comma-separated list, ignoring empty lists.
fn split_list(list: &str) -> Vec<&str> {
    if list.trim().is_empty() {
        Vec::new()
    } else {
        list.split(',').map(str::trim).collect()
    }
}

/// Parses `function name(params) … [returns (types)];` (the SDK prints one per line).
pub fn parse_function(line: &str) -> Option<FunctionLine<'_>> {
    let rest = line.trim().strip_prefix("function ")?;
    let open = rest.find('(')?;
    let close = open + rest[open..].find(')')?;
    let returns = match rest[close..].find("returns (") {
        Some(i) => {
            let start = close + i + "returns (".len();
            let end = start + rest[start..].find(')')?;
            split_list(&rest[start..end])
        }
        None => Vec::new(),
    };
    Some(FunctionLine {
        name: &rest[..open],
        params: split_list(&rest[open + 1..close]),
        returns,
    })
}

/// Whether a parameter or return value as written carries a name (`uint256 x`,
/// `bytes memory data`), not a bare type (`uint256`, `bytes memory`).
pub fn is_named(item: &str) -> bool {
    match item.split_whitespace().collect::<Vec<_>>().as_slice() {
        [_, last] => !matches!(*last, "memory" | "calldata" | "storage"),
        [_, _, _] => true,
        _ => false,
    }
}

/// Names the return values of every function of the interface `stem` listed in
/// [`crate::abi_names::RETURNS`]; a function whose count does not match its entry is left
/// as it is (and reported by [`naming_problems`]).
pub fn name_returns(stem: &str, interface: &str) -> String {
    let mut out = String::with_capacity(interface.len() + 1_024);
    for line in interface.split_inclusive('\n') {
        let named = parse_function(line).and_then(|f| {
            let names = crate::abi_names::returns_of(stem, f.name)?;
            if names.len() != f.returns.len() || f.returns.iter().any(|r| is_named(r)) {
                return None;
            }
            let start = line.find("returns (")? + "returns (".len();
            let end = start + line[start..].find(')')?;
            let list: Vec<String> = f
                .returns
                .iter()
                .zip(names)
                .map(|(ty, name)| format!("{ty} {name}"))
                .collect();
            Some(format!(
                "{}{}{}",
                &line[..start],
                list.join(", "),
                &line[end..]
            ))
        });
        out.push_str(named.as_deref().unwrap_or(line));
    }
    out
}

/// What is wrong with the naming of the interface `stem`: unnamed parameters or return
/// values, and entries of [`crate::abi_names::RETURNS`] whose count does not match. Empty
/// when every function is fully named.
pub fn naming_problems(stem: &str, interface: &str) -> Vec<String> {
    let functions: Vec<FunctionLine<'_>> = interface.lines().filter_map(parse_function).collect();
    let mut problems = Vec::new();
    for f in &functions {
        if f.params.iter().any(|p| !is_named(p)) {
            problems.push(format!("{stem}.{}: unnamed parameter", f.name));
        }
        if f.returns.iter().any(|r| !is_named(r)) {
            problems.push(match crate::abi_names::returns_of(stem, f.name) {
                Some(names) => format!(
                    "{stem}.{}: {} return values but {} names in crates/client/src/abi_names.rs",
                    f.name,
                    f.returns.len(),
                    names.len()
                ),
                None => format!(
                    "{stem}.{}: unnamed return values (add them to crates/client/src/abi_names.rs)",
                    f.name
                ),
            });
        }
    }
    problems
}

/// Entries of [`crate::abi_names::RETURNS`] for the interface `stem` whose function it does
/// not export (a warning of `lien abi`: an entry may be added ahead of the function).
pub fn stale_names(stem: &str, interface: &str) -> Vec<String> {
    crate::abi_names::RETURNS
        .iter()
        .filter(|(s, name, _)| {
            *s == stem
                && !interface
                    .lines()
                    .filter_map(parse_function)
                    .any(|f| f.name == *name)
        })
        .map(|(_, name, _)| {
            format!("{stem}.{name}: listed in crates/client/src/abi_names.rs but not exported")
        })
        .collect()
}

/// Every contract's completed interface, exported once and kept in `<stylus dir>/abi/`
/// ([`crate::cache::stylus_dir`]) while the contracts, this exporter and its names table are
/// unchanged: `lien abi` and the `abi_drift` test then read it instead of rebuilding.
/// A fresh export builds every contract's `export-abi` binary in one cargo invocation.
pub fn export_all(root: &Path) -> Result<Vec<(ContractCrate, String)>, PackageError> {
    let contracts = crate::package::discover_contracts(root)?;
    let dir = crate::cache::stylus_dir(root).join("abi");
    let mut key = crate::cache::fingerprint(root).to_vec();
    key.extend_from_slice(keccak256(include_str!("abi.rs")).as_slice());
    key.extend_from_slice(keccak256(include_str!("abi_names.rs")).as_slice());
    let key = keccak256(&key).to_string();
    let stamp = dir.join("fingerprint");
    if std::fs::read_to_string(&stamp).is_ok_and(|k| k.trim() == key) {
        let cached: Option<Vec<(ContractCrate, String)>> = contracts
            .iter()
            .map(|c| {
                let text = std::fs::read_to_string(dir.join(abi_file_name(&c.package))).ok()?;
                Some((c.clone(), text))
            })
            .collect();
        if let Some(cached) = cached {
            return Ok(cached);
        }
    }
    // Crates that turn on stylus-sdk's `reentrant` feature (the attacker mocks) would switch
    // it on for every crate of a shared invocation, which openzeppelin-stylus does not build
    // with: they get an invocation of their own. So does the LoanDesk, whose `library` build of
    // the LoanBook would take the LoanBook's own entrypoint away in a shared invocation.
    let (reentrant, plain): (Vec<ContractCrate>, Vec<ContractCrate>) = contracts
        .iter()
        .cloned()
        .partition(|c| enables_reentrant(root, c));
    let (library_users, plain): (Vec<ContractCrate>, Vec<ContractCrate>) = plain
        .into_iter()
        .partition(|c| uses_a_library_build(root, c));
    let mut binaries = build_export_binaries(root, &plain)?;
    for alone in [reentrant, library_users] {
        if !alone.is_empty() {
            binaries.extend(build_export_binaries(root, &alone)?);
        }
    }
    std::fs::create_dir_all(&dir).map_err(|source| PackageError::Io {
        path: dir.clone(),
        source,
    })?;
    let mut out = Vec::with_capacity(contracts.len());
    for c in &contracts {
        let bin = binaries
            .iter()
            .find(|(p, _)| *p == c.package)
            .map(|(_, b)| b);
        let bin = bin.ok_or_else(|| {
            PackageError::Cargo(format!("{} has no export-abi binary", c.package))
        })?;
        let output = Command::new(bin)
            .output()
            .map_err(|e| PackageError::Cargo(format!("running {}: {e}", bin.display())))?;
        if !output.status.success() {
            return Err(PackageError::Cargo(format!(
                "export-abi of {} failed: {}",
                c.package,
                String::from_utf8_lossy(&output.stderr)
            )));
        }
        let text = complete(root, c, &String::from_utf8_lossy(&output.stdout));
        crate::cache::write_atomic(&dir.join(abi_file_name(&c.package)), text.as_bytes())?;
        out.push((c.clone(), text));
    }
    crate::cache::write_atomic(&stamp, key.as_bytes())?;
    Ok(out)
}

/// Whether the crate's manifest enables stylus-sdk's `reentrant` feature.
fn enables_reentrant(root: &Path, contract: &ContractCrate) -> bool {
    manifest_mentions(root, contract, "\"reentrant\"")
}

/// Whether the crate builds another contract as a library (`features = ["library"]`, the
/// LoanDesk's LoanBook).
fn uses_a_library_build(root: &Path, contract: &ContractCrate) -> bool {
    manifest_mentions(root, contract, "features = [\"library\"]")
}

fn manifest_mentions(root: &Path, contract: &ContractCrate, needle: &str) -> bool {
    let manifest = root
        .join("contracts")
        .join(&contract.dir)
        .join("Cargo.toml");
    std::fs::read_to_string(manifest).is_ok_and(|text| text.contains(needle))
}

/// Builds every contract's `export-abi` binary (host target) in one cargo invocation, so the
/// shared dependencies compile once with one feature set; returns (package, executable).
fn build_export_binaries(
    root: &Path,
    contracts: &[ContractCrate],
) -> Result<Vec<(String, PathBuf)>, PackageError> {
    let features: Vec<String> = contracts
        .iter()
        .map(|c| format!("{}/export-abi", c.package))
        .collect();
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cmd.current_dir(root)
        .args([
            "build",
            "--locked",
            "--bins",
            "--message-format=json-render-diagnostics",
        ])
        .arg("--features")
        .arg(features.join(","))
        .arg("--manifest-path")
        .arg(contracts_manifest(root));
    for c in contracts {
        cmd.args(["-p", &c.package]);
    }
    let output = cmd
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|e| PackageError::Cargo(format!("export-abi build: {e}")))?;
    if !output.status.success() {
        return Err(PackageError::Cargo(format!(
            "export-abi build failed ({})",
            output.status
        )));
    }
    let mut binaries = Vec::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(msg) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if let (Some(exe), Some(id)) = (msg["executable"].as_str(), msg["package_id"].as_str()) {
            if let Some(c) = contracts.iter().find(|c| package_id_names(id, &c.package)) {
                binaries.push((c.package.clone(), PathBuf::from(exe)));
            }
        }
    }
    Ok(binaries)
}

/// Whether a cargo `package_id` names `package`: `path+file:///…/loan-book#lien-loan-book@0.1.0`,
/// `path+file:///…/lien-vault#0.1.0` (folder named after the package), or the older
/// `lien-loan-book 0.1.0 (path+file://…)`.
fn package_id_names(id: &str, package: &str) -> bool {
    match id.split_once('#') {
        Some((path, tail)) => match tail.split_once('@') {
            Some((name, _)) => name == package,
            None => path.rsplit('/').next() == Some(package),
        },
        None => id.split(' ').next() == Some(package),
    }
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
    fn returns_get_their_names_and_gaps_are_reported() {
        let sol = "interface ILoanLens  {\n    function loan(uint256 loan_id) external view returns (address, address, address, address, uint256, uint256, uint16, uint64, uint64, uint8, uint256, uint256, address);\n\n    function extra(uint256) external view returns (bool);\n\n    function foreclose(uint256 loan_id) external;\n}\n";
        let named = name_returns("LoanLens", sol);
        assert!(
            named.contains("returns (address borrower, address lender, address currency, address collection, uint256 token_id, uint256 principal, uint16 apr_bps, uint64 start, uint64 due, uint8 status, uint256 frozen_debt, uint256 auction_id, address keeper);"),
            "{named}"
        );
        let oracle = name_returns(
            "Oracle",
            "interface IPriceOracle  {\n    function sources(address collection) external view returns (address[] memory);\n}\n",
        );
        assert!(
            oracle.contains("returns (address[] memory sources);"),
            "{oracle}"
        );
        let problems = naming_problems("LoanLens", &named);
        assert!(
            problems.contains(&"LoanLens.extra: unnamed parameter".to_owned()),
            "{problems:?}"
        );
        assert!(
            problems
                .iter()
                .any(|p| p.starts_with("LoanLens.extra: unnamed return values")),
            "{problems:?}"
        );
        assert!(
            stale_names("LoanLens", &named)
                .iter()
                .any(|p| p.starts_with("LoanLens.health: listed")),
            "a stale entry is reported"
        );
        assert!(
            !problems.iter().any(|p| p.starts_with("LoanLens.loan:")),
            "{problems:?}"
        );
        // a count that no longer matches is left unnamed and reported, never misnamed
        let short = "    function counts() external view returns (uint256);\n";
        assert_eq!(name_returns("LoanBook", short), short);
        assert!(naming_problems("LoanBook", short)[0].contains("1 return values but 2 names"));
    }

    #[test]
    fn named_and_bare_items() {
        assert!(is_named("uint256 amount"));
        assert!(is_named("bytes memory data"));
        assert!(!is_named("uint256"));
        assert!(!is_named("bytes memory"));
        assert!(!is_named("uint256[] memory"));
        let f =
            parse_function("    function f(address a, uint8 b) external returns (bool);").unwrap();
        assert_eq!(
            (f.name, f.params, f.returns),
            ("f", vec!["address a", "uint8 b"], vec!["bool"])
        );
        assert!(package_id_names(
            "path+file:///x/loan-book#lien-loan-book@0.1.0",
            "lien-loan-book"
        ));
        assert!(!package_id_names(
            "path+file:///x/loan-book#lien-loan-book@0.1.0",
            "lien-loan"
        ));
        assert!(package_id_names(
            "lien-vault 0.1.0 (path+file:///x)",
            "lien-vault"
        ));
        assert!(package_id_names(
            "path+file:///x/lien-vault#0.1.0",
            "lien-vault"
        ));
    }

    #[test]
    fn file_names() {
        assert_eq!(abi_file_name("lien-loan-book"), "LoanBook.sol");
        assert_eq!(abi_file_name("lien-mock-nft"), "MockNft.sol");
        assert_eq!(abi_file_name("lien-oracle"), "Oracle.sol");
    }
}
