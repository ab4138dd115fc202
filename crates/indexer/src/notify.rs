//! Webhook alerts. A subscriber (URL, optional account, thresholds) is told, by a JSON POST,
//! when a loan it watches
//! - `near_liquidation`: has debt ≥ `health_bps` / 10,000 of the most it may owe before it
//!   can be liquidated (LoanLens `health`: `debt` against `max_debt`, read at the head);
//! - `near_due`: is active with at most `due_secs` seconds left before its due time;
//! - `auction`: entered a liquidation auction;
//! - `settled`: was repaid, sold at auction or foreclosed.
//!
//! Deduplication across restarts: an alert is first recorded in `alerts`, keyed by
//! (subscriber, loan, kind, episode) — the episode is the auction id for `auction`, the due
//! time for `near_due`, 0 for `settled`, and for `near_liquidation` a counter that moves on only
//! after the loan was seen below the threshold again — and only then posted; a recorded alert
//! is never recorded twice, and one not yet delivered (the node or receiver was down, or the
//! process stopped before the POST) is posted again at the next check until the receiver
//! answers 2xx. The one duplicate possible is a stop between a receiver's 2xx and the
//! `delivered` mark (at-least-once delivery; the payload carries the key for the receiver).

use alloy::primitives::U256;
use alloy::providers::{DynProvider, Provider};
use lien_client::bindings::ILoanLens;
use serde_json::{json, Value};

use crate::store::{Store, StoreError, Val};
use crate::sync::blocking;

/// What a notification check can fail with.
#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The node failed.
    #[error("node: {0}")]
    Rpc(String),
}

/// A webhook subscriber.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subscriber {
    /// Its id.
    pub id: i64,
    /// Where alerts are posted.
    pub url: String,
    /// Only loans this account borrowed or lends (lowercase hex); every loan when empty.
    pub account: String,
    /// `near_liquidation` at debt ≥ this share (bps) of the liquidation limit; 0: never.
    pub health_bps: i64,
    /// `near_due` at this many seconds or fewer before the due time; 0: never.
    pub due_secs: i64,
    /// `auction` and `settled` alerts only for changes at or after this block.
    pub since_block: i64,
}

/// Adds a subscriber; returns its id.
pub fn subscribe(db: &mut dyn Store, s: &Subscriber) -> Result<i64, StoreError> {
    db.execute(
        "INSERT INTO subscribers (id, url, account, health_bps, due_secs, since_block)
         SELECT COALESCE(MAX(id), 0) + 1, CAST($1 AS TEXT), CAST($2 AS TEXT), CAST($3 AS BIGINT),
         CAST($4 AS BIGINT), CAST($5 AS BIGINT) FROM subscribers",
        &[
            s.url.as_str().into(),
            s.account.to_lowercase().into(),
            Val::Int(s.health_bps),
            Val::Int(s.due_secs),
            Val::Int(s.since_block),
        ],
    )?;
    Ok(db
        .query("SELECT MAX(id) FROM subscribers", &[])?
        .first()
        .map_or(0, |r| r[0].int()))
}

/// Every subscriber, by id.
pub fn subscribers(db: &mut dyn Store) -> Result<Vec<Subscriber>, StoreError> {
    Ok(db
        .query(
            "SELECT id, url, account, health_bps, due_secs, since_block FROM subscribers ORDER BY id",
            &[],
        )?
        .into_iter()
        .map(|r| Subscriber {
            id: r[0].int(),
            url: r[1].text().to_owned(),
            account: r[2].text().to_owned(),
            health_bps: r[3].int(),
            due_secs: r[4].int(),
            since_block: r[5].int(),
        })
        .collect())
}

/// A loan as the checks see it.
struct Watched {
    id: i64,
    borrower: String,
    lender: String,
    status: String,
    due: i64,
    auction_id: i64,
    updated_block: i64,
}

/// One alert condition found true now.
struct Candidate {
    subscriber: i64,
    loan: i64,
    kind: &'static str,
    episode: Option<i64>,
    block: i64,
    detail: Value,
}

/// What one check did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// Alerts newly recorded.
    pub recorded: usize,
    /// Alerts posted with a 2xx answer (new ones and earlier undelivered ones).
    pub delivered: usize,
    /// Alerts whose POST failed (kept for the next check).
    pub failed: usize,
}

