//! The OfferBook / LoanBook split on the real compiled contracts: a borrow that the OfferBook
//! refuses (expired, used up, cancelled, wrong token, self-dealing, unknown, paused) reverts
//! through `LoanBook.borrow` with the OfferBook's own error data, unchanged; the escrow
//! accounting follows every step, and INV-SOLV (token balance ≥ `held(currency)`) holds for
//! both books after each action.

use alloy::{
    primitives::{Address, U256},
    providers::DynProvider,
    sol_types::SolError,
};
use lien_client::{
    bindings::{IGovernance, ILoanBook, IOfferBook, IPriceOracle, IERC20, IERC721},
    protocol::{hand_over_to_governance, Addresses},
};
use lien_e2e::{listed_protocol, ok, tokens, Harness};

/// The OfferBook error a failed call reverted with (`None` for anything else).
fn offer_book_error(e: &alloy::contract::Error) -> Option<IOfferBook::IOfferBookErrors> {
    e.as_decoded_interface_error::<IOfferBook::IOfferBookErrors>()
}

/// INV-SOLV of both books for `currency` and every other named invariant
/// (`lien_client::invariants`); returns the OfferBook's open escrow.
async fn solvent(p: &DynProvider, a: &Addresses, currency: Address, after: &str) -> U256 {
    for c in lien_client::invariants::check_all(p, a, currency)
        .await
        .expect("invariant reads")
    {
        assert!(c.holds, "{} broken after {after}: {}", c.name, c.detail);
    }
    let token = IERC20::new(currency, p);
    let offer_held = IOfferBook::new(a.offer_book, p)
        .held(currency)
        .call()
        .await
        .expect("held");
    let loan_held = ILoanBook::new(a.loan_book, p)
        .held(currency)
        .call()
        .await
        .expect("held");
    let offer_balance = token.balanceOf(a.offer_book).call().await.expect("balance");
    let loan_balance = token.balanceOf(a.loan_book).call().await.expect("balance");
    assert!(
        offer_balance >= offer_held,
        "INV-SOLV of the offer book after {after}: {offer_balance} < {offer_held}"
    );
    assert!(
        loan_balance >= loan_held,
        "INV-SOLV of the loan book after {after}: {loan_balance} < {loan_held}"
    );
    offer_held
}

