//! Borrowing through the real OfferBook: the NFT lock, the principal paid out of escrow, the
//! snapshot, the oracle's status and the (haircut) LTV, and every OfferBook refusal passed
//! through unchanged as `Error::OfferBook(data)`.
use alloy_primitives::{Address, U256};
use alloy_sol_types::SolError as _;
use lien_mock_false_token::FalseToken;
use lien_mock_nft::MockNft;
use lien_offer_book::{
    OfferBookBadDuration, OfferBookCollectionDisabled, OfferBookOfferClosed, OfferBookOfferExpired,
    OfferBookPaused, OfferBookSelfDealing, OfferBookTransferFailed, OfferBookUnknownOffer,
    OfferBookWrongToken, OfferTaken,
};
use motsu::prelude::*;
use openzeppelin_stylus::token::erc721::IErc721;

use super::assert_offer_book_err;
use super::setup::*;
use crate::*;

#[motsu::test]
fn borrow_locks_the_nft_pays_the_principal_and_snapshots() {
    let env = Env::new();
    let offer = env.offer();
    assert_eq!(
        env.offers.sender(env.owner).held(env.token.address()),
        u(PRINCIPAL)
    );
    let loan = env
        .book
        .sender(env.borrower)
        .borrow(offer, u(TOKEN))
        .motsu_unwrap();
    assert_eq!(loan, u(1));
    assert_eq!(env.owner_of(TOKEN), env.vault.address());
    assert_eq!(
        env.vault
            .sender(env.owner)
            .locked_for(env.nft.address(), u(TOKEN)),
        loan
    );
    assert_eq!(env.balance(env.borrower), u(PRINCIPAL));
    assert_eq!(env.balance(env.offers.address()), U256::ZERO);
    assert_eq!(
        env.offers.sender(env.owner).held(env.token.address()),
        U256::ZERO
    );
    assert_eq!(
        env.book.sender(env.owner).held(env.token.address()),
        U256::ZERO
    );
    let now = now();
    let l = env.book.sender(env.owner).loan(loan).motsu_unwrap();
    assert_eq!(
        (l.0, l.1, l.2, l.3),
        (
            env.borrower,
            env.lender,
            env.token.address(),
            env.nft.address()
        )
    );
    assert_eq!(
        (l.4, l.5, l.6, l.7, l.8),
        (u(TOKEN), u(PRINCIPAL), APR, now, now + DURATION)
    );
    assert_eq!(
        (l.9, l.10, l.11, l.12),
        (storage::ACTIVE, U256::ZERO, U256::ZERO, Address::ZERO)
    );
    assert_eq!(
        env.book.sender(env.owner).loan_terms(loan).motsu_unwrap(),
        (
            DAY,
            6_500,
            800,
            1_000,
            50,
            13_000,
            9_800,
            300,
            DAY,
            u(TIP_CAP) // the tip cap snapshot until liquidation
        )
    );
    env.book.assert_emitted(&LoanStarted {
        loanId: loan,
        offerId: offer,
        borrower: env.borrower,
        lender: env.lender,
        tokenId: u(TOKEN),
        principal: u(PRINCIPAL),
        due: now + DURATION,
    });
    env.offers.assert_emitted(&OfferTaken {
        offerId: offer,
        borrower: env.borrower,
        tokenId: u(TOKEN),
        used: 1,
    });
    let o = env.offers.sender(env.owner).offer(offer).motsu_unwrap();
    assert_eq!(
        (o.10, o.11),
        (1, false),
        "capacity used up closes the offer"
    );
    assert_eq!(env.borrower_loans(env.borrower), vec![loan]);
    assert_eq!(env.lender_loans(env.lender), vec![loan]);
    assert_eq!(
        env.book.sender(env.owner).debt(loan).motsu_unwrap(),
        u(PRINCIPAL)
    );
    assert_eq!(
        env.book.sender(env.owner).health(loan).motsu_unwrap(),
        (true, u(PRINCIPAL), u(6_500_000), 0)
    );
    assert_eq!(env.book.sender(env.owner).counts(), (u(1), U256::ZERO));
    env.assert_solvent();
}

