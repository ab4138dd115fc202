//! Turning one protocol log into rows: decodes it with the bindings generated from `abi/*.sol`
//! and writes the projections (offers, loans and their state changes, auctions, bids, claims,
//! prices, proposals). Logs of other events (wiring, parameters, custody) are kept only in
//! the raw `logs` table.

use alloy::primitives::{Address, Bytes, LogData, B256, U256};
use alloy::sol_types::SolEvent;
use lien_client::bindings::{IGovernance, ILiquidator, ILoanBook, IOfferBook, IPriceOracle};
use lien_client::protocol::Addresses;

use crate::store::{Store, StoreError, Val};

/// One protocol log as stored in the `logs` table.
#[derive(Clone, Debug)]
pub struct RawLog {
    /// Block number.
    pub block: u64,
    /// Index of the log in its block.
    pub log_index: u64,
    /// Transaction hash.
    pub tx: B256,
    /// Emitting contract.
    pub address: Address,
    /// Topics (the event signature first).
    pub topics: Vec<B256>,
    /// Non-indexed data.
    pub data: Bytes,
    /// The block's timestamp.
    pub time: u64,
}

/// An address as stored: lowercase hex with `0x`.
pub fn addr(a: Address) -> Val {
    Val::Text(format!("{a:#x}"))
}

/// A token amount or id as stored: decimal text.
pub fn num(v: U256) -> Val {
    Val::Text(v.to_string())
}

/// An id that fits 63 bits (every counter of the protocol) as an integer.
pub fn id(v: U256) -> Val {
    Val::Int(i64::try_from(v).unwrap_or(i64::MAX))
}

fn decode<E: SolEvent>(log: &RawLog) -> Option<E> {
    if log.topics.first() != Some(&E::SIGNATURE_HASH) {
        return None;
    }
    E::decode_log_data(&LogData::new_unchecked(
        log.topics.clone(),
        log.data.clone(),
    ))
    .ok()
}

/// The stored currency, borrower, lender and keeper of a loan (empty when unknown).
fn parties(db: &mut dyn Store, loan: U256) -> Result<[String; 4], StoreError> {
    let rows = db.query(
        "SELECT currency, borrower, lender, keeper FROM loans WHERE id = $1",
        &[id(loan)],
    )?;
    Ok(match rows.first() {
        Some(r) => [0, 1, 2, 3].map(|i| r[i].text().to_owned()),
        None => Default::default(),
    })
}

