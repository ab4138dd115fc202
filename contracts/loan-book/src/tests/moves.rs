//! The LoanDesk's functions (issue 16), called directly on the LoanBook (motsu runs no
//! `delegatecall`; the same code runs through the fallback on the dev node:
//! tests/tests/loans_that_move.rs): partial repayment, lender refinance, borrower rollover.
use alloy_primitives::U256;
use motsu::prelude::*;
use openzeppelin_stylus::token::erc20::IErc20;

use super::setup::*;
use crate::desk::*;
use crate::storage::ACTIVE;
use crate::{Error, LoanBookWrongStatus};

/// `⌈x × 1_000 / 10_000⌉`: the 10 % protocol fee on interest, rounded up.
fn fee(interest: U256) -> U256 {
    (interest * u(1_000)).div_ceil(u(10_000))
}

#[motsu::test]
fn a_partial_repayment_settles_the_interest_then_lowers_the_principal() {
    let env = Env::new();
    let loan = env.loan();
    crate::clock::warp(10 * DAY);
    let debt = env.book.sender(env.owner).debt(loan).motsu_unwrap();
    let interest = debt - u(PRINCIPAL);
    expect_err!(
        env.book.sender(env.borrower).repay_part(loan, interest),
        DeskError::PartBelowInterest(LoanDeskPartBelowInterest { interest: i }) if i == interest
    );
    expect_err!(
        env.book.sender(env.borrower).repay_part(loan, debt),
        DeskError::PartCoversDebt(LoanDeskPartCoversDebt { debt: d }) if d == debt
    );
    let before = env.balance(env.borrower);
    let pay = u(UNIT);
    let left = env
        .book
        .sender(env.borrower)
        .repay_part(loan, pay)
        .motsu_unwrap();
    assert_eq!(left, debt - pay);
    assert_eq!(env.balance(env.borrower), before - pay);
    let token = env.token.address();
    assert_eq!(
        env.book.sender(env.owner).claimable(env.lender, token),
        pay - fee(interest)
    );
    assert_eq!(env.book.sender(env.owner).reserve(token), fee(interest));
    let l = env.book.sender(env.owner).loan(loan).motsu_unwrap();
    assert_eq!(
        (l.5, l.7, l.9),
        (left, now(), ACTIVE),
        "principal, start, status"
    );
    env.book.assert_emitted(&LoanRepaidPart {
        loanId: loan,
        payer: env.borrower,
        amount: pay,
        interest,
        principalLeft: left,
        toLender: pay - fee(interest),
        toReserve: fee(interest),
    });
    // interest restarts on the lower principal; the loan still ends with a repay
    env.token
        .sender(env.borrower)
        .mint(env.borrower, u(UNIT))
        .motsu_unwrap();
    env.book.sender(env.borrower).repay(loan).motsu_unwrap();
    expect_err!(
        env.book.sender(env.borrower).repay_part(loan, pay),
        DeskError::Callee(_)
    );
    env.assert_solvent();
}

/// A collection-wide offer by the keeper (a second lender): `principal`, `apr`, `days`.
fn keeper_offer(env: &Env, principal: U256, apr: u16, days: u64) -> U256 {
    env.token
        .sender(env.keeper)
        .approve(env.offers.address(), U256::MAX)
        .motsu_unwrap();
    env.offers
        .sender(env.keeper)
        .create_offer(
            env.token.address(),
            env.nft.address(),
            U256::ZERO,
            true,
            principal,
            apr,
            days * DAY,
            now() + 7 * DAY,
            1,
        )
        .motsu_unwrap()
}

#[motsu::test]
fn a_lender_refinances_on_better_terms_and_pays_the_old_lender_off() {
    let env = Env::new();
    let loan = env.loan();
    crate::clock::warp(5 * DAY);
    let higher = keeper_offer(&env, u(5 * UNIT), APR + 1, 60);
    let lower = keeper_offer(&env, u(5 * UNIT), APR - 100, 30);
    expect_err!(
        env.book.sender(env.keeper).refinance(loan, higher),
        DeskError::NotBetter(_)
    );
    expect_err!(
        env.book.sender(env.borrower).refinance(loan, lower),
        DeskError::NotOfferLender(_)
    );
    let debt = env.book.sender(env.owner).debt(loan).motsu_unwrap();
    let paid = env
        .book
        .sender(env.keeper)
        .refinance(loan, lower)
        .motsu_unwrap();
    assert_eq!(paid, debt);
    let token = env.token.address();
    let fee = fee(debt - u(PRINCIPAL));
    assert_eq!(
        env.book.sender(env.owner).claimable(env.lender, token),
        debt - fee
    );
    assert_eq!(
        env.book.sender(env.owner).claimable(env.keeper, token),
        u(5 * UNIT) - debt
    );
    assert_eq!(env.book.sender(env.owner).reserve(token), fee);
    let l = env.book.sender(env.owner).loan(loan).motsu_unwrap();
    assert_eq!(
        (l.1, l.5, l.6, l.8),
        (env.keeper, debt, APR - 100, now() + 30 * DAY)
    );
    assert_eq!(
        env.owner_of(TOKEN),
        env.vault.address(),
        "the NFT stays in the vault"
    );
    env.assert_solvent();
}

#[motsu::test]
fn the_borrower_rolls_over_paying_only_the_shortfall() {
    let env = Env::new();
    let loan = env.loan();
    crate::clock::warp(10 * DAY);
    // the lender's new collection-wide offer of the same principal: the interest is short
    let offer = env.offer_with(u(PRINCIPAL), true, 1);
    expect_err!(
        env.book.sender(env.keeper).rollover(loan, offer),
        DeskError::NotBorrower(_)
    );
    let debt = env.book.sender(env.owner).debt(loan).motsu_unwrap();
    let before = env.balance(env.borrower);
    let principal = env
        .book
        .sender(env.borrower)
        .rollover(loan, offer)
        .motsu_unwrap();
    assert_eq!(principal, u(PRINCIPAL));
    assert_eq!(env.balance(env.borrower), before - (debt - u(PRINCIPAL)));
    let l = env.book.sender(env.owner).loan(loan).motsu_unwrap();
    assert_eq!(
        (l.5, l.7, l.8, l.9),
        (u(PRINCIPAL), now(), now() + DURATION, ACTIVE)
    );
    // an auction is not rolled over
    env.oracle.sender(env.owner).set(u(PRICE), 0, u(UNIT), 0);
    env.book.sender(env.keeper).liquidate(loan).motsu_unwrap();
    let offer = env.offer_with(u(PRINCIPAL), true, 1);
    let err = env
        .book
        .sender(env.borrower)
        .rollover(loan, offer)
        .motsu_unwrap_err();
    assert_eq!(
        Vec::<u8>::from(err),
        Vec::<u8>::from(Error::WrongStatus(LoanBookWrongStatus { status: 2 }))
    );
    env.assert_solvent();
}

#[motsu::test]
fn the_refinance_minimum_cut_is_the_owners_and_bounded() {
    let env = Env::new();
    expect_err!(
        env.book.sender(env.lender).set_refinance_min_cut(10),
        DeskError::Callee(_)
    );
    expect_err!(
        env.book
            .sender(env.owner)
            .set_refinance_min_cut(MAX_REFINANCE_MIN_CUT_BPS + 1),
        DeskError::MinCutOutOfBounds(_)
    );
    env.book
        .sender(env.owner)
        .set_refinance_min_cut(200)
        .motsu_unwrap();
    assert_eq!(env.book.sender(env.owner).refinance_min_cut(), 200);
    env.book
        .assert_emitted(&RefinanceMinCutSet { minCutBps: 200 });
}
