//! `take`: LoanBook only, every refusal, capacity counting, escrow accounting, and the
//! snapshot words (decoded with `LoanTerms::from_words`) that carry the parameters in force
//! at the time of the take.
use alloy_primitives::{Address, U256};
use alloy_sol_types::{SolCall, SolError};
use lien_contract_common::terms::LoanTerms;
use lien_mock_false_token::FalseToken;
use lien_mock_nft::MockNft;
use motsu::prelude::*;

use super::abi;
use super::peers::LoanBookStandIn;
use super::setup::*;
use crate::params::{RiskParams, DAY};
use crate::*;

#[motsu::test]
fn only_the_loan_book_can_take(other: Contract<LoanBookStandIn>) {
    let env = Env::new();
    let offer = env.offer();
    let callers = [
        env.lender,
        env.borrower,
        env.owner,
        Address::ZERO,
        env.book.address(),
        other.address(),
    ];
    for caller in callers {
        expect_err!(
            env.book.sender(caller).take(offer, u(TOKEN), env.borrower, env.borrower),
            Error::NotLoanBook(OfferBookNotLoanBook { caller: c }) if c == caller
        );
    }
    assert_eq!(env.book.sender(env.owner).offer(offer).motsu_unwrap().10, 0);
    assert_eq!(
        env.book.sender(env.owner).held(env.token.address()),
        u(PRINCIPAL)
    );
    env.assert_solvent();
}

#[motsu::test]
fn take_pays_the_principal_and_returns_the_snapshot() {
    let env = Env::new();
    let offer = env.offer();
    let (lender, currency, collection, principal, terms, auction, tip_cap) =
        env.take(offer, TOKEN).motsu_unwrap();
    assert_eq!(
        tip_cap,
        u(TIP_CAP),
        "the currency's tip cap, for the loan's snapshot"
    );
    assert_eq!(
        (lender, currency, collection, principal),
        (
            env.lender,
            env.token.address(),
            env.nft.address(),
            u(PRINCIPAL)
        )
    );
    assert_eq!(LoanTerms::from_words(terms, auction), default_terms());
    assert_eq!((terms, auction), default_terms().to_words());
    assert_eq!(env.balance(env.borrower), u(PRINCIPAL));
    assert_eq!(env.balance(env.book.address()), U256::ZERO);
    assert_eq!(
        env.book.sender(env.owner).held(env.token.address()),
        U256::ZERO
    );
    env.book.assert_emitted(&OfferTaken {
        offerId: offer,
        borrower: env.borrower,
        tokenId: u(TOKEN),
        used: 1,
    });
    let o = env.book.sender(env.owner).offer(offer).motsu_unwrap();
    assert_eq!(
        (o.9, o.10, o.11),
        (1, 1, false),
        "capacity used up closes the offer"
    );
    expect_err!(
        env.take(offer, TOKEN),
        Error::OfferClosed(OfferBookOfferClosed {})
    );
    env.assert_solvent();
}

#[motsu::test]
fn take_through_the_abi_returns_words_and_raw_errors() {
    let env = Env::new();
    let offer = env.offer();
    let stand_in = env.loans.address();
    let call = |offer: U256, token: u64| {
        let data = abi::takeCall {
            offerId: offer,
            tokenId: u(token),
            borrower: env.borrower,
            payee: env.borrower,
        }
        .abi_encode();
        env.loans
            .sender(env.owner)
            .forward(env.book.address(), data.into())
    };
    let reply = call(offer, TOKEN).motsu_unwrap();
    let r = abi::takeCall::abi_decode_returns(&reply, true).unwrap();
    assert_eq!(
        (r.lender, r.currency, r.collection, r.principal),
        (
            env.lender,
            env.token.address(),
            env.nft.address(),
            u(PRINCIPAL)
        )
    );
    assert_eq!(LoanTerms::from_words(r.terms, r.auction), default_terms());
    assert_eq!(r.tipCap, u(TIP_CAP));
    assert_eq!(reply.len(), 7 * 32, "seven static words");
    // Refusals come back as the OfferBook's exact error encoding (what the LoanBook passes on).
    assert_eq!(
        call(offer, TOKEN).motsu_unwrap_err(),
        OfferBookOfferClosed {}.abi_encode()
    );
    assert_eq!(
        call(u(77), TOKEN).motsu_unwrap_err(),
        OfferBookUnknownOffer { offerId: u(77) }.abi_encode()
    );
    let second = env.offer();
    assert_eq!(
        call(second, 2).motsu_unwrap_err(),
        OfferBookWrongToken {}.abi_encode()
    );
    crate::clock::warp(7 * DAY);
    assert_eq!(
        call(second, TOKEN).motsu_unwrap_err(),
        OfferBookOfferExpired {}.abi_encode()
    );
    // Only the stand-in's own address is the LoanBook: the owner calling directly is not.
    let direct = env
        .book
        .sender(env.owner)
        .take(second, u(TOKEN), env.borrower, env.borrower)
        .motsu_unwrap_err();
    assert_eq!(
        Vec::<u8>::from(direct),
        OfferBookNotLoanBook { caller: env.owner }.abi_encode()
    );
    assert_ne!(env.owner, stand_in);
    env.assert_solvent();
}

