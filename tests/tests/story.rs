//! The demo story as a test: every user of the protocol, on the real compiled contracts, with
//! time travel (skipped on nodes without it, i.e. a real Nitro node given by LIEN_RPC_URL).

use lien_e2e::Harness;

#[tokio::test(flavor = "multi_thread")]
async fn the_whole_story() {
    let h = Harness::start().await;
    if !h.can_time_travel() {
        println!("skipped: the story needs time travel (LIEN_RPC_URL points at a node without it)");
        return;
    }
    let summary = lien_client::story::run(&h).await.expect("the story runs to the end");
    println!("{}", summary.render());
    let facts = summary.facts.join("\n");
    for expected in [
        "holds NFT #1 again: true",
        "NFT #2 now belongs to the bidder: true",
        "went to the lender after an unsold auction: true",
        "execution before the timelock is refused: true",
        "collection max LTV is now 4500 bps",
    ] {
        assert!(facts.contains(expected), "missing fact {expected:?} in\n{facts}");
    }
}
