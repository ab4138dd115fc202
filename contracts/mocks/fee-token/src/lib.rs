//! `FeeToken`: an ERC-20 that burns 1% of every transfer, so the receiver gets less than the
//! amount named (a "fee-on-transfer" token). Open mint. Test only: contracts that pull tokens
//! must notice the shortfall through a balance-delta check.
// The SDK's #[entrypoint] emits an undocumented `user_entrypoint`, hence the allow.
#![allow(missing_docs)]
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
extern crate alloc;

#[allow(unused_imports)] // the SDK macros expand to code that names `vec!` and `Vec`
use alloc::{vec, vec::Vec};

use alloy_primitives::{Address, U256};
use stylus_sdk::{
    prelude::*,
    storage::{StorageMap, StorageU256},
};

/// The fee, in basis points of each transfer.
pub const FEE_BPS: u64 = 100;

/// Balances and allowances.
#[entrypoint]
#[storage]
pub struct FeeToken {
    balances: StorageMap<Address, StorageU256>,
    allowances: StorageMap<Address, StorageMap<Address, StorageU256>>,
}

#[public]
impl FeeToken {
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

    /// Moves `value` minus the fee from the caller to `to`; reverts when the balance is short.
    pub fn transfer(&mut self, to: Address, value: U256) -> Result<bool, Vec<u8>> {
        let from = self.vm().msg_sender();
        self.move_tokens(from, to, value)?;
        Ok(true)
    }

    /// Moves `value` minus the fee from `from` to `to` on the caller's allowance.
    pub fn transfer_from(
        &mut self,
        from: Address,
        to: Address,
        value: U256,
    ) -> Result<bool, Vec<u8>> {
        let spender = self.vm().msg_sender();
        let allowed = self.allowances.getter(from).get(spender);
        let left = allowed.checked_sub(value).ok_or_else(Vec::new)?;
        self.allowances.setter(from).setter(spender).set(left);
        self.move_tokens(from, to, value)?;
        Ok(true)
    }
}

impl FeeToken {
    fn move_tokens(&mut self, from: Address, to: Address, value: U256) -> Result<(), Vec<u8>> {
        let fee = value
            .checked_mul(U256::from(FEE_BPS))
            .ok_or_else(Vec::new)?
            / U256::from(10_000u64);
        let from_balance = self
            .balances
            .get(from)
            .checked_sub(value)
            .ok_or_else(Vec::new)?;
        self.balances.setter(from).set(from_balance);
        let received = value.checked_sub(fee).ok_or_else(Vec::new)?;
        let to_balance = self
            .balances
            .get(to)
            .checked_add(received)
            .ok_or_else(Vec::new)?;
        self.balances.setter(to).set(to_balance);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use motsu::prelude::*;

    #[motsu::test]
    fn transfers_lose_one_percent(token: Contract<FeeToken>, alice: Address, bob: Address) {
        token
            .sender(alice)
            .mint(alice, U256::from(10_000))
            .motsu_unwrap();
        assert!(token
            .sender(alice)
            .transfer(bob, U256::from(1_000))
            .motsu_unwrap());
        assert_eq!(token.sender(alice).balance_of(alice), U256::from(9_000));
        assert_eq!(token.sender(alice).balance_of(bob), U256::from(990));
    }

    #[motsu::test]
    fn transfer_from_spends_the_allowance(token: Contract<FeeToken>, alice: Address, bob: Address) {
        token
            .sender(alice)
            .mint(alice, U256::from(10_000))
            .motsu_unwrap();
        assert!(token
            .sender(bob)
            .transfer_from(alice, bob, U256::from(1))
            .is_err());
        token.sender(alice).approve(bob, U256::from(5_000));
        assert!(token
            .sender(bob)
            .transfer_from(alice, bob, U256::from(5_000))
            .motsu_unwrap());
        assert_eq!(token.sender(alice).balance_of(bob), U256::from(4_950));
        assert_eq!(token.sender(alice).allowance(alice, bob), U256::ZERO);
    }
}
