//! The indexer on the embedded dev node with the real compiled contracts, on SQLite and, when
//! the PostgreSQL binaries are present, on a throw-away PostgreSQL server:
//! - the demo story indexed in small batches matches the chain's views, both backends hold
//!   the same rows, and the JSON API answers from them;
//! - a stop in the middle of a batch leaves no partial batch, and the restarted indexer ends
//!   with exactly the rows of an uninterrupted run;
//! - a reorg made with evm_snapshot / evm_revert is detected and rewound, ending with the rows
//!   a fresh index of the new chain has.

mod common;

use alloy::primitives::U256;
use alloy::providers::Provider;
use common::{assert_matches_chain, databases, indexer, pg_server::PgServer, small_batches};
use lien_client::bindings::{IOfferBook, IPriceOracle, IERC20};
use lien_e2e::{listed_protocol, ok, tokens, Harness};
use lien_indexer::{
    api, query, store,
    sync::{IndexError, Options, Step},
};

#[tokio::test(flavor = "multi_thread")]
async fn the_story_is_indexed_as_the_chain_has_it() {
    let h = Harness::start().await;
    if !h.can_time_travel() {
        println!("skipped: the story needs time travel");
        return;
    }
    let summary = lien_client::story::run(&h).await.expect("the story");
    let a = summary.addresses.expect("addresses");
    let (_, collection) = summary.assets.expect("assets");
    let p = h.provider(&h.funder);
    let pg = PgServer::start("story");
    let mut dumps = Vec::new();
    for db in databases("story", pg.as_ref()) {
        let mut ix = indexer(&h, a, &db, small_batches()).await;
        let head = ix.sync().await.expect("sync");
        assert_eq!(ix.cursor().unwrap().map(|c| c.block), Some(head));
        assert_matches_chain(ix.db(), &p, &a).await;
        let statuses = query::totals(ix.db()).expect("totals")["loans"].clone();
        for s in ["repaid", "liquidated", "foreclosed"] {
            assert!(
                statuses[s].as_i64() > Some(0),
                "the story has a {s} loan: {statuses}"
            );
        }
        // the loans that move (chapter 10): the LoanDesk's events, from the LoanBook's address
        for kind in ["repaid_part", "refinanced", "rolled_over"] {
            let rows = ix
                .db()
                .query(
                    "SELECT loan_id FROM loan_events WHERE kind = $1",
                    &[kind.into()],
                )
                .expect("query");
            assert_eq!(rows.len(), 1, "one {kind} event in the story");
        }
        assert!(
            query::count(ix.db(), "prices").unwrap() > 0,
            "price history"
        );
        assert!(query::count(ix.db(), "bids").unwrap() > 0, "a sale");
        assert!(
            query::count(ix.db(), "proposals").unwrap() > 0,
            "a proposal"
        );
        dumps.push((db.clone(), query::dump(ix.db()).expect("dump")));

        // A stop inside a batch's transaction (after 3 of its logs), then a restart.
        let stop_at = Options {
            stop_mid_batch_after: Some(3),
            ..small_batches()
        };
        let crash_db = if db.starts_with("postgres") {
            pg.as_ref().unwrap().database("crash")
        } else {
            common::sqlite("crash")
        };
        let mut ix = indexer(&h, a, &crash_db, stop_at).await;
        let stopped = ix.sync().await;
        assert!(
            matches!(stopped, Err(IndexError::StoppedMidBatch(3))),
            "{stopped:?}"
        );
        drop(ix);
        let mut ix = indexer(&h, a, &crash_db, small_batches()).await;
        let cursor = ix.cursor().unwrap().map_or(-1, |c| c.block as i64);
        let above = ix
            .db()
            .query(
                "SELECT COUNT(*) FROM logs WHERE block > $1",
                &[store::Val::Int(cursor)],
            )
            .unwrap();
        assert_eq!(
            above[0][0].int(),
            0,
            "nothing of the stopped batch was kept"
        );
        ix.sync().await.expect("sync after the restart");
        common::assert_same_dump(
            &query::dump(ix.db()).unwrap(),
            &dumps.last().unwrap().1,
            &format!("the restarted index and the uninterrupted one ({db})"),
        );
    }
    if let [(_, sqlite), (_, postgres)] = &dumps[..] {
        common::assert_same_dump(sqlite, postgres, "SQLite and PostgreSQL");
    }

    // The JSON API, on the SQLite index.
    let state = api::ApiState {
        db: std::sync::Arc::new(std::sync::Mutex::new(common::open(&dumps[0].0))),
        provider: p.clone(),
        liquidator: a.liquidator,
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(api::serve(listener, state));
    let http = reqwest::Client::new();
    let get = |path: String| {
        let http = http.clone();
        let url = format!("{base}{path}");
        async move {
            let r = http.get(&url).send().await.expect("GET");
            assert!(r.status().is_success(), "GET {url}: {}", r.status());
            serde_json::from_str::<serde_json::Value>(&r.text().await.unwrap()).unwrap()
        }
    };
    let health = get("/health".into()).await;
    assert_eq!(health["backend"], "sqlite");
    assert_eq!(
        health["indexedBlock"],
        p.get_block_number().await.unwrap(),
        "{health}"
    );
    let mut db = common::open(&dumps[0].0);
    let loans = query::loans(db.as_mut()).unwrap();
    let borrower = loans[0]["borrower"].as_str().unwrap().to_owned();
    let of_borrower = get(format!("/accounts/{borrower}/loans")).await;
    let expected = loans
        .iter()
        .filter(|l| l["borrower"] == borrower.as_str() || l["lender"] == borrower.as_str())
        .count();
    assert_eq!(of_borrower.as_array().unwrap().len(), expected);
    let history = get(format!("/loans/{}/history", loans[0]["id"])).await;
    assert_eq!(history[0]["kind"], "started");
    let offers = get(format!("/collections/{collection:#x}/offers")).await;
    assert_eq!(
        offers.as_array().unwrap().len() as i64,
        query::count(db.as_mut(), "offers").unwrap()
    );
    let prices = get(format!("/collections/{collection}/prices")).await;
    assert!(!prices.as_array().unwrap().is_empty());
    let totals = get("/totals".into()).await;
    let by_status: i64 = totals["loans"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_i64().unwrap())
        .sum();
    assert_eq!(by_status, loans.len() as i64);
    let live = get("/auctions/live".into()).await;
    for x in live.as_array().unwrap() {
        assert!(x["currentPrice"].is_string(), "a live auction's price: {x}");
    }
    assert!(!get("/proposals".into())
        .await
        .as_array()
        .unwrap()
        .is_empty());
    let bad = http
        .get(format!("{base}/accounts/nope/loans"))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    server.abort();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reorg_is_detected_and_rewound() {
    let h = Harness::start().await;
    if !h.can_time_travel() {
        println!("skipped: a reorg needs evm_snapshot");
        return;
    }
    let w = listed_protocol(&h).await;
    let oracle = IPriceOracle::new(w.a.oracle, h.provider(&w.reporter));
    ok!(oracle.postPrice(w.collection, tokens(100)));
    let lender = h.account(1).await;
    {
        let token = IERC20::new(w.currency, h.provider(&lender));
        ok!(token.mint(lender.address(), tokens(1_000)));
        ok!(token.approve(w.a.offer_book, tokens(1_000)));
    }
    let offer = |principal: u64| {
        let (h, w, lender) = (&h, &w, lender.clone());
        async move {
            let expiry = h.now().await + 86_400;
            let offers = IOfferBook::new(w.a.offer_book, h.provider(&lender));
            ok!(offers.createOffer(
                w.currency,
                w.collection,
                U256::ZERO,
                true,
                tokens(principal),
                1_000,
                86_400,
                expiry,
                1
            ));
        }
    };
    let p = h.provider(&h.funder);
    let pg = PgServer::start("reorg");
    let dbs = databases("reorg", pg.as_ref());
    let mut ixs = Vec::new();
    for db in &dbs {
        let mut ix = indexer(&h, w.a, db, small_batches()).await;
        ix.sync().await.expect("sync");
        ixs.push(ix);
    }
    let snapshot: String = p.raw_request("evm_snapshot".into(), ()).await.unwrap();
    offer(10).await;
    ok!(oracle.postPrice(w.collection, tokens(101)));
    for ix in &mut ixs {
        ix.sync().await.expect("sync");
        let offers = query::offers_of(ix.db(), &format!("{:#x}", w.collection)).unwrap();
        assert_eq!(offers.len(), 1);
        assert_eq!(offers[0]["principal"], tokens(10).to_string());
    }
    let reverted: bool = p
        .raw_request("evm_revert".into(), (snapshot,))
        .await
        .unwrap();
    assert!(reverted);
    // The other branch: a different offer, one more block, a different price.
    let _: serde_json::Value = p.raw_request("evm_mine".into(), ()).await.unwrap();
    offer(20).await;
    let oracle = IPriceOracle::new(w.a.oracle, h.provider(&w.reporter));
    ok!(oracle.postPrice(w.collection, tokens(99)));
    for (ix, db) in ixs.iter_mut().zip(&dbs) {
        let fork_below = ix.cursor().unwrap().unwrap().block;
        match ix.step().await.expect("step") {
            Step::Rewound { to: Some(to) } => assert!(to < fork_below, "rewound below {to}"),
            other => panic!("a reorg must be found first, not {other:?}"),
        }
        ix.sync().await.expect("sync after the rewind");
        let offers = query::offers_of(ix.db(), &format!("{:#x}", w.collection)).unwrap();
        assert_eq!(offers.len(), 1);
        assert_eq!(offers[0]["principal"], tokens(20).to_string(), "{db}");
        let prices = query::price_history(ix.db(), &format!("{:#x}", w.collection), 10).unwrap();
        let last = prices.last().unwrap();
        assert_eq!(last["price"], tokens(99).to_string());
        assert!(prices.iter().all(|x| x["price"] != tokens(101).to_string()));
        assert_matches_chain(ix.db(), &p, &w.a).await;
        // Everything as a fresh index of the new chain has it.
        let fresh_db = if db.starts_with("postgres") {
            pg.as_ref().unwrap().database("reorg_fresh")
        } else {
            common::sqlite("reorg-fresh")
        };
        let mut fresh = indexer(&h, w.a, &fresh_db, small_batches()).await;
        fresh.sync().await.unwrap();
        // (`blocks` holds each batch's last block too, so it depends on the batch history.)
        common::assert_same_tables(ix.db(), fresh.db(), &["blocks"]);
    }
}
