//! The storage trait: the few SQL operations the indexer needs, implemented by SQLite
//! ([`crate::sqlite`]) and PostgreSQL ([`crate::pg`]). Statements are written once, in the
//! dialect both accept, with `$1, $2, …` placeholders (the SQLite backend rewrites them to
//! `?1, ?2, …`); values are 64-bit integers, text or NULL (token amounts are decimal text:
//! they do not fit 64 bits).

use std::path::Path;

/// One SQL value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Val {
    /// A 64-bit integer.
    Int(i64),
    /// Text (addresses, hashes, decimal amounts, names).
    Text(String),
    /// NULL.
    Null,
}

impl Val {
    /// The integer, or 0 for anything else.
    pub fn int(&self) -> i64 {
        match self {
            Val::Int(i) => *i,
            _ => 0,
        }
    }

    /// The text, or "" for anything else.
    pub fn text(&self) -> &str {
        match self {
            Val::Text(t) => t,
            _ => "",
        }
    }
}

impl From<i64> for Val {
    fn from(v: i64) -> Self {
        Val::Int(v)
    }
}

impl From<u64> for Val {
    fn from(v: u64) -> Self {
        Val::Int(i64::try_from(v).unwrap_or(i64::MAX))
    }
}

impl From<String> for Val {
    fn from(v: String) -> Self {
        Val::Text(v)
    }
}

impl From<&str> for Val {
    fn from(v: &str) -> Self {
        Val::Text(v.to_owned())
    }
}

/// One result row.
pub type Row = Vec<Val>;

/// What a database operation can fail with.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite refused or failed.
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// PostgreSQL refused or failed.
    #[error("postgres: {0}")]
    Postgres(#[from] postgres::Error),
    /// A column of a type the indexer never writes.
    #[error("unexpected column type {0} in {1}")]
    ColumnType(String, String),
    /// The database holds an index of another deployment or chain.
    #[error("the database indexes {0}, not {1} (use another --db)")]
    OtherDeployment(String, String),
    /// A stored value that does not parse (a corrupt or foreign database).
    #[error("bad stored value {0:?} in {1}")]
    BadValue(String, &'static str),
}

/// A database the indexer writes to and reads from (one connection).
pub trait Store: Send {
    /// Runs one statement; returns the number of rows it changed.
    fn execute(&mut self, sql: &str, params: &[Val]) -> Result<u64, StoreError>;
    /// Runs one query; returns its rows.
    fn query(&mut self, sql: &str, params: &[Val]) -> Result<Vec<Row>, StoreError>;
    /// Runs several `;`-separated statements without parameters (schema, BEGIN, COMMIT).
    fn batch(&mut self, sql: &str) -> Result<(), StoreError>;
    /// "sqlite" or "postgres".
    fn kind(&self) -> &'static str;
}

/// Opens the database named by `db`: a `postgres://` or `postgresql://` URL, or else a SQLite
/// file path (created when missing).
pub fn open(db: &str) -> Result<Box<dyn Store>, StoreError> {
    if db.starts_with("postgres://") || db.starts_with("postgresql://") {
        Ok(Box::new(crate::pg::PgStore::connect(db)?))
    } else {
        Ok(Box::new(crate::sqlite::SqliteStore::open(Path::new(db))?))
    }
}

/// The default SQLite file of a deployment file: `<name>.index.sqlite` beside it
/// (`deployments/local.json` → `deployments/local.index.sqlite`).
pub fn default_sqlite_path(deployment: &Path) -> std::path::PathBuf {
    let stem = deployment
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "deployment".into());
    deployment.with_file_name(format!("{stem}.index.sqlite"))
}