#[motsu::test]
fn the_snapshot_follows_the_parameters_at_take_time() {
    let env = Env::new();
    let offer = env.offer_with(u(PRINCIPAL), true, 2);
    let (.., terms, auction, _) = env.take(offer, TOKEN).motsu_unwrap();
    assert_eq!(LoanTerms::from_words(terms, auction), default_terms());
    crate::clock::warp(DAY);
    let changed = RiskParams {
        max_ltv_bps: 4_500,
        liq_threshold_bps: 7_000,
        liq_penalty_bps: 1_300,
        auction_start_bps: 13_500,
        auction_cut_bps: 9_500,
        max_duration: 60 * DAY,
        grace_period: 2 * DAY,
        auction_step: 600,
        auction_tail: 2 * DAY,
    };
    env.set_params(env.owner, env.nft.address(), &changed)
        .motsu_unwrap();
    env.book
        .sender(env.owner)
        .set_protocol_params(1_500, 100, 4_500)
        .motsu_unwrap();
    let (.., terms, auction, _) = env.take(offer, 2).motsu_unwrap();
    let expected = LoanTerms {
        duration: DURATION,
        apr_bps: APR,
        max_ltv_bps: 4_500,
        uncertain_haircut_bps: 4_500,
        grace_period: 2 * DAY,
        liq_threshold_bps: 7_000,
        liq_penalty_bps: 1_300,
        fee_bps: 1_500,
        tip_bps: 100,
        auction_start_bps: 13_500,
        auction_cut_bps: 9_500,
        auction_step: 600,
        auction_tail: 2 * DAY,
        multiplier_bps: 0,
    };
    assert_eq!(LoanTerms::from_words(terms, auction), expected);
    env.assert_solvent();
}

#[motsu::test]
fn take_refusals_leave_the_offer_and_the_escrow_untouched() {
    let env = Env::new();
    let offer = env.offer();
    let nft = env.nft.address();
    let held = || env.book.sender(env.owner).held(env.token.address());
    for unknown in [U256::ZERO, u(77), U256::MAX] {
        expect_err!(
            env.take(unknown, TOKEN),
            Error::UnknownOffer(OfferBookUnknownOffer { offerId }) if offerId == unknown
        );
    }
    expect_err!(
        env.take(offer, 2),
        Error::WrongToken(OfferBookWrongToken {})
    );
    expect_err!(
        env.take(offer, u64::MAX),
        Error::WrongToken(OfferBookWrongToken {})
    );
    expect_err!(
        env.book
            .sender(env.loans.address())
            .take(offer, u(TOKEN), env.lender, env.lender),
        Error::SelfDealing(OfferBookSelfDealing {})
    );
    // A borrower the token cannot pay (OpenZeppelin refuses the zero address).
    expect_err!(
        env.book
            .sender(env.loans.address())
            .take(offer, u(TOKEN), Address::ZERO, Address::ZERO),
        Error::TransferFailed(OfferBookTransferFailed {})
    );
    env.book
        .sender(env.owner)
        .set_collection_enabled(nft, false)
        .motsu_unwrap();
    expect_err!(
        env.take(offer, TOKEN),
        Error::CollectionDisabled(OfferBookCollectionDisabled { collection }) if collection == nft
    );
    env.book
        .sender(env.owner)
        .set_collection_enabled(nft, true)
        .motsu_unwrap();
    // The collection's max duration fell below the offer's duration since it was made.
    crate::clock::warp(DAY);
    let shorter = RiskParams {
        max_duration: DURATION - 1,
        ..default_risk()
    };
    env.set_params(env.owner, nft, &shorter).motsu_unwrap();
    expect_err!(
        env.take(offer, TOKEN),
        Error::BadDuration(OfferBookBadDuration {})
    );
    let o = env.book.sender(env.owner).offer(offer).motsu_unwrap();
    assert_eq!((o.10, o.11), (0, true), "nothing counted");
    assert_eq!(held(), u(PRINCIPAL));
    assert_eq!(env.balance(env.borrower), U256::ZERO);
    // Cancelled offers are closed.
    env.book
        .sender(env.lender)
        .cancel_offer(offer)
        .motsu_unwrap();
    expect_err!(
        env.take(offer, TOKEN),
        Error::OfferClosed(OfferBookOfferClosed {})
    );
    assert_eq!(held(), U256::ZERO);
    env.assert_solvent();
}