#[motsu::test]
fn offer_book_refusals_come_back_unchanged() {
    let env = Env::new();
    let offer = env.offer();
    let nft = env.nft.address();
    let borrow = |who: Address, offer: U256, token: u64| {
        env.book
            .sender(who)
            .borrow(offer, u(token))
            .motsu_unwrap_err()
    };
    assert_offer_book_err(
        borrow(env.borrower, U256::ZERO, TOKEN),
        OfferBookUnknownOffer {
            offerId: U256::ZERO,
        },
    );
    assert_offer_book_err(
        borrow(env.borrower, u(77), TOKEN),
        OfferBookUnknownOffer { offerId: u(77) },
    );
    assert_offer_book_err(borrow(env.borrower, offer, 2), OfferBookWrongToken {});
    assert_offer_book_err(
        env.book
            .sender(env.borrower)
            .borrow(offer, U256::MAX)
            .motsu_unwrap_err(),
        OfferBookWrongToken {},
    );
    assert_offer_book_err(borrow(env.lender, offer, TOKEN), OfferBookSelfDealing {});
    env.offers.sender(env.owner).pause().motsu_unwrap();
    assert_offer_book_err(borrow(env.borrower, offer, TOKEN), OfferBookPaused {});
    env.offers.sender(env.owner).unpause().motsu_unwrap();
    env.offers
        .sender(env.owner)
        .set_collection_enabled(nft, false)
        .motsu_unwrap();
    assert_offer_book_err(
        borrow(env.borrower, offer, TOKEN),
        OfferBookCollectionDisabled { collection: nft },
    );
    env.offers
        .sender(env.owner)
        .set_collection_enabled(nft, true)
        .motsu_unwrap();
    let set_max_duration = |max: u64| {
        env.offers
            .sender(env.owner)
            .set_collection_params(nft, 4_000, 6_500, 800, 13_000, 9_800, max, DAY, 300, DAY)
            .motsu_unwrap()
    };
    set_max_duration(DURATION - 1);
    assert_offer_book_err(borrow(env.borrower, offer, TOKEN), OfferBookBadDuration {});
    set_max_duration(DURATION);
    // Nothing moved on any refusal.
    assert_eq!(
        env.offers.sender(env.owner).offer(offer).motsu_unwrap().10,
        0
    );
    assert_eq!(
        env.offers.sender(env.owner).held(env.token.address()),
        u(PRINCIPAL)
    );
    assert_eq!(
        env.book.sender(env.owner).counts(),
        (U256::ZERO, U256::ZERO)
    );
    assert_eq!(env.owner_of(TOKEN), env.borrower);
    assert_eq!(env.balance(env.borrower), U256::ZERO);
    env.book
        .sender(env.borrower)
        .borrow(offer, u(TOKEN))
        .motsu_unwrap();
    assert_offer_book_err(borrow(env.borrower, offer, TOKEN), OfferBookOfferClosed {});
    env.assert_solvent();
}

