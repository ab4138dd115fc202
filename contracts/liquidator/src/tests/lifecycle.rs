//! `cancel`, `closeUnsold`, unknown ids and the live-auction list.

use alloy_primitives::{Address, U256};
use motsu::prelude::*;

use super::mocks::{MockErc20, MockLoanBook, MockVault};
use super::*;
use crate::auction::{CANCELLED, CLOSED_UNSOLD};
use crate::errors::*;
use crate::events::*;
use crate::Liquidator;

#[motsu::test]
fn loan_book_cancels_on_repay(
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
        liq.sender(alice).cancel(id),
        Error::NotLoanBook,
        LiquidatorNotLoanBook { caller: alice }
    );
    clock::advance(STEP);
    liq.sender(book.address()).cancel(id).motsu_expect("cancel");
    liq.assert_emitted(&AuctionCancelled {
        auctionId: id,
        loanId: u(LOAN),
    });
    assert_eq!(
        liq.sender(alice).auction(id).motsu_expect("view").11,
        CANCELLED
    );
    assert!(live_ids(&liq, alice).is_empty());

    let not_live = LiquidatorNotLive {
        auctionId: id,
        status: CANCELLED,
    };
    assert_err!(
        liq.sender(alice).bid(id, u(START)).motsu_res(),
        Error::NotLive,
        not_live.clone()
    );
    assert_err!(
        liq.sender(alice).current_price(id),
        Error::NotLive,
        not_live.clone()
    );
    assert_err!(
        liq.sender(book.address()).cancel(id),
        Error::NotLive,
        not_live.clone()
    );
    assert_err!(
        liq.sender(book.address()).close_unsold(id),
        Error::NotLive,
        not_live
    );
    assert_eq!(token.sender(alice).balance_of(alice), u(START));
    assert_eq!(vault.sender(alice).releases(), U256::ZERO);

    // The loan may be auctioned again later (a new id).
    assert_eq!(start_default(&liq, &book, &token), u(2));
}

#[motsu::test]
fn cancel_is_allowed_after_the_tail_until_closed(
    liq: Contract<Liquidator>,
    token: Contract<MockErc20>,
    vault: Contract<MockVault>,
    book: Contract<MockLoanBook>,
    owner: Address,
) {
    wire(&liq, &vault, &book, owner);
    let id = start_default(&liq, &book, &token);
    clock::advance(TAIL + 1);
    liq.sender(book.address())
        .cancel(id)
        .motsu_expect("late repay cancels");
    assert_eq!(
        liq.sender(owner).auction(id).motsu_expect("view").11,
        CANCELLED
    );
}

#[motsu::test]
fn unsold_auction_closes_only_after_the_tail(
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

    clock::advance(TAIL - 1);
    assert_err!(
        liq.sender(book.address()).close_unsold(id),
        Error::NotExpired,
        LiquidatorNotExpired {
            auctionId: id,
            endTime: end_time
        }
    );
    clock::advance(1);
    assert_err!(
        liq.sender(alice).close_unsold(id),
        Error::NotLoanBook,
        LiquidatorNotLoanBook { caller: alice }
    );
    // Expired but still live: listed, and closable by the LoanBook's foreclose.
    assert_eq!(live_ids(&liq, alice), vec![id]);
    liq.sender(book.address())
        .close_unsold(id)
        .motsu_expect("close unsold");
    liq.assert_emitted(&AuctionClosedUnsold {
        auctionId: id,
        loanId: u(LOAN),
    });
    assert_eq!(
        liq.sender(alice).auction(id).motsu_expect("view").11,
        CLOSED_UNSOLD
    );
    assert!(live_ids(&liq, alice).is_empty());

    let not_live = LiquidatorNotLive {
        auctionId: id,
        status: CLOSED_UNSOLD,
    };
    assert_err!(
        liq.sender(alice).bid(id, u(START)).motsu_res(),
        Error::NotLive,
        not_live.clone()
    );
    assert_err!(
        liq.sender(book.address()).close_unsold(id),
        Error::NotLive,
        not_live.clone()
    );
    assert_err!(
        liq.sender(book.address()).cancel(id),
        Error::NotLive,
        not_live
    );
    // The Liquidator moved nothing: the LoanBook releases the NFT to the lender itself.
    assert_eq!(vault.sender(alice).releases(), U256::ZERO);
    assert_eq!(book.sender(alice).settled().0, U256::ZERO);
}

#[motsu::test]
fn unknown_ids_are_typed_errors(
    liq: Contract<Liquidator>,
    token: Contract<MockErc20>,
    vault: Contract<MockVault>,
    book: Contract<MockLoanBook>,
    owner: Address,
    alice: Address,
) {
    wire(&liq, &vault, &book, owner);
    let issued = start_default(&liq, &book, &token);
    for id in [U256::ZERO, issued + u(1), U256::MAX] {
        let unknown = LiquidatorUnknownAuction { auctionId: id };
        assert_err!(
            liq.sender(alice).current_price(id),
            Error::UnknownAuction,
            unknown.clone()
        );
        assert_err!(
            liq.sender(alice).auction(id),
            Error::UnknownAuction,
            unknown.clone()
        );
        assert_err!(
            liq.sender(alice).bid(id, U256::MAX).motsu_res(),
            Error::UnknownAuction,
            unknown.clone()
        );
        assert_err!(
            liq.sender(book.address()).cancel(id),
            Error::UnknownAuction,
            unknown.clone()
        );
        clock::advance(TAIL);
        assert_err!(
            liq.sender(book.address()).close_unsold(id),
            Error::UnknownAuction,
            unknown
        );
    }
}

#[motsu::test]
fn live_auctions_are_found_by_status_as_they_end(
    liq: Contract<Liquidator>,
    token: Contract<MockErc20>,
    vault: Contract<MockVault>,
    book: Contract<MockLoanBook>,
    owner: Address,
    alice: Address,
) {
    wire(&liq, &vault, &book, owner);
    let ids: Vec<U256> = (1..=4)
        .map(|loan| start_with(&liq, &book, &token, loan, START, 0, CUT))
        .collect();
    assert_eq!(ids, vec![u(1), u(2), u(3), u(4)]);
    assert_eq!(live_ids(&liq, alice), ids);

    // Each end (cancel, bid, cancel, close) takes exactly that auction out of the live set.
    liq.sender(book.address())
        .cancel(u(1))
        .motsu_expect("cancel 1");
    assert_eq!(live_ids(&liq, alice), vec![u(2), u(3), u(4)]);
    fund(&token, &liq, alice, START);
    liq.sender(alice).bid(u(4), u(START)).motsu_expect("bid 4");
    assert_eq!(live_ids(&liq, alice), vec![u(2), u(3)]);
    liq.sender(book.address())
        .cancel(u(2))
        .motsu_expect("cancel 2");
    assert_eq!(live_ids(&liq, alice), vec![u(3)]);
    clock::advance(TAIL);
    liq.sender(book.address())
        .close_unsold(u(3))
        .motsu_expect("close 3");
    assert!(live_ids(&liq, alice).is_empty());
    assert_eq!(liq.sender(alice).auction_count(), u(4));
}
