//! Liquidation: overdue past grace or unhealthy by the oracle's liquidation price; healthy
//! loans, self-dealing keepers and an unusable oracle are refused; the frozen debt, the start
//! price, the keeper tip (capped by the OfferBook's `currencyInfo`) and the auction's id.
use alloy_primitives::{Address, U256};
use motsu::prelude::*;

use super::setup::*;
use crate::*;

#[motsu::test]
fn healthy_loans_cannot_be_liquidated() {
    let env = Env::new();
    let loan = env.loan();
    assert_eq!(
        env.book.sender(env.owner).health(loan).motsu_unwrap(),
        (true, u(PRINCIPAL), u(6_500_000), 0)
    );
    expect_err!(
        env.book.sender(env.keeper).liquidate(loan),
        Error::NotLiquidatable(LoanBookNotLiquidatable {})
    );
    expect_err!(
        env.book.sender(env.borrower).liquidate(loan),
        Error::SelfDealing(LoanBookSelfDealing {})
    );
    // Exactly at the threshold (4 tokens = 65% of 6.1538...): 4 × 10000 ≤ 6_153_847 × 6500.
    env.oracle
        .sender(env.owner)
        .set(u(PRICE), 0, u(6_153_847), 0);
    assert!(env.book.sender(env.owner).health(loan).motsu_unwrap().0);
    expect_err!(
        env.book.sender(env.keeper).liquidate(loan),
        Error::NotLiquidatable(LoanBookNotLiquidatable {})
    );
    env.oracle
        .sender(env.owner)
        .set(u(PRICE), 0, u(6_153_846), 0);
    assert!(
        !env.book.sender(env.owner).health(loan).motsu_unwrap().0,
        "one unit lower is unhealthy"
    );
    // Stale oracle and not overdue: no health liquidation.
    env.oracle.sender(env.owner).set(u(PRICE), 2, u(1), 2);
    expect_err!(
        env.book.sender(env.keeper).liquidate(loan),
        Error::OracleUnavailable(LoanBookOracleUnavailable { status: 2 })
    );
    assert_eq!(
        env.book.sender(env.owner).health(loan).motsu_unwrap(),
        (false, u(PRINCIPAL), U256::ZERO, 2)
    );
    // Overdue but inside the grace period (due + grace is still allowed time).
    env.oracle.sender(env.owner).set(u(PRICE), 0, u(PRICE), 0);
    crate::clock::warp(DURATION + DAY);
    expect_err!(
        env.book.sender(env.keeper).liquidate(loan),
        Error::NotLiquidatable(LoanBookNotLiquidatable {})
    );
    assert_eq!(env.book.sender(env.owner).counts(), (u(1), U256::ZERO));
    env.assert_solvent();
}

#[motsu::test]
fn an_unusable_oracle_blocks_health_liquidation() {
    let env = Env::new();
    let loan = env.loan();
    env.oracle.sender(env.owner).set_broken(true);
    expect_err!(
        env.book.sender(env.keeper).liquidate(loan),
        Error::OracleUnavailable(LoanBookOracleUnavailable {
            status: ORACLE_CALL_FAILED
        })
    );
    assert_eq!(
        env.book.sender(env.owner).health(loan).motsu_unwrap(),
        (false, u(PRINCIPAL), U256::ZERO, ORACLE_CALL_FAILED)
    );
    env.oracle.sender(env.owner).set_broken(false);
    // An `Ok` status with a zero price is no price either.
    env.oracle.sender(env.owner).set(u(PRICE), 0, U256::ZERO, 0);
    expect_err!(
        env.book.sender(env.keeper).liquidate(loan),
        Error::OracleUnavailable(LoanBookOracleUnavailable { status: 0 })
    );
    for status in [3u8, 4] {
        env.oracle.sender(env.owner).set(u(PRICE), 0, u(1), status);
        expect_err!(
            env.book.sender(env.keeper).liquidate(loan),
            Error::OracleUnavailable(LoanBookOracleUnavailable { status: s }) if s == status
        );
    }
    assert_eq!(
        env.book.sender(env.owner).loan(loan).motsu_unwrap().9,
        storage::ACTIVE
    );
    env.assert_solvent();
}

