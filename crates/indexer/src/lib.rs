//! Lien's indexer: follows the protocol's events from a deployment's start block into a
//! database (SQLite by default, PostgreSQL by URL), resumes where it stopped, rewinds reorgs,
//! serves a JSON API and posts webhook alerts. docs/INDEXER.md has the schema, the API and the
//! design of resume and reorg handling.
//!
//! - [`store`]: the storage trait and [`store::open`]; backends [`sqlite`] and [`pg`].
//! - [`schema`]: the tables. [`apply`]: one log → rows. [`sync`]: the [`sync::Indexer`].
//! - [`query`]: reads. [`api`]: the HTTP API. [`notify`]: webhook alerts.
//! - [`deployment`]: the deployment file the indexer follows.
#![forbid(unsafe_code)]

pub mod api;
pub mod apply;
pub mod deployment;
pub mod notify;
pub mod pg;
pub mod query;
pub mod schema;
pub mod sqlite;
pub mod store;
pub mod sync;