#[motsu::test]
fn offers_expire_at_their_expiry() {
    let env = Env::new();
    let offer = env.offer_with(u(PRINCIPAL), true, 3);
    crate::clock::warp(7 * DAY - 1);
    env.take(offer, TOKEN).motsu_unwrap();
    crate::clock::warp(1);
    expect_err!(
        env.take(offer, 2),
        Error::OfferExpired(OfferBookOfferExpired {})
    );
    // An expired offer can still be cancelled for the unused escrow.
    assert_eq!(
        env.book
            .sender(env.lender)
            .cancel_offer(offer)
            .motsu_unwrap(),
        u(2 * PRINCIPAL)
    );
    assert_eq!(
        env.book.sender(env.owner).held(env.token.address()),
        U256::ZERO
    );
    env.assert_solvent();
}

#[motsu::test]
fn capacity_is_counted_and_closes_the_offer() {
    let env = Env::new();
    let offer = env.offer_with(u(PRINCIPAL), true, 3);
    for (token, used) in [(7u64, 1u64), (u64::MAX, 2), (7, 3)] {
        let held = env.book.sender(env.owner).held(env.token.address());
        env.take(offer, token).motsu_unwrap();
        env.book.assert_emitted(&OfferTaken {
            offerId: offer,
            borrower: env.borrower,
            tokenId: u(token),
            used,
        });
        assert_eq!(
            env.book.sender(env.owner).held(env.token.address()),
            held - u(PRINCIPAL)
        );
        let o = env.book.sender(env.owner).offer(offer).motsu_unwrap();
        assert_eq!((o.9, o.10, o.11), (3, used, used < 3));
        env.assert_solvent();
    }
    expect_err!(
        env.take(offer, 8),
        Error::OfferClosed(OfferBookOfferClosed {})
    );
    assert_eq!(env.balance(env.borrower), u(3 * PRINCIPAL));
    assert_eq!(env.balance(env.book.address()), U256::ZERO);
}

#[motsu::test]
fn a_token_that_refuses_the_payout_fails_the_take(
    bad: Contract<FalseToken>,
    nft2: Contract<MockNft>,
) {
    let env = Env::new();
    env.book
        .sender(env.owner)
        .set_currency(bad.address(), u(1))
        .motsu_unwrap();
    env.list_collection(nft2.address(), bad.address())
        .motsu_unwrap();
    bad.sender(env.lender)
        .mint(env.lender, u(PRINCIPAL))
        .motsu_unwrap();
    bad.sender(env.lender)
        .approve(env.book.address(), U256::MAX);
    let offer = env
        .book
        .sender(env.lender)
        .create_offer(
            bad.address(),
            nft2.address(),
            u(1),
            false,
            u(PRINCIPAL),
            APR,
            DURATION,
            now() + DAY,
            1,
        )
        .motsu_unwrap();
    bad.sender(env.owner).set_failing(true);
    expect_err!(
        env.take(offer, 1),
        Error::TransferFailed(OfferBookTransferFailed {})
    );
    let o = env.book.sender(env.owner).offer(offer).motsu_unwrap();
    assert_eq!(
        (o.10, o.11),
        (0, true),
        "the failed take was reverted whole"
    );
    assert_eq!(env.book.sender(env.owner).held(bad.address()), u(PRINCIPAL));
    bad.sender(env.owner).set_failing(false);
    env.take(offer, 1).motsu_unwrap();
    assert_eq!(bad.sender(env.owner).balance_of(env.borrower), u(PRINCIPAL));
    assert_eq!(env.book.sender(env.owner).held(bad.address()), U256::ZERO);
    assert!(
        bad.sender(env.owner).balance_of(env.book.address())
            >= env.book.sender(env.owner).held(bad.address())
    );
    env.assert_solvent();
}
