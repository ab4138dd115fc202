//! Issue 16 items 1–2 on the real compiled contracts: partial repayment, lender refinance and
//! borrower rollover, run by the LoanDesk's code through the LoanBook's fallback
//! (`delegatecall`), every balance and claim checked to the wei against an interest formula
//! computed here, and every refusal decoded.

use alloy::{primitives::U256, providers::Provider, signers::local::PrivateKeySigner};
use lien_client::bindings::{
    ILoanBook, ILoanDesk, ILoanLens, IOfferBook, IPriceOracle, IERC20, IERC721,
};
use lien_e2e::{listed_protocol, ok, refused, tokens, Harness, ListedProtocol};

use ILoanBook::ILoanBookErrors as BookErr;
use ILoanDesk::ILoanDeskErrors as DeskErr;

const DAY: u64 = 86_400;
const YEAR: u128 = 365 * 86_400;
/// The protocol fee on interest of `RiskSetup::default()`.
const FEE_BPS: u128 = 1_000;

fn u(x: U256) -> u128 {
    x.to::<u128>()
}

/// `principal × (1 + apr × seconds / year)`, the interest rounded up (DESIGN: interest is
/// rounded up once, in the protocol's favour; no default interest before the due time).
fn debt_at(principal: u128, apr_bps: u128, seconds: u64) -> u128 {
    principal + (principal * apr_bps * u128::from(seconds)).div_ceil(10_000 * YEAR)
}

/// `⌈interest × fee⌉`.
fn fee_on(interest: u128) -> u128 {
    (interest * FEE_BPS).div_ceil(10_000)
}

struct World {
    h: Harness,
    w: ListedProtocol,
    borrower: PrivateKeySigner,
    lender_a: PrivateKeySigner,
    lender_b: PrivateKeySigner,
    lender_c: PrivateKeySigner,
}

impl World {
    async fn start() -> Option<Self> {
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
        let borrower = h.account(1).await;
        let (lender_a, lender_b, lender_c) =
            (h.account(1).await, h.account(1).await, h.account(1).await);
        for l in [&lender_a, &lender_b, &lender_c] {
            let token = IERC20::new(w.currency, h.provider(l));
            ok!(token.mint(l.address(), tokens(1_000)));
            ok!(token.approve(w.a.offer_book, tokens(1_000)));
        }
        let nft_b = IERC721::new(w.collection, h.provider(&borrower));
        ok!(nft_b.mint(borrower.address(), U256::from(1)));
        ok!(nft_b.approve(w.a.vault, U256::from(1)));
        let token_b = IERC20::new(w.currency, h.provider(&borrower));
        ok!(token_b.mint(borrower.address(), tokens(100)));
        ok!(token_b.approve(w.a.loan_book, tokens(100)));
        Some(Self {
            h,
            w,
            borrower,
            lender_a,
            lender_b,
            lender_c,
        })
    }

    /// A collection-wide offer by `lender`; its id.
    async fn offer(&self, lender: &PrivateKeySigner, principal: u64, apr: u16, days: u64) -> U256 {
        let offers = IOfferBook::new(self.w.a.offer_book, self.h.provider(lender));
        let expiry = self.h.now().await + 200 * DAY;
        let args = (tokens(principal), apr, days * DAY, expiry);
        let id = offers
            .createOffer(
                self.w.currency,
                self.w.collection,
                U256::ZERO,
                true,
                args.0,
                args.1,
                args.2,
                args.3,
                1,
            )
            .call()
            .await
            .expect("createOffer");
        ok!(offers.createOffer(
            self.w.currency,
            self.w.collection,
            U256::ZERO,
            true,
            args.0,
            args.1,
            args.2,
            args.3,
            1
        ));
        id
    }

    fn desk(
        &self,
        who: &PrivateKeySigner,
    ) -> ILoanDesk::ILoanDeskInstance<alloy::providers::DynProvider> {
        ILoanDesk::new(self.w.a.loan_book, self.h.provider(who))
    }

    async fn balance(&self, who: &PrivateKeySigner) -> u128 {
        let t = IERC20::new(self.w.currency, self.h.provider(&self.h.funder));
        u(t.balanceOf(who.address()).call().await.expect("balanceOf"))
    }

    async fn claimable(&self, who: &PrivateKeySigner) -> u128 {
        let b = ILoanBook::new(self.w.a.loan_book, self.h.provider(&self.h.funder));
        u(b.claimable(who.address(), self.w.currency)
            .call()
            .await
            .expect("claimable"))
    }

