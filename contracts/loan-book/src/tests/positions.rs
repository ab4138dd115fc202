//! Lender positions and claims: `transferLoan`, the per-account loan lists, `withdraw`,
//! `withdrawReserve`, and the NFT's return without a receiver callback.
use alloy_primitives::{Address, U256};
use lien_contract_common::owner::OwnableUnauthorizedAccount;
use motsu::prelude::*;
use openzeppelin_stylus::token::erc721::IErc721;

use super::mocks::ReentrantReceiver;
use super::setup::*;
use crate::*;

#[motsu::test]
fn lender_positions_are_transferable() {
    let env = Env::new();
    let loan = env.loan();
    let buyer = Address::repeat_byte(0x42);
    expect_err!(
        env.book.sender(env.borrower).transfer_loan(loan, buyer),
        Error::NotLender(LoanBookNotLender {})
    );
    expect_err!(
        env.book.sender(buyer).transfer_loan(loan, buyer),
        Error::NotLender(LoanBookNotLender {})
    );
    expect_err!(
        env.book
            .sender(env.lender)
            .transfer_loan(loan, Address::ZERO),
        Error::ZeroAddress(LoanBookZeroAddress {})
    );
    expect_err!(
        env.book.sender(env.lender).transfer_loan(loan, env.lender),
        Error::SelfDealing(LoanBookSelfDealing {})
    );
    expect_err!(
        env.book
            .sender(env.lender)
            .transfer_loan(loan, env.borrower),
        Error::SelfDealing(LoanBookSelfDealing {})
    );
    env.book
        .sender(env.lender)
        .transfer_loan(loan, buyer)
        .motsu_unwrap();
    env.book.assert_emitted(&LoanTransferred {
        loanId: loan,
        from: env.lender,
        to: buyer,
    });
    assert_eq!(
        env.book.sender(env.owner).loan(loan).motsu_unwrap().1,
        buyer
    );
    assert_eq!(env.lender_loans(buyer), vec![loan]);
    assert!(env.lender_loans(env.lender).is_empty());
    expect_err!(
        env.book.sender(env.lender).transfer_loan(loan, buyer),
        Error::NotLender(LoanBookNotLender {})
    );
    env.book.sender(env.borrower).repay(loan).motsu_unwrap();
    let token = env.token.address();
    assert_eq!(
        env.book.sender(env.owner).claimable(buyer, token),
        u(PRINCIPAL)
    );
    assert_eq!(
        env.book.sender(env.owner).claimable(env.lender, token),
        U256::ZERO
    );
    expect_err!(
        env.book.sender(buyer).transfer_loan(loan, env.lender),
        Error::WrongStatus(LoanBookWrongStatus {
            status: storage::REPAID
        })
    );
    assert_eq!(
        env.book.sender(buyer).withdraw(token).motsu_unwrap(),
        u(PRINCIPAL)
    );
    assert_eq!(env.balance(buyer), u(PRINCIPAL));
    env.assert_solvent();
}

#[motsu::test]
fn positions_in_auction_move_with_their_proceeds() {
    let env = Env::new();
    let (loan, auction) = env.in_auction(6 * UNIT);
    let buyer = Address::repeat_byte(0x42);
    env.book
        .sender(env.lender)
        .transfer_loan(loan, buyer)
        .motsu_unwrap();
    let price = env.liq.sender(env.bidder).current_price(auction);
    env.liq
        .sender(env.bidder)
        .bid(auction, price)
        .motsu_unwrap();
    let token = env.token.address();
    assert_eq!(
        env.book.sender(env.owner).claimable(buyer, token),
        u(PRINCIPAL)
    );
    assert_eq!(
        env.book.sender(env.owner).claimable(env.lender, token),
        U256::ZERO
    );
    expect_err!(
        env.book.sender(buyer).transfer_loan(loan, env.lender),
        Error::WrongStatus(LoanBookWrongStatus {
            status: storage::LIQUIDATED
        })
    );
    env.assert_solvent();
}

#[motsu::test]
fn lender_lists_do_not_repeat_positions_that_come_back() {
    let env = Env::new();
    let loan = env.loan();
    let second = env.loan_on(2);
    let other = Address::repeat_byte(0x42);
    env.book
        .sender(env.lender)
        .transfer_loan(loan, other)
        .motsu_unwrap();
    assert_eq!(env.lender_loans(env.lender), vec![second]);
    env.book
        .sender(other)
        .transfer_loan(loan, env.lender)
        .motsu_unwrap();
    assert_eq!(env.lender_loans(env.lender), vec![loan, second]);
    assert!(env.lender_loans(other).is_empty());
    assert_eq!(env.borrower_loans(env.borrower), vec![loan, second]);
    assert!(env.borrower_loans(other).is_empty());
    env.assert_solvent();
}

