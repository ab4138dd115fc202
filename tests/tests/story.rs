//! The demo story as a test: every user of the protocol, on the real compiled contracts, with
//! time travel (skipped on nodes without it, i.e. a real Nitro node given by LIEN_RPC_URL).

use lien_client::bindings::{ILoanBook, IOfferBook, IERC20};
use lien_e2e::Harness;

#[tokio::test(flavor = "multi_thread")]
async fn the_whole_story() {
    let h = Harness::start().await;
    if !h.can_time_travel() {
        println!("skipped: the story needs time travel (LIEN_RPC_URL points at a node without it)");
        return;
    }
    let summary = lien_client::story::run(&h)
        .await
        .expect("the story runs to the end");
    println!("{}", summary.render());
    let facts = summary.facts.join("\n");
    for expected in [
        "escrows 120.0000 in the offer book",
        "holds NFT #1 again: true",
        "NFT #2 now belongs to the bidder: true",
        "went to the lender after an unsold auction: true",
        "execution before the timelock is refused: true",
        "collection max LTV is now 4500 bps",
        "while paused, dave's borrow is refused by the offer book through the loan book: true",
        "while paused, new offers are refused: true",
        "offer book paused after Governance's unpause: false",
        "4 of 4 used, open = false",
        "erin's borrow on the used-up offer is refused with the offer book's error: true",
        "dave's partial repayment settled the interest first: principal left",
        "refinanced: the bidder is dave's lender: true, at 1000 bps APR (was 2000)",
        "principal = the debt paid off",
        "he now owes 35.0000 to the first lender: true; NFT #4 never left the vault: true",
    ] {
        assert!(
            facts.contains(expected),
            "missing fact {expected:?} in\n{facts}"
        );
    }

    // INV-SOLV of both books after every chapter of the story …
    let chapters: Vec<&str> = summary.solvency.iter().map(|v| v.after.as_str()).collect();
    assert_eq!(
        chapters,
        [
            "deploy",
            "lend",
            "borrow/repay",
            "liquidation",
            "default",
            "governance",
            "pause",
            "partial repayment",
            "refinance",
            "rollover"
        ]
    );
    for v in &summary.solvency {
        assert!(v.holds(), "INV-SOLV broken after {}: {v:?}", v.after);
    }
    // … and every named invariant after every chapter.
    assert_eq!(summary.invariants.len(), chapters.len());
    for (after, checks) in &summary.invariants {
        let names: Vec<&str> = checks.iter().map(|c| c.name).collect();
        assert_eq!(
            names,
            [
                "INV-SOLV-1 (offer book)",
                "INV-SOLV-1 (loan book)",
                "INV-ESCROW",
                "INV-CLAIMS",
                "INV-CUSTODY-1",
                "INV-CUSTODY-2",
                "INV-PARAMS",
                "INV-IDS"
            ]
        );
        for c in checks {
            assert!(c.holds, "{} broken after {after}: {}", c.name, c.detail);
        }
    }
    // … and read independently at the end: the offer is used up, so no escrow is left; the
    // loan book holds at least the reserve and every unclaimed balance
    let a = summary.addresses.expect("addresses");
    let (currency, _) = summary.assets.expect("assets");
    let p = h.provider(&h.funder);
    let token = IERC20::new(currency, &p);
    let offer_held = IOfferBook::new(a.offer_book, &p)
        .held(currency)
        .call()
        .await
        .expect("held");
    let book = ILoanBook::new(a.loan_book, &p);
    let loan_held = book.held(currency).call().await.expect("held");
    assert!(
        offer_held.is_zero(),
        "a used-up offer leaves no escrow: {offer_held}"
    );
    assert!(token.balanceOf(a.offer_book).call().await.expect("balance") >= offer_held);
    assert!(token.balanceOf(a.loan_book).call().await.expect("balance") >= loan_held);
    assert!(loan_held >= book.reserve(currency).call().await.expect("reserve"));
}
