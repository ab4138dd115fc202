//! The price curve as the contract serves it: at the start, at each step, within a step, at
//! and after the tail, at the floor, and at tiny prices.

use alloy_primitives::{Address, U256};
use motsu::prelude::*;

use super::mocks::{MockErc20, MockLoanBook, MockVault};
use super::*;
use crate::errors::*;
use crate::Liquidator;

#[motsu::test]
fn price_starts_at_start_and_cuts_once_per_step(
    liq: Contract<Liquidator>,
    token: Contract<MockErc20>,
    vault: Contract<MockVault>,
    book: Contract<MockLoanBook>,
    owner: Address,
    alice: Address,
) {
    wire(&liq, &vault, &book, owner);
    let id = start_default(&liq, &book, &token);
    assert_eq!(
        liq.sender(alice).current_price(id).motsu_expect("t=0"),
        u(START)
    );
    clock::advance(STEP - 1);
    assert_eq!(
        liq.sender(alice).current_price(id).motsu_expect("t=step-1"),
        u(START)
    );

    // At t = k·step, and all through step k, the price is ⌈start·0.98^k⌉.
    clock::advance(1);
    for k in 1..=8u32 {
        let expected = u(exact_price(START, CUT, k));
        assert_eq!(
            liq.sender(alice)
                .current_price(id)
                .motsu_expect("step start"),
            expected,
            "step {k}"
        );
        clock::advance(STEP - 1);
        assert_eq!(
            liq.sender(alice).current_price(id).motsu_expect("step end"),
            expected,
            "step {k} end"
        );
        clock::advance(1);
    }
    // Hand-checked values of the first steps.
    assert_eq!(exact_price(START, CUT, 1), 980_000);
    assert_eq!(exact_price(START, CUT, 2), 960_400);
    assert_eq!(exact_price(START, CUT, 4), 922_369); // 922_368.16 rounds up
}

#[motsu::test]
fn every_caller_sees_the_same_price(
    liq: Contract<Liquidator>,
    token: Contract<MockErc20>,
    vault: Contract<MockVault>,
    book: Contract<MockLoanBook>,
    owner: Address,
    alice: Address,
    bob: Address,
) {
    wire(&liq, &vault, &book, owner);
    let id = start_default(&liq, &book, &token);
    clock::advance(5 * STEP + 17);
    let a = liq.sender(alice).current_price(id).motsu_expect("alice");
    let b = liq.sender(bob).current_price(id).motsu_expect("bob");
    let c = liq
        .sender(book.address())
        .current_price(id)
        .motsu_expect("loan book");
    assert_eq!((a, b), (c, c));
    assert_eq!(a, u(exact_price(START, CUT, 5)));
}

#[motsu::test]
fn price_never_rises_and_stays_within_floor_and_start(
    liq: Contract<Liquidator>,
    token: Contract<MockErc20>,
    vault: Contract<MockVault>,
    book: Contract<MockLoanBook>,
    owner: Address,
    alice: Address,
) {
    wire(&liq, &vault, &book, owner);
    let floor = 400_000;
    let id = start_with(&liq, &book, &token, LOAN, START, floor, CUT);
    let mut last = u(START);
    let mut elapsed = 0;
    while elapsed < TAIL {
        let price = liq
            .sender(alice)
            .current_price(id)
            .motsu_expect("live price");
        assert!(price <= last, "rose at t={elapsed}");
        assert!(
            price >= u(floor) && price <= u(START),
            "out of range at t={elapsed}"
        );
        last = price;
        clock::advance(97);
        elapsed += 97;
    }
    // 0.98^46 ≈ 0.395 < 0.4: the floor binds long before the 24 h tail (288 steps).
    assert_eq!(last, u(floor));
}

#[motsu::test]
fn tail_ends_bidding_but_not_the_curve(
    liq: Contract<Liquidator>,
    token: Contract<MockErc20>,
    vault: Contract<MockVault>,
    book: Contract<MockLoanBook>,
    owner: Address,
    alice: Address,
) {
    wire(&liq, &vault, &book, owner);
    let start_time = 1_735_689_600 + clock::offset();
    let id = start_default(&liq, &book, &token);
    let end_time = start_time + TAIL;

    clock::advance(TAIL - 1);
    let last_price = liq
        .sender(alice)
        .current_price(id)
        .motsu_expect("last second");
    // 86_399 s = 287 full steps (0.98^287 ≈ 0.003): still positive, rounded up.
    let curve = |elapsed| {
        lien_math::auction_price_up(u(START), U256::ZERO, u64::from(CUT), STEP, elapsed)
            .expect("curve")
    };
    assert_eq!(last_price, curve(TAIL - 1));
    assert!(last_price > U256::ZERO && last_price < u(START / 100));

    clock::advance(1);
    assert_err!(
        liq.sender(alice).current_price(id),
        Error::Expired,
        LiquidatorExpired {
            auctionId: id,
            endTime: end_time
        }
    );
    clock::advance(1_000_000);
    assert_err!(
        liq.sender(alice).current_price(id),
        Error::Expired,
        LiquidatorExpired {
            auctionId: id,
            endTime: end_time
        }
    );
}