#[motsu::test]
fn claims_add_up_across_loans_and_leave_in_one_withdrawal() {
    let env = Env::new();
    let a = env.loan();
    let b = env.loan_on(2);
    let token = env.token.address();
    env.book.sender(env.borrower).repay(a).motsu_unwrap();
    env.book.sender(env.borrower).repay(b).motsu_unwrap();
    assert_eq!(
        env.book.sender(env.owner).claimable(env.lender, token),
        u(2 * PRINCIPAL)
    );
    assert_eq!(env.book.sender(env.owner).held(token), u(2 * PRINCIPAL));
    // Claims are per currency: nothing in another one.
    expect_err!(
        env.book.sender(env.lender).withdraw(env.nft.address()),
        Error::NothingToClaim(LoanBookNothingToClaim {})
    );
    expect_err!(
        env.book.sender(env.borrower).withdraw(token),
        Error::NothingToClaim(LoanBookNothingToClaim {})
    );
    assert_eq!(
        env.book.sender(env.lender).withdraw(token).motsu_unwrap(),
        u(2 * PRINCIPAL)
    );
    assert_eq!(env.book.sender(env.owner).held(token), U256::ZERO);
    assert_eq!(env.balance(env.book.address()), U256::ZERO);
    env.assert_solvent();
}

#[motsu::test]
fn reserve_withdrawal_is_owner_only_and_bounded() {
    let env = Env::new();
    let loan = env.loan();
    crate::clock::warp(DURATION);
    env.token
        .sender(env.borrower)
        .mint(env.borrower, u(UNIT))
        .motsu_unwrap();
    env.book.sender(env.borrower).repay(loan).motsu_unwrap();
    let token = env.token.address();
    let reserve = env.book.sender(env.owner).reserve(token);
    assert!(reserve > U256::ZERO);
    let to = Address::repeat_byte(0x99);
    expect_err!(
        env.book.sender(env.lender).withdraw_reserve(token, reserve, to),
        Error::UnauthorizedAccount(OwnableUnauthorizedAccount { account }) if account == env.lender
    );
    expect_err!(
        env.book
            .sender(env.owner)
            .withdraw_reserve(token, reserve, Address::ZERO),
        Error::ZeroAddress(LoanBookZeroAddress {})
    );
    expect_err!(
        env.book
            .sender(env.owner)
            .withdraw_reserve(token, U256::ZERO, to),
        Error::ZeroAmount(LoanBookZeroAmount {})
    );
    expect_err!(
        env.book
            .sender(env.owner)
            .withdraw_reserve(token, reserve + u(1), to),
        Error::InsufficientReserve(LoanBookInsufficientReserve {})
    );
    expect_err!(
        env.book
            .sender(env.owner)
            .withdraw_reserve(token, U256::MAX, to),
        Error::InsufficientReserve(LoanBookInsufficientReserve {})
    );
    // The lender's claim is not reserve: it cannot be taken.
    let held = env.book.sender(env.owner).held(token);
    assert!(held > reserve);
    env.book
        .sender(env.owner)
        .withdraw_reserve(token, reserve - u(1), to)
        .motsu_unwrap();
    env.book
        .sender(env.owner)
        .withdraw_reserve(token, u(1), to)
        .motsu_unwrap();
    assert_eq!(env.balance(to), reserve);
    assert_eq!(env.book.sender(env.owner).reserve(token), U256::ZERO);
    assert_eq!(env.book.sender(env.owner).held(token), held - reserve);
    env.book.assert_emitted(&ReserveWithdrawn {
        currency: token,
        to,
        amount: reserve - u(1),
    });
    env.book.assert_emitted(&ReserveWithdrawn {
        currency: token,
        to,
        amount: u(1),
    });
    expect_err!(
        env.book.sender(env.owner).withdraw_reserve(token, u(1), to),
        Error::InsufficientReserve(LoanBookInsufficientReserve {})
    );
    env.assert_solvent();
}

#[motsu::test]
fn returning_the_nft_never_calls_the_receiver(receiver: Contract<ReentrantReceiver>) {
    let env = Env::new();
    let who = receiver.address();
    env.nft.sender(who).mint(who, u(5)).motsu_unwrap();
    env.nft
        .sender(who)
        .set_approval_for_all(env.vault.address(), true)
        .motsu_unwrap();
    let offer = env.offer_with(u(PRINCIPAL), true, 1);
    let loan = env.book.sender(who).borrow(offer, u(5)).motsu_unwrap();
    receiver.sender(who).arm(env.book.address(), loan);
    env.book.sender(env.keeper).repay(loan).motsu_unwrap();
    assert_eq!(env.owner_of(5), who);
    assert_eq!(
        receiver.sender(who).hits(),
        U256::ZERO,
        "release uses transferFrom, no callback"
    );
    // The receiver does react to a safe transfer, so the check above can fail.
    env.nft
        .sender(who)
        .safe_transfer_from(who, who, u(5))
        .motsu_unwrap();
    assert_eq!(receiver.sender(who).hits(), u(1));
    assert_eq!(
        env.book.sender(env.owner).loan(loan).motsu_unwrap().9,
        storage::REPAID
    );
    env.assert_solvent();
}
