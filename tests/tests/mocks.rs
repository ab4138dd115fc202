//! The openzeppelin-stylus mocks, packaged by our pipeline, deployed through the StylusDeployer
//! and used from alloy wallets.

use alloy::{primitives::U256, sol};
use lien_client::deploy::deploy_stylus;
use lien_e2e::{code_of, tokens, Harness};

sol! {
    #[sol(rpc)]
    interface IMockToken {
        function mint(address to, uint256 amount) external;
        function balanceOf(address) external view returns (uint256);
        function transfer(address to, uint256 value) external returns (bool);
        function approve(address spender, uint256 value) external returns (bool);
        function transferFrom(address from, address to, uint256 value) external returns (bool);
        error ERC20InsufficientBalance(address sender, uint256 balance, uint256 needed);
    }
    #[sol(rpc)]
    interface IMockNft {
        function mint(address to, uint256 tokenId) external;
        function ownerOf(uint256 tokenId) external view returns (address);
        function transferFrom(address from, address to, uint256 tokenId) external;
        function approve(address to, uint256 tokenId) external;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn mocks_deploy_and_work_through_json_rpc() {
    let h = Harness::start().await;
    let alice = h.account(10).await;
    let bob = h.account(10).await;
    let deployer = h.provider(&h.funder);

    let token = deploy_stylus(
        &deployer,
        "lien-mock-token",
        code_of("lien-mock-token"),
        None,
    )
    .await
    .expect("token");
    let nft = deploy_stylus(&deployer, "lien-mock-nft", code_of("lien-mock-nft"), None)
        .await
        .expect("nft");
    // The same code again: already active, so no activation fee and no second activation.
    let fee = lien_client::deploy::estimate_activation_fee(&deployer, code_of("lien-mock-token"))
        .await
        .expect("fee");
    assert_eq!(
        fee,
        alloy::primitives::U256::ZERO,
        "active code needs no fee"
    );
    let again = deploy_stylus(
        &deployer,
        "lien-mock-token",
        code_of("lien-mock-token"),
        None,
    )
    .await
    .expect("a second copy of active code deploys");
    assert_ne!(again.address, token.address);
    // CREATE of the same code costs the same; what is left out is the activation (~2.3 M).
    assert!(
        again.gas_used + 1_000_000 < token.gas_used,
        "no second activation: {} vs {}",
        again.gas_used,
        token.gas_used
    );
    println!(
        "gas: deploy+activate token {}, nft {}",
        token.gas_used, nft.gas_used
    );

    let token_a = IMockToken::new(token.address, h.provider(&alice));
    token_a
        .mint(alice.address(), tokens(100))
        .send()
        .await
        .expect("mint")
        .get_receipt()
        .await
        .expect("receipt");
    assert_eq!(
        token_a
            .balanceOf(alice.address())
            .call()
            .await
            .expect("balance"),
        tokens(100)
    );
    let r = token_a
        .transfer(bob.address(), tokens(40))
        .send()
        .await
        .expect("send")
        .get_receipt()
        .await
        .expect("receipt");
    assert!(r.status());
    println!("gas: ERC-20 transfer {}", r.gas_used);
    assert_eq!(
        token_a
            .balanceOf(bob.address())
            .call()
            .await
            .expect("balance"),
        tokens(40)
    );

    // an overdrawn transfer reverts with the token's custom error
    let err = token_a
        .transfer(bob.address(), tokens(1_000))
        .call()
        .await
        .expect_err("overdrawn");
    let decoded = err.as_decoded_interface_error::<IMockToken::IMockTokenErrors>();
    assert!(
        matches!(
            decoded,
            Some(IMockToken::IMockTokenErrors::ERC20InsufficientBalance(_))
        ),
        "{err:?}"
    );

    let nft_a = IMockNft::new(nft.address, h.provider(&alice));
    nft_a
        .mint(alice.address(), U256::from(7))
        .send()
        .await
        .expect("mint")
        .get_receipt()
        .await
        .expect("receipt");
    assert_eq!(
        nft_a.ownerOf(U256::from(7)).call().await.expect("owner"),
        alice.address()
    );
    nft_a
        .approve(bob.address(), U256::from(7))
        .send()
        .await
        .expect("approve")
        .get_receipt()
        .await
        .expect("receipt");
    let nft_b = IMockNft::new(nft.address, h.provider(&bob));
    let r = nft_b
        .transferFrom(alice.address(), bob.address(), U256::from(7))
        .send()
        .await
        .expect("send")
        .get_receipt()
        .await
        .expect("receipt");
    assert!(r.status());
    assert_eq!(
        nft_b.ownerOf(U256::from(7)).call().await.expect("owner"),
        bob.address()
    );
}
