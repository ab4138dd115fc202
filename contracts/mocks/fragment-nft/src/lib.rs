//! `MockFragmentNft`: an openzeppelin-stylus ERC-721 with the enumerable, metadata,
//! URI-storage, burnable, ownable and pausable extensions. Test only: its compressed code is
//! over one account's 24,576 bytes, so it is deployed as an ArbOS 60 multi-fragment program
//! (tests/tests/fragments.rs).
// The SDK's #[entrypoint] emits an undocumented `user_entrypoint`, hence the allow.
#![allow(missing_docs)]
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
extern crate alloc;

#[allow(unused_imports)] // the SDK macros expand to code that names `vec!` and `Vec`
use alloc::{string::String, vec, vec::Vec};

use alloy_primitives::aliases::B32;
use alloy_primitives::{Address, U256};
use openzeppelin_stylus::{
    access::ownable::{IOwnable, Ownable},
    token::erc721::{
        extensions::{
            Erc721Enumerable, Erc721Metadata, Erc721UriStorage, IErc721Burnable, IErc721Enumerable,
        },
        Erc721, IErc721,
    },
    utils::{introspection::erc165::IErc165, pausable::IPausable, Pausable},
};
use stylus_sdk::{abi::Bytes, prelude::*};

/// The collection's storage: OpenZeppelin's ERC-721 and its extensions side by side.
#[entrypoint]
#[storage]
pub struct MockFragmentNft {
    erc721: Erc721,
    enumerable: Erc721Enumerable,
    metadata: Erc721Metadata,
    uri_storage: Erc721UriStorage,
    ownable: Ownable,
    pausable: Pausable,
}

/// ERC-165 id of `IERC721Metadata` (name, symbol, tokenURI).
const ERC721_METADATA_INTERFACE: B32 = B32::new([0x5b, 0x5e, 0x13, 0x9f]);

/// Every failure carries the extension's own Solidity error (ERC-6093 and OpenZeppelin's).
type Revert = Vec<u8>;

impl MockFragmentNft {
    /// Moves `token_id` and keeps both owners' enumerations in step.
    fn moved(&mut self, previous: Address, to: Address, token_id: U256) -> Result<(), Revert> {
        self.enumerable
            ._remove_token_from_owner_enumeration(previous, token_id, &self.erc721)?;
        self.enumerable
            ._add_token_to_owner_enumeration(to, token_id, &self.erc721)?;
        Ok(())
    }
}

#[public]
impl MockFragmentNft {
    /// Names the collection, its base URI and its owner (the deployer calls this once).
    #[constructor]
    pub fn constructor(
        &mut self,
        name: String,
        symbol: String,
        base_uri: String,
        owner: Address,
    ) -> Result<(), Revert> {
        self.metadata.constructor(name, symbol);
        self.metadata.base_uri.set_str(base_uri);
        self.ownable.constructor(owner)?;
        Ok(())
    }

    /// Mints `token_id` to `to` (owner only, not while paused).
    pub fn mint(&mut self, to: Address, token_id: U256) -> Result<(), Revert> {
        self.ownable.only_owner()?;
        self.pausable.when_not_paused()?;
        self.erc721._mint(to, token_id)?;
        self.enumerable
            ._add_token_to_all_tokens_enumeration(token_id);
        self.enumerable
            ._add_token_to_owner_enumeration(to, token_id, &self.erc721)?;
        Ok(())
    }

    /// Burns `token_id` (its owner or an approved account; not while paused).
    pub fn burn(&mut self, token_id: U256) -> Result<(), Revert> {
        self.pausable.when_not_paused()?;
        let owner = self.erc721.owner_of(token_id)?;
        self.erc721.burn(token_id)?;
        self.enumerable
            ._remove_token_from_owner_enumeration(owner, token_id, &self.erc721)?;
        self.enumerable
            ._remove_token_from_all_tokens_enumeration(token_id);
        Ok(())
    }

    /// Sets the URI of an existing token (owner only).
    #[selector(name = "setTokenURI")]
    pub fn set_token_uri(&mut self, token_id: U256, uri: String) -> Result<(), Revert> {
        self.ownable.only_owner()?;
        self.erc721.owner_of(token_id)?;
        self.uri_storage._set_token_uri(token_id, uri);
        Ok(())
    }

    /// Stops mints, transfers and burns (owner only).
    pub fn pause(&mut self) -> Result<(), Revert> {
        self.ownable.only_owner()?;
        Ok(self.pausable.pause()?)
    }

    /// Resumes them (owner only).
    pub fn unpause(&mut self) -> Result<(), Revert> {
        self.ownable.only_owner()?;
        Ok(self.pausable.unpause()?)
    }

