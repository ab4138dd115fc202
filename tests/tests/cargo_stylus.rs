//! `cargo stylus` (cargo-stylus 0.10.10 from crates.io) against the embedded dev node over
//! JSON-RPC: `cargo stylus check` and `cargo stylus deploy --no-verify --wasm-file …`, run
//! exactly as README.md states them (from an empty Cargo + Stylus workspace), on rustc's own
//! output for the NFT mock and on our packaged value fixture. The deployed addresses are read
//! from cargo-stylus's output and the contracts are then called: a program answers only once
//! activated. The test fails when cargo-stylus cannot be installed or fails.
//!
//! cargo-stylus is installed on first use with
//! `cargo install cargo-stylus --version =0.10.10 --locked --debug --root <repo>/.tools/cargo-stylus`
//! (slow: it builds wasmer and alloy; afterwards it is cached in `.tools/`), unless
//! `LIEN_CARGO_STYLUS` names a cargo-stylus binary.

use std::{
    path::{Path, PathBuf},
    process::Command,
    time::{Duration, Instant},
};

use alloy::{
    network::EthereumWallet,
    primitives::{address, Address, U256},
    providers::{DynProvider, Provider, ProviderBuilder},
    signers::local::PrivateKeySigner,
    sol,
};
use lien_client::package;
use stylus_devnode::{DevNode, NodeConfig, DEV_PRIVATE_KEY};

/// The pinned cargo-stylus release.
const CARGO_STYLUS_VERSION: &str = "0.10.10";

sol! {
    #[sol(rpc)]
    interface IMockNft {
        function mint(address to, uint256 tokenId) external;
        function ownerOf(uint256 tokenId) external view returns (address);
        function balanceOf(address owner) external view returns (uint256);
    }
    #[sol(rpc)]
    interface IMockValue {
        function deposit() external payable;
        function balanceOf(address account) external view returns (uint256);
        function totalDeposits() external view returns (uint256);
    }
    #[sol(rpc)]
    interface IArbWasm {
        function programVersion(address program) external view returns (uint16 version);
        function programInitGas(address program) external view returns (uint64 gas, uint64 gasWhenCached);
    }
}

const ARB_WASM: Address = address!("0000000000000000000000000000000000000071");

/// The cargo-stylus binary: `$LIEN_CARGO_STYLUS`, or the pinned release under
/// `<repo>/.tools/cargo-stylus`, installed there with `cargo install` when missing.
fn cargo_stylus(root: &Path) -> PathBuf {
    if let Some(path) = std::env::var_os("LIEN_CARGO_STYLUS") {
        return PathBuf::from(path);
    }
    let prefix = root.join(".tools").join("cargo-stylus");
    let bin = prefix.join("bin").join("cargo-stylus");
    let installed = std::fs::read_to_string(prefix.join(".crates.toml"))
        .is_ok_and(|t| t.contains(&format!("\"cargo-stylus {CARGO_STYLUS_VERSION} ")));
    if bin.is_file() && installed {
        return bin;
    }
    eprintln!(
        "installing cargo-stylus {CARGO_STYLUS_VERSION} into {} (once; it builds wasmer and alloy)",
        prefix.display()
    );
    let started = Instant::now();
    // `--debug`: the unoptimised build is what the cold test command waits for, and it costs
    // about half the CPU of a release build (measured on the 2-core machine: 5 min 01 s of user
    // time against 9 min 50 s), while the test's two `cargo stylus` runs take ≈ 15 s with it
    // instead of ≈ 1.5 s: about 3 minutes less on a fresh machine.
    let status = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .current_dir(root)
        .args([
            "install",
            "--locked",
            "--debug",
            "cargo-stylus",
            "--version",
        ])
        .arg(format!("={CARGO_STYLUS_VERSION}"))
        .arg("--root")
        .arg(&prefix)
        .status()
        .unwrap_or_else(|e| panic!("cannot run cargo install (needed for cargo-stylus): {e}"));
    assert!(
        status.success(),
        "cargo install cargo-stylus --version ={CARGO_STYLUS_VERSION} failed ({status})"
    );
    assert!(
        bin.is_file(),
        "cargo install succeeded but {} is missing",
        bin.display()
    );
    eprintln!(
        "cargo-stylus {CARGO_STYLUS_VERSION} installed in {:.0?}",
        started.elapsed()
    );
    bin
}

/// The folder README.md runs cargo-stylus from: cargo-stylus 0.10 also reads the Cargo and
/// Stylus workspace of its current directory, so an empty one (the contracts workspace has no
/// Stylus.toml), with the repository's toolchain file.
fn empty_stylus_workspace(root: &Path) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("lien-stylus-run-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("create the run folder");
    std::fs::write(
        dir.join("Cargo.toml"),
        "[workspace]\nmembers = []\nresolver = \"2\"\n",
    )
    .expect("Cargo.toml");
    std::fs::write(
        dir.join("Stylus.toml"),
        "[workspace]\n\n[workspace.networks]\n",
    )
    .expect("Stylus.toml");
    std::fs::copy(
        root.join("rust-toolchain.toml"),
        dir.join("rust-toolchain.toml"),
    )
    .expect("rust-toolchain.toml");
    dir
}

