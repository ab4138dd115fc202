//! One auction's stored record, its status codes and its price curve.

#[allow(unused_imports)] // the SDK macros expand to code that names `vec!` and `Vec`
use alloc::{vec, vec::Vec};

use alloy_primitives::{Address, U256};
use lien_contract_common::packing::{address_with, split_address};
use stylus_sdk::{prelude::*, storage::StorageU256};

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

/// The small frozen parameters and the status, packed into one storage word as its four 64-bit
/// limbs: `[start_time, step, tail, cut_bps | status << 16]`.
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
        }
    }

    /// Packs into a storage word.
    pub fn pack(self) -> U256 {
        let last = u64::from(self.cut_bps) | (u64::from(self.status) << 16);
        U256::from_limbs([self.start_time, self.step, self.tail, last])
    }

    /// The first second at which bids are refused: `start_time + tail` (checked at start).
    pub fn end_time(self) -> u64 {
        self.start_time.saturating_add(self.tail)
    }
}

/// One auction: four storage words written by `start_auction` in the usual case (the small
/// fields share words: a fresh slot costs 22,100 gas), one more by a bid. Two words more only
/// for unusual values: a token id of 2^96 − 2^64 or more (`token_id`), a start or floor price
/// of 2^128 or more (`floor_price`), a debt that
/// differs from the floor (`debt`; the LoanBook always passes floor = debt), a sale price of
/// 2^96 − 2^64 or more (`paid`). The parameters never change; only the status (in `terms`) and
/// the sale move afterwards.
#[storage]
pub struct Auction {
    /// The NFT's collection | x: [`WIDE_PRICES`] and [`OWN_DEBT`] flags | y: the LoanBook's loan
    /// id (`packing::address_with`).
    asset: StorageU256,
    /// The ERC-20 the price is paid in | x, y: the NFT's token id when it is below
    /// 2^96 − 2^64 (`pack_sale`'s layout), else x = `u32::MAX` and the id in `token_id`.
    currency: StorageU256,
    /// The NFT's token id when it does not fit the currency word (zero otherwise).
    token_id: StorageU256,
    /// The start price (the price for `elapsed < step`) in the low 128 bits and the floor (the
    /// price never goes below it) in the high 128 bits; with [`WIDE_PRICES`], the start price.
    prices: StorageU256,
    /// The floor price with [`WIDE_PRICES`] (zero otherwise).
    floor_price: StorageU256,
    /// The loan's debt frozen at the liquidation trigger (informational) with [`OWN_DEBT`];
    /// otherwise it equals the floor and is not stored twice.
    debt: StorageU256,
    /// [`Terms`], packed.
    pub(crate) terms: StorageU256,
    /// The winning bidder | x, y: the price's bits 64–95 and 0–63 when the price is below
    /// 2^96 − 2^64 (every realistic sale: one word), else x = `u32::MAX` and the price in `paid`
    /// (zeros unless sold).
    sale: StorageU256,
    /// The price paid when it does not fit `sale` (zero otherwise).
    paid: StorageU256,
}

/// `asset` flag: the start price and the floor do not both fit 128 bits; each has its own word.
pub const WIDE_PRICES: u32 = 1;
/// `asset` flag: the debt differs from the floor and has its own word.
pub const OWN_DEBT: u32 = 2;

/// The fixed facts of a new auction (`Auction::store_new`).
pub struct NewAuction {
    /// The LoanBook's loan id.
    pub loan_id: u64,
    /// The NFT's collection.
    pub collection: Address,
    /// The NFT's token id.
    pub token_id: U256,
    /// The ERC-20 the price is paid in.
    pub currency: Address,
    /// The debt frozen at the trigger (informational).
    pub debt: U256,
    /// Price for `elapsed < step`.
    pub start_price: U256,
    /// The price never goes below this.
    pub floor_price: U256,
}

