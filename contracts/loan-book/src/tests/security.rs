//! Issue 14's fixes on the LoanBook side: M1 (an overdue loan's auction starts from the price
//! the oracle still has, whatever its status), M2 (no liquidation while the sequencer is down
//! or within its grace, overdue or not) and M3 (the multiplier is snapshotted at origination;
//! later `setMultiplier` calls or an expiry never change an open loan's health).
use alloy_primitives::U256;
use motsu::prelude::*;

use super::setup::*;
use crate::*;

/// The debt of the default loan a day and a second past its due time, default interest
/// included (issue 14 L5); every test here liquidates then.
fn debt_at_due() -> U256 {
    lien_math::loan_debt_up(
        u(PRINCIPAL),
        u32::from(APR),
        lien_math::DEFAULT_PREMIUM_BPS,
        0,
        DURATION,
        DURATION + DAY + 1,
    )
    .unwrap()
}

/// `⌈x × 1.3⌉`, the default auction start.
fn start_of(x: U256) -> U256 {
    (x * u(13_000)).div_ceil(u(10_000))
}

#[motsu::test]
fn an_overdue_auction_starts_from_the_last_twap_whatever_the_status() {
    // Stale (2), NoQuorum (3): the oracle still returns its last TWAP, which counts.
    for status in [2u8, 3] {
        let env = Env::new();
        let loan = env.loan();
        crate::clock::warp(DURATION + DAY + 1);
        env.oracle
            .sender(env.owner)
            .set(U256::ZERO, status, u(PRICE), status);
        env.book.sender(env.keeper).liquidate(loan).motsu_unwrap();
        // Before the fix: 1.3 × debt ≈ 5.5 tokens for a 10-token NFT.
        env.book.assert_emitted(&LoanLiquidated {
            loanId: loan,
            keeper: env.keeper,
            auctionId: u(1),
            debt: debt_at_due(),
            startPrice: start_of(u(PRICE)),
            overdue: true,
        });
        env.assert_solvent();
    }
}

#[motsu::test]
fn without_any_price_only_an_overdue_loan_liquidates_from_its_debt() {
    let env = Env::new();
    let loan = env.loan();
    env.oracle
        .sender(env.owner)
        .set(U256::ZERO, 3, U256::ZERO, 3);
    expect_err!(
        env.book.sender(env.keeper).liquidate(loan),
        Error::OracleUnavailable(LoanBookOracleUnavailable { status: 3 })
    );
    crate::clock::warp(DURATION + DAY + 1);
    env.book.sender(env.keeper).liquidate(loan).motsu_unwrap();
    env.book.assert_emitted(&LoanLiquidated {
        loanId: loan,
        keeper: env.keeper,
        auctionId: u(1),
        debt: debt_at_due(),
        startPrice: start_of(debt_at_due()),
        overdue: true,
    });
}

#[motsu::test]
fn no_liquidation_while_the_sequencer_is_down_or_in_its_grace() {
    let env = Env::new();
    let loan = env.loan();
    crate::clock::warp(DURATION + DAY + 1);
    // Overdue, and unhealthy too, but the oracle reports SequencerDown (down or in grace).
    env.oracle.sender(env.owner).set(
        u(PRICE),
        ORACLE_SEQUENCER_DOWN,
        u(UNIT),
        ORACLE_SEQUENCER_DOWN,
    );
    expect_err!(
        env.book.sender(env.keeper).liquidate(loan),
        Error::OracleUnavailable(LoanBookOracleUnavailable {
            status: ORACLE_SEQUENCER_DOWN
        })
    );
    assert_eq!(
        env.book.sender(env.owner).loan(loan).motsu_unwrap().9,
        storage::ACTIVE
    );
    // The borrower can still repay meanwhile; here the grace ends first and the keeper acts.
    env.oracle.sender(env.owner).set(u(PRICE), 0, u(PRICE), 0);
    env.book.sender(env.keeper).liquidate(loan).motsu_unwrap();
    env.assert_solvent();
}

#[motsu::test]
fn the_multiplier_is_snapshotted_at_origination() {
    let env = Env::new();
    // A 2× token: the borrow price (already ×2) allows 8 tokens at 40 % LTV.
    env.oracle.sender(env.owner).set_multiplier(u(20_000));
    env.oracle
        .sender(env.owner)
        .set(u(2 * PRICE), 0, u(PRICE), 0);
    let offer = env.offer_with(u(2 * PRINCIPAL), false, 1);
    let loan = env
        .book
        .sender(env.borrower)
        .borrow(offer, u(TOKEN))
        .motsu_unwrap();
    let max_debt = u(2 * PRICE * 6_500 / 10_000);
    assert_eq!(
        env.book.sender(env.owner).health(loan).motsu_unwrap(),
        (true, u(2 * PRINCIPAL), max_debt, 0)
    );
    // Governance drops the multiplier to 1× (or it expires): the loan keeps its 2×.
    env.oracle.sender(env.owner).set_multiplier(u(10_000));
    assert_eq!(
        env.book.sender(env.owner).health(loan).motsu_unwrap(),
        (true, u(2 * PRINCIPAL), max_debt, 0)
    );
    expect_err!(
        env.book.sender(env.keeper).liquidate(loan),
        Error::NotLiquidatable(LoanBookNotLiquidatable {})
    );
    // Raising it later does not lift the loan either: the floor alone moves its health.
    env.oracle.sender(env.owner).set_multiplier(u(30_000));
    env.oracle
        .sender(env.owner)
        .set(u(PRICE), 0, u(6 * UNIT), 0);
    assert_eq!(
        env.book.sender(env.owner).health(loan).motsu_unwrap(),
        (false, u(2 * PRINCIPAL), u(2 * 6 * UNIT * 6_500 / 10_000), 0)
    );
    env.book.sender(env.keeper).liquidate(loan).motsu_unwrap();
    env.book.assert_emitted(&LoanLiquidated {
        loanId: loan,
        keeper: env.keeper,
        auctionId: u(1),
        debt: u(2 * PRINCIPAL),
        startPrice: start_of(u(12 * UNIT)),
        overdue: false,
    });
    env.assert_solvent();
}
