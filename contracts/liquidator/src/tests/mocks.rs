//! Small peer contracts for the Liquidator's unit tests: an ERC-20 with switchable
//! misbehaviour, a CollateralVault, a LoanBook and a re-entrant bidder. Each has the Solidity
//! signatures of docs/INTERFACES.md for the calls the Liquidator makes.
#![allow(missing_docs)]

#[allow(unused_imports)] // the SDK macros expand to code that names `vec!` and `Vec`
use alloc::{vec, vec::Vec};

use alloy_primitives::{Address, U256};
use stylus_sdk::abi::Bytes;
use stylus_sdk::{
    prelude::*,
    storage::{StorageAddress, StorageBool, StorageBytes, StorageMap, StorageU256, StorageU8},
};

/// `MockErc20` mode: an honest token.
pub const HONEST: u8 = 0;
/// `MockErc20` mode: `transferFrom` delivers one unit less than asked (fee on transfer).
pub const FEE_ON_TRANSFER: u8 = 1;
/// `MockErc20` mode: `transferFrom` moves nothing and returns `false`.
pub const RETURNS_FALSE: u8 = 2;
/// `MockErc20` mode: `transferFrom` first calls `onTokenPull()` on `from` (ERC-777-like hook).
pub const CALLS_BACK: u8 = 3;

sol_interface! {
    interface ITokenHook {
        function onTokenPull() external;
    }

    interface ILiquidatorBid {
        function bid(uint256 auction_id, uint256 max_price) external returns (uint256);
    }
}

/// A minimal ERC-20 whose `transferFrom` can be made to misbehave.
#[storage]
pub struct MockErc20 {
    balances: StorageMap<Address, StorageU256>,
    allowances: StorageMap<Address, StorageMap<Address, StorageU256>>,
    mode: StorageU8,
}

unsafe impl TopLevelStorage for MockErc20 {}

#[public]
impl MockErc20 {
    pub fn mint(&mut self, to: Address, amount: U256) {
        let balance = self.balances.get(to);
        self.balances.insert(to, balance.saturating_add(amount));
    }

    pub fn approve(&mut self, spender: Address, amount: U256) -> bool {
        let owner = self.vm().msg_sender();
        self.allowances.setter(owner).insert(spender, amount);
        true
    }

    pub fn set_mode(&mut self, mode: u8) {
        self.mode.set(alloy_primitives::U8::from(mode));
    }

    pub fn balance_of(&self, account: Address) -> U256 {
        self.balances.get(account)
    }

    pub fn transfer_from(
        &mut self,
        from: Address,
        to: Address,
        value: U256,
    ) -> Result<bool, Vec<u8>> {
        let mode = self.mode.get().as_limbs()[0] as u8;
        if mode == RETURNS_FALSE {
            return Ok(false);
        }
        if mode == CALLS_BACK {
            ITokenHook::new(from)
                .on_token_pull(&mut *self)
                .map_err(Vec::<u8>::from)?;
        }
        let spender = self.vm().msg_sender();
        let allowance = self.allowances.getter(from).get(spender);
        let Some(allowance) = allowance.checked_sub(value) else {
            return Err(b"insufficient allowance".to_vec());
        };
        let Some(from_balance) = self.balances.get(from).checked_sub(value) else {
            return Err(b"insufficient balance".to_vec());
        };
        self.allowances.setter(from).insert(spender, allowance);
        self.balances.insert(from, from_balance);
        let delivered = if mode == FEE_ON_TRANSFER {
            value.saturating_sub(U256::from(1))
        } else {
            value
        };
        let to_balance = self.balances.get(to);
        self.balances
            .insert(to, to_balance.saturating_add(delivered));
        Ok(true)
    }
}

/// A CollateralVault stand-in: records who holds each released NFT.
#[storage]
pub struct MockVault {
    liquidator: StorageAddress,
    holders: StorageMap<Address, StorageMap<U256, StorageAddress>>,
    releases: StorageU256,
    failing: StorageBool,
}

unsafe impl TopLevelStorage for MockVault {}

#[public]
impl MockVault {
    pub fn set_liquidator(&mut self, liquidator: Address) {
        self.liquidator.set(liquidator);
    }

    pub fn set_failing(&mut self, failing: bool) {
        self.failing.set(failing);
    }

