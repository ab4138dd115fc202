//! motsu tests of the whole contract against `lien-mock-feed` feeds.
#![allow(clippy::too_many_arguments)]

use alloy_primitives::{Address, I256, U256};
use lien_mock_feed::MockFeed;
use motsu::prelude::*;

use super::*;
use crate::quote::status;

const DAY: u64 = 86_400;
const HOUR: u64 = 3_600;

fn u(x: u64) -> U256 {
    U256::from(x)
}

/// The `setParams` word of (minSources, maxAge, maxJumpBps, confirmDelay, maxSpreadBps,
/// twapWindow, decimals).
fn pw(
    min_sources: u8,
    max_age: u64,
    max_jump_bps: u16,
    confirm_delay: u64,
    max_spread_bps: u16,
    twap_window: u64,
    decimals: u8,
) -> U256 {
    packed::params_word(&params::Params {
        min_sources,
        max_age,
        max_jump_bps,
        confirm_delay,
        max_spread_bps,
        twap_window,
        decimals,
    })
}

fn collection() -> Address {
    Address::with_last_byte(0xC0)
}

fn other_collection() -> Address {
    Address::with_last_byte(0xC1)
}

fn now() -> u64 {
    #[allow(deprecated)] // motsu's fixed block time, read the way the host exposes it
    let base = stylus_sdk::block::timestamp();
    clock::now(base)
}

fn deploy(oracle: &Contract<PriceOracle>, owner: Address, reporters: &[Address]) {
    clock::reset();
    oracle
        .sender(owner)
        .constructor(owner)
        .expect("constructor");
    for r in reporters {
        oracle
            .sender(owner)
            .add_reporter(collection(), *r)
            .expect("add reporter");
    }
}

fn post_all(oracle: &Contract<PriceOracle>, reporters: &[Address], price: u64) {
    for r in reporters {
        oracle
            .sender(*r)
            .post_price(collection(), u(price))
            .expect("post");
    }
}

/// Posts `price` from every reporter, waits a full TWAP window and posts it again, so the
/// TWAP covers its whole window at `price` and every source is fresh.
fn seed(oracle: &Contract<PriceOracle>, reporters: &[Address], price: u64) {
    post_all(oracle, reporters, price);
    clock::advance(DAY);
    post_all(oracle, reporters, price);
}

fn borrow(oracle: &Contract<PriceOracle>, who: Address) -> (U256, u8) {
    oracle
        .sender(who)
        .borrow_price(collection(), U256::ZERO)
        .expect("borrow price")
}

fn liquidation(oracle: &Contract<PriceOracle>, who: Address) -> (U256, u8) {
    oracle
        .sender(who)
        .liquidation_price(collection(), U256::ZERO)
        .expect("liquidation price")
}

fn loose_jumps(oracle: &Contract<PriceOracle>, owner: Address, min_sources: u8) {
    oracle
        .sender(owner)
        .set_params(
            collection(),
            pw(min_sources, HOUR, 10_000, 1_800, 1_500, DAY, 18),
        )
        .expect("params");
}

fn new_feed(feed: &Contract<MockFeed>, owner: Address, decimals: u8) {
    feed.sender(owner)
        .constructor(owner, decimals)
        .expect("feed constructor");
}

fn set_feed(feed: &Contract<MockFeed>, owner: Address, answer: i128, updated_at: u64) {
    feed.sender(owner)
        .set_round(
            I256::try_from(answer).expect("answer"),
            u(updated_at),
            u(updated_at),
        )
        .expect("set round");
}

// ------------------------------------------------------------------ statuses

#[motsu::test]
fn ok_after_a_full_window(
    oracle: Contract<PriceOracle>,
    owner: Address,
    a: Address,
    b: Address,
    c: Address,
) {
    let rs = [a, b, c];
    deploy(&oracle, owner, &rs);
    seed(&oracle, &rs, 1_000);
    assert_eq!(borrow(&oracle, a), (u(1_000), status::OK));
    assert_eq!(liquidation(&oracle, a), (u(1_000), status::OK));
    assert_eq!(
        oracle.sender(a).spot(collection()).expect("spot"),
        (u(1_000), u(1_000), u(1_000), 3, 3)
    );
    oracle.assert_emitted(&PricePosted {
        collection: collection(),
        reporter: c,
        price: u(1_000),
    });
    oracle.assert_emitted(&TwapUpdated {
        collection: collection(),
        price: u(1_000),
        cumulative: u(1_000 * DAY),
        fresh: 3,
    });
}

#[motsu::test]
fn young_twap_is_uncertain(
    oracle: Contract<PriceOracle>,
    owner: Address,
    a: Address,
    b: Address,
    c: Address,
) {
    let rs = [a, b, c];
    deploy(&oracle, owner, &rs);
    post_all(&oracle, &rs, 1_000);
    assert_eq!(borrow(&oracle, a), (u(1_000), status::UNCERTAIN));
    clock::advance(DAY - 1);
    post_all(&oracle, &rs, 1_000);
    assert_eq!(borrow(&oracle, a).1, status::UNCERTAIN);
    clock::advance(1);
    assert_eq!(borrow(&oracle, a).1, status::OK);
    let (twap, young, start, _, last) = oracle.sender(a).twap(collection()).expect("twap");
    assert_eq!((twap, young, last), (u(1_000), false, u(1_000)));
    assert_eq!(start, now() - DAY);
}

#[motsu::test]
fn dispersion_is_uncertain_and_borrows_on_the_lowest(
    oracle: Contract<PriceOracle>,
    owner: Address,
    a: Address,
    b: Address,
    c: Address,
) {
    let rs = [a, b, c];
    deploy(&oracle, owner, &rs);
    loose_jumps(&oracle, owner, 3);
    seed(&oracle, &rs, 1_000);
    oracle
        .sender(a)
        .post_price(collection(), u(900))
        .expect("post");
    oracle
        .sender(c)
        .post_price(collection(), u(1_200))
        .expect("post");
    // spread (1200 − 900) / 1000 = 30% > 15%: the lowest fresh value, not the median.
    assert_eq!(borrow(&oracle, a), (u(900), status::UNCERTAIN));
    assert_eq!(liquidation(&oracle, a), (u(1_000), status::UNCERTAIN));
    // 15% exactly is still Ok.
    oracle
        .sender(a)
        .post_price(collection(), u(1_000))
        .expect("post");
    oracle
        .sender(c)
        .post_price(collection(), u(1_150))
        .expect("post");
    assert_eq!(borrow(&oracle, a), (u(1_000), status::OK));
}