#[motsu::test]
fn unhealthy_loans_go_to_auction_with_frozen_debt() {
    let env = Env::new();
    let loan = env.loan();
    // 4 tokens of debt against 65% × price: unhealthy below a price of 6.1539 tokens.
    env.oracle
        .sender(env.owner)
        .set(u(PRICE), 0, u(6 * UNIT), 0);
    assert_eq!(
        env.book.sender(env.owner).health(loan).motsu_unwrap(),
        (false, u(PRINCIPAL), u(3_900_000), 0)
    );
    let auction = env.book.sender(env.keeper).liquidate(loan).motsu_unwrap();
    assert_eq!(auction, u(1));
    let start = u(6 * UNIT * 13 / 10);
    env.book.assert_emitted(&LoanLiquidated {
        loanId: loan,
        keeper: env.keeper,
        auctionId: auction,
        debt: u(PRINCIPAL),
        startPrice: start,
        overdue: false,
    });
    {
        let liq = env.liq.sender(env.owner);
        let a = liq.auctions.getter(auction);
        assert_eq!(
            (a.loan_id.get(), a.collection.get(), a.token_id.get()),
            (loan, env.nft.address(), u(TOKEN))
        );
        assert_eq!(
            (a.currency.get(), a.debt.get(), a.start_price.get()),
            (env.token.address(), u(PRINCIPAL), start)
        );
        // The reserve price: never below the frozen debt (issue 14 L4; it was 0).
        assert_eq!(a.floor_price.get(), u(PRINCIPAL));
        assert_eq!(
            (
                a.step.get().to::<u64>(),
                a.cut_bps.get().to::<u64>(),
                a.tail.get().to::<u64>()
            ),
            (300, 9_800, DAY)
        );
    }
    let l = env.book.sender(env.owner).loan(loan).motsu_unwrap();
    assert_eq!(
        (l.9, l.10, l.11, l.12),
        (storage::IN_AUCTION, u(PRINCIPAL), auction, env.keeper)
    );
    // Tip: 0.5% of 4 tokens = 0.02 tokens, capped at 0.01.
    assert_eq!(
        env.book.sender(env.owner).loan_terms(loan).motsu_unwrap().9,
        u(TIP_CAP)
    );
    assert_eq!(env.book.sender(env.owner).counts(), (u(1), u(1)));
    // Frozen: time no longer adds interest; repaying now costs debt + 8% penalty.
    crate::clock::warp(5 * DAY);
    assert_eq!(
        env.book.sender(env.owner).debt(loan).motsu_unwrap(),
        u(PRINCIPAL * 108 / 100)
    );
    expect_err!(
        env.book.sender(env.keeper).liquidate(loan),
        Error::WrongStatus(LoanBookWrongStatus {
            status: storage::IN_AUCTION
        })
    );
    expect_err!(
        env.book.sender(env.owner).health(loan),
        Error::WrongStatus(LoanBookWrongStatus {
            status: storage::IN_AUCTION
        })
    );
    // The NFT stays in the vault until the auction ends.
    assert_eq!(env.owner_of(TOKEN), env.vault.address());
    env.assert_solvent();
}

#[motsu::test]
fn overdue_loans_liquidate_without_the_oracle() {
    let env = Env::new();
    let loan = env.loan();
    crate::clock::warp(DURATION + DAY + 1);
    env.oracle.sender(env.owner).set_broken(true);
    // overdue a day and a second: default interest included (issue 14 L5)
    let debt = lien_math::loan_debt_up(
        u(PRINCIPAL),
        u32::from(APR),
        lien_math::DEFAULT_PREMIUM_BPS,
        0,
        DURATION,
        DURATION + DAY + 1,
    )
    .unwrap();
    expect_err!(
        env.book.sender(env.borrower).liquidate(loan),
        Error::SelfDealing(LoanBookSelfDealing {})
    );
    env.book.sender(env.keeper).liquidate(loan).motsu_unwrap();
    // No usable price: the start is 1.3 × the frozen debt.
    let start = (debt * u(13_000)).div_ceil(u(10_000));
    env.book.assert_emitted(&LoanLiquidated {
        loanId: loan,
        keeper: env.keeper,
        auctionId: u(1),
        debt,
        startPrice: start,
        overdue: true,
    });
    assert_eq!(
        env.book.sender(env.owner).loan(loan).motsu_unwrap().10,
        debt
    );
    env.assert_solvent();
}

#[motsu::test]
fn overdue_loans_start_from_the_price_when_there_is_one() {
    let env = Env::new();
    let loan = env.loan();
    crate::clock::warp(DURATION + DAY + 1);
    // A healthy price: overdue alone is enough, and the start is 1.3 × max(price, debt).
    env.book.sender(env.keeper).liquidate(loan).motsu_unwrap();
    // overdue a day and a second: default interest included (issue 14 L5)
    let debt = lien_math::loan_debt_up(
        u(PRINCIPAL),
        u32::from(APR),
        lien_math::DEFAULT_PREMIUM_BPS,
        0,
        DURATION,
        DURATION + DAY + 1,
    )
    .unwrap();
    env.book.assert_emitted(&LoanLiquidated {
        loanId: loan,
        keeper: env.keeper,
        auctionId: u(1),
        debt,
        startPrice: u(13 * UNIT),
        overdue: true,
    });
    env.assert_solvent();
}

