//! Offers: escrow, every input check, zero and `U256::MAX` amounts, addresses without code,
//! fee-on-transfer and false-returning tokens, cancellation.
use alloy_primitives::{Address, U256};
use lien_mock_false_token::FalseToken;
use lien_mock_fee_token::FeeToken;
use lien_mock_nft::MockNft;
use motsu::prelude::*;

use super::setup::*;
use crate::params::{DAY, MAX_APR_BPS, MAX_CAPACITY};
use crate::*;

#[motsu::test]
fn create_offer_escrows_principal_times_capacity() {
    let env = Env::new();
    let before = env.balance(env.lender);
    let id = env.offer_with(u(PRINCIPAL), true, 3);
    assert_eq!(id, u(1));
    assert_eq!(env.balance(env.lender), before - u(3 * PRINCIPAL));
    assert_eq!(env.balance(env.book.address()), u(3 * PRINCIPAL));
    assert_eq!(
        env.book.sender(env.owner).held(env.token.address()),
        u(3 * PRINCIPAL)
    );
    let expiry = now() + 7 * DAY;
    assert_eq!(
        env.book.sender(env.owner).offer(id).motsu_unwrap(),
        (
            env.lender,
            env.token.address(),
            env.nft.address(),
            u(TOKEN),
            true,
            u(PRINCIPAL),
            APR,
            DURATION,
            expiry,
            3,
            0,
            true
        )
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
    // A second offer adds to the escrow; ids count up.
    assert_eq!(env.offer(), u(2));
    assert_eq!(
        env.book.sender(env.owner).held(env.token.address()),
        u(4 * PRINCIPAL)
    );
    assert_eq!(env.book.sender(env.owner).offer_count(), u(2));
    env.assert_solvent();
}

#[motsu::test]
fn offer_inputs_are_checked() {
    let env = Env::new();
    let (token, nft) = (env.token.address(), env.nft.address());
    let exp = now() + DAY;
    let create = |cur: Address,
                  col: Address,
                  principal: U256,
                  apr: u16,
                  duration: u64,
                  expiry: u64,
                  cap: u64| {
        env.book.sender(env.lender).create_offer(
            cur,
            col,
            u(TOKEN),
            false,
            principal,
            apr,
            duration,
            expiry,
            cap,
        )
    };
    expect_err!(
        create(token, nft, U256::ZERO, APR, DURATION, exp, 1),
        Error::ZeroAmount(OfferBookZeroAmount {})
    );
    expect_err!(
        create(token, nft, u(1), MAX_APR_BPS + 1, DURATION, exp, 1),
        Error::BadApr(OfferBookBadApr {})
    );
    expect_err!(
        create(token, nft, u(1), u16::MAX, DURATION, exp, 1),
        Error::BadApr(OfferBookBadApr {})
    );
    expect_err!(
        create(token, nft, u(1), APR, DAY - 1, exp, 1),
        Error::BadDuration(OfferBookBadDuration {})
    );
    expect_err!(
        create(token, nft, u(1), APR, 0, exp, 1),
        Error::BadDuration(OfferBookBadDuration {})
    );
    expect_err!(
        create(token, nft, u(1), APR, 90 * DAY + 1, exp, 1),
        Error::BadDuration(OfferBookBadDuration {})
    );
    expect_err!(
        create(token, nft, u(1), APR, u64::MAX, exp, 1),
        Error::BadDuration(OfferBookBadDuration {})
    );
    expect_err!(
        create(token, nft, u(1), APR, DURATION, now(), 1),
        Error::BadExpiry(OfferBookBadExpiry {})
    );
    expect_err!(
        create(token, nft, u(1), APR, DURATION, 0, 1),
        Error::BadExpiry(OfferBookBadExpiry {})
    );
    expect_err!(
        create(token, nft, u(1), APR, DURATION, exp, 0),
        Error::BadCapacity(OfferBookBadCapacity {})
    );
    expect_err!(
        create(token, nft, u(1), APR, DURATION, exp, MAX_CAPACITY + 1),
        Error::BadCapacity(OfferBookBadCapacity {})
    );
    expect_err!(
        create(token, nft, u(1), APR, DURATION, exp, u64::MAX),
        Error::BadCapacity(OfferBookBadCapacity {})
    );
    // U256::MAX amounts: overflow of principal × capacity, or a pull the lender cannot fund.
    expect_err!(
        create(token, nft, U256::MAX, APR, DURATION, exp, 2),
        Error::Math(OfferBookMath {})
    );
    expect_err!(
        create(token, nft, U256::MAX, APR, DURATION, exp, 1),
        Error::TransferFailed(OfferBookTransferFailed {})
    );
    assert_eq!(env.book.sender(env.owner).held(token), U256::ZERO);
    assert_eq!(
        env.book.sender(env.owner).offer_count(),
        U256::ZERO,
        "failed creations leave no id behind"
    );
    expect_err!(
        env.book.sender(env.owner).offer(u(1)),
        Error::UnknownOffer(OfferBookUnknownOffer { offerId }) if offerId == u(1)
    );
    // Every limit is inclusive.
    let id = create(token, nft, u(1), MAX_APR_BPS, DAY, now() + 1, MAX_CAPACITY).motsu_unwrap();
    assert_eq!(id, u(1));
    let id = create(token, nft, u(1), 0, 90 * DAY, u64::MAX, 1).motsu_unwrap();
    assert_eq!(
        env.book.sender(env.owner).offer(id).motsu_unwrap().8,
        u64::MAX
    );
    assert_eq!(env.book.sender(env.owner).held(token), u(MAX_CAPACITY + 1));
    env.assert_solvent();
}

#[motsu::test]
fn collections_and_currencies_without_code_or_listing_are_refused() {
    let env = Env::new();
    let (token, nft) = (env.token.address(), env.nft.address());
    let exp = now() + DAY;
    let create = |cur: Address, col: Address| {
        env.book.sender(env.lender).create_offer(
            cur,
            col,
            u(TOKEN),
            false,
            u(1),
            APR,
            DURATION,
            exp,
            1,
        )
    };
    let eoa = Address::repeat_byte(4);
    for collection in [eoa, Address::ZERO, token] {
        expect_err!(
            create(token, collection),
            Error::CollectionNotListed(OfferBookCollectionNotListed { collection: c }) if c == collection
        );
    }
    // The currency must be the collection's own, whatever else it is.
    for currency in [eoa, Address::ZERO, nft, env.book.address()] {
        expect_err!(
            create(currency, nft),
            Error::WrongCurrency(OfferBookWrongCurrency {})
        );
    }
    assert_eq!(env.book.sender(env.owner).offer_count(), U256::ZERO);
    env.assert_solvent();
}

/// Lists `currency` and a second collection lent in it.
fn list_weird(env: &Env, currency: Address) -> Contract<MockNft> {
    let nft2 = Contract::<MockNft>::new();
    env.book
        .sender(env.owner)
        .set_currency(currency, u(1))
        .motsu_unwrap();
    env.list_collection(nft2.address(), currency).motsu_unwrap();
    nft2
}

#[motsu::test]
fn fee_on_transfer_tokens_are_refused(fee: Contract<FeeToken>) {
    let env = Env::new();
    let nft2 = list_weird(&env, fee.address());
    fee.sender(env.lender)
        .mint(env.lender, u(1_000_000))
        .motsu_unwrap();
    fee.sender(env.lender)
        .approve(env.book.address(), U256::MAX);
    let err = env
        .book
        .sender(env.lender)
        .create_offer(
            fee.address(),
            nft2.address(),
            u(1),
            false,
            u(10_000),
            APR,
            DURATION,
            now() + DAY,
            1,
        )
        .motsu_unwrap_err();
    assert!(
        matches!(
            err,
            Error::TransferMismatch(OfferBookTransferMismatch { expected, received })
                if expected == u(10_000) && received == u(9_900)
        ),
        "unexpected error {err:?}"
    );
    assert_eq!(env.book.sender(env.owner).held(fee.address()), U256::ZERO);
    assert_eq!(
        fee.sender(env.owner).balance_of(env.book.address()),
        U256::ZERO,
        "the pull was reverted"
    );
    assert_eq!(fee.sender(env.owner).balance_of(env.lender), u(1_000_000));
    env.assert_solvent();
}

#[motsu::test]
fn false_returning_tokens_are_refused(bad: Contract<FalseToken>) {
    let env = Env::new();
    let nft2 = list_weird(&env, bad.address());
    let create = || {
        env.book.sender(env.lender).create_offer(
            bad.address(),
            nft2.address(),
            u(1),
            false,
            u(100),
            APR,
            DURATION,
            now() + DAY,
            1,
        )
    };
    // No balance: the token answers `false` instead of reverting.
    expect_err!(create(), Error::TransferFailed(OfferBookTransferFailed {}));
    bad.sender(env.lender)
        .mint(env.lender, u(1_000))
        .motsu_unwrap();
    bad.sender(env.lender)
        .approve(env.book.address(), U256::MAX);
    // Funded, but the token refuses to move anything.
    bad.sender(env.lender).set_failing(true);
    expect_err!(create(), Error::TransferFailed(OfferBookTransferFailed {}));
    bad.sender(env.lender).set_failing(false);
    let id = create().motsu_unwrap();
    assert_eq!(env.book.sender(env.owner).held(bad.address()), u(100));
    // A refund the token refuses to send fails the cancel as a whole.
    bad.sender(env.lender).set_failing(true);
    expect_err!(
        env.book.sender(env.lender).cancel_offer(id),
        Error::TransferFailed(OfferBookTransferFailed {})
    );
    assert!(
        env.book.sender(env.lender).offer(id).motsu_unwrap().11,
        "offer stays open"
    );
    assert_eq!(
        env.book.sender(env.owner).held(bad.address()),
        u(100),
        "escrow kept"
    );
    bad.sender(env.lender).set_failing(false);
    assert_eq!(
        env.book.sender(env.lender).cancel_offer(id).motsu_unwrap(),
        u(100)
    );
    assert_eq!(bad.sender(env.lender).balance_of(env.lender), u(1_000));
    assert_eq!(env.book.sender(env.owner).held(bad.address()), U256::ZERO);
    assert!(
        bad.sender(env.owner).balance_of(env.book.address())
            >= env.book.sender(env.owner).held(bad.address())
    );
    env.assert_solvent();
}

#[motsu::test]
fn cancel_refunds_only_the_unused_escrow() {
    let env = Env::new();
    let id = env.offer_with(u(PRINCIPAL), true, 3);
    env.take(id, TOKEN).motsu_unwrap();
    expect_err!(
        env.book.sender(env.borrower).cancel_offer(id),
        Error::NotLender(OfferBookNotLender {})
    );
    expect_err!(
        env.book.sender(env.owner).cancel_offer(id),
        Error::NotLender(OfferBookNotLender {})
    );
    for unknown in [U256::ZERO, u(9), U256::MAX] {
        expect_err!(
            env.book.sender(env.lender).cancel_offer(unknown),
            Error::UnknownOffer(OfferBookUnknownOffer { offerId }) if offerId == unknown
        );
    }
    let before = env.balance(env.lender);
    assert_eq!(
        env.book.sender(env.lender).cancel_offer(id).motsu_unwrap(),
        u(2 * PRINCIPAL)
    );
    assert_eq!(env.balance(env.lender), before + u(2 * PRINCIPAL));
    env.book.assert_emitted(&OfferCancelled {
        offerId: id,
        refund: u(2 * PRINCIPAL),
    });
    let o = env.book.sender(env.owner).offer(id).motsu_unwrap();
    assert_eq!(
        (o.9, o.10, o.11),
        (3, 1, false),
        "capacity and use are kept, the offer is closed"
    );
    expect_err!(
        env.book.sender(env.lender).cancel_offer(id),
        Error::OfferClosed(OfferBookOfferClosed {})
    );
    assert_eq!(
        env.book.sender(env.owner).held(env.token.address()),
        U256::ZERO
    );
    assert_eq!(env.balance(env.book.address()), U256::ZERO);
    env.assert_solvent();
}

#[motsu::test]
fn fully_used_offers_cannot_be_cancelled() {
    let env = Env::new();
    let id = env.offer();
    env.take(id, TOKEN).motsu_unwrap();
    expect_err!(
        env.book.sender(env.lender).cancel_offer(id),
        Error::OfferClosed(OfferBookOfferClosed {})
    );
    assert_eq!(
        env.book.sender(env.owner).held(env.token.address()),
        U256::ZERO
    );
    env.assert_solvent();
}