#[motsu::test]
fn stale_sources(
    oracle: Contract<PriceOracle>,
    owner: Address,
    a: Address,
    b: Address,
    c: Address,
) {
    let rs = [a, b, c];
    deploy(&oracle, owner, &rs);
    seed(&oracle, &rs, 1_000);
    clock::advance(HOUR);
    assert_eq!(
        borrow(&oracle, a).1,
        status::OK,
        "exactly max_age old is still fresh"
    );
    clock::advance(1);
    assert_eq!(borrow(&oracle, a), (U256::ZERO, status::STALE));
    assert_eq!(
        liquidation(&oracle, a),
        (u(1_000), status::STALE),
        "liquidation keeps the TWAP"
    );
    oracle
        .sender(a)
        .post_price(collection(), u(1_000))
        .expect("post");
    oracle
        .sender(b)
        .post_price(collection(), u(1_000))
        .expect("post");
    assert_eq!(
        borrow(&oracle, a).1,
        status::STALE,
        "two fresh, three reporting"
    );
    oracle
        .sender(c)
        .post_price(collection(), u(1_000))
        .expect("post");
    assert_eq!(borrow(&oracle, a).1, status::OK);
}

#[motsu::test]
fn quorum_edges(oracle: Contract<PriceOracle>, owner: Address, a: Address, b: Address, c: Address) {
    let rs = [a, b, c];
    deploy(&oracle, owner, &rs);
    // Nothing posted: no TWAP, no quorum.
    assert_eq!(borrow(&oracle, a), (U256::ZERO, status::NO_QUORUM));
    assert_eq!(liquidation(&oracle, a), (U256::ZERO, status::NO_QUORUM));
    oracle
        .sender(a)
        .post_price(collection(), u(1_000))
        .expect("post");
    oracle
        .sender(b)
        .post_price(collection(), u(1_000))
        .expect("post");
    assert_eq!(
        borrow(&oracle, a),
        (U256::ZERO, status::NO_QUORUM),
        "2 of 3"
    );
    let (_, _, start, _, _) = oracle.sender(a).twap(collection()).expect("twap");
    assert_eq!(start, 0, "no TWAP history without quorum");
    oracle
        .sender(c)
        .post_price(collection(), u(1_000))
        .expect("post");
    assert_eq!(
        borrow(&oracle, a),
        (u(1_000), status::UNCERTAIN),
        "3 of 3, young TWAP"
    );
    // Quorum of 1: a single source suffices; quorum above the source count never does.
    oracle
        .sender(owner)
        .set_params(collection(), pw(1, HOUR, 2_000, 1_800, 1_500, DAY, 18))
        .expect("params");
    clock::advance(DAY);
    oracle
        .sender(a)
        .post_price(collection(), u(1_000))
        .expect("post");
    assert_eq!(borrow(&oracle, a), (u(1_000), status::OK));
    oracle
        .sender(owner)
        .set_params(collection(), pw(4, HOUR, 2_000, 1_800, 1_500, DAY, 18))
        .expect("params");
    post_all(&oracle, &rs, 1_000);
    assert_eq!(borrow(&oracle, a), (U256::ZERO, status::NO_QUORUM));
    assert_eq!(liquidation(&oracle, a), (u(1_000), status::NO_QUORUM));
}

// ------------------------------------------------------------------ manipulation

#[motsu::test]
fn one_manipulated_source_among_three(
    oracle: Contract<PriceOracle>,
    owner: Address,
    a: Address,
    b: Address,
    c: Address,
) {
    let rs = [a, b, c];
    deploy(&oracle, owner, &rs);
    loose_jumps(&oracle, owner, 3);
    seed(&oracle, &rs, 1_000);
    oracle
        .sender(c)
        .post_price(collection(), u(1_900))
        .expect("within the loose jump limit");
    let (median, _, max, _, _) = oracle.sender(a).spot(collection()).expect("spot");
    assert_eq!((median, max), (u(1_000), u(1_900)));
    assert_eq!(borrow(&oracle, a).0, u(1_000));
    // It keeps posting for a whole window: the TWAP does not move either.
    for _ in 0..24 {
        clock::advance(HOUR);
        post_all(&oracle, &[a, b], 1_000);
        oracle
            .sender(c)
            .post_price(collection(), u(1_900))
            .expect("post");
    }
    assert_eq!(liquidation(&oracle, a).0, u(1_000));
    assert_eq!(borrow(&oracle, a), (u(1_000), status::UNCERTAIN));
}

#[motsu::test]
fn manipulated_sources_among_five(
    oracle: Contract<PriceOracle>,
    owner: Address,
    a: Address,
    b: Address,
    c: Address,
    d: Address,
    e: Address,
) {
    let rs = [a, b, c, d, e];
    deploy(&oracle, owner, &rs);
    loose_jumps(&oracle, owner, 3);
    seed(&oracle, &rs, 1_000);
    oracle
        .sender(e)
        .post_price(collection(), u(1_950))
        .expect("post");
    assert_eq!(
        oracle.sender(a).spot(collection()).expect("spot").0,
        u(1_000)
    );
    oracle
        .sender(d)
        .post_price(collection(), u(1_990))
        .expect("post");
    assert_eq!(
        oracle.sender(a).spot(collection()).expect("spot").0,
        u(1_000),
        "two of five"
    );
    clock::advance(DAY);
    post_all(&oracle, &[a, b, c], 1_000);
    oracle
        .sender(d)
        .post_price(collection(), u(1_990))
        .expect("post");
    oracle
        .sender(e)
        .post_price(collection(), u(1_950))
        .expect("post");
    assert_eq!(liquidation(&oracle, a).0, u(1_000));
    assert_eq!(borrow(&oracle, a).0, u(1_000));
}

