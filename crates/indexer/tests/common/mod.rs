//! What the indexer tests share: databases (SQLite files, a throw-away PostgreSQL server),
//! indexing a harness's chain, and checking the index against the chain's own views.
#![allow(dead_code)]

pub mod pg_server;

use alloy::primitives::{Address, U256};
use alloy::providers::DynProvider;
use lien_client::bindings::{IGovernance, ILiquidator, ILoanBook, ILoanLens, IOfferBook};
use lien_client::protocol::Addresses;
use lien_e2e::Harness;
use lien_indexer::{
    query,
    store::{self, Store},
    sync::{Indexer, Options},
};

/// A fresh SQLite file path under the temp folder.
pub fn sqlite(name: &str) -> String {
    let dir = std::env::temp_dir().join(format!("lien-indexer-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(format!("{name}.sqlite"));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    path.display().to_string()
}

/// The databases a test runs on: a SQLite file, and a PostgreSQL database when `pg` runs.
pub fn databases(name: &str, pg: Option<&pg_server::PgServer>) -> Vec<String> {
    let mut dbs = vec![sqlite(name)];
    if let Some(pg) = pg {
        dbs.push(pg.database(&name.replace('-', "_")));
    }
    dbs
}

/// Opens a database from async code.
pub fn open(db: &str) -> Box<dyn Store> {
    lien_indexer::sync::blocking(|| store::open(db)).expect("open the database")
}

/// An indexer of `a` on the harness's chain into `db`.
pub async fn indexer(h: &Harness, a: Addresses, db: &str, opts: Options) -> Indexer {
    Indexer::new(h.provider(&h.funder), a, open(db), opts)
        .await
        .expect("indexer")
}

/// Small batches, so that a test crosses many batch boundaries.
pub fn small_batches() -> Options {
    Options {
        batch_blocks: 25,
        ..Options::default()
    }
}

/// The on-chain status code of a stored loan status.
pub fn status_code(status: &str) -> u8 {
    match status {
        "active" => 1,
        "in_auction" => 2,
        "repaid" => 3,
        "liquidated" => 4,
        "foreclosed" => 5,
        other => panic!("unknown stored status {other}"),
    }
}

fn hex(a: Address) -> String {
    format!("{a:#x}")
}

/// Asserts that every loan, offer, auction, claim balance and proposal in `db` matches the
/// chain's views (LoanLens, OfferBook, Liquidator, LoanBook, Governance).
pub async fn assert_matches_chain(db: &mut dyn Store, p: &DynProvider, a: &Addresses) {
    let lens = ILoanLens::new(a.loan_lens, p);
    let book = ILoanBook::new(a.loan_book, p);
    let loans = query::loans(db).expect("loans");
    let count = book.counts().call().await.expect("counts");
    assert_eq!(U256::from(loans.len()), count.loans, "one row per loan");
    for l in &loans {
        let id = U256::from(l["id"].as_i64().unwrap());
        let on_chain = lens.loan(id).call().await.expect("loan");
        let what = format!("loan {id}");
        assert_eq!(
            status_code(l["status"].as_str().unwrap()),
            on_chain.status,
            "{what} status"
        );
        assert_eq!(l["borrower"], hex(on_chain.borrower), "{what} borrower");
        assert_eq!(l["lender"], hex(on_chain.lender), "{what} lender");
        assert_eq!(
            l["collection"],
            hex(on_chain.collection),
            "{what} collection"
        );
        assert_eq!(l["currency"], hex(on_chain.currency), "{what} currency");
        assert_eq!(l["tokenId"], on_chain.token_id.to_string(), "{what} token");
        assert_eq!(
            l["principal"],
            on_chain.principal.to_string(),
            "{what} principal"
        );
        assert_eq!(l["due"], on_chain.due, "{what} due");
        assert_eq!(
            l["auctionId"],
            on_chain.auction_id.to::<u64>(),
            "{what} auction"
        );
        let keeper = if on_chain.keeper.is_zero() {
            String::new()
        } else {
            hex(on_chain.keeper)
        };
        assert_eq!(l["keeper"], keeper, "{what} keeper");
        let history = query::loan_history(db, l["id"].as_i64().unwrap()).expect("history");
        assert_eq!(
            history[0]["kind"], "started",
            "{what} history starts with its start"
        );
    }
    let offers_c = IOfferBook::new(a.offer_book, p);
    let offer_count = offers_c.offerCount().call().await.expect("offerCount");
    let offers = db
        .query(
            "SELECT id, lender, principal, used, status FROM offers ORDER BY id",
            &[],
        )
        .expect("offers");
    assert_eq!(U256::from(offers.len()), offer_count, "one row per offer");
    for o in &offers {
        let on_chain = offers_c
            .offer(U256::from(o[0].int()))
            .call()
            .await
            .expect("offer");
        assert_eq!(o[1].text(), hex(on_chain.lender));
        assert_eq!(o[2].text(), on_chain.principal.to_string());
        assert_eq!(
            o[3].int() as u64,
            on_chain.used,
            "offer {} used",
            o[0].int()
        );
        if o[4].text() == "cancelled" {
            assert!(!on_chain.open, "a cancelled offer is closed");
        }
    }
    let liq = ILiquidator::new(a.liquidator, p);
    let auctions = query::auctions(db).expect("auctions");
    assert_eq!(
        U256::from(auctions.len()),
        liq.auctionCount().call().await.expect("auctionCount")
    );
    for x in &auctions {
        let on_chain = liq
            .auction(U256::from(x["id"].as_i64().unwrap()))
            .call()
            .await
            .expect("auction");
        assert_eq!(
            x["status"] == "live",
            on_chain.status == 1,
            "auction {} live",
            x["id"]
        );
        assert_eq!(x["debt"], on_chain.debt.to_string());
        if x["status"] == "sold" {
            assert_eq!(x["buyer"], hex(on_chain.buyer));
            assert_eq!(x["soldFor"], on_chain.paid.to_string());
        }
    }
    let holders = query::claim_holders(db).expect("claim holders");
    for (account, currency) in &holders {
        let on_chain = book
            .claimable(account.parse().unwrap(), currency.parse().unwrap())
            .call()
            .await
            .expect("claimable");
        assert_eq!(
            query::claimable(db, account, currency).expect("claimable"),
            on_chain,
            "claimable of {account} in {currency}"
        );
    }
    let gov = IGovernance::new(a.governance, p);
    let proposals = query::proposals(db).expect("proposals");
    assert_eq!(
        U256::from(proposals.len()),
        gov.proposalCount().call().await.expect("proposalCount")
    );
    for x in &proposals {
        let on_chain = gov
            .getProposal(U256::from(x["id"].as_i64().unwrap()))
            .call()
            .await
            .expect("proposal");
        assert_eq!(
            x["approvals"], on_chain.approvals,
            "proposal {} approvals",
            x["id"]
        );
        assert_eq!(x["status"] == "executed", on_chain.state == 4);
        assert_eq!(x["status"] == "cancelled", on_chain.state == 5);
    }
}

/// A dump of every indexed table (see [`query::dump`]).
pub type Dump = Vec<(&'static str, Vec<lien_indexer::store::Row>)>;

/// Asserts two dumps hold the same rows, naming the first table and row that differ.
pub fn assert_same_dump(a: &Dump, b: &Dump, what: &str) {
    assert_eq!(a.len(), b.len());
    for ((table, x), (_, y)) in a.iter().zip(b) {
        assert_eq!(x.len(), y.len(), "{what}: {table} row count");
        if let Some(i) = (0..x.len()).find(|&i| x[i] != y[i]) {
            panic!("{what}: {table} row {i}: {:?} != {:?}", x[i], y[i]);
        }
    }
}

/// Asserts two databases hold the same rows in every indexed table but `skip`.
pub fn assert_same_tables(a: &mut dyn Store, b: &mut dyn Store, skip: &[&str]) {
    let keep = |d: Dump| -> Dump { d.into_iter().filter(|(t, _)| !skip.contains(t)).collect() };
    let (x, y) = (keep(query::dump(a).unwrap()), keep(query::dump(b).unwrap()));
    assert_same_dump(&x, &y, "the rewound index and a fresh one");
}
