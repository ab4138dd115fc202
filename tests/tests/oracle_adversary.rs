//! The oracle adversary suite (issue 14, item 6) on the compiled wasm in the dev node: stepped
//! posts (one batch, one block, one period), a 2-source lower median, `minSources` 1, the TWAP
//! warm-up and its effect on borrowing, and liquidation attempted only in stale windows.
//! docs/contracts/oracle.md ("Known attacks") describes each defence.

use alloy::{
    primitives::{Address, U256},
    providers::DynProvider,
};
use lien_client::{
    bindings::{ILoanBook, IOfferBook, IPriceOracle, IERC20, IERC721},
    protocol::{oracle_params_word, OracleParams},
};
use lien_e2e::{listed_protocol, ok, tokens, Harness, ListedProtocol};

use ILoanBook::ILoanBookErrors as BookErr;
use IPriceOracle::IPriceOracleErrors as OracleErr;

const DAY: u64 = 86_400;
/// Status codes of `borrowPrice` / `liquidationPrice`.
const OK: u8 = 0;
const UNCERTAIN: u8 = 1;
const STALE: u8 = 2;

/// The parameters `listed_protocol` sets (one reporter, quorum 1, 10-minute confirm delay,
/// 1-hour TWAP), with `min_sources` replaced.
fn params(min_sources: u8) -> OracleParams {
    OracleParams {
        min_sources,
        max_age: 3_600,
        max_jump_bps: 2_000,
        confirm_delay: 600,
        max_spread_bps: 1_500,
        twap_window: 3_600,
        decimals: 18,
    }
}

/// Skips (with a note) on a node without time travel.
fn skip(h: &Harness) -> bool {
    if !h.can_time_travel() {
        println!("skipped: the oracle suite needs time travel (LIEN_RPC_URL has none)");
        return true;
    }
    false
}

/// `(price, status)` of `borrowPrice` for token 0.
async fn borrow_price(
    o: &IPriceOracle::IPriceOracleInstance<DynProvider>,
    c: Address,
) -> (U256, u8) {
    let r = o
        .borrowPrice(c, U256::ZERO)
        .call()
        .await
        .expect("borrowPrice");
    (r.price, r.status)
}

/// `(price, status)` of `liquidationPrice` for token 0.
async fn liquidation_price(
    o: &IPriceOracle::IPriceOracleInstance<DynProvider>,
    c: Address,
) -> (U256, u8) {
    let r = o
        .liquidationPrice(c, U256::ZERO)
        .call()
        .await
        .expect("liquidationPrice");
    (r.price, r.status)
}

/// The reporter's oracle handle, after a full TWAP window at `price`.
async fn warmed(
    h: &Harness,
    w: &ListedProtocol,
    price: U256,
) -> IPriceOracle::IPriceOracleInstance<DynProvider> {
    let o = IPriceOracle::new(w.a.oracle, h.provider(&w.reporter));
    ok!(o.postPrice(w.collection, price));
    h.increase_time(3_700).await;
    ok!(o.postPrice(w.collection, price));
    assert_eq!(borrow_price(&o, w.collection).await, (price, OK));
    o
}

/// One reporter (`minSources` 1) steps its price +19 % at a time: a batch repeating the
/// collection is refused, and separate posts move the accepted price one band only
/// (4da50d8 accepted every step: ×5.7 in ten posts, ≈ ×340 in one 32-pair batch).
#[tokio::test(flavor = "multi_thread")]
async fn stepped_posts_cannot_walk_the_price() {
    let h = Harness::start().await;
    if skip(&h) {
        return;
    }
    let w = listed_protocol(&h).await;
    let c = w.collection;
    let o = warmed(&h, &w, tokens(100)).await;

    let batch = o.postPrices(vec![c, c], vec![tokens(119), tokens(141)]);
    let Err(err) = batch.call().await else {
        panic!("a batch repeating a collection must revert");
    };
    match err
        .as_decoded_interface_error::<OracleErr>()
        .expect("typed error")
    {
        OracleErr::OracleDuplicateCollection(e) => assert_eq!(e.0, c),
        other => panic!(
            "expected OracleDuplicateCollection, got {:?}",
            std::mem::discriminant(&other)
        ),
    }

    let mut price = tokens(100);
    for _ in 0..10 {
        price = price * U256::from(119) / U256::from(100);
        ok!(o.postPrice(c, price));
    }
    // The steps feed the TWAP (held-back values do), but inside the confirm delay the borrow
    // side holds at the one accepted step: min(spot 119, TWAP) = 119.
    h.increase_time(500).await;
    let (twap, _) = liquidation_price(&o, c).await;
    assert!(
        twap > tokens(119),
        "the held-back steps reached the TWAP: {twap}"
    );
    assert_eq!(borrow_price(&o, c).await, (tokens(119), OK));
}