#[motsu::test]
fn spamming_reporter_cannot_drag_the_twap(
    oracle: Contract<PriceOracle>,
    owner: Address,
    a: Address,
    b: Address,
    c: Address,
) {
    let rs = [a, b, c];
    deploy(&oracle, owner, &rs);
    loose_jumps(&oracle, owner, 3);
    seed(&oracle, &rs, 1_000);
    let before = oracle.sender(a).checkpoint_times(collection());
    for i in 0..60 {
        clock::advance(1);
        oracle
            .sender(c)
            .post_price(collection(), u(if i % 2 == 0 { 1_990 } else { 10 }))
            .expect("post");
    }
    // Time-weighted median: the spammer never sets the aggregate.
    let (twap, _, _, _, last) = oracle.sender(a).twap(collection()).expect("twap");
    assert_eq!((twap, last), (u(1_000), u(1_000)));
    // Checkpoints are spaced by window / 12: the burst wrote none and evicted nothing.
    assert_eq!(oracle.sender(a).checkpoint_times(collection()), before);
}

// ------------------------------------------------------------------ jump breaker

#[motsu::test]
fn a_jump_waits_for_confirmation(
    oracle: Contract<PriceOracle>,
    owner: Address,
    a: Address,
    b: Address,
    c: Address,
) {
    let rs = [a, b, c];
    deploy(&oracle, owner, &rs);
    seed(&oracle, &rs, 1_000);
    let held_at = now();
    post_all(&oracle, &rs, 1_500);
    oracle.assert_emitted(&PriceHeldBack {
        collection: collection(),
        reporter: a,
        price: u(1_500),
        accepted: u(1_000),
        pendingSince: held_at,
    });
    assert_eq!(
        borrow(&oracle, a),
        (u(1_000), status::OK),
        "+50% does not move the borrow price"
    );
    assert_eq!(
        oracle.sender(a).source(collection(), a),
        (
            kind::REPORTER,
            u(1_000),
            held_at,
            u(1_500),
            held_at,
            u(1_000),
            held_at
        )
    );
    clock::advance(600);
    post_all(&oracle, &rs, 1_520);
    assert_eq!(
        borrow(&oracle, a).0,
        u(1_000),
        "a consistent post before the delay still waits"
    );
    assert_eq!(
        oracle.sender(a).source(collection(), a).4,
        held_at,
        "the episode keeps its start"
    );
    clock::advance(1_200);
    post_all(&oracle, &rs, 1_500);
    oracle.assert_emitted(&PriceConfirmed {
        collection: collection(),
        reporter: a,
        price: u(1_500),
        previous: u(1_000),
    });
    let (price, st) = borrow(&oracle, a);
    let (liq, _) = liquidation(&oracle, a);
    assert_eq!(st, status::OK);
    assert!(
        price > u(1_000) && price < u(1_500),
        "now limited by the TWAP only: {price}"
    );
    assert_eq!(price, liq);
    // The TWAP saw the held-back values: (1000·DAY + 1500·600 + 1520·1200) / (DAY + 1800).
    assert_eq!(
        liq,
        u((1_000 * DAY + 1_500 * 600 + 1_520 * 1_200) / (DAY + 1_800))
    );
}

/// M4 (issue 14): posts stepped inside the band, in one batch or one after another, cannot
/// walk the accepted price; the band re-bases once per `confirmDelay`.
#[motsu::test]
fn stepped_posts_cannot_walk_the_price(oracle: Contract<PriceOracle>, owner: Address, a: Address) {
    deploy(&oracle, owner, &[a]);
    oracle
        .sender(owner)
        .set_params(collection(), pw(1, HOUR, 2_000, 1_800, 1_500, DAY, 18))
        .expect("params");
    seed(&oracle, &[a], 1_000);
    // One batch repeating the collection is refused (4da50d8 took 32 steps of +19 %).
    let err = oracle
        .sender(a)
        .post_prices(vec![collection(); 2], vec![u(1_190), u(1_416)])
        .expect_err("repeated collection");
    assert!(
        matches!(err, Error::DuplicateCollection(OracleDuplicateCollection { collection: c }) if c == collection())
    );
    // Separate posts, each +19 % on the previous one, a minute apart.
    let mut price = 1_000u64;
    for _ in 0..10 {
        price = price * 119 / 100;
        clock::advance(60);
        oracle
            .sender(a)
            .post_price(collection(), u(price))
            .expect("post");
    }
    let (_, accepted, ..) = oracle.sender(a).source(collection(), a);
    assert_eq!(accepted, u(1_190), "only the first step is inside the band");
    assert!(
        borrow(&oracle, a).0 <= u(1_190),
        "the borrow side never saw the steps"
    );
    let (.., anchor, _) = oracle.sender(a).source(collection(), a);
    assert_eq!(anchor, u(1_000));
    // A new period re-bases the band on the accepted price: one more band, not more.
    clock::advance(1_800);
    oracle
        .sender(a)
        .post_price(collection(), u(1_428))
        .expect("post");
    let (_, accepted, .., anchor, _) = oracle.sender(a).source(collection(), a);
    assert_eq!((accepted, anchor), (u(1_428), u(1_190)));
    oracle
        .sender(a)
        .post_price(collection(), u(1_429))
        .expect("post");
    assert_eq!(
        oracle.sender(a).source(collection(), a).1,
        u(1_428),
        "1_429 > 1_190 × 1.2 waits"
    );
}

