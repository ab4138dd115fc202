//! Offers: escrow, bad inputs, weird tokens, cancel.
use alloy_primitives::{Address, U256};
use lien_mock_false_token::FalseToken;
use lien_mock_fee_token::FeeToken;
use motsu::prelude::*;

use super::setup::*;
use crate::params::DAY;
use crate::*;

#[motsu::test]
fn create_offer_escrows_principal_times_capacity() {
    let env = Env::new();
    let before = env.balance(env.lender);
    let id = env.offer_with(u(PRINCIPAL), true, 3);
    assert_eq!(id, u(1));
    assert_eq!(env.balance(env.lender), before - u(3 * PRINCIPAL));
    assert_eq!(env.balance(env.book.address()), u(3 * PRINCIPAL));
    assert_eq!(env.book.sender(env.owner).held(env.token.address()), u(3 * PRINCIPAL));
    let expiry = crate::clock::now(start_time()) + 7 * DAY;
    assert_eq!(
        env.book.sender(env.owner).offer(id).motsu_unwrap(),
        (env.lender, env.token.address(), env.nft.address(), u(TOKEN), true, u(PRINCIPAL), APR, DURATION, expiry, 3, 0, true)
    );
    env.book.assert_emitted(&OfferCreated {
        offerId: id,
        lender: env.lender,
        collection: env.nft.address(),
        currency: env.token.address(),
        tokenId: u(TOKEN),
        anyToken: true,
        principal: u(PRINCIPAL),
        aprBps: APR,
        duration: DURATION,
        expiry,
        capacity: 3,
    });
    assert_eq!(env.book.sender(env.owner).counts(), (u(1), U256::ZERO, U256::ZERO));
}

#[motsu::test]
fn offer_inputs_are_checked() {
    let env = Env::new();
    let (token, nft) = (env.token.address(), env.nft.address());
    let exp = start_time() + DAY;
    let create = |cur: Address, col: Address, principal: U256, apr: u16, duration: u64, expiry: u64, cap: u64| {
        env.book.sender(env.lender).create_offer(cur, col, u(TOKEN), false, principal, apr, duration, expiry, cap)
    };
    expect_err!(create(token, nft, U256::ZERO, APR, DURATION, exp, 1), Error::ZeroAmount(_));
    expect_err!(create(token, nft, u(1), crate::params::MAX_APR_BPS + 1, DURATION, exp, 1), Error::BadApr(_));
    expect_err!(create(token, nft, u(1), APR, DAY - 1, exp, 1), Error::BadDuration(_));
    expect_err!(create(token, nft, u(1), APR, 90 * DAY + 1, exp, 1), Error::BadDuration(_));
    expect_err!(create(token, nft, u(1), APR, DURATION, start_time(), 1), Error::BadExpiry(_));
    expect_err!(create(token, nft, u(1), APR, DURATION, exp, 0), Error::BadCapacity(_));
    expect_err!(create(token, nft, u(1), APR, DURATION, exp, 1_001), Error::BadCapacity(_));
    expect_err!(create(token, Address::repeat_byte(4), u(1), APR, DURATION, exp, 1), Error::CollectionNotListed(_));
    expect_err!(create(env.vault.address(), nft, u(1), APR, DURATION, exp, 1), Error::WrongCurrency(_));
    expect_err!(create(Address::ZERO, nft, u(1), APR, DURATION, exp, 1), Error::WrongCurrency(_));
    // U256::MAX amounts: overflow of principal × capacity, or a pull the lender cannot fund.
    expect_err!(create(token, nft, U256::MAX, APR, DURATION, exp, 2), Error::Math(_));
    expect_err!(create(token, nft, U256::MAX, APR, DURATION, exp, 1), Error::TransferFailed(_));
    assert_eq!(env.book.sender(env.owner).held(token), U256::ZERO);
    expect_err!(env.book.sender(env.owner).offer(u(1)), Error::UnknownOffer(LoanBookUnknownOffer { offerId }) if offerId == u(1));
}