/// Two sources: the lower median of two is the lower value, so a high outlier cannot raise
/// the price (and the spread flags Uncertain), while one low source alone lowers it — the
/// reason the default quorum is three. The configuration views tell what the events logged.
#[tokio::test(flavor = "multi_thread")]
async fn two_sources_use_the_lower_value() {
    let h = Harness::start().await;
    if skip(&h) {
        return;
    }
    let w = listed_protocol(&h).await;
    let c = w.collection;
    let second = h.account(1).await;
    let admin = IPriceOracle::new(w.a.oracle, h.provider(&h.funder));
    ok!(admin.addReporter(c, second.address()));
    ok!(admin.setParams(c, oracle_params_word(&params(2))));
    assert_eq!(
        admin.sources(c).call().await.expect("sources"),
        vec![w.reporter.address(), second.address()]
    );
    let p = admin.params(c).call().await.expect("params");
    assert_eq!(
        (
            p.min_sources,
            p.max_age,
            p.max_jump_bps,
            p.confirm_delay,
            p.max_spread_bps,
            p.twap_window,
            p.decimals
        ),
        (2, 3_600, 2_000, 600, 1_500, 3_600, 18)
    );

    let honest = IPriceOracle::new(w.a.oracle, h.provider(&w.reporter));
    let outlier = IPriceOracle::new(w.a.oracle, h.provider(&second));
    for _ in 0..2 {
        ok!(honest.postPrice(c, tokens(100)));
        ok!(outlier.postPrice(c, tokens(300)));
        h.increase_time(1_850).await;
    }
    ok!(honest.postPrice(c, tokens(100)));
    ok!(outlier.postPrice(c, tokens(300)));
    assert_eq!(borrow_price(&honest, c).await, (tokens(100), UNCERTAIN));
    assert_eq!(
        liquidation_price(&honest, c).await,
        (tokens(100), UNCERTAIN)
    );

    // The same source turns low: held back (a jump), but a lower value counts at once.
    ok!(outlier.postPrice(c, tokens(20)));
    assert_eq!(borrow_price(&honest, c).await, (tokens(20), UNCERTAIN));
    h.increase_time(1_800).await;
    let (liq, _) = liquidation_price(&honest, c).await;
    assert!(
        liq < tokens(70) && liq > tokens(20),
        "half a window at 20 moves the TWAP to about 60: {liq}"
    );
}

/// A lender's offer of `principal` for one-month loans and a borrower holding token 1,
/// approved to the vault.
async fn offer_and_borrower(
    h: &Harness,
    w: &ListedProtocol,
    principal: U256,
) -> (U256, alloy::signers::local::PrivateKeySigner) {
    let (lender, borrower) = (h.account(1).await, h.account(1).await);
    let lp = h.provider(&lender);
    let token = IERC20::new(w.currency, &lp);
    ok!(token.mint(lender.address(), tokens(100)));
    ok!(token.approve(w.a.offer_book, tokens(100)));
    let offers = IOfferBook::new(w.a.offer_book, &lp);
    let expiry = h.now().await + 60 * DAY;
    let offer = offers
        .createOffer(
            w.currency,
            w.collection,
            U256::ZERO,
            true,
            principal,
            1_000,
            30 * DAY,
            expiry,
            1,
        )
        .call()
        .await
        .expect("createOffer");
    ok!(offers.createOffer(
        w.currency,
        w.collection,
        U256::ZERO,
        true,
        principal,
        1_000,
        30 * DAY,
        expiry,
        1
    ));
    let nft = IERC721::new(w.collection, h.provider(&borrower));
    ok!(nft.mint(borrower.address(), U256::from(1)));
    ok!(nft.approve(w.a.vault, U256::from(1)));
    (offer, borrower)
}