/// A held-back episode is judged against its first value: stepping the held-back value
/// starts new episodes instead of walking the price that is confirmed.
#[motsu::test]
fn a_held_back_episode_cannot_be_walked(oracle: Contract<PriceOracle>, owner: Address, a: Address) {
    deploy(&oracle, owner, &[a]);
    oracle
        .sender(owner)
        .set_params(collection(), pw(1, HOUR, 2_000, 1_800, 1_500, DAY, 18))
        .expect("params");
    seed(&oracle, &[a], 1_000);
    for p in [1_500, 1_780] {
        oracle
            .sender(a)
            .post_price(collection(), u(p))
            .expect("post");
        clock::advance(1_000);
    }
    // 1_780 continued the episode of 1_500; 2_100 is within 20 % of 1_780 but not of 1_500.
    // 4da50d8 confirmed it here (the episode began 2_000 s ago); now it starts a new one.
    oracle
        .sender(a)
        .post_price(collection(), u(2_100))
        .expect("post");
    let (_, accepted, _, pending, since, _, _) = oracle.sender(a).source(collection(), a);
    assert_eq!((accepted, pending, since), (u(1_000), u(2_100), now()));
    clock::advance(1_800);
    oracle
        .sender(a)
        .post_price(collection(), u(2_100))
        .expect("post");
    oracle.assert_emitted(&PriceConfirmed {
        collection: collection(),
        reporter: a,
        price: u(2_100),
        previous: u(1_000),
    });
}

#[motsu::test]
fn a_crash_reaches_the_twap(
    oracle: Contract<PriceOracle>,
    owner: Address,
    a: Address,
    b: Address,
    c: Address,
) {
    let rs = [a, b, c];
    deploy(&oracle, owner, &rs);
    seed(&oracle, &rs, 1_000);
    post_all(&oracle, &rs, 500);
    // Held back (−50%), but a lower held-back value lowers the borrow side at once.
    assert_eq!(borrow(&oracle, a), (u(500), status::OK));
    assert_eq!(liquidation(&oracle, a).0, u(1_000));
    let (_, _, _, _, last) = oracle.sender(a).twap(collection()).expect("twap");
    assert_eq!(last, u(500), "the TWAP aggregate follows the crash");
    clock::advance(DAY / 2);
    post_all(&oracle, &rs, 500);
    oracle.assert_emitted(&PriceConfirmed {
        collection: collection(),
        reporter: c,
        price: u(500),
        previous: u(1_000),
    });
    assert_eq!(
        liquidation(&oracle, a),
        (
            u((1_000 * DAY + 500 * DAY / 2) / (DAY + DAY / 2)),
            status::OK
        )
    );
    assert_eq!(borrow(&oracle, a).0, u(500));
}

// ------------------------------------------------------------------ sequencer

#[motsu::test]
fn sequencer_gate(
    oracle: Contract<PriceOracle>,
    seq: Contract<MockFeed>,
    owner: Address,
    a: Address,
    b: Address,
    c: Address,
) {
    let rs = [a, b, c];
    deploy(&oracle, owner, &rs);
    seed(&oracle, &rs, 1_000);
    new_feed(&seq, owner, 0);
    let t = now();
    seq.sender(owner)
        .set_round(I256::ZERO, u(t - 2 * HOUR), u(t))
        .expect("round");
    oracle
        .sender(owner)
        .set_sequencer_feed(seq.address(), u(HOUR))
        .expect("set feed");
    oracle.assert_emitted(&SequencerFeedSet {
        feed: seq.address(),
        grace: HOUR,
    });
    assert_eq!(borrow(&oracle, a), (u(1_000), status::OK));
    // Down.
    seq.sender(owner)
        .set_round(I256::ONE, u(t - 10), u(t))
        .expect("round");
    assert_eq!(borrow(&oracle, a), (u(1_000), status::SEQUENCER_DOWN));
    assert_eq!(liquidation(&oracle, a), (u(1_000), status::SEQUENCER_DOWN));
    // Back up, inside the grace period (and exactly at its end).
    seq.sender(owner)
        .set_round(I256::ZERO, u(t - 100), u(t))
        .expect("round");
    assert_eq!(borrow(&oracle, a).1, status::SEQUENCER_DOWN);
    seq.sender(owner)
        .set_round(I256::ZERO, u(t - HOUR), u(t))
        .expect("round");
    assert_eq!(borrow(&oracle, a).1, status::SEQUENCER_DOWN);
    seq.sender(owner)
        .set_round(I256::ZERO, u(t - HOUR - 1), u(t))
        .expect("round");
    assert_eq!(borrow(&oracle, a).1, status::OK);
    assert_eq!(oracle.sender(a).sequencer(), (seq.address(), HOUR, true));
    // Invalid rounds and a failing feed count as down.
    seq.sender(owner)
        .set_round(I256::ZERO, U256::ZERO, u(t))
        .expect("round");
    assert_eq!(borrow(&oracle, a).1, status::SEQUENCER_DOWN);
    seq.sender(owner)
        .set_round(I256::ZERO, u(t + 10), u(t))
        .expect("round");
    assert_eq!(borrow(&oracle, a).1, status::SEQUENCER_DOWN);
    seq.sender(owner)
        .set_round(I256::ZERO, u(t - 2 * HOUR), u(t))
        .expect("round");
    seq.sender(owner).set_reverting(true).expect("revert");
    assert_eq!(borrow(&oracle, a).1, status::SEQUENCER_DOWN);
    // Disabled gate.
    oracle
        .sender(owner)
        .set_sequencer_feed(Address::ZERO, u(HOUR))
        .expect("disable");
    assert_eq!(borrow(&oracle, a).1, status::OK);
    let err = oracle
        .sender(owner)
        .set_sequencer_feed(seq.address(), u(59))
        .expect_err("grace bound");
    assert!(matches!(
        err,
        Error::ParamOutOfBounds(OracleParamOutOfBounds { param: 7 })
    ));
}

// ------------------------------------------------------------------ multipliers

fn multiplier_err(
    oracle: &Contract<PriceOracle>,
    owner: Address,
    bps: u32,
    expires_at: u64,
) -> Error {
    oracle
        .sender(owner)
        .set_multiplier(collection(), u(7), bps, expires_at)
        .expect_err("refused")
}