#[motsu::test]
fn a_failing_vault_lock_reverts_the_whole_borrow() {
    let env = Env::new();
    let offer = env.offer_with(u(PRINCIPAL), true, 1);
    let stranger = Address::repeat_byte(0x5A);
    env.nft.sender(stranger).mint(stranger, u(2)).motsu_unwrap();
    // Not approved to the vault; not the borrower's NFT; no such NFT.
    env.nft
        .sender(env.borrower)
        .set_approval_for_all(env.vault.address(), false)
        .motsu_unwrap();
    // The vault's own error comes back (its NFT transfer failed).
    let vault_failed = lien_vault::VaultCallFailed {}.abi_encode();
    expect_err!(
        env.book.sender(env.borrower).borrow(offer, u(TOKEN)),
        Error::Callee(ref data) if *data == vault_failed
    );
    env.nft
        .sender(env.borrower)
        .set_approval_for_all(env.vault.address(), true)
        .motsu_unwrap();
    expect_err!(
        env.book.sender(env.borrower).borrow(offer, u(2)),
        Error::Callee(ref data) if *data == lien_vault::VaultNotOwner {}.abi_encode()
    );
    expect_err!(
        env.book.sender(env.borrower).borrow(offer, u(3)),
        Error::Callee(ref data) if *data == vault_failed
    );
    // The OfferBook's payout was rolled back with the rest.
    let o = env.offers.sender(env.owner).offer(offer).motsu_unwrap();
    assert_eq!((o.10, o.11), (0, true));
    assert_eq!(
        env.offers.sender(env.owner).held(env.token.address()),
        u(PRINCIPAL)
    );
    assert_eq!(env.balance(env.borrower), U256::ZERO);
    assert_eq!(
        env.book.sender(env.owner).counts(),
        (U256::ZERO, U256::ZERO)
    );
    assert!(env.borrower_loans(env.borrower).is_empty());
    assert_eq!(
        (env.owner_of(TOKEN), env.owner_of(2)),
        (env.borrower, stranger)
    );
    env.assert_solvent();
}

#[motsu::test]
fn collection_wide_offers_fund_several_tokens() {
    let env = Env::new();
    let offer = env.offer_with(u(PRINCIPAL), true, 2);
    env.nft
        .sender(env.borrower)
        .mint(env.borrower, u(2))
        .motsu_unwrap();
    let a = env
        .book
        .sender(env.borrower)
        .borrow(offer, u(TOKEN))
        .motsu_unwrap();
    assert_eq!(
        env.offers.sender(env.owner).held(env.token.address()),
        u(PRINCIPAL)
    );
    let b = env
        .book
        .sender(env.borrower)
        .borrow(offer, u(2))
        .motsu_unwrap();
    assert_eq!((a, b), (u(1), u(2)));
    assert_eq!(env.borrower_loans(env.borrower), vec![a, b]);
    assert_eq!(env.lender_loans(env.lender), vec![a, b]);
    assert_eq!(env.balance(env.borrower), u(2 * PRINCIPAL));
    assert_eq!(
        env.offers.sender(env.owner).held(env.token.address()),
        U256::ZERO
    );
    assert_offer_book_err(
        env.book
            .sender(env.borrower)
            .borrow(offer, u(3))
            .motsu_unwrap_err(),
        OfferBookOfferClosed {},
    );
    env.assert_solvent();
}

#[motsu::test]
fn borrow_follows_the_oracle_status_and_the_ltv() {
    let env = Env::new();
    let offer = env.offer();
    for status in [2u8, 3, 4, 200] {
        env.oracle
            .sender(env.owner)
            .set(u(PRICE), status, u(PRICE), 0);
        expect_err!(
            env.book.sender(env.borrower).borrow(offer, u(TOKEN)),
            Error::OracleUnavailable(LoanBookOracleUnavailable { status: s }) if s == status
        );
    }
    env.oracle.sender(env.owner).set_broken(true);
    expect_err!(
        env.book.sender(env.borrower).borrow(offer, u(TOKEN)),
        Error::OracleUnavailable(LoanBookOracleUnavailable {
            status: ORACLE_CALL_FAILED
        })
    );
    env.oracle.sender(env.owner).set_broken(false);
    // Just below 10 tokens: 40% of it is below the 4-token principal.
    env.oracle
        .sender(env.owner)
        .set(u(PRICE - 3), 0, u(PRICE), 0);
    expect_err!(
        env.book.sender(env.borrower).borrow(offer, u(TOKEN)),
        Error::LtvExceeded(LoanBookLtvExceeded { maxPrincipal }) if maxPrincipal == u(PRINCIPAL - 2)
    );
    // A zero price allows nothing.
    env.oracle.sender(env.owner).set(U256::ZERO, 0, u(PRICE), 0);
    expect_err!(
        env.book.sender(env.borrower).borrow(offer, u(TOKEN)),
        Error::LtvExceeded(LoanBookLtvExceeded { maxPrincipal }) if maxPrincipal == U256::ZERO
    );
    // Uncertain: the max LTV is halved (haircut 5000) -> 20% of 10 tokens = 2 tokens.
    env.oracle.sender(env.owner).set(u(PRICE), 1, u(PRICE), 1);
    expect_err!(
        env.book.sender(env.borrower).borrow(offer, u(TOKEN)),
        Error::LtvExceeded(LoanBookLtvExceeded { maxPrincipal }) if maxPrincipal == u(2 * UNIT)
    );
    // Every refusal above came after the take, and rolled it back.
    assert_eq!(
        env.offers.sender(env.owner).offer(offer).motsu_unwrap().10,
        0
    );
    assert_eq!(
        env.offers.sender(env.owner).held(env.token.address()),
        u(PRINCIPAL)
    );
    env.oracle
        .sender(env.owner)
        .set(u(2 * PRICE), 1, u(PRICE), 1);
    env.book
        .sender(env.borrower)
        .borrow(offer, u(TOKEN))
        .motsu_unwrap();
    env.assert_solvent();
}