    async fn reserve(&self) -> u128 {
        let b = ILoanBook::new(self.w.a.loan_book, self.h.provider(&self.h.funder));
        u(b.reserve(self.w.currency).call().await.expect("reserve"))
    }

    async fn loan(&self, id: U256) -> ILoanLens::loanReturn {
        ILoanLens::new(self.w.a.loan_lens, self.h.provider(&self.h.funder))
            .loan(id)
            .call()
            .await
            .expect("loan")
    }

    /// Fresh oracle prices at 100 (a full TWAP window), as after a quiet spell the last one is
    /// stale.
    async fn fresh_price(&self) {
        let oracle_r = IPriceOracle::new(self.w.a.oracle, self.h.provider(&self.w.reporter));
        ok!(oracle_r.postPrice(self.w.collection, tokens(100)));
        self.h.increase_time(3_700).await;
        ok!(oracle_r.postPrice(self.w.collection, tokens(100)));
    }

    /// The timestamp of the block a receipt is in.
    async fn time_of(&self, r: &alloy::rpc::types::TransactionReceipt) -> u64 {
        let p = self.h.provider(&self.h.funder);
        let n = r.block_number.expect("block number");
        p.get_block_by_number(n.into())
            .await
            .expect("block")
            .expect("block")
            .header
            .timestamp
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn partial_repayment_refinance_and_rollover_move_every_wei() {
    let Some(x) = World::start().await else {
        return;
    };
    // lender A: 30 at 10 % for 30 days; the borrower takes it against NFT 1
    let offer_a = x.offer(&x.lender_a, 30, 1_000, 30).await;
    // one provider per sender: each caches its nonce
    let pb = x.h.provider(&x.borrower);
    let book_b = ILoanBook::new(x.w.a.loan_book, pb.clone());
    let loan = book_b
        .borrow(offer_a, U256::from(1))
        .call()
        .await
        .expect("borrow");
    let r = ok!(book_b.borrow(offer_a, U256::from(1)));
    let start = x.time_of(&r).await;
    let l = x.loan(loan).await;
    assert_eq!(
        (u(l.principal), l.apr_bps, l.start),
        (u(tokens(30)), 1_000, start)
    );

    // ---- partial repayment ----
    x.h.increase_time(10 * DAY).await;
    let desk_b = ILoanDesk::new(x.w.a.loan_book, pb.clone());
    // one wei is below the interest; the whole debt is `repay`'s job
    match refused!(DeskErr, desk_b.repayPart(loan, U256::from(1))) {
        DeskErr::LoanDeskPartBelowInterest(e) => assert!(e.0 > U256::ZERO),
        _ => panic!("expected PartBelowInterest"),
    }
    match refused!(DeskErr, desk_b.repayPart(loan, tokens(31))) {
        DeskErr::LoanDeskPartCoversDebt(e) => assert!(e.0 > tokens(30)),
        _ => panic!("expected PartCoversDebt"),
    }
    let (bal_b, claim_a, reserve) = (
        x.balance(&x.borrower).await,
        x.claimable(&x.lender_a).await,
        x.reserve().await,
    );
    let pay = u(tokens(10));
    let r = ok!(desk_b.repayPart(loan, U256::from(pay)));
    let t1 = x.time_of(&r).await;
    let debt = debt_at(u(tokens(30)), 1_000, t1 - start);
    let interest = debt - u(tokens(30));
    let fee = fee_on(interest);
    let left = debt - pay;
    assert_eq!(
        x.balance(&x.borrower).await,
        bal_b - pay,
        "the borrower paid exactly the amount"
    );
    assert_eq!(
        x.claimable(&x.lender_a).await,
        claim_a + pay - fee,
        "the lender's part"
    );
    assert_eq!(x.reserve().await, reserve + fee, "the fee on the interest");
    let l = x.loan(loan).await;
    assert_eq!(
        (u(l.principal), l.start, l.due, l.status),
        (left, t1, start + 30 * DAY, 1)
    );
    let ev = r
        .decoded_log::<ILoanBook::LoanRepaidPart>()
        .expect("LoanRepaidPart from the LoanBook's address");
    assert_eq!(ev.address, x.w.a.loan_book);
    assert_eq!(
        (
            u(ev.amount),
            u(ev.interest),
            u(ev.principalLeft),
            u(ev.toLender),
            u(ev.toReserve)
        ),
        (pay, interest, left, pay - fee, fee)
    );

    // ---- lender refinance ----
    x.h.increase_time(5 * DAY).await;
    x.fresh_price().await;
    // B's offers: one that is not better (same APR, shorter term) and one at 5 % for 30 days
    let worse = x.offer(&x.lender_b, 40, 1_000, 10).await;
    let better = x.offer(&x.lender_b, 40, 500, 30).await;
    let desk_bl = x.desk(&x.lender_b);
    match refused!(DeskErr, desk_bl.refinance(loan, worse)) {
        DeskErr::LoanDeskNotBetter(e) => {
            assert_eq!((e._0, e._1), (1_000 - 25, start + 30 * DAY))
        }
        _ => panic!("expected NotBetter"),
    }
    // only the offer's lender may refinance with it: not the old lender, not the borrower
    for who in [&x.lender_a, &x.borrower] {
        assert!(matches!(
            refused!(DeskErr, x.desk(who).refinance(loan, better)),
            DeskErr::LoanDeskNotOfferLender(_)
        ));
    }
    let (bal_b, claim_a, claim_bl, reserve) = (
        x.balance(&x.borrower).await,
        x.claimable(&x.lender_a).await,
        x.claimable(&x.lender_b).await,
        x.reserve().await,
    );
    let r = ok!(desk_bl.refinance(loan, better));
    let t2 = x.time_of(&r).await;
    let debt = debt_at(left, 1_000, t2 - t1);
    let fee = fee_on(debt - left);
    assert_eq!(
        x.balance(&x.borrower).await,
        bal_b,
        "the borrower pays nothing"
    );
    assert_eq!(
        x.claimable(&x.lender_a).await,
        claim_a + debt - fee,
        "A is paid off"
    );
    assert_eq!(
        x.claimable(&x.lender_b).await,
        claim_bl + u(tokens(40)) - debt,
        "B gets its offer's excess back"
    );
    assert_eq!(x.reserve().await, reserve + fee);
    let l = x.loan(loan).await;
    assert_eq!(
        (
            l.lender,
            u(l.principal),
            l.apr_bps,
            l.start,
            l.due,
            l.status
        ),
        (x.lender_b.address(), debt, 500, t2, t2 + 30 * DAY, 1),
        "the new principal is the debt, never more; lower APR, later due"
    );
    let nft = IERC721::new(x.w.collection, x.h.provider(&x.h.funder));
    assert_eq!(
        nft.ownerOf(U256::from(1)).call().await.expect("ownerOf"),
        x.w.a.vault,
        "the NFT never left the vault"
    );
    let ev = r
        .decoded_log::<ILoanBook::LoanRefinanced>()
        .expect("LoanRefinanced");
    assert_eq!(
        (
            ev.newLender,
            ev.oldLender,
            u(ev.debt),
            u(ev.toOldLender),
            u(ev.toReserve),
            u(ev.toNewLender),
            ev.aprBps,
            ev.due
        ),
        (
            x.lender_b.address(),
            x.lender_a.address(),
            debt,
            debt - fee,
            fee,
            u(tokens(40)) - debt,
            500,
            t2 + 30 * DAY
        )
    );

    // ---- borrower rollover to a larger loan: only the difference moves ----
    x.h.increase_time(3 * DAY).await;
    x.fresh_price().await;
    let offer_c = x.offer(&x.lender_c, 35, 800, 45).await;
    assert!(matches!(
        refused!(DeskErr, x.desk(&x.lender_c).rollover(loan, offer_c)),
        DeskErr::LoanDeskNotBorrower(_)
    ));
    let (bal_b, claim_bl, reserve) = (
        x.balance(&x.borrower).await,
        x.claimable(&x.lender_b).await,
        x.reserve().await,
    );
    let r = ok!(desk_b.rollover(loan, offer_c));
    let t3 = x.time_of(&r).await;
    let old = debt;
    let debt = debt_at(old, 500, t3 - t2);
    let fee = fee_on(debt - old);
    assert_eq!(
        x.balance(&x.borrower).await,
        bal_b + u(tokens(35)) - debt,
        "the borrower receives the difference"
    );
    assert_eq!(
        x.claimable(&x.lender_b).await,
        claim_bl + debt - fee,
        "B is paid off"
    );
    assert_eq!(x.reserve().await, reserve + fee);
    let l = x.loan(loan).await;
    assert_eq!(
        (
            l.lender,
            u(l.principal),
            l.apr_bps,
            l.start,
            l.due,
            l.status
        ),
        (
            x.lender_c.address(),
            u(tokens(35)),
            800,
            t3,
            t3 + 45 * DAY,
            1
        )
    );
    assert_eq!(
        nft.ownerOf(U256::from(1)).call().await.expect("ownerOf"),
        x.w.a.vault
    );

    // ---- rollover to a smaller loan: the borrower pays the shortfall ----
    x.h.increase_time(DAY).await;
    x.fresh_price().await;
    let offer_a2 = x.offer(&x.lender_a, 20, 700, 20).await;
    let (bal_b, claim_c) = (x.balance(&x.borrower).await, x.claimable(&x.lender_c).await);
    let r = ok!(desk_b.rollover(loan, offer_a2));
    let t4 = x.time_of(&r).await;
    let debt = debt_at(u(tokens(35)), 800, t4 - t3);
    let fee = fee_on(debt - u(tokens(35)));
    assert_eq!(
        x.balance(&x.borrower).await,
        bal_b - (debt - u(tokens(20))),
        "the borrower pays what the new principal falls short"
    );
    assert_eq!(x.claimable(&x.lender_c).await, claim_c + debt - fee);
    assert_eq!(x.loan(loan).await.lender, x.lender_a.address());

    // ---- the loan still ends normally, and nothing is left in the LoanBook's accounts ----
    ok!(book_b.repay(loan));
    assert_eq!(
        nft.ownerOf(U256::from(1)).call().await.expect("ownerOf"),
        x.borrower.address()
    );
    assert!(matches!(
        refused!(BookErr, desk_b.repayPart(loan, tokens(1))),
        BookErr::LoanBookWrongStatus(_)
    ));
    let book = ILoanBook::new(x.w.a.loan_book, x.h.provider(&x.h.funder));
    let token = IERC20::new(x.w.currency, x.h.provider(&x.h.funder));
    assert_eq!(
        book.held(x.w.currency).call().await.expect("held"),
        token
            .balanceOf(x.w.a.loan_book)
            .call()
            .await
            .expect("balance"),
        "the LoanBook holds exactly what it owes"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_desk_is_governed_and_useless_when_called_directly() {
    let Some(x) = World::start().await else {
        return;
    };
    // the refinance minimum cut: owner only, bounded; the deploy set 25 bps
    let desk_owner = x.desk(&x.h.funder);
    assert_eq!(desk_owner.refinanceMinCut().call().await.expect("view"), 25);
    assert!(matches!(
        refused!(DeskErr, desk_owner.setRefinanceMinCut(1_001)),
        DeskErr::LoanDeskMinCutOutOfBounds(ref e) if e.0 == 1_000
    ));
    assert!(matches!(
        refused!(BookErr, x.desk(&x.borrower).setRefinanceMinCut(10)),
        BookErr::OwnableUnauthorizedAccount(_)
    ));
    let r = ok!(desk_owner.setRefinanceMinCut(100));
    assert_eq!(
        r.decoded_log::<ILoanBook::RefinanceMinCutSet>()
            .expect("event")
            .minCutBps,
        100
    );
    assert_eq!(
        desk_owner.refinanceMinCut().call().await.expect("view"),
        100
    );

    // The desk's own address runs on its own, empty storage: nothing is wired, nobody owns it.
    let direct = ILoanDesk::new(x.w.a.loan_desk, x.h.provider(&x.borrower));
    assert!(matches!(
        refused!(BookErr, direct.repayPart(U256::from(1), tokens(1))),
        BookErr::LoanBookUnknownLoan(_)
    ));
    assert!(matches!(
        refused!(
            BookErr,
            ILoanDesk::new(x.w.a.loan_desk, x.h.provider(&x.h.funder)).setRefinanceMinCut(0)
        ),
        BookErr::OwnableUnauthorizedAccount(_)
    ));
    // An unknown selector at the LoanBook reaches the desk, which has no such function.
    let p = x.h.provider(&x.h.funder);
    let call = alloy::rpc::types::TransactionRequest::default()
        .to(x.w.a.loan_book)
        .input(alloy::primitives::Bytes::from(vec![0xde, 0xad, 0xbe, 0xef]).into());
    assert!(p.call(call).await.is_err(), "an unknown selector reverts");
}
