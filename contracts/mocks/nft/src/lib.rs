//! `MockNft`: an ERC-721 on openzeppelin-stylus whose `mint` is open to anyone. Test only.
// The SDK's #[entrypoint] emits an undocumented `user_entrypoint`, hence the allow.
#![allow(missing_docs)]
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
extern crate alloc;

#[allow(unused_imports)] // the SDK macros expand to code that names `vec!` and `Vec`
use alloc::{vec, vec::Vec};

use alloy_primitives::aliases::B32;
use alloy_primitives::{Address, U256};
use openzeppelin_stylus::{
    token::erc721::{self, Erc721, IErc721},
    utils::introspection::erc165::IErc165,
};
use stylus_sdk::{abi::Bytes, prelude::*};

/// The mock collection's storage: a plain OpenZeppelin ERC-721.
#[entrypoint]
#[storage]
pub struct MockNft {
    erc721: Erc721,
}

#[public]
#[implements(IErc721<Error = erc721::Error>, IErc165)]
impl MockNft {
    /// Mints `token_id` to `to`; anyone may call it. Fails for an existing id or `to == 0`.
    pub fn mint(&mut self, to: Address, token_id: U256) -> Result<(), erc721::Error> {
        self.erc721._mint(to, token_id)
    }
}

#[public]
impl IErc721 for MockNft {
    type Error = erc721::Error;

    fn balance_of(&self, owner: Address) -> Result<U256, Self::Error> {
        self.erc721.balance_of(owner)
    }

    fn owner_of(&self, token_id: U256) -> Result<Address, Self::Error> {
        self.erc721.owner_of(token_id)
    }

    fn safe_transfer_from(
        &mut self,
        from: Address,
        to: Address,
        token_id: U256,
    ) -> Result<(), Self::Error> {
        self.erc721.safe_transfer_from(from, to, token_id)
    }

    #[selector(name = "safeTransferFrom")]
    fn safe_transfer_from_with_data(
        &mut self,
        from: Address,
        to: Address,
        token_id: U256,
        data: Bytes,
    ) -> Result<(), Self::Error> {
        self.erc721
            .safe_transfer_from_with_data(from, to, token_id, data)
    }

    fn transfer_from(
        &mut self,
        from: Address,
        to: Address,
        token_id: U256,
    ) -> Result<(), Self::Error> {
        self.erc721.transfer_from(from, to, token_id)
    }

    fn approve(&mut self, to: Address, token_id: U256) -> Result<(), Self::Error> {
        self.erc721.approve(to, token_id)
    }

    fn set_approval_for_all(
        &mut self,
        operator: Address,
        approved: bool,
    ) -> Result<(), Self::Error> {
        self.erc721.set_approval_for_all(operator, approved)
    }

    fn get_approved(&self, token_id: U256) -> Result<Address, Self::Error> {
        self.erc721.get_approved(token_id)
    }

    fn is_approved_for_all(&self, owner: Address, operator: Address) -> bool {
        self.erc721.is_approved_for_all(owner, operator)
    }
}

#[public]
impl IErc165 for MockNft {
    fn supports_interface(&self, interface_id: B32) -> bool {
        self.erc721.supports_interface(interface_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use motsu::prelude::*;

    #[motsu::test]
    fn anyone_mints_and_owns(nft: Contract<MockNft>, alice: Address, bob: Address) {
        nft.sender(bob).mint(alice, U256::from(7)).expect("mint");
        assert_eq!(
            nft.sender(bob).owner_of(U256::from(7)).expect("owner"),
            alice
        );
        assert_eq!(
            nft.sender(bob).balance_of(alice).expect("balance"),
            U256::from(1)
        );
        nft.assert_emitted(&erc721::Transfer {
            from: Address::ZERO,
            to: alice,
            token_id: U256::from(7),
        });
    }

    #[motsu::test]
    fn minting_an_existing_id_fails(nft: Contract<MockNft>, alice: Address) {
        nft.sender(alice).mint(alice, U256::from(1)).expect("mint");
        let err = nft
            .sender(alice)
            .mint(alice, U256::from(1))
            .expect_err("second mint");
        assert!(matches!(err, erc721::Error::InvalidSender(_)));
    }

    #[motsu::test]
    fn approved_operator_transfers(
        nft: Contract<MockNft>,
        alice: Address,
        bob: Address,
        vault: Address,
    ) {
        nft.sender(alice).mint(alice, U256::from(1)).expect("mint");
        let err = nft
            .sender(vault)
            .transfer_from(alice, vault, U256::from(1))
            .expect_err("unapproved");
        assert!(matches!(err, erc721::Error::InsufficientApproval(_)));
        nft.sender(alice)
            .set_approval_for_all(vault, true)
            .expect("approve all");
        nft.sender(vault)
            .transfer_from(alice, bob, U256::from(1))
            .expect("transfer");
        assert_eq!(
            nft.sender(vault).owner_of(U256::from(1)).expect("owner"),
            bob
        );
    }

    #[motsu::test]
    fn unknown_token_has_no_owner(nft: Contract<MockNft>, alice: Address) {
        let err = nft
            .sender(alice)
            .owner_of(U256::from(99))
            .expect_err("nonexistent");
        assert!(matches!(err, erc721::Error::NonexistentToken(_)));
    }
}
