//! The JSON API over the index (axum). Everything comes from the database except the live
//! auctions' current price, read from the Liquidator's `currentPrice(id)` view at request time
//! (exact at the node's latest block; `null` when the node cannot be reached).
//!
//! | route | answer |
//! |---|---|
//! | `GET /health` | backend, indexed block and its hash |
//! | `GET /accounts/{account}/loans` | loans the account borrowed or holds as lender |
//! | `GET /loans/{id}/history` | every state change of a loan |
//! | `GET /collections/{collection}/offers` | the collection's offers |
//! | `GET /collections/{collection}/prices` | the collection's price events (latest 500) |
//! | `GET /auctions/live` | live auctions with `currentPrice` |
//! | `GET /totals` | protocol totals |
//! | `GET /proposals` | governance proposals |

use std::sync::{Arc, Mutex};

use alloy::primitives::{Address, U256};
use alloy::providers::DynProvider;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use lien_client::bindings::ILiquidator;
use serde_json::{json, Value};

use crate::query;
use crate::store::{Store, StoreError};
use crate::sync::{blocking, cursor};

/// What the handlers share.
#[derive(Clone)]
pub struct ApiState {
    /// The database (its own connection, apart from the indexer's).
    pub db: Arc<Mutex<Box<dyn Store>>>,
    /// The node, for live auction prices.
    pub provider: DynProvider,
    /// The Liquidator.
    pub liquidator: Address,
}

fn json_response(status: StatusCode, body: &Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

fn answer(result: Result<Value, StoreError>) -> Response {
    match result {
        Ok(v) => json_response(StatusCode::OK, &v),
        Err(e) => json_response(
            StatusCode::INTERNAL_SERVER_ERROR,
            &json!({"error": e.to_string()}),
        ),
    }
}

fn bad_request(what: &str) -> Response {
    json_response(StatusCode::BAD_REQUEST, &json!({"error": what}))
}

fn with_db<T>(
    s: &ApiState,
    f: impl FnOnce(&mut dyn Store) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    blocking(|| {
        let mut db = s.db.lock().unwrap_or_else(|p| p.into_inner());
        f(db.as_mut())
    })
}

fn address(text: &str) -> Option<String> {
    text.parse::<Address>().ok().map(|a| format!("{a:#x}"))
}

async fn health(State(s): State<ApiState>) -> Response {
    answer(with_db(&s, |db| {
        let c = cursor(db)?;
        Ok(json!({
            "backend": db.kind(),
            "indexedBlock": c.map(|c| c.block),
            "hash": c.map(|c| format!("{:#x}", c.hash)),
        }))
    }))
}

async fn account_loans(State(s): State<ApiState>, Path(account): Path<String>) -> Response {
    let Some(a) = address(&account) else {
        return bad_request("not an address");
    };
    answer(with_db(&s, |db| query::loans_of(db, &a).map(Value::from)))
}

async fn loan_history(State(s): State<ApiState>, Path(id): Path<i64>) -> Response {
    answer(with_db(&s, |db| {
        query::loan_history(db, id).map(Value::from)
    }))
}

async fn collection_offers(State(s): State<ApiState>, Path(c): Path<String>) -> Response {
    let Some(c) = address(&c) else {
        return bad_request("not an address");
    };
    answer(with_db(&s, |db| query::offers_of(db, &c).map(Value::from)))
}

async fn collection_prices(State(s): State<ApiState>, Path(c): Path<String>) -> Response {
    let Some(c) = address(&c) else {
        return bad_request("not an address");
    };
    answer(with_db(&s, |db| {
        query::price_history(db, &c, 500).map(Value::from)
    }))
}

async fn live_auctions(State(s): State<ApiState>) -> Response {
    let auctions = match with_db(&s, query::live_auctions) {
        Ok(a) => a,
        Err(e) => return answer(Err(e)),
    };
    let liq = ILiquidator::new(s.liquidator, &s.provider);
    let mut out = Vec::with_capacity(auctions.len());
    for mut a in auctions {
        let id = U256::from(a["id"].as_i64().unwrap_or_default());
        a["currentPrice"] = match liq.currentPrice(id).call().await {
            Ok(p) => json!(p.to_string()),
            Err(_) => Value::Null,
        };
        out.push(a);
    }
    json_response(StatusCode::OK, &Value::from(out))
}

async fn totals(State(s): State<ApiState>) -> Response {
    answer(with_db(&s, query::totals))
}

async fn proposals(State(s): State<ApiState>) -> Response {
    answer(with_db(&s, |db| query::proposals(db).map(Value::from)))
}

/// The API's routes.
pub fn router(state: ApiState) -> Router {
    Router::new()
        .route("/health", get(health))
        .route("/accounts/{account}/loans", get(account_loans))
        .route("/loans/{id}/history", get(loan_history))
        .route("/collections/{collection}/offers", get(collection_offers))
        .route("/collections/{collection}/prices", get(collection_prices))
        .route("/auctions/live", get(live_auctions))
        .route("/totals", get(totals))
        .route("/proposals", get(proposals))
        .with_state(state)
}

/// Serves the API on `listener` until the task is dropped.
pub async fn serve(listener: tokio::net::TcpListener, state: ApiState) -> std::io::Result<()> {
    axum::serve(listener, router(state)).await
}
