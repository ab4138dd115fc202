//! A contract that does not fit one account (contracts/mocks/fragment-nft: an OpenZeppelin
//! ERC-721 with six extensions, over 24,576 bytes compressed) deployed as an ArbOS 60
//! multi-fragment program on the dev node: `lien package`'s fragments, then the root through
//! the StylusDeployer (activation and constructor), then mint, ownerOf and the extensions.

use alloy::{
    network::TransactionBuilder,
    primitives::{Address, Bytes, U256},
    providers::Provider,
    rpc::types::TransactionRequest,
    signers::local::PrivateKeySigner,
    sol,
    sol_types::SolValue,
};
use lien_client::{
    deploy::{constructor_calldata, init_code},
    fragments::{deploy_fragmented, Fragmented, MAX_FRAGMENTS},
    package::{self, MAX_COMPRESSED_BYTES},
};
use lien_e2e::{artifacts, ok};
use stylus_devnode::{DevNode, NodeConfig, DEV_PRIVATE_KEY};

sol! {
    #[sol(rpc)]
    interface IFragmentNft {
        function mint(address to, uint256 token_id) external;
        function ownerOf(uint256 token_id) external view returns (address);
        function balanceOf(address owner) external view returns (uint256);
        function totalSupply() external view returns (uint256);
        function tokenOfOwnerByIndex(address owner, uint256 index) external view returns (uint256);
        function tokenURI(uint256 token_id) external view returns (string);
        function name() external view returns (string);
        function owner() external view returns (address);
        function transferFrom(address from, address to, uint256 token_id) external;
        function burn(uint256 token_id) external;
        error OwnableUnauthorizedAccount(address account);
    }
    #[sol(rpc)]
    interface IArbWasmProgram {
        function programVersion(address program) external view returns (uint16);
        function codehashVersion(bytes32 codehash) external view returns (uint16);
    }
}

const PACKAGE: &str = "lien-mock-fragment-nft";

async fn node(arbos: u64) -> DevNode {
    let mut config = NodeConfig::ephemeral();
    config.arbos_version = arbos;
    DevNode::start(config).await.expect("dev node starts")
}

fn program() -> Fragmented {
    let artifact = artifacts()
        .iter()
        .find(|a| a.package == PACKAGE)
        .expect("the fragment mock is packaged");
    assert!(
        artifact.code.len() > MAX_COMPRESSED_BYTES,
        "{PACKAGE} fits one account ({} B): it no longer tests fragments",
        artifact.code.len()
    );
    let program = Fragmented::split(artifact).expect("split");
    assert!(program.within_limits(), "{program:?}");
    assert!(program.fragments.len() <= MAX_FRAGMENTS);
    println!(
        "{PACKAGE}: {} B module, {} B compressed, {} fragments of {:?} B",
        artifact.wasm.len(),
        artifact.code.len(),
        program.fragments.len(),
        program.fragments.iter().map(Vec::len).collect::<Vec<_>>()
    );
    program
}

fn constructor(owner: Address) -> Bytes {
    constructor_calldata(
        &(
            "Fragments".to_owned(),
            "FRAG".to_owned(),
            "ipfs://frag/".to_owned(),
            owner,
        )
            .abi_encode_params(),
    )
}