#[motsu::test]
fn multiplier_cap_and_expiry(
    oracle: Contract<PriceOracle>,
    owner: Address,
    a: Address,
    b: Address,
    c: Address,
) {
    let rs = [a, b, c];
    deploy(&oracle, owner, &rs);
    seed(&oracle, &rs, 1_000);
    let id = u(7);
    let t = now();
    oracle
        .sender(owner)
        .set_multiplier(collection(), id, 12_500, t + 1_000)
        .expect("set");
    oracle.assert_emitted(&MultiplierSet {
        collection: collection(),
        tokenId: id,
        bps: 12_500,
        expiresAt: t + 1_000,
    });
    assert_eq!(
        oracle.sender(a).multiplier(collection(), id),
        (12_500, t + 1_000, t)
    );
    assert_eq!(
        oracle
            .sender(a)
            .borrow_price(collection(), id)
            .expect("borrow"),
        (u(1_250), status::OK)
    );
    // `borrowQuote`: the same price and status, with the multiplier that is in it.
    assert_eq!(
        oracle
            .sender(a)
            .borrow_quote(collection(), id)
            .expect("quote"),
        (u(1_250), status::OK, 12_500)
    );
    assert_eq!(
        oracle
            .sender(a)
            .liquidation_price(collection(), id)
            .expect("liq"),
        (u(1_250), status::OK)
    );
    assert_eq!(
        borrow(&oracle, a).0,
        u(1_000),
        "other tokens are unaffected"
    );
    assert!(matches!(
        multiplier_err(&oracle, owner, 0, t + 1_000),
        Error::BadMultiplier(OracleBadMultiplier { bps: 0, .. })
    ));
    assert!(matches!(
        multiplier_err(&oracle, owner, MAX_MULTIPLIER_BPS + 1, t + 1_000),
        Error::BadMultiplier(OracleBadMultiplier { bps: 20_001, .. })
    ));
    assert!(
        matches!(multiplier_err(&oracle, owner, 10_000, t), Error::BadMultiplier(OracleBadMultiplier { expiresAt, .. }) if expiresAt == t)
    );
    let far = t + MAX_MULTIPLIER_TTL + 1;
    assert!(
        matches!(multiplier_err(&oracle, owner, 10_000, far), Error::BadMultiplier(OracleBadMultiplier { expiresAt, .. }) if expiresAt == far)
    );
    // Extending at the same level, or lowering, is never held up.
    oracle
        .sender(owner)
        .set_multiplier(collection(), id, 12_500, t + MAX_MULTIPLIER_TTL)
        .expect("farthest expiry");
    oracle
        .sender(owner)
        .set_multiplier(collection(), id, 12_500, t + 1_000)
        .expect("back");
    clock::advance(999);
    assert_eq!(
        oracle.sender(a).effective_multiplier(collection(), id),
        12_500
    );
    clock::advance(1);
    assert_eq!(
        oracle.sender(a).effective_multiplier(collection(), id),
        ONE_BPS
    );
    assert_eq!(
        oracle
            .sender(a)
            .borrow_quote(collection(), id)
            .expect("quote"),
        (u(1_000), status::OK, ONE_BPS),
        "an expired multiplier is quoted as 1×"
    );
    assert_eq!(
        oracle
            .sender(a)
            .borrow_price(collection(), id)
            .expect("borrow"),
        (u(1_000), status::OK)
    );
}

/// M3 (issue 14), the oracle side: a multiplier is capped at 2× and raised at most 0.25× per
/// change, at most once a day; lowering is immediate.
#[motsu::test]
fn multiplier_raises_are_bounded_and_rate_limited(
    oracle: Contract<PriceOracle>,
    owner: Address,
    a: Address,
) {
    deploy(&oracle, owner, &[a]);
    let id = u(7);
    let t = now();
    let year = t + MAX_MULTIPLIER_TTL;
    // 4da50d8 accepted 3× in one step.
    assert!(matches!(
        multiplier_err(&oracle, owner, 30_000, year),
        Error::BadMultiplier(OracleBadMultiplier { bps: 30_000, .. })
    ));
    assert!(matches!(
        multiplier_err(&oracle, owner, 12_501, year),
        Error::MultiplierStepTooLarge(OracleMultiplierStepTooLarge {
            fromBps: 10_000,
            toBps: 12_501
        })
    ));
    oracle
        .sender(owner)
        .set_multiplier(collection(), id, 12_500, year)
        .expect("one step");
    assert!(matches!(
        multiplier_err(&oracle, owner, 13_000, year),
        Error::MultiplierTooSoon(OracleMultiplierTooSoon { nextChangeAt }) if nextChangeAt == t + DAY
    ));
    clock::advance(DAY - 1);
    assert!(matches!(
        multiplier_err(&oracle, owner, 13_000, year),
        Error::MultiplierTooSoon(_)
    ));
    clock::advance(1);
    assert!(matches!(
        multiplier_err(&oracle, owner, 15_001, year),
        Error::MultiplierStepTooLarge(OracleMultiplierStepTooLarge {
            fromBps: 12_500,
            toBps: 15_001
        })
    ));
    oracle
        .sender(owner)
        .set_multiplier(collection(), id, 15_000, year)
        .expect("second step a day later");
    // Lowering is immediate, and it restarts the interval before the next raise.
    oracle
        .sender(owner)
        .set_multiplier(collection(), id, 10_000, year)
        .expect("lower at once");
    assert!(matches!(
        multiplier_err(&oracle, owner, 11_000, year),
        Error::MultiplierTooSoon(_)
    ));
    // Reaching the 2× cap takes four daily steps.
    for bps in [12_500, 15_000, 17_500, 20_000] {
        clock::advance(DAY);
        oracle
            .sender(owner)
            .set_multiplier(collection(), id, bps, year)
            .expect("daily step");
    }
    assert_eq!(oracle.sender(a).multiplier(collection(), id).0, 20_000);
}

