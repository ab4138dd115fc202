//! End to end through the built `lien` binary: an embedded dev node, `lien deploy
//! --with-mocks`, then lender, borrower, oracle, governance (and guardian) and keeper
//! commands, each checked against the chain.

use alloy::sol_types::{sol_data, SolType};
use alloy::{
    primitives::{Address, U256},
    providers::{DynProvider, Provider, ProviderBuilder},
    signers::local::PrivateKeySigner,
};
use lien_client::{
    bindings::{IGovernance, ILoanBook, ILoanLens, IOfferBook, IERC20, IERC721},
    deploy::{constructor_calldata, deploy_stylus},
    package,
};
use stylus_devnode::{config::ether, DevNode, NodeConfig, DEV_ACCOUNT};

/// A second funded key (borrower and second Governance owner).
const BORROWER_KEY: &str = "0x1111111111111111111111111111111111111111111111111111111111111111";

mod common;
use common::{lien, must};

async fn travel(p: &DynProvider, secs: u64) {
    let _: serde_json::Value = p
        .raw_request("evm_increaseTime".into(), (secs,))
        .await
        .expect("increaseTime");
    let _: serde_json::Value = p.raw_request("evm_mine".into(), ()).await.expect("mine");
}

#[derive(serde::Deserialize)]
struct DeploymentFile {
    contracts: lien_client::protocol::Addresses,
    mocks: Mocks,
}

#[derive(serde::Deserialize)]
struct Mocks {
    currency: Address,
    collection: Address,
}