#[tokio::test]
async fn a_contract_over_one_account_deploys_as_fragments_and_runs_on_arbos_60() {
    let node = node(60).await;
    let dev: PrivateKeySigner = DEV_PRIVATE_KEY.parse().expect("dev key");
    let provider = alloy::providers::ProviderBuilder::new()
        .wallet(alloy::network::EthereumWallet::from(dev.clone()))
        .connect_http(node.url().parse().expect("url"))
        .erased();
    let program = program();
    // `lien package` accepts it as fragments, and only as fragments.
    let artifact = artifacts().iter().find(|a| a.package == PACKAGE).unwrap();
    let names = package::fragment_packages(&package::workspace_root()).expect("metadata");
    assert!(names.contains(&PACKAGE.to_owned()), "{names:?}");
    assert!(package::check_limits(std::slice::from_ref(artifact), &[]).is_err());
    package::check_limits_fragmented(std::slice::from_ref(artifact), &[], &names)
        .expect("fits as fragments");

    let deployed = deploy_fragmented(
        &provider,
        PACKAGE,
        &program,
        Some(constructor(dev.address())),
    )
    .await
    .expect("fragments, root, activation and constructor");
    let nft = IFragmentNft::new(deployed.root.address, &provider);
    println!(
        "deployed: fragments {:?} ({} gas), root {} ({} gas with activation and constructor)",
        deployed.fragments, deployed.fragments_gas, deployed.root.address, deployed.root.gas_used
    );
    // The root is the activated program; its code is the root, not the wasm.
    let code = provider
        .get_code_at(deployed.root.address)
        .await
        .expect("code");
    assert_eq!(code.as_ref(), program.root(&deployed.fragments).as_slice());
    let arb_wasm = IArbWasmProgram::new(lien_client::deploy::ARB_WASM, &provider);
    assert_eq!(
        arb_wasm
            .programVersion(deployed.root.address)
            .call()
            .await
            .expect("activated"),
        3
    );
    for (fragment, expected) in deployed.fragments.iter().zip(&program.fragments) {
        let code = provider.get_code_at(*fragment).await.expect("code");
        assert_eq!(code.as_ref(), expected.as_slice());
    }

    // Mint and ownerOf, and the extensions the size comes from.
    assert_eq!(nft.owner().call().await.expect("owner"), dev.address());
    assert_eq!(nft.name().call().await.expect("name"), "Fragments");
    let alice = Address::repeat_byte(0xA1);
    let receipt = ok!(nft.mint(alice, U256::from(7)));
    println!("mint through the root: {} gas", receipt.gas_used);
    ok!(nft.mint(alice, U256::from(9)));
    assert_eq!(
        nft.ownerOf(U256::from(7)).call().await.expect("owner"),
        alice
    );
    assert_eq!(
        nft.balanceOf(alice).call().await.expect("balance"),
        U256::from(2)
    );
    assert_eq!(
        nft.totalSupply().call().await.expect("supply"),
        U256::from(2)
    );
    assert_eq!(
        nft.tokenOfOwnerByIndex(alice, U256::from(1))
            .call()
            .await
            .expect("index"),
        U256::from(9)
    );
    assert_eq!(
        nft.tokenURI(U256::from(7)).call().await.expect("uri"),
        "ipfs://frag/7"
    );
    // Owner-only mint: a stranger gets Ownable's typed error.
    let stranger = Address::repeat_byte(0x5e);
    let err = nft
        .mint(stranger, U256::from(1))
        .from(stranger)
        .call()
        .await
        .err()
        .expect("not the owner");
    let decoded = err
        .as_decoded_interface_error::<IFragmentNft::IFragmentNftErrors>()
        .expect("typed error");
    assert!(matches!(
        decoded,
        IFragmentNft::IFragmentNftErrors::OwnableUnauthorizedAccount(e) if e.account == stranger
    ));
}

#[tokio::test]
async fn before_arbos_60_fragments_cannot_be_deployed() {
    let program = program();
    for arbos in [51, 59] {
        let node = node(arbos).await;
        let dev: PrivateKeySigner = DEV_PRIVATE_KEY.parse().expect("dev key");
        let provider = alloy::providers::ProviderBuilder::new()
            .wallet(alloy::network::EthereumWallet::from(dev.clone()))
            .connect_http(node.url().parse().expect("url"))
            .erased();
        // The node refuses the fragment's code (EIP-3541 without the ArbOS 60 exemption).
        let tx = TransactionRequest::default()
            .with_deploy_code(Bytes::from(init_code(&program.fragments[0])))
            .with_gas_limit(5_000_000);
        let receipt = provider
            .send_transaction(tx)
            .await
            .expect("sent")
            .get_receipt()
            .await
            .expect("receipt");
        assert!(!receipt.status(), "ArbOS {arbos} accepted a fragment");
        assert!(
            deploy_fragmented(
                &provider,
                PACKAGE,
                &program,
                Some(constructor(dev.address()))
            )
            .await
            .is_err(),
            "ArbOS {arbos}"
        );
    }
}
