//! The PostgreSQL backend, by URL (`postgres://user@host:port/db`): the synchronous
//! `postgres` client, with its prepared statements cached per SQL text. The client runs its own
//! runtime and must not block a tokio worker: every call goes through
//! [`crate::sync::blocking`] (`block_in_place` on a multi-threaded runtime; a current-thread
//! runtime cannot host this backend).

use std::collections::HashMap;

use postgres::{types::Type, Client, NoTls, Statement};

use crate::store::{Row, Store, StoreError, Val};
use crate::sync::blocking;

/// A connection to a PostgreSQL database.
pub struct PgStore {
    /// Always `Some` until dropped (taken by `Drop`).
    client: Option<Client>,
    prepared: HashMap<String, Statement>,
}

impl PgStore {
    /// Connects to `url` (no TLS: a local or private-network server).
    pub fn connect(url: &str) -> Result<Self, StoreError> {
        let client = blocking(|| Client::connect(url, NoTls))?;
        Ok(Self {
            client: Some(client),
            prepared: HashMap::new(),
        })
    }

    fn client(&mut self) -> &mut Client {
        self.client.as_mut().expect("the client lives until drop")
    }

    fn statement(&mut self, sql: &str) -> Result<Statement, StoreError> {
        if let Some(s) = self.prepared.get(sql) {
            return Ok(s.clone());
        }
        let s = blocking(|| self.client().prepare(sql))?;
        self.prepared.insert(sql.to_owned(), s.clone());
        Ok(s)
    }
}

/// Parameters typed as the statement expects them (an integer column bound as INT8, text as
/// TEXT; NULL as either).
fn bind(params: &[Val], types: &[Type]) -> Vec<Box<dyn postgres::types::ToSql + Sync>> {
    params
        .iter()
        .zip(types)
        .map(|(p, ty)| -> Box<dyn postgres::types::ToSql + Sync> {
            match (p, ty) {
                (Val::Int(i), &Type::INT4) => Box::new(i32::try_from(*i).unwrap_or(i32::MAX)),
                (Val::Int(i), &Type::TEXT) => Box::new(i.to_string()),
                (Val::Int(i), _) => Box::new(*i),
                (Val::Text(t), _) => Box::new(t.clone()),
                (Val::Null, &Type::TEXT) => Box::new(None::<String>),
                (Val::Null, _) => Box::new(None::<i64>),
            }
        })
        .collect()
}

impl Store for PgStore {
    fn execute(&mut self, sql: &str, params: &[Val]) -> Result<u64, StoreError> {
        let stmt = self.statement(sql)?;
        let values = bind(params, stmt.params());
        let refs: Vec<&(dyn postgres::types::ToSql + Sync)> =
            values.iter().map(|v| v.as_ref()).collect();
        Ok(blocking(|| self.client().execute(&stmt, &refs))?)
    }

    fn query(&mut self, sql: &str, params: &[Val]) -> Result<Vec<Row>, StoreError> {
        let stmt = self.statement(sql)?;
        let values = bind(params, stmt.params());
        let refs: Vec<&(dyn postgres::types::ToSql + Sync)> =
            values.iter().map(|v| v.as_ref()).collect();
        let rows = blocking(|| self.client().query(&stmt, &refs))?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let mut values = Vec::with_capacity(row.len());
            for (i, column) in row.columns().iter().enumerate() {
                let v = match *column.type_() {
                    Type::INT8 => row.get::<_, Option<i64>>(i).map(Val::Int),
                    Type::INT4 => row.get::<_, Option<i32>>(i).map(|v| Val::Int(v.into())),
                    Type::TEXT | Type::VARCHAR => row.get::<_, Option<String>>(i).map(Val::Text),
                    ref other => {
                        return Err(StoreError::ColumnType(other.to_string(), sql.to_owned()))
                    }
                };
                values.push(v.unwrap_or(Val::Null));
            }
            out.push(values);
        }
        Ok(out)
    }

    fn batch(&mut self, sql: &str) -> Result<(), StoreError> {
        Ok(blocking(|| self.client().batch_execute(sql))?)
    }

    fn kind(&self) -> &'static str {
        "postgres"
    }
}

impl Drop for PgStore {
    /// Closing blocks on the client's own runtime: done where blocking is allowed.
    fn drop(&mut self) {
        if let Some(client) = self.client.take() {
            blocking(move || drop(client));
        }
    }
}