    /// `ICollateralVault.release`: only the Liquidator may call it here.
    pub fn release(
        &mut self,
        collection: Address,
        token_id: U256,
        to: Address,
    ) -> Result<(), Vec<u8>> {
        if self.failing.get() {
            return Err(b"vault says no".to_vec());
        }
        if self.vm().msg_sender() != self.liquidator.get() {
            return Err(b"not liquidator".to_vec());
        }
        self.holders.setter(collection).insert(token_id, to);
        let releases = self.releases.get();
        self.releases.set(releases.saturating_add(U256::from(1)));
        Ok(())
    }

    pub fn holder(&self, collection: Address, token_id: U256) -> Address {
        self.holders.getter(collection).get(token_id)
    }

    pub fn releases(&self) -> U256 {
        self.releases.get()
    }
}

/// A LoanBook stand-in: records the settlements it receives.
#[storage]
pub struct MockLoanBook {
    liquidator: StorageAddress,
    settlements: StorageU256,
    last_loan: StorageU256,
    last_proceeds: StorageU256,
    last_buyer: StorageAddress,
    failing: StorageBool,
}

unsafe impl TopLevelStorage for MockLoanBook {}

#[public]
impl MockLoanBook {
    pub fn set_liquidator(&mut self, liquidator: Address) {
        self.liquidator.set(liquidator);
    }

    pub fn set_failing(&mut self, failing: bool) {
        self.failing.set(failing);
    }

    /// `ILoanBook.onAuctionSettled`: only the Liquidator may call it here.
    pub fn on_auction_settled(
        &mut self,
        loan_id: U256,
        proceeds: U256,
        buyer: Address,
    ) -> Result<(), Vec<u8>> {
        if self.failing.get() {
            return Err(b"loan book says no".to_vec());
        }
        if self.vm().msg_sender() != self.liquidator.get() {
            return Err(b"not liquidator".to_vec());
        }
        let settlements = self.settlements.get();
        self.settlements
            .set(settlements.saturating_add(U256::from(1)));
        self.last_loan.set(loan_id);
        self.last_proceeds.set(proceeds);
        self.last_buyer.set(buyer);
        Ok(())
    }

    /// `(settlements, lastLoanId, lastProceeds, lastBuyer)`.
    pub fn settled(&self) -> (U256, U256, U256, Address) {
        (
            self.settlements.get(),
            self.last_loan.get(),
            self.last_proceeds.get(),
            self.last_buyer.get(),
        )
    }
}

/// A bidder contract that tries to bid again from inside the payment pull.
#[storage]
pub struct ReentrantBidder {
    liquidator: StorageAddress,
    auction_id: StorageU256,
    max_price: StorageU256,
    attempts: StorageU256,
    inner_ok: StorageBool,
    inner_error: StorageBytes,
}

unsafe impl TopLevelStorage for ReentrantBidder {}

#[public]
impl ReentrantBidder {
    /// Approves `liquidator` on `token` (as this contract) and bids.
    pub fn attack(
        &mut self,
        token: Address,
        liquidator: Address,
        auction_id: U256,
        max_price: U256,
    ) -> Result<U256, Vec<u8>> {
        self.liquidator.set(liquidator);
        self.auction_id.set(auction_id);
        self.max_price.set(max_price);
        IApprove::new(token)
            .approve(&mut *self, liquidator, U256::MAX)
            .map_err(Vec::<u8>::from)?;
        let price = ILiquidatorBid::new(liquidator)
            .bid(&mut *self, auction_id, max_price)
            .map_err(Vec::<u8>::from)?;
        Ok(price)
    }

    /// The token's hook: bid again on the same auction and record what happened.
    pub fn on_token_pull(&mut self) {
        let attempts = self.attempts.get();
        self.attempts.set(attempts.saturating_add(U256::from(1)));
        let liquidator = ILiquidatorBid::new(self.liquidator.get());
        let (auction_id, max_price) = (self.auction_id.get(), self.max_price.get());
        match liquidator.bid(&mut *self, auction_id, max_price) {
            Ok(_) => self.inner_ok.set(true),
            Err(err) => self.inner_error.set_bytes(Vec::<u8>::from(err)),
        }
    }

    /// `(attempts, innerBidSucceeded, innerRevertData)`.
    pub fn inner(&self) -> (U256, bool, Bytes) {
        (
            self.attempts.get(),
            self.inner_ok.get(),
            Bytes::from(self.inner_error.get_bytes()),
        )
    }
}

sol_interface! {
    interface IApprove {
        function approve(address spender, uint256 amount) external returns (bool);
    }
}
