//! The failures a user can hit, on the real compiled contracts through JSON-RPC: each refused
//! call reverts (both `eth_call` and `eth_estimateGas` fail, so a signed transaction would not
//! go through) with the exact custom error documented in docs/contracts/*.md, nothing moves
//! (token balances, escrow, claims, loan status, NFT custody), and every named invariant
//! (`lien_client::invariants::check_all`) holds after each group.
//!
//! Refused borrows on the OfferBook side (expired, used up, cancelled, wrong token, own offer,
//! unknown, paused) are in offer_book.rs; wiring and ownership hand-over in protocol_deploy.rs.

use alloy::{
    primitives::{Address, U256},
    providers::DynProvider,
};
use lien_client::{
    bindings::{
        ILiquidator, ILoanBook, ILoanDesk, ILoanLens, IOfferBook, IPriceOracle, IERC20, IERC721,
    },
    deploy::deploy_stylus,
    protocol::{hand_over_to_governance, Addresses},
};
use lien_e2e::{code_of, listed_protocol, ok, tokens, Harness};

use IErc6093::IErc6093Errors as TokenErr;
use ILiquidator::ILiquidatorErrors as LiqErr;
use ILoanBook::ILoanBookErrors as BookErr;
use IOfferBook::IOfferBookErrors as OfferErr;

alloy::sol! {
    /// The ERC-6093 errors of the OpenZeppelin ERC-20 the mock currency is built on.
    interface IErc6093 {
        error ERC20InsufficientBalance(address sender, uint256 balance, uint256 needed);
        error ERC20InsufficientAllowance(address spender, uint256 allowance, uint256 needed);
    }
}

const DAY: u64 = 86_400;

/// Loan status codes (docs/contracts/loan-book.md).
const ACTIVE: u8 = 1;
const IN_AUCTION: u8 = 2;
const REPAID: u8 = 3;

/// Asserts that a call reverts both in `eth_call` and in `eth_estimateGas` with the same revert
/// data, and decodes it against `$errors`; returns the decoded error.
macro_rules! refused {
    ($errors:ty, $call:expr) => {{
        let call = $call;
        let Err(e) = call.call().await else {
            panic!("{} must revert", stringify!($call));
        };
        let g = call
            .estimate_gas()
            .await
            .expect_err(concat!(stringify!($call), ": estimateGas must fail too"));
        let data = e.as_revert_data().expect("revert data");
        assert_eq!(
            g.as_revert_data().as_ref(),
            Some(&data),
            "{}: eth_call and eth_estimateGas disagree",
            stringify!($call)
        );
        e.as_decoded_interface_error::<$errors>()
            .unwrap_or_else(|| panic!("{}: undecodable revert {data}", stringify!($call)))
    }};
}

/// Asserts that `$value` matches `$pattern` (with the error's name in the message).
macro_rules! assert_err {
    ($value:expr, $pattern:pat $(if $guard:expr)?) => {{
        let value = $value;
        assert!(
            matches!(value, $pattern $(if $guard)?),
            "expected {}, got {:?}",
            stringify!($pattern),
            std::mem::discriminant(&value)
        );
    }};
}

/// Every named invariant holds.
async fn invariants(p: &DynProvider, a: &Addresses, currency: Address, after: &str) {
    let checks = lien_client::invariants::check_all(p, a, currency)
        .await
        .expect("invariant reads");
    assert!(!checks.is_empty());
    for c in checks {
        assert!(c.holds, "{} broken after {after}: {}", c.name, c.detail);
    }
}

/// What must not move: the token balances of `accounts` and of both books, and both books'
/// `held`.
async fn snapshot(
    p: &DynProvider,
    a: &Addresses,
    currency: Address,
    accounts: &[Address],
) -> Vec<U256> {
    let token = IERC20::new(currency, p);
    let mut out = Vec::new();
    for who in accounts.iter().chain([&a.offer_book, &a.loan_book]) {
        out.push(token.balanceOf(*who).call().await.expect("balance"));
    }
    out.push(
        IOfferBook::new(a.offer_book, p)
            .held(currency)
            .call()
            .await
            .expect("held"),
    );
    out.push(
        ILoanBook::new(a.loan_book, p)
            .held(currency)
            .call()
            .await
            .expect("held"),
    );
    out
}

