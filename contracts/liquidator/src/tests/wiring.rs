//! Ownership, the once-only wiring of the LoanBook and vault, and `startAuction` validation.

use alloy_primitives::{Address, U256};
use lien_contract_common::owner::OwnableUnauthorizedAccount;
use motsu::prelude::*;

use super::mocks::{MockErc20, MockLoanBook, MockVault};
use super::*;
use crate::errors::*;
use crate::events::*;
use crate::Liquidator;

#[motsu::test]
fn owner_wires_each_peer_once(
    liq: Contract<Liquidator>,
    vault: Contract<MockVault>,
    book: Contract<MockLoanBook>,
    owner: Address,
    mallory: Address,
) {
    liq.sender(owner)
        .constructor(owner)
        .motsu_expect("constructor");
    assert_eq!(liq.sender(mallory).owner(), owner);
    assert_eq!(liq.sender(mallory).loan_book(), Address::ZERO);

    let err = liq
        .sender(mallory)
        .set_loan_book(book.address())
        .motsu_expect_err("stranger");
    assert!(
        matches!(err, Error::UnauthorizedAccount(OwnableUnauthorizedAccount { account }) if account == mallory)
    );
    let err = liq
        .sender(mallory)
        .set_vault(vault.address())
        .motsu_expect_err("stranger");
    assert!(
        matches!(err, Error::UnauthorizedAccount(OwnableUnauthorizedAccount { account }) if account == mallory)
    );
    assert_err!(
        liq.sender(owner).set_loan_book(Address::ZERO),
        Error::ZeroAddress,
        LiquidatorZeroAddress {}
    );
    assert_err!(
        liq.sender(owner).set_vault(Address::ZERO),
        Error::ZeroAddress,
        LiquidatorZeroAddress {}
    );

    liq.sender(owner)
        .set_loan_book(book.address())
        .motsu_expect("set loan book");
    liq.sender(owner)
        .set_vault(vault.address())
        .motsu_expect("set vault");
    liq.assert_emitted(&LoanBookSet {
        loanBook: book.address(),
    });
    liq.assert_emitted(&VaultSet {
        vault: vault.address(),
    });
    assert_eq!(liq.sender(mallory).loan_book(), book.address());
    assert_eq!(liq.sender(mallory).vault(), vault.address());

    assert_err!(
        liq.sender(owner).set_loan_book(mallory),
        Error::AlreadySet,
        LiquidatorAlreadySet {
            current: book.address()
        }
    );
    assert_err!(
        liq.sender(owner).set_vault(mallory),
        Error::AlreadySet,
        LiquidatorAlreadySet {
            current: vault.address()
        }
    );
    assert_eq!(liq.sender(mallory).loan_book(), book.address());
    assert_eq!(liq.sender(mallory).vault(), vault.address());
}

#[motsu::test]
fn ownership_moves_in_two_steps_only_by_the_owner(
    liq: Contract<Liquidator>,
    owner: Address,
    heir: Address,
) {
    liq.sender(owner)
        .constructor(owner)
        .motsu_expect("constructor");
    let err = liq
        .sender(heir)
        .transfer_ownership(heir)
        .motsu_expect_err("stranger");
    assert!(
        matches!(err, Error::UnauthorizedAccount(OwnableUnauthorizedAccount { account }) if account == heir)
    );
    liq.sender(owner)
        .transfer_ownership(heir)
        .motsu_expect("hand over");
    // Two steps: the owner keeps control until the heir accepts; nobody else accepts.
    assert_eq!(liq.sender(owner).owner(), owner);
    assert_eq!(liq.sender(owner).pending_owner(), heir);
    let err = liq
        .sender(owner)
        .accept_ownership()
        .motsu_expect_err("not pending");
    assert!(
        matches!(err, Error::UnauthorizedAccount(OwnableUnauthorizedAccount { account }) if account == owner)
    );
    liq.sender(heir).accept_ownership().motsu_expect("accept");
    assert_eq!(liq.sender(owner).owner(), heir);
    assert_eq!(liq.sender(owner).pending_owner(), Address::ZERO);
    // The new owner wires; the old one no longer can.
    let err = liq
        .sender(owner)
        .set_vault(owner)
        .motsu_expect_err("old owner");
    assert!(matches!(err, Error::UnauthorizedAccount(_)));
    liq.sender(heir)
        .set_vault(heir)
        .motsu_expect("new owner wires");
}

