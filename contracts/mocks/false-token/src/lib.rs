//! `FalseToken`: an ERC-20 whose `transfer` and `transferFrom` return `false` instead of
//! reverting when the balance or allowance is short, or always while `failing` is set. Open
//! mint. Test only: callers must check the returned bool.
// The SDK's #[entrypoint] emits an undocumented `user_entrypoint`, hence the allow.
#![allow(missing_docs)]
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
extern crate alloc;

#[allow(unused_imports)] // the SDK macros expand to code that names `vec!` and `Vec`
use alloc::{vec, vec::Vec};

use alloy_primitives::{Address, U256};
use stylus_sdk::{
    prelude::*,
    storage::{StorageBool, StorageMap, StorageU256},
};

/// Balances, allowances and the failure switch.
#[entrypoint]
#[storage]
pub struct FalseToken {
    balances: StorageMap<Address, StorageU256>,
    allowances: StorageMap<Address, StorageMap<Address, StorageU256>>,
    failing: StorageBool,
}

#[public]
impl FalseToken {
    /// Mints `amount` to `to`; anyone may call it.
    pub fn mint(&mut self, to: Address, amount: U256) -> Result<(), Vec<u8>> {
        let balance = self
            .balances
            .get(to)
            .checked_add(amount)
            .ok_or_else(Vec::new)?;
        self.balances.setter(to).set(balance);
        Ok(())
    }

    /// While `failing` is set, every transfer returns `false` and moves nothing.
    pub fn set_failing(&mut self, failing: bool) {
        self.failing.set(failing);
    }

    /// Balance of `account`.
    pub fn balance_of(&self, account: Address) -> U256 {
        self.balances.get(account)
    }

    /// Allowance of `spender` over `owner`'s tokens.
    pub fn allowance(&self, owner: Address, spender: Address) -> U256 {
        self.allowances.getter(owner).get(spender)
    }

    /// Sets the allowance of `spender`.
    pub fn approve(&mut self, spender: Address, value: U256) -> bool {
        let owner = self.vm().msg_sender();
        self.allowances.setter(owner).setter(spender).set(value);
        true
    }

    /// Moves `value` from the caller to `to`, or returns `false`.
    pub fn transfer(&mut self, to: Address, value: U256) -> bool {
        let from = self.vm().msg_sender();
        self.move_tokens(from, to, value)
    }

    /// Moves `value` from `from` to `to` on the caller's allowance, or returns `false`.
    pub fn transfer_from(&mut self, from: Address, to: Address, value: U256) -> bool {
        let spender = self.vm().msg_sender();
        let Some(left) = self.allowances.getter(from).get(spender).checked_sub(value) else {
            return false;
        };
        if !self.move_tokens(from, to, value) {
            return false;
        }
        self.allowances.setter(from).setter(spender).set(left);
        true
    }
}

impl FalseToken {
    fn move_tokens(&mut self, from: Address, to: Address, value: U256) -> bool {
        if self.failing.get() {
            return false;
        }
        let Some(from_balance) = self.balances.get(from).checked_sub(value) else {
            return false;
        };
        let Some(to_balance) = self.balances.get(to).checked_add(value) else {
            return false;
        };
        self.balances.setter(from).set(from_balance);
        self.balances.setter(to).set(to_balance);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use motsu::prelude::*;

    #[motsu::test]
    fn short_balance_returns_false(token: Contract<FalseToken>, alice: Address, bob: Address) {
        assert!(!token.sender(alice).transfer(bob, U256::from(1)));
        token
            .sender(alice)
            .mint(alice, U256::from(10))
            .motsu_unwrap();
        assert!(token.sender(alice).transfer(bob, U256::from(10)));
        assert_eq!(token.sender(alice).balance_of(bob), U256::from(10));
    }

    #[motsu::test]
    fn failing_switch_and_allowance(token: Contract<FalseToken>, alice: Address, bob: Address) {
        token
            .sender(alice)
            .mint(alice, U256::from(10))
            .motsu_unwrap();
        assert!(!token.sender(bob).transfer_from(alice, bob, U256::from(1)));
        token.sender(alice).approve(bob, U256::from(10));
        token.sender(alice).set_failing(true);
        assert!(!token.sender(bob).transfer_from(alice, bob, U256::from(1)));
        assert_eq!(token.sender(alice).allowance(alice, bob), U256::from(10));
        token.sender(alice).set_failing(false);
        assert!(token.sender(bob).transfer_from(alice, bob, U256::from(4)));
        assert_eq!(token.sender(alice).balance_of(bob), U256::from(4));
    }
}