/// Writes what one log means. Logs are applied in chain order, each exactly once.
pub fn apply(db: &mut dyn Store, c: &Addresses, log: &RawLog) -> Result<(), StoreError> {
    let (b, li, t) = (
        Val::from(log.block),
        Val::from(log.log_index),
        Val::from(log.time),
    );
    let mut claims = 0i64;
    let mut claim = |db: &mut dyn Store,
                     account: &str,
                     currency: &str,
                     kind: &str,
                     amount: U256,
                     loan: U256|
     -> Result<(), StoreError> {
        if amount.is_zero() || account.is_empty() {
            return Ok(());
        }
        claims += 1;
        db.execute(
            "INSERT INTO claims (block, log_index, seq, account, currency, kind, amount, loan_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            &[
                b.clone(),
                li.clone(),
                Val::Int(claims),
                account.into(),
                currency.into(),
                kind.into(),
                num(amount),
                id(loan),
            ],
        )?;
        Ok(())
    };
    let loan_event = |db: &mut dyn Store,
                      loan: U256,
                      kind: &str,
                      account: Val,
                      amount: U256,
                      detail: serde_json::Value|
     -> Result<(), StoreError> {
        db.execute(
            "INSERT INTO loan_events (block, log_index, loan_id, time, kind, account, amount, detail)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            &[
                b.clone(),
                li.clone(),
                id(loan),
                t.clone(),
                kind.into(),
                account,
                num(amount),
                detail.to_string().into(),
            ],
        )?;
        Ok(())
    };
    let set_loan = |db: &mut dyn Store, loan: U256, status: &str| -> Result<(), StoreError> {
        db.execute(
            "UPDATE loans SET status = $2, updated_block = $3 WHERE id = $1",
            &[id(loan), status.into(), b.clone()],
        )?;
        Ok(())
    };

    if log.address == c.offer_book {
        if let Some(e) = decode::<IOfferBook::OfferCreated>(log) {
            db.execute(
                "INSERT INTO offers (id, lender, collection, currency, token_id, any_token, principal,
                 apr_bps, duration, expiry, capacity, used, status, refund, block, updated_block)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 0, 'open', '0', $12, $12)",
                &[
                    id(e.offerId),
                    addr(e.lender),
                    addr(e.collection),
                    addr(e.currency),
                    num(e.tokenId),
                    Val::Int(e.anyToken.into()),
                    num(e.principal),
                    Val::Int(e.aprBps.into()),
                    e.duration.into(),
                    e.expiry.into(),
                    e.capacity.into(),
                    b.clone(),
                ],
            )?;
        } else if let Some(e) = decode::<IOfferBook::OfferCancelled>(log) {
            db.execute(
                "UPDATE offers SET status = 'cancelled', refund = $2, updated_block = $3 WHERE id = $1",
                &[id(e.offerId), num(e.refund), b.clone()],
            )?;
        } else if let Some(e) = decode::<IOfferBook::OfferTaken>(log) {
            db.execute(
                "UPDATE offers SET used = $2, updated_block = $3,
                 status = CASE WHEN $2 >= capacity THEN 'filled' ELSE status END WHERE id = $1",
                &[id(e.offerId), e.used.into(), b.clone()],
            )?;
        }
    } else if log.address == c.loan_book {
        if let Some(e) = decode::<ILoanBook::LoanStarted>(log) {
            db.execute(
                "INSERT INTO loans (id, offer_id, borrower, lender, collection, currency, token_id,
                 principal, due, status, keeper, auction_id, block, updated_block)
                 SELECT CAST($1 AS BIGINT), CAST($2 AS BIGINT), CAST($3 AS TEXT), CAST($4 AS TEXT),
                 o.collection, o.currency, CAST($5 AS TEXT), CAST($6 AS TEXT), CAST($7 AS BIGINT),
                 'active', '', 0, CAST($8 AS BIGINT), CAST($8 AS BIGINT)
                 FROM offers o WHERE o.id = CAST($2 AS BIGINT)",
                &[
                    id(e.loanId),
                    id(e.offerId),
                    addr(e.borrower),
                    addr(e.lender),
                    num(e.tokenId),
                    num(e.principal),
                    e.due.into(),
                    b.clone(),
                ],
            )?;
            loan_event(
                db,
                e.loanId,
                "started",
                addr(e.borrower),
                e.principal,
                serde_json::json!({"offerId": e.offerId.to_string(), "due": e.due}),
            )?;
        } else if let Some(e) = decode::<ILoanBook::LoanRepaid>(log) {
            let [currency, _, lender, keeper] = parties(db, e.loanId)?;
            claim(db, &lender, &currency, "repaid", e.toLender, e.loanId)?;
            claim(db, &keeper, &currency, "tip", e.toKeeper, e.loanId)?;
            set_loan(db, e.loanId, "repaid")?;
            loan_event(
                db,
                e.loanId,
                "repaid",
                addr(e.payer),
                e.amount,
                serde_json::json!({"toLender": e.toLender.to_string(), "toReserve": e.toReserve.to_string(), "toKeeper": e.toKeeper.to_string()}),
            )?;
        } else if let Some(e) = decode::<ILoanBook::LoanLiquidated>(log) {
            db.execute(
                "UPDATE loans SET status = 'in_auction', keeper = $2, auction_id = $3, updated_block = $4 WHERE id = $1",
                &[id(e.loanId), addr(e.keeper), id(e.auctionId), b.clone()],
            )?;
            loan_event(
                db,
                e.loanId,
                "liquidated",
                addr(e.keeper),
                e.debt,
                serde_json::json!({"auctionId": e.auctionId.to_string(), "startPrice": e.startPrice.to_string(), "overdue": e.overdue}),
            )?;
        } else if let Some(e) = decode::<ILoanBook::AuctionSettled>(log) {
            let [currency, borrower, lender, keeper] = parties(db, e.loanId)?;
            claim(db, &keeper, &currency, "tip", e.tip, e.loanId)?;
            claim(db, &lender, &currency, "settled", e.toLender, e.loanId)?;
            claim(db, &borrower, &currency, "surplus", e.toBorrower, e.loanId)?;
            set_loan(db, e.loanId, "liquidated")?;
            loan_event(
                db,
                e.loanId,
                "settled",
                addr(e.buyer),
                e.proceeds,
                serde_json::json!({"tip": e.tip.to_string(), "toLender": e.toLender.to_string(), "toReserve": e.toReserve.to_string(), "toBorrower": e.toBorrower.to_string()}),
            )?;
        } else if let Some(e) = decode::<ILoanBook::BadDebt>(log) {
            let [currency, _, lender, _] = parties(db, e.loanId)?;
            claim(
                db,
                &lender,
                &currency,
                "reserve_cover",
                e.reserveCover,
                e.loanId,
            )?;
            loan_event(
                db,
                e.loanId,
                "bad_debt",
                addr(e.currency),
                e.loss,
                serde_json::json!({"reserveCover": e.reserveCover.to_string()}),
            )?;
        } else if let Some(e) = decode::<ILoanBook::LoanForeclosed>(log) {
            set_loan(db, e.loanId, "foreclosed")?;
            loan_event(
                db,
                e.loanId,
                "foreclosed",
                addr(e.lender),
                U256::ZERO,
                serde_json::json!({}),
            )?;
        } else if let Some(e) = decode::<ILoanBook::LoanTransferred>(log) {
            db.execute(
                "UPDATE loans SET lender = $2, updated_block = $3 WHERE id = $1",
                &[id(e.loanId), addr(e.to), b.clone()],
            )?;
            loan_event(
                db,
                e.loanId,
                "transferred",
                addr(e.to),
                U256::ZERO,
                serde_json::json!({"from": format!("{:#x}", e.from)}),
            )?;
        } else if let Some(e) = decode::<ILoanBook::LoanRepaidPart>(log) {
            // the LoanDesk's events come from the LoanBook's address (its fallback runs the
            // desk's code)
            let [currency, _, lender, _] = parties(db, e.loanId)?;
            claim(db, &lender, &currency, "repaid_part", e.toLender, e.loanId)?;
            db.execute(
                "UPDATE loans SET principal = $2, updated_block = $3 WHERE id = $1",
                &[id(e.loanId), num(e.principalLeft), b.clone()],
            )?;
            loan_event(
                db,
                e.loanId,
                "repaid_part",
                addr(e.payer),
                e.amount,
                serde_json::json!({"interest": e.interest.to_string(), "principalLeft": e.principalLeft.to_string(), "toLender": e.toLender.to_string(), "toReserve": e.toReserve.to_string()}),
            )?;
        } else if let Some(e) = decode::<ILoanBook::LoanRefinanced>(log) {
            let [currency, _, _, _] = parties(db, e.loanId)?;
            let (old, new) = (addr(e.oldLender), addr(e.newLender));
            claim(
                db,
                old.text(),
                &currency,
                "refinanced",
                e.toOldLender,
                e.loanId,
            )?;
            claim(
                db,
                new.text(),
                &currency,
                "offer_excess",
                e.toNewLender,
                e.loanId,
            )?;
            db.execute(
                "UPDATE loans SET lender = $2, principal = $3, due = $4, updated_block = $5 WHERE id = $1",
                &[id(e.loanId), new.clone(), num(e.debt), e.due.into(), b.clone()],
            )?;
            loan_event(
                db,
                e.loanId,
                "refinanced",
                new,
                e.debt,
                serde_json::json!({"offerId": e.offerId.to_string(), "oldLender": format!("{:#x}", e.oldLender), "toOldLender": e.toOldLender.to_string(), "toReserve": e.toReserve.to_string(), "toNewLender": e.toNewLender.to_string(), "aprBps": e.aprBps, "due": e.due}),
            )?;
        } else if let Some(e) = decode::<ILoanBook::LoanRolledOver>(log) {
            let [currency, _, _, _] = parties(db, e.loanId)?;
            let (old, new) = (addr(e.oldLender), addr(e.newLender));
            claim(
                db,
                old.text(),
                &currency,
                "rolled_over",
                e.toOldLender,
                e.loanId,
            )?;
            db.execute(
                "UPDATE loans SET lender = $2, principal = $3, due = $4, offer_id = $5, updated_block = $6
                 WHERE id = $1",
                &[
                    id(e.loanId),
                    new.clone(),
                    num(e.principal),
                    e.due.into(),
                    id(e.offerId),
                    b.clone(),
                ],
            )?;
            loan_event(
                db,
                e.loanId,
                "rolled_over",
                new,
                e.principal,
                serde_json::json!({"offerId": e.offerId.to_string(), "oldLender": format!("{:#x}", e.oldLender), "debt": e.debt.to_string(), "toOldLender": e.toOldLender.to_string(), "toReserve": e.toReserve.to_string(), "due": e.due}),
            )?;
        } else if let Some(e) = decode::<ILoanBook::Withdrawn>(log) {
            let (account, currency) = (addr(e.account), addr(e.currency));
            claim(
                db,
                account.text(),
                currency.text(),
                "withdrawal",
                e.amount,
                U256::ZERO,
            )?;
        }
    } else if log.address == c.liquidator {
        if let Some(e) = decode::<ILiquidator::AuctionStarted>(log) {
            db.execute(
                "INSERT INTO auctions (id, loan_id, collection, token_id, currency, debt, start_price,
                 floor_price, start_time, step, cut_bps, tail, end_time, status, buyer, price, block,
                 updated_block)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'live', '', '0', $14, $14)",
                &[
                    id(e.auctionId),
                    id(e.loanId),
                    addr(e.collection),
                    num(e.tokenId),
                    addr(e.currency),
                    num(e.debt),
                    num(e.startPrice),
                    num(e.floorPrice),
                    e.startTime.into(),
                    e.step.into(),
                    Val::Int(e.cutBps.into()),
                    e.tail.into(),
                    e.endTime.into(),
                    b.clone(),
                ],
            )?;
        } else if let Some(e) = decode::<ILiquidator::AuctionSettled>(log) {
            db.execute(
                "UPDATE auctions SET status = 'sold', buyer = $2, price = $3, updated_block = $4 WHERE id = $1",
                &[id(e.auctionId), addr(e.buyer), num(e.price), b.clone()],
            )?;
            db.execute(
                "INSERT INTO bids (block, log_index, auction_id, loan_id, buyer, price, time)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
                &[
                    b.clone(),
                    li.clone(),
                    id(e.auctionId),
                    id(e.loanId),
                    addr(e.buyer),
                    num(e.price),
                    t.clone(),
                ],
            )?;
        } else if let Some(e) = decode::<ILiquidator::AuctionCancelled>(log) {
            set_auction(db, e.auctionId, "cancelled", log.block)?;
        } else if let Some(e) = decode::<ILiquidator::AuctionClosedUnsold>(log) {
            set_auction(db, e.auctionId, "closed_unsold", log.block)?;
        }
    } else if log.address == c.oracle {
        let price = if let Some(e) = decode::<IPriceOracle::PricePosted>(log) {
            Some((e.collection, addr(e.reporter), "posted", e.price))
        } else if let Some(e) = decode::<IPriceOracle::PriceConfirmed>(log) {
            Some((e.collection, addr(e.reporter), "confirmed", e.price))
        } else if let Some(e) = decode::<IPriceOracle::PriceHeldBack>(log) {
            Some((e.collection, addr(e.reporter), "held_back", e.price))
        } else {
            decode::<IPriceOracle::TwapUpdated>(log)
                .map(|e| (e.collection, Val::from(""), "twap", e.price))
        };
        if let Some((collection, reporter, kind, price)) = price {
            db.execute(
                "INSERT INTO prices (block, log_index, collection, reporter, kind, price, time)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
                &[
                    b.clone(),
                    li.clone(),
                    addr(collection),
                    reporter,
                    kind.into(),
                    num(price),
                    t.clone(),
                ],
            )?;
        }
    } else if log.address == c.governance {
        let update = |db: &mut dyn Store, sql: &str, params: &[Val]| -> Result<(), StoreError> {
            let mut all = params.to_vec();
            all.push(b.clone());
            db.execute(sql, &all)?;
            Ok(())
        };
        if let Some(e) = decode::<IGovernance::Proposed>(log) {
            db.execute(
                "INSERT INTO proposals (id, proposer, target, value, data, approvals, executable_at,
                 status, block, updated_block) VALUES ($1, $2, $3, $4, $5, 0, 0, 'pending', $6, $6)",
                &[
                    id(e.id),
                    addr(e.proposer),
                    addr(e.target),
                    num(e.value),
                    Val::Text(format!("{}", e.data)),
                    b.clone(),
                ],
            )?;
        } else if let Some(e) = decode::<IGovernance::Approved>(log) {
            update(
                db,
                "UPDATE proposals SET approvals = $2, updated_block = $3 WHERE id = $1",
                &[id(e.id), id(e.approvals)],
            )?;
        } else if let Some(e) = decode::<IGovernance::Revoked>(log) {
            update(
                db,
                "UPDATE proposals SET approvals = $2, updated_block = $3 WHERE id = $1",
                &[id(e.id), id(e.approvals)],
            )?;
        } else if let Some(e) = decode::<IGovernance::ThresholdReached>(log) {
            update(
                db,
                "UPDATE proposals SET status = 'queued', executable_at = $2, updated_block = $3 WHERE id = $1",
                &[id(e.id), e.executableAt.into()],
            )?;
        } else if let Some(e) = decode::<IGovernance::TimelockReset>(log) {
            update(
                db,
                "UPDATE proposals SET status = 'pending', executable_at = 0, updated_block = $2 WHERE id = $1",
                &[id(e.id)],
            )?;
        } else if let Some(e) = decode::<IGovernance::Executed>(log) {
            update(
                db,
                "UPDATE proposals SET status = 'executed', updated_block = $2 WHERE id = $1",
                &[id(e.id)],
            )?;
        } else if let Some(e) = decode::<IGovernance::Cancelled>(log) {
            update(
                db,
                "UPDATE proposals SET status = 'cancelled', updated_block = $2 WHERE id = $1",
                &[id(e.id)],
            )?;
        }
    }
    Ok(())
}

fn set_auction(
    db: &mut dyn Store,
    auction: U256,
    status: &str,
    block: u64,
) -> Result<(), StoreError> {
    db.execute(
        "UPDATE auctions SET status = $2, updated_block = $3 WHERE id = $1",
        &[id(auction), status.into(), block.into()],
    )?;
    Ok(())
}
