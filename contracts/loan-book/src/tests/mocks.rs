//! Small peer contracts for the LoanBook tests: an oracle and a liquidator with the exact
//! signatures of docs/INTERFACES.md, an NFT receiver that would re-enter, and a caller that
//! sends value. The liquidator reads the LoanBook's test clock (`crate::clock`).
#![allow(missing_docs)]

use alloc::vec::Vec;

use alloy_primitives::{Address, U256};
use stylus_sdk::{
    call::RawCall,
    prelude::*,
    storage::{StorageAddress, StorageBool, StorageMap, StorageU256, StorageU64, StorageU8},
};

use crate::clock;

sol_interface! {
    interface ILoanBookHook {
        function onAuctionSettled(uint256 loan_id, uint256 proceeds, address buyer) external;
        function repay(uint256 loan_id) external returns (uint256);
    }

    interface IVaultRelease {
        function release(address collection, uint256 token_id, address to) external;
    }

    interface ITokenPull {
        function transferFrom(address from, address to, uint256 value) external returns (bool);
    }
}

/// A settable price oracle.
#[storage]
pub struct MockOracle {
    borrow: StorageU256,
    borrow_status: StorageU8,
    liquidation: StorageU256,
    liquidation_status: StorageU8,
    broken: StorageBool,
    /// The multiplier `multiplierOf` reports (0 = none: 1×).
    multiplier: StorageU256,
}

unsafe impl TopLevelStorage for MockOracle {}

#[public]
impl MockOracle {
    /// Sets both prices and statuses.
    pub fn set(
        &mut self,
        borrow: U256,
        borrow_status: u8,
        liquidation: U256,
        liquidation_status: u8,
    ) {
        self.borrow.set(borrow);
        self.borrow_status
            .set(alloy_primitives::Uint::from(borrow_status));
        self.liquidation.set(liquidation);
        self.liquidation_status
            .set(alloy_primitives::Uint::from(liquidation_status));
    }

    /// Sets the multiplier `borrowQuote` reports (the prices are set with `set`).
    pub fn set_multiplier(&mut self, bps: U256) {
        self.multiplier.set(bps);
    }

    /// Makes every read revert.
    pub fn set_broken(&mut self, broken: bool) {
        self.broken.set(broken);
    }

    /// `(borrow price, status, multiplier in force)`, as the oracle's `borrowQuote`.
    pub fn borrow_quote(
        &self,
        _collection: Address,
        _token_id: U256,
    ) -> Result<(U256, u8, u32), Vec<u8>> {
        if self.broken.get() {
            return Err(b"oracle down".to_vec());
        }
        let m = self.multiplier.get();
        let m = if m.is_zero() { 10_000 } else { m.to::<u32>() };
        Ok((self.borrow.get(), self.borrow_status.get().to::<u8>(), m))
    }

    /// The liquidation price without multiplier (`set`'s liquidation price).
    pub fn liquidation_floor(&self, _collection: Address) -> Result<(U256, u8), Vec<u8>> {
        if self.broken.get() {
            return Err(b"oracle down".to_vec());
        }
        Ok((
            self.liquidation.get(),
            self.liquidation_status.get().to::<u8>(),
        ))
    }
}

/// One auction of the mock liquidator.
#[storage]
pub struct MockAuction {
    pub loan_id: StorageU256,
    pub collection: StorageAddress,
    pub token_id: StorageU256,
    pub currency: StorageAddress,
    pub debt: StorageU256,
    pub start_price: StorageU256,
    pub floor_price: StorageU256,
    pub step: StorageU64,
    pub cut_bps: StorageU64,
    pub tail: StorageU64,
    pub started: StorageU64,
    /// 1 live, 2 cancelled, 3 sold, 4 closed unsold.
    pub state: StorageU8,
}

/// A liquidator that follows the ILiquidator rules closely enough to drive the LoanBook.
#[storage]
pub struct MockLiquidator {
    loan_book: StorageAddress,
    vault: StorageAddress,
    count: StorageU256,
    /// Added to the id `startAuction` returns (to provoke `AuctionIdMismatch`).
    skew: StorageU256,
    pub auctions: StorageMap<U256, MockAuction>,
}

unsafe impl TopLevelStorage for MockLiquidator {}

#[public]
impl MockLiquidator {
    pub fn init(&mut self, loan_book: Address, vault: Address) {
        self.loan_book.set(loan_book);
        self.vault.set(vault);
    }

    pub fn set_skew(&mut self, skew: U256) {
        self.skew.set(skew);
    }

    #[allow(clippy::too_many_arguments)]
    pub fn start_auction(
        &mut self,
        loan_id: U256,
        collection: Address,
        token_id: U256,
        currency: Address,
        debt: U256,
        start_price: U256,
        floor_price: U256,
        step: u64,
        cut_bps: u16,
        tail: u64,
    ) -> Result<U256, Vec<u8>> {
        if self.vm().msg_sender() != self.loan_book.get() {
            return Err(b"only loan book".to_vec());
        }
        let id = self.count.get() + U256::from(1);
        self.count.set(id);
        let now = clock::now(self.vm().block_timestamp());
        let mut a = self.auctions.setter(id);
        a.loan_id.set(loan_id);
        a.collection.set(collection);
        a.token_id.set(token_id);
        a.currency.set(currency);
        a.debt.set(debt);
        a.start_price.set(start_price);
        a.floor_price.set(floor_price);
        a.step.set(alloy_primitives::U64::from(step));
        a.cut_bps.set(alloy_primitives::U64::from(cut_bps));
        a.tail.set(alloy_primitives::U64::from(tail));
        a.started.set(alloy_primitives::U64::from(now));
        a.state.set(alloy_primitives::Uint::from(1u8));
        Ok(id + self.skew.get())
    }

