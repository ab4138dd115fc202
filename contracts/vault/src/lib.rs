//! `CollateralVault`: custody of the NFTs that back Lien loans.
//!
//! The vault only holds NFTs and takes instructions from its two operators, wired once by
//! the owner: the `LoanBook` locks collateral when a loan starts and releases it on repay or
//! foreclosure; the `Liquidator` releases it to the winning bidder. It never calls back into
//! any Lien contract. NFTs come in with `transferFrom` (never `safeTransferFrom`, whose
//! receiver callback would re-enter the vault) and the vault re-checks `ownerOf` before and
//! after. `onERC721Received` answers the selector but credits nothing, so a spoofed call or
//! a donation never becomes collateral; the owner may `rescue` any NFT that is not locked.
// The SDK's #[entrypoint] emits an undocumented `user_entrypoint`, hence the allow.
#![allow(missing_docs)]
#![allow(deprecated)]
#![cfg_attr(not(any(test, feature = "export-abi")), no_main, no_std)]
extern crate alloc;

/// Without `std` there is no panic machinery (and no `core::fmt` pulled in by it): a panic,
/// which no input can reach, simply traps.
#[cfg(all(target_arch = "wasm32", not(any(test, feature = "export-abi"))))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

#[allow(unused_imports)] // the SDK macros expand to code that names `vec!` and `Vec`
use alloc::{vec, vec::Vec};

use alloy_primitives::{aliases::B32, Address, U256};
#[allow(deprecated)] // the free host functions avoid the `&dyn Host` vtable (see docs)
use stylus_sdk::{
    abi::Bytes,
    contract, msg,
    prelude::*,
    storage::{StorageAddress, StorageMap, StorageU256},
    types::AddressVM,
};

mod errors;
#[cfg(test)]
mod tests;

use alloy_sol_types::SolEvent;
pub use errors::*;
use lien_contract_common::{log_words, owner, raw_abi::AbiWord};

/// `bytes4(keccak256("onERC721Received(address,address,uint256,bytes)"))`.
pub const ERC721_RECEIVED: B32 = B32::new([0x15, 0x0b, 0x7a, 0x02]);

sol_interface! {
    /// The two ERC-721 functions the vault uses.
    interface IErc721Min {
        function ownerOf(uint256 token_id) external view returns (address);
        function transferFrom(address from, address to, uint256 token_id) external;
    }
}

/// The vault's storage.
#[entrypoint]
#[storage]
pub struct CollateralVault {
    owner: StorageAddress,
    /// The owner-to-be of a two-step transfer (zero: none).
    pending_owner: StorageAddress,
    loan_book: StorageAddress,
    liquidator: StorageAddress,
    /// `collection → token id → loan id` (0 = not locked).
    locked: StorageMap<Address, StorageMap<U256, StorageU256>>,
}

#[public]
impl CollateralVault {
    /// Sets the owner (the Governance contract after deployment).
    #[constructor]
    pub fn constructor(&mut self, owner: Address) -> Result<(), Error> {
        Ok(owner::set_owner(&mut self.owner, owner, false)?)
    }

    /// Wires the two operators once (owner only); both must be contracts.
    pub fn set_operators(&mut self, loan_book: Address, liquidator: Address) -> Result<(), Error> {
        owner::only_owner(&self.owner, msg::sender())?;
        if !self.loan_book.get().is_zero() {
            return Err(Error::AlreadySet(VaultAlreadySet {}));
        }
        self.require_code(loan_book)?;
        self.require_code(liquidator)?;
        self.loan_book.set(loan_book);
        self.liquidator.set(liquidator);
        log_words(
            OperatorsSet::SIGNATURE_HASH,
            &[],
            &[loan_book.word(), liquidator.word()],
        );
        Ok(())
    }

    /// Pulls `token_id` of `collection` from `from` and records it as collateral of
    /// `loan_id` (LoanBook only). The owner of the NFT must have approved the vault.
    pub fn lock(
        &mut self,
        collection: Address,
        token_id: U256,
        from: Address,
        loan_id: U256,
    ) -> Result<(), Error> {
        let caller = msg::sender();
        if caller != self.loan_book.get() || caller.is_zero() {
            return Err(Error::Unauthorized(VaultUnauthorized { caller }));
        }
        if loan_id.is_zero() {
            return Err(Error::ZeroLoanId(VaultZeroLoanId {}));
        }
        if from.is_zero() {
            return Err(Error::ZeroAddress(VaultZeroAddress {}));
        }
        self.require_code(collection)?;
        let current = self.locked.getter(collection).get(token_id);
        if !current.is_zero() {
            return Err(Error::AlreadyLocked(VaultAlreadyLocked { loanId: current }));
        }
        let nft = IErc721Min::new(collection);
        let me = contract::address();
        if nft.owner_of(&*self, token_id).map_err(|_| call_failed())? != from {
            return Err(Error::NotOwner(VaultNotOwner {}));
        }
        self.locked.setter(collection).setter(token_id).set(loan_id);
        log_words(
            Locked::SIGNATURE_HASH,
            &[collection.word(), token_id, loan_id],
            &[from.word()],
        );
        nft.transfer_from(&mut *self, from, me, token_id)
            .map_err(|_| call_failed())?;
        if nft.owner_of(&*self, token_id).map_err(|_| call_failed())? != me {
            return Err(Error::NotReceived(VaultNotReceived {}));
        }
        Ok(())
    }

