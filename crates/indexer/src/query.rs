//! Read queries over the indexed tables, as JSON objects (what the API serves; the tests read
//! them too). Amounts and token ids are decimal strings, addresses lowercase hex.

use alloy::primitives::U256;
use serde_json::{json, Map, Value};

use crate::store::{Store, StoreError, Val};

/// Rows of `sql` as objects with the given field names (one per selected column).
pub fn objects(
    db: &mut dyn Store,
    sql: &str,
    params: &[Val],
    names: &[&str],
) -> Result<Vec<Value>, StoreError> {
    Ok(db
        .query(sql, params)?
        .into_iter()
        .map(|row| {
            let mut o = Map::new();
            for (name, v) in names.iter().zip(row) {
                o.insert(
                    (*name).to_owned(),
                    match v {
                        Val::Int(i) => json!(i),
                        Val::Text(t) => json!(t),
                        Val::Null => Value::Null,
                    },
                );
            }
            Value::Object(o)
        })
        .collect())
}

const LOAN_COLUMNS: &str = "id, offer_id, borrower, lender, collection, currency, token_id, principal, due, status, keeper, auction_id, block, updated_block";
const LOAN_FIELDS: [&str; 14] = [
    "id",
    "offerId",
    "borrower",
    "lender",
    "collection",
    "currency",
    "tokenId",
    "principal",
    "due",
    "status",
    "keeper",
    "auctionId",
    "startBlock",
    "updatedBlock",
];

/// Every loan, by id.
pub fn loans(db: &mut dyn Store) -> Result<Vec<Value>, StoreError> {
    objects(
        db,
        &format!("SELECT {LOAN_COLUMNS} FROM loans ORDER BY id"),
        &[],
        &LOAN_FIELDS,
    )
}

/// Loans where `account` (lowercase hex) is the borrower or the current lender, by id.
pub fn loans_of(db: &mut dyn Store, account: &str) -> Result<Vec<Value>, StoreError> {
    objects(
        db,
        &format!("SELECT {LOAN_COLUMNS} FROM loans WHERE borrower = $1 OR lender = $1 ORDER BY id"),
        &[account.into()],
        &LOAN_FIELDS,
    )
}

/// One loan's state changes, in chain order.
pub fn loan_history(db: &mut dyn Store, loan: i64) -> Result<Vec<Value>, StoreError> {
    let mut events = objects(
        db,
        "SELECT block, log_index, time, kind, account, amount, detail FROM loan_events
         WHERE loan_id = $1 ORDER BY block, log_index",
        &[Val::Int(loan)],
        &[
            "block", "logIndex", "time", "kind", "account", "amount", "detail",
        ],
    )?;
    for e in &mut events {
        let detail = e["detail"].as_str().unwrap_or("{}").to_owned();
        e["detail"] = serde_json::from_str(&detail).unwrap_or(Value::Null);
    }
    Ok(events)
}

/// Offers on `collection` (lowercase hex), by id.
pub fn offers_of(db: &mut dyn Store, collection: &str) -> Result<Vec<Value>, StoreError> {
    objects(
        db,
        "SELECT id, lender, collection, currency, token_id, any_token, principal, apr_bps, duration,
         expiry, capacity, used, status, block FROM offers WHERE collection = $1 ORDER BY id",
        &[collection.into()],
        &[
            "id",
            "lender",
            "collection",
            "currency",
            "tokenId",
            "anyToken",
            "principal",
            "aprBps",
            "duration",
            "expiry",
            "capacity",
            "used",
            "status",
            "block",
        ],
    )
}

/// Auctions still live (sale, cancellation or foreclosure not yet seen), by id.
pub fn live_auctions(db: &mut dyn Store) -> Result<Vec<Value>, StoreError> {
    auctions_where(db, "WHERE status = 'live'")
}

/// Every auction, by id.
pub fn auctions(db: &mut dyn Store) -> Result<Vec<Value>, StoreError> {
    auctions_where(db, "")
}

fn auctions_where(db: &mut dyn Store, filter: &str) -> Result<Vec<Value>, StoreError> {
    objects(
        db,
        &format!(
            "SELECT id, loan_id, collection, token_id, currency, debt, start_price, floor_price,
             start_time, step, cut_bps, tail, end_time, status, buyer, price FROM auctions {filter}
             ORDER BY id"
        ),
        &[],
        &[
            "id",
            "loanId",
            "collection",
            "tokenId",
            "currency",
            "debt",
            "startPrice",
            "floorPrice",
            "startTime",
            "step",
            "cutBps",
            "tail",
            "endTime",
            "status",
            "buyer",
            "soldFor",
        ],
    )
}

/// Price events of `collection` (posted, held back, confirmed, TWAP), oldest first, at most
/// `limit` of the latest.
pub fn price_history(
    db: &mut dyn Store,
    collection: &str,
    limit: i64,
) -> Result<Vec<Value>, StoreError> {
    let mut rows = objects(
        db,
        "SELECT block, time, kind, reporter, price FROM prices WHERE collection = $1
         ORDER BY block DESC, log_index DESC LIMIT $2",
        &[collection.into(), Val::Int(limit)],
        &["block", "time", "kind", "reporter", "price"],
    )?;
    rows.reverse();
    Ok(rows)
}