    pub fn cancel(&mut self, auction_id: U256) -> Result<(), Vec<u8>> {
        if self.vm().msg_sender() != self.loan_book.get() || self.state(auction_id) != 1 {
            return Err(b"cancel".to_vec());
        }
        self.auctions
            .setter(auction_id)
            .state
            .set(alloy_primitives::Uint::from(2u8));
        Ok(())
    }

    pub fn close_unsold(&mut self, auction_id: U256) -> Result<(), Vec<u8>> {
        let a = self.auctions.getter(auction_id);
        let end = a.started.get().to::<u64>() + a.tail.get().to::<u64>();
        drop(a);
        let now = clock::now(self.vm().block_timestamp());
        if self.vm().msg_sender() != self.loan_book.get()
            || self.state(auction_id) != 1
            || now < end
        {
            return Err(b"close".to_vec());
        }
        self.auctions
            .setter(auction_id)
            .state
            .set(alloy_primitives::Uint::from(4u8));
        Ok(())
    }

    /// The stair-step price of INTERFACES.md, **without the floor**: the LoanBook's waterfall
    /// must divide whatever proceeds a Liquidator reports, so these tests still sell below the
    /// debt (the real Liquidator's floor is tested in its crate and end to end).
    pub fn current_price(&self, auction_id: U256) -> U256 {
        let a = self.auctions.getter(auction_id);
        let elapsed = clock::now(self.vm().block_timestamp()) - a.started.get().to::<u64>();
        lien_math::auction_price_up(
            a.start_price.get(),
            U256::ZERO,
            a.cut_bps.get().to::<u64>(),
            a.step.get().to::<u64>(),
            elapsed,
        )
        .expect("price")
    }

    /// Buys at the current price: pulls it from the bidder straight to the LoanBook, releases
    /// the NFT to the bidder and settles.
    pub fn bid(&mut self, auction_id: U256, max_price: U256) -> Result<U256, Vec<u8>> {
        let price = self.current_price(auction_id);
        if price > max_price || self.state(auction_id) != 1 {
            return Err(b"bid".to_vec());
        }
        let bidder = self.vm().msg_sender();
        let (loan_id, collection, token_id, currency) = {
            let a = self.auctions.getter(auction_id);
            (
                a.loan_id.get(),
                a.collection.get(),
                a.token_id.get(),
                a.currency.get(),
            )
        };
        self.auctions
            .setter(auction_id)
            .state
            .set(alloy_primitives::Uint::from(3u8));
        let book = self.loan_book.get();
        let paid = ITokenPull::new(currency)
            .transfer_from(&mut *self, bidder, book, price)
            .map_err(|_| b"pay".to_vec())?;
        if !paid {
            return Err(b"pay".to_vec());
        }
        IVaultRelease::new(self.vault.get())
            .release(&mut *self, collection, token_id, bidder)
            .map_err(Vec::<u8>::from)?;
        ILoanBookHook::new(book)
            .on_auction_settled(&mut *self, loan_id, price, bidder)
            .map_err(Vec::<u8>::from)?;
        Ok(price)
    }

    /// Calls the settlement hook without paying anything (to test `SettlementUnfunded`).
    pub fn settle_unpaid(&mut self, loan_id: U256, proceeds: U256) -> Result<(), Vec<u8>> {
        let book = self.loan_book.get();
        ILoanBookHook::new(book)
            .on_auction_settled(&mut *self, loan_id, proceeds, Address::ZERO)
            .map_err(Vec::<u8>::from)
    }

    pub fn state(&self, auction_id: U256) -> u8 {
        self.auctions.getter(auction_id).state.get().to::<u8>()
    }
}

/// An NFT receiver that tries to re-enter the LoanBook (`repay`) whenever its
/// `onERC721Received` runs, and counts the calls.
#[storage]
pub struct ReentrantReceiver {
    target: StorageAddress,
    loan_id: StorageU256,
    hits: StorageU256,
}

unsafe impl TopLevelStorage for ReentrantReceiver {}

#[public]
impl ReentrantReceiver {
    pub fn arm(&mut self, target: Address, loan_id: U256) {
        self.target.set(target);
        self.loan_id.set(loan_id);
    }

    pub fn hits(&self) -> U256 {
        self.hits.get()
    }

    #[selector(name = "onERC721Received")]
    pub fn on_erc721_received(
        &mut self,
        _operator: Address,
        _from: Address,
        _token_id: U256,
        _data: stylus_sdk::abi::Bytes,
    ) -> Result<alloy_primitives::aliases::B32, Vec<u8>> {
        self.hits.set(self.hits.get() + U256::from(1));
        let (target, loan_id) = (self.target.get(), self.loan_id.get());
        if !target.is_zero() {
            let _ = ILoanBookHook::new(target).repay(&mut *self, loan_id);
        }
        Ok(lien_vault::ERC721_RECEIVED)
    }
}

/// Forwards raw calldata with value, as a wallet would (to test non-payable functions).
#[storage]
pub struct ValueCaller {
    calls: StorageU256,
}

unsafe impl TopLevelStorage for ValueCaller {}

#[public]
impl ValueCaller {
    /// Calls `target` with `data` and `value`; returns whether it reverted, and the revert
    /// data (motsu replaces an empty revert with a "function not found" text).
    #[payable]
    pub fn call_with_value(
        &mut self,
        target: Address,
        data: stylus_sdk::abi::Bytes,
        value: U256,
    ) -> (bool, stylus_sdk::abi::Bytes) {
        self.calls.set(self.calls.get() + U256::from(1));
        #[allow(deprecated)]
        let result = unsafe { RawCall::new_with_value(value).call(target, &data) };
        match result {
            Ok(out) => (false, out.into()),
            Err(err) => (true, err.into()),
        }
    }
}