    /// Sends a locked NFT to `to` and clears the lock (LoanBook or Liquidator only).
    pub fn release(
        &mut self,
        collection: Address,
        token_id: U256,
        to: Address,
    ) -> Result<(), Error> {
        let caller = msg::sender();
        if caller.is_zero() || (caller != self.loan_book.get() && caller != self.liquidator.get()) {
            return Err(Error::Unauthorized(VaultUnauthorized { caller }));
        }
        if to.is_zero() {
            return Err(Error::ZeroAddress(VaultZeroAddress {}));
        }
        let loan_id = self.locked.getter(collection).get(token_id);
        if loan_id.is_zero() {
            return Err(Error::NotLocked(VaultNotLocked {}));
        }
        self.locked
            .setter(collection)
            .setter(token_id)
            .set(U256::ZERO);
        log_words(
            Released::SIGNATURE_HASH,
            &[collection.word(), token_id, loan_id],
            &[to.word()],
        );
        self.send(collection, token_id, to)
    }

    /// Sends an NFT that is *not* locked (a donation or a mistaken transfer) to `to` (owner only).
    pub fn rescue(
        &mut self,
        collection: Address,
        token_id: U256,
        to: Address,
    ) -> Result<(), Error> {
        owner::only_owner(&self.owner, msg::sender())?;
        if to.is_zero() {
            return Err(Error::ZeroAddress(VaultZeroAddress {}));
        }
        let loan_id = self.locked.getter(collection).get(token_id);
        if !loan_id.is_zero() {
            return Err(Error::IsLocked(VaultIsLocked { loanId: loan_id }));
        }
        self.require_code(collection)?;
        log_words(
            Rescued::SIGNATURE_HASH,
            &[collection.word(), token_id],
            &[to.word()],
        );
        self.send(collection, token_id, to)
    }

    /// The loan an NFT is locked for, or 0 when it is not locked.
    pub fn locked_for(&self, collection: Address, token_id: U256) -> U256 {
        self.locked.getter(collection).get(token_id)
    }

    /// The LoanBook operator (zero until wired).
    pub fn loan_book(&self) -> Address {
        self.loan_book.get()
    }

    /// The Liquidator operator (zero until wired).
    pub fn liquidator(&self) -> Address {
        self.liquidator.get()
    }

    /// The owner (the Governance contract after deployment).
    pub fn owner(&self) -> Address {
        self.owner.get()
    }

    /// The owner-to-be of a transfer in progress (zero: none).
    pub fn pending_owner(&self) -> Address {
        self.pending_owner.get()
    }

    /// Starts handing ownership to `new_owner` (owner only; zero cancels): the owner keeps
    /// control until `new_owner` calls `acceptOwnership`.
    pub fn transfer_ownership(&mut self, new_owner: Address) -> Result<(), Error> {
        Ok(owner::start_transfer(
            &self.owner,
            &mut self.pending_owner,
            msg::sender(),
            new_owner,
        )?)
    }

    /// Completes a transfer (the pending owner only).
    pub fn accept_ownership(&mut self) -> Result<(), Error> {
        Ok(owner::accept(
            &mut self.owner,
            &mut self.pending_owner,
            msg::sender(),
        )?)
    }

    /// Leaves the vault without owner for good (owner only; clears a pending transfer): no
    /// more rescues.
    pub fn renounce_ownership(&mut self) -> Result<(), Error> {
        Ok(owner::renounce(
            &mut self.owner,
            &mut self.pending_owner,
            msg::sender(),
        )?)
    }

    /// Accepts `safeTransferFrom` deliveries so they do not revert, but records nothing:
    /// only `lock` creates collateral. Such NFTs can be taken out with `rescue`.
    #[selector(name = "onERC721Received")]
    pub fn on_erc721_received(
        &mut self,
        operator: Address,
        from: Address,
        token_id: U256,
        data: Bytes,
    ) -> B32 {
        let _ = (operator, from, token_id, data);
        ERC721_RECEIVED
    }
}

impl CollateralVault {
    /// Fails with `VaultNoCode` unless `account` is a deployed contract.
    fn require_code(&self, account: Address) -> Result<(), Error> {
        if account.is_zero() {
            return Err(Error::ZeroAddress(VaultZeroAddress {}));
        }
        if !account.has_code() {
            return Err(Error::NoCode(VaultNoCode { account }));
        }
        Ok(())
    }

    /// `transferFrom(vault, to, token_id)` on `collection`, then checks `ownerOf == to`.
    fn send(&mut self, collection: Address, token_id: U256, to: Address) -> Result<(), Error> {
        let nft = IErc721Min::new(collection);
        let me = contract::address();
        nft.transfer_from(&mut *self, me, to, token_id)
            .map_err(|_| call_failed())?;
        if nft.owner_of(&*self, token_id).map_err(|_| call_failed())? != to {
            return Err(Error::NotReceived(VaultNotReceived {}));
        }
        Ok(())
    }
}

fn call_failed() -> Error {
    Error::CallFailed(VaultCallFailed {})
}