// ------------------------------------------------------------------ pull feeds

#[motsu::test]
fn pull_feeds_zero_stale_future_and_reverting(
    oracle: Contract<PriceOracle>,
    f1: Contract<MockFeed>,
    f2: Contract<MockFeed>,
    f3: Contract<MockFeed>,
    owner: Address,
    anyone: Address,
) {
    deploy(&oracle, owner, &[]);
    let feeds = [&f1, &f2, &f3];
    for f in feeds {
        new_feed(f, owner, 8);
        set_feed(f, owner, 1_000 * 100_000_000, now());
        oracle
            .sender(owner)
            .add_feed(collection(), f.address())
            .expect("add feed");
    }
    oracle.assert_emitted(&SourceAdded {
        collection: collection(),
        source: f3.address(),
        kind: kind::FEED,
        feedDecimals: 8,
    });
    oracle.sender(anyone).poke(collection()).expect("poke");
    clock::advance(DAY);
    for f in feeds {
        set_feed(f, owner, 1_000 * 100_000_000, now());
    }
    oracle.sender(anyone).poke(collection()).expect("poke");
    let wad = 1_000_000_000_000_000_000u64;
    assert_eq!(
        borrow(&oracle, anyone),
        (u(1_000) * u(wad), status::OK),
        "8 decimals scaled to 18"
    );
    // Price 0: not a value.
    set_feed(&f1, owner, 0, now());
    assert_eq!(borrow(&oracle, anyone), (U256::ZERO, status::NO_QUORUM));
    // Negative: not a value.
    set_feed(&f1, owner, -1, now());
    assert_eq!(borrow(&oracle, anyone).1, status::NO_QUORUM);
    // Stale: still reporting, not fresh.
    set_feed(&f1, owner, 1_000 * 100_000_000, now() - HOUR - 1);
    assert_eq!(borrow(&oracle, anyone), (U256::ZERO, status::STALE));
    // Future-dated: not a value.
    set_feed(&f1, owner, 1_000 * 100_000_000, now() + 1);
    assert_eq!(borrow(&oracle, anyone).1, status::NO_QUORUM);
    // Reverting: a missing source, the view itself does not revert.
    set_feed(&f1, owner, 1_000 * 100_000_000, now());
    f1.sender(owner).set_reverting(true).expect("revert");
    assert_eq!(borrow(&oracle, anyone), (U256::ZERO, status::NO_QUORUM));
    oracle
        .sender(anyone)
        .poke(collection())
        .expect("poke survives a reverting feed");
    // With a quorum of two the remaining feeds carry the price.
    oracle
        .sender(owner)
        .set_params(collection(), pw(2, HOUR, 2_000, 1_800, 1_500, DAY, 18))
        .expect("params");
    assert_eq!(borrow(&oracle, anyone), (u(1_000) * u(wad), status::OK));
    // A feed whose decimals() fails cannot be added.
    let err = oracle
        .sender(owner)
        .add_feed(other_collection(), f1.address())
        .expect_err("unreadable");
    assert!(
        matches!(err, Error::FeedUnreadable(OracleFeedUnreadable { feed }) if feed == f1.address())
    );
}

#[motsu::test]
fn mixed_reporters_and_feeds(
    oracle: Contract<PriceOracle>,
    f1: Contract<MockFeed>,
    owner: Address,
    a: Address,
    b: Address,
) {
    deploy(&oracle, owner, &[a, b]);
    oracle
        .sender(owner)
        .set_params(collection(), pw(3, HOUR, 2_000, 1_800, 1_500, DAY, 0))
        .expect("whole units");
    new_feed(&f1, owner, 2);
    set_feed(&f1, owner, 1_050 * 100, now());
    oracle
        .sender(owner)
        .add_feed(collection(), f1.address())
        .expect("add feed");
    post_all(&oracle, &[a, b], 1_000);
    assert_eq!(
        oracle.sender(a).spot(collection()).expect("spot"),
        (u(1_000), u(1_000), u(1_050), 3, 3)
    );
    let err = oracle
        .sender(f1.address())
        .post_price(collection(), u(1))
        .expect_err("a feed is not a reporter");
    assert!(matches!(err, Error::UnauthorizedReporter(_)));
}

// ------------------------------------------------------------------ posting

#[motsu::test]
fn bad_posts(oracle: Contract<PriceOracle>, owner: Address, a: Address, eve: Address) {
    deploy(&oracle, owner, &[a]);
    let err = oracle
        .sender(eve)
        .post_price(collection(), u(1))
        .expect_err("not a reporter");
    assert!(
        matches!(err, Error::UnauthorizedReporter(OracleUnauthorizedReporter { reporter, .. }) if reporter == eve)
    );
    let err = oracle
        .sender(a)
        .post_price(other_collection(), u(1))
        .expect_err("reporter of another collection");
    assert!(matches!(err, Error::UnauthorizedReporter(_)));
    let err = oracle
        .sender(a)
        .post_price(collection(), U256::ZERO)
        .expect_err("zero");
    assert!(matches!(err, Error::BadPrice(OracleBadPrice { price, .. }) if price.is_zero()));
    let err = oracle
        .sender(a)
        .post_price(collection(), MAX_PRICE + u(1))
        .expect_err("too large");
    assert!(
        matches!(err, Error::BadPrice(OracleBadPrice { price, .. }) if price == MAX_PRICE + u(1))
    );
    oracle
        .sender(a)
        .post_price(collection(), MAX_PRICE)
        .expect("largest price");
    oracle
        .sender(owner)
        .remove_source(collection(), a)
        .expect("remove");
    oracle.assert_emitted(&SourceRemoved {
        collection: collection(),
        source: a,
    });
    let err = oracle
        .sender(a)
        .post_price(collection(), u(1))
        .expect_err("removed");
    assert!(matches!(err, Error::UnauthorizedReporter(_)));
}

