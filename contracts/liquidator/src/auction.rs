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
/// status and the live-list position (both in `terms`) and the sale (one word when the price
/// fits 64 bits, two otherwise) move afterwards.
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
    /// The winning bidder | x, y: the price's bits 64–95 and 0–63 when the price is below
    /// 2^96 − 2^64 (every realistic sale: one word), else x = `u32::MAX` and the price in `paid`
    /// (zeros unless sold).
    sale: StorageU256,
    /// The price paid when it does not fit `sale` (zero otherwise).
    paid: StorageU256,
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

    /// Records the sale: `(buyer, price)`.
    pub fn set_sale(&mut self, buyer: Address, price: U256) {
        let (word, overflow) = pack_sale(buyer, price);
        self.sale.set(word);
        if let Some(price) = overflow {
            self.paid.set(price);
        }
    }

    /// The sale: `(buyer, price)`, zeros unless sold.
    pub fn sale(&self) -> (Address, U256) {
        unpack_sale(self.sale.get(), || self.paid.get())
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

/// The `sale` word of `(buyer, price)`, and the price again when it must go to `paid`.
fn pack_sale(buyer: Address, price: U256) -> (U256, Option<U256>) {
    let l = *price.as_limbs();
    match u32::try_from(l[1]).ok().filter(|h| *h != u32::MAX) {
        Some(high) if l[2] == 0 && l[3] == 0 => (address_with(buyer, high, l[0]), None),
        _ => (address_with(buyer, u32::MAX, 0), Some(price)),
    }
}

/// `(buyer, price)` from the `sale` word, reading `paid` only when the price is there.
fn unpack_sale(word: U256, paid: impl FnOnce() -> U256) -> (Address, U256) {
    let (buyer, high, low) = split_address(word);
    let price = if high == u32::MAX {
        paid()
    } else {
        U256::from_limbs([low, u64::from(high), 0, 0])
    };
    (buyer, price)
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

    #[test]
    fn sales_fit_one_word_below_2_pow_96_minus_2_pow_64_and_two_above() {
        let buyer = Address::repeat_byte(0xB1);
        let edge = (U256::from(u32::MAX) << 64) - U256::from(1u8); // largest in one word
        for price in [U256::ZERO, U256::from(1u8), U256::from(u64::MAX), edge] {
            let (word, overflow) = pack_sale(buyer, price);
            assert_eq!(overflow, None, "{price}");
            assert_eq!(unpack_sale(word, || unreachable!()), (buyer, price));
        }
        for price in [edge + U256::from(1u8), U256::from(1u8) << 96, U256::MAX] {
            let (word, overflow) = pack_sale(buyer, price);
            assert_eq!(overflow, Some(price));
            assert_eq!(unpack_sale(word, || price), (buyer, price));
        }
        assert_eq!(
            unpack_sale(U256::ZERO, || unreachable!()),
            (Address::ZERO, U256::ZERO),
            "not sold"
        );
    }
}
