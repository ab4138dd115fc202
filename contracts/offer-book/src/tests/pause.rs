//! The pause: it stops new offers and `take` (so new borrowing) only.
use lien_contract_common::owner::OwnableUnauthorizedAccount;
use motsu::prelude::*;

use super::setup::*;
use crate::params::DAY;
use crate::*;

#[motsu::test]
fn pause_and_unpause_are_owner_only_and_must_change_the_state() {
    let env = Env::new();
    expect_err!(
        env.book.sender(env.lender).pause(),
        Error::UnauthorizedAccount(OwnableUnauthorizedAccount { account }) if account == env.lender
    );
    expect_err!(
        env.book.sender(env.owner).unpause(),
        Error::PauseUnchanged(OfferBookPauseUnchanged {})
    );
    env.book.sender(env.owner).pause().motsu_unwrap();
    env.book.assert_emitted(&PausedSet { paused: true });
    assert!(env.book.sender(env.owner).paused());
    expect_err!(
        env.book.sender(env.owner).pause(),
        Error::PauseUnchanged(OfferBookPauseUnchanged {})
    );
    expect_err!(
        env.book.sender(env.loans.address()).unpause(),
        Error::UnauthorizedAccount(OwnableUnauthorizedAccount { account }) if account == env.loans.address()
    );
    env.book.sender(env.owner).unpause().motsu_unwrap();
    env.book.assert_emitted(&PausedSet { paused: false });
    assert!(!env.book.sender(env.owner).paused());
    // The pause leaves the protocol parameters and the rate limit alone.
    assert_eq!(
        env.book.sender(env.owner).protocol_params(),
        (1_000, 50, 5_000, MAX_STEP, INTERVAL, start_time())
    );
    env.assert_solvent();
}

#[motsu::test]
fn pause_stops_offers_and_taking_only() {
    let env = Env::new();
    let offer = env.offer();
    let spare = env.offer_with(u(PRINCIPAL), true, 2);
    env.book.sender(env.owner).pause().motsu_unwrap();
    expect_err!(env.take(offer, TOKEN), Error::Paused(OfferBookPaused {}));
    expect_err!(
        env.book.sender(env.lender).create_offer(
            env.token.address(),
            env.nft.address(),
            u(1),
            false,
            u(1),
            APR,
            DURATION,
            now() + DAY,
            1
        ),
        Error::Paused(OfferBookPaused {})
    );
    // The caller check comes first: only the LoanBook learns about the pause.
    expect_err!(
        env.book.sender(env.lender).take(offer, u(TOKEN), env.borrower, env.borrower),
        Error::NotLoanBook(OfferBookNotLoanBook { caller }) if caller == env.lender
    );
    // Cancelling, governance and the views go on.
    assert_eq!(
        env.book
            .sender(env.lender)
            .cancel_offer(offer)
            .motsu_unwrap(),
        u(PRINCIPAL)
    );
    crate::clock::warp(DAY); // the currency's rate limit
    env.book
        .sender(env.owner)
        .set_currency(env.token.address(), u(7))
        .motsu_unwrap();
    env.book
        .sender(env.owner)
        .set_collection_enabled(env.nft.address(), false)
        .motsu_unwrap();
    env.book
        .sender(env.owner)
        .set_collection_enabled(env.nft.address(), true)
        .motsu_unwrap();
    crate::clock::warp(DAY);
    env.book
        .sender(env.owner)
        .set_protocol_params(1_100, 50, 5_000)
        .motsu_unwrap();
    assert_eq!(env.book.sender(env.owner).offer(spare).motsu_unwrap().10, 0);
    env.book.sender(env.owner).unpause().motsu_unwrap();
    env.take(spare, TOKEN).motsu_unwrap();
    assert_eq!(
        env.book.sender(env.owner).held(env.token.address()),
        u(PRINCIPAL)
    );
    assert_eq!(env.balance(env.borrower), u(PRINCIPAL));
    env.assert_solvent();
}