/// A young TWAP (less than one window of history) is Uncertain, and the LoanBook lends at
/// half the LTV then: 30 on a price of 100 at 40 % LTV is refused during the warm-up and
/// allowed once the window is full.
#[tokio::test(flavor = "multi_thread")]
async fn twap_warm_up_halves_the_ltv() {
    let h = Harness::start().await;
    if skip(&h) {
        return;
    }
    let w = listed_protocol(&h).await;
    let c = w.collection;
    let o = IPriceOracle::new(w.a.oracle, h.provider(&w.reporter));
    assert_eq!(
        borrow_price(&o, c).await.0,
        U256::ZERO,
        "no history, no price"
    );
    ok!(o.postPrice(c, tokens(100)));
    assert_eq!(borrow_price(&o, c).await, (tokens(100), UNCERTAIN));

    let (offer, borrower) = offer_and_borrower(&h, &w, tokens(30)).await;
    let book = ILoanBook::new(w.a.loan_book, h.provider(&borrower));
    let err = book
        .borrow(offer, U256::from(1))
        .call()
        .await
        .expect_err("above the warm-up LTV");
    match err.as_decoded_interface_error::<BookErr>().expect("typed") {
        BookErr::LoanBookLtvExceeded(e) => assert_eq!(e.0, tokens(20), "half of 40 % of 100"),
        other => panic!(
            "expected LoanBookLtvExceeded, got {:?}",
            std::mem::discriminant(&other)
        ),
    }
    h.increase_time(3_600).await;
    ok!(o.postPrice(c, tokens(100)));
    assert_eq!(borrow_price(&o, c).await, (tokens(100), OK));
    ok!(book.borrow(offer, U256::from(1)));
}

/// A keeper tries to liquidate a healthy loan in the windows an attacker would pick: right
/// after a crash post (the TWAP has not moved) and once the prices go stale (the status is
/// Stale, so the health liquidation is refused). Once a fresh post confirms the crash and the
/// TWAP has followed it, the liquidation goes through.
#[tokio::test(flavor = "multi_thread")]
async fn liquidation_attempted_only_in_stale_windows() {
    let h = Harness::start().await;
    if skip(&h) {
        return;
    }
    let w = listed_protocol(&h).await;
    let c = w.collection;
    let o = warmed(&h, &w, tokens(100)).await;
    let (offer, borrower) = offer_and_borrower(&h, &w, tokens(30)).await;
    let book_b = ILoanBook::new(w.a.loan_book, h.provider(&borrower));
    let loan = book_b
        .borrow(offer, U256::from(1))
        .call()
        .await
        .expect("borrow");
    ok!(book_b.borrow(offer, U256::from(1)));
    let keeper = h.account(1).await;
    let book_k = ILoanBook::new(w.a.loan_book, h.provider(&keeper));

    // A crash post: the borrow side drops at once, the TWAP (liquidation side) does not.
    ok!(o.postPrice(c, tokens(10)));
    assert_eq!(borrow_price(&o, c).await, (tokens(10), OK));
    let err = book_k
        .liquidate(loan)
        .call()
        .await
        .expect_err("healthy on the TWAP");
    assert!(matches!(
        err.as_decoded_interface_error::<BookErr>(),
        Some(BookErr::LoanBookNotLiquidatable(_))
    ));

    // No post for longer than maxAge: the TWAP has sunk, but the status is Stale.
    h.increase_time(3_601).await;
    let (twap, status) = liquidation_price(&o, c).await;
    assert_eq!(status, STALE);
    assert!(
        twap < tokens(30),
        "on the TWAP alone the loan would be liquidatable: {twap}"
    );
    let err = book_k
        .liquidate(loan)
        .call()
        .await
        .expect_err("stale window");
    match err.as_decoded_interface_error::<BookErr>().expect("typed") {
        BookErr::LoanBookOracleUnavailable(e) => assert_eq!(e.0, STALE),
        other => panic!(
            "expected LoanBookOracleUnavailable, got {:?}",
            std::mem::discriminant(&other)
        ),
    }

    // A fresh post confirms the crash (held back for more than confirmDelay): liquidatable.
    ok!(o.postPrice(c, tokens(10)));
    assert_eq!(liquidation_price(&o, c).await.1, OK);
    ok!(book_k.liquidate(loan));
}