#[motsu::test]
fn zero_owner_is_refused(liq: Contract<Liquidator>, owner: Address) {
    let err = liq
        .sender(owner)
        .constructor(Address::ZERO)
        .motsu_expect_err("zero owner");
    assert!(matches!(err, Error::InvalidOwner(_)));
}

#[motsu::test]
fn only_the_loan_book_starts_auctions(
    liq: Contract<Liquidator>,
    token: Contract<MockErc20>,
    vault: Contract<MockVault>,
    book: Contract<MockLoanBook>,
    owner: Address,
    mallory: Address,
) {
    liq.sender(owner)
        .constructor(owner)
        .motsu_expect("constructor");
    let start = |sender: Address| {
        liq.sender(sender).start_auction(
            u(LOAN),
            collection(),
            u(TOKEN_ID),
            token.address(),
            u(DEBT),
            u(START),
            U256::ZERO,
            STEP,
            CUT,
            TAIL,
        )
    };
    // Nothing wired: nobody (not even the zero address) is the LoanBook.
    assert_err!(
        start(Address::ZERO),
        Error::NotLoanBook,
        LiquidatorNotLoanBook {
            caller: Address::ZERO
        }
    );
    assert_err!(
        start(book.address()),
        Error::NotLoanBook,
        LiquidatorNotLoanBook {
            caller: book.address()
        }
    );

    liq.sender(owner)
        .set_loan_book(book.address())
        .motsu_expect("set loan book");
    assert_err!(
        start(book.address()),
        Error::NotWired,
        LiquidatorNotWired {}
    );
    liq.sender(owner)
        .set_vault(vault.address())
        .motsu_expect("set vault");
    assert_err!(
        start(mallory),
        Error::NotLoanBook,
        LiquidatorNotLoanBook { caller: mallory }
    );
    assert_err!(
        start(owner),
        Error::NotLoanBook,
        LiquidatorNotLoanBook { caller: owner }
    );
    assert_eq!(liq.sender(mallory).auction_count(), U256::ZERO);

    assert_eq!(start(book.address()).motsu_expect("start"), u(1));
}