#[motsu::test]
fn batch_posting(oracle: Contract<PriceOracle>, owner: Address, a: Address) {
    deploy(&oracle, owner, &[a]);
    oracle
        .sender(owner)
        .add_reporter(other_collection(), a)
        .expect("second collection");
    oracle
        .sender(a)
        .post_prices(vec![collection(), other_collection()], vec![u(10), u(20)])
        .expect("batch");
    assert_eq!(oracle.sender(a).source(collection(), a).1, u(10));
    assert_eq!(oracle.sender(a).source(other_collection(), a).1, u(20));
    oracle.assert_emitted(&PricePosted {
        collection: other_collection(),
        reporter: a,
        price: u(20),
    });
    let err = oracle
        .sender(a)
        .post_prices(vec![collection()], vec![u(1), u(2)])
        .expect_err("lengths");
    assert!(
        matches!(err, Error::BadBatch(OracleBadBatch { collections, prices }) if collections == u(1) && prices == u(2))
    );
    let err = oracle
        .sender(a)
        .post_prices(vec![collection(); 33], vec![u(11); 33])
        .expect_err("too many");
    assert!(
        matches!(err, Error::BadBatch(OracleBadBatch { collections, .. }) if collections == u(33))
    );
    let many: Vec<Address> = (0..32u8)
        .map(|i| Address::with_last_byte(0x40 + i))
        .collect();
    for c in &many {
        oracle.sender(owner).add_reporter(*c, a).expect("reporter");
    }
    oracle
        .sender(a)
        .post_prices(many.clone(), vec![u(10); 32])
        .expect("32 pairs is the limit");
    // All or nothing: the unauthorized second pair reverts the first.
    let third = Address::with_last_byte(0xC2);
    let err = oracle
        .sender(a)
        .post_prices(vec![collection(), third], vec![u(11), u(11)])
        .expect_err("unauthorized");
    assert!(matches!(err, Error::UnauthorizedReporter(_)));
    assert_eq!(oracle.sender(a).source(collection(), a).1, u(10));
}

// ------------------------------------------------------------------ governance

#[motsu::test]
fn configuration_is_owner_only(oracle: Contract<PriceOracle>, owner: Address, eve: Address) {
    deploy(&oracle, owner, &[]);
    let c = collection();
    let unauthorized = |e: Error| matches!(e, Error::UnauthorizedAccount(_));
    assert!(unauthorized(
        oracle
            .sender(eve)
            .add_reporter(c, eve)
            .expect_err("add reporter")
    ));
    assert!(unauthorized(
        oracle.sender(eve).add_feed(c, eve).expect_err("add feed")
    ));
    assert!(unauthorized(
        oracle
            .sender(eve)
            .remove_source(c, eve)
            .expect_err("remove")
    ));
    assert!(unauthorized(
        oracle
            .sender(eve)
            .set_params(c, pw(3, HOUR, 2_000, 1_800, 1_500, DAY, 18))
            .expect_err("params")
    ));
    assert!(unauthorized(
        oracle
            .sender(eve)
            .set_multiplier(c, u(1), 10_000, now() + 1)
            .expect_err("multiplier")
    ));
    assert!(unauthorized(
        oracle
            .sender(eve)
            .set_sequencer_feed(eve, u(HOUR))
            .expect_err("sequencer")
    ));
    assert_eq!(oracle.sender(eve).owner(), owner);
}

#[motsu::test]
fn constructor_rejects_zero_owner(oracle: Contract<PriceOracle>, owner: Address) {
    let err = oracle
        .sender(owner)
        .constructor(Address::ZERO)
        .expect_err("zero owner");
    assert!(matches!(err, Error::InvalidOwner(_)));
}

#[motsu::test]
fn params_defaults_bounds_and_locked_decimals(
    oracle: Contract<PriceOracle>,
    owner: Address,
    a: Address,
) {
    deploy(&oracle, owner, &[]);
    let d = params::DEFAULT;
    let defaults = (
        d.min_sources,
        d.max_age,
        d.max_jump_bps,
        d.confirm_delay,
        d.max_spread_bps,
        d.twap_window,
        d.decimals,
    );
    assert_eq!(oracle.sender(a).params(collection()), defaults);
    assert_eq!(defaults, (3, HOUR, 2_000, 1_800, 1_500, DAY, 18));
    let err = oracle
        .sender(owner)
        .set_params(collection(), pw(0, HOUR, 2_000, 1_800, 1_500, DAY, 18))
        .expect_err("min 0");
    assert!(matches!(
        err,
        Error::ParamOutOfBounds(OracleParamOutOfBounds { param: 0 })
    ));
    let err = oracle
        .sender(owner)
        .set_params(collection(), pw(3, HOUR, 2_000, 1_800, 1_500, 599, 18))
        .expect_err("window");
    assert!(matches!(
        err,
        Error::ParamOutOfBounds(OracleParamOutOfBounds { param: 5 })
    ));
    let err = oracle
        .sender(owner)
        .set_params(
            collection(),
            pw(1, 600, 500, 60, 300, 3_600, 6) | (U256::from(1u64) << 255),
        )
        .expect_err("reserved");
    assert!(matches!(
        err,
        Error::ParamOutOfBounds(OracleParamOutOfBounds { param: 8 })
    ));
    oracle
        .sender(owner)
        .set_params(collection(), pw(1, 600, 500, 60, 300, 3_600, 6))
        .expect("set");
    oracle.assert_emitted(&ParamsSet {
        collection: collection(),
        minSources: 1,
        maxAge: 600,
        maxJumpBps: 500,
        confirmDelay: 60,
        maxSpreadBps: 300,
        twapWindow: 3_600,
        decimals: 6,
    });
    assert_eq!(
        oracle.sender(a).params(collection()),
        (1, 600, 500, 60, 300, 3_600, 6)
    );
    oracle
        .sender(owner)
        .add_reporter(collection(), a)
        .expect("add");
    assert_eq!(
        oracle.sender(a).params(collection()).0,
        1,
        "adding a source keeps set params"
    );
    oracle
        .sender(a)
        .post_price(collection(), u(5))
        .expect("post starts the TWAP");
    let err = oracle
        .sender(owner)
        .set_params(collection(), pw(1, 600, 500, 60, 300, 3_600, 18))
        .expect_err("locked");
    assert!(matches!(err, Error::DecimalsLocked(_)));
    oracle
        .sender(owner)
        .set_params(collection(), pw(2, 600, 500, 60, 300, 3_600, 6))
        .expect("same decimals");
}

