//! `HostileToken`: an attacker's ERC-20 (test only). It behaves like a plain open-mint ERC-20
//! until someone switches on one of its modes, which can happen after the protocol listed it:
//!
//! - **hook**: `arm(target, data)` makes the next `transfer` or `transferFrom` call `target`
//!   with `data` once the balances moved (an ERC-777-style receive hook). The call's outcome
//!   is recorded (`hookLog`) and swallowed, so a test can show that the re-entrant call
//!   reached the protocol and was refused while the outer transfer still went through.
//! - **fee**: `setFee(bps)` burns that share of every later transfer.
//! - **blocklist**: `setBlocked(account, true)` makes every transfer from or to `account`
//!   revert with `HostileBlocked(account)`.
//!
//! It is also a contract account: `exec(target, data)` forwards a call from this address (so
//! it can lend, borrow and bid, and its hook re-enters as that same lender, borrower or
//! bidder), and `setRefuseNfts(true)` makes `onERC721Received` revert (a receiver that
//! refuses deliveries).
// The SDK's #[entrypoint] emits an undocumented `user_entrypoint`, hence the allow.
#![allow(missing_docs)]
// With the `reentrant` feature only the deprecated free `call` takes a `Call::new_in(self)`.
#![allow(deprecated)]
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
extern crate alloc;

#[allow(unused_imports)] // the SDK macros expand to code that names `vec!` and `Vec`
use alloc::{vec, vec::Vec};

use alloy_primitives::{aliases::B32, Address, U256};
use alloy_sol_types::{sol, SolError};
use stylus_sdk::{
    abi::Bytes,
    call::{Call, Error as CallError},
    prelude::*,
    storage::{StorageAddress, StorageBool, StorageBytes, StorageMap, StorageU256},
};

sol! {
    /// A transfer from or to a blocklisted account.
    error HostileBlocked(address account);
    /// A balance or allowance too small for the transfer.
    error HostileInsufficient();
    /// `setFee` above 10,000 bps.
    error HostileBadFee();
    /// `onERC721Received` while refusing NFTs.
    error HostileRefused();
}

/// `bytes4(keccak256("onERC721Received(address,address,uint256,bytes)"))`.
const ERC721_RECEIVED: B32 = B32::new([0x15, 0x0b, 0x7a, 0x02]);

/// Balances, allowances and the attack modes.
#[entrypoint]
#[storage]
pub struct HostileToken {
    balances: StorageMap<Address, StorageU256>,
    allowances: StorageMap<Address, StorageMap<Address, StorageU256>>,
    supply: StorageU256,
    fee_bps: StorageU256,
    blocked: StorageMap<Address, StorageBool>,
    hook_target: StorageAddress,
    hook_data: StorageBytes,
    hook_armed: StorageBool,
    hook_calls: StorageU256,
    hook_last_ok: StorageBool,
    hook_last_return: StorageBytes,
    refuse_nfts: StorageBool,
}

#[public]
impl HostileToken {
    /// Mints `amount` to `to`; anyone may call it.
    pub fn mint(&mut self, to: Address, amount: U256) -> Result<(), Vec<u8>> {
        let balance = self
            .balances
            .get(to)
            .checked_add(amount)
            .ok_or_else(short)?;
        let supply = self.supply.get().checked_add(amount).ok_or_else(short)?;
        self.balances.setter(to).set(balance);
        self.supply.set(supply);
        Ok(())
    }

    /// Always 18.
    pub fn decimals(&self) -> u8 {
        18
    }

    /// Total minted minus burnt fees.
    pub fn total_supply(&self) -> U256 {
        self.supply.get()
    }

    /// Balance of `account`.
    pub fn balance_of(&self, account: Address) -> U256 {
        self.balances.get(account)
    }

    /// Allowance of `spender` over `owner`'s tokens.
    pub fn allowance(&self, owner: Address, spender: Address) -> U256 {
        self.allowances.getter(owner).get(spender)
    }

    /// Sets the caller's allowance for `spender`.
    pub fn approve(&mut self, spender: Address, value: U256) -> bool {
        let owner = self.vm().msg_sender();
        self.allowances.setter(owner).setter(spender).set(value);
        true
    }