#[motsu::test]
fn start_parameters_are_validated(
    liq: Contract<Liquidator>,
    token: Contract<MockErc20>,
    vault: Contract<MockVault>,
    book: Contract<MockLoanBook>,
    owner: Address,
) {
    wire(&liq, &vault, &book, owner);
    let cur = token.address();
    #[allow(clippy::type_complexity)]
    let start = |loan: u64,
                 coll: Address,
                 currency: Address,
                 sp: U256,
                 fp: U256,
                 step: u64,
                 cut: u16,
                 tail: u64| {
        liq.sender(book.address()).start_auction(
            u(loan),
            coll,
            u(TOKEN_ID),
            currency,
            u(DEBT),
            sp,
            fp,
            step,
            cut,
            tail,
        )
    };
    let (s, c) = (u(START), collection());

    assert_err!(
        start(0, c, cur, s, U256::ZERO, STEP, CUT, TAIL),
        Error::ZeroLoanId,
        LiquidatorZeroLoanId {}
    );
    assert_err!(
        start(LOAN, Address::ZERO, cur, s, U256::ZERO, STEP, CUT, TAIL),
        Error::ZeroAddress,
        LiquidatorZeroAddress {}
    );
    assert_err!(
        start(LOAN, c, Address::ZERO, s, U256::ZERO, STEP, CUT, TAIL),
        Error::ZeroAddress,
        LiquidatorZeroAddress {}
    );
    assert_err!(
        start(LOAN, c, cur, s, U256::ZERO, 0, CUT, TAIL),
        Error::ZeroStep,
        LiquidatorZeroStep {}
    );
    assert_err!(
        start(LOAN, c, cur, s, U256::ZERO, STEP, 0, TAIL),
        Error::BadCut,
        LiquidatorBadCut { cutBps: 0 }
    );
    assert_err!(
        start(LOAN, c, cur, s, U256::ZERO, STEP, 10_001, TAIL),
        Error::BadCut,
        LiquidatorBadCut { cutBps: 10_001 }
    );
    assert_err!(
        start(LOAN, c, cur, s, U256::ZERO, STEP, CUT, 0),
        Error::BadTail,
        LiquidatorBadTail { tail: 0 }
    );
    assert_err!(
        start(LOAN, c, cur, s, U256::ZERO, STEP, CUT, u64::MAX),
        Error::BadTail,
        LiquidatorBadTail { tail: u64::MAX }
    );
    assert_err!(
        start(LOAN, c, cur, U256::ZERO, U256::ZERO, STEP, CUT, TAIL),
        Error::ZeroStartPrice,
        LiquidatorZeroStartPrice {}
    );
    assert_err!(
        start(LOAN, c, cur, s, s + u(1), STEP, CUT, TAIL),
        Error::FloorAboveStart,
        LiquidatorFloorAboveStart {
            floorPrice: s + u(1),
            startPrice: s
        }
    );
    assert_eq!(liq.sender(owner).auction_count(), U256::ZERO);
    assert!(live_ids(&liq, owner).is_empty());

    // The boundaries themselves are accepted: cut 10_000 (no decay), floor == start, step 1.
    let id = start(LOAN, c, cur, s, s, 1, 10_000, 1).motsu_expect("boundary parameters");
    assert_eq!(id, u(1));
}

#[motsu::test]
fn start_freezes_and_reports_every_parameter(
    liq: Contract<Liquidator>,
    token: Contract<MockErc20>,
    vault: Contract<MockVault>,
    book: Contract<MockLoanBook>,
    owner: Address,
    anyone: Address,
) {
    wire(&liq, &vault, &book, owner);
    let now = clock::offset() + 1_735_689_600;
    let id = start_with(&liq, &book, &token, LOAN, START, 1_000, CUT);
    assert_eq!(id, u(1));
    liq.assert_emitted(&AuctionStarted {
        auctionId: id,
        loanId: u(LOAN),
        collection: collection(),
        tokenId: u(TOKEN_ID),
        currency: token.address(),
        debt: u(DEBT),
        startPrice: u(START),
        floorPrice: u(1_000),
        startTime: now,
        step: STEP,
        cutBps: CUT,
        tail: TAIL,
        endTime: now + TAIL,
    });
    let v = liq.sender(anyone).auction(id).motsu_expect("view");
    assert_eq!(
        (v.0, v.1, v.2, v.3, v.4, v.5, v.6),
        (
            u(LOAN),
            collection(),
            u(TOKEN_ID),
            token.address(),
            u(DEBT),
            u(START),
            u(1_000)
        )
    );
    assert_eq!(
        (v.7, v.8, v.9, v.10, v.11, v.12, v.13),
        (
            now,
            STEP,
            CUT,
            TAIL,
            crate::auction::LIVE,
            Address::ZERO,
            U256::ZERO
        )
    );
    assert_eq!(live_ids(&liq, anyone), vec![id]);
    assert_eq!(liq.sender(anyone).auction_count(), id);

    // The next auction gets the next id.
    assert_eq!(
        start_with(&liq, &book, &token, LOAN + 1, START, 0, CUT),
        u(2)
    );
    assert_eq!(live_ids(&liq, anyone), vec![u(1), u(2)]);
}
