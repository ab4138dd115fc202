//! `bid`: the exact price, the max-price guard, the tail, a second bid, misbehaving tokens
//! and peers, and a re-entrant bidder.

use alloy_primitives::{Address, U256};
use alloy_sol_types::SolError;
use motsu::prelude::*;

use super::mocks::{self, MockErc20, MockLoanBook, MockVault, ReentrantBidder};
use super::*;
use crate::auction::{LIVE, SOLD};
use crate::errors::*;
use crate::events::*;
use crate::Liquidator;

/// Asserts the auction is still live and nothing moved (after a refused bid).
fn assert_untouched(
    liq: &Contract<Liquidator>,
    token: &Contract<MockErc20>,
    vault: &Contract<MockVault>,
    book: &Contract<MockLoanBook>,
    id: U256,
    bidder: Address,
    funded: u64,
) {
    let view = liq.sender(bidder).auction(id).motsu_expect("view");
    assert_eq!(
        (view.11, view.12, view.13),
        (LIVE, Address::ZERO, U256::ZERO)
    );
    assert_eq!(live_ids(&liq, bidder), vec![id]);
    assert_eq!(token.sender(bidder).balance_of(bidder), u(funded));
    assert_eq!(token.sender(bidder).balance_of(book.address()), U256::ZERO);
    assert_eq!(vault.sender(bidder).releases(), U256::ZERO);
    assert_eq!(book.sender(bidder).settled().0, U256::ZERO);
}

#[motsu::test]
fn bid_at_the_exact_price_settles_everything(
    liq: Contract<Liquidator>,
    token: Contract<MockErc20>,
    vault: Contract<MockVault>,
    book: Contract<MockLoanBook>,
    owner: Address,
    alice: Address,
) {
    wire(&liq, &vault, &book, owner);
    let id = start_default(&liq, &book, &token);
    clock::advance(3 * STEP + 5);
    let price = liq.sender(alice).current_price(id).motsu_expect("price");
    assert_eq!(price, u(exact_price(START, CUT, 3)));
    fund(&token, &liq, alice, START);

    assert_eq!(
        liq.sender(alice)
            .bid(id, price)
            .motsu_expect("bid at max == price"),
        price
    );

    // Money: exactly the price, from the bidder straight to the LoanBook.
    assert_eq!(token.sender(alice).balance_of(book.address()), price);
    assert_eq!(token.sender(alice).balance_of(alice), u(START) - price);
    assert_eq!(token.sender(alice).balance_of(liq.address()), U256::ZERO);
    // NFT: released by the vault to the bidder.
    assert_eq!(vault.sender(alice).holder(collection(), u(TOKEN_ID)), alice);
    assert_eq!(vault.sender(alice).releases(), u(1));
    // Settlement: the LoanBook heard once, with the loan, the proceeds and the buyer.
    assert_eq!(book.sender(alice).settled(), (u(1), u(LOAN), price, alice));
    // State and event.
    let view = liq.sender(alice).auction(id).motsu_expect("view");
    assert_eq!((view.11, view.12, view.13), (SOLD, alice, price));
    assert!(live_ids(&liq, alice).is_empty());
    liq.assert_emitted(&AuctionSettled {
        auctionId: id,
        loanId: u(LOAN),
        buyer: alice,
        price,
    });
}

#[motsu::test]
fn bid_above_the_max_is_refused(
    liq: Contract<Liquidator>,
    token: Contract<MockErc20>,
    vault: Contract<MockVault>,
    book: Contract<MockLoanBook>,
    owner: Address,
    alice: Address,
) {
    wire(&liq, &vault, &book, owner);
    let id = start_default(&liq, &book, &token);
    fund(&token, &liq, alice, START);
    assert_err!(
        liq.sender(alice).bid(id, u(START - 1)).motsu_res(),
        Error::PriceAboveMax,
        LiquidatorPriceAboveMax {
            price: u(START),
            maxPrice: u(START - 1)
        }
    );
    assert_err!(
        liq.sender(alice).bid(id, U256::ZERO).motsu_res(),
        Error::PriceAboveMax,
        LiquidatorPriceAboveMax {
            price: u(START),
            maxPrice: U256::ZERO
        }
    );
    assert_untouched(&liq, &token, &vault, &book, id, alice, START);

    // Once the price has stepped down to the max, the same bid goes through at the price.
    clock::advance(STEP);
    let paid = liq
        .sender(alice)
        .bid(id, u(990_000))
        .motsu_expect("price fell under max");
    assert_eq!(paid, u(980_000));
}