#[tokio::test(flavor = "multi_thread")]
async fn refused_borrows_revert_with_the_offer_books_error() {
    let h = Harness::start().await;
    if !h.can_time_travel() {
        println!(
            "skipped: offer expiry needs time travel (LIEN_RPC_URL points at a node without it)"
        );
        return;
    }
    let (lender, borrower) = (h.account(1).await, h.account(1).await);
    // listing on the offer book and one oracle reporter, by the deployer before the hand-over
    let lien_e2e::ListedProtocol {
        a,
        currency,
        collection,
        guardian,
        reporter,
        ..
    } = listed_protocol(&h).await;
    let dp = h.provider(&h.funder);
    let offers = IOfferBook::new(a.offer_book, &dp);
    let oracle_r = IPriceOracle::new(a.oracle, h.provider(&reporter));
    ok!(oracle_r.postPrice(collection, tokens(100)));
    h.increase_time(3_700).await;
    ok!(oracle_r.postPrice(collection, tokens(100)));
    assert_eq!(solvent(&dp, &a, currency, "deployment").await, U256::ZERO);

    // the lender approves the offer book (not the loan book) and funds four offers of 10
    let lp = h.provider(&lender);
    let token_l = IERC20::new(currency, &lp);
    ok!(token_l.mint(lender.address(), tokens(100)));
    ok!(token_l.approve(a.offer_book, tokens(40)));
    let offers_l = IOfferBook::new(a.offer_book, &lp);
    let now = h.now().await;
    let day = 86_400u64;
    let create = |token_id: u64, any: bool, expiry: u64| {
        offers_l.createOffer(
            currency,
            collection,
            U256::from(token_id),
            any,
            tokens(10),
            1_000,
            30 * day,
            expiry,
            1,
        )
    };
    let short = U256::from(1); // expires within a day
    ok!(create(0, true, now + day));
    let used = U256::from(2); // borrowed once, so used up
    ok!(create(0, true, now + 60 * day));
    let cancelled = U256::from(3);
    ok!(create(0, true, now + 60 * day));
    let only_99 = U256::from(4); // token-specific: NFT #99
    ok!(create(99, false, now + 60 * day));
    assert_eq!(
        offers.offerCount().call().await.expect("offerCount"),
        U256::from(4)
    );
    assert_eq!(
        token_l
            .balanceOf(a.offer_book)
            .call()
            .await
            .expect("balance"),
        tokens(40)
    );
    assert_eq!(solvent(&dp, &a, currency, "createOffer").await, tokens(40));
    assert!(token_l
        .allowance(lender.address(), a.loan_book)
        .call()
        .await
        .expect("allowance")
        .is_zero());

    // a borrow pays the principal out of the offer book's escrow
    let bp = h.provider(&borrower);
    let nft_b = IERC721::new(collection, &bp);
    ok!(nft_b.mint(borrower.address(), U256::from(1)));
    ok!(nft_b.approve(a.vault, U256::from(1)));
    let book_b = ILoanBook::new(a.loan_book, &bp);
    let loan = book_b
        .borrow(used, U256::from(1))
        .call()
        .await
        .expect("borrow");
    ok!(book_b.borrow(used, U256::from(1)));
    assert_eq!(
        IERC20::new(currency, &bp)
            .balanceOf(borrower.address())
            .call()
            .await
            .expect("balance"),
        tokens(10)
    );
    let o = offers.offer(used).call().await.expect("offer");
    assert_eq!(
        (o.used, o.open),
        (1, false),
        "capacity 1: used once and closed"
    );
    assert_eq!(solvent(&dp, &a, currency, "borrow").await, tokens(30));

    // the lender cancels offer 3: its escrow comes back
    let refund = offers_l
        .cancelOffer(cancelled)
        .call()
        .await
        .expect("cancelOffer");
    assert_eq!(refund, tokens(10));
    ok!(offers_l.cancelOffer(cancelled));
    assert_eq!(solvent(&dp, &a, currency, "cancelOffer").await, tokens(20));

    // refused borrows: each reverts through the loan book with the offer book's error
    ok!(nft_b.mint(borrower.address(), U256::from(2)));
    ok!(nft_b.approve(a.vault, U256::from(2)));
    let refused = |offer: U256| book_b.borrow(offer, U256::from(2));
    let e = refused(used).call().await.expect_err("used up");
    assert!(
        matches!(
            offer_book_error(&e),
            Some(IOfferBook::IOfferBookErrors::OfferBookOfferClosed(_))
        ),
        "{e:?}"
    );
    let e = refused(cancelled).call().await.expect_err("cancelled");
    assert!(
        matches!(
            offer_book_error(&e),
            Some(IOfferBook::IOfferBookErrors::OfferBookOfferClosed(_))
        ),
        "{e:?}"
    );
    let e = refused(only_99).call().await.expect_err("wrong token");
    assert!(
        matches!(
            offer_book_error(&e),
            Some(IOfferBook::IOfferBookErrors::OfferBookWrongToken(_))
        ),
        "{e:?}"
    );
    let e = refused(U256::from(99)).call().await.expect_err("unknown");
    match offer_book_error(&e) {
        Some(IOfferBook::IOfferBookErrors::OfferBookUnknownOffer(u)) => {
            assert_eq!(u.0, U256::from(99))
        }
        other => panic!(
            "expected OfferBookUnknownOffer(99), got {:?}",
            other.is_some()
        ),
    }
    h.increase_time(day + 1).await;
    let e = refused(short).call().await.expect_err("expired");
    assert_eq!(
        e.as_revert_data().expect("revert data").as_ref(),
        IOfferBook::OfferBookOfferExpired {}.abi_encode().as_slice(),
        "the loan book passes the offer book's revert data through unchanged"
    );
    // a sent transaction reverts on chain too, and leaves the NFT with the borrower
    let receipt = refused(short)
        .gas(2_000_000)
        .send()
        .await
        .expect("send")
        .get_receipt()
        .await
        .expect("receipt");
    assert!(
        !receipt.status(),
        "a borrow on an expired offer must revert"
    );
    assert_eq!(
        nft_b.ownerOf(U256::from(2)).call().await.expect("ownerOf"),
        borrower.address()
    );
    // the lender cannot borrow from its own offer
    let nft_l = IERC721::new(collection, &lp);
    ok!(nft_l.mint(lender.address(), U256::from(99)));
    ok!(nft_l.approve(a.vault, U256::from(99)));
    let e = ILoanBook::new(a.loan_book, &lp)
        .borrow(only_99, U256::from(99))
        .call()
        .await
        .expect_err("self-dealing");
    assert!(
        matches!(
            offer_book_error(&e),
            Some(IOfferBook::IOfferBookErrors::OfferBookSelfDealing(_))
        ),
        "{e:?}"
    );
    assert_eq!(
        solvent(&dp, &a, currency, "refused borrows").await,
        tokens(20)
    );
    // an expired offer can still be cancelled for a refund
    ok!(offers_l.cancelOffer(short));
    assert_eq!(
        solvent(&dp, &a, currency, "cancel after expiry").await,
        tokens(10)
    );

    // after the hand-over, the guardian pauses the offer book: borrowing and new offers stop,
    // while repayments and cancellations go on
    hand_over_to_governance(&dp, &a).await.expect("hand over");
    let gov_g = IGovernance::new(a.governance, h.provider(&guardian));
    ok!(gov_g.guardianPause(a.offer_book));
    let e = refused(only_99).call().await.expect_err("paused");
    assert!(
        matches!(
            offer_book_error(&e),
            Some(IOfferBook::IOfferBookErrors::OfferBookPaused(_))
        ),
        "{e:?}"
    );
    let e = create(0, true, h.now().await + day)
        .call()
        .await
        .expect_err("paused");
    assert!(
        matches!(
            offer_book_error(&e),
            Some(IOfferBook::IOfferBookErrors::OfferBookPaused(_))
        ),
        "{e:?}"
    );
    let token_b = IERC20::new(currency, &bp);
    ok!(token_b.mint(borrower.address(), tokens(1)));
    ok!(token_b.approve(a.loan_book, tokens(11)));
    ok!(book_b.repay(loan));
    assert_eq!(
        nft_b.ownerOf(U256::from(1)).call().await.expect("ownerOf"),
        borrower.address()
    );
    assert_eq!(
        solvent(&dp, &a, currency, "repay while paused").await,
        tokens(10)
    );
    ok!(offers_l.cancelOffer(only_99));
    assert_eq!(
        solvent(&dp, &a, currency, "cancel while paused").await,
        U256::ZERO
    );
    let claim = ILoanBook::new(a.loan_book, &lp)
        .claimable(lender.address(), currency)
        .call()
        .await
        .expect("claimable");
    assert!(
        claim > tokens(10),
        "principal + interest − fee is claimable: {claim}"
    );
    let book_l = ILoanBook::new(a.loan_book, &lp);
    ok!(book_l.withdraw(currency));
    assert_eq!(solvent(&dp, &a, currency, "withdraw").await, U256::ZERO);
    assert_eq!(
        token_l
            .balanceOf(a.offer_book)
            .call()
            .await
            .expect("balance"),
        U256::ZERO
    );
}