#[motsu::test]
fn the_ltv_and_the_haircut_come_from_the_offer_book_at_borrow_time() {
    let env = Env::new();
    let offer = env.offer();
    let nft = env.nft.address();
    env.offers
        .sender(env.owner)
        .set_collection_params(
            nft,
            3_500,
            6_500,
            800,
            13_000,
            9_800,
            90 * DAY,
            DAY,
            300,
            DAY,
        )
        .motsu_unwrap();
    expect_err!(
        env.book.sender(env.borrower).borrow(offer, u(TOKEN)),
        Error::LtvExceeded(LoanBookLtvExceeded { maxPrincipal }) if maxPrincipal == u(3_500_000)
    );
    // Uncertain at 20 tokens: 3500 × (1 − 45%) = 1925 bps -> 3.85 tokens.
    env.offers
        .sender(env.owner)
        .set_protocol_params(1_200, 60, 4_500)
        .motsu_unwrap();
    env.oracle
        .sender(env.owner)
        .set(u(2 * PRICE), 1, u(PRICE), 1);
    expect_err!(
        env.book.sender(env.borrower).borrow(offer, u(TOKEN)),
        Error::LtvExceeded(LoanBookLtvExceeded { maxPrincipal }) if maxPrincipal == u(3_850_000)
    );
    // 4000 × 55% = 2200 bps of 20 tokens = 4.4 tokens: enough.
    env.offers
        .sender(env.owner)
        .set_collection_params(
            nft,
            4_000,
            6_800,
            900,
            13_100,
            9_700,
            90 * DAY,
            2 * DAY,
            600,
            2 * DAY,
        )
        .motsu_unwrap();
    let loan = env
        .book
        .sender(env.borrower)
        .borrow(offer, u(TOKEN))
        .motsu_unwrap();
    assert_eq!(
        env.book.sender(env.owner).loan_terms(loan).motsu_unwrap(),
        (
            2 * DAY,
            6_800,
            900,
            1_200,
            60,
            13_100,
            9_700,
            600,
            2 * DAY,
            u(TIP_CAP)
        )
    );
    env.assert_solvent();
}

