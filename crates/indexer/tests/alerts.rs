//! Webhook alerts on the embedded dev node, on SQLite and (when its binaries are present) a
//! throw-away PostgreSQL: one loan goes near its liquidation threshold, back to health and near
//! it again (a second episode), near its due time, into an auction and is sold; each subscriber receives each alert once, by its own
//! thresholds and account filter, a receiver that failed once gets the alert on the next
//! check, and a restarted indexer sends nothing again.

mod common;

use std::sync::{Arc, Mutex};

use alloy::primitives::{Address, U256};
use alloy::providers::Provider;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use common::{databases, indexer, pg_server::PgServer, small_batches};
use lien_client::bindings::{ILiquidator, ILoanBook, IOfferBook, IPriceOracle, IERC20, IERC721};
use lien_e2e::{listed_protocol, ok, tokens, Harness};
use lien_indexer::notify::{self, Report, Subscriber};
use lien_indexer::sync::{blocking, Indexer};
use serde_json::Value;

const DAY: u64 = 86_400;
const HOUR: u64 = 3_600;

/// Posts received, by subscriber name; `flaky-*` answer 500 to their first post.
#[derive(Clone, Default)]
struct Received {
    posts: Arc<Mutex<Vec<(String, Value)>>>,
    refused: Arc<Mutex<Vec<String>>>,
}

async fn hook(State(r): State<Received>, Path(name): Path<String>, body: String) -> StatusCode {
    if name.starts_with("flaky") {
        let mut refused = r.refused.lock().unwrap();
        if !refused.contains(&name) {
            refused.push(name);
            return StatusCode::INTERNAL_SERVER_ERROR;
        }
    }
    let body = serde_json::from_str(&body).expect("JSON body");
    r.posts.lock().unwrap().push((name, body));
    StatusCode::OK
}

impl Received {
    /// (kind, loan id) of the posts `name` received, in order.
    fn of(&self, name: &str) -> Vec<(String, i64)> {
        self.posts
            .lock()
            .unwrap()
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, b)| {
                (
                    b["kind"].as_str().unwrap().to_owned(),
                    b["loanId"].as_i64().unwrap(),
                )
            })
            .collect()
    }
}

async fn check(ix: &mut Indexer, http: &reqwest::Client) -> Report {
    ix.sync().await.expect("sync");
    let (p, lens) = (ix.provider().clone(), ix.contracts().loan_lens);
    notify::check(ix.db(), &p, lens, http).await.expect("check")
}

