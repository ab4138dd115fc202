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
