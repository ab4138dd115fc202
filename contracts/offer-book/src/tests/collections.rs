//! Collections: listing, the hard bound of every parameter (with its field number), the step
//! and rate limit on changes, and the enable switch.
use alloy_primitives::Address;
use lien_contract_common::owner::OwnableUnauthorizedAccount;
use lien_mock_nft::MockNft;
use motsu::prelude::*;

use super::setup::*;
use crate::params::{field, RiskParams, DAY};
use crate::*;

#[motsu::test]
fn listing_a_collection_checks_everything() {
    let env = Env::bare();
    let (nft, token, owner) = (env.nft.address(), env.token.address(), env.owner);
    expect_err!(
        env.list_collection(nft, token),
        Error::CurrencyNotListed(OfferBookCurrencyNotListed { currency }) if currency == token
    );
    env.book
        .sender(owner)
        .set_currency(token, u(TIP_CAP))
        .motsu_unwrap();
    let eoa = Address::repeat_byte(0x66);
    expect_err!(env.list_collection(eoa, token), Error::NoCode(OfferBookNoCode { account }) if account == eoa);
    expect_err!(
        env.list_collection(Address::ZERO, token),
        Error::ZeroAddress(OfferBookZeroAddress {})
    );
    // A contract that is not a listed currency (here the NFT itself) is refused as currency.
    expect_err!(
        env.list_collection(nft, nft),
        Error::CurrencyNotListed(OfferBookCurrencyNotListed { currency }) if currency == nft
    );
    expect_err!(
        env.list_with(env.lender, nft, token, &default_risk()),
        Error::UnauthorizedAccount(OwnableUnauthorizedAccount { account }) if account == env.lender
    );
    assert_eq!(
        env.params(nft),
        (zero_risk(), (false, false, Address::ZERO, 0))
    );
    env.list_collection(nft, token).motsu_unwrap();
    env.book.assert_emitted(&CollectionListed {
        collection: nft,
        currency: token,
    });
    env.book.assert_emitted(&CollectionParamsSet {
        collection: nft,
        maxLtvBps: 4_000,
        liqThresholdBps: 6_500,
        liqPenaltyBps: 800,
        auctionStartBps: 13_000,
        auctionCutBps: 9_800,
        maxDuration: 90 * DAY,
        gracePeriod: DAY,
        auctionStep: 300,
        auctionTail: DAY,
    });
    assert_eq!(
        env.params(nft),
        (default_risk(), (true, true, token, now()))
    );
    expect_err!(
        env.list_collection(nft, token),
        Error::AlreadyListed(OfferBookAlreadyListed { collection }) if collection == nft
    );
    env.assert_solvent();
}

/// All-zero parameters (what the `params` view shows for an unlisted collection).
fn zero_risk() -> RiskParams {
    RiskParams {
        max_ltv_bps: 0,
        liq_threshold_bps: 0,
        liq_penalty_bps: 0,
        auction_start_bps: 0,
        auction_cut_bps: 0,
        max_duration: 0,
        grace_period: 0,
        auction_step: 0,
        auction_tail: 0,
    }
}

type Mutation = fn(&mut RiskParams);

/// One violation of each side of every collection bound, with the field it must name.
const VIOLATIONS: [(Mutation, u8); 17] = [
    (|p| p.max_ltv_bps = 0, field::MAX_LTV),
    (|p| p.max_ltv_bps = 8_001, field::MAX_LTV),
    (
        |p| p.liq_threshold_bps = p.max_ltv_bps,
        field::LIQ_THRESHOLD,
    ),
    (|p| p.liq_threshold_bps = 9_001, field::LIQ_THRESHOLD),
    (|p| p.liq_penalty_bps = 2_001, field::PENALTY),
    (|p| p.auction_start_bps = 9_999, field::AUCTION_START),
    (|p| p.auction_start_bps = 30_001, field::AUCTION_START),
    (|p| p.auction_cut_bps = 4_999, field::AUCTION_CUT),
    (|p| p.auction_cut_bps = 10_000, field::AUCTION_CUT),
    (|p| p.max_duration = DAY - 1, field::MAX_DURATION),
    (|p| p.max_duration = 365 * DAY + 1, field::MAX_DURATION),
    (|p| p.grace_period = 30 * DAY + 1, field::GRACE),
    (|p| p.auction_step = 59, field::AUCTION_STEP),
    (|p| p.auction_step = DAY + 1, field::AUCTION_STEP),
    (|p| p.auction_tail = p.auction_step - 1, field::AUCTION_TAIL),
    (|p| p.auction_tail = 30 * DAY + 1, field::AUCTION_TAIL),
    // the first violated field is the one reported
    (|p| (p.max_ltv_bps, p.auction_tail) = (0, 0), field::MAX_LTV),
];