/// Lists `currency` and a second collection lent in it.
fn list_weird(env: &Env, currency: Address) -> Contract<lien_mock_nft::MockNft> {
    let nft2 = Contract::<lien_mock_nft::MockNft>::new();
    env.book.sender(env.owner).set_currency(currency, u(1)).motsu_unwrap();
    env.book
        .sender(env.owner)
        .list_collection(nft2.address(), currency, 4_000, 6_500, 800, 13_000, 9_800, 90 * DAY, DAY, 300, DAY)
        .motsu_unwrap();
    nft2
}

#[motsu::test]
fn fee_on_transfer_tokens_are_refused(fee: Contract<FeeToken>) {
    let env = Env::new();
    let nft2 = list_weird(&env, fee.address());
    fee.sender(env.lender).mint(env.lender, u(1_000_000)).motsu_unwrap();
    fee.sender(env.lender).approve(env.book.address(), U256::MAX);
    let err = env
        .book
        .sender(env.lender)
        .create_offer(fee.address(), nft2.address(), u(1), false, u(10_000), APR, DURATION, start_time() + DAY, 1)
        .motsu_unwrap_err();
    assert!(matches!(
        err,
        Error::TransferMismatch(LoanBookTransferMismatch { expected, received }) if expected == u(10_000) && received == u(9_900)
    ));
}

#[motsu::test]
fn false_returning_tokens_are_refused(bad: Contract<FalseToken>) {
    let env = Env::new();
    let nft2 = list_weird(&env, bad.address());
    let create = || {
        env.book.sender(env.lender).create_offer(bad.address(), nft2.address(), u(1), false, u(100), APR, DURATION, start_time() + DAY, 1)
    };
    // No balance: the token answers `false` instead of reverting.
    expect_err!(create(), Error::TransferFailed(_));
    bad.sender(env.lender).mint(env.lender, u(1_000)).motsu_unwrap();
    bad.sender(env.lender).approve(env.book.address(), U256::MAX);
    let id = create().motsu_unwrap();
    // A refund the token refuses to send fails the cancel as a whole.
    bad.sender(env.lender).set_failing(true);
    expect_err!(env.book.sender(env.lender).cancel_offer(id), Error::TransferFailed(_));
    assert!(env.book.sender(env.lender).offer(id).motsu_unwrap().11, "offer stays open");
    bad.sender(env.lender).set_failing(false);
    assert_eq!(env.book.sender(env.lender).cancel_offer(id).motsu_unwrap(), u(100));
}

#[motsu::test]
fn cancel_refunds_only_the_unused_escrow() {
    let env = Env::new();
    let id = env.offer_with(u(PRINCIPAL), true, 3);
    env.book.sender(env.borrower).borrow(id, u(TOKEN)).motsu_unwrap();
    expect_err!(env.book.sender(env.borrower).cancel_offer(id), Error::NotLender(_));
    expect_err!(env.book.sender(env.lender).cancel_offer(u(9)), Error::UnknownOffer(_));
    let before = env.balance(env.lender);
    assert_eq!(env.book.sender(env.lender).cancel_offer(id).motsu_unwrap(), u(2 * PRINCIPAL));
    assert_eq!(env.balance(env.lender), before + u(2 * PRINCIPAL));
    env.book.assert_emitted(&OfferCancelled { offerId: id, refund: u(2 * PRINCIPAL) });
    expect_err!(env.book.sender(env.lender).cancel_offer(id), Error::OfferClosed(_));
    assert_eq!(env.book.sender(env.owner).held(env.token.address()), U256::ZERO);
    env.assert_solvent();
}

#[motsu::test]
fn expired_offers_can_be_cancelled_but_not_taken() {
    let env = Env::new();
    let id = env.offer();
    crate::clock::warp(7 * DAY);
    expect_err!(env.book.sender(env.borrower).borrow(id, u(TOKEN)), Error::OfferExpired(_));
    assert_eq!(env.book.sender(env.lender).cancel_offer(id).motsu_unwrap(), u(PRINCIPAL));
}