/// Governance proposals, by id.
pub fn proposals(db: &mut dyn Store) -> Result<Vec<Value>, StoreError> {
    objects(
        db,
        "SELECT id, proposer, target, value, data, approvals, executable_at, status, block
         FROM proposals ORDER BY id",
        &[],
        &[
            "id",
            "proposer",
            "target",
            "value",
            "data",
            "approvals",
            "executableAt",
            "status",
            "block",
        ],
    )
}

fn sum(db: &mut dyn Store, sql: &str, params: &[Val]) -> Result<U256, StoreError> {
    db.query(sql, params)?
        .iter()
        .try_fold(U256::ZERO, |acc, r| {
            let v: U256 = r[0]
                .text()
                .parse()
                .map_err(|_| StoreError::BadValue(r[0].text().to_owned(), "amount"))?;
            Ok(acc + v)
        })
}

/// What the LoanBook owes `account` in `currency` by the events: credits (repayments,
/// settlements, tips, surplus, reserve cover) less withdrawals.
pub fn claimable(db: &mut dyn Store, account: &str, currency: &str) -> Result<U256, StoreError> {
    let p = [account.into(), currency.into()];
    let credits = sum(
        db,
        "SELECT amount FROM claims WHERE account = $1 AND currency = $2 AND kind <> 'withdrawal'",
        &p,
    )?;
    let withdrawn = sum(
        db,
        "SELECT amount FROM claims WHERE account = $1 AND currency = $2 AND kind = 'withdrawal'",
        &p,
    )?;
    Ok(credits.saturating_sub(withdrawn))
}

/// Every (account, currency) pair that ever had a claim.
pub fn claim_holders(db: &mut dyn Store) -> Result<Vec<(String, String)>, StoreError> {
    Ok(db
        .query(
            "SELECT DISTINCT account, currency FROM claims ORDER BY account, currency",
            &[],
        )?
        .into_iter()
        .map(|r| (r[0].text().to_owned(), r[1].text().to_owned()))
        .collect())
}

fn counts(db: &mut dyn Store, table: &str) -> Result<Value, StoreError> {
    let mut o = Map::new();
    for r in db.query(
        &format!("SELECT status, COUNT(*) FROM {table} GROUP BY status ORDER BY status"),
        &[],
    )? {
        o.insert(r[0].text().to_owned(), json!(r[1].int()));
    }
    Ok(Value::Object(o))
}

/// Protocol totals: loans, offers, auctions and proposals by status; principal lent and
/// auction proceeds per currency; the indexed block.
pub fn totals(db: &mut dyn Store) -> Result<Value, StoreError> {
    let mut lent = Map::new();
    let mut sold = Map::new();
    let currencies: Vec<String> = db
        .query("SELECT DISTINCT currency FROM loans ORDER BY currency", &[])?
        .into_iter()
        .map(|r| r[0].text().to_owned())
        .collect();
    for c in currencies {
        let l = sum(
            db,
            "SELECT principal FROM loans WHERE currency = $1",
            &[c.as_str().into()],
        )?;
        let s = sum(
            db,
            "SELECT price FROM auctions WHERE currency = $1 AND status = 'sold'",
            &[c.as_str().into()],
        )?;
        lent.insert(c.clone(), json!(l.to_string()));
        sold.insert(c, json!(s.to_string()));
    }
    Ok(json!({
        "indexedBlock": indexed_block(db)?,
        "loans": counts(db, "loans")?,
        "offers": counts(db, "offers")?,
        "auctions": counts(db, "auctions")?,
        "proposals": counts(db, "proposals")?,
        "principalLent": lent,
        "auctionProceeds": sold,
    }))
}

/// The cursor's block number, if any.
pub fn indexed_block(db: &mut dyn Store) -> Result<Option<i64>, StoreError> {
    Ok(db
        .query("SELECT block FROM cursor WHERE id = 1", &[])?
        .first()
        .map(|r| r[0].int()))
}

/// Rows of `table` (a fixed name from the schema), for duplicate checks.
pub fn count(db: &mut dyn Store, table: &str) -> Result<i64, StoreError> {
    Ok(db
        .query(&format!("SELECT COUNT(*) FROM {table}"), &[])?
        .first()
        .map_or(0, |r| r[0].int()))
}

/// Every indexed table's rows in key order (cursor, blocks, raw logs and the projections;
/// not subscribers and alerts), for comparing two databases.
pub fn dump(db: &mut dyn Store) -> Result<Vec<(&'static str, Vec<crate::store::Row>)>, StoreError> {
    const TABLES: [(&str, &str); 11] = [
        ("cursor", "id"),
        ("blocks", "number"),
        ("logs", "block, log_index"),
        ("offers", "id"),
        ("loans", "id"),
        ("loan_events", "block, log_index"),
        ("auctions", "id"),
        ("bids", "block, log_index"),
        ("claims", "block, log_index, seq"),
        ("prices", "block, log_index"),
        ("proposals", "id"),
    ];
    TABLES
        .iter()
        .map(|(t, key)| {
            Ok((
                *t,
                db.query(&format!("SELECT * FROM {t} ORDER BY {key}"), &[])?,
            ))
        })
        .collect()
}