fn tok(n: u64) -> U256 {
    U256::from(n) * U256::from(10u64).pow(U256::from(18))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deploy_lend_borrow_post_keep() {
    let borrower: PrivateKeySigner = BORROWER_KEY.parse().unwrap();
    // LIEN_FLOW_RPC_URL runs the flow on another dev node (e.g. one with a raised code-size
    // limit), LIEN_FLOW_CODE_DIR deploys already packaged code from that folder.
    let external = std::env::var("LIEN_FLOW_RPC_URL").ok();
    let node = match external {
        Some(_) => None,
        // While contracts/size-exceptions.txt lists a contract, the node raises its code-size
        // limit like Nitro's --init.dev-max-code-size and deploy skips the size check (below).
        None => {
            let mut config = NodeConfig::ephemeral().with_funded(borrower.address(), ether(100));
            if !package::size_exceptions(&package::workspace_root()).is_empty() {
                config.max_code_size = 64 * 1024;
            }
            Some(DevNode::start(config).await.unwrap())
        }
    };
    let url = external.unwrap_or_else(|| {
        node.as_ref()
            .map(|n| n.url().to_owned())
            .unwrap_or_default()
    });
    if node.is_none() {
        let dev: PrivateKeySigner = stylus_devnode::DEV_PRIVATE_KEY.parse().unwrap();
        let funder = ProviderBuilder::new()
            .wallet(alloy::network::EthereumWallet::from(dev))
            .connect_http(url.parse().unwrap());
        let tx = alloy::rpc::types::TransactionRequest::default()
            .to(borrower.address())
            .value(ether(10));
        funder
            .send_transaction(tx)
            .await
            .unwrap()
            .get_receipt()
            .await
            .unwrap();
    }
    let dir = std::env::temp_dir().join(format!("lien-cli-flows-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let dep = dir.join("devnode.json");
    let b = Some(BORROWER_KEY);
    let owners = format!("{DEV_ACCOUNT},{}", borrower.address());

    // clear errors before anything exists
    let r = lien(&url, &dep, None, &["borrower", "loans"]);
    assert!(!r.ok && r.out.contains("no deployment file"), "{}", r.out);

    let mut deploy = vec![
        "deploy",
        "--with-mocks",
        "--owners",
        &owners,
        "--threshold",
        "2",
    ];
    let code_dir = std::env::var("LIEN_FLOW_CODE_DIR").ok();
    if let Some(d) = &code_dir {
        deploy.extend(["--code-dir", d]);
    }
    if !lien_client::package::size_exceptions(&lien_client::package::workspace_root()).is_empty() {
        deploy.push("--skip-size-check");
    }
    if node.is_some() {
        // On the embedded node the protocol's programs are cached through its CacheManager.
        deploy.push("--cache");
    }
    let out = must(lien(&url, &dep, None, &deploy));
    if node.is_some() {
        assert_eq!(out.matches("cached ").count(), 7, "{out}");
        assert!(out.contains("caching cost: 0 wei"), "{out}");
    }
    let d: DeploymentFile = serde_json::from_str(&std::fs::read_to_string(&dep).unwrap()).unwrap();
    let p = ProviderBuilder::new()
        .connect_http(url.parse().unwrap())
        .erased();
    let book = ILoanBook::new(d.contracts.loan_book, &p);
    let offers = IOfferBook::new(d.contracts.offer_book, &p);
    let token = IERC20::new(d.mocks.currency, &p);
    let nft = IERC721::new(d.mocks.collection, &p);
    let collection = d.mocks.collection.to_string();

    // prices: one reporter (the deployer), a full TWAP window, the second post from a CSV
    must(lien(
        &url,
        &dep,
        None,
        &["oracle", "post", &collection, "100"],
    ));
    travel(&p, 3_700).await;
    let csv = dir.join("prices.csv");
    std::fs::write(&csv, format!("collection,price\n{collection},100\n")).unwrap();
    must(lien(
        &url,
        &dep,
        None,
        &["oracle", "post", "--csv", csv.to_str().unwrap()],
    ));
    let out = must(lien(&url, &dep, None, &["oracle", "price", &collection]));
    assert!(out.contains("borrow price      100 (ok)"), "{out}");
    // The clock moved with no block since: the next post lands in a block an hour later and
    // rolls the TWAP there. The CLI estimates at `pending` (that block); estimated at `latest`
    // this post ran out of gas.
    let _: serde_json::Value = p
        .raw_request("evm_increaseTime".into(), (3_700u64,))
        .await
        .expect("increase time");
    must(lien(
        &url,
        &dep,
        None,
        &["oracle", "post", &collection, "100"],
    ));

    // the lender funds an offer: exactly principal × capacity leaves its wallet for the
    // offer book's escrow
    must(lien(&url, &dep, None, &["mock", "mint-token", "1000"]));
    let r = lien(&url, &dep, None, &["lender", "offer", "--principal", "abc"]);
    assert!(!r.ok && r.out.contains("bad amount"), "{}", r.out);
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
    assert_eq!(token.balanceOf(DEV_ACCOUNT).call().await.unwrap(), tok(940));
    assert_eq!(
        token
            .balanceOf(d.contracts.offer_book)
            .call()
            .await
            .unwrap(),
        tok(60)
    );
    assert_eq!(offers.held(d.mocks.currency).call().await.unwrap(), tok(60));
    assert!(token
        .balanceOf(d.contracts.loan_book)
        .call()
        .await
        .unwrap()
        .is_zero());

    // the borrower borrows against NFT #7: the offer book pays the principal out of escrow
    must(lien(
        &url,
        &dep,
        None,
        &[
            "mock",
            "mint-nft",
            "7",
            "--to",
            &borrower.address().to_string(),
        ],
    ));
    let r = lien(&url, &dep, b, &["borrower", "borrow", "1", "8"]);
    assert!(!r.ok, "{}", r.out);
    let r = lien(&url, &dep, b, &["borrower", "borrow", "5", "7"]);
    assert!(
        !r.ok
            && r.out
                .contains("unknown offer 5 (the offer book has 1 offers)"),
        "{}",
        r.out
    );
    let out = must(lien(&url, &dep, b, &["borrower", "borrow", "1", "7"]));
    // `lien gas` on the borrow: the call tree with the Stylus split of each program.
    // the borrow prints the NFT approval's transaction first, then the borrow's: take the last
    let hash = out
        .split("tx ")
        .skip(1)
        .filter_map(|rest| rest.get(..66).filter(|h| h.starts_with("0x")))
        .last()
        .unwrap_or_else(|| panic!("no tx hash in:\n{out}"))
        .to_owned();
    let profile = must(lien(&url, &dep, None, &["gas", &hash, "--rpc", &url]));
    assert!(profile.contains("[stylus] loan book"), "{profile}");
    assert!(profile.contains("storage loads"), "{profile}");
    if node.is_some() {
        assert!(profile.contains("entry (cached)"), "{profile}");
    }
    assert_eq!(
        nft.ownerOf(U256::from(7)).call().await.unwrap(),
        d.contracts.vault
    );
    assert_eq!(
        token.balanceOf(borrower.address()).call().await.unwrap(),
        tok(30)
    );
    assert_eq!(
        token
            .balanceOf(d.contracts.offer_book)
            .call()
            .await
            .unwrap(),
        tok(30)
    );
    let out = must(lien(&url, &dep, None, &["lender", "offers"]));
    assert!(out.contains("open") && out.contains("1/2"), "{out}");
    let out = must(lien(&url, &dep, b, &["borrower", "loans"]));
    assert!(out.contains("active"), "{out}");
    let out = must(lien(&url, &dep, b, &["borrower", "health", "1"]));
    assert!(out.contains("healthy      true"), "{out}");
    let r = lien(&url, &dep, b, &["borrower", "debt", "99"]);
    assert!(!r.ok && r.out.contains("unknown loan 99"), "{}", r.out);

    // a healthy loan: the keeper only watches
    let out = must(lien(&url, &dep, None, &["keeper", "--once"]));
    assert!(out.contains("0 liquidated"), "{out}");
    assert_eq!(
        ILoanLens::new(d.contracts.loan_lens, &p)
            .loan(U256::from(1))
            .call()
            .await
            .unwrap()
            .status,
        1
    );

    // the floor crashes: the keeper warns no more, it liquidates; then it bids and wins
    for _ in 0..3 {
        travel(&p, 1_800).await;
        must(lien(
            &url,
            &dep,
            None,
            &["oracle", "post", &collection, "40"],
        ));
    }
    let out = must(lien(&url, &dep, None, &["keeper", "--once"]));
    assert!(out.contains("1 liquidated"), "{out}");
    assert_eq!(
        ILoanLens::new(d.contracts.loan_lens, &p)
            .loan(U256::from(1))
            .call()
            .await
            .unwrap()
            .status,
        2,
        "loan 1 in auction"
    );
    let out = must(lien(
        &url,
        &dep,
        None,
        &["keeper", "--once", "--bid-up-to", "1"],
    ));
    assert!(
        out.contains("above the limit") && out.contains("0 auctions won"),
        "{out}"
    );
    let out = must(lien(
        &url,
        &dep,
        None,
        &["keeper", "--once", "--bid-up-to", "100"],
    ));
    assert!(out.contains("1 auctions won"), "{out}");
    assert_eq!(
        nft.ownerOf(U256::from(7)).call().await.unwrap(),
        DEV_ACCOUNT
    );
    assert_eq!(
        ILoanLens::new(d.contracts.loan_lens, &p)
            .loan(U256::from(1))
            .call()
            .await
            .unwrap()
            .status,
        4,
        "loan 1 liquidated"
    );
    let out = must(lien(&url, &dep, None, &["lender", "claimable"]));
    assert_ne!(out.trim(), "0", "{out}");
    must(lien(&url, &dep, None, &["lender", "withdraw"]));
    assert!(book
        .claimable(DEV_ACCOUNT, d.mocks.currency)
        .call()
        .await
        .unwrap()
        .is_zero());

    // the guardian (the deployer) pauses the offer book: borrowing and new offers are
    // refused with the offer book's error, passed through by the loan book
    must(lien(
        &url,
        &dep,
        None,
        &[
            "mock",
            "mint-nft",
            "8",
            "--to",
            &borrower.address().to_string(),
        ],
    ));
    let r = lien(&url, &dep, b, &["gov", "guardian-pause"]);
    assert!(!r.ok && r.out.contains("only the guardian"), "{}", r.out);
    must(lien(&url, &dep, None, &["gov", "guardian-pause"]));
    assert!(offers.paused().call().await.unwrap());
    let r = lien(&url, &dep, b, &["borrower", "borrow", "1", "8"]);
    assert!(!r.ok && r.out.contains("OfferBookPaused()"), "{}", r.out);
    let r = lien(&url, &dep, None, &["lender", "offer", "--principal", "1"]);
    assert!(!r.ok && r.out.contains("OfferBookPaused()"), "{}", r.out);
    let out = must(lien(&url, &dep, None, &["gov", "show"]));
    assert!(out.contains("paused"), "{out}");

    // governance: 2-of-2 unpauses after the timelock
    must(lien(
        &url,
        &dep,
        None,
        &["gov", "propose", "offer-book", "unpause()"],
    ));
    let r = lien(&url, &dep, None, &["gov", "execute", "1"]);
    assert!(!r.ok && r.out.contains("GovThresholdNotMet"), "{}", r.out);
    must(lien(&url, &dep, b, &["gov", "approve", "1"]));
    let r = lien(&url, &dep, None, &["gov", "execute", "1"]);
    assert!(!r.ok && r.out.contains("GovTimelocked"), "{}", r.out);
    travel(&p, 3_601).await;
    must(lien(&url, &dep, None, &["gov", "execute", "1"]));
    assert!(!offers.paused().call().await.unwrap());
    let out = must(lien(&url, &dep, None, &["gov", "show", "1"]));
    assert!(out.contains("executed"), "{out}");

    // the lender cancels the half-used offer: the unused 30 come back; a borrow on the closed
    // offer fails with the offer book's error
    let out = must(lien(&url, &dep, None, &["lender", "cancel", "1"]));
    assert!(out.contains("refunded 30"), "{out}");
    assert!(offers
        .held(d.mocks.currency)
        .call()
        .await
        .unwrap()
        .is_zero());
    let r = lien(&url, &dep, b, &["borrower", "borrow", "1", "8"]);
    assert!(
        !r.ok && r.out.contains("OfferBookOfferClosed()"),
        "{}",
        r.out
    );
    let out = must(lien(&url, &dep, None, &["lender", "offers", "--all"]));
    assert!(out.contains("closed"), "{out}");

    // governance disables the collection on the offer book
    must(lien(
        &url,
        &dep,
        None,
        &[
            "gov",
            "propose",
            "offer-book",
            "setCollectionEnabled(address,bool)",
            &collection,
            "false",
        ],
    ));
    must(lien(&url, &dep, b, &["gov", "approve", "2"]));
    travel(&p, 3_601).await;
    must(lien(&url, &dep, None, &["gov", "execute", "2"]));
    assert!(
        !offers
            .params(d.mocks.collection)
            .call()
            .await
            .unwrap()
            .enabled,
        "collection disabled"
    );
    let r = lien(&url, &dep, None, &["lender", "offer", "--principal", "1"]);
    assert!(!r.ok && r.out.contains("disabled"), "{}", r.out);
    let r = lien(&url, &dep, None, &["gov", "approve", "9"]);
    assert!(!r.ok && r.out.contains("unknown proposal 9"), "{}", r.out);

    // INV-SOLV: each book holds at least what it owes
    for (who, held) in [
        (
            d.contracts.offer_book,
            offers.held(d.mocks.currency).call().await.unwrap(),
        ),
        (
            d.contracts.loan_book,
            book.held(d.mocks.currency).call().await.unwrap(),
        ),
    ] {
        assert!(
            token.balanceOf(who).call().await.unwrap() >= held,
            "INV-SOLV of {who}"
        );
    }

    // The indexer: the default database is a file beside the deployment file, indexed from
    // the deployment's start block; its totals count every loan the LoanBook issued.
    let start = serde_json::from_str::<serde_json::Value>(&std::fs::read_to_string(&dep).unwrap())
        .unwrap()["startBlock"]
        .as_u64()
        .expect("lien deploy records startBlock");
    let out = must(lien(&url, &dep, None, &["indexer", "run", "--once"]));
    assert!(out.contains(&format!("from block {start} into")), "{out}");
    assert!(dir.join("devnode.index.sqlite").is_file(), "{out}");
    let out = must(lien(
        &url,
        &dep,
        None,
        &["indexer", "subscribe", "--url", "http://127.0.0.1:9/hook"],
    ));
    assert!(out.contains("subscriber 1"), "{out}");
    let out = must(lien(&url, &dep, None, &["indexer", "totals"]));
    let totals: serde_json::Value =
        serde_json::from_str(&out[..out.rfind('}').unwrap() + 1]).unwrap();
    let indexed: u64 = totals["loans"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(
        U256::from(indexed),
        book.counts().call().await.unwrap().loans,
        "{out}"
    );

    if let Some(node) = node {
        node.stop().await;
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Governance alone (it fits the code limit today): a 2-of-2 multisig changes its own
/// timelock through `lien gov`, with the refusals decoded on the way.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn governance_through_the_cli() {
    let root = package::workspace_root();
    let dir = std::env::temp_dir().join(format!("lien-cli-gov-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let only = ["lien-governance".to_owned()];
    let artifacts = package::package_some(&root, &lien_client::cache::stylus_dir(&root), &only)
        .expect("packaging Governance");
    let second: PrivateKeySigner = BORROWER_KEY.parse().unwrap();
    let node = DevNode::start(NodeConfig::ephemeral().with_funded(second.address(), ether(100)))
        .await
        .unwrap();
    let url = node.url().to_owned();
    let dev: PrivateKeySigner = stylus_devnode::DEV_PRIVATE_KEY.parse().unwrap();
    let p = ProviderBuilder::new()
        .wallet(alloy::network::EthereumWallet::from(dev))
        .connect_http(url.parse().unwrap())
        .erased();
    type GovCtor = (
        sol_data::Array<sol_data::Address>,
        sol_data::Uint<8>,
        sol_data::Uint<64>,
        sol_data::Address,
    );
    let args = GovCtor::abi_encode_params(&(
        vec![DEV_ACCOUNT, second.address()],
        2u8,
        3_600u64,
        DEV_ACCOUNT,
    ));
    let gov = deploy_stylus(
        &p,
        "lien-governance",
        &artifacts[0].code,
        Some(constructor_calldata(&args)),
    )
    .await
    .unwrap()
    .address;
    let dep = dir.join("devnode.json");
    let body = serde_json::json!({
        "network": "devnode",
        "chainId": 412346,
        "contracts": {
            "governance": gov,
            "oracle": Address::ZERO,
            "vault": Address::ZERO,
            "offerBook": Address::ZERO,
            "loanBook": Address::ZERO,
            "loanDesk": Address::ZERO,
            "loanLens": Address::ZERO,
            "liquidator": Address::ZERO,
        },
    });
    std::fs::write(&dep, body.to_string()).unwrap();
    let b = Some(BORROWER_KEY);

    let out = must(lien(&url, &dep, None, &["gov", "show"]));
    assert!(
        out.contains("2 of 2 owners") && out.contains("timelock 1h"),
        "{out}"
    );
    let r = lien(
        &url,
        &dep,
        None,
        &["gov", "propose", "governance", "setDelay(uint64)", "lots"],
    );
    assert!(!r.ok && r.out.contains("argument 1 (uint64)"), "{}", r.out);
    let r = lien(
        &url,
        &dep,
        None,
        &["gov", "propose", "governance", "--calldata", "0xzz"],
    );
    assert!(!r.ok && r.out.contains("bad calldata hex"), "{}", r.out);
    let r = lien(
        &url,
        &dep,
        None,
        &["gov", "propose", "0x1234", "--calldata", "0x"],
    );
    assert!(!r.ok && r.out.contains("bad address"), "{}", r.out);
    let r = lien(&url, &dep, Some("0x12"), &["gov", "show"]);
    assert!(!r.ok && r.out.contains("bad private key"), "{}", r.out);

    must(lien(
        &url,
        &dep,
        None,
        &["gov", "propose", "governance", "setDelay(uint64)", "7200"],
    ));
    let r = lien(&url, &dep, None, &["gov", "execute", "1"]);
    assert!(!r.ok && r.out.contains("GovThresholdNotMet"), "{}", r.out);
    let r = lien(&url, &dep, None, &["gov", "approve", "1"]);
    assert!(!r.ok && r.out.contains("GovAlreadyApproved"), "{}", r.out);
    must(lien(&url, &dep, b, &["gov", "approve", "1"]));
    let out = must(lien(&url, &dep, None, &["gov", "show", "1"]));
    assert!(
        out.contains("queued") && out.contains("approvals  2"),
        "{out}"
    );
    let r = lien(&url, &dep, None, &["gov", "execute", "1"]);
    assert!(!r.ok && r.out.contains("GovTimelocked"), "{}", r.out);
    travel(&p, 3_601).await;
    let out = must(lien(&url, &dep, None, &["gov", "execute", "1"]));
    assert!(
        out.contains("execute proposal 1: tx 0x") && out.contains("gas"),
        "{out}"
    );
    assert_eq!(
        IGovernance::new(gov, &p).delay().call().await.unwrap(),
        7_200
    );
    let out = must(lien(&url, &dep, None, &["gov", "show", "1"]));
    assert!(out.contains("executed"), "{out}");
    let r = lien(&url, &dep, None, &["gov", "approve", "9"]);
    assert!(!r.ok && r.out.contains("unknown proposal 9"), "{}", r.out);

    // a second proposal revoked and cancelled
    must(lien(
        &url,
        &dep,
        b,
        &["gov", "propose", "gov", "setDelay(uint64)", "3600"],
    ));
    must(lien(&url, &dep, b, &["gov", "revoke", "2"]));
    let r = lien(&url, &dep, None, &["gov", "cancel", "2"]);
    assert!(!r.ok && r.out.contains("GovNotProposer"), "{}", r.out);
    must(lien(&url, &dep, b, &["gov", "cancel", "2"]));
    let out = must(lien(&url, &dep, None, &["gov", "show", "2"]));
    assert!(out.contains("cancelled"), "{out}");

    node.stop().await;
    let r = lien(&url, &dep, None, &["gov", "show"]);
    assert!(!r.ok && r.out.contains("cannot reach"), "{}", r.out);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A third funded key: the second lender that refinances.
const LENDER2_KEY: &str = "0x2222222222222222222222222222222222222222222222222222222222222222";

/// Issue 16 through the CLI: `lien borrower repay --amount`, `lien lender refinance` and `lien
/// borrower rollover`, each checked against the chain (the LoanLens).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn loans_that_move_through_the_cli() {
    let borrower: PrivateKeySigner = BORROWER_KEY.parse().unwrap();
    let lender2: PrivateKeySigner = LENDER2_KEY.parse().unwrap();
    let mut config = NodeConfig::ephemeral()
        .with_funded(borrower.address(), ether(100))
        .with_funded(lender2.address(), ether(100));
    if !package::size_exceptions(&package::workspace_root()).is_empty() {
        config.max_code_size = 64 * 1024;
    }
    let node = DevNode::start(config).await.unwrap();
    let url = node.url().to_owned();
    let dir = std::env::temp_dir().join(format!("lien-cli-moves-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let dep = dir.join("devnode.json");
    let (b, l2) = (Some(BORROWER_KEY), Some(LENDER2_KEY));
    let mut deploy = vec!["deploy", "--with-mocks"];
    if !package::size_exceptions(&package::workspace_root()).is_empty() {
        deploy.push("--skip-size-check");
    }
    must(lien(&url, &dep, None, &deploy));
    let d: DeploymentFile = serde_json::from_str(&std::fs::read_to_string(&dep).unwrap()).unwrap();
    let p = ProviderBuilder::new()
        .connect_http(url.parse().unwrap())
        .erased();
    let lens = ILoanLens::new(d.contracts.loan_lens, &p);
    let token = IERC20::new(d.mocks.currency, &p);
    let collection = d.mocks.collection.to_string();
    let prices = async || {
        must(lien(
            &url,
            &dep,
            None,
            &["oracle", "post", &collection, "100"],
        ));
        travel(&p, 3_700).await;
        must(lien(
            &url,
            &dep,
            None,
            &["oracle", "post", &collection, "100"],
        ));
    };
    prices().await;

    // the dev lender's offer (30 at 20 %, two loans); the borrower takes one against NFT #7
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
    let to_b = borrower.address().to_string();
    must(lien(
        &url,
        &dep,
        None,
        &["mock", "mint-nft", "7", "--to", &to_b],
    ));
    must(lien(&url, &dep, b, &["borrower", "borrow", "1", "7"]));
    travel(&p, 10 * 86_400).await;

    // part of it repaid: the interest first, the rest lowers the principal
    must(lien(
        &url,
        &dep,
        None,
        &["mock", "mint-token", "100", "--to", &to_b],
    ));
    let r = lien(
        &url,
        &dep,
        b,
        &["borrower", "repay", "1", "--amount", "0.000001"],
    );
    assert!(
        !r.ok && r.out.contains("LoanDeskPartBelowInterest"),
        "{}",
        r.out
    );
    let out = must(lien(
        &url,
        &dep,
        b,
        &["borrower", "repay", "1", "--amount", "10"],
    ));
    assert!(out.contains("principal left"), "{out}");
    let l = lens.loan(U256::from(1)).call().await.unwrap();
    assert!(
        l.principal > tok(20) && l.principal < tok(21),
        "{}",
        l.principal
    );

    // a second lender refinances at 10 % without the borrower
    prices().await;
    let to_l2 = lender2.address().to_string();
    must(lien(
        &url,
        &dep,
        None,
        &["mock", "mint-token", "100", "--to", &to_l2],
    ));
    must(lien(
        &url,
        &dep,
        l2,
        &[
            "lender",
            "offer",
            "--principal",
            "25",
            "--apr-bps",
            "1000",
            "--capacity",
            "1",
        ],
    ));
    let r = lien(&url, &dep, b, &["lender", "refinance", "1", "2"]);
    assert!(
        !r.ok && r.out.contains("LoanDeskNotOfferLender"),
        "{}",
        r.out
    );
    let before = l.principal;
    let out = must(lien(&url, &dep, l2, &["lender", "refinance", "1", "2"]));
    assert!(
        out.contains("loan 1 is yours: the old lender was paid") && out.contains("at 1000 bps APR"),
        "{out}"
    );
    let l = lens.loan(U256::from(1)).call().await.unwrap();
    assert_eq!((l.lender, l.apr_bps), (lender2.address(), 1_000));
    assert!(l.principal > before, "the debt became the principal");

    // the borrower rolls over to the dev lender's offer: it receives only the difference
    prices().await;
    let held = token.balanceOf(borrower.address()).call().await.unwrap();
    must(lien(&url, &dep, b, &["borrower", "rollover", "1", "1"]));
    let l = lens.loan(U256::from(1)).call().await.unwrap();
    assert_eq!(
        (l.lender, l.principal, l.apr_bps),
        (DEV_ACCOUNT, tok(30), 2_000)
    );
    let got = token.balanceOf(borrower.address()).call().await.unwrap() - held;
    assert!(
        got > tok(9) && got < tok(10),
        "the difference 30 − debt: {got}"
    );
    assert_eq!(
        IERC721::new(d.mocks.collection, &p)
            .ownerOf(U256::from(7))
            .call()
            .await
            .unwrap(),
        d.contracts.vault
    );
}
