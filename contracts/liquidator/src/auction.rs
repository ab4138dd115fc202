//! One auction's stored record, its status codes and its price curve.

#[allow(unused_imports)] // the SDK macros expand to code that names `vec!` and `Vec`
use alloc::{vec, vec::Vec};

use alloy_primitives::{Address, U256};
use lien_contract_common::packing::{address_with, split_address};
use stylus_sdk::{
    prelude::*,
    storage::{StorageAddress, StorageU256},
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

/// The small frozen parameters, the status and the live-list position, packed into one storage
/// word as its four 64-bit limbs: `[start_time, step, tail, cut_bps | status << 16 | live_slot
/// << 32]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Terms {
    /// Block timestamp at `start_auction`.
    pub start_time: u64,
    /// Seconds per price step.
    pub step: u64,
    /// Seconds after `start_time` at which bidding ends.
    pub tail: u64,
    /// Fraction of the price kept at each step, in basis points.
    pub cut_bps: u16,
    /// One of [`NONE`], [`LIVE`], [`SOLD`], [`CANCELLED`], [`CLOSED_UNSOLD`].
    pub status: u8,
    /// 1-based position in the live list while live; 0 otherwise.
    pub live_slot: u32,
}

impl Terms {
    /// Unpacks a storage word (a zero word is an id never issued: status [`NONE`]).
    pub fn unpack(word: U256) -> Self {
        let [start_time, step, tail, last] = *word.as_limbs();
        Terms {
            start_time,
            step,
            tail,
            cut_bps: last as u16,
            status: (last >> 16) as u8,
            live_slot: (last >> 32) as u32,
        }
    }

    /// Packs into a storage word.
    pub fn pack(self) -> U256 {
        let last = u64::from(self.cut_bps)
            | (u64::from(self.status) << 16)
            | (u64::from(self.live_slot) << 32);
        U256::from_limbs([self.start_time, self.step, self.tail, last])
    }

    /// The first second at which bids are refused: `start_time + tail` (checked at start).
    pub fn end_time(self) -> u64 {
        self.start_time.saturating_add(self.tail)
    }
}

/// One auction: seven storage words written by `start_auction` (the small fields share words:
/// a fresh slot costs 22,100 gas), two more by a bid. The parameters never change; only the
/// status and the live-list position (both in `terms`), `buyer` and `paid` move afterwards.
#[storage]
pub struct Auction {
    /// The NFT's collection | y: the LoanBook's loan id (`packing::address_with`).
    asset: StorageU256,
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
    /// [`Terms`], packed.
    pub(crate) terms: StorageU256,
    /// The winning bidder (zero unless sold).
    pub(crate) buyer: StorageAddress,
    /// The price paid (zero unless sold).
    pub(crate) paid: StorageU256,
}

impl Auction {
    /// The NFT's collection.
    pub fn collection(&self) -> Address {
        split_address(self.asset.get()).0
    }

    /// The LoanBook's loan this auction liquidates.
    pub fn loan_id(&self) -> U256 {
        U256::from(split_address(self.asset.get()).2)
    }

    /// Writes the collection and the loan id (one word).
    pub fn set_asset(&mut self, collection: Address, loan_id: u64) {
        self.asset.set(address_with(collection, 0, loan_id));
    }

    /// Writes the terms (status and live-list position included).
    pub fn set_terms(&mut self, terms: Terms) {
        self.terms.set(terms.pack());
    }

    /// The frozen small parameters and the status.
    pub fn terms(&self) -> Terms {
        Terms::unpack(self.terms.get())
    }

    /// Moves the auction to another live-list position.
    pub fn set_live_slot(&mut self, live_slot: u32) {
        let terms = Terms {
            live_slot,
            ..self.terms()
        };
        self.terms.set(terms.pack());
    }

    /// Ends the auction with `status` (off the live list), keeping the frozen parameters.
    pub fn finish(&mut self, status: u8) {
        let terms = Terms {
            status,
            live_slot: 0,
            ..self.terms()
        };
        self.terms.set(terms.pack());
    }

    /// The curve price at block timestamp `now`:
    /// `lien_math::auction_price_up(start, floor, cut_bps, step, now − start_time)`.
    /// A `now` before the start counts as the start.
    pub fn price_at(&self, terms: Terms, now: u64) -> Result<U256, Error> {
        let elapsed = now.saturating_sub(terms.start_time);
        let price = lien_math::auction_price_up(
            self.start_price.get(),
            self.floor_price.get(),
            u64::from(terms.cut_bps),
            terms.step,
            elapsed,
        )?;
        Ok(price)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_round_trip_with_the_live_slot_at_its_limits() {
        for t in [
            Terms {
                start_time: u64::MAX,
                step: 1,
                tail: u64::MAX - 1,
                cut_bps: u16::MAX,
                status: CLOSED_UNSOLD,
                live_slot: u32::MAX,
            },
            Terms {
                start_time: 0,
                step: 0,
                tail: 0,
                cut_bps: 0,
                status: NONE,
                live_slot: 0,
            },
        ] {
            assert_eq!(Terms::unpack(t.pack()), t);
        }
        assert_eq!(Terms::unpack(U256::ZERO).status, NONE, "an id never issued");
    }
}
