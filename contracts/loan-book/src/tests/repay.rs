//! Repayment: by anyone, interest up to the due time only, during an auction (with the
//! penalty), while the OfferBook is paused and with the oracle down; snapshots survive
//! governance changes.
use alloy_primitives::{Address, U256};
use alloy_sol_types::SolError;
use lien_offer_book::OfferBookPaused;
use motsu::prelude::*;
use openzeppelin_stylus::token::erc20::{
    ERC20InsufficientAllowance, ERC20InsufficientBalance, IErc20,
};

use super::assert_offer_book_err;
use super::setup::*;
use crate::*;

/// `⌈principal × apr × elapsed / (10_000 × 365 days)⌉`.
fn interest(elapsed: u64) -> U256 {
    lien_math::interest_up(u(PRINCIPAL), u64::from(APR), elapsed).unwrap()
}

#[motsu::test]
fn anyone_repays_and_the_nft_returns_to_the_borrower() {
    let env = Env::new();
    let loan = env.loan();
    crate::clock::warp(10 * DAY);
    let debt = u(PRINCIPAL) + interest(10 * DAY);
    assert_eq!(env.book.sender(env.owner).debt(loan).motsu_unwrap(), debt);
    let fee = (interest(10 * DAY) * u(1_000)).div_ceil(u(10_000));
    let payer = env.keeper;
    let before = env.balance(payer);
    assert_eq!(env.book.sender(payer).repay(loan).motsu_unwrap(), debt);
    assert_eq!(env.balance(payer), before - debt);
    assert_eq!(env.owner_of(TOKEN), env.borrower);
    assert_eq!(
        env.vault
            .sender(env.owner)
            .locked_for(env.nft.address(), u(TOKEN)),
        U256::ZERO
    );
    let token = env.token.address();
    assert_eq!(
        env.book.sender(env.owner).claimable(env.lender, token),
        debt - fee
    );
    assert_eq!(env.book.sender(env.owner).reserve(token), fee);
    assert_eq!(env.book.sender(env.owner).held(token), debt);
    env.book.assert_emitted(&LoanRepaid {
        loanId: loan,
        payer,
        amount: debt,
        toLender: debt - fee,
        toReserve: fee,
        toKeeper: U256::ZERO,
    });
    assert_eq!(
        env.book.sender(env.owner).loan(loan).motsu_unwrap().9,
        storage::REPAID
    );
    assert_eq!(
        env.book.sender(env.owner).debt(loan).motsu_unwrap(),
        U256::ZERO
    );
    expect_err!(
        env.book.sender(payer).repay(loan),
        Error::WrongStatus(LoanBookWrongStatus {
            status: storage::REPAID
        })
    );
    expect_err!(
        env.book.sender(env.owner).health(loan),
        Error::WrongStatus(LoanBookWrongStatus {
            status: storage::REPAID
        })
    );
    expect_err!(
        env.book.sender(env.keeper).liquidate(loan),
        Error::WrongStatus(LoanBookWrongStatus {
            status: storage::REPAID
        })
    );
    // The lender pulls its proceeds.
    let before = env.balance(env.lender);
    assert_eq!(
        env.book.sender(env.lender).withdraw(token).motsu_unwrap(),
        debt - fee
    );
    assert_eq!(env.balance(env.lender), before + debt - fee);
    env.book.assert_emitted(&Withdrawn {
        account: env.lender,
        currency: token,
        amount: debt - fee,
    });
    expect_err!(
        env.book.sender(env.lender).withdraw(token),
        Error::NothingToClaim(LoanBookNothingToClaim {})
    );
    assert_eq!(
        env.book.sender(env.owner).claimable(env.lender, token),
        U256::ZERO
    );
    assert_eq!(env.book.sender(env.owner).held(token), fee);
    assert_eq!(env.balance(env.book.address()), fee);
    env.assert_solvent();
}