#[motsu::test]
fn bid_at_and_after_the_tail_is_refused(
    liq: Contract<Liquidator>,
    token: Contract<MockErc20>,
    vault: Contract<MockVault>,
    book: Contract<MockLoanBook>,
    owner: Address,
    alice: Address,
) {
    wire(&liq, &vault, &book, owner);
    let end_time = 1_735_689_600 + clock::offset() + TAIL;
    let id = start_default(&liq, &book, &token);
    fund(&token, &liq, alice, START);
    clock::advance(TAIL);
    assert_err!(
        liq.sender(alice).bid(id, u(START)).motsu_res(),
        Error::Expired,
        LiquidatorExpired {
            auctionId: id,
            endTime: end_time
        }
    );
    clock::advance(365 * 86_400);
    assert_err!(
        liq.sender(alice).bid(id, u(START)).motsu_res(),
        Error::Expired,
        LiquidatorExpired {
            auctionId: id,
            endTime: end_time
        }
    );
    assert_untouched(&liq, &token, &vault, &book, id, alice, START);
}

#[motsu::test]
fn bid_in_the_last_second_is_accepted(
    liq: Contract<Liquidator>,
    token: Contract<MockErc20>,
    vault: Contract<MockVault>,
    book: Contract<MockLoanBook>,
    owner: Address,
    alice: Address,
) {
    wire(&liq, &vault, &book, owner);
    let id = start_default(&liq, &book, &token);
    fund(&token, &liq, alice, START);
    clock::advance(TAIL - 1);
    let price = liq.sender(alice).current_price(id).motsu_expect("price");
    assert_eq!(
        liq.sender(alice)
            .bid(id, u(START))
            .motsu_expect("last second"),
        price
    );
    assert_eq!(book.sender(alice).settled(), (u(1), u(LOAN), price, alice));
}

#[motsu::test]
fn second_bid_is_refused(
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
    fund(&token, &liq, alice, START);
    fund(&token, &liq, bob, START);
    liq.sender(alice)
        .bid(id, u(START))
        .motsu_expect("first bid");
    for bidder in [bob, alice] {
        assert_err!(
            liq.sender(bidder).bid(id, u(START)).motsu_res(),
            Error::NotLive,
            LiquidatorNotLive {
                auctionId: id,
                status: SOLD
            }
        );
        assert_err!(
            liq.sender(bidder).current_price(id),
            Error::NotLive,
            LiquidatorNotLive {
                auctionId: id,
                status: SOLD
            }
        );
    }
    assert_eq!(token.sender(bob).balance_of(bob), u(START));
    assert_eq!(token.sender(bob).balance_of(book.address()), u(START));
    assert_eq!(book.sender(bob).settled(), (u(1), u(LOAN), u(START), alice));
    assert_eq!(vault.sender(bob).holder(collection(), u(TOKEN_ID)), alice);
}

#[motsu::test]
fn unpaid_bid_reverts_whole(
    liq: Contract<Liquidator>,
    token: Contract<MockErc20>,
    vault: Contract<MockVault>,
    book: Contract<MockLoanBook>,
    owner: Address,
    alice: Address,
) {
    wire(&liq, &vault, &book, owner);
    let id = start_default(&liq, &book, &token);
    // Funded but approved for less than the price.
    token.sender(alice).mint(alice, u(START));
    assert!(token.sender(alice).approve(liq.address(), u(START - 1)));
    // The token's own reason comes back unchanged (was LiquidatorCallFailed(token)).
    assert_err!(
        liq.sender(alice).bid(id, u(START)).motsu_res(),
        Error::Callee,
        b"insufficient allowance".to_vec()
    );
    assert_untouched(&liq, &token, &vault, &book, id, alice, START);
}

