//! Issue 14 M2: auction clocks stop through a sequencer outage and its grace. While the
//! sequencer is down, or back for no more than the grace, nothing sells or closes
//! (`LiquidatorSequencerDown`); an auction live across an outage restarts its clock when the
//! grace ends (price from the start price again, tail from then).

use alloy_primitives::{Address, I256, U256};
use lien_mock_feed::MockFeed;
use motsu::prelude::*;

use super::mocks::{MockErc20, MockLoanBook, MockVault};
use super::*;
use crate::errors::*;
use crate::events::SequencerFeedSet;
use crate::Liquidator;

const HOUR: u64 = 3_600;
const GRACE: u64 = HOUR;

/// The Liquidator's "now" in these tests.
fn now() -> u64 {
    #[allow(deprecated)] // motsu's fixed block time, read the way the host exposes it
    let base = stylus_sdk::block::timestamp();
    base + clock::offset()
}

/// Publishes a sequencer status (`down` or up) that changed at `since`.
fn set_status(feed: &Contract<MockFeed>, owner: Address, down: bool, since: u64) {
    let answer = if down { I256::ONE } else { I256::ZERO };
    feed.sender(owner)
        .set_round(answer, U256::from(since), U256::from(since))
        .motsu_expect("round");
}

#[motsu::test]
fn the_feed_is_set_by_the_owner_within_bounds(
    liq: Contract<Liquidator>,
    vault: Contract<MockVault>,
    book: Contract<MockLoanBook>,
    feed: Contract<MockFeed>,
    owner: Address,
    mallory: Address,
) {
    wire(&liq, &vault, &book, owner);
    assert!(matches!(
        liq.sender(mallory)
            .set_sequencer_feed(feed.address(), GRACE),
        Err(Error::UnauthorizedAccount(_))
    ));
    for bad in [59, 86_401] {
        assert_err!(
            liq.sender(owner).set_sequencer_feed(feed.address(), bad),
            Error::BadGrace,
            LiquidatorBadGrace { grace: bad }
        );
    }
    liq.sender(owner)
        .set_sequencer_feed(feed.address(), GRACE)
        .motsu_expect("set");
    liq.assert_emitted(&SequencerFeedSet {
        feed: feed.address(),
        grace: GRACE,
    });
    assert_eq!(
        liq.sender(mallory).sequencer_feed(),
        (feed.address(), GRACE)
    );
}

#[motsu::test]
fn an_outage_stops_bids_and_restarts_the_clock_after_its_grace(
    liq: Contract<Liquidator>,
    token: Contract<MockErc20>,
    vault: Contract<MockVault>,
    book: Contract<MockLoanBook>,
    feed: Contract<MockFeed>,
    owner: Address,
    alice: Address,
) {
    wire(&liq, &vault, &book, owner);
    feed.sender(owner)
        .constructor(owner, 0)
        .motsu_expect("feed");
    set_status(&feed, owner, false, now() - 10 * HOUR);
    liq.sender(owner)
        .set_sequencer_feed(feed.address(), GRACE)
        .motsu_expect("set");
    let id = start_default(&liq, &book, &token);
    clock::advance(2 * HOUR);
    let before_outage = liq.sender(alice).current_price(id).motsu_expect("price");
    let curve = |elapsed| {
        lien_math::auction_price_up(u(START), U256::ZERO, CUT.into(), STEP, elapsed).unwrap()
    };
    assert_eq!(before_outage, curve(2 * HOUR));
    assert!(
        curve(6 * HOUR) * u(100) < u(START * 30),
        "without the fix: < 0.3 × start"
    );
    // Down for 4 hours: no bid at all (before the fix: ≈ 0.38 × start afterwards).
    set_status(&feed, owner, true, now());
    clock::advance(4 * HOUR);
    fund(&token, &liq, alice, START);
    assert_err!(
        liq.sender(alice).bid(id, u(START)).motsu_res(),
        Error::SequencerDown,
        LiquidatorSequencerDown { resumesAt: 0 }
    );
    // Back up: still nothing within the grace.
    let back = now();
    set_status(&feed, owner, false, back);
    clock::advance(GRACE);
    assert_err!(
        liq.sender(alice).current_price(id),
        Error::SequencerDown,
        LiquidatorSequencerDown {
            resumesAt: back + GRACE + 1
        }
    );
    assert!(matches!(
        liq.sender(book.address()).close_unsold(id),
        Err(Error::SequencerDown(_))
    ));
    // After the grace the clock restarts: the start price, and a full tail from then.
    clock::advance(1);
    assert_eq!(
        liq.sender(alice).current_price(id).motsu_expect("price"),
        u(START)
    );
    clock::advance(TAIL - 1);
    assert!(
        liq.sender(alice).current_price(id).is_ok(),
        "tail counts from the restart"
    );
    assert!(matches!(
        liq.sender(book.address()).close_unsold(id),
        Err(Error::NotExpired(_))
    ));
    clock::advance(1);
    assert!(matches!(
        liq.sender(alice).current_price(id),
        Err(Error::Expired(_))
    ));
    liq.sender(book.address())
        .close_unsold(id)
        .motsu_expect("closed after the restarted tail");
}

#[motsu::test]
fn an_unreadable_feed_counts_as_down(
    liq: Contract<Liquidator>,
    token: Contract<MockErc20>,
    vault: Contract<MockVault>,
    book: Contract<MockLoanBook>,
    feed: Contract<MockFeed>,
    owner: Address,
    alice: Address,
) {
    wire(&liq, &vault, &book, owner);
    feed.sender(owner)
        .constructor(owner, 0)
        .motsu_expect("feed");
    set_status(&feed, owner, false, now() - 10 * HOUR);
    liq.sender(owner)
        .set_sequencer_feed(feed.address(), GRACE)
        .motsu_expect("set");
    let id = start_default(&liq, &book, &token);
    // An outage that ended before the auction started leaves its clock alone.
    assert_eq!(
        liq.sender(alice).current_price(id).motsu_expect("price"),
        u(START)
    );
    feed.sender(owner)
        .set_reverting(true)
        .motsu_expect("revert");
    assert_err!(
        liq.sender(alice).current_price(id),
        Error::SequencerDown,
        LiquidatorSequencerDown { resumesAt: 0 }
    );
    // No feed: the check is off.
    liq.sender(owner)
        .set_sequencer_feed(Address::ZERO, 0)
        .motsu_expect("off");
    assert_eq!(
        liq.sender(alice).current_price(id).motsu_expect("price"),
        u(START)
    );
}