#[motsu::test]
fn default_interest_runs_after_the_due_time() {
    let env = Env::new();
    let loan = env.loan();
    crate::clock::warp(DURATION + 5 * DAY);
    // The APR for the term, then APR + DEFAULT_PREMIUM_BPS for five overdue days (issue 14 L5;
    // the debt was flat from the due time on before).
    let debt = lien_math::loan_debt_up(
        u(PRINCIPAL),
        u32::from(APR),
        lien_math::DEFAULT_PREMIUM_BPS,
        0,
        DURATION,
        DURATION + 5 * DAY,
    )
    .unwrap();
    assert!(debt > u(PRINCIPAL) + interest(DURATION));
    assert_eq!(env.book.sender(env.owner).debt(loan).motsu_unwrap(), debt);
    env.token
        .sender(env.borrower)
        .mint(env.borrower, u(UNIT))
        .motsu_unwrap();
    env.oracle.sender(env.owner).set_broken(true);
    assert_eq!(
        env.book.sender(env.borrower).repay(loan).motsu_unwrap(),
        debt
    );
    assert_eq!(env.balance(env.borrower), u(PRINCIPAL + UNIT) - debt);
    env.assert_solvent();
}

#[motsu::test]
fn repay_cancel_and_claims_go_on_while_paused_with_the_oracle_down() {
    let env = Env::new();
    let offer = env.offer();
    let loan = {
        let o2 = env.offer_with(u(PRINCIPAL), true, 1);
        env.book
            .sender(env.borrower)
            .borrow(o2, u(TOKEN))
            .motsu_unwrap()
    };
    env.offers.sender(env.owner).pause().motsu_unwrap();
    expect_err!(
        env.offers.sender(env.lender).create_offer(
            env.token.address(),
            env.nft.address(),
            u(TOKEN),
            true,
            u(1),
            APR,
            DURATION,
            start_time() + DAY,
            1
        ),
        lien_offer_book::Error::Paused(OfferBookPaused {})
    );
    env.oracle.sender(env.owner).set_broken(true);
    env.book.sender(env.borrower).repay(loan).motsu_unwrap();
    assert_eq!(env.owner_of(TOKEN), env.borrower);
    assert_offer_book_err(
        env.book
            .sender(env.borrower)
            .borrow(offer, u(TOKEN))
            .motsu_unwrap_err(),
        OfferBookPaused {},
    );
    env.offers
        .sender(env.lender)
        .cancel_offer(offer)
        .motsu_unwrap();
    assert_eq!(
        env.book
            .sender(env.lender)
            .withdraw(env.token.address())
            .motsu_unwrap(),
        u(PRINCIPAL)
    );
    env.offers.sender(env.owner).unpause().motsu_unwrap();
    assert!(!env.offers.sender(env.owner).paused());
    env.assert_solvent();
}

#[motsu::test]
fn repay_during_an_auction_costs_the_penalty_and_cancels_it() {
    let env = Env::new();
    let (loan, auction) = env.in_auction(6 * UNIT);
    crate::clock::warp(5 * DAY);
    env.token
        .sender(env.borrower)
        .mint(env.borrower, u(UNIT))
        .motsu_unwrap();
    let penalty = u(PRINCIPAL * 8 / 100);
    assert_eq!(
        env.book.sender(env.owner).debt(loan).motsu_unwrap(),
        u(PRINCIPAL) + penalty,
        "frozen: no interest"
    );
    let paid = env.book.sender(env.borrower).repay(loan).motsu_unwrap();
    assert_eq!(paid, u(PRINCIPAL) + penalty);
    assert_eq!(
        env.liq.sender(env.owner).state(auction),
        2,
        "auction cancelled"
    );
    assert_eq!(env.owner_of(TOKEN), env.borrower);
    let token = env.token.address();
    assert_eq!(
        env.book.sender(env.owner).claimable(env.lender, token),
        u(PRINCIPAL)
    );
    // The keeper that started the auction is paid its recorded tip (0.01 token, the cap) out
    // of the penalty (issue 14 L5; it got nothing before).
    let tip = u(TIP_CAP);
    assert_eq!(env.book.sender(env.owner).reserve(token), penalty - tip);
    assert_eq!(
        env.book.sender(env.owner).claimable(env.keeper, token),
        tip,
        "the keeper is paid on a repay that cancels its auction"
    );
    env.book.assert_emitted(&LoanRepaid {
        loanId: loan,
        payer: env.borrower,
        amount: u(PRINCIPAL) + penalty,
        toLender: u(PRINCIPAL),
        toReserve: penalty - tip,
        toKeeper: tip,
    });
    assert_eq!(
        env.book.sender(env.owner).loan(loan).motsu_unwrap().9,
        storage::REPAID
    );
    env.assert_solvent();
}

