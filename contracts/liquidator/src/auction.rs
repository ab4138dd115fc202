//! One auction's stored record, its status codes and its price curve.

#[allow(unused_imports)] // the SDK macros expand to code that names `vec!` and `Vec`
use alloc::{vec, vec::Vec};

use alloy_primitives::{Address, U256};
use stylus_sdk::{
    prelude::*,
    storage::{StorageAddress, StorageU16, StorageU256, StorageU64, StorageU8},
};

use crate::errors::Error;

/// Status code of an id that was never issued (the storage default).
pub const NONE: u8 = 0;
/// Status code of an auction that accepts bids until `start_time + tail`.
pub const LIVE: u8 = 1;
/// Status code of an auction that a bid settled.
pub const SOLD: u8 = 2;
/// Status code of an auction that the LoanBook cancelled (the borrower repaid).
pub const CANCELLED: u8 = 3;
/// Status code of an auction closed without a bid after its tail (foreclosure).
pub const CLOSED_UNSOLD: u8 = 4;

/// One auction. The parameters are written once by `start_auction` and never change; only
/// `status`, `live_slot`, `buyer` and `paid` move afterwards.
#[storage]
pub struct Auction {
    /// The LoanBook's loan this auction liquidates.
    pub(crate) loan_id: StorageU256,
    /// The NFT's collection.
    pub(crate) collection: StorageAddress,
    /// The NFT's token id.
    pub(crate) token_id: StorageU256,
    /// The ERC-20 the price is paid in.
    pub(crate) currency: StorageAddress,
    /// The loan's debt frozen at the liquidation trigger (informational).
    pub(crate) debt: StorageU256,
    /// Price for `elapsed < step`.
    pub(crate) start_price: StorageU256,
    /// The price never goes below this.
    pub(crate) floor_price: StorageU256,
    /// Block timestamp at `start_auction`.
    pub(crate) start_time: StorageU64,
    /// Seconds per price step.
    pub(crate) step: StorageU64,
    /// Seconds after `start_time` at which bidding ends.
    pub(crate) tail: StorageU64,
    /// Fraction of the price kept at each step, in basis points.
    pub(crate) cut_bps: StorageU16,
    /// One of [`NONE`], [`LIVE`], [`SOLD`], [`CANCELLED`], [`CLOSED_UNSOLD`].
    pub(crate) status: StorageU8,
    /// 1-based position in the live list while live; 0 otherwise.
    pub(crate) live_slot: StorageU256,
    /// The winning bidder (zero unless sold).
    pub(crate) buyer: StorageAddress,
    /// The price paid (zero unless sold).
    pub(crate) paid: StorageU256,
}

impl Auction {
    /// The status code (see the constants in this module).
    pub fn status(&self) -> u8 {
        self.status.get().as_limbs()[0] as u8
    }

    /// Block timestamp at which the auction started.
    pub fn start_time(&self) -> u64 {
        self.start_time.get().as_limbs()[0]
    }

    /// Seconds per price step.
    pub fn step(&self) -> u64 {
        self.step.get().as_limbs()[0]
    }

    /// Seconds of bidding after the start.
    pub fn tail(&self) -> u64 {
        self.tail.get().as_limbs()[0]
    }

    /// Fraction of the price kept at each step, in basis points.
    pub fn cut_bps(&self) -> u16 {
        self.cut_bps.get().as_limbs()[0] as u16
    }

    /// The first second at which bids are refused: `start_time + tail` (checked at start).
    pub fn end_time(&self) -> u64 {
        self.start_time().saturating_add(self.tail())
    }

    /// The curve price at block timestamp `now`:
    /// `lien_math::auction_price_up(start, floor, cut_bps, step, now − start_time)`.
    /// A `now` before the start counts as the start.
    pub fn price_at(&self, now: u64) -> Result<U256, Error> {
        let elapsed = now.saturating_sub(self.start_time());
        let price = lien_math::auction_price_up(
            self.start_price.get(),
            self.floor_price.get(),
            u64::from(self.cut_bps()),
            self.step(),
            elapsed,
        )?;
        Ok(price)
    }

    /// The winning bidder, zero unless sold.
    pub fn buyer(&self) -> Address {
        self.buyer.get()
    }
}
