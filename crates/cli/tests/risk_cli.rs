//! `lien risk` through the built binary: a run on the shipped synthetic sample compared with a
//! deployment's on-chain parameters, then `lien risk propose` sending the recommendation to
//! Governance as `setCollectionParams(...)` moved at most `maxStepBps` per field, executed
//! after the timelock and checked against the OfferBook's `params` view.

use std::{path::PathBuf, process::Command};

use alloy::{
    primitives::Address,
    providers::{DynProvider, Provider, ProviderBuilder},
    sol_types::SolCall,
};
use lien_client::{
    bindings::{IGovernance, IOfferBook},
    package,
};
use lien_risk::params::{step_toward, CollectionParams, RateLimit};
use stylus_devnode::{DevNode, NodeConfig, DEV_ACCOUNT};

fn lien(url: &str, deployment: &PathBuf, args: &[&str]) -> (bool, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_lien"))
        .arg("--rpc-url")
        .arg(url)
        .arg("--deployment")
        .arg(deployment)
        .env_remove("LIEN_PRIVATE_KEY")
        .args(args)
        .output()
        .expect("the lien binary runs");
    let out = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    println!("$ lien {}\n{out}", args.join(" "));
    (output.status.success(), out)
}

fn must(r: (bool, String)) -> String {
    assert!(r.0, "command failed:\n{}", r.1);
    r.1
}

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
    collection: Address,
}

async fn params_of(
    book: &IOfferBook::IOfferBookInstance<&DynProvider>,
    c: Address,
) -> CollectionParams {
    let p = book.params(c).call().await.expect("params");
    CollectionParams {
        max_ltv_bps: p.max_ltv_bps,
        liq_threshold_bps: p.liq_threshold_bps,
        liq_penalty_bps: p.liq_penalty_bps,
        auction_start_bps: p.auction_start_bps,
        auction_cut_bps: p.auction_cut_bps,
        max_duration: p.max_duration,
        grace_period: p.grace_period,
        auction_step: p.auction_step,
        auction_tail: p.auction_tail,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn risk_run_compares_and_propose_goes_through_governance() {
    let mut config = NodeConfig::ephemeral();
    if !package::size_exceptions(&package::workspace_root()).is_empty() {
        config.max_code_size = 64 * 1024;
    }
    let node = DevNode::start(config).await.unwrap();
    let url = node.url().to_owned();
    let dir = std::env::temp_dir().join(format!("lien-cli-risk-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let dep = dir.join("devnode.json");
    let owner = DEV_ACCOUNT.to_string();
    let mut deploy = vec![
        "deploy",
        "--with-mocks",
        "--owners",
        &owner,
        "--threshold",
        "1",
    ];
    if !package::size_exceptions(&package::workspace_root()).is_empty() {
        deploy.push("--skip-size-check");
    }
    must(lien(&url, &dep, &deploy));
    let d: DeploymentFile = serde_json::from_str(&std::fs::read_to_string(&dep).unwrap()).unwrap();
    let p = ProviderBuilder::new()
        .connect_http(url.parse().unwrap())
        .erased();
    let offers = IOfferBook::new(d.contracts.offer_book, &p);
    let collection = d.mocks.collection.to_string();
    let before = params_of(&offers, d.mocks.collection).await;

    // a small run on the shipped synthetic sample, against the deployment's parameters
    let sample = package::workspace_root().join("crates/risk/data/synthetic-floor.csv");
    let out_dir = dir.join("report");
    let out = must(lien(
        &url,
        &dep,
        &[
            "risk",
            "run",
            "--data",
            sample.to_str().unwrap(),
            "--out",
            out_dir.to_str().unwrap(),
            "--loans",
            "200",
            "--paths",
            "4",
            "--search-loans",
            "100",
            "--search-paths",
            "3",
            "--collection",
            &collection,
        ],
    ));
    assert!(out.contains("recommended under crash-60"), "{out}");
    let md = std::fs::read_to_string(out_dir.join("report.md")).unwrap();
    assert!(
        md.contains(&format!("on-chain {collection}")),
        "the report compares with the chain"
    );
    let html = std::fs::read_to_string(out_dir.join("report.html")).unwrap();
    assert_eq!(html.matches("<svg").count(), 3);
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out_dir.join("report.json")).unwrap())
            .unwrap();
    let target: CollectionParams =
        serde_json::from_value(report["recommendation"]["params"].clone()).unwrap();

    // an unlisted collection is refused before anything is sent
    let (ok, text) = lien(
        &url,
        &dep,
        &[
            "risk",
            "propose",
            "--report",
            out_dir.join("report.json").to_str().unwrap(),
            "--collection",
            &d.contracts.vault.to_string(),
        ],
    );
    assert!(!ok && text.contains("not listed"), "{text}");

    // the proposal: the recommendation moved at most maxStepBps per field
    let pp = offers.protocolParams().call().await.unwrap();
    let limit = RateLimit {
        max_step_bps: pp.max_step_bps,
        min_change_interval: pp.min_change_interval,
    };
    let step = step_toward(&before, &target, &limit, 0);
    let out = lien(
        &url,
        &dep,
        &[
            "risk",
            "propose",
            "--report",
            out_dir.join("report.json").to_str().unwrap(),
            "--collection",
            &collection,
        ],
    );
    let Ok(step) = step else {
        assert!(out.0 && out.1.contains("nothing to propose"), "{}", out.1);
        return;
    };
    must(out);
    let gov = IGovernance::new(d.contracts.governance, &p);
    assert_eq!(
        gov.proposalCount().call().await.unwrap(),
        alloy::primitives::U256::from(1)
    );
    let n = step.params;
    let expected = IOfferBook::setCollectionParamsCall {
        collection: d.mocks.collection,
        max_ltv_bps: n.max_ltv_bps,
        liq_threshold_bps: n.liq_threshold_bps,
        liq_penalty_bps: n.liq_penalty_bps,
        auction_start_bps: n.auction_start_bps,
        auction_cut_bps: n.auction_cut_bps,
        max_duration: n.max_duration,
        grace_period: n.grace_period,
        auction_step: n.auction_step,
        auction_tail: n.auction_tail,
    }
    .abi_encode();
    let data = gov
        .proposalData(alloy::primitives::U256::from(1))
        .call()
        .await
        .unwrap();
    assert_eq!(data.to_vec(), expected, "the proposal's calldata");

    // past the timelock and the OfferBook's change interval, it executes and takes effect
    travel(&p, 3_600 + limit.min_change_interval + 1).await;
    must(lien(&url, &dep, &["gov", "execute", "1"]));
    assert_eq!(params_of(&offers, d.mocks.collection).await, n);
}
