//! The indexer's catch-up benchmark (docs/BENCHMARKS.md, "Indexer"): builds a chain with N
//! loans on the embedded dev node (default 10,000; one in five repaid), then times a fresh
//! index of it into SQLite and, when its binaries are present, PostgreSQL, then a restart.
//! Not part of the test command:
//!
//! ```sh
//! cargo run -p lien-indexer --example catch_up -- 10000
//! ```
//!
//! The loans are made in-process (`lien_e2e::direct`: the node's own transaction path without
//! JSON-RPC), one transaction per block as the dev node mines; the indexer then reads the chain
//! over JSON-RPC as it would any node's.

#[path = "../tests/common/pg_server.rs"]
mod pg_server;

use std::time::Instant;

use alloy::primitives::U256;
use alloy::providers::Provider;
use lien_client::bindings::{ILoanBook, IOfferBook, IPriceOracle, IERC20, IERC721};
use lien_e2e::{listed_protocol, ok, tokens, Harness};
use lien_indexer::{
    query, store,
    store::Store,
    sync::{blocking, rewind, Cursor, Indexer, Options},
};

/// Logs above `block`.
fn kept_above(db: &mut dyn Store, block: u64) -> i64 {
    db.query(
        "SELECT COUNT(*) FROM logs WHERE block > $1",
        &[block.into()],
    )
    .unwrap()[0][0]
        .int()
}

const DAY: u64 = 86_400;
const GAS: u64 = 5_000_000;
const CAPACITY: u64 = 1_000;

