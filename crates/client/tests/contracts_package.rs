//! Checks every packaged contract (from the shared artifacts folder, packaged once per change
//! of the sources: `lien_client::cache`) against Nitro's activation rules and the size limits.

use lien_client::{nitro_rules, package};

#[test]
fn every_contract_packages_within_limits_and_passes_nitro_rules() {
    let root = package::workspace_root();
    let crates = package::discover_contracts(&root).expect("cargo metadata");
    assert!(
        crates.iter().any(|c| c.package == "lien-mock-nft")
            && crates.iter().any(|c| c.package == "lien-mock-token"),
        "contract discovery missed the mocks: {crates:?}"
    );
    let out = lien_client::cache::stylus_dir(&root);
    let artifacts = package::packaged(&root).expect("package");
    println!("{}", package::size_table(&artifacts));
    assert_eq!(artifacts.len(), crates.len());
    for a in &artifacts {
        assert_eq!(&a.code[..4], &package::STYLUS_PREFIX, "{}", a.package);
        assert_eq!(
            nitro_rules::check(&a.wasm),
            vec![],
            "{} breaks Nitro's rules",
            a.package
        );
        assert!(out.join(format!("{}.code", a.package)).exists());
    }
    // The fragment mock is over one account on purpose: it is held to ArbOS 60's fragment
    // limits ([package.metadata.lien] fragments = true).
    let fragmented = package::fragment_packages(&root).expect("metadata");
    assert_eq!(fragmented, vec!["lien-mock-fragment-nft".to_owned()]);
    package::check_limits_fragmented(&artifacts, &package::size_exceptions(&root), &fragmented)
        .expect("limits");
}

#[test]
fn wasm_opt_shrinks_and_keeps_the_module_valid() {
    let root = package::workspace_root();
    let mock = package::ContractCrate {
        package: "lien-mock-feed".into(),
        lib_name: "lien_mock_feed".into(),
        dir: "mocks/feed".into(),
    };
    package::build_wasm(&root, std::slice::from_ref(&mock)).expect("build");
    let raw = std::fs::read(
        package::target_dir(&root).join("wasm32-unknown-unknown/release/lien_mock_feed.wasm"),
    )
    .expect("raw");
    let plain = package::package_module("lien-mock-feed", &raw, None).expect("plain");
    let tool = package::wasm_opt(&root).expect("wasm-opt");
    let optimized =
        package::package_module("lien-mock-feed", &raw, Some(&tool)).expect("optimized");
    assert_eq!(nitro_rules::check(&optimized.wasm), vec![]);
    assert!(
        optimized.code.len() < plain.code.len(),
        "{} !< {}",
        optimized.code.len(),
        plain.code.len()
    );
    println!(
        "lien-mock-feed: {} -> {} bytes compressed with wasm-opt",
        plain.code.len(),
        optimized.code.len()
    );
}

#[test]
fn raw_rustc_output_needs_the_reencode() {
    // The precompiled std of rustc 1.95 leaves an over-long call_indirect table index that a
    // validator without reference types rejects; the re-encode is what makes it pass.
    let root = package::workspace_root();
    let mock = package::ContractCrate {
        package: "lien-mock-token".into(),
        lib_name: "lien_mock_token".into(),
        dir: "mocks/token".into(),
    };
    package::build_wasm(&root, std::slice::from_ref(&mock)).expect("build");
    let path =
        package::target_dir(&root).join("wasm32-unknown-unknown/release/lien_mock_token.wasm");
    let raw = std::fs::read(path).expect("raw module");
    let before = nitro_rules::check(&raw);
    let after = nitro_rules::check(
        &package::package_module("lien-mock-token", &raw, None)
            .expect("package")
            .wasm,
    );
    assert!(
        matches!(before.first(), Some(nitro_rules::Violation::Invalid(_))),
        "raw module passed: {before:?}"
    );
    assert_eq!(after, vec![]);
}