#[motsu::test]
fn fee_on_transfer_and_false_returning_tokens_are_rejected(
    liq: Contract<Liquidator>,
    token: Contract<MockErc20>,
    vault: Contract<MockVault>,
    book: Contract<MockLoanBook>,
    owner: Address,
    alice: Address,
) {
    wire(&liq, &vault, &book, owner);
    let id = start_default(&liq, &book, &token);
    fund(&token, &liq, alice, START);

    token.sender(owner).set_mode(mocks::FEE_ON_TRANSFER);
    assert_err!(
        liq.sender(alice).bid(id, u(START)).motsu_res(),
        Error::PaymentMismatch,
        LiquidatorPaymentMismatch {
            expected: u(START),
            received: u(START - 1)
        }
    );
    assert_untouched(&liq, &token, &vault, &book, id, alice, START);

    token.sender(owner).set_mode(mocks::RETURNS_FALSE);
    assert_err!(
        liq.sender(alice).bid(id, u(START)).motsu_res(),
        Error::TransferFailed,
        LiquidatorTransferFailed {
            currency: token.address()
        }
    );
    assert_untouched(&liq, &token, &vault, &book, id, alice, START);

    token.sender(owner).set_mode(mocks::HONEST);
    liq.sender(alice)
        .bid(id, u(START))
        .motsu_expect("honest token");
}

#[motsu::test]
fn failing_vault_or_loan_book_reverts_the_bid(
    liq: Contract<Liquidator>,
    token: Contract<MockErc20>,
    vault: Contract<MockVault>,
    book: Contract<MockLoanBook>,
    owner: Address,
    alice: Address,
) {
    wire(&liq, &vault, &book, owner);
    let id = start_default(&liq, &book, &token);
    fund(&token, &liq, alice, START);

    vault.sender(owner).set_failing(true);
    assert_err!(
        liq.sender(alice).bid(id, u(START)).motsu_res(),
        Error::Callee,
        b"vault says no".to_vec()
    );
    assert_untouched(&liq, &token, &vault, &book, id, alice, START);
    vault.sender(owner).set_failing(false);

    book.sender(owner).set_failing(true);
    assert_err!(
        liq.sender(alice).bid(id, u(START)).motsu_res(),
        Error::Callee,
        b"loan book says no".to_vec()
    );
    assert_untouched(&liq, &token, &vault, &book, id, alice, START);
    book.sender(owner).set_failing(false);

    liq.sender(alice)
        .bid(id, u(START))
        .motsu_expect("peers healthy again");
    assert_eq!(
        book.sender(alice).settled(),
        (u(1), u(LOAN), u(START), alice)
    );
}

#[motsu::test]
fn reentrant_bidder_cannot_buy_twice(
    liq: Contract<Liquidator>,
    token: Contract<MockErc20>,
    vault: Contract<MockVault>,
    book: Contract<MockLoanBook>,
    attacker: Contract<ReentrantBidder>,
    owner: Address,
    eve: Address,
) {
    wire(&liq, &vault, &book, owner);
    let id = start_default(&liq, &book, &token);
    token.sender(eve).mint(attacker.address(), u(3 * START));
    token.sender(owner).set_mode(mocks::CALLS_BACK);

    let paid = attacker
        .sender(eve)
        .attack(token.address(), liq.address(), id, u(START))
        .motsu_expect("outer bid");
    assert_eq!(paid, u(START));

    // The hook ran once and its bid, made while the outer bid was paying, found the auction
    // already sold (effects come before the payment pull).
    let expected = LiquidatorNotLive {
        auctionId: id,
        status: SOLD,
    }
    .abi_encode();
    assert_eq!(
        attacker.sender(eve).inner(),
        (u(1), false, stylus_sdk::abi::Bytes::from(expected))
    );
    // One payment, one release, one settlement.
    assert_eq!(token.sender(eve).balance_of(book.address()), u(START));
    assert_eq!(
        token.sender(eve).balance_of(attacker.address()),
        u(2 * START)
    );
    assert_eq!(vault.sender(eve).releases(), u(1));
    assert_eq!(
        vault.sender(eve).holder(collection(), u(TOKEN_ID)),
        attacker.address()
    );
    assert_eq!(
        book.sender(eve).settled(),
        (u(1), u(LOAN), u(START), attacker.address())
    );
}