#[tokio::test(flavor = "multi_thread")]
async fn alerts_reach_each_subscriber_once() {
    let h = Harness::start().await;
    if !h.can_time_travel() {
        println!("skipped: the alerts need time travel");
        return;
    }
    let w = listed_protocol(&h).await;
    let oracle = IPriceOracle::new(w.a.oracle, h.provider(&w.reporter));
    ok!(oracle.postPrice(w.collection, tokens(100)));
    h.increase_time(HOUR + 100).await;
    ok!(oracle.postPrice(w.collection, tokens(100)));
    let (lender, borrower, keeper, bidder) = (
        h.account(1).await,
        h.account(1).await,
        h.account(1).await,
        h.account(1).await,
    );
    {
        let lp = h.provider(&lender);
        let token = IERC20::new(w.currency, &lp);
        ok!(token.mint(lender.address(), tokens(40)));
        ok!(token.approve(w.a.offer_book, tokens(40)));
        let expiry = h.now().await + 30 * DAY;
        let offers = IOfferBook::new(w.a.offer_book, &lp);
        ok!(offers.createOffer(
            w.currency,
            w.collection,
            U256::ZERO,
            true,
            tokens(40),
            1_000,
            DAY,
            expiry,
            1
        ));
        let nft = IERC721::new(w.collection, h.provider(&borrower));
        ok!(nft.mint(borrower.address(), U256::from(1)));
        ok!(nft.approve(w.a.vault, U256::from(1)));
    }

    let received = Received::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = axum::Router::new()
        .route("/{name}", axum::routing::post(hook))
        .with_state(received.clone());
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    let http = reqwest::Client::new();

    let pg = PgServer::start("alerts");
    let dbs = databases("alerts", pg.as_ref());
    let names: Vec<&str> = dbs
        .iter()
        .map(|d| {
            if d.starts_with("postgres") {
                "pg"
            } else {
                "sqlite"
            }
        })
        .collect();
    let mut ixs = Vec::new();
    let since = h.provider(&h.funder).get_block_number().await.unwrap() as i64;
    for (db, name) in dbs.iter().zip(&names) {
        let mut ix = indexer(&h, w.a, db, small_batches()).await;
        ix.sync().await.unwrap();
        let subscribe = |ix: &mut Indexer, who: &str, account: Address, health_bps, due_secs| {
            let s = Subscriber {
                id: 0,
                url: format!("{base}/{who}-{name}"),
                account: if account.is_zero() {
                    String::new()
                } else {
                    format!("{account:#x}")
                },
                health_bps,
                due_secs,
                since_block: since,
            };
            blocking(|| notify::subscribe(ix.db(), &s)).unwrap()
        };
        assert_eq!(
            subscribe(&mut ix, "all", Address::ZERO, 6_000, 2 * HOUR as i64),
            1
        );
        // Watches another account only, with thresholds every loan would meet.
        subscribe(
            &mut ix,
            "other",
            Address::repeat_byte(7),
            1,
            30 * DAY as i64,
        );
        subscribe(&mut ix, "flaky", borrower.address(), 0, 0);
        assert_eq!(
            check(&mut ix, &http).await,
            Report::default(),
            "no loan yet"
        );
        ixs.push(ix);
    }

    // Borrowing 40 against a price of 100 at a 65 % threshold: 61.5 % of the limit (≥ 60 %).
    let book = ILoanBook::new(w.a.loan_book, h.provider(&borrower));
    ok!(book.borrow(U256::from(1), U256::from(1)));
    for ix in &mut ixs {
        let r = check(ix, &http).await;
        assert_eq!(
            (r.recorded, r.delivered, r.failed),
            (1, 1, 0),
            "near liquidation"
        );
        assert_eq!(check(ix, &http).await, Report::default(), "nothing twice");
    }
    // The price rises to 118 for over an hour (the TWAP window): 52 % of the limit, below the
    // threshold, so the episode ends (no alert); back to 100, a second episode is alerted.
    let hold = |price: u64| {
        let (h, oracle, collection) = (&h, &oracle, w.collection);
        async move {
            for wait in [1_800, 1_900, 0] {
                ok!(oracle.postPrice(collection, tokens(price)));
                if wait > 0 {
                    h.increase_time(wait).await;
                }
            }
        }
    };
    hold(118).await;
    for ix in &mut ixs {
        assert_eq!(check(ix, &http).await, Report::default(), "healthy again");
    }
    hold(100).await;
    for ix in &mut ixs {
        let r = check(ix, &http).await;
        assert_eq!((r.recorded, r.delivered), (1, 1), "near liquidation again");
    }
    // One hour before the due time (2 h threshold).
    h.increase_time(DAY - HOUR - 2 * 3_700).await;
    for ix in &mut ixs {
        let r = check(ix, &http).await;
        assert_eq!((r.recorded, r.delivered), (1, 1), "near due");
    }
    // Overdue past the one-day grace: the keeper liquidates.
    h.increase_time(DAY + 2 * HOUR).await;
    let auction = {
        let book_k = ILoanBook::new(w.a.loan_book, h.provider(&keeper));
        let id = book_k
            .liquidate(U256::from(1))
            .call()
            .await
            .expect("liquidate");
        ok!(book_k.liquidate(U256::from(1)));
        id
    };
    // The API's live auction, priced by the Liquidator at request time.
    {
        let state = lien_indexer::api::ApiState {
            db: Arc::new(Mutex::new(common::open(&dbs[0]))),
            provider: h.provider(&h.funder),
            liquidator: w.a.liquidator,
        };
        ixs[0].sync().await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let api = format!("http://{}/auctions/live", listener.local_addr().unwrap());
        let served = tokio::spawn(lien_indexer::api::serve(listener, state));
        let live: Value =
            serde_json::from_str(&http.get(&api).send().await.unwrap().text().await.unwrap())
                .unwrap();
        let liq = ILiquidator::new(w.a.liquidator, h.provider(&h.funder));
        let price = liq.currentPrice(auction).call().await.unwrap();
        assert_eq!(live.as_array().unwrap().len(), 1, "{live}");
        assert_eq!(live[0]["id"], auction.to::<u64>());
        assert_eq!(live[0]["loanId"], 1);
        assert_eq!(live[0]["currentPrice"], price.to_string());
        served.abort();
    }
    for ix in &mut ixs {
        let r = check(ix, &http).await;
        assert_eq!(
            (r.recorded, r.delivered, r.failed),
            (2, 1, 1),
            "auction; flaky refuses"
        );
        let r = check(ix, &http).await;
        assert_eq!((r.recorded, r.delivered, r.failed), (0, 1, 0), "the retry");
    }
    {
        let bp = h.provider(&bidder);
        let token = IERC20::new(w.currency, &bp);
        ok!(token.mint(bidder.address(), tokens(1_000)));
        ok!(token.approve(w.a.liquidator, tokens(1_000)));
        let liq = ILiquidator::new(w.a.liquidator, &bp);
        ok!(liq.bid(auction, tokens(1_000)));
    }
    for ix in &mut ixs {
        let r = check(ix, &http).await;
        assert_eq!((r.recorded, r.delivered), (2, 2), "settled");
    }
    // A restart: same databases, new indexers.
    drop(ixs);
    for db in &dbs {
        let mut ix = indexer(&h, w.a, db, small_batches()).await;
        assert_eq!(
            check(&mut ix, &http).await,
            Report::default(),
            "nothing again after a restart"
        );
    }
    for name in &names {
        let one = |k: &str| (k.to_owned(), 1);
        assert_eq!(
            received.of(&format!("all-{name}")),
            vec![
                one("near_liquidation"),
                one("near_liquidation"),
                one("near_due"),
                one("auction"),
                one("settled")
            ]
        );
        assert_eq!(received.of(&format!("other-{name}")), vec![]);
        assert_eq!(
            received.of(&format!("flaky-{name}")),
            vec![one("auction"), one("settled")]
        );
    }
    let posts = received.posts.lock().unwrap().clone();
    let near = posts
        .iter()
        .find(|(_, b)| b["kind"] == "near_liquidation")
        .unwrap();
    assert_eq!(near.1["detail"]["thresholdBps"], 6_000);
    assert_eq!(near.1["borrower"], format!("{:#x}", borrower.address()));
    server.abort();
}
