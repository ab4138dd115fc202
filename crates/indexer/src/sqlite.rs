//! The SQLite backend (the default): one file, WAL journal so the API can read while the
//! indexer writes, cached prepared statements.

use std::path::Path;

use rusqlite::{types::ValueRef, Connection};

use crate::store::{Row, Store, StoreError, Val};

/// A SQLite database file.
pub struct SqliteStore {
    conn: Connection,
}

impl SqliteStore {
    /// Opens (creating when missing) the database at `path`.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;")?;
        Ok(Self { conn })
    }
}

/// `$n` → `?n`: SQLite's numbered placeholder.
fn dialect(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '$' && chars.peek().is_some_and(|n| n.is_ascii_digit()) {
            out.push('?');
        } else {
            out.push(c);
        }
    }
    out
}

fn bind(params: &[Val]) -> Vec<rusqlite::types::Value> {
    params
        .iter()
        .map(|p| match p {
            Val::Int(i) => rusqlite::types::Value::Integer(*i),
            Val::Text(t) => rusqlite::types::Value::Text(t.clone()),
            Val::Null => rusqlite::types::Value::Null,
        })
        .collect()
}

impl Store for SqliteStore {
    fn execute(&mut self, sql: &str, params: &[Val]) -> Result<u64, StoreError> {
        let mut stmt = self.conn.prepare_cached(&dialect(sql))?;
        let n = stmt.execute(rusqlite::params_from_iter(bind(params)))?;
        Ok(n as u64)
    }

    fn query(&mut self, sql: &str, params: &[Val]) -> Result<Vec<Row>, StoreError> {
        let mut stmt = self.conn.prepare_cached(&dialect(sql))?;
        let columns = stmt.column_count();
        let mut rows = stmt.query(rusqlite::params_from_iter(bind(params)))?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            let mut values = Vec::with_capacity(columns);
            for i in 0..columns {
                values.push(match row.get_ref(i)? {
                    ValueRef::Integer(v) => Val::Int(v),
                    ValueRef::Text(t) => Val::Text(String::from_utf8_lossy(t).into_owned()),
                    ValueRef::Null => Val::Null,
                    other => {
                        return Err(StoreError::ColumnType(
                            format!("{:?}", other.data_type()),
                            sql.to_owned(),
                        ))
                    }
                });
            }
            out.push(values);
        }
        Ok(out)
    }

    fn batch(&mut self, sql: &str) -> Result<(), StoreError> {
        Ok(self.conn.execute_batch(sql)?)
    }

    fn kind(&self) -> &'static str {
        "sqlite"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_placeholders_become_sqlite_ones() {
        assert_eq!(dialect("a = $1 AND b = $12"), "a = ?1 AND b = ?12");
        assert_eq!(dialect("cost $ 5"), "cost $ 5");
    }

    #[test]
    fn values_round_trip() {
        let dir = std::env::temp_dir().join(format!("lien-sqlite-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut s = SqliteStore::open(&dir.join("t.sqlite")).unwrap();
        s.batch("DROP TABLE IF EXISTS t; CREATE TABLE t (a BIGINT, b TEXT)")
            .unwrap();
        s.execute("INSERT INTO t VALUES ($1, $2)", &[Val::Int(-7), "x".into()])
            .unwrap();
        s.execute("INSERT INTO t VALUES ($2, $1)", &[Val::Null, Val::Int(3)])
            .unwrap();
        let rows = s.query("SELECT a, b FROM t ORDER BY a", &[]).unwrap();
        assert_eq!(
            rows,
            vec![
                vec![Val::Int(-7), Val::Text("x".into())],
                vec![Val::Int(3), Val::Null]
            ]
        );
    }
}
