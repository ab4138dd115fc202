//! Unit tests (motsu) for the Liquidator, against the mock peers in [`mocks`].

pub(crate) mod clock;
mod mocks;

mod bidding;
mod lifecycle;
mod pricing;
mod sequencer;
mod wiring;

use alloy_primitives::{Address, U256};
use motsu::prelude::*;

use crate::Liquidator;
use mocks::{MockErc20, MockLoanBook, MockVault};

/// Loan id used by the default auction.
const LOAN: u64 = 7;
/// NFT token id used by the default auction.
const TOKEN_ID: u64 = 42;
/// Frozen debt of the default auction.
const DEBT: u64 = 800_000;
/// Start price of the default auction.
const START: u64 = 1_000_000;
/// Seconds per step (DESIGN.md §10).
const STEP: u64 = 300;
/// 0.98 per step (DESIGN.md §10).
const CUT: u16 = 9_800;
/// 24 h tail (DESIGN.md §10).
const TAIL: u64 = 86_400;

/// The NFT collection of the default auction (the mock vault does not call it).
fn collection() -> Address {
    Address::repeat_byte(0xC0)
}

/// `U256` from a `u64`.
fn u(x: u64) -> U256 {
    U256::from(x)
}

/// Constructs the Liquidator for `owner`, wires the mock vault and loan book, and points the
/// mocks back at the Liquidator.
fn wire(
    liq: &Contract<Liquidator>,
    vault: &Contract<MockVault>,
    book: &Contract<MockLoanBook>,
    owner: Address,
) {
    clock::reset();
    liq.sender(owner)
        .constructor(owner)
        .motsu_expect("constructor");
    liq.sender(owner)
        .set_loan_book(book.address())
        .motsu_expect("set loan book");
    liq.sender(owner)
        .set_vault(vault.address())
        .motsu_expect("set vault");
    vault.sender(owner).set_liquidator(liq.address());
    book.sender(owner).set_liquidator(liq.address());
}

/// Starts an auction for `loan` with the default parameters except `start`, `floor`, `cut`.
fn start_with(
    liq: &Contract<Liquidator>,
    book: &Contract<MockLoanBook>,
    token: &Contract<MockErc20>,
    loan: u64,
    start: u64,
    floor: u64,
    cut: u16,
) -> U256 {
    liq.sender(book.address())
        .start_auction(
            u(loan),
            collection(),
            u(TOKEN_ID),
            token.address(),
            u(DEBT),
            u(start),
            u(floor),
            STEP,
            cut,
            TAIL,
        )
        .motsu_expect("start auction")
}

/// Starts the default auction (loan [`LOAN`], start [`START`], floor 0, cut [`CUT`]).
fn start_default(
    liq: &Contract<Liquidator>,
    book: &Contract<MockLoanBook>,
    token: &Contract<MockErc20>,
) -> U256 {
    start_with(liq, book, token, LOAN, START, 0, CUT)
}

/// Mints `amount` to `bidder` and approves the Liquidator for it.
fn fund(token: &Contract<MockErc20>, liq: &Contract<Liquidator>, bidder: Address, amount: u64) {
    token.sender(bidder).mint(bidder, u(amount));
    assert!(token.sender(bidder).approve(liq.address(), u(amount)));
}

/// `⌈start × (cut/10_000)^k⌉`, computed exactly in `u128` (valid while it fits).
fn exact_price(start: u64, cut: u16, k: u32) -> u64 {
    let num = u128::from(start) * u128::from(cut).pow(k);
    let den = 10_000u128.pow(k);
    let price = num.div_ceil(den);
    u64::try_from(price).expect("fits")
}

/// Asserts that `$res` is `Err($variant(inner))` with `inner == $expected`.
macro_rules! assert_err {
    ($res:expr, $variant:path, $expected:expr) => {
        match $res {
            Err($variant(inner)) => assert_eq!(inner, $expected),
            Err(other) => panic!("expected {}, got {:?}", stringify!($variant), other),
            Ok(_) => panic!("expected {}, got Ok", stringify!($variant)),
        }
    };
}
pub(crate) use assert_err;

/// The live auctions as a keeper finds them (the chain keeps no list since issue 15): every id
/// `1..=auctionCount()` whose `auction(id)` status is Live, ascending.
fn live_ids(liq: &Contract<Liquidator>, who: Address) -> Vec<U256> {
    let count: u64 = liq.sender(who).auction_count().to();
    (1..=count)
        .map(U256::from)
        .filter(|id| {
            liq.sender(who)
                .auction(*id)
                .is_ok_and(|a| a.11 == crate::auction::LIVE)
        })
        .collect()
}
