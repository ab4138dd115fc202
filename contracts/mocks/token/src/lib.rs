//! `MockToken`: an 18-decimal ERC-20 on openzeppelin-stylus whose `mint` is open to anyone.
//! Test only.
// The SDK's #[entrypoint] emits an undocumented `user_entrypoint`, hence the allow.
#![allow(missing_docs)]
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
extern crate alloc;

#[allow(unused_imports)] // the SDK macros expand to code that names `vec!` and `Vec`
use alloc::{vec, vec::Vec};

use alloy_primitives::{Address, U256};
use openzeppelin_stylus::token::erc20::{self, Erc20, IErc20};
use stylus_sdk::prelude::*;

/// The mock currency's storage: a plain OpenZeppelin ERC-20.
#[entrypoint]
#[storage]
pub struct MockToken {
    erc20: Erc20,
}

#[public]
#[implements(IErc20<Error = erc20::Error>)]
impl MockToken {
    /// Mints `amount` to `to`; anyone may call it.
    pub fn mint(&mut self, to: Address, amount: U256) -> Result<(), erc20::Error> {
        self.erc20._mint(to, amount)
    }

    /// Always 18.
    pub fn decimals(&self) -> u8 {
        18
    }
}

#[public]
impl IErc20 for MockToken {
    type Error = erc20::Error;

    fn total_supply(&self) -> U256 {
        self.erc20.total_supply()
    }

    fn balance_of(&self, account: Address) -> U256 {
        self.erc20.balance_of(account)
    }

    fn transfer(&mut self, to: Address, value: U256) -> Result<bool, Self::Error> {
        self.erc20.transfer(to, value)
    }

    fn allowance(&self, owner: Address, spender: Address) -> U256 {
        self.erc20.allowance(owner, spender)
    }

    fn approve(&mut self, spender: Address, value: U256) -> Result<bool, Self::Error> {
        self.erc20.approve(spender, value)
    }

    fn transfer_from(
        &mut self,
        from: Address,
        to: Address,
        value: U256,
    ) -> Result<bool, Self::Error> {
        self.erc20.transfer_from(from, to, value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use motsu::prelude::*;

    #[motsu::test]
    fn anyone_mints(token: Contract<MockToken>, alice: Address, bob: Address) {
        token
            .sender(bob)
            .mint(alice, U256::from(1_000))
            .expect("mint");
        assert_eq!(token.sender(bob).balance_of(alice), U256::from(1_000));
        assert_eq!(token.sender(bob).total_supply(), U256::from(1_000));
        assert_eq!(token.sender(bob).decimals(), 18);
    }

    #[motsu::test]
    fn transfer_from_needs_allowance(token: Contract<MockToken>, alice: Address, bob: Address) {
        token
            .sender(alice)
            .mint(alice, U256::from(100))
            .expect("mint");
        let err = token
            .sender(bob)
            .transfer_from(alice, bob, U256::from(1))
            .expect_err("no allowance");
        assert!(matches!(err, erc20::Error::InsufficientAllowance(_)));
        token
            .sender(alice)
            .approve(bob, U256::from(60))
            .expect("approve");
        assert!(token
            .sender(bob)
            .transfer_from(alice, bob, U256::from(60))
            .expect("spend"));
        assert_eq!(token.sender(bob).balance_of(bob), U256::from(60));
        assert_eq!(token.sender(bob).allowance(alice, bob), U256::ZERO);
    }

    #[motsu::test]
    fn overdrawn_transfer_fails(token: Contract<MockToken>, alice: Address, bob: Address) {
        let err = token
            .sender(alice)
            .transfer(bob, U256::from(1))
            .expect_err("empty balance");
        assert!(matches!(err, erc20::Error::InsufficientBalance(_)));
        let err = token
            .sender(alice)
            .mint(Address::ZERO, U256::from(1))
            .expect_err("zero receiver");
        assert!(matches!(err, erc20::Error::InvalidReceiver(_)));
    }
}