#[motsu::test]
fn source_management(oracle: Contract<PriceOracle>, owner: Address, a: Address, b: Address) {
    deploy(&oracle, owner, &[a, b]);
    oracle.assert_emitted(&SourceAdded {
        collection: collection(),
        source: a,
        kind: kind::REPORTER,
        feedDecimals: 0,
    });
    oracle.assert_emitted(&ParamsSet {
        collection: collection(),
        minSources: 3,
        maxAge: HOUR,
        maxJumpBps: 2_000,
        confirmDelay: 1_800,
        maxSpreadBps: 1_500,
        twapWindow: DAY,
        decimals: 18,
    });
    let err = oracle
        .sender(owner)
        .add_reporter(collection(), a)
        .expect_err("duplicate");
    assert!(matches!(err, Error::SourceExists(_)));
    let err = oracle
        .sender(owner)
        .add_reporter(collection(), Address::ZERO)
        .expect_err("zero");
    assert!(matches!(err, Error::ZeroAddress(_)));
    let err = oracle
        .sender(owner)
        .remove_source(other_collection(), a)
        .expect_err("unknown here");
    assert!(matches!(err, Error::UnknownSource(_)));
    for i in 0..8u8 {
        oracle
            .sender(owner)
            .add_reporter(collection(), Address::with_last_byte(0x10 + i))
            .expect("fill");
    }
    let err = oracle
        .sender(owner)
        .add_reporter(collection(), Address::with_last_byte(0x20))
        .expect_err("full");
    assert!(matches!(err, Error::TooManySources(_)));
    oracle
        .sender(owner)
        .remove_source(collection(), a)
        .expect("remove first");
    let list = oracle.sender(a).sources(collection());
    assert_eq!(list.len(), 9);
    assert_eq!(
        list[0],
        Address::with_last_byte(0x17),
        "swap-remove moves the last into the hole"
    );
    assert!(!list.contains(&a));
    // A re-added reporter starts clean.
    oracle
        .sender(b)
        .post_price(collection(), u(100))
        .expect("post");
    oracle
        .sender(owner)
        .remove_source(collection(), b)
        .expect("remove");
    oracle
        .sender(owner)
        .add_reporter(collection(), b)
        .expect("re-add");
    assert_eq!(
        oracle.sender(a).source(collection(), b),
        (kind::REPORTER, U256::ZERO, 0, U256::ZERO, 0, U256::ZERO, 0)
    );
}

#[motsu::test]
fn ownership_moves_to_governance(
    oracle: Contract<PriceOracle>,
    owner: Address,
    governance: Address,
    eve: Address,
) {
    deploy(&oracle, owner, &[]);
    let err = oracle
        .sender(eve)
        .transfer_ownership(eve)
        .expect_err("not owner");
    assert!(matches!(err, Error::UnauthorizedAccount(_)));
    oracle
        .sender(owner)
        .transfer_ownership(governance)
        .expect("transfer");
    oracle.assert_emitted(&OwnershipTransferStarted {
        previous_owner: owner,
        new_owner: governance,
    });
    // Two steps: the owner keeps control until Governance accepts; nobody else accepts.
    assert_eq!(oracle.sender(eve).owner(), owner);
    assert_eq!(oracle.sender(eve).pending_owner(), governance);
    let err = oracle.sender(eve).accept_ownership().expect_err("stranger");
    assert!(matches!(err, Error::UnauthorizedAccount(_)));
    oracle
        .sender(owner)
        .add_reporter(collection(), owner)
        .expect("the owner still configures");
    oracle
        .sender(governance)
        .accept_ownership()
        .expect("accept");
    assert_eq!(oracle.sender(eve).pending_owner(), Address::ZERO);
    oracle.assert_emitted(&lien_contract_common::owner::OwnershipTransferred {
        previous_owner: owner,
        new_owner: governance,
    });
    assert_eq!(oracle.sender(eve).owner(), governance);
    let err = oracle
        .sender(owner)
        .add_reporter(collection(), eve)
        .expect_err("old owner");
    assert!(matches!(err, Error::UnauthorizedAccount(_)));
    oracle
        .sender(governance)
        .add_reporter(collection(), eve)
        .expect("new owner configures");
}

#[motsu::test]
fn feeds_with_too_many_decimals_are_refused(
    oracle: Contract<PriceOracle>,
    f1: Contract<MockFeed>,
    f2: Contract<MockFeed>,
    owner: Address,
) {
    deploy(&oracle, owner, &[]);
    new_feed(&f1, owner, 37);
    let err = oracle
        .sender(owner)
        .add_feed(collection(), f1.address())
        .expect_err("37 decimals");
    assert!(
        matches!(err, Error::FeedUnreadable(OracleFeedUnreadable { feed }) if feed == f1.address())
    );
    new_feed(&f2, owner, 36);
    oracle
        .sender(owner)
        .add_feed(collection(), f2.address())
        .expect("36 decimals");
    oracle
        .sender(owner)
        .remove_source(collection(), f2.address())
        .expect("remove feed");
    assert!(oracle.sender(owner).sources(collection()).is_empty());
    let err = oracle
        .sender(owner)
        .add_feed(collection(), Address::ZERO)
        .expect_err("zero feed");
    assert!(matches!(err, Error::ZeroAddress(_)));
}

alloy_sol_types::sol! {
    /// OpenZeppelin `Ownable2Step`'s event, with `Debug` for `assert_emitted` (the
    /// openzeppelin-stylus declaration has none).
    #[derive(Debug)]
    event OwnershipTransferStarted(address indexed previous_owner, address indexed new_owner);
}