/// The lowest and the highest value of every collection parameter.
fn edges() -> [RiskParams; 2] {
    [
        RiskParams {
            max_ltv_bps: 1,
            liq_threshold_bps: 2,
            liq_penalty_bps: 0,
            auction_start_bps: 10_000,
            auction_cut_bps: 5_000,
            max_duration: DAY,
            grace_period: 0,
            auction_step: 60,
            auction_tail: 60,
        },
        RiskParams {
            max_ltv_bps: 8_000,
            liq_threshold_bps: 9_000,
            liq_penalty_bps: 2_000,
            auction_start_bps: 30_000,
            auction_cut_bps: 9_999,
            max_duration: 365 * DAY,
            grace_period: 30 * DAY,
            auction_step: DAY,
            auction_tail: 30 * DAY,
        },
    ]
}

#[motsu::test]
fn every_listing_bound_names_its_field(low: Contract<MockNft>, high: Contract<MockNft>) {
    let env = Env::new();
    let token = env.token.address();
    for (mutate, expected) in VIOLATIONS {
        let mut p = default_risk();
        mutate(&mut p);
        expect_err!(
            env.list_with(env.owner, low.address(), token, &p),
            Error::ParamOutOfBounds(OfferBookParamOutOfBounds { field }) if field == expected
        );
    }
    let [lo, hi] = edges();
    env.list_with(env.owner, low.address(), token, &lo)
        .motsu_unwrap();
    env.list_with(env.owner, high.address(), token, &hi)
        .motsu_unwrap();
    assert_eq!(env.params(low.address()).0, lo);
    assert_eq!(env.params(high.address()).0, hi);
    env.assert_solvent();
}

#[motsu::test]
fn every_change_bound_names_its_field() {
    let env = Env::new();
    let nft = env.nft.address();
    crate::clock::warp(DAY);
    for (mutate, expected) in VIOLATIONS {
        let mut p = default_risk();
        mutate(&mut p);
        expect_err!(
            env.set_params(env.owner, nft, &p),
            Error::ParamOutOfBounds(OfferBookParamOutOfBounds { field }) if field == expected
        );
    }
    assert_eq!(
        env.params(nft),
        (
            default_risk(),
            (true, true, env.token.address(), start_time())
        )
    );
    env.assert_solvent();
}

#[motsu::test]
fn collection_changes_are_rate_limited_and_step_bounded() {
    let env = Env::new();
    let (nft, owner) = (env.nft.address(), env.owner);
    let next = now() + DAY;
    let up = RiskParams {
        max_ltv_bps: 4_500,
        ..default_risk()
    };
    expect_err!(
        env.set_params(owner, nft, &up),
        Error::ChangeTooSoon(OfferBookChangeTooSoon { nextAllowed }) if nextAllowed == next
    );
    crate::clock::warp(DAY - 1);
    expect_err!(
        env.set_params(owner, nft, &up),
        Error::ChangeTooSoon(OfferBookChangeTooSoon { nextAllowed }) if nextAllowed == next
    );
    crate::clock::warp(1);
    let steps: [(Mutation, u8); 6] = [
        (|p| p.max_ltv_bps = 4_501, field::MAX_LTV),
        (|p| p.max_ltv_bps = 3_499, field::MAX_LTV),
        (|p| p.liq_threshold_bps = 7_001, field::LIQ_THRESHOLD),
        (|p| p.liq_penalty_bps = 1_301, field::PENALTY),
        (|p| p.auction_start_bps = 13_501, field::AUCTION_START),
        (|p| p.auction_cut_bps = 9_299, field::AUCTION_CUT),
    ];
    for (mutate, expected) in steps {
        let mut p = default_risk();
        mutate(&mut p);
        expect_err!(
            env.set_params(owner, nft, &p),
            Error::StepTooLarge(OfferBookStepTooLarge { field }) if field == expected
        );
    }
    let unlisted = Address::repeat_byte(3);
    expect_err!(
        env.set_params(owner, unlisted, &up),
        Error::CollectionNotListed(OfferBookCollectionNotListed { collection }) if collection == unlisted
    );
    expect_err!(
        env.set_params(env.lender, nft, &up),
        Error::UnauthorizedAccount(OwnableUnauthorizedAccount { account }) if account == env.lender
    );
    // One full step in every bps field at once, and durations moved freely (they are bounded
    // but not step-limited).
    let changed = RiskParams {
        max_ltv_bps: 4_500,
        liq_threshold_bps: 7_000,
        liq_penalty_bps: 300,
        auction_start_bps: 13_500,
        auction_cut_bps: 9_300,
        max_duration: 365 * DAY,
        grace_period: 30 * DAY,
        auction_step: 60,
        auction_tail: 30 * DAY,
    };
    env.set_params(owner, nft, &changed).motsu_unwrap();
    assert_eq!(
        env.params(nft),
        (changed, (true, true, env.token.address(), now()))
    );
    env.book.assert_emitted(&CollectionParamsSet {
        collection: nft,
        maxLtvBps: 4_500,
        liqThresholdBps: 7_000,
        liqPenaltyBps: 300,
        auctionStartBps: 13_500,
        auctionCutBps: 9_300,
        maxDuration: 365 * DAY,
        gracePeriod: 30 * DAY,
        auctionStep: 60,
        auctionTail: 30 * DAY,
    });
    let next = now() + DAY;
    expect_err!(
        env.set_params(owner, nft, &changed),
        Error::ChangeTooSoon(OfferBookChangeTooSoon { nextAllowed }) if nextAllowed == next
    );
    env.assert_solvent();
}

