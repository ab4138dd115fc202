//! The checked-in interfaces under abi/ must equal what the contracts export today.
//! Regenerate with `cargo run -p lien-cli -- abi`.

use lien_client::{abi, package};

#[test]
fn checked_in_abi_matches_the_code() {
    let root = package::workspace_root();
    let mut drifted = Vec::new();
    for contract in package::discover_contracts(&root).expect("contracts") {
        let exported = abi::export_abi(&root, &contract).expect("export-abi");
        let path = abi::abi_dir(&root).join(abi::abi_file_name(&contract.package));
        let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
        if checked_in != exported {
            drifted.push(path.display().to_string());
        }
    }
    assert!(
        drifted.is_empty(),
        "stale or missing interfaces (run `cargo run -p lien-cli -- abi`): {drifted:?}"
    );
}