#[motsu::test]
fn a_payer_without_funds_or_allowance_cannot_repay() {
    let env = Env::new();
    let loan = env.loan();
    let payer = Address::repeat_byte(0x33);
    let debt = env.book.sender(payer).debt(loan).motsu_unwrap();
    // The token's own ERC-6093 error comes back unchanged, with the amounts.
    let no_allowance = ERC20InsufficientAllowance {
        spender: env.book.address(),
        allowance: U256::ZERO,
        needed: debt,
    };
    expect_err!(
        env.book.sender(payer).repay(loan),
        Error::Callee(ref data) if *data == no_allowance.abi_encode()
    );
    env.token
        .sender(payer)
        .approve(env.book.address(), debt)
        .motsu_unwrap();
    let no_funds = ERC20InsufficientBalance {
        sender: payer,
        balance: U256::ZERO,
        needed: debt,
    };
    expect_err!(
        env.book.sender(payer).repay(loan),
        Error::Callee(ref data) if *data == no_funds.abi_encode()
    );
    env.token
        .sender(payer)
        .mint(payer, u(PRINCIPAL))
        .motsu_unwrap();
    env.token
        .sender(payer)
        .approve(env.book.address(), U256::ZERO)
        .motsu_unwrap();
    expect_err!(
        env.book.sender(payer).repay(loan),
        Error::Callee(ref data) if *data == no_allowance.abi_encode()
    );
    assert_eq!(
        env.book.sender(env.owner).loan(loan).motsu_unwrap().9,
        storage::ACTIVE
    );
    assert_eq!(env.owner_of(TOKEN), env.vault.address());
    assert_eq!(
        env.book.sender(env.owner).held(env.token.address()),
        U256::ZERO
    );
    env.token
        .sender(payer)
        .approve(env.book.address(), u(PRINCIPAL))
        .motsu_unwrap();
    assert_eq!(
        env.book.sender(payer).repay(loan).motsu_unwrap(),
        u(PRINCIPAL)
    );
    assert_eq!(env.balance(payer), U256::ZERO);
    env.assert_solvent();
}

#[motsu::test]
fn governance_changes_never_touch_running_loans() {
    let env = Env::new();
    let loan = env.loan();
    env.offers
        .sender(env.owner)
        .set_collection_params(
            env.nft.address(),
            4_500,
            7_000,
            1_300,
            13_500,
            9_500,
            90 * DAY,
            2 * DAY,
            600,
            2 * DAY,
        )
        .motsu_unwrap();
    env.offers
        .sender(env.owner)
        .set_protocol_params(1_500, 100, 4_500)
        .motsu_unwrap();
    env.offers
        .sender(env.owner)
        .set_currency(env.token.address(), u(UNIT))
        .motsu_unwrap();
    let terms = env.book.sender(env.owner).loan_terms(loan).motsu_unwrap();
    assert_eq!(
        terms,
        (
            DAY,
            6_500,
            800,
            1_000,
            50,
            13_000,
            9_800,
            300,
            DAY,
            u(TIP_CAP)
        )
    );
    // Health still uses the snapshot's 65% threshold.
    assert_eq!(
        env.book.sender(env.owner).health(loan).motsu_unwrap(),
        (true, u(PRINCIPAL), u(6_500_000), 0)
    );
    // Repaying at the due time charges the snapshot's fee (10%), not the new 15%.
    crate::clock::warp(DURATION);
    env.token
        .sender(env.borrower)
        .mint(env.borrower, u(UNIT))
        .motsu_unwrap();
    let debt = u(PRINCIPAL) + interest(DURATION);
    let fee = (interest(DURATION) * u(1_000)).div_ceil(u(10_000));
    assert_eq!(
        env.book.sender(env.borrower).repay(loan).motsu_unwrap(),
        debt
    );
    assert_eq!(env.book.sender(env.owner).reserve(env.token.address()), fee);
    env.assert_solvent();
}
