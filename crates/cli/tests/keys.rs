//! Keys through the built `lien` binary: an encrypted keystore signs (`--keystore` with
//! `--password-file`), a wrong password or a missing file is a clear error, a missing key is
//! an error on any chain but the local dev node's (412346, where the Nitro dev key is the
//! default), and no output ever contains a private key.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use alloy::{
    primitives::{Address, U256},
    providers::{Provider, ProviderBuilder},
    signers::local::PrivateKeySigner,
};
use lien_client::{bindings::IERC20, deploy::deploy_stylus, package};
use stylus_devnode::{config::ether, DevNode, NodeConfig, DEV_PRIVATE_KEY};

/// The key kept in the keystore (a test key; it must never appear in any output).
const KEYSTORE_KEY: &str = "7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d";
const PASSWORD: &str = "correct horse battery staple";

struct Run {
    ok: bool,
    out: String,
}

fn lien(args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_lien"))
        .env_remove("LIEN_PRIVATE_KEY")
        .env_remove("LIEN_KEYSTORE")
        .env_remove("LIEN_PASSWORD_FILE")
        .stdin(Stdio::null())
        .args(args)
        .output()
        .expect("the lien binary runs");
    let out = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    println!("$ lien {}\n{out}", args.join(" "));
    assert!(
        !out.contains(KEYSTORE_KEY) && !out.contains(DEV_PRIVATE_KEY.trim_start_matches("0x")),
        "a private key was printed:\n{out}"
    );
    Run {
        ok: output.status.success(),
        out,
    }
}

/// Writes a keystore of [`KEYSTORE_KEY`] encrypted with [`PASSWORD`] (alloy / eth-keystore)
/// and a password file next to it.
fn keystore(dir: &Path) -> (PathBuf, PathBuf, Address) {
    let key = alloy::hex::decode(KEYSTORE_KEY).expect("hex");
    let (signer, _) = PrivateKeySigner::encrypt_keystore(
        dir,
        &mut rand::thread_rng(),
        &key,
        PASSWORD,
        Some("key.json"),
    )
    .expect("encrypt the keystore");
    let password = dir.join("password.txt");
    std::fs::write(&password, format!("{PASSWORD}\n")).expect("password file");
    (dir.join("key.json"), password, signer.address())
}

fn deployment(dir: &Path, chain_id: u64, currency: Address) -> PathBuf {
    let zero = Address::ZERO;
    let body = serde_json::json!({
        "network": "test",
        "chainId": chain_id,
        "contracts": {
            "governance": zero, "oracle": zero, "vault": zero,
            "offerBook": zero, "loanBook": zero, "loanDesk": zero, "loanLens": zero, "liquidator": zero,
        },
        "mocks": { "currency": currency, "collection": zero },
    });
    let path = dir.join("deployment.json");
    std::fs::write(&path, body.to_string()).expect("deployment file");
    path
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_keystore_signs_and_the_dev_key_is_only_the_dev_nodes_default() {
    let dir = std::env::temp_dir().join(format!("lien-cli-keys-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (ks, password, holder) = keystore(&dir);
    let node = DevNode::start(NodeConfig::ephemeral().with_funded(holder, ether(10)))
        .await
        .unwrap();
    let url = node.url().to_owned();
    let root = package::workspace_root();
    let code = package::package_some(
        &root,
        &lien_client::cache::stylus_dir(&root),
        &["lien-mock-token".to_owned()],
    )
    .expect("the mock token")
    .remove(0)
    .code;
    let dev: PrivateKeySigner = DEV_PRIVATE_KEY.parse().unwrap();
    let p = ProviderBuilder::new()
        .wallet(alloy::network::EthereumWallet::from(dev))
        .connect_http(url.parse().unwrap())
        .erased();
    let token = deploy_stylus(&p, "lien-mock-token", &code, None)
        .await
        .unwrap()
        .address;
    let dep = deployment(&dir, 412_346, token);
    let dep = dep.to_str().unwrap();
    let (ks, password) = (ks.to_str().unwrap(), password.to_str().unwrap());

    // the keystore's key signs: the mint goes to its holder
    let r = lien(&[
        "--rpc-url",
        &url,
        "--deployment",
        dep,
        "--keystore",
        ks,
        "--password-file",
        password,
        "mock",
        "mint-token",
        "5",
    ]);
    assert!(r.ok, "{}", r.out);
    let balance = IERC20::new(token, &p)
        .balanceOf(holder)
        .call()
        .await
        .unwrap();
    assert_eq!(
        balance,
        U256::from(5) * U256::from(10u64).pow(U256::from(18))
    );

    // a wrong password, a missing file: clear errors, nothing sent
    let wrong = dir.join("wrong.txt");
    std::fs::write(&wrong, "not it").unwrap();
    let r = lien(&[
        "--rpc-url",
        &url,
        "--deployment",
        dep,
        "--keystore",
        ks,
        "--password-file",
        wrong.to_str().unwrap(),
        "mock",
        "mint-token",
        "5",
    ]);
    assert!(
        !r.ok && r.out.contains("cannot decrypt the keystore"),
        "{}",
        r.out
    );
    let r = lien(&[
        "--rpc-url",
        &url,
        "--deployment",
        dep,
        "--keystore",
        "/nonexistent/key.json",
        "--password-file",
        password,
        "mock",
        "mint-token",
        "5",
    ]);
    assert!(!r.ok && r.out.contains("no keystore file at"), "{}", r.out);
    let r = lien(&[
        "--rpc-url",
        &url,
        "--deployment",
        dep,
        "--key",
        KEYSTORE_KEY,
        "--keystore",
        ks,
        "mock",
        "mint-token",
        "5",
    ]);
    assert!(!r.ok && r.out.contains("cannot be used with"), "{}", r.out);
    assert_eq!(
        IERC20::new(token, &p)
            .balanceOf(holder)
            .call()
            .await
            .unwrap(),
        balance
    );

    // no key on the dev node (chain 412346): the Nitro dev key signs
    let r = lien(&[
        "--rpc-url",
        &url,
        "--deployment",
        dep,
        "mock",
        "mint-token",
        "1",
    ]);
    assert!(r.ok, "{}", r.out);
    assert!(!IERC20::new(token, &p)
        .balanceOf(stylus_devnode::DEV_ACCOUNT)
        .call()
        .await
        .unwrap()
        .is_zero());
    node.stop().await;

    // no key on any other chain: a clear error instead of the dev key
    let mut other = NodeConfig::ephemeral();
    other.chain_id = 421_614;
    let node = DevNode::start(other).await.unwrap();
    let other_url = node.url().to_owned();
    let r = lien(&[
        "--rpc-url",
        &other_url,
        "--deployment",
        dep,
        "mock",
        "mint-token",
        "1",
    ]);
    assert!(
        !r.ok && r.out.contains("no signing key for chain 421614") && r.out.contains("--keystore"),
        "{}",
        r.out
    );
    node.stop().await;

    // the help names the options and shows no key
    let r = lien(&["--help"]);
    assert!(
        r.ok && r.out.contains("--keystore") && r.out.contains("--password-file"),
        "{}",
        r.out
    );
    let _ = std::fs::remove_dir_all(&dir);
}
