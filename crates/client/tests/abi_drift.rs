//! The checked-in interfaces under abi/ must equal what the contracts export today, with every
//! parameter and return value named. Regenerate with `cargo run -p lien-cli -- abi`.
//! The export is done once per change of the contracts (kept under target/stylus/abi).

use lien_client::{abi, package};

#[test]
fn checked_in_abi_matches_the_code_and_names_everything() {
    let root = package::workspace_root();
    let mut drifted = Vec::new();
    let mut unnamed = Vec::new();
    for (contract, exported) in abi::export_all(&root).expect("export-abi") {
        let name = abi::abi_file_name(&contract.package);
        unnamed.extend(abi::naming_problems(
            name.trim_end_matches(".sol"),
            &exported,
        ));
        let path = abi::abi_dir(&root).join(&name);
        let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
        if checked_in != exported {
            drifted.push(path.display().to_string());
        }
    }
    assert!(
        drifted.is_empty(),
        "stale or missing interfaces (run `cargo run -p lien-cli -- abi`): {drifted:?}"
    );
    assert!(unnamed.is_empty(), "{unnamed:#?}");
}

/// Every function line of abi/*.sol and abi/standard/*.sol, as an integrator copies it into
/// `cast call`/`cast sig`/`cast decode-abi`, parses with alloy's human-readable ABI parser (the
/// one Foundry's cast uses) with every parameter and return value named. (solc 0.8.30 compiles
/// the files too: see README.)
#[test]
fn every_function_line_parses_as_cast_reads_it_with_names() {
    use alloy::json_abi::Function;
    let root = package::workspace_root();
    let dir = abi::abi_dir(&root);
    let mut files: Vec<std::path::PathBuf> = Vec::new();
    for d in [dir.clone(), dir.join("standard")] {
        for entry in std::fs::read_dir(&d).expect("abi dir").flatten() {
            if entry.path().extension().is_some_and(|e| e == "sol") {
                files.push(entry.path());
            }
        }
    }
    assert!(files.len() >= 15, "{files:?}");
    let mut problems = Vec::new();
    let mut functions = 0;
    for file in &files {
        let text = std::fs::read_to_string(file).expect("read");
        for line in text
            .lines()
            .map(str::trim)
            .filter(|l| l.starts_with("function "))
        {
            functions += 1;
            match Function::parse(line.trim_end_matches(';')) {
                Ok(f) => {
                    if f.inputs.iter().chain(&f.outputs).any(|p| p.name.is_empty()) {
                        problems.push(format!("{}: unnamed in {line}", file.display()));
                    }
                }
                Err(e) => problems.push(format!("{}: {line}: {e}", file.display())),
            }
        }
    }
    assert!(functions > 100, "{functions}");
    assert!(problems.is_empty(), "{problems:#?}");
}