async fn status(p: &DynProvider, a: &Addresses, loan: U256) -> u8 {
    ILoanLens::new(a.loan_lens, p)
        .loan(loan)
        .call()
        .await
        .expect("loan")
        .status
}

#[tokio::test(flavor = "multi_thread")]
async fn offer_book_refusals() {
    let h = Harness::start().await;
    let w = listed_protocol(&h).await;
    let (a, currency, collection) = (w.a, w.currency, w.collection);
    let dp = h.provider(&h.funder);
    let (lender, stranger) = (h.account(1).await, h.account(1).await);
    let lp = h.provider(&lender);
    let token_l = IERC20::new(currency, &lp);
    ok!(token_l.mint(lender.address(), tokens(100)));
    let offers_l = IOfferBook::new(a.offer_book, &lp);
    // another token, not the collection's currency (a fee-on-transfer mock: the plain mock's
    // code is already deployed and activated)
    let other_currency = deploy_stylus(
        &dp,
        "lien-mock-fee-token",
        code_of("lien-mock-fee-token"),
        None,
    )
    .await
    .expect("second token")
    .address;
    let offers_d = IOfferBook::new(a.offer_book, &dp);
    let now = h.now().await;
    let create = |currency: Address, principal: U256, apr: u16, expiry: u64, capacity: u64| {
        offers_l.createOffer(
            currency,
            collection,
            U256::ZERO,
            true,
            principal,
            apr,
            30 * DAY,
            expiry,
            capacity,
        )
    };
    let expiry = now + 60 * DAY;
    let watched = [lender.address(), stranger.address()];
    let before = snapshot(&dp, &a, currency, &watched).await;

    // without approval: the escrow pull fails
    assert_err!(
        refused!(OfferErr, create(currency, tokens(10), 1_000, expiry, 1)),
        OfferErr::OfferBookTransferFailed(_)
    );
    ok!(token_l.approve(a.offer_book, tokens(100)));
    // bad inputs, each alone
    assert_err!(
        refused!(OfferErr, create(currency, U256::ZERO, 1_000, expiry, 1)),
        OfferErr::OfferBookZeroAmount(_)
    );
    assert_err!(
        refused!(OfferErr, create(currency, tokens(10), 50_001, expiry, 1)),
        OfferErr::OfferBookBadApr(_)
    );
    assert_err!(
        refused!(OfferErr, create(currency, tokens(10), 1_000, expiry, 0)),
        OfferErr::OfferBookBadCapacity(_)
    );
    assert_err!(
        refused!(OfferErr, create(currency, tokens(10), 1_000, now - 1, 1)),
        OfferErr::OfferBookBadExpiry(_)
    );
    assert_err!(
        refused!(
            OfferErr,
            create(other_currency, tokens(10), 1_000, expiry, 1)
        ),
        OfferErr::OfferBookWrongCurrency(_)
    );
    assert_eq!(
        offers_d.offerCount().call().await.expect("offerCount"),
        U256::ZERO
    );
    assert_eq!(snapshot(&dp, &a, currency, &watched).await, before);
    invariants(&dp, &a, currency, "refused createOffer").await;

    // the boundary values are accepted: apr 50000 is the maximum
    ok!(create(currency, tokens(10), 50_000, expiry, 2));
    let offer = U256::from(1);
    let before = snapshot(&dp, &a, currency, &watched).await;
    assert_eq!(before[0], tokens(80), "the lender escrowed 2 × 10");

    // cancelOffer by someone else
    let offers_s = IOfferBook::new(a.offer_book, h.provider(&stranger));
    assert_err!(
        refused!(OfferErr, offers_s.cancelOffer(offer)),
        OfferErr::OfferBookNotLender(_)
    );
    let o = offers_s.offer(offer).call().await.expect("offer");
    assert!(o.open, "the offer stays open");
    assert_eq!(snapshot(&dp, &a, currency, &watched).await, before);
    invariants(&dp, &a, currency, "refused cancelOffer").await;

    // after the hand-over, the deployer's key cannot call a governance setter any more, and
    // nobody else can take the reserve
    hand_over_to_governance(&dp, &a).await.expect("hand over");
    match refused!(OfferErr, offers_d.setCurrency(currency, tokens(50))) {
        OfferErr::OwnableUnauthorizedAccount(e) => assert_eq!(e.0, h.funder.address()),
        other => panic!(
            "expected OwnableUnauthorizedAccount, got {:?}",
            std::mem::discriminant(&other)
        ),
    }
    match refused!(OfferErr, offers_d.setProtocolParams(0, 0, 0)) {
        OfferErr::OwnableUnauthorizedAccount(e) => assert_eq!(e.0, h.funder.address()),
        other => panic!(
            "expected OwnableUnauthorizedAccount, got {:?}",
            std::mem::discriminant(&other)
        ),
    }
    assert_eq!(
        offers_d
            .currencyInfo(currency)
            .call()
            .await
            .expect("currencyInfo")
            .tip_cap,
        tokens(5),
        "the tip cap did not change"
    );
    let book_d = ILoanBook::new(a.loan_book, &dp);
    match refused!(
        BookErr,
        book_d.withdrawReserve(currency, U256::from(1), h.funder.address())
    ) {
        BookErr::OwnableUnauthorizedAccount(e) => assert_eq!(e.0, h.funder.address()),
        other => panic!(
            "expected OwnableUnauthorizedAccount, got {:?}",
            std::mem::discriminant(&other)
        ),
    }
    // the lender can still cancel its own offer
    ok!(offers_l.cancelOffer(offer));
    assert_eq!(
        token_l
            .balanceOf(lender.address())
            .call()
            .await
            .expect("balance"),
        tokens(100)
    );
    invariants(&dp, &a, currency, "hand-over").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn loan_book_and_liquidator_refusals() {
    let h = Harness::start().await;
    if !h.can_time_travel() {
        println!(
            "skipped: loan refusals need a full oracle window and time travel (LIEN_RPC_URL \
             points at a node without it)"
        );
        return;
    }
    let w = listed_protocol(&h).await;
    let (a, currency, collection) = (w.a, w.currency, w.collection);
    let dp = h.provider(&h.funder);
    let oracle_r = IPriceOracle::new(a.oracle, h.provider(&w.reporter));
    ok!(oracle_r.postPrice(collection, tokens(100)));
    h.increase_time(3_700).await;
    ok!(oracle_r.postPrice(collection, tokens(100)));

    let (lender, borrower, keeper, bidder) = (
        h.account(1).await,
        h.account(1).await,
        h.account(1).await,
        h.account(1).await,
    );
    let (lp, bp, kp) = (
        h.provider(&lender),
        h.provider(&borrower),
        h.provider(&keeper),
    );
    let token_l = IERC20::new(currency, &lp);
    ok!(token_l.mint(lender.address(), tokens(200)));
    ok!(token_l.approve(a.offer_book, tokens(200)));
    let offers_l = IOfferBook::new(a.offer_book, &lp);
    let expiry = h.now().await + 60 * DAY;
    // offer 1: 10 per loan, 1-day loans, three loans; offer 2: 50, above 40 % of 100
    ok!(offers_l.createOffer(
        currency,
        collection,
        U256::ZERO,
        true,
        tokens(10),
        1_000,
        DAY,
        expiry,
        3
    ));
    ok!(offers_l.createOffer(
        currency,
        collection,
        U256::ZERO,
        true,
        tokens(50),
        1_000,
        DAY,
        expiry,
        1
    ));
    let (small, big) = (U256::from(1), U256::from(2));
    let nft_b = IERC721::new(collection, &bp);
    for id in 1..=3u64 {
        ok!(nft_b.mint(borrower.address(), U256::from(id)));
        ok!(nft_b.approve(a.vault, U256::from(id)));
    }
    let book_b = ILoanBook::new(a.loan_book, &bp);
    let book_k = ILoanBook::new(a.loan_book, &kp);
    let book_l = ILoanBook::new(a.loan_book, &lp);
    // The LoanDesk's functions (transferLoan, foreclose, …) are called at the LoanBook.
    let desk_k = ILoanDesk::new(a.loan_book, &kp);
    let desk_l = ILoanDesk::new(a.loan_book, &lp);
    let watched = [
        lender.address(),
        borrower.address(),
        keeper.address(),
        bidder.address(),
    ];

    // borrow above the LTV: price 100 (status Ok), LTV 40 % → at most 40
    let before = snapshot(&dp, &a, currency, &watched).await;
    match refused!(BookErr, book_b.borrow(big, U256::from(3))) {
        BookErr::LoanBookLtvExceeded(e) => assert_eq!(e.0, tokens(40), "maxPrincipal"),
        other => panic!(
            "expected LoanBookLtvExceeded, got {:?}",
            std::mem::discriminant(&other)
        ),
    }
    let o = offers_l.offer(big).call().await.expect("offer");
    assert_eq!((o.used, o.open), (0, true), "the offer is not used");
    assert_eq!(
        nft_b.ownerOf(U256::from(3)).call().await.expect("ownerOf"),
        borrower.address()
    );
    assert_eq!(snapshot(&dp, &a, currency, &watched).await, before);
    invariants(&dp, &a, currency, "refused borrow").await;

    // two loans of 10
    let loan1 = book_b
        .borrow(small, U256::from(1))
        .call()
        .await
        .expect("borrow");
    ok!(book_b.borrow(small, U256::from(1)));
    let loan2 = book_b
        .borrow(small, U256::from(2))
        .call()
        .await
        .expect("borrow");
    ok!(book_b.borrow(small, U256::from(2)));
    assert_eq!((loan1, loan2), (U256::from(1), U256::from(2)));
    invariants(&dp, &a, currency, "borrow").await;

    let before = snapshot(&dp, &a, currency, &watched).await;
    // repay of a loan that does not exist
    match refused!(BookErr, book_b.repay(U256::from(99))) {
        BookErr::LoanBookUnknownLoan(e) => assert_eq!(e.0, U256::from(99)),
        other => panic!(
            "expected LoanBookUnknownLoan, got {:?}",
            std::mem::discriminant(&other)
        ),
    }
    // repay without approving the loan book: the token's own ERC-6093 error comes back
    assert_err!(
        refused!(TokenErr, book_b.repay(loan1)),
        TokenErr::ERC20InsufficientAllowance(ref e) if e.spender == a.loan_book && e.allowance.is_zero()
    );
    // liquidating a healthy loan (debt ≈ 10 against 65 % of 100)
    assert_err!(
        refused!(BookErr, book_k.liquidate(loan1)),
        BookErr::LoanBookNotLiquidatable(_)
    );
    // the borrower may not liquidate its own loan
    assert_err!(
        refused!(BookErr, book_b.liquidate(loan1)),
        BookErr::LoanBookSelfDealing(_)
    );
    // nothing to withdraw
    assert_err!(
        refused!(BookErr, book_k.withdraw(currency)),
        BookErr::LoanBookNothingToClaim(_)
    );
    assert_err!(
        refused!(BookErr, book_l.withdraw(currency)),
        BookErr::LoanBookNothingToClaim(_)
    );
    // transferLoan by someone who is not the lender, and to the borrower
    assert_err!(
        refused!(BookErr, desk_k.transferLoan(loan1, keeper.address())),
        BookErr::LoanBookNotLender(_)
    );
    assert_err!(
        refused!(BookErr, desk_l.transferLoan(loan1, borrower.address())),
        BookErr::LoanBookSelfDealing(_)
    );
    // the reserve is the owner's only
    match refused!(
        BookErr,
        book_k.withdrawReserve(currency, U256::from(1), keeper.address())
    ) {
        BookErr::OwnableUnauthorizedAccount(e) => assert_eq!(e.0, keeper.address()),
        other => panic!(
            "expected OwnableUnauthorizedAccount, got {:?}",
            std::mem::discriminant(&other)
        ),
    }
    // a sent repay without approval reverts on chain and changes nothing
    let receipt = book_b
        .repay(loan1)
        .gas(2_000_000)
        .send()
        .await
        .expect("send")
        .get_receipt()
        .await
        .expect("receipt");
    assert!(!receipt.status(), "repay without approval must revert");
    assert_eq!(snapshot(&dp, &a, currency, &watched).await, before);
    for loan in [loan1, loan2] {
        assert_eq!(status(&dp, &a, loan).await, ACTIVE);
    }
    for loan in [loan1, loan2] {
        let l = ILoanLens::new(a.loan_lens, &lp)
            .loan(loan)
            .call()
            .await
            .expect("loan");
        assert_eq!(
            l.lender,
            lender.address(),
            "the lender still holds the position"
        );
    }
    invariants(&dp, &a, currency, "refused loan actions").await;

    // repaid once, then a second repay finds the loan Repaid (3)
    let token_b = IERC20::new(currency, &bp);
    ok!(token_b.mint(borrower.address(), tokens(1)));
    ok!(token_b.approve(a.loan_book, tokens(11)));
    ok!(book_b.repay(loan1));
    assert_eq!(status(&dp, &a, loan1).await, REPAID);
    let before = snapshot(&dp, &a, currency, &watched).await;
    match refused!(BookErr, book_b.repay(loan1)) {
        BookErr::LoanBookWrongStatus(e) => assert_eq!(e.0, REPAID),
        other => panic!(
            "expected LoanBookWrongStatus, got {:?}",
            std::mem::discriminant(&other)
        ),
    }
    assert_eq!(snapshot(&dp, &a, currency, &watched).await, before);
    invariants(&dp, &a, currency, "second repay").await;

    // prices go stale (no post for more than maxAge): a loan that is not overdue cannot be
    // liquidated, the oracle reports Stale (2)
    h.increase_time(3_700).await;
    let due = ILoanLens::new(a.loan_lens, &lp)
        .loan(loan2)
        .call()
        .await
        .expect("loan")
        .due;
    assert!(h.now().await <= due + DAY, "loan 2 is not overdue yet");
    match refused!(BookErr, book_k.liquidate(loan2)) {
        BookErr::LoanBookOracleUnavailable(e) => assert_eq!(e.0, 2, "oracle status Stale"),
        other => panic!(
            "expected LoanBookOracleUnavailable, got {:?}",
            std::mem::discriminant(&other)
        ),
    }
    assert_eq!(status(&dp, &a, loan2).await, ACTIVE);
    assert_eq!(snapshot(&dp, &a, currency, &watched).await, before);
    invariants(&dp, &a, currency, "stale oracle").await;

    // past due + grace the loan liquidates even with the oracle down
    h.increase_time(2 * DAY + 1).await;
    let auction = book_k.liquidate(loan2).call().await.expect("liquidate");
    ok!(book_k.liquidate(loan2));
    assert_eq!(auction, U256::from(1));
    assert_eq!(status(&dp, &a, loan2).await, IN_AUCTION);
    invariants(&dp, &a, currency, "liquidation").await;

    // Liquidator: a bid whose max price is below the current price, and a bid on an unknown
    // auction
    let liq_b = ILiquidator::new(a.liquidator, h.provider(&bidder));
    let before = snapshot(&dp, &a, currency, &watched).await;
    let high = liq_b
        .currentPrice(auction)
        .call()
        .await
        .expect("currentPrice");
    let max = U256::from(1);
    match refused!(LiqErr, liq_b.bid(auction, max)) {
        LiqErr::LiquidatorPriceAboveMax(e) => {
            let low = liq_b
                .currentPrice(auction)
                .call()
                .await
                .expect("currentPrice");
            assert!(
                low <= e._0 && e._0 <= high,
                "price {} outside [{low}, {high}]",
                e._0
            );
            assert_eq!(e._1, max);
        }
        other => panic!(
            "expected LiquidatorPriceAboveMax, got {:?}",
            std::mem::discriminant(&other)
        ),
    }
    match refused!(LiqErr, liq_b.bid(U256::from(7), tokens(1_000))) {
        LiqErr::LiquidatorUnknownAuction(e) => assert_eq!(e.0, U256::from(7)),
        other => panic!(
            "expected LiquidatorUnknownAuction, got {:?}",
            std::mem::discriminant(&other)
        ),
    }
    match refused!(LiqErr, liq_b.bid(U256::ZERO, tokens(1_000))) {
        LiqErr::LiquidatorUnknownAuction(e) => assert_eq!(e.0, U256::ZERO),
        other => panic!(
            "expected LiquidatorUnknownAuction, got {:?}",
            std::mem::discriminant(&other)
        ),
    }
    // foreclosing before the auction's tail: the Liquidator's refusal, naming the end time
    assert_err!(
        refused!(LiqErr, desk_k.foreclose(loan2)),
        LiqErr::LiquidatorNotExpired(ref e) if e._0 == auction && e._1 > h.now().await
    );
    assert_eq!(status(&dp, &a, loan2).await, IN_AUCTION);
    assert_eq!(
        nft_b.ownerOf(U256::from(2)).call().await.expect("ownerOf"),
        a.vault,
        "the NFT stays in the vault"
    );
    let auction_state = liq_b.auction(auction).call().await.expect("auction");
    assert_eq!(auction_state.status, 1, "the auction is still Live");
    assert_eq!(snapshot(&dp, &a, currency, &watched).await, before);
    invariants(&dp, &a, currency, "refused bids and foreclosure").await;
}