impl Auction {
    /// Writes the fixed facts of a new auction (the terms are written apart).
    pub fn store_new(&mut self, n: &NewAuction) {
        let max = U256::from(u128::MAX);
        let mut flags = 0;
        if n.start_price <= max && n.floor_price <= max {
            let (s, f) = (n.start_price.as_limbs(), n.floor_price.as_limbs());
            self.prices.set(U256::from_limbs([s[0], s[1], f[0], f[1]]));
        } else {
            flags |= WIDE_PRICES;
            self.prices.set(n.start_price);
            self.floor_price.set(n.floor_price);
        }
        if n.debt != n.floor_price {
            flags |= OWN_DEBT;
            self.debt.set(n.debt);
        }
        self.asset.set(address_with(n.collection, flags, n.loan_id));
        let (word, wide_id) = pack_sale(n.currency, n.token_id);
        self.currency.set(word);
        if let Some(id) = wide_id {
            self.token_id.set(id);
        }
    }

    /// `(currency, token id)`.
    pub fn currency_and_token(&self) -> (Address, U256) {
        unpack_sale(self.currency.get(), || self.token_id.get())
    }

    /// The `asset` word's flags.
    fn flags(&self) -> u32 {
        split_address(self.asset.get()).1
    }

    /// `(start price, floor price)`.
    pub fn prices(&self) -> (U256, U256) {
        let p = self.prices.get();
        if self.flags() & WIDE_PRICES != 0 {
            return (p, self.floor_price.get());
        }
        let l = p.as_limbs();
        (
            U256::from_limbs([l[0], l[1], 0, 0]),
            U256::from_limbs([l[2], l[3], 0, 0]),
        )
    }

    /// The debt frozen at the trigger.
    pub fn debt(&self) -> U256 {
        if self.flags() & OWN_DEBT != 0 {
            self.debt.get()
        } else {
            self.prices().1
        }
    }

    /// The NFT's collection.
    pub fn collection(&self) -> Address {
        split_address(self.asset.get()).0
    }

    /// The LoanBook's loan this auction liquidates.
    pub fn loan_id(&self) -> U256 {
        U256::from(split_address(self.asset.get()).2)
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

    /// Ends the auction with `status`, keeping the frozen parameters.
    pub fn finish(&mut self, status: u8) {
        let terms = Terms {
            status,
            ..self.terms()
        };
        self.terms.set(terms.pack());
    }

    /// The curve price at block timestamp `now`:
    /// `lien_math::auction_price_up(start, floor, cut_bps, step, now − start_time)`.
    /// A `now` before the start counts as the start.
    pub fn price_at(&self, terms: Terms, now: u64) -> Result<U256, Error> {
        let elapsed = now.saturating_sub(terms.start_time);
        let (start, floor) = self.prices();
        let price = lien_math::auction_price_up(
            start,
            floor,
            u64::from(terms.cut_bps),
            terms.step,
            elapsed,
        )?;
        Ok(price)
    }
}

/// A word of `(address, amount)`: the amount's bits 64–95 in x and 0–63 in y when it is below
/// 2^96 − 2^64, else x = `u32::MAX` and the amount returned to be stored in its own word.
fn pack_sale(buyer: Address, price: U256) -> (U256, Option<U256>) {
    let l = *price.as_limbs();
    match u32::try_from(l[1]).ok().filter(|h| *h != u32::MAX) {
        Some(high) if l[2] == 0 && l[3] == 0 => (address_with(buyer, high, l[0]), None),
        _ => (address_with(buyer, u32::MAX, 0), Some(price)),
    }
}

/// `(address, amount)` from a [`pack_sale`] word, reading the amount's own word only when it
/// is there.
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
    fn terms_round_trip_at_their_limits() {
        for t in [
            Terms {
                start_time: u64::MAX,
                step: 1,
                tail: u64::MAX - 1,
                cut_bps: u16::MAX,
                status: CLOSED_UNSOLD,
            },
            Terms {
                start_time: 0,
                step: 0,
                tail: 0,
                cut_bps: 0,
                status: NONE,
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
