//! motsu unit tests of the vault.
use super::*;
use lien_mock_nft::MockNft;
use motsu::prelude::*;

#[motsu::test]
fn placeholder(vault: Contract<CollateralVault>, owner: Address) {
    vault.sender(owner).constructor(owner).motsu_unwrap();
    assert_eq!(vault.sender(owner).owner(), owner);
    let _ = core::marker::PhantomData::<MockNft>;
}