#[motsu::test]
fn a_token_that_refuses_payouts_fails_the_whole_call(
    bad: Contract<FalseToken>,
    nft2: Contract<MockNft>,
) {
    let env = Env::new();
    let currency = bad.address();
    env.offers
        .sender(env.owner)
        .set_currency(currency, u(1))
        .motsu_unwrap();
    env.offers
        .sender(env.owner)
        .list_collection(
            nft2.address(),
            currency,
            4_000,
            6_500,
            800,
            13_000,
            9_800,
            90 * DAY,
            DAY,
            300,
            DAY,
        )
        .motsu_unwrap();
    bad.sender(env.lender)
        .mint(env.lender, u(PRINCIPAL))
        .motsu_unwrap();
    bad.sender(env.lender)
        .approve(env.offers.address(), U256::MAX);
    nft2.sender(env.borrower)
        .mint(env.borrower, u(1))
        .motsu_unwrap();
    nft2.sender(env.borrower)
        .set_approval_for_all(env.vault.address(), true)
        .motsu_unwrap();
    let offer = env
        .offers
        .sender(env.lender)
        .create_offer(
            currency,
            nft2.address(),
            u(1),
            false,
            u(PRINCIPAL),
            APR,
            DURATION,
            start_time() + DAY,
            1,
        )
        .motsu_unwrap();
    bad.sender(env.owner).set_failing(true);
    assert_offer_book_err(
        env.book
            .sender(env.borrower)
            .borrow(offer, u(1))
            .motsu_unwrap_err(),
        OfferBookTransferFailed {},
    );
    assert_eq!(
        nft2.sender(env.owner).owner_of(u(1)).motsu_unwrap(),
        env.borrower,
        "nothing moved"
    );
    bad.sender(env.owner).set_failing(false);
    let loan = env
        .book
        .sender(env.borrower)
        .borrow(offer, u(1))
        .motsu_unwrap();
    bad.sender(env.borrower)
        .approve(env.book.address(), U256::MAX);
    // A payment the token refuses fails the repay as a whole.
    bad.sender(env.owner).set_failing(true);
    expect_err!(
        env.book.sender(env.borrower).repay(loan),
        Error::TransferFailed(LoanBookTransferFailed {})
    );
    assert_eq!(
        env.book.sender(env.owner).loan(loan).motsu_unwrap().9,
        storage::ACTIVE
    );
    bad.sender(env.owner).set_failing(false);
    env.book.sender(env.borrower).repay(loan).motsu_unwrap();
    // A refused withdrawal keeps the claim.
    bad.sender(env.owner).set_failing(true);
    expect_err!(
        env.book.sender(env.lender).withdraw(currency),
        Error::TransferFailed(LoanBookTransferFailed {})
    );
    assert_eq!(
        env.book.sender(env.owner).claimable(env.lender, currency),
        u(PRINCIPAL)
    );
    assert_eq!(env.book.sender(env.owner).held(currency), u(PRINCIPAL));
    bad.sender(env.owner).set_failing(false);
    assert_eq!(
        env.book
            .sender(env.lender)
            .withdraw(currency)
            .motsu_unwrap(),
        u(PRINCIPAL)
    );
    assert_eq!(bad.sender(env.owner).balance_of(env.lender), u(PRINCIPAL));
    for (holder, owed) in [
        (
            env.offers.address(),
            env.offers.sender(env.owner).held(currency),
        ),
        (
            env.book.address(),
            env.book.sender(env.owner).held(currency),
        ),
    ] {
        assert!(bad.sender(env.owner).balance_of(holder) >= owed);
    }
    env.assert_solvent();
}

#[motsu::test]
fn an_expired_offer_is_refused_through_the_loan_book() {
    let env = Env::new();
    let offer = env.offer(); // expires at start_time() + 7 days
                             // One warp moves both books' clocks (the OfferBook's `test-clock` feature).
    crate::clock::warp(7 * DAY - 1);
    let loan = env
        .book
        .sender(env.borrower)
        .borrow(offer, u(TOKEN))
        .motsu_unwrap();
    env.book.sender(env.borrower).repay(loan).motsu_unwrap();
    let second = env.offer_with(u(PRINCIPAL), false, 1); // expires 7 days from now
    crate::clock::warp(7 * DAY);
    assert_offer_book_err(
        env.book
            .sender(env.borrower)
            .borrow(second, u(TOKEN))
            .motsu_unwrap_err(),
        OfferBookOfferExpired {},
    );
    assert_eq!(
        env.offers.sender(env.owner).held(env.token.address()),
        u(PRINCIPAL)
    );
    assert_eq!(env.book.sender(env.owner).counts(), (u(1), U256::ZERO));
    // The lender can still cancel after expiry and gets the unused escrow back.
    assert_eq!(
        env.offers
            .sender(env.lender)
            .cancel_offer(second)
            .motsu_unwrap(),
        u(PRINCIPAL)
    );
    env.assert_solvent();
}