/// Evaluates every subscriber's conditions at the node's latest block, records the new
/// alerts and posts every undelivered one. `db` is the indexer's database.
pub async fn check(
    db: &mut dyn Store,
    provider: &DynProvider,
    loan_lens: alloy::primitives::Address,
    http: &reqwest::Client,
) -> Result<Report, NotifyError> {
    let subs = blocking(|| subscribers(db))?;
    if subs.is_empty() {
        return Ok(Report::default());
    }
    let loans: Vec<Watched> = blocking(|| {
        db.query(
            "SELECT id, borrower, lender, status, due, auction_id, updated_block FROM loans ORDER BY id",
            &[],
        )
    })?
    .into_iter()
    .map(|r| Watched {
        id: r[0].int(),
        borrower: r[1].text().to_owned(),
        lender: r[2].text().to_owned(),
        status: r[3].text().to_owned(),
        due: r[4].int(),
        auction_id: r[5].int(),
        updated_block: r[6].int(),
    })
    .collect();
    let head = provider
        .get_block_by_number(Default::default())
        .await
        .map_err(|e| NotifyError::Rpc(e.to_string()))?
        .ok_or_else(|| NotifyError::Rpc("no latest block".into()))?;
    let (now, block) = (head.header.timestamp as i64, head.header.number as i64);
    let lens = ILoanLens::new(loan_lens, provider);
    let watches = |s: &Subscriber, l: &Watched| {
        s.account.is_empty() || s.account == l.borrower || s.account == l.lender
    };
    let mut candidates = Vec::new();
    let mut healthy_again = Vec::new();
    for l in &loans {
        let subs_of: Vec<&Subscriber> = subs.iter().filter(|s| watches(s, l)).collect();
        if subs_of.is_empty() {
            continue;
        }
        let mut alert = |s: &Subscriber, kind, episode, block, detail| {
            candidates.push(Candidate {
                subscriber: s.id,
                loan: l.id,
                kind,
                episode,
                block,
                detail,
            })
        };
        match l.status.as_str() {
            "active" => {
                let health = if subs_of.iter().any(|s| s.health_bps > 0) {
                    let h = lens
                        .health(U256::from(l.id))
                        .call()
                        .await
                        .map_err(|e| NotifyError::Rpc(e.to_string()))?;
                    Some((h.debt, h.max_debt))
                } else {
                    None
                };
                for s in &subs_of {
                    // No price (max_debt 0): unknown, neither an alert nor a recovery.
                    let health = health.filter(|(_, max)| s.health_bps > 0 && !max.is_zero());
                    if let Some((debt, max_debt)) = health {
                        let limit = max_debt * U256::from(s.health_bps as u64);
                        if debt * U256::from(10_000u64) >= limit {
                            let ratio = debt * U256::from(10_000u64) / max_debt;
                            alert(
                                s,
                                "near_liquidation",
                                None,
                                block,
                                json!({
                                    "debt": debt.to_string(), "maxDebt": max_debt.to_string(),
                                    "debtToLimitBps": ratio.to_string(), "thresholdBps": s.health_bps,
                                }),
                            );
                        } else {
                            healthy_again.push((s.id, l.id));
                        }
                    }
                    if s.due_secs > 0 && l.due - now <= s.due_secs {
                        alert(
                            s,
                            "near_due",
                            Some(l.due),
                            block,
                            json!({
                                "due": l.due, "secondsLeft": l.due - now, "thresholdSecs": s.due_secs,
                            }),
                        );
                    }
                }
            }
            status => {
                for s in subs_of.iter().filter(|s| l.updated_block >= s.since_block) {
                    if status == "in_auction" {
                        alert(
                            s,
                            "auction",
                            Some(l.auction_id),
                            l.updated_block,
                            json!({"auctionId": l.auction_id}),
                        );
                    } else {
                        alert(
                            s,
                            "settled",
                            Some(0),
                            l.updated_block,
                            json!({"outcome": status}),
                        );
                    }
                }
            }
        }
    }
    let loan_of = |id: i64| loans.iter().find(|l| l.id == id);
    let recorded = blocking(|| -> Result<usize, StoreError> {
        for (sub, loan) in &healthy_again {
            db.execute(
                "UPDATE alerts SET cleared = 1 WHERE subscriber = $1 AND loan_id = $2
                 AND kind = 'near_liquidation'",
                &[Val::Int(*sub), Val::Int(*loan)],
            )?;
        }
        let mut recorded = 0;
        for c in &candidates {
            let episode = match c.episode {
                Some(e) => e,
                None => {
                    let rows = db.query(
                        "SELECT episode, cleared FROM alerts WHERE subscriber = $1 AND loan_id = $2
                         AND kind = 'near_liquidation' ORDER BY episode DESC LIMIT 1",
                        &[Val::Int(c.subscriber), Val::Int(c.loan)],
                    )?;
                    match rows.first() {
                        Some(r) if r[1].int() == 0 => continue,
                        Some(r) => r[0].int() + 1,
                        None => 1,
                    }
                }
            };
            let l = loan_of(c.loan);
            let payload = json!({
                "kind": c.kind, "loanId": c.loan, "episode": episode, "subscriber": c.subscriber,
                "block": c.block, "borrower": l.map(|l| l.borrower.clone()),
                "lender": l.map(|l| l.lender.clone()), "status": l.map(|l| l.status.clone()),
                "detail": c.detail,
            });
            recorded += db.execute(
                "INSERT INTO alerts (subscriber, loan_id, kind, episode, block, payload, delivered, cleared)
                 VALUES ($1, $2, $3, $4, $5, $6, 0, 0) ON CONFLICT DO NOTHING",
                &[
                    Val::Int(c.subscriber),
                    Val::Int(c.loan),
                    c.kind.into(),
                    Val::Int(episode),
                    Val::Int(c.block),
                    payload.to_string().into(),
                ],
            )? as usize;
        }
        Ok(recorded)
    })?;
    let pending = blocking(|| {
        db.query(
            "SELECT a.subscriber, a.loan_id, a.kind, a.episode, a.payload, s.url FROM alerts a
             JOIN subscribers s ON s.id = a.subscriber WHERE a.delivered = 0
             ORDER BY a.block, a.subscriber, a.loan_id, a.kind",
            &[],
        )
    })?;
    let mut report = Report {
        recorded,
        ..Report::default()
    };
    for r in pending {
        let sent = http
            .post(r[5].text())
            .header("content-type", "application/json")
            .body(r[4].text().to_owned())
            .send()
            .await;
        if sent.is_ok_and(|resp| resp.status().is_success()) {
            blocking(|| {
                db.execute(
                    "UPDATE alerts SET delivered = 1 WHERE subscriber = $1 AND loan_id = $2
                     AND kind = $3 AND episode = $4",
                    &r[..4],
                )
            })?;
            report.delivered += 1;
        } else {
            report.failed += 1;
        }
    }
    Ok(report)
}
