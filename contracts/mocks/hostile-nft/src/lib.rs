//! `HostileNft`: an attacker's ERC-721 (test only). A plain open-mint ERC-721 until someone
//! switches on one of its modes:
//!
//! - **hook**: `arm(target, data)` makes the next `transferFrom` call `target` with `data`
//!   once the token moved. The outcome is recorded (`hookLog`) and swallowed, so a test can
//!   show the re-entrant call reaching the protocol and being refused.
//! - **lie**: `setLie(tokenId, liar)` makes `ownerOf(tokenId)` answer `liar` whoever really
//!   holds it (`address(0)` stops lying); `transferFrom` still checks the real owner.
// The SDK's #[entrypoint] emits an undocumented `user_entrypoint`, hence the allow.
#![allow(missing_docs)]
// With the `reentrant` feature only the deprecated free `call` takes a `Call::new_in(self)`.
#![allow(deprecated)]
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
extern crate alloc;

#[allow(unused_imports)] // the SDK macros expand to code that names `vec!` and `Vec`
use alloc::{vec, vec::Vec};

use alloy_primitives::{Address, U256};
use alloy_sol_types::{sol, SolError};
use stylus_sdk::{
    abi::Bytes,
    call::{Call, Error as CallError},
    prelude::*,
    storage::{StorageAddress, StorageBool, StorageBytes, StorageMap, StorageU256},
};

sol! {
    /// `ownerOf` or `transferFrom` of a token nobody owns.
    error HostileNoToken(uint256 tokenId);
    /// `transferFrom` by someone neither owner, approved nor operator, or from a non-owner.
    error HostileNotAllowed(address caller);
    /// `mint` of an existing token or to address zero.
    error HostileBadMint(uint256 tokenId);
}

/// Owners, approvals and the attack modes.
#[entrypoint]
#[storage]
pub struct HostileNft {
    owners: StorageMap<U256, StorageAddress>,
    balances: StorageMap<Address, StorageU256>,
    approved: StorageMap<U256, StorageAddress>,
    operators: StorageMap<Address, StorageMap<Address, StorageBool>>,
    liars: StorageMap<U256, StorageAddress>,
    hook_target: StorageAddress,
    hook_data: StorageBytes,
    hook_armed: StorageBool,
    hook_calls: StorageU256,
    hook_last_ok: StorageBool,
    hook_last_return: StorageBytes,
}

#[public]
impl HostileNft {
    /// Mints `token_id` to `to`; anyone may call it.
    pub fn mint(&mut self, to: Address, token_id: U256) -> Result<(), Vec<u8>> {
        if to.is_zero() || !self.owners.get(token_id).is_zero() {
            return Err(HostileBadMint { tokenId: token_id }.abi_encode());
        }
        self.owners.setter(token_id).set(to);
        let balance = self.balances.get(to) + U256::from(1u8);
        self.balances.setter(to).set(balance);
        Ok(())
    }

    /// Number of tokens `owner` really holds.
    pub fn balance_of(&self, owner: Address) -> U256 {
        self.balances.get(owner)
    }

    /// The owner of `token_id`, or the configured liar while lying.
    pub fn owner_of(&self, token_id: U256) -> Result<Address, Vec<u8>> {
        let liar = self.liars.get(token_id);
        if !liar.is_zero() {
            return Ok(liar);
        }
        self.real_owner(token_id)
    }

    /// Approves `to` for `token_id` (owner or operator only).
    pub fn approve(&mut self, to: Address, token_id: U256) -> Result<(), Vec<u8>> {
        let owner = self.real_owner(token_id)?;
        let caller = self.vm().msg_sender();
        if caller != owner && !self.operators.getter(owner).get(caller) {
            return Err(HostileNotAllowed { caller }.abi_encode());
        }
        self.approved.setter(token_id).set(to);
        Ok(())
    }

    /// Sets the caller's operator approval for `operator`.
    pub fn set_approval_for_all(&mut self, operator: Address, approved: bool) {
        let owner = self.vm().msg_sender();
        self.operators.setter(owner).setter(operator).set(approved);
    }

    /// The approved address of `token_id`.
    pub fn get_approved(&self, token_id: U256) -> Address {
        self.approved.get(token_id)
    }

    /// Whether `operator` may move all of `owner`'s tokens.
    pub fn is_approved_for_all(&self, owner: Address, operator: Address) -> bool {
        self.operators.getter(owner).get(operator)
    }

    /// Moves `token_id` from `from` to `to` (owner, approved or operator), then fires the hook
    /// if armed.
    pub fn transfer_from(
        &mut self,
        from: Address,
        to: Address,
        token_id: U256,
    ) -> Result<(), Vec<u8>> {
        let owner = self.real_owner(token_id)?;
        let caller = self.vm().msg_sender();
        let allowed = caller == owner
            || self.approved.get(token_id) == caller
            || self.operators.getter(owner).get(caller);
        if owner != from || !allowed || to.is_zero() {
            return Err(HostileNotAllowed { caller }.abi_encode());
        }
        self.approved.setter(token_id).set(Address::ZERO);
        self.owners.setter(token_id).set(to);
        let from_balance = self.balances.get(from) - U256::from(1u8); // from owns token_id
        self.balances.setter(from).set(from_balance);
        let to_balance = self.balances.get(to) + U256::from(1u8);
        self.balances.setter(to).set(to_balance);
        self.fire_hook();
        Ok(())
    }

    /// Makes `ownerOf(token_id)` answer `liar` (zero: tell the truth again).
    pub fn set_lie(&mut self, token_id: U256, liar: Address) {
        self.liars.setter(token_id).set(liar);
    }

    /// Arms the one-shot hook: the next `transferFrom` calls `target` with `data`.
    pub fn arm(&mut self, target: Address, data: Bytes) {
        self.hook_target.set(target);
        self.hook_data.set_bytes(data.0);
        self.hook_armed.set(true);
    }

    /// How often the hook fired, whether its last call succeeded, and the length of what it
    /// returned (static words only: SDK 0.9 mis-encodes a returned tuple with `bytes` in it).
    pub fn hook_log(&self) -> (U256, bool, U256) {
        (
            self.hook_calls.get(),
            self.hook_last_ok.get(),
            U256::from(self.hook_last_return.len()),
        )
    }

    /// What the hook's last call returned (its revert data when it failed).
    pub fn hook_return(&self) -> Bytes {
        Bytes(self.hook_last_return.get_bytes())
    }
}

impl HostileNft {
    fn real_owner(&self, token_id: U256) -> Result<Address, Vec<u8>> {
        let owner = self.owners.get(token_id);
        if owner.is_zero() {
            return Err(HostileNoToken { tokenId: token_id }.abi_encode());
        }
        Ok(owner)
    }

    /// Calls the armed hook once, recording (and swallowing) its outcome.
    fn fire_hook(&mut self) {
        if !self.hook_armed.get() {
            return;
        }
        self.hook_armed.set(false);
        let (target, data) = (self.hook_target.get(), self.hook_data.get_bytes());
        let outcome = stylus_sdk::call::call(Call::new_in(self), target, &data);
        let calls = self.hook_calls.get() + U256::from(1u8);
        self.hook_calls.set(calls);
        let (ok, reply) = match outcome {
            Ok(reply) => (true, reply),
            Err(CallError::Revert(data)) => (false, data),
            Err(CallError::AbiDecodingFailed(_)) => (false, Vec::new()),
        };
        self.hook_last_ok.set(ok);
        self.hook_last_return.set_bytes(reply);
    }
}