    /// Whether the collection is paused.
    pub fn paused(&self) -> bool {
        self.pausable.paused()
    }

    /// The owner of the collection.
    pub fn owner(&self) -> Address {
        self.ownable.owner()
    }

    /// Hands the collection to `new_owner` (owner only).
    pub fn transfer_ownership(&mut self, new_owner: Address) -> Result<(), Revert> {
        IOwnable::transfer_ownership(&mut self.ownable, new_owner)
    }

    /// Leaves the collection without owner (owner only).
    pub fn renounce_ownership(&mut self) -> Result<(), Revert> {
        IOwnable::renounce_ownership(&mut self.ownable)
    }

    /// The collection's name.
    pub fn name(&self) -> String {
        self.metadata.name()
    }

    /// The collection's symbol.
    pub fn symbol(&self) -> String {
        self.metadata.symbol()
    }

    /// The token's URI: its own, after the base URI, or the base URI and its id.
    #[selector(name = "tokenURI")]
    pub fn token_uri(&self, token_id: U256) -> Result<String, Revert> {
        Ok(self
            .uri_storage
            .token_uri(token_id, &self.erc721, &self.metadata)?)
    }

    /// Tokens in existence.
    pub fn total_supply(&self) -> U256 {
        self.enumerable.total_supply()
    }

    /// The `index`-th token of the collection.
    pub fn token_by_index(&self, index: U256) -> Result<U256, Revert> {
        Ok(self.enumerable.token_by_index(index)?)
    }

    /// The `index`-th token of `owner`.
    pub fn token_of_owner_by_index(&self, owner: Address, index: U256) -> Result<U256, Revert> {
        Ok(self.enumerable.token_of_owner_by_index(owner, index)?)
    }

    /// Tokens of `owner`.
    pub fn balance_of(&self, owner: Address) -> Result<U256, Revert> {
        Ok(self.erc721.balance_of(owner)?)
    }

    /// Owner of `token_id`.
    pub fn owner_of(&self, token_id: U256) -> Result<Address, Revert> {
        Ok(self.erc721.owner_of(token_id)?)
    }

    /// Transfers `token_id`, checking a contract recipient accepts it.
    pub fn safe_transfer_from(
        &mut self,
        from: Address,
        to: Address,
        token_id: U256,
    ) -> Result<(), Revert> {
        self.pausable.when_not_paused()?;
        let previous = self.erc721.owner_of(token_id)?;
        self.erc721.safe_transfer_from(from, to, token_id)?;
        self.moved(previous, to, token_id)
    }

    /// As `safeTransferFrom`, passing `data` to the recipient.
    #[selector(name = "safeTransferFrom")]
    pub fn safe_transfer_from_with_data(
        &mut self,
        from: Address,
        to: Address,
        token_id: U256,
        data: Bytes,
    ) -> Result<(), Revert> {
        self.pausable.when_not_paused()?;
        let previous = self.erc721.owner_of(token_id)?;
        self.erc721
            .safe_transfer_from_with_data(from, to, token_id, data)?;
        self.moved(previous, to, token_id)
    }

    /// Transfers `token_id` from `from` to `to`.
    pub fn transfer_from(
        &mut self,
        from: Address,
        to: Address,
        token_id: U256,
    ) -> Result<(), Revert> {
        self.pausable.when_not_paused()?;
        let previous = self.erc721.owner_of(token_id)?;
        self.erc721.transfer_from(from, to, token_id)?;
        self.moved(previous, to, token_id)
    }

    /// Approves `to` for `token_id`.
    pub fn approve(&mut self, to: Address, token_id: U256) -> Result<(), Revert> {
        Ok(self.erc721.approve(to, token_id)?)
    }

    /// Approves or revokes `operator` for all of the caller's tokens.
    pub fn set_approval_for_all(
        &mut self,
        operator: Address,
        approved: bool,
    ) -> Result<(), Revert> {
        Ok(self.erc721.set_approval_for_all(operator, approved)?)
    }

    /// The account approved for `token_id`.
    pub fn get_approved(&self, token_id: U256) -> Result<Address, Revert> {
        Ok(self.erc721.get_approved(token_id)?)
    }

    /// Whether `operator` may move all of `owner`'s tokens.
    pub fn is_approved_for_all(&self, owner: Address, operator: Address) -> bool {
        self.erc721.is_approved_for_all(owner, operator)
    }

    /// ERC-165 for ERC-721, its metadata and enumerable extensions, Ownable and ERC-165.
    pub fn supports_interface(&self, interface_id: B32) -> bool {
        self.erc721.supports_interface(interface_id)
            || interface_id == ERC721_METADATA_INTERFACE
            || self.enumerable.supports_interface(interface_id)
            || self.ownable.supports_interface(interface_id)
    }
}