#[tokio::main]
async fn main() {
    let loans: u64 = std::env::args()
        .nth(1)
        .map(|n| n.parse().expect("a number of loans"))
        .unwrap_or(10_000);
    let h = Harness::start().await;
    let w = listed_protocol(&h).await;
    let oracle = IPriceOracle::new(w.a.oracle, h.provider(&w.reporter));
    ok!(oracle.postPrice(w.collection, tokens(100)));
    h.increase_time(3_700).await;
    ok!(oracle.postPrice(w.collection, tokens(100)));
    let lender = h.account(10).await;
    let borrowers = [
        h.account(100).await,
        h.account(100).await,
        h.account(100).await,
        h.account(100).await,
    ];
    let direct = h.direct().expect("the embedded dev node");
    let send = |who, to, call: &dyn Fn() -> alloy::primitives::Bytes| {
        let sent = direct.send_data(who, to, call(), U256::ZERO, GAS);
        if !sent.success {
            let req = alloy::rpc::types::TransactionRequest::default()
                .from(who.address())
                .to(to)
                .input(call().into());
            let why = h
                .node()
                .unwrap()
                .with_chain(|c| c.call(&req, Default::default(), None));
            panic!("a transaction of the setup reverted: {why:?}");
        }
    };
    let lp = h.provider(&lender);
    let token = IERC20::new(w.currency, &lp);
    let escrow = tokens(loans.div_ceil(CAPACITY) * CAPACITY);
    ok!(token.mint(lender.address(), escrow));
    ok!(token.approve(w.a.offer_book, escrow));
    let expiry = h.now().await + 60 * DAY;
    // Offers hold at most 1,000 loans each (the OfferBook's MAX_CAPACITY).
    let offers = IOfferBook::new(w.a.offer_book, &lp);
    for _ in 0..loans.div_ceil(CAPACITY) {
        ok!(offers.createOffer(
            w.currency,
            w.collection,
            U256::ZERO,
            true,
            tokens(1),
            1_000,
            30 * DAY,
            expiry,
            CAPACITY
        ));
    }
    use alloy::sol_types::SolCall;
    for b in &borrowers {
        let bp = h.provider(b);
        let nft = IERC721::new(w.collection, &bp);
        ok!(nft.setApprovalForAll(w.a.vault, true));
        let t = IERC20::new(w.currency, &bp);
        ok!(t.mint(b.address(), tokens(loans)));
        ok!(t.approve(w.a.loan_book, tokens(loans)));
    }
    let made = Instant::now();
    for i in 1..=loans {
        let b = &borrowers[(i % borrowers.len() as u64) as usize];
        let id = U256::from(i);
        send(b, w.collection, &|| {
            IERC721::mintCall {
                to: b.address(),
                tokenId: id,
            }
            .abi_encode()
            .into()
        });
        send(b, w.a.loan_book, &|| {
            ILoanBook::borrowCall {
                offer_id: U256::from((i - 1) / CAPACITY + 1),
                token_id: id,
            }
            .abi_encode()
            .into()
        });
        // Each block moves the dev node's clock: the reporter keeps the price fresh (max age 1 h).
        if i % 500 == 0 {
            send(&w.reporter, w.a.oracle, &|| {
                IPriceOracle::postPriceCall {
                    collection: w.collection,
                    price: tokens(100),
                }
                .abi_encode()
                .into()
            });
        }
        if i % 5 == 0 {
            send(b, w.a.loan_book, &|| {
                ILoanBook::repayCall { loan_id: id }.abi_encode().into()
            });
        }
        if i % 1_000 == 0 {
            println!("{i} loans made ({:.0} s)", made.elapsed().as_secs_f64());
        }
    }
    let made = made.elapsed();
    let p = h.provider(&h.funder);
    let head = p.get_block_number().await.unwrap();
    println!(
        "chain: {loans} loans ({} repaid) in {head} blocks, made in {:.1} s",
        loans / 5,
        made.as_secs_f64()
    );

    let pg = pg_server::PgServer::start("bench");
    let mut dbs = vec![{
        let path = std::env::temp_dir().join(format!("lien-bench-{}.sqlite", std::process::id()));
        path.display().to_string()
    }];
    if let Some(pg) = &pg {
        dbs.push(pg.database("bench"));
    }
    for db in &dbs {
        let started = Instant::now();
        let mut ix = Indexer::new(
            p.clone(),
            w.a,
            blocking(|| store::open(db)).unwrap(),
            Options::default(),
        )
        .await
        .unwrap();
        ix.sync().await.unwrap();
        let took = started.elapsed().as_secs_f64();
        let logs = query::count(ix.db(), "logs").unwrap();
        let indexed = query::count(ix.db(), "loans").unwrap();
        assert_eq!(indexed as u64, loans, "every loan indexed");
        drop(ix);
        let restarted = Instant::now();
        let mut ix = Indexer::new(
            p.clone(),
            w.a,
            blocking(|| store::open(db)).unwrap(),
            Options::default(),
        )
        .await
        .unwrap();
        ix.sync().await.unwrap();
        let restart = restarted.elapsed().as_secs_f64();
        // A reorg's rewind half-way down: delete above the fork, replay the kept raw logs.
        let fork = ix
            .db()
            .query(
                "SELECT number, hash FROM blocks WHERE number <= $1 ORDER BY number DESC LIMIT 1",
                &[(head / 2).into()],
            )
            .unwrap();
        let fork = Cursor {
            block: fork[0][0].int() as u64,
            hash: fork[0][1].text().parse().unwrap(),
        };
        let rewound = Instant::now();
        blocking(|| rewind(ix.db(), &w.a, Some(fork))).unwrap();
        let rewind_s = rewound.elapsed().as_secs_f64();
        let again = Instant::now();
        ix.sync().await.unwrap();
        println!(
            "{}: rewind to block {} (replaying {} kept logs) {rewind_s:.1} s, then re-following {:.1} s",
            ix.db().kind(),
            fork.block,
            logs - kept_above(ix.db(), fork.block),
            again.elapsed().as_secs_f64()
        );
        println!(
            "{}: caught up {indexed} loans, {logs} logs, {head} blocks in {took:.1} s ({:.0} logs/s); restart at the head {:.2} s",
            ix.db().kind(),
            logs as f64 / took,
            restart
        );
    }
    let _ = std::fs::remove_file(&dbs[0]);
}