#[motsu::test]
fn uncertain_prices_still_allow_health_liquidation() {
    let env = Env::new();
    let loan = env.loan();
    env.oracle
        .sender(env.owner)
        .set(u(PRICE), 1, u(5 * UNIT), 1);
    let (healthy, debt, max_debt, status) = env.book.sender(env.owner).health(loan).motsu_unwrap();
    assert_eq!(
        (healthy, debt, max_debt, status),
        (false, u(PRINCIPAL), u(3_250_000), 1)
    );
    assert_eq!(
        env.book.sender(env.keeper).liquidate(loan).motsu_unwrap(),
        u(1)
    );
    assert_eq!(env.book.sender(env.owner).counts(), (u(1), u(1)));
    env.assert_solvent();
}

#[motsu::test]
fn a_liquidator_that_refuses_or_miscounts_reverts_the_liquidation() {
    let env = Env::new();
    let loan = env.loan();
    env.oracle.sender(env.owner).set(u(PRICE), 0, u(UNIT), 0);
    env.liq.sender(env.owner).set_skew(u(1));
    expect_err!(
        env.book.sender(env.keeper).liquidate(loan),
        Error::AuctionIdMismatch(LoanBookAuctionIdMismatch { expected, got }) if expected == u(1) && got == u(2)
    );
    env.liq.sender(env.owner).set_skew(U256::ZERO);
    // A liquidator that refuses to start the auction (it no longer knows the LoanBook).
    env.liq
        .sender(env.owner)
        .init(Address::repeat_byte(0x99), env.vault.address());
    expect_err!(
        env.book.sender(env.keeper).liquidate(loan),
        Error::Callee(ref data) if *data == b"only loan book"
    );
    let l = env.book.sender(env.owner).loan(loan).motsu_unwrap();
    assert_eq!(
        (l.9, l.10, l.11, l.12),
        (storage::ACTIVE, U256::ZERO, U256::ZERO, Address::ZERO)
    );
    assert_eq!(env.book.sender(env.owner).counts(), (u(1), U256::ZERO));
    env.liq
        .sender(env.owner)
        .init(env.book.address(), env.vault.address());
    assert_eq!(
        env.book.sender(env.keeper).liquidate(loan).motsu_unwrap(),
        u(1)
    );
    env.assert_solvent();
}

#[motsu::test]
fn the_tip_cap_is_snapshotted_at_borrow() {
    let env = Env::new();
    let first = env.loan();
    let second = env.loan_on(2);
    // Tip rate and cap are both snapshotted at borrow time (issue 14 L3: the cap used to be
    // read from the OfferBook at liquidation, so governance could change it for open loans).
    env.offers
        .sender(env.owner)
        .set_protocol_params(1_000, 100, 5_000)
        .motsu_unwrap();
    env.offers
        .sender(env.owner)
        .set_currency(env.token.address(), u(UNIT))
        .motsu_unwrap();
    env.oracle.sender(env.owner).set(u(PRICE), 0, u(UNIT), 0);
    env.book.sender(env.keeper).liquidate(first).motsu_unwrap();
    // 0.5 % (the snapshot) of 4 tokens = 0.02 tokens, capped by the borrow-time 0.01.
    assert_eq!(
        env.book
            .sender(env.owner)
            .loan_terms(first)
            .motsu_unwrap()
            .9,
        u(TIP_CAP)
    );
    env.offers
        .sender(env.owner)
        .set_currency(env.token.address(), U256::ZERO)
        .motsu_unwrap();
    env.book.sender(env.keeper).liquidate(second).motsu_unwrap();
    assert_eq!(
        env.book
            .sender(env.owner)
            .loan_terms(second)
            .motsu_unwrap()
            .9,
        u(TIP_CAP),
        "a later cap of 0 does not reach the open loan"
    );
    // A loan taken now snapshots the new cap (0): its keeper gets nothing.
    let third = env.loan_on(3);
    env.book.sender(env.keeper).liquidate(third).motsu_unwrap();
    assert_eq!(
        env.book
            .sender(env.owner)
            .loan_terms(third)
            .motsu_unwrap()
            .9,
        U256::ZERO
    );
    env.assert_solvent();
}