#[motsu::test]
fn tiny_prices_never_round_to_zero(
    liq: Contract<Liquidator>,
    token: Contract<MockErc20>,
    vault: Contract<MockVault>,
    book: Contract<MockLoanBook>,
    owner: Address,
    alice: Address,
) {
    wire(&liq, &vault, &book, owner);
    // Start 3, keep half per step: 3 → 2 (1.5 up) → 1 (0.75 up) → 1 … never 0.
    let halves = start_with(&liq, &book, &token, 1, 3, 0, 5_000);
    // Start 1 with the harshest cut (keep 0.01% per step): 1 forever.
    let harsh = start_with(&liq, &book, &token, 2, 1, 0, 1);
    let expected = [3u64, 2, 1, 1, 1];
    for want in expected {
        assert_eq!(
            liq.sender(alice)
                .current_price(halves)
                .motsu_expect("halves"),
            u(want)
        );
        assert_eq!(
            liq.sender(alice).current_price(harsh).motsu_expect("harsh"),
            u(1)
        );
        clock::advance(STEP);
    }
    clock::advance(TAIL - 6 * STEP);
    assert_eq!(
        liq.sender(alice)
            .current_price(halves)
            .motsu_expect("near tail"),
        u(1)
    );

    // A 1-unit payment really moves 1 unit.
    fund(&token, &liq, alice, 1);
    assert_eq!(
        liq.sender(alice).bid(harsh, u(1)).motsu_expect("bid 1"),
        u(1)
    );
    assert_eq!(token.sender(alice).balance_of(book.address()), u(1));
    assert_eq!(token.sender(alice).balance_of(alice), U256::ZERO);
}

#[motsu::test]
fn no_decay_auction_holds_its_price(
    liq: Contract<Liquidator>,
    token: Contract<MockErc20>,
    vault: Contract<MockVault>,
    book: Contract<MockLoanBook>,
    owner: Address,
    alice: Address,
) {
    wire(&liq, &vault, &book, owner);
    let id = start_with(&liq, &book, &token, LOAN, START, 0, 10_000);
    clock::advance(TAIL - 1);
    assert_eq!(
        liq.sender(alice)
            .current_price(id)
            .motsu_expect("cut 10_000"),
        u(START)
    );
}

/// The record keeps start, floor, debt and token id exact whichever words they use: both prices
/// below 2^128 with the debt equal to the floor (one word for all three), prices beyond 128 bits
/// (their own words), a debt that differs from the floor (its own word), and token ids below
/// 2^96 − 2^64 (in the currency's word) or not (their own word).
#[motsu::test]
fn prices_and_debt_come_back_exact_in_every_storage_shape(
    liq: Contract<Liquidator>,
    token: Contract<MockErc20>,
    vault: Contract<MockVault>,
    book: Contract<MockLoanBook>,
    owner: Address,
    alice: Address,
) {
    wire(&liq, &vault, &book, owner);
    let big = U256::from(1u8) << 200;
    let wide_floor = (U256::from(1u8) << 129) + u(7);
    let edge_id = (U256::from(u32::MAX) << 64) - u(1); // the largest id in the currency word
    let cases = [
        // (debt, start, floor, token id)
        (u(500), u(1_000), u(500), u(TOKEN_ID)),
        (wide_floor, big, wide_floor, U256::MAX),
        (u(400), u(u64::MAX), u(300), edge_id),
        (
            u(9),
            U256::from(u128::MAX),
            U256::from(u128::MAX),
            edge_id + u(1),
        ),
    ];
    for (i, (debt, start, floor, token_id)) in cases.into_iter().enumerate() {
        let id = liq
            .sender(book.address())
            .start_auction(
                u(i as u64 + 1),
                collection(),
                token_id,
                token.address(),
                debt,
                start,
                floor,
                STEP,
                CUT,
                TAIL,
            )
            .motsu_expect("start auction");
        let a = liq.sender(alice).auction(id).motsu_expect("auction");
        assert_eq!(
            (a.0, a.2, a.3, a.4, a.5, a.6),
            (
                u(i as u64 + 1),
                token_id,
                token.address(),
                debt,
                start,
                floor
            ),
            "case {i}"
        );
        assert_eq!(
            liq.sender(alice).current_price(id).motsu_expect("t=0"),
            start,
            "case {i}: the curve starts at the start price"
        );
    }
}