    /// Moves `value` (less the fee) from the caller to `to`, then fires the hook if armed.
    pub fn transfer(&mut self, to: Address, value: U256) -> Result<bool, Vec<u8>> {
        let from = self.vm().msg_sender();
        self.move_tokens(from, to, value)?;
        self.fire_hook();
        Ok(true)
    }

    /// Moves `value` (less the fee) from `from` to `to` on the caller's allowance, then fires
    /// the hook if armed.
    pub fn transfer_from(
        &mut self,
        from: Address,
        to: Address,
        value: U256,
    ) -> Result<bool, Vec<u8>> {
        let spender = self.vm().msg_sender();
        let left = self
            .allowances
            .getter(from)
            .get(spender)
            .checked_sub(value)
            .ok_or_else(short)?;
        self.allowances.setter(from).setter(spender).set(left);
        self.move_tokens(from, to, value)?;
        self.fire_hook();
        Ok(true)
    }

    /// Arms the one-shot hook: the next transfer calls `target` with `data`.
    pub fn arm(&mut self, target: Address, data: Bytes) {
        self.hook_target.set(target);
        self.hook_data.set_bytes(data.0);
        self.hook_armed.set(true);
    }

    /// Disarms the hook without firing it.
    pub fn disarm(&mut self) {
        self.hook_armed.set(false);
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

    /// Burns `bps` of every later transfer (0 switches it off).
    pub fn set_fee(&mut self, bps: U256) -> Result<(), Vec<u8>> {
        if bps > U256::from(10_000u64) {
            return Err(HostileBadFee {}.abi_encode());
        }
        self.fee_bps.set(bps);
        Ok(())
    }

    /// Blocks (or unblocks) every transfer from or to `account`.
    pub fn set_blocked(&mut self, account: Address, blocked: bool) {
        self.blocked.setter(account).set(blocked);
    }

    /// Makes `onERC721Received` revert (or accept again).
    pub fn set_refuse_nfts(&mut self, refuse: bool) {
        self.refuse_nfts.set(refuse);
    }

    /// Calls `target` with `data` from this contract; returns its reply or reverts with its
    /// revert data. Open to anyone: this is an attacker's contract in a test.
    pub fn exec(&mut self, target: Address, data: Bytes) -> Result<Bytes, Vec<u8>> {
        stylus_sdk::call::call(Call::new_in(self), target, &data)
            .map(Bytes)
            .map_err(revert_data)
    }

    /// Accepts a safe NFT delivery, or reverts with `HostileRefused` while refusing.
    #[selector(name = "onERC721Received")]
    pub fn on_erc721_received(
        &mut self,
        _operator: Address,
        _from: Address,
        _token_id: U256,
        _data: Bytes,
    ) -> Result<B32, Vec<u8>> {
        if self.refuse_nfts.get() {
            return Err(HostileRefused {}.abi_encode());
        }
        Ok(ERC721_RECEIVED)
    }
}

impl HostileToken {
    fn move_tokens(&mut self, from: Address, to: Address, value: U256) -> Result<(), Vec<u8>> {
        for account in [from, to] {
            if self.blocked.get(account) {
                return Err(HostileBlocked { account }.abi_encode());
            }
        }
        let fee = value.checked_mul(self.fee_bps.get()).ok_or_else(short)? / U256::from(10_000u64);
        let from_balance = self
            .balances
            .get(from)
            .checked_sub(value)
            .ok_or_else(short)?;
        self.balances.setter(from).set(from_balance);
        let received = value - fee; // fee ≤ value (fee_bps ≤ 10,000)
        let to_balance = self
            .balances
            .get(to)
            .checked_add(received)
            .ok_or_else(short)?;
        self.balances.setter(to).set(to_balance);
        self.supply.set(self.supply.get() - fee); // the fee left the supply it was part of
        Ok(())
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
            Err(e) => (false, revert_data(e)),
        };
        self.hook_last_ok.set(ok);
        self.hook_last_return.set_bytes(reply);
    }
}

fn short() -> Vec<u8> {
    HostileInsufficient {}.abi_encode()
}

fn revert_data(e: CallError) -> Vec<u8> {
    match e {
        CallError::Revert(data) => data,
        CallError::AbiDecodingFailed(_) => Vec::new(),
    }
}
