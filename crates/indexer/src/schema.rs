//! The database schema (one text, valid SQLite and PostgreSQL). Every row written from an
//! event carries its block, so [`crate::sync`] can tell what a reorg invalidates; see
//! docs/INDEXER.md for each table.

/// Tables that are rebuilt from `logs` after a reorg (the projections of the events).
pub const PROJECTIONS: [&str; 8] = [
    "offers",
    "loans",
    "loan_events",
    "auctions",
    "bids",
    "claims",
    "prices",
    "proposals",
];

/// Creates every table and index that does not exist yet.
pub const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS cursor (id BIGINT PRIMARY KEY, block BIGINT NOT NULL, hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS blocks (number BIGINT PRIMARY KEY, hash TEXT NOT NULL, time BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS logs (
    block BIGINT NOT NULL, log_index BIGINT NOT NULL, tx TEXT NOT NULL, address TEXT NOT NULL,
    topics TEXT NOT NULL, data TEXT NOT NULL, time BIGINT NOT NULL,
    PRIMARY KEY (block, log_index));
CREATE TABLE IF NOT EXISTS offers (
    id BIGINT PRIMARY KEY, lender TEXT NOT NULL, collection TEXT NOT NULL, currency TEXT NOT NULL,
    token_id TEXT NOT NULL, any_token BIGINT NOT NULL, principal TEXT NOT NULL,
    apr_bps BIGINT NOT NULL, duration BIGINT NOT NULL, expiry BIGINT NOT NULL,
    capacity BIGINT NOT NULL, used BIGINT NOT NULL, status TEXT NOT NULL, refund TEXT NOT NULL,
    block BIGINT NOT NULL, updated_block BIGINT NOT NULL);
CREATE INDEX IF NOT EXISTS offers_collection ON offers (collection);
CREATE TABLE IF NOT EXISTS loans (
    id BIGINT PRIMARY KEY, offer_id BIGINT NOT NULL, borrower TEXT NOT NULL, lender TEXT NOT NULL,
    collection TEXT NOT NULL, currency TEXT NOT NULL, token_id TEXT NOT NULL,
    principal TEXT NOT NULL, due BIGINT NOT NULL, status TEXT NOT NULL, keeper TEXT NOT NULL,
    auction_id BIGINT NOT NULL, block BIGINT NOT NULL, updated_block BIGINT NOT NULL);
CREATE INDEX IF NOT EXISTS loans_borrower ON loans (borrower);
CREATE INDEX IF NOT EXISTS loans_lender ON loans (lender);
CREATE TABLE IF NOT EXISTS loan_events (
    block BIGINT NOT NULL, log_index BIGINT NOT NULL, loan_id BIGINT NOT NULL, time BIGINT NOT NULL,
    kind TEXT NOT NULL, account TEXT NOT NULL, amount TEXT NOT NULL, detail TEXT NOT NULL,
    PRIMARY KEY (block, log_index));
CREATE INDEX IF NOT EXISTS loan_events_loan ON loan_events (loan_id);
CREATE TABLE IF NOT EXISTS auctions (
    id BIGINT PRIMARY KEY, loan_id BIGINT NOT NULL, collection TEXT NOT NULL, token_id TEXT NOT NULL,
    currency TEXT NOT NULL, debt TEXT NOT NULL, start_price TEXT NOT NULL, floor_price TEXT NOT NULL,
    start_time BIGINT NOT NULL, step BIGINT NOT NULL, cut_bps BIGINT NOT NULL, tail BIGINT NOT NULL,
    end_time BIGINT NOT NULL, status TEXT NOT NULL, buyer TEXT NOT NULL, price TEXT NOT NULL,
    block BIGINT NOT NULL, updated_block BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS bids (
    block BIGINT NOT NULL, log_index BIGINT NOT NULL, auction_id BIGINT NOT NULL,
    loan_id BIGINT NOT NULL, buyer TEXT NOT NULL, price TEXT NOT NULL, time BIGINT NOT NULL,
    PRIMARY KEY (block, log_index));
CREATE TABLE IF NOT EXISTS claims (
    block BIGINT NOT NULL, log_index BIGINT NOT NULL, seq BIGINT NOT NULL, account TEXT NOT NULL,
    currency TEXT NOT NULL, kind TEXT NOT NULL, amount TEXT NOT NULL, loan_id BIGINT NOT NULL,
    PRIMARY KEY (block, log_index, seq));
CREATE INDEX IF NOT EXISTS claims_account ON claims (account);
CREATE TABLE IF NOT EXISTS prices (
    block BIGINT NOT NULL, log_index BIGINT NOT NULL, collection TEXT NOT NULL,
    reporter TEXT NOT NULL, kind TEXT NOT NULL, price TEXT NOT NULL, time BIGINT NOT NULL,
    PRIMARY KEY (block, log_index));
CREATE INDEX IF NOT EXISTS prices_collection ON prices (collection, block);
CREATE TABLE IF NOT EXISTS proposals (
    id BIGINT PRIMARY KEY, proposer TEXT NOT NULL, target TEXT NOT NULL, value TEXT NOT NULL,
    data TEXT NOT NULL, approvals BIGINT NOT NULL, executable_at BIGINT NOT NULL,
    status TEXT NOT NULL, block BIGINT NOT NULL, updated_block BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS subscribers (
    id BIGINT PRIMARY KEY, url TEXT NOT NULL, account TEXT NOT NULL, health_bps BIGINT NOT NULL,
    due_secs BIGINT NOT NULL, since_block BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS alerts (
    subscriber BIGINT NOT NULL, loan_id BIGINT NOT NULL, kind TEXT NOT NULL, episode BIGINT NOT NULL,
    block BIGINT NOT NULL, payload TEXT NOT NULL, delivered BIGINT NOT NULL, cleared BIGINT NOT NULL,
    PRIMARY KEY (subscriber, loan_id, kind, episode));
";
