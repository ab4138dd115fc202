//! The vault's custom errors and events.
#![allow(missing_docs)] // sol! items are documented here, in one place, and in docs/contracts/vault.md

use alloy_sol_types::sol;
use lien_contract_common::owner::{OwnableInvalidOwner, OwnableUnauthorizedAccount};
use stylus_sdk::prelude::*;

sol! {
    /// The caller is not the operator this function requires.
    #[derive(Debug)]
    error VaultUnauthorized(address caller);
    /// The operators were already wired.
    #[derive(Debug)]
    error VaultAlreadySet();
    /// A zero address was given where an account is required.
    #[derive(Debug)]
    error VaultZeroAddress();
    /// The address has no deployed code (not a collection, not an operator contract).
    #[derive(Debug)]
    error VaultNoCode(address account);
    /// A lock was requested for loan id 0.
    #[derive(Debug)]
    error VaultZeroLoanId();
    /// The NFT is already locked for `loanId`.
    #[derive(Debug)]
    error VaultAlreadyLocked(uint256 loanId);
    /// The NFT is not locked.
    #[derive(Debug)]
    error VaultNotLocked();
    /// The NFT is locked for `loanId` and cannot be rescued.
    #[derive(Debug)]
    error VaultIsLocked(uint256 loanId);
    /// `from` does not own the NFT to lock.
    #[derive(Debug)]
    error VaultNotOwner();
    /// After the transfer, `ownerOf` is not the expected receiver.
    #[derive(Debug)]
    error VaultNotReceived();
    /// A call to the collection reverted or returned malformed data.
    #[derive(Debug)]
    error VaultCallFailed();

    /// The operators were wired.
    #[derive(Debug)]

    event OperatorsSet(address loanBook, address liquidator);
    /// An NFT was locked as collateral of `loanId`.
    #[derive(Debug)]
    event Locked(address indexed collection, uint256 indexed tokenId, uint256 indexed loanId, address from);
    /// A locked NFT was released to `to`.
    #[derive(Debug)]
    event Released(address indexed collection, uint256 indexed tokenId, uint256 indexed loanId, address to);
    /// An unlocked NFT was rescued by the owner.
    #[derive(Debug)]
    event Rescued(address indexed collection, uint256 indexed tokenId, address to);
}

/// Every way a vault call can fail.
#[derive(SolidityError, Debug)]
pub enum Error {
    /// Ownable: the caller is not the owner.
    UnauthorizedAccount(OwnableUnauthorizedAccount),
    /// Ownable: the new owner is the zero address.
    InvalidOwner(OwnableInvalidOwner),
    /// See [`VaultUnauthorized`].
    Unauthorized(VaultUnauthorized),
    /// See [`VaultAlreadySet`].
    AlreadySet(VaultAlreadySet),
    /// See [`VaultZeroAddress`].
    ZeroAddress(VaultZeroAddress),
    /// See [`VaultNoCode`].
    NoCode(VaultNoCode),
    /// See [`VaultZeroLoanId`].
    ZeroLoanId(VaultZeroLoanId),
    /// See [`VaultAlreadyLocked`].
    AlreadyLocked(VaultAlreadyLocked),
    /// See [`VaultNotLocked`].
    NotLocked(VaultNotLocked),
    /// See [`VaultIsLocked`].
    IsLocked(VaultIsLocked),
    /// See [`VaultNotOwner`].
    NotOwner(VaultNotOwner),
    /// See [`VaultNotReceived`].
    NotReceived(VaultNotReceived),
    /// See [`VaultCallFailed`].
    CallFailed(VaultCallFailed),
}

impl From<lien_contract_common::owner::OwnerError> for Error {
    fn from(e: lien_contract_common::owner::OwnerError) -> Self {
        match e {
            lien_contract_common::owner::OwnerError::Unauthorized(x) => {
                Error::UnauthorizedAccount(x)
            }
            lien_contract_common::owner::OwnerError::Invalid(x) => Error::InvalidOwner(x),
        }
    }
}