/// Drops ANSI escape sequences (cargo-stylus colours its output).
fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // CSI: ESC [ parameters final-byte
            if chars.next() == Some('[') {
                for c in chars.by_ref() {
                    if c.is_ascii_alphabetic() {
                        break;
                    }
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Runs `cargo stylus <args>` in `dir` and returns its output (stdout then stderr, without
/// colours); panics when it fails or takes over five minutes.
async fn run(bin: &Path, dir: &Path, args: &[&str]) -> String {
    let mut cmd = tokio::process::Command::new(bin);
    // A cargo subcommand gets its own name first (`cargo stylus …` runs `cargo-stylus stylus …`).
    cmd.arg("stylus")
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .kill_on_drop(true);
    let out = tokio::time::timeout(Duration::from_secs(300), cmd.output())
        .await
        .unwrap_or_else(|_| panic!("cargo stylus {args:?} timed out"))
        .expect("run cargo-stylus");
    let text = strip_ansi(&format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    ));
    println!("$ cargo stylus {}\n{text}", args.join(" "));
    assert!(
        out.status.success(),
        "cargo stylus {args:?} failed ({}):\n{text}",
        out.status
    );
    text
}

/// The address after `deployed code at address:` in cargo-stylus's deploy output.
fn deployed_address(output: &str) -> Address {
    let line = output
        .lines()
        .find_map(|l| {
            l.split_once("deployed code at address:")
                .map(|(_, rest)| rest.trim())
        })
        .unwrap_or_else(|| panic!("no deployed address in:\n{output}"));
    let word = line.split_whitespace().next().unwrap_or_default();
    word.parse()
        .unwrap_or_else(|e| panic!("bad address {word:?} ({e}) in:\n{output}"))
}

/// `cargo stylus check` then `cargo stylus deploy --no-verify` of `wasm`; the deployed address.
async fn check_and_deploy(bin: &Path, dir: &Path, url: &str, wasm: &Path) -> Address {
    let wasm = wasm.to_str().expect("utf-8 path");
    let check = run(bin, dir, &["check", "-e", url, "--wasm-file", wasm]).await;
    assert!(
        check.contains("wasm data fee"),
        "check printed no data fee:\n{check}"
    );
    let deploy = run(
        bin,
        dir,
        &[
            "deploy",
            "-e",
            url,
            "--no-verify",
            "--private-key",
            DEV_PRIVATE_KEY,
            "--wasm-file",
            wasm,
        ],
    )
    .await;
    let program = deployed_address(&deploy);
    let activated = format!(
        "successfully activated contract 0x{}",
        alloy::hex::encode(program)
    );
    assert!(
        deploy.to_lowercase().contains(&activated),
        "no activation of {program} reported:\n{deploy}"
    );
    program
}

#[tokio::test(flavor = "multi_thread")]
async fn cargo_stylus_checks_deploys_and_activates_on_the_dev_node() {
    let root = package::workspace_root();
    let bin = cargo_stylus(&root);

    // The NFT mock as rustc leaves it (README's command) and the value fixture as our
    // pipeline packages it (re-encoded, wasm-opt, stripped).
    let out = lien_client::cache::stylus_dir(&root);
    let artifacts = package::package_some(
        &root,
        &out,
        &["lien-mock-nft".to_owned(), "lien-mock-value".to_owned()],
    )
    .expect("build and package the mocks");
    assert_eq!(artifacts.len(), 2);
    // the raw rustc module of the NFT mock (a no-op build when the artifacts were reused)
    let nft = package::discover_contracts(&root)
        .expect("contracts")
        .into_iter()
        .filter(|c| c.package == "lien-mock-nft")
        .collect::<Vec<_>>();
    package::build_wasm(&root, &nft).expect("build the NFT mock");
    let nft_wasm =
        package::target_dir(&root).join("wasm32-unknown-unknown/release/lien_mock_nft.wasm");
    let value_wasm = out.join("lien-mock-value.wasm");

    let node = DevNode::start(NodeConfig::ephemeral())
        .await
        .expect("dev node starts");
    let url = node.url().to_owned();
    let dir = empty_stylus_workspace(&root);
    let funder: PrivateKeySigner = DEV_PRIVATE_KEY.parse().expect("dev key");
    // A fresh provider after each cargo-stylus run: cargo-stylus sends with the same key, and a
    // provider caches the nonce.
    let connect = || -> DynProvider {
        ProviderBuilder::new()
            .wallet(EthereumWallet::from(funder.clone()))
            .connect_http(url.parse().expect("url"))
            .erased()
    };

    // NFT: check, deploy and activate; then it answers calls and takes transactions.
    let nft_addr = check_and_deploy(&bin, &dir, &url, &nft_wasm).await;
    let provider = connect();
    let arb_wasm = IArbWasm::new(ARB_WASM, provider.clone());
    assert_eq!(
        arb_wasm
            .programVersion(nft_addr)
            .call()
            .await
            .expect("programVersion"),
        2,
        "activated at Stylus version 2"
    );
    let nft = IMockNft::new(nft_addr, provider.clone());
    assert_eq!(
        nft.balanceOf(funder.address())
            .call()
            .await
            .expect("eth_call balanceOf"),
        U256::ZERO
    );
    let r = nft
        .mint(funder.address(), U256::from(1))
        .send()
        .await
        .expect("mint")
        .get_receipt()
        .await
        .expect("receipt");
    assert!(r.status(), "mint");
    assert_eq!(
        nft.ownerOf(U256::from(1))
            .call()
            .await
            .expect("eth_call ownerOf"),
        funder.address()
    );

    // `cargo stylus trace` of the mint: its JavaScript hostio query (the default) and
    // `--use-native-tracer` (stylusTracer) both get Nitro's hostio records.
    let mint_hash = r.transaction_hash.to_string();
    for native in [false, true] {
        let mut args = vec!["trace", "--tx", mint_hash.as_str(), "-e", url.as_str()];
        if native {
            args.push("--use-native-tracer");
        }
        let out = run(&bin, &dir, &args).await;
        let json = out
            .lines()
            .find(|l| l.trim_start().starts_with('['))
            .unwrap_or_else(|| panic!("no trace JSON in:\n{out}"));
        let records: Vec<serde_json::Value> = serde_json::from_str(json).expect("trace JSON");
        let names: Vec<&str> = records.iter().filter_map(|r| r["name"].as_str()).collect();
        assert_eq!(names.first(), Some(&"user_entrypoint"), "{names:?}");
        assert_eq!(names.last(), Some(&"user_returned"), "{names:?}");
        for hostio in [
            "read_args",
            "storage_load_bytes32",
            "storage_flush_cache",
            "emit_log",
        ] {
            assert!(names.contains(&hostio), "{hostio} missing from {names:?}");
        }
        assert!(records
            .iter()
            .all(|r| r["startInk"].as_u64() >= r["endInk"].as_u64()));
    }

    // `cargo stylus cache bid` through the node's CacheManager: the NFT is cached and its
    // calls cost its init gas less.
    let read = nft.balanceOf(funder.address());
    let before = read.estimate_gas().await.expect("estimate");
    let init = arb_wasm
        .programInitGas(nft_addr)
        .call()
        .await
        .expect("programInitGas");
    let nft_hex = nft_addr.to_string();
    run(
        &bin,
        &dir,
        &[
            "cache",
            "bid",
            nft_hex.as_str(),
            "0",
            "-e",
            url.as_str(),
            "--private-key",
            DEV_PRIVATE_KEY,
        ],
    )
    .await;
    let provider = connect();
    assert!(
        lien_client::program_cache::is_cached(&provider, nft_addr)
            .await
            .expect("codehashIsCached"),
        "cached by the bid"
    );
    let nft = IMockNft::new(nft_addr, provider.clone());
    let after = nft
        .balanceOf(funder.address())
        .estimate_gas()
        .await
        .expect("estimate");
    assert_eq!(before - after, init.gas, "a cached call skips the init gas");

    // The value fixture: the same, and a payable call.
    let value_addr = check_and_deploy(&bin, &dir, &url, &value_wasm).await;
    assert_ne!(value_addr, nft_addr);
    let provider = connect();
    let arb_wasm = IArbWasm::new(ARB_WASM, provider.clone());
    assert_eq!(
        arb_wasm
            .programVersion(value_addr)
            .call()
            .await
            .expect("programVersion"),
        2
    );
    let book = IMockValue::new(value_addr, provider.clone());
    assert_eq!(
        book.totalDeposits()
            .call()
            .await
            .expect("eth_call totalDeposits"),
        U256::ZERO
    );
    let r = book
        .deposit()
        .value(U256::from(12_345u64))
        .send()
        .await
        .expect("deposit")
        .get_receipt()
        .await
        .expect("receipt");
    assert!(r.status(), "deposit");
    assert_eq!(
        book.balanceOf(funder.address())
            .call()
            .await
            .expect("eth_call balanceOf"),
        U256::from(12_345u64)
    );
    assert_eq!(
        provider.get_balance(value_addr).await.expect("balance"),
        U256::from(12_345u64)
    );

    // Checking code that is already active reports it instead of a fee.
    let again = run(
        &bin,
        &dir,
        &[
            "check",
            "-e",
            &url,
            "--wasm-file",
            value_wasm.to_str().expect("utf-8"),
        ],
    )
    .await;
    assert!(
        again.contains("contract size") && !again.contains("wasm data fee"),
        "an active program needs no new activation:\n{again}"
    );

    let _ = std::fs::remove_dir_all(&dir);
    node.stop().await;
}
