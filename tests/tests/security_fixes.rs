//! Issue 14 (M1, M2, M3, L4, L5) and issue 13 item 5 on the real compiled contracts: each test fails
//! on `4da50d8` and passes with the fix.
//!
//! - M1: an overdue loan whose oracle turned Stale is auctioned from 1.3 × the last TWAP (it
//!   was 1.3 × the debt: the borrower's equity went to the first bidder).
//! - M2: while the sequencer is down or within its grace nothing is liquidated or sold, and an
//!   auction live across an outage starts again from its start price after the grace.
//! - M3: a loan keeps the multiplier it was opened with; a later `setMultiplier` does not make
//!   it liquidatable.
//! - L4: the auction never asks less than the frozen debt (its floor was 0).
//! - L5: an overdue loan accrues default interest (APR + `DEFAULT_PREMIUM_BPS`) until it is
//!   liquidated (its debt stayed flat from the due time on).
//! - Issue 13 item 5: a bid without allowance fails with the token's ERC-6093 error.

use alloy::{
    primitives::{I256, U256},
    signers::local::PrivateKeySigner,
    sol_types::SolValue,
};
use lien_client::{
    bindings::{
        ILiquidator, ILoanBook, ILoanLens, IMockFeed, IOfferBook, IPriceOracle, IERC20, IERC721,
    },
    deploy::{constructor_calldata, deploy_stylus},
};
use lien_e2e::{code_of, listed_protocol, ok, refused, tokens, Harness, ListedProtocol};

use IErc6093::IErc6093Errors as TokenErr;
use ILiquidator::ILiquidatorErrors as LiqErr;
use ILoanBook::ILoanBookErrors as BookErr;

alloy::sol! {
    /// The ERC-6093 errors of the OpenZeppelin ERC-20 the mock currency is built on.
    interface IErc6093 {
        error ERC20InsufficientBalance(address sender, uint256 balance, uint256 needed);
        error ERC20InsufficientAllowance(address spender, uint256 allowance, uint256 needed);
    }
}

const DAY: u64 = 86_400;
const HOUR: u64 = 3_600;

/// A listed protocol with a full TWAP window at 100, a lender with an open collection-wide
/// offer of `principal` (1-day loans, capacity 2), a borrower holding NFTs 1 and 2 approved to
/// the vault, and a keeper.
struct World {
    h: Harness,
    w: ListedProtocol,
    borrower: PrivateKeySigner,
    keeper: PrivateKeySigner,
    offer: U256,
}

async fn world(principal: u64) -> Option<World> {
    let h = Harness::start().await;
    if !h.can_time_travel() {
        println!("skipped: needs time travel (LIEN_RPC_URL points at a node without it)");
        return None;
    }
    let w = listed_protocol(&h).await;
    let oracle_r = IPriceOracle::new(w.a.oracle, h.provider(&w.reporter));
    ok!(oracle_r.postPrice(w.collection, tokens(100)));
    h.increase_time(3_700).await;
    ok!(oracle_r.postPrice(w.collection, tokens(100)));
    let (lender, borrower, keeper) = (h.account(1).await, h.account(1).await, h.account(1).await);
    let lp = h.provider(&lender);
    let token_l = IERC20::new(w.currency, &lp);
    ok!(token_l.mint(lender.address(), tokens(2 * principal)));
    ok!(token_l.approve(w.a.offer_book, tokens(2 * principal)));
    let expiry = h.now().await + 60 * DAY;
    let offers = IOfferBook::new(w.a.offer_book, &lp);
    ok!(offers.createOffer(
        w.currency,
        w.collection,
        U256::ZERO,
        true,
        tokens(principal),
        1_000,
        DAY,
        expiry,
        2
    ));
    let nft_b = IERC721::new(w.collection, h.provider(&borrower));
    for id in 1..=2u64 {
        ok!(nft_b.mint(borrower.address(), U256::from(id)));
        ok!(nft_b.approve(w.a.vault, U256::from(id)));
    }
    Some(World {
        h,
        w,
        borrower,
        keeper,
        offer: U256::from(1),
    })
}

impl World {
    async fn borrow(&self, token_id: u64) -> U256 {
        let book = ILoanBook::new(self.w.a.loan_book, self.h.provider(&self.borrower));
        let loan = book
            .borrow(self.offer, U256::from(token_id))
            .call()
            .await
            .expect("borrow");
        ok!(book.borrow(self.offer, U256::from(token_id)));
        loan
    }
}

/// `⌈x × 13_000 / 10_000⌉` (the listed auction start).
fn start_of(x: U256) -> U256 {
    (x * U256::from(13_000u64)).div_ceil(U256::from(10_000u64))
}