#[motsu::test]
fn each_collection_and_the_protocol_have_their_own_interval(second: Contract<MockNft>) {
    let env = Env::new();
    crate::clock::warp(DAY);
    // Listing starts the second collection's interval now, a day after the first's.
    env.list_collection(second.address(), env.token.address())
        .motsu_unwrap();
    let up = RiskParams {
        max_ltv_bps: 4_100,
        ..default_risk()
    };
    env.set_params(env.owner, env.nft.address(), &up)
        .motsu_unwrap();
    let next = now() + DAY;
    expect_err!(
        env.set_params(env.owner, second.address(), &up),
        Error::ChangeTooSoon(OfferBookChangeTooSoon { nextAllowed }) if nextAllowed == next
    );
    env.book
        .sender(env.owner)
        .set_protocol_params(1_100, 50, 5_000)
        .motsu_unwrap();
    env.assert_solvent();
}

#[motsu::test]
fn disabling_a_collection_stops_new_offers() {
    let env = Env::new();
    let offer = env.offer();
    let nft = env.nft.address();
    expect_err!(
        env.book.sender(env.lender).set_collection_enabled(nft, false),
        Error::UnauthorizedAccount(OwnableUnauthorizedAccount { account }) if account == env.lender
    );
    let unlisted = Address::repeat_byte(9);
    expect_err!(
        env.book.sender(env.owner).set_collection_enabled(unlisted, false),
        Error::CollectionNotListed(OfferBookCollectionNotListed { collection }) if collection == unlisted
    );
    env.book
        .sender(env.owner)
        .set_collection_enabled(nft, false)
        .motsu_unwrap();
    env.book.assert_emitted(&CollectionEnabled {
        collection: nft,
        enabled: false,
    });
    assert_eq!(
        env.params(nft).1,
        (true, false, env.token.address(), start_time())
    );
    expect_err!(
        env.book
            .sender(env.lender)
            .create_offer(env.token.address(), nft, u(1), false, u(1), APR, DURATION, now() + DAY, 1),
        Error::CollectionDisabled(OfferBookCollectionDisabled { collection }) if collection == nft
    );
    // Not rate-limited (an emergency brake): it can flip back at once, and again.
    env.book
        .sender(env.owner)
        .set_collection_enabled(nft, true)
        .motsu_unwrap();
    env.book
        .sender(env.owner)
        .set_collection_enabled(nft, false)
        .motsu_unwrap();
    // Cancelling still works on a disabled collection.
    assert_eq!(
        env.book
            .sender(env.lender)
            .cancel_offer(offer)
            .motsu_unwrap(),
        u(PRINCIPAL)
    );
    env.book
        .sender(env.owner)
        .set_collection_enabled(nft, true)
        .motsu_unwrap();
    env.book.assert_emitted(&CollectionEnabled {
        collection: nft,
        enabled: true,
    });
    assert_eq!(env.offer(), u(2));
    assert_eq!(
        env.book.sender(env.owner).held(env.token.address()),
        u(PRINCIPAL)
    );
    assert_eq!(env.book.sender(env.owner).offer_count(), u(2));
    env.assert_solvent();
}
