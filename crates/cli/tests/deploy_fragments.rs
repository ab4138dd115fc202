//! `lien deploy --fragments` through the built binary, on embedded dev nodes.
//!
//! No protocol contract is over one account (24,576 bytes compressed) today, so the test makes
//! one: the packaged LoanBook's module with a custom section of pseudo-random bytes appended
//! (activation accepts custom sections and ignores them; brotli cannot shrink random bytes),
//! compressed again — a real protocol program over the limit. With the other packaged programs
//! it goes into a `--code-dir`, and `lien deploy --fragments --with-mocks --cache` deploys the
//! whole protocol on an ArbOS 60 node: the LoanBook as two fragments plus a root, the rest in
//! one account each. The chain then holds exactly the root and the fragments, and a lending
//! cycle through the CLI (prices, offer, borrow, `lien gas` of the borrow, repay) runs through
//! the fragmented LoanBook. Refusals: the same code without `--fragments`, and `--fragments` on
//! an ArbOS 51 node, stop before any transaction is sent.

use std::path::PathBuf;

use alloy::{
    primitives::{keccak256, Address, U256},
    providers::{DynProvider, Provider, ProviderBuilder},
    signers::local::PrivateKeySigner,
    sol,
};
use lien_client::{
    bindings::{IERC20, IERC721},
    fragments::{Fragmented, FRAGMENT_PREFIX, ROOT_PREFIX},
    package::{self, MAX_COMPRESSED_BYTES, STYLUS_PREFIX},
    protocol::{Addresses, PROTOCOL_PACKAGES},
};
use stylus_devnode::{config::ether, DevNode, NodeConfig, DEV_ACCOUNT};

sol! {
    #[sol(rpc)]
    interface IArbWasmVersion {
        function programVersion(address program) external view returns (uint16 version);
        function stylusVersion() external view returns (uint16 version);
    }
}

const ARB_WASM: Address = lien_client::deploy::ARB_WASM;
/// A second funded key: the borrower.
const BORROWER_KEY: &str = "0x1111111111111111111111111111111111111111111111111111111111111111";
/// The program made over one account, and the size its padded code aims at (two fragments).
const OVER: &str = "lien-loan-book";
const PADDED_CODE_BYTES: usize = 36_000;

#[derive(serde::Deserialize)]
struct DeploymentFile {
    contracts: Addresses,
    mocks: Mocks,
}

#[derive(serde::Deserialize)]
struct Mocks {
    currency: Address,
    collection: Address,
}

mod common;
use common::{lien, must};

/// `wasm` with a custom section `lien-padding` of `len` pseudo-random bytes appended.
fn with_padding(wasm: &[u8], len: usize) -> Vec<u8> {
    fn leb(mut n: usize, out: &mut Vec<u8>) {
        loop {
            let byte = (n & 0x7f) as u8;
            n >>= 7;
            if n == 0 {
                out.push(byte);
                return;
            }
            out.push(byte | 0x80);
        }
    }
    let name = b"lien-padding";
    let mut payload = Vec::with_capacity(len + name.len() + 1);
    leb(name.len(), &mut payload);
    payload.extend_from_slice(name);
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    payload.extend((0..len).map(|_| {
        // xorshift64*: incompressible for brotli, the same bytes on every run.
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        (x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 56) as u8
    }));
    let mut out = wasm.to_vec();
    out.push(0); // custom section id
    leb(payload.len(), &mut out);
    out.extend_from_slice(&payload);
    out
}