#[tokio::test(flavor = "multi_thread")]
async fn m1_an_overdue_loan_with_a_stale_oracle_auctions_from_the_last_twap() {
    let Some(x) = world(10).await else { return };
    let loan = x.borrow(1).await;
    // Due after a day, grace a day; the reporter stopped posting, so the price is Stale.
    x.h.increase_time(2 * DAY + 10).await;
    let dp = x.h.provider(&x.h.funder);
    let (twap, status) = {
        let r = IPriceOracle::new(x.w.a.oracle, &dp)
            .liquidationFloor(x.w.collection)
            .call()
            .await
            .expect("floor");
        (r.price, r.status)
    };
    assert_eq!(status, 2, "Stale");
    assert_eq!(twap, tokens(100), "the oracle still has its TWAP");
    let book_k = ILoanBook::new(x.w.a.loan_book, x.h.provider(&x.keeper));
    let auction = book_k.liquidate(loan).call().await.expect("liquidate");
    ok!(book_k.liquidate(loan));
    let a = ILiquidator::new(x.w.a.liquidator, &dp)
        .auction(auction)
        .call()
        .await
        .expect("auction");
    // Before the fix: 1.3 × the frozen debt (≈ 13), so a keeper bought a 100 NFT at ≈ 13.
    assert_eq!(a.start_price, start_of(tokens(100)), "start = 1.3 × TWAP");
    // L4: the reserve price is the frozen debt (it was 0): 23 hours in, the curve alone would
    // be at ≈ 0.4 % of the start, the auction still asks the debt.
    assert_eq!(a.floor_price, a.debt, "floor = frozen debt");
    x.h.increase_time(23 * HOUR).await;
    let liq = ILiquidator::new(x.w.a.liquidator, &dp);
    assert_eq!(
        liq.currentPrice(auction).call().await.expect("price"),
        a.debt
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn m3_a_multiplier_change_does_not_touch_an_open_loan() {
    let Some(x) = world(45).await else { return };
    let dp = x.h.provider(&x.h.funder);
    let oracle = IPriceOracle::new(x.w.a.oracle, &dp);
    let expiry = x.h.now().await + 30 * DAY;
    // One raise may add at most 2,500 bps (the oracle's rate limit): 1.25×.
    ok!(oracle.setMultiplier(x.w.collection, U256::from(1), 12_500, expiry));
    // 45 ≤ 40 % × 125 (1.25×); at 1× only 40 could be borrowed
    let loan = x.borrow(1).await;
    let lens = ILoanLens::new(x.w.a.loan_lens, &dp);
    let snapshot_max = tokens(8_125) / U256::from(100); // 65 % × 125
    let h0 = lens.health(loan).call().await.expect("health");
    assert!(h0.healthy);
    assert_eq!(h0.max_debt, snapshot_max, "65 % × 125");
    // Governance sets the token back to 1×: the loan keeps its 1.25× snapshot (65 % × 100
    // would be 65).
    ok!(oracle.setMultiplier(x.w.collection, U256::from(1), 10_000, expiry));
    let h1 = lens.health(loan).call().await.expect("health");
    assert!(h1.healthy, "still healthy on its snapshot");
    assert_eq!(h1.max_debt, snapshot_max, "valued on the 1.25× snapshot");
    let book_k = ILoanBook::new(x.w.a.loan_book, x.h.provider(&x.keeper));
    assert!(matches!(
        refused!(BookErr, book_k.liquidate(loan)),
        BookErr::LoanBookNotLiquidatable(_)
    ));
}

#[tokio::test(flavor = "multi_thread")]
async fn m2_no_liquidation_or_bid_through_an_outage_and_its_grace() {
    let Some(x) = world(10).await else { return };
    // Every account the funder pays for first: its provider below caches the nonce.
    let bidder = x.h.account(1).await;
    let dp = x.h.provider(&x.h.funder);
    let feed = deploy_stylus(
        &dp,
        "lien-mock-feed",
        code_of("lien-mock-feed"),
        Some(constructor_calldata(
            &(x.h.funder.address(), U256::ZERO).abi_encode_params(), // (owner, decimals 0)
        )),
    )
    .await
    .expect("sequencer feed")
    .address;
    let feed_c = IMockFeed::new(feed, &dp);
    let up_since = U256::from(x.h.now().await - 10 * HOUR);
    ok!(feed_c.setRound(I256::ZERO, up_since, up_since));
    // Both read the same feed with the same grace (governance sets them together).
    let oracle = IPriceOracle::new(x.w.a.oracle, &dp);
    ok!(oracle.setSequencerFeed(feed, U256::from(HOUR)));
    let liq = ILiquidator::new(x.w.a.liquidator, &dp);
    ok!(liq.setSequencerFeed(feed, HOUR));

    let (loan1, loan2) = (x.borrow(1).await, x.borrow(2).await);
    x.h.increase_time(2 * DAY + 10).await; // both overdue past their grace
    let book_k = ILoanBook::new(x.w.a.loan_book, x.h.provider(&x.keeper));
    let auction = book_k.liquidate(loan1).call().await.expect("liquidate");
    ok!(book_k.liquidate(loan1));
    let start = liq.currentPrice(auction).call().await.expect("price");
    x.h.increase_time(2 * HOUR).await;

    // The sequencer goes down for 4 hours.
    let down_at = U256::from(x.h.now().await);
    ok!(feed_c.setRound(I256::ONE, down_at, down_at));
    x.h.increase_time(4 * HOUR).await;
    match refused!(BookErr, book_k.liquidate(loan2)) {
        BookErr::LoanBookOracleUnavailable(e) => assert_eq!(e.0, 4, "SequencerDown"),
        _ => panic!("expected LoanBookOracleUnavailable(4)"),
    }
    let bp = x.h.provider(&bidder);
    let token_b = IERC20::new(x.w.currency, &bp);
    ok!(token_b.mint(bidder.address(), tokens(1_000)));
    ok!(token_b.approve(x.w.a.liquidator, tokens(1_000)));
    let liq_b = ILiquidator::new(x.w.a.liquidator, &bp);
    assert!(matches!(
        refused!(LiqErr, liq_b.bid(auction, tokens(1_000))),
        LiqErr::LiquidatorSequencerDown(e) if e.0 == 0
    ));

    // Back up: inside the grace still nothing.
    let back = x.h.now().await;
    ok!(feed_c.setRound(I256::ZERO, U256::from(back), U256::from(back)));
    x.h.increase_time(HOUR / 2).await;
    assert!(matches!(
        refused!(BookErr, book_k.liquidate(loan2)),
        BookErr::LoanBookOracleUnavailable(_)
    ));
    assert!(matches!(
        refused!(LiqErr, liq_b.bid(auction, tokens(1_000))),
        LiqErr::LiquidatorSequencerDown(e) if e.0 == back + HOUR + 1
    ));

    // After the grace: the auction starts again from its start price (it was ≈ 0.38 × start
    // after 6 hours on the old curve), and the overdue loan can be liquidated.
    x.h.increase_time(HOUR / 2 + 60).await;
    assert_eq!(
        liq.currentPrice(auction).call().await.expect("price"),
        start
    );
    let paid = liq_b.bid(auction, tokens(1_000)).call().await.expect("bid");
    assert_eq!(paid, start);
    ok!(liq_b.bid(auction, tokens(1_000)));
    ok!(book_k.liquidate(loan2));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bid_without_allowance_names_the_token_error() {
    let Some(x) = world(10).await else { return };
    let loan = x.borrow(1).await;
    x.h.increase_time(2 * DAY + 10).await;
    let book_k = ILoanBook::new(x.w.a.loan_book, x.h.provider(&x.keeper));
    let auction = book_k.liquidate(loan).call().await.expect("liquidate");
    ok!(book_k.liquidate(loan));
    let bidder = x.h.account(1).await;
    let liq_b = ILiquidator::new(x.w.a.liquidator, x.h.provider(&bidder));
    // Before the fix: LiquidatorCallFailed(currency).
    match refused!(TokenErr, liq_b.bid(auction, tokens(1_000))) {
        TokenErr::ERC20InsufficientAllowance(e) => {
            assert_eq!(e.spender, x.w.a.liquidator);
            assert!(e.allowance.is_zero() && !e.needed.is_zero());
        }
        _ => panic!("expected ERC20InsufficientAllowance"),
    }
}

/// `lien_math::loan_debt_up` on the host's U256 (the LoanBook's debt rule, default interest
/// included).
fn debt_rule(principal: U256, apr_bps: u16, start: u64, due: u64, now: u64) -> U256 {
    let d = lien_math::loan_debt_up(
        lien_math::U256::from_be_bytes(principal.to_be_bytes::<32>()),
        u32::from(apr_bps),
        lien_math::DEFAULT_PREMIUM_BPS,
        start,
        due,
        now,
    )
    .expect("debt");
    U256::from_be_bytes(d.to_be_bytes::<32>())
}

/// The timestamp of the block that holds a receipt.
async fn block_time(h: &Harness, receipt: &alloy::rpc::types::TransactionReceipt) -> u64 {
    use alloy::providers::Provider;
    h.provider(&h.funder)
        .get_block_by_number(receipt.block_number.expect("mined").into())
        .await
        .expect("block")
        .expect("block exists")
        .header
        .timestamp
}

/// L5: an overdue loan keeps accruing — at its APR plus `DEFAULT_PREMIUM_BPS` — until a
/// liquidation freezes its debt. Before the fix `debt()` stayed flat from the due time on (an
/// overdue loan was interest-free until someone liquidated it). `debt()`, `health()`, the
/// repay amount, the frozen debt and the Liquidator's auction debt all follow
/// `lien_math::loan_debt_up`.
#[tokio::test(flavor = "multi_thread")]
async fn l5_an_overdue_loan_accrues_default_interest_until_liquidation() {
    let Some(x) = world(10).await else { return };
    let (loan1, loan2) = (x.borrow(1).await, x.borrow(2).await);
    let dp = x.h.provider(&x.h.funder);
    let lens = ILoanLens::new(x.w.a.loan_lens, &dp);
    let l = lens.loan(loan1).call().await.expect("loan");
    let at_due = debt_rule(l.principal, l.apr_bps, l.start, l.due, l.due);
    let plain_at_due = tokens(10) + lien_math_interest(tokens(10), l.apr_bps, l.due - l.start);
    assert_eq!(at_due, plain_at_due, "in term: the APR alone");

    // Overdue, within the grace: the debt has grown past its value at the due time.
    x.h.increase_time(DAY + 2 * HOUR).await;
    let d1 = lens.debt(loan1).call().await.expect("debt");
    assert!(
        d1 > at_due,
        "default interest after the due time: {d1} vs {at_due} at due"
    );
    // Past the grace, a day later: still growing; health reports the same rule.
    x.h.increase_time(DAY).await;
    let d2 = lens.debt(loan1).call().await.expect("debt");
    assert!(
        d2 > d1,
        "the debt keeps growing while overdue: {d2} vs {d1}"
    );
    let health = lens.health(loan1).call().await.expect("health");
    assert!(health.debt >= d2, "health's debt follows the same rule");
    // At least a day and two hours overdue at 10 % + 10 % a year on 10 tokens, on top of the
    // debt at the due time (and within a few hours' worth of it).
    let floor = at_due
        + tokens(10) * U256::from(2_000u64) * U256::from(DAY + 2 * HOUR)
            / U256::from(10_000u64 * 365 * DAY);
    assert!(
        d2 >= floor && d2 <= floor + tokens(1) / U256::from(1_000u64),
        "{d2} vs {floor}"
    );

    // The keeper liquidates: the frozen debt is the rule at the liquidation's block time, and
    // the Liquidator's auction carries it.
    let book_k = ILoanBook::new(x.w.a.loan_book, x.h.provider(&x.keeper));
    let r = book_k
        .liquidate(loan1)
        .send()
        .await
        .expect("liquidate")
        .get_receipt()
        .await
        .expect("receipt");
    assert!(r.status(), "liquidate");
    let t = block_time(&x.h, &r).await;
    let frozen = lens.loan(loan1).call().await.expect("loan").frozen_debt;
    assert_eq!(frozen, debt_rule(l.principal, l.apr_bps, l.start, l.due, t));
    let auction = lens.loan(loan1).call().await.expect("loan").auction_id;
    let a = ILiquidator::new(x.w.a.liquidator, &dp)
        .auction(auction)
        .call()
        .await
        .expect("auction");
    assert_eq!(a.debt, frozen, "the Liquidator's debt is the frozen debt");
    // Frozen from now on: a day later the repay price is still frozen debt + penalty.
    let in_auction = lens.debt(loan1).call().await.expect("debt");
    x.h.increase_time(HOUR).await;
    assert_eq!(lens.debt(loan1).call().await.expect("debt"), in_auction);

    // The second loan, overdue as long, is repaid: the payer pays the rule at its block time.
    let bp = x.h.provider(&x.borrower);
    let token_b = IERC20::new(x.w.currency, &bp);
    ok!(token_b.mint(x.borrower.address(), tokens(100)));
    ok!(token_b.approve(x.w.a.loan_book, tokens(100)));
    let before = token_b
        .balanceOf(x.borrower.address())
        .call()
        .await
        .expect("balance");
    let book_b = ILoanBook::new(x.w.a.loan_book, &bp);
    let r = book_b
        .repay(loan2)
        .send()
        .await
        .expect("repay")
        .get_receipt()
        .await
        .expect("receipt");
    assert!(r.status(), "repay");
    let t = block_time(&x.h, &r).await;
    let l2 = lens.loan(loan2).call().await.expect("loan");
    let after = token_b
        .balanceOf(x.borrower.address())
        .call()
        .await
        .expect("balance");
    assert_eq!(
        before - after,
        debt_rule(l2.principal, l2.apr_bps, l2.start, l2.due, t),
        "repay pulls principal + interest + default interest"
    );
}

/// `⌈principal × apr × elapsed / (10_000 × 365 days)⌉` (plain interest).
fn lien_math_interest(principal: U256, apr_bps: u16, elapsed: u64) -> U256 {
    (principal * U256::from(apr_bps) * U256::from(elapsed))
        .div_ceil(U256::from(10_000u64 * 365 * DAY))
}