/// A code folder with the protocol's and the mocks' packaged code, the LoanBook's over one
/// account; returns the folder and the LoanBook's code.
fn code_dir(name: &str) -> (PathBuf, Vec<u8>) {
    let root = package::workspace_root();
    let mut names: Vec<String> = PROTOCOL_PACKAGES.iter().map(|s| (*s).to_owned()).collect();
    names.extend(["lien-mock-token".to_owned(), "lien-mock-nft".to_owned()]);
    let artifacts = package::package_some(&root, &lien_client::cache::stylus_dir(&root), &names)
        .expect("packaged contracts");
    let dir = std::env::temp_dir().join(format!("lien-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("code dir");
    let mut over = Vec::new();
    for a in &artifacts {
        let code = if a.package == OVER {
            let pad = PADDED_CODE_BYTES.saturating_sub(a.code.len());
            over = package::compress_with_prefix(&with_padding(&a.wasm, pad));
            over.clone()
        } else {
            a.code.clone()
        };
        std::fs::write(dir.join(format!("{}.code", a.package)), code).expect("write code");
    }
    assert!(
        over.len() > MAX_COMPRESSED_BYTES,
        "{OVER} padded to {} B fits one account",
        over.len()
    );
    (dir, over)
}

async fn node(arbos: u64, borrower: Address) -> DevNode {
    DevNode::start(
        NodeConfig::ephemeral()
            .with_arbos(arbos)
            .with_funded(borrower, ether(100)),
    )
    .await
    .expect("dev node starts")
}

fn provider(url: &str) -> DynProvider {
    ProviderBuilder::new()
        .connect_http(url.parse().expect("url"))
        .erased()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deploy_fragments_deploys_a_program_over_one_account_and_the_protocol_runs_on_it() {
    let borrower: PrivateKeySigner = BORROWER_KEY.parse().expect("key");
    let node = node(60, borrower.address()).await;
    let url = node.url().to_owned();
    let p = provider(&url);
    let (dir, over) = code_dir("deploy-fragments");
    let dep = dir.join("devnode.json");
    let split = Fragmented::from_code(OVER, &over).expect("split");
    assert_eq!(split.fragments.len(), 2, "{} B", over.len());
    let code_dir = dir.to_str().expect("utf-8 path");

    let out = must(lien(
        &url,
        &dep,
        None,
        &[
            "deploy",
            "--fragments",
            "--with-mocks",
            "--cache",
            "--code-dir",
            code_dir,
        ],
    ));
    assert!(
        out.contains(&format!(
            "{OVER}: {} B compressed, over one account: 2 fragments ({} B + {} B) + root (ArbOS 60)",
            over.len(),
            split.fragments[0].len(),
            split.fragments[1].len()
        )),
        "{out}"
    );
    assert!(
        out.contains(&format!("deploy {OVER}: 2 fragments")),
        "{out}"
    );
    assert!(
        out.contains(&format!("deploy + activate {OVER} (root)")),
        "{out}"
    );
    assert_eq!(out.matches("over one account").count(), 1, "{out}");
    assert_eq!(out.matches("cached ").count(), 7, "{out}");
    let d: DeploymentFile =
        serde_json::from_str(&std::fs::read_to_string(&dep).expect("deployment file"))
            .expect("deployment json");

    // On chain: the LoanBook is a root naming two fragments that hold the split stream, and it
    // is activated; every other program is classic Stylus code in one account.
    let root = p.get_code_at(d.contracts.loan_book).await.expect("code");
    assert_eq!(&root[..3], &ROOT_PREFIX);
    assert_eq!(root.len(), 8 + 2 * 20, "root of two fragments");
    let fragments: Vec<Address> = root[8..].chunks(20).map(Address::from_slice).collect();
    assert_eq!(root.as_ref(), split.root(&fragments).as_slice());
    for (address, expected) in fragments.iter().zip(&split.fragments) {
        let code = p.get_code_at(*address).await.expect("fragment code");
        assert_eq!(&code[..3], &FRAGMENT_PREFIX);
        assert_eq!(code.as_ref(), expected.as_slice());
    }
    let arb_wasm = IArbWasmVersion::new(ARB_WASM, &p);
    let stylus = arb_wasm
        .stylusVersion()
        .call()
        .await
        .expect("stylusVersion");
    assert_eq!(
        arb_wasm
            .programVersion(d.contracts.loan_book)
            .call()
            .await
            .expect("the root is activated"),
        stylus
    );
    for other in [
        d.contracts.governance,
        d.contracts.oracle,
        d.contracts.vault,
        d.contracts.offer_book,
        d.contracts.loan_lens,
        d.contracts.liquidator,
        d.mocks.currency,
        d.mocks.collection,
    ] {
        let code = p.get_code_at(other).await.expect("code");
        assert_eq!(&code[..4], &STYLUS_PREFIX, "{other}");
    }
    assert_ne!(
        keccak256(&root),
        keccak256(&over),
        "the root is not the program's code"
    );

    // A lending cycle through the CLI runs through the fragmented LoanBook.
    let collection = d.mocks.collection.to_string();
    let b = Some(BORROWER_KEY);
    must(lien(
        &url,
        &dep,
        None,
        &["oracle", "post", &collection, "100"],
    ));
    let _: serde_json::Value = p
        .raw_request("evm_increaseTime".into(), (3_700u64,))
        .await
        .expect("increaseTime");
    let _: serde_json::Value = p.raw_request("evm_mine".into(), ()).await.expect("mine");
    must(lien(
        &url,
        &dep,
        None,
        &["oracle", "post", &collection, "100"],
    ));
    must(lien(&url, &dep, None, &["mock", "mint-token", "1000"]));
    must(lien(
        &url,
        &dep,
        None,
        &[
            "lender",
            "offer",
            "--principal",
            "30",
            "--apr-bps",
            "2000",
            "--capacity",
            "2",
        ],
    ));
    let who = borrower.address().to_string();
    must(lien(
        &url,
        &dep,
        None,
        &["mock", "mint-nft", "7", "--to", &who],
    ));
    let out = must(lien(&url, &dep, b, &["borrower", "borrow", "1", "7"]));
    let hash = out
        .split("tx ")
        .skip(1)
        .filter_map(|rest| rest.get(..66).filter(|h| h.starts_with("0x")))
        .last()
        .unwrap_or_else(|| panic!("no tx hash in:\n{out}"))
        .to_owned();
    let profile = must(lien(&url, &dep, None, &["gas", &hash, "--rpc", &url]));
    assert!(profile.contains("[stylus] loan book"), "{profile}");
    assert!(profile.contains("entry (cached)"), "{profile}");
    let nft = IERC721::new(d.mocks.collection, &p);
    let token = IERC20::new(d.mocks.currency, &p);
    assert_eq!(
        nft.ownerOf(U256::from(7)).call().await.expect("owner"),
        d.contracts.vault
    );
    let tok = |n: u64| U256::from(n) * U256::from(10u64).pow(U256::from(18));
    assert_eq!(
        token
            .balanceOf(borrower.address())
            .call()
            .await
            .expect("balance"),
        tok(30)
    );
    must(lien(
        &url,
        &dep,
        None,
        &["mock", "mint-token", "5", "--to", &who],
    ));
    must(lien(&url, &dep, b, &["borrower", "repay", "1"]));
    assert_eq!(
        nft.ownerOf(U256::from(7)).call().await.expect("owner"),
        borrower.address(),
        "repaid: the NFT is back"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_one_account_is_refused_without_fragments_or_before_arbos_60_and_nothing_is_sent() {
    let borrower: PrivateKeySigner = BORROWER_KEY.parse().expect("key");
    let (dir, over) = code_dir("deploy-fragments-refused");
    let code_dir = dir.to_str().expect("utf-8 path");
    let dep = dir.join("devnode.json");

    // ArbOS 60, without --fragments: the size check refuses the LoanBook.
    let at_60 = node(60, borrower.address()).await;
    let r = lien(
        at_60.url(),
        &dep,
        None,
        &["deploy", "--with-mocks", "--code-dir", code_dir],
    );
    assert!(
        !r.ok
            && r.out.contains(&format!(
                "over the {MAX_COMPRESSED_BYTES} B code limit, cannot be deployed: {OVER} ({} B)",
                over.len()
            )),
        "{}",
        r.out
    );
    // --fragments and --skip-size-check say opposite things about such a program.
    let r = lien(
        at_60.url(),
        &dep,
        None,
        &[
            "deploy",
            "--fragments",
            "--skip-size-check",
            "--code-dir",
            code_dir,
        ],
    );
    assert!(!r.ok && r.out.contains("cannot be used with"), "{}", r.out);
    let nonce = provider(at_60.url())
        .get_transaction_count(DEV_ACCOUNT)
        .await
        .expect("nonce");
    assert_eq!(nonce, 0, "nothing was sent");

    // ArbOS 51 (Arbitrum One today), with --fragments: no fragments on that chain.
    let at_51 = node(51, borrower.address()).await;
    let r = lien(
        at_51.url(),
        &dep,
        None,
        &[
            "deploy",
            "--fragments",
            "--with-mocks",
            "--code-dir",
            code_dir,
        ],
    );
    assert!(
        !r.ok
            && r.out.contains(&format!(
                "{OVER} is {} B compressed, over one account ({MAX_COMPRESSED_BYTES} B): it needs ArbOS 60's multi-fragment programs, and the chain runs ArbOS 51",
                over.len()
            )),
        "{}",
        r.out
    );
    let nonce = provider(at_51.url())
        .get_transaction_count(DEV_ACCOUNT)
        .await
        .expect("nonce");
    assert_eq!(nonce, 0, "nothing was sent");
    assert!(!dep.exists(), "no deployment file written");
    let _ = std::fs::remove_dir_all(&dir);
}
